import { and, count, eq, inArray, isNull } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import type PgBoss from 'pg-boss';
import { first, transaction, type Db } from '../../db/client.ts';
import { crawlRunProcedures, crawlRuns, observations, procedures, type CrawlTrigger } from '../../db/schema/index.ts';
import { CHECKS, type Check } from '../checks/index.ts';
import type { Crawler } from '../crawler.ts';
import { writeObservations } from '../crawl.ts';
import { QUEUES } from './queue.ts';
import { WORKER_NAME } from './host-gate.ts';

/** One job: one procedure of one run. */
export interface CrawlJob {
  runId: number;
  procedureId: number;
  checks: string[];
  /** The date observations are filed under (ISO), when not the moment of measurement. */
  at?: string;
}

/** Procedures ordered so that neighbours are on different hosts: workers taking jobs in order spread over the sites. */
export function interleaveByHost<T extends { startUrl: string }>(targets: T[]): T[] {
  const byHost = new Map<string, T[]>();
  for (const t of targets) {
    const host = new URL(t.startUrl).host;
    byHost.set(host, [...(byHost.get(host) ?? []), t]);
  }
  const lists = [...byHost.values()];
  const out: T[] = [];
  for (let i = 0; out.length < targets.length; i++) for (const list of lists) if (list[i]) out.push(list[i]!);
  return out;
}

/**
 * A crawl run as jobs: the run's row and one job per procedure, in one transaction (pg-boss writes
 * its jobs through the same connection), so a crash leaves either a run with all its jobs or nothing.
 */
export async function enqueueCrawlRun(
  db: Db,
  boss: PgBoss,
  options: { procedureIds?: number[]; checks?: readonly Check[]; trigger: CrawlTrigger; now?: Date; at?: Date },
): Promise<{ runId: number; procedures: number }> {
  if (db.engine !== 'postgres') throw new Error('crawl jobs need PostgreSQL (OBSERVATOIRE_DATABASE_URL)');
  const checks = (options.checks ?? CHECKS).map((c) => c.name);
  const targets = interleaveByHost(
    await db
      .select({ id: procedures.id, startUrl: procedures.startUrl })
      .from(procedures)
      .where(and(isNull(procedures.retiredAt), options.procedureIds ? inArray(procedures.id, options.procedureIds) : undefined))
      .orderBy(procedures.id),
  );
  // One connection for the run's row (drizzle on it) and the jobs (pg-boss's `db` option).
  const client = await db.pool!.connect();
  try {
    await client.query('begin');
    const now = options.now ?? new Date();
    const [run] = await drizzle({ client })
      .insert(crawlRuns)
      .values({ trigger: options.trigger, checks, procedureCount: targets.length, startedAt: now, queued: true, ...(targets.length === 0 ? { status: 'completed', finishedAt: now, summary: {} } : { status: 'running' }) })
      .returning({ id: crawlRuns.id });
    const runId = run!.id;
    const executeSql = (text: string, values: unknown[]) => client.query(text, values);
    for (let i = 0; i < targets.length; i += 1000) {
      await boss.insert(
        targets.slice(i, i + 1000).map((t, j) => ({
          name: QUEUES.crawl,
          // The interleaved order is the order they are taken in (pg-boss takes the highest priority first).
          priority: targets.length - (i + j),
          data: { runId, procedureId: t.id, checks, at: options.at?.toISOString() } satisfies CrawlJob,
        })),
        { db: { executeSql } },
      );
    }
    await client.query('commit');
    return { runId, procedures: targets.length };
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Does one crawl job: measures the procedure, then, in one transaction, marks it measured in its
 * run and writes its observations — unless an earlier attempt already did (its worker died after
 * committing): then nothing is written twice. The job that measures a run's last procedure ends
 * the run, its summary counted from what the run wrote.
 */
export async function runCrawlJob(db: Db, crawler: Crawler, job: CrawlJob): Promise<'measured' | 'already measured' | 'gone'> {
  const key = and(eq(crawlRunProcedures.runId, job.runId), eq(crawlRunProcedures.procedureId, job.procedureId));
  if (await first(db.select().from(crawlRunProcedures).where(key))) return 'already measured';
  const target = await first(db.select({ startUrl: procedures.startUrl }).from(procedures).where(eq(procedures.id, job.procedureId)));
  const checks = CHECKS.filter((c) => job.checks.includes(c.name));
  const at = job.at ? new Date(job.at) : undefined;
  const outcomes = target ? await crawler.runChecks(target.startUrl, checks, at ?? new Date()) : [];
  return transaction(db, async (tx) => {
    // The run's row, locked: the jobs finishing at once count their run's procedures one after the other.
    const [run] = await tx.select().from(crawlRuns).where(eq(crawlRuns.id, job.runId)).for('update');
    if (!run) return 'gone';
    const marked = await tx.insert(crawlRunProcedures).values({ runId: job.runId, procedureId: job.procedureId, finishedAt: new Date(), worker: WORKER_NAME }).onConflictDoNothing().returning();
    if (marked.length === 0) return 'already measured';
    await writeObservations(tx, job.runId, job.procedureId, outcomes, at);
    const [done] = await tx.select({ n: count() }).from(crawlRunProcedures).where(eq(crawlRunProcedures.runId, job.runId));
    if (run.status === 'running' && done!.n >= run.procedureCount) await finishQueuedRun(tx, run, done!.n);
    return target ? 'measured' : 'gone';
  });
}

/** Ends a queued run with the summary a run done in one process writes, counted from its observations. */
async function finishQueuedRun(tx: Db, { id: runId, startedAt }: { id: number; startedAt: Date }, procedureCount: number): Promise<void> {
  const rows = await tx
    .select({ status: observations.status, reason: observations.reason, n: count() })
    .from(observations)
    .where(eq(observations.crawlRunId, runId))
    .groupBy(observations.status, observations.reason);
  const n = (status: string) => rows.filter((r) => r.status === status).reduce((s, r) => s + r.n, 0);
  const failures: Record<string, number> = {};
  for (const r of rows) if (r.status === 'unmeasurable') failures[r.reason ?? 'unknown'] = (failures[r.reason ?? 'unknown'] ?? 0) + r.n;
  const workers = await tx.selectDistinct({ worker: crawlRunProcedures.worker }).from(crawlRunProcedures).where(eq(crawlRunProcedures.runId, runId));
  const finishedAt = new Date();
  await tx
    .update(crawlRuns)
    .set({
      status: 'completed',
      finishedAt,
      summary: {
        runId,
        procedures: procedureCount,
        observations: rows.reduce((s, r) => s + r.n, 0),
        measured: n('measured'),
        notApplicable: n('not_applicable'),
        unmeasurable: n('unmeasurable'),
        failures,
        durationMs: finishedAt.getTime() - startedAt.getTime(),
        workers: workers.length,
      },
    })
    .where(and(eq(crawlRuns.id, runId), eq(crawlRuns.status, 'running')));
}

/** Where a queued run stands: procedures measured out of the run's. */
export async function queuedRunProgress(db: Db, runId: number): Promise<{ status: string; done: number; total: number }> {
  const run = await first(db.select().from(crawlRuns).where(eq(crawlRuns.id, runId)));
  const [done] = await db.select({ n: count() }).from(crawlRunProcedures).where(eq(crawlRunProcedures.runId, runId));
  return { status: run?.status ?? 'unknown', done: done!.n, total: run?.procedureCount ?? 0 };
}
