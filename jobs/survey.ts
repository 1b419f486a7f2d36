import { and, isNotNull, isNull } from 'drizzle-orm';
import Type from 'typebox';
import Value from 'typebox/value';
import type { Db } from '../db/client.ts';
import { procedures } from '../db/schema/index.ts';
import { quarterOf } from '../methodology/quarters.ts';
import { UNMEASURABLE_REASONS } from '../methodology/types.ts';
import type { CheckOutcome, Crawler } from './crawler.ts';
import { writeObservations } from './crawl.ts';
import { FetchError, classifyError } from './http/errors.ts';
import { finishRun, startRun } from './runs.ts';

// The survey provider's stats payload, checked before any figure is used.
const StatsAnswer = Type.Object({
  result: Type.Object({
    data: Type.Object({
      json: Type.Object({
        data: Type.Record(Type.String(), Type.Union([Type.Number(), Type.Null()])),
        metadata: Type.Record(Type.String(), Type.Union([Type.Number(), Type.Null()])),
      }),
    }),
  }),
});

/** Which figure of the payload feeds which criterion, and how it is scaled. */
const MAPPING = [
  { criterion: 'satisfaction', value: 'satisfaction', count: 'satisfaction_count', scale: 1 },
  { criterion: 'simplicity', value: 'comprehension', count: 'comprehension_count', scale: 1 },
  { criterion: 'help_reachable', value: 'contact_reachability', count: 'contactReachability_count', scale: 100 },
  { criterion: 'help_efficient', value: 'contact_satisfaction', count: 'contactSatisfaction_count', scale: 1 },
] as const;

/** The stats endpoint is an API meant for machine reads: a short pause between two calls is enough. */
const SURVEY_HOST_DELAY_MS = 20;

export const DEFAULT_SURVEY_URL = 'http://jedonnemonavis.demarches.test/api/stats';

export function surveyUrl(baseUrl: string, surveyId: number, start: Date, end: Date): string {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return `${baseUrl.replace(/\/+$/, '')}/${surveyId}?start=${day(start)}&end=${day(end)}`;
}

/** Turns one stats answer into the four survey observations (values and answer counts). */
export function surveyOutcomes(body: string, url: string, now: Date): CheckOutcome[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new FetchError('parse', 'survey answer is not JSON', { url });
  }
  if (!Value.Check(StatsAnswer, parsed)) {
    const first = [...Value.Errors(StatsAnswer, parsed)][0];
    throw new FetchError('parse', `unexpected survey payload: ${first?.instancePath ?? ''} ${first?.message ?? ''}`.trim(), { url });
  }
  const { data, metadata } = parsed.result.data.json;
  return MAPPING.map((m) => {
    const value = data[m.value];
    const answers = metadata[m.count] ?? 0;
    const evidence = { url, snippet: `${m.value} = ${value ?? 'absent'} (${answers} avis)`, answers };
    const base = { check: 'survey', criterion: m.criterion, observedAt: now };
    if (value === null || value === undefined) return { ...base, status: 'unmeasurable' as const, reason: UNMEASURABLE_REASONS.noData, evidence };
    // Not rounded: a mean of 7.9996 must not become 8 and reach the goal.
    return { ...base, status: 'measured' as const, value: value * m.scale, details: { answers }, evidence };
  });
}

/** Pulls the quarter-to-date stats of every procedure that has a survey. */
export async function pullSurveys(
  db: Db,
  crawler: Crawler,
  options: { baseUrl?: string; now?: Date; trigger?: 'cli' | 'schedule' | 'demo' } = {},
): Promise<{ runId: number; procedures: number; measured: number; failures: Record<string, number> }> {
  const now = options.now ?? new Date();
  const quarter = quarterOf(now);
  const targets = await db
    .select({ id: procedures.id, surveyId: procedures.surveyId })
    .from(procedures)
    .where(and(isNull(procedures.retiredAt), isNotNull(procedures.surveyId)));
  const runId = await startRun(db, { trigger: options.trigger ?? 'cli', checks: ['survey'], procedureCount: targets.length, now });
  let measured = 0;
  const failures: Record<string, number> = {};
  await Promise.all(
    targets.map(async (t) => {
      const url = surveyUrl(options.baseUrl ?? DEFAULT_SURVEY_URL, t.surveyId!, quarter.start, now);
      let outcomes: CheckOutcome[];
      try {
        const page = await crawler.fetch(url, { hostDelayMs: SURVEY_HOST_DELAY_MS });
        if (page.status !== 200) throw new FetchError('http', `survey answered HTTP ${page.status}`, { url, status: page.status });
        outcomes = surveyOutcomes(page.body, url, now);
      } catch (err) {
        const typed = err instanceof FetchError ? err : classifyError(err, url);
        failures[typed.type] = (failures[typed.type] ?? 0) + 1;
        outcomes = MAPPING.map((m) => ({ check: 'survey', criterion: m.criterion, observedAt: now, status: 'unmeasurable' as const, reason: typed.type, evidence: { url, failure: typed.type, snippet: typed.message } }));
      }
      measured += outcomes.filter((o) => o.status === 'measured').length;
      await writeObservations(db, runId, t.id, outcomes, now);
    }),
  );
  await finishRun(db, runId, 'completed', { procedures: targets.length, measured, failures });
  return { runId, procedures: targets.length, measured, failures };
}
