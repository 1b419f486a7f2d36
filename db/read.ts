import { and, desc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from './client.ts';
import { editions, probeDaily } from './schema/index.ts';
import type { ProbeRollup } from '../methodology/values.ts';

// Named queries: one way to read each thing the edition, the spaces and the jobs all need.

/** The probes of days [from, to) (YYYY-MM-DD) added up by procedure: what uptime and response time are computed from. */
export function probeRollup(db: Db, from: string, to: string, procedureIds?: number[]): Map<number, ProbeRollup> {
  return new Map(
    db
      .select({
        procedureId: probeDaily.procedureId,
        samples: sql<number>`sum(${probeDaily.samples})`,
        failures: sql<number>`sum(${probeDaily.failures})`,
        blocked: sql<number>`sum(coalesce(json_extract(${probeDaily.failuresByType}, '$.blocked'), 0))`,
        durationSumMs: sql<number>`sum(${probeDaily.durationSumMs})`,
      })
      .from(probeDaily)
      .where(and(gte(probeDaily.day, from), lt(probeDaily.day, to), procedureIds ? inArray(probeDaily.procedureId, procedureIds) : undefined))
      .groupBy(probeDaily.procedureId)
      .all()
      .map(({ procedureId, ...rollup }) => [procedureId, rollup]),
  );
}

/**
 * "The previous edition" of an edition whose period starts at `periodStart`, the one rule every
 * comparison uses (changes at close, the draft's preview, the syntheses' trends): the latest
 * published edition whose period starts before it. A quarter left unpublished is skipped, so the
 * comparison is with what the public last read.
 */
export function previousPublishedEdition(db: Db, periodStart: Date): typeof editions.$inferSelect | undefined {
  return db
    .select()
    .from(editions)
    .where(and(eq(editions.status, 'published'), lt(editions.periodStart, periodStart)))
    .orderBy(desc(editions.periodStart))
    .get();
}
