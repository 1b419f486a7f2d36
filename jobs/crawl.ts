import { and, inArray, isNull } from 'drizzle-orm';
import { transaction, type Db } from '../db/client.ts';
import { observations, procedures, type CrawlTrigger, type Evidence } from '../db/schema/index.ts';
import { CHECKS, type Check } from './checks/index.ts';
import type { CheckOutcome, Crawler } from './crawler.ts';
import { finishRun, startRun } from './runs.ts';
import { TOOL_VERSION } from './version.ts';
import { recordRegressions } from './alerts.ts';

export interface CrawlOptions {
  procedureIds?: number[];
  checks?: readonly Check[];
  trigger: CrawlTrigger;
  /** The date observations are filed under (the demo crawls at simulated dates). */
  now?: Date;
  onProgress?: (done: number, total: number, procedureId: number) => void;
}

export interface CrawlSummary {
  runId: number;
  procedures: number;
  observations: number;
  measured: number;
  notApplicable: number;
  unmeasurable: number;
  failures: Record<string, number>;
  durationMs: number;
}

/** One crawl run: every check on every procedure asked for, observations written per procedure. */
export async function crawl(db: Db, crawler: Crawler, options: CrawlOptions): Promise<CrawlSummary> {
  const checks = options.checks ?? CHECKS;
  const now = options.now ?? new Date();
  const started = Date.now();
  const targets = await db
    .select({ id: procedures.id, startUrl: procedures.startUrl })
    .from(procedures)
    .where(and(isNull(procedures.retiredAt), options.procedureIds ? inArray(procedures.id, options.procedureIds) : undefined));
  const runId = await startRun(db, { trigger: options.trigger, checks: checks.map((c) => c.name), procedureCount: targets.length, now });
  const summary: CrawlSummary = { runId, procedures: targets.length, observations: 0, measured: 0, notApplicable: 0, unmeasurable: 0, failures: {}, durationMs: 0 };
  let done = 0;
  try {
    await Promise.all(
      targets.map(async (target) => {
        const outcomes = await crawler.runChecks(target.startUrl, checks, now);
        await writeObservations(db, runId, target.id, outcomes, options.now);
        for (const o of outcomes) {
          summary.observations++;
          if (o.status === 'measured') summary.measured++;
          else if (o.status === 'not_applicable') summary.notApplicable++;
          else {
            summary.unmeasurable++;
            const key = o.reason ?? 'unknown';
            summary.failures[key] = (summary.failures[key] ?? 0) + 1;
          }
        }
        options.onProgress?.(++done, targets.length, target.id);
      }),
    );
  } catch (err) {
    await finishRun(db, runId, 'failed', { ...summary, error: String(err) });
    throw err;
  }
  summary.durationMs = Date.now() - started;
  await finishRun(db, runId, 'completed', { ...summary });
  return summary;
}

/** All of one procedure's observations in one transaction: a kill leaves all of them or none. */
export async function writeObservations(db: Db, runId: number | null, procedureId: number, outcomes: CheckOutcome[], at?: Date): Promise<void> {
  if (outcomes.length === 0) return;
  await transaction(db, async (tx) => {
    // Compared with the previous measurements before these are written: a fall is an alert,
    // written in the same transaction (the outbox), so a kill loses neither or both.
    await recordRegressions(tx, procedureId, outcomes.map((o) => ({ criterion: o.criterion, status: o.status, value: o.value ?? o.label ?? null, reason: o.reason ?? null, answers: typeof o.evidence['answers'] === 'number' ? o.evidence['answers'] : null })), at ?? outcomes[0]!.observedAt);
    await tx.insert(observations)
      .values(
        outcomes.map((o) => ({
          procedureId,
          crawlRunId: runId,
          criterion: o.criterion,
          observedAt: at ?? o.observedAt,
          status: o.status,
          valueNum: typeof o.value === 'number' ? o.value : null,
          valueText: typeof o.value === 'string' ? o.value : (o.label ?? null),
          reason: o.reason ?? null,
          answers: typeof o.evidence['answers'] === 'number' ? o.evidence['answers'] : null,
          evidence: { ...o.details, ...o.evidence, tool: `observatoire/${o.check}`, toolVersion: TOOL_VERSION } as Evidence,
        })),
      );
  });
}
