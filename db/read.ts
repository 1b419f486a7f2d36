import { and, desc, eq, gte, inArray, isNull, lt, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Db } from './client.ts';
import { ENGINE } from './engine.ts';
import { declarations, editions, observations, probeDaily } from './schema/index.ts';
import type { ObservedValue, ProbeRollup } from '../methodology/values.ts';
import { previousEdition } from '../methodology/change.ts';

// Named queries: one way to read each thing the edition, the spaces and the jobs all need.

/** A number at `key` of a JSON column, on either engine. */
export function jsonNumber(column: AnyColumn, key: string): SQL {
  return ENGINE === 'postgres' ? sql`(${column}->>${sql.raw(`'${key}'`)})::double precision` : sql`json_extract(${column}, ${sql.raw(`'$.${key}'`)})`;
}

/** The probes of days [from, to) (YYYY-MM-DD) added up by procedure: what uptime and response time are computed from. */
export async function probeRollup(db: Db, from: string, to: string, procedureIds?: number[]): Promise<Map<number, ProbeRollup>> {
  return new Map(
    (await db
      .select({
        procedureId: probeDaily.procedureId,
        samples: sql<number>`sum(${probeDaily.samples})`,
        failures: sql<number>`sum(${probeDaily.failures})`,
        blocked: sql<number>`sum(coalesce(${jsonNumber(probeDaily.failuresByType, 'blocked')}, 0))`,
        durationSumMs: sql<number>`sum(${probeDaily.durationSumMs})`,
      })
      .from(probeDaily)
      .where(and(gte(probeDaily.day, from), lt(probeDaily.day, to), procedureIds ? inArray(probeDaily.procedureId, procedureIds) : undefined))
      .groupBy(probeDaily.procedureId))
      .map(({ procedureId, ...rollup }) => [procedureId, rollup]),
  );
}

/**
 * The previous edition of an edition whose period starts at `periodStart`, by the methodology's
 * rule (`previousEdition`): read among the published editions (one a quarter, a few dozen at most).
 */
export async function previousPublishedEdition(db: Db, periodStart: Date): Promise<typeof editions.$inferSelect | undefined> {
  return previousEdition(await db.select().from(editions).where(eq(editions.status, 'published')), periodStart);
}

/**
 * The latest observation of each criterion of these procedures (keyed `procedureId:criterion`),
 * picked in SQL and without the evidence (a list does not show it: parsing it was most of an
 * operator's list).
 */
export type LatestObservation = ObservedValue & { observedAt: Date };

export async function latestObservations(db: Db, ids: number[]): Promise<Map<string, LatestObservation>> {
  const latest = new Map<string, LatestObservation>();
  for (let i = 0; i < ids.length; i += 400) {
    const chunk = ids.slice(i, i + 400);
    const ranked = db
      .select({
        id: observations.id,
        procedureId: observations.procedureId,
        criterion: observations.criterion,
        observedAt: observations.observedAt,
        status: observations.status,
        valueNum: observations.valueNum,
        valueText: observations.valueText,
        reason: observations.reason,
        answers: observations.answers,
        rank: sql<number>`row_number() over (partition by ${observations.procedureId}, ${observations.criterion} order by ${observations.observedAt} desc, ${observations.id} desc)`.as('rank'),
      })
      .from(observations)
      .where(inArray(observations.procedureId, chunk))
      .as('ranked');
    for (const o of await db.select().from(ranked).where(eq(ranked.rank, 1))) {
      latest.set(`${o.procedureId}:${o.criterion}`, o);
    }
  }
  return latest;
}

/**
 * The declaration in force for each criterion (keyed `procedureId:criterion`): now, or just before
 * `at` (made before it, not superseded before it — a quarter's edition reads them at its end);
 * for these procedures, or all of them.
 */
export async function declarationsInForce(db: Db, ids?: number[], at?: Date): Promise<Map<string, typeof declarations.$inferSelect>> {
  const result = new Map<string, typeof declarations.$inferSelect>();
  const inForce = at ? and(lt(declarations.declaredAt, at), or(isNull(declarations.supersededAt), gte(declarations.supersededAt, at))) : isNull(declarations.supersededAt);
  const chunks = ids ? Array.from({ length: Math.ceil(ids.length / 400) }, (_, i) => ids.slice(i * 400, i * 400 + 400)) : [undefined];
  for (const chunk of chunks) {
    for (const d of await db
      .select()
      .from(declarations)
      .where(and(chunk ? inArray(declarations.procedureId, chunk) : undefined, inForce))
      .orderBy(desc(declarations.declaredAt), desc(declarations.id))) {
      const key = `${d.procedureId}:${d.criterion}`;
      if (!result.has(key)) result.set(key, d);
    }
  }
  return result;
}
