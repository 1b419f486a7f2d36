import { isNull, sql } from 'drizzle-orm';
import PQueue from 'p-queue';
import { transaction, type Db } from '../db/client.ts';
import { probeDaily, probes, procedures, type FailureType } from '../db/schema/index.ts';
import { PROBE_TIMEOUT_MS, type Crawler } from './crawler.ts';
import { FetchError, classifyError } from './http/errors.ts';

export interface ProbeSample {
  procedureId: number;
  ok: boolean;
  httpStatus: number | null;
  durationMs: number | null;
  failure: FailureType | null;
}

export interface ProbeRoundSummary {
  probes: number;
  ok: number;
  failures: Partial<Record<FailureType, number>>;
  durationMs: number;
}

/** Samples one start URL: a success is a 2xx or 3xx answer within the timeout. */
export async function probeOne(crawler: Crawler, procedureId: number, url: string, timeoutMs: number, at?: Date): Promise<ProbeSample> {
  try {
    const page = await crawler.probe(url, timeoutMs, at);
    const ok = page.status >= 200 && page.status < 400;
    return { procedureId, ok, httpStatus: page.status, durationMs: page.durationMs, failure: ok ? null : 'http' };
  } catch (err) {
    const typed = err instanceof FetchError ? err : classifyError(err, url);
    return { procedureId, ok: false, httpStatus: typed.details.status ?? null, durationMs: null, failure: typed.type };
  }
}

/** One round: every active procedure probed once, samples and their daily roll-up written together. */
export async function probeRound(db: Db, crawler: Crawler, options: { now?: Date; concurrency?: number; timeoutMs?: number } = {}): Promise<ProbeRoundSummary> {
  const started = Date.now();
  const now = options.now ?? new Date();
  const targets = await db.select({ id: procedures.id, startUrl: procedures.startUrl }).from(procedures).where(isNull(procedures.retiredAt));
  // One request per site, each to its own host: a round can go out all at once.
  const queue = new PQueue({ concurrency: options.concurrency ?? 256 });
  const samples = await Promise.all(targets.map((t) => queue.add(() => probeOne(crawler, t.id, t.startUrl, options.timeoutMs ?? PROBE_TIMEOUT_MS)) as Promise<ProbeSample>));
  await recordProbes(db, samples, now);
  return summarize(samples, started);
}

export interface ProbeTarget {
  id: number;
  startUrl: string;
}

export interface RoundsOptions {
  /** Probes in flight at most, all rounds together. */
  inFlight: number;
  /** Probes in flight per site: each on its own connection, so each times the site alone. */
  perSite: number;
  timeoutMs?: number;
}

/** What sends the probes: a crawler on this thread (`localSampler`) or a `ProbeThread`. */
export interface Sampler {
  sampleRounds(targets: ProbeTarget[], moments: Date[], options: RoundsOptions, onRound: (round: number, samples: ProbeSample[]) => void): Promise<void>;
}

/**
 * Several rounds at their own moments, overlapping (the demo probes a quarter's hundred rounds in
 * seconds): every probe goes out as soon as its site has a free connection and the whole stays
 * under `inFlight`, earlier rounds first; each round is handed over as soon as its last sample is
 * in. A slow site holds its own connections only: no round waits for the slowest site of another.
 */
export async function sampleRounds(
  crawler: Crawler,
  targets: ProbeTarget[],
  moments: Date[],
  options: RoundsOptions,
  onRound: (round: number, samples: ProbeSample[]) => void,
): Promise<void> {
  const all = new PQueue({ concurrency: options.inFlight });
  const perSite = new Map(targets.map((t) => [t.id, new PQueue({ concurrency: options.perSite })]));
  await Promise.all(
    moments.map(async (at, round) => {
      // The site's queue first, then a place in flight: the probe's deadline starts when it is sent.
      const samples = await Promise.all(
        targets.map((t) => perSite.get(t.id)!.add(() => all.add(() => probeOne(crawler, t.id, t.startUrl, options.timeoutMs ?? PROBE_TIMEOUT_MS, at))) as Promise<ProbeSample>),
      );
      onRound(round, samples);
    }),
  );
}

export const localSampler = (crawler: Crawler): Sampler => ({
  sampleRounds: (targets, moments, options, onRound) => sampleRounds(crawler, targets, moments, options, onRound),
});

/** The active procedures probed at several moments (see `sampleRounds`), each round written as soon as it is in. */
export async function probeRounds(
  db: Db,
  sampler: Sampler,
  moments: Date[],
  options: RoundsOptions & { onRound?: (done: number, of: number) => void },
): Promise<ProbeRoundSummary[]> {
  const targets = await db.select({ id: procedures.id, startUrl: procedures.startUrl }).from(procedures).where(isNull(procedures.retiredAt));
  const summaries: ProbeRoundSummary[] = [];
  let done = 0;
  const started = Date.now();
  const { inFlight, perSite, timeoutMs } = options;
  // Rounds are written one after the other, in the order they come in; a failed write stops the
  // later ones and is the caller's error once the sampling is over.
  let writing: Promise<void> = Promise.resolve();
  await sampler.sampleRounds(targets, moments, { inFlight, perSite, timeoutMs }, (round, samples) => {
    writing = writing.then(async () => {
      await recordProbes(db, samples, moments[round]!);
      summaries[round] = summarize(samples, started);
      options.onRound?.(++done, moments.length);
    });
    void writing.catch(() => undefined);
  });
  await writing;
  return summaries;
}

function summarize(samples: ProbeSample[], started: number): ProbeRoundSummary {
  const failures: Partial<Record<FailureType, number>> = {};
  for (const s of samples) if (s.failure) failures[s.failure] = (failures[s.failure] ?? 0) + 1;
  return { probes: samples.length, ok: samples.filter((s) => s.ok).length, failures, durationMs: Date.now() - started };
}

/** Writes samples and adds them to their day's roll-up, in one transaction. */
export async function recordProbes(db: Db, samples: ProbeSample[], at: Date): Promise<void> {
  if (samples.length === 0) return;
  const day = at.toISOString().slice(0, 10);
  await transaction(db, async (tx) => {
    // Multi-row statements, a few hundred rows each: a round of 250 sites is two statements, not 500.
    for (let i = 0; i < samples.length; i += 500) {
      const chunk = samples.slice(i, i + 500);
      await tx.insert(probes).values(chunk.map((s) => ({ ...s, at })));
      await tx
        .insert(probeDaily)
        .values(chunk.map((s) => ({
          procedureId: s.procedureId,
          day,
          samples: 1,
          failures: s.ok ? 0 : 1,
          durationSumMs: s.ok ? (s.durationMs ?? 0) : 0,
          failuresByType: s.failure ? { [s.failure]: 1 } : {},
        })))
        .onConflictDoUpdate({
          target: [probeDaily.procedureId, probeDaily.day],
          set: {
            samples: sql`${probeDaily.samples} + excluded.samples`,
            failures: sql`${probeDaily.failures} + excluded.failures`,
            durationSumMs: sql`${probeDaily.durationSumMs} + excluded.duration_sum_ms`,
            // Counts by failure type, added key by key.
            failuresByType:
              tx.engine === 'postgres'
                ? sql`(select coalesce(jsonb_object_agg(key, total), '{}'::jsonb) from (select key, sum(value::integer) as total from (
              select key, value from jsonb_each_text(${probeDaily.failuresByType}) union all select key, value from jsonb_each_text(excluded.failures_by_type)
            ) as counts group by key) as totals)`
                : sql`(select json_group_object(key, total) from (select key, sum(value) as total from (
              select key, value from json_each(${probeDaily.failuresByType}) union all select key, value from json_each(excluded.failures_by_type)
            ) group by key))`,
          },
        });
    }
  });
}
