import { eq, inArray, sql } from 'drizzle-orm';
import { first, type Db } from '../../../db/client.ts';
import { observations, probeDaily, watchlist, type declarations } from '../../../db/schema/index.ts';
import { declarationsInForce, latestObservations, probeRollup, type LatestObservation } from '../../../db/read.ts';
import { changeSince, currentMethodology, isoDay, pickValue, safeResolve, type Criterion, type ProbeRollup } from '../../../methodology/index.ts';
import { procedureIdsInScope, type User } from '../../auth/accounts.ts';
import { editionTable, listPublishedEditions, type Edition } from '../editions.ts';
import type { CurrentCell, TrackedCriterion, TrackedList, TrackedProcedure } from '../../../contracts/index.ts';
import { listProcedures } from '../catalogue.ts';

// The ministry teams' view of their procedures: what moved, their latest measurements against the
// edition they follow.

type Declaration = typeof declarations.$inferSelect;

/** Criteria measured continuously by probes: "now" is their last thirty days of probes. */
export const PROBE_WINDOW_DAYS = 30;

function currentCell(criterion: Criterion, observation: LatestObservation | undefined, declaration: Declaration | undefined, probes: { rollup: ProbeRollup | undefined; from: string; to: string } | null): CurrentCell | null {
  if (criterion.obtainedBy === 'probe') {
    if (!probes?.rollup) return null;
    const picked = pickValue(criterion, undefined, undefined, probes.rollup);
    const resolved = safeResolve(criterion, picked.raw);
    return { status: resolved.state, value: resolved.value, level: resolved.level, goal: resolved.goal, source: picked.source, reason: resolved.reason, observedAt: `${probes.to}T23:59:59.999Z`, period: { from: probes.from, to: probes.to }, observationId: null, declarationId: null };
  }
  if (!observation && !declaration) return null;
  const picked = pickValue(criterion, observation, declaration);
  const resolved = safeResolve(criterion, picked.raw);
  const declared = picked.declarationId !== null ? declaration : undefined;
  return {
    status: resolved.state,
    value: resolved.value,
    level: resolved.level,
    goal: resolved.goal,
    source: picked.source,
    reason: resolved.reason,
    observedAt: (declared?.declaredAt ?? observation?.observedAt)?.toISOString() ?? null,
    observationId: picked.observationId,
    declarationId: picked.declarationId,
  };
}

const DAY_MS = 86_400_000;

/**
 * The edition a team's latest measurements are compared with: the latest published edition of a
 * quarter that ended before them. Measurements of a quarter already published are the ones that
 * edition was made of: they are compared with the edition before, as the alerts compared each
 * with the measurement before — so the space and the alerts count the same falls.
 */
export function referenceEdition(published: Edition[], measuredUntil: Date | null): Edition | undefined {
  if (!measuredUntil) return published[0];
  return published.find((e) => e.periodEnd.getTime() <= measuredUntil.getTime());
}

/** The user's procedures (an operator's: all), regressions first, then improvements, then by volume. */
export async function trackedProcedures(db: Db, user: User, options: { ids?: number[] } = {}): Promise<TrackedList> {
  const scopeIds = await procedureIdsInScope(db, user);
  const scope = new Set(scopeIds);
  const ids = options.ids ? options.ids.filter((id) => scope.has(id)) : scopeIds;
  // Dated over the whole scope, so that a procedure's page and the list compare with the same edition.
  const lastCrawl = await maxOver(scopeIds, async (chunk) => (await first(db.select({ at: sql<Date | null>`max(${observations.observedAt})`.mapWith(observations.observedAt) }).from(observations).where(inArray(observations.procedureId, chunk))))?.at?.getTime() ?? null);
  const lastProbeDay = await maxOver(scopeIds, async (chunk) => (await first(db.select({ day: sql<string | null>`max(${probeDaily.day})` }).from(probeDaily).where(inArray(probeDaily.procedureId, chunk))))?.day ?? null);
  const measuredUntil = [lastCrawl !== null ? new Date(lastCrawl) : null, lastProbeDay ? new Date(`${lastProbeDay}T23:59:59.999Z`) : null].filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0] ?? null;
  const published = await listPublishedEditions(db);
  const reference = referenceEdition(published, measuredUntil);
  const table = reference ? await editionTable(db, reference) : undefined;
  const editionRows = new Map(table?.rows.map((r) => [r.id, r]) ?? []);
  const observed = await latestObservations(db, ids);
  const declared = await declarationsInForce(db, ids);
  let probes: { rollups: Map<number, ProbeRollup>; from: string; to: string } | null = null;
  if (lastProbeDay) {
    const to = new Date(`${lastProbeDay}T00:00:00Z`);
    const from = isoDay(new Date(to.getTime() - (PROBE_WINDOW_DAYS - 1) * DAY_MS));
    probes = { rollups: await probeRollup(db, from, isoDay(new Date(to.getTime() + DAY_MS)), ids), from, to: lastProbeDay };
  }
  const watched = new Set((await db.select({ id: watchlist.procedureId }).from(watchlist).where(eq(watchlist.userId, user.id))).map((w) => w.id));
  const catalogue = new Map((await listProcedures(db)).map((p) => [p.id, p]));
  const items: TrackedProcedure[] = [];
  for (const id of ids) {
    const procedure = catalogue.get(id);
    if (!procedure) continue;
    const criteria = currentMethodology.criteria.map((criterion): TrackedCriterion => {
      const key = `${id}:${criterion.slug}`;
      const edition = editionRows.get(id)?.scores[criterion.slug] ?? null;
      const current = currentCell(criterion, observed.get(key), declared.get(key), probes && { rollup: probes.rollups.get(id), from: probes.from, to: probes.to });
      const change = current ? changeSince(criterion, edition ? { state: edition.status, level: edition.level, goal: edition.goal } : undefined, { state: current.status, level: current.level, goal: current.goal }) : null;
      return { criterion: criterion.slug, edition, current, change };
    });
    items.push({
      id,
      title: procedure.title,
      ministry: procedure.ministry,
      administration: procedure.administration,
      yearlyVolume: procedure.yearlyVolume,
      watched: watched.has(id),
      regressions: criteria.filter((c) => c.change === 'regressed').length,
      improvements: criteria.filter((c) => c.change === 'improved').length,
      criteria,
    });
  }
  items.sort((a, b) => b.regressions - a.regressions || b.improvements - a.improvements || b.yearlyVolume - a.yearlyVolume || a.id - b.id);
  const latest = published[0]?.slug ?? null;
  return { edition: reference?.slug ?? null, latestEdition: latest !== (reference?.slug ?? null) ? latest : null, measuredUntil: measuredUntil?.toISOString() ?? null, items };
}

/** The largest of a per-chunk maximum over many ids (SQLite's bound on parameters). */
async function maxOver<T extends number | string>(ids: number[], query: (chunk: number[]) => Promise<T | null>): Promise<T | null> {
  let best: T | null = null;
  for (let i = 0; i < ids.length; i += 400) {
    const value = await query(ids.slice(i, i + 400));
    if (value !== null && (best === null || value > best)) best = value;
  }
  return best;
}
