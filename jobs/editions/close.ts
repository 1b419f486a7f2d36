import { and, desc, eq, gte, inArray, isNull, lt, or, gt } from 'drizzle-orm';
import { first, transaction, type Db } from '../../db/client.ts';
import { editions, editionScores, observations, procedures, type Change, type declarations } from '../../db/schema/index.ts';
import {
  currentMethodology,
  groupScore,
  parseQuarter,
  safeResolve,
  changeSince,
  isoDay,
  observedCriteria,
  pickValue,
  type Methodology,
  type ResolvedValue,
  type Source,
} from '../../methodology/index.ts';
import { declarationsInForce, previousPublishedEdition, probeRollup } from '../../db/read.ts';
import { forgetPublishedEditions } from '../../db/published.ts';
import { recordEditionPublished } from '../alerts.ts';
import { DomainError } from '../../contracts/errors.ts';

/** Why a quarter cannot be closed or published: a domain refusal (contracts/errors.ts). */
export { DomainError as EditionError };


export interface ScoreRow extends ResolvedValue {
  procedureId: number;
  criterion: string;
  source: Source | null;
  observationId: number | null;
  declarationId: number | null;
  change: Change | null;
}

export interface CloseSummary {
  editionId: number;
  slug: string;
  procedures: number;
  coverage: Record<string, number | null>;
  changes: Record<string, number>;
}

export type Observation = typeof observations.$inferSelect;
export type Declaration = typeof declarations.$inferSelect;

/**
 * Builds (or rebuilds) the draft edition of a quarter: one resolved value per procedure ×
 * criterion from the quarter's observations, probes, survey figures and declarations, with its
 * level, goal flag, source, evidence link and change since the previous edition.
 */
export async function closeEdition(db: Db, slug: string, options: { now?: Date; methodology?: Methodology; allowEmpty?: boolean } = {}): Promise<CloseSummary> {
  const now = options.now ?? new Date();
  const methodology = options.methodology ?? currentMethodology;
  const quarter = parseQuarter(slug);
  if (!quarter) throw new DomainError('edition.not_a_quarter', `"${slug}" is not a quarter (expected YYYY-Tn, e.g. 2026-T3)`, { slug });
  if (quarter.start > now) throw new DomainError('edition.not_started', `${slug} has not started yet`, { slug });
  const existing = await first(db.select().from(editions).where(eq(editions.slug, slug)));
  if (existing?.status === 'published') throw new DomainError('edition.published', `${slug} is published: a published edition never changes`, { slug });

  const members = (
    await db
      .select({ id: procedures.id })
      .from(procedures)
      .where(or(isNull(procedures.retiredAt), gt(procedures.retiredAt, quarter.start)))
  ).map((p) => p.id);

  // Latest observation per procedure × criterion in the quarter, preferring a successful one.
  const latest = new Map<string, Observation>();
  const rows = await db
    .select()
    .from(observations)
    .where(and(gte(observations.observedAt, quarter.start), lt(observations.observedAt, quarter.end), inArray(observations.criterion, observedCriteria(methodology.criteria))))
    .orderBy(desc(observations.observedAt), desc(observations.id));
  for (const o of rows) {
    const key = `${o.procedureId}:${o.criterion}`;
    const kept = latest.get(key);
    if (!kept || (kept.status === 'unmeasurable' && o.status !== 'unmeasurable')) latest.set(key, o);
  }

  const probes = await probeRollup(db, isoDay(quarter.start), isoDay(quarter.end));
  // A quarter nothing was measured in is a typing mistake ("2011-T1") more often than a choice:
  // once published it could never be removed. Closed empty only when asked for (--empty).
  if (rows.length === 0 && probes.size === 0 && !options.allowEmpty) {
    throw new DomainError('edition.empty_quarter', `${slug}: nothing was measured in this quarter (no crawl observation, no probe) — check the quarter, or close it empty on purpose (--empty)`, { slug });
  }

  // The declaration in force at the end of the quarter.
  const declared = await declarationsInForce(db, undefined, quarter.end);

  const previous = await previousPublishedEdition(db, quarter.start);
  const previousScores = new Map(
    previous
      ? (await db.select().from(editionScores).where(eq(editionScores.editionId, previous.id))).map((s) => [`${s.procedureId}:${s.criterion}`, { state: s.status, level: s.level, goal: s.goal }])
      : [],
  );

  const scores: ScoreRow[] = [];
  for (const procedureId of members) {
    for (const criterion of methodology.criteria) {
      const key = `${procedureId}:${criterion.slug}`;
      const picked = pickValue(criterion, latest.get(key), declared.get(key), probes.get(procedureId));
      const resolved = safeResolve(criterion, picked.raw);
      const change = changeSince(criterion, previousScores.get(key), resolved);
      scores.push({ ...resolved, procedureId, criterion: criterion.slug, source: picked.source, observationId: picked.observationId, declarationId: picked.declarationId, change });
    }
  }

  const byProcedure = new Map<number, Record<string, ResolvedValue>>();
  for (const s of scores) {
    const values = byProcedure.get(s.procedureId) ?? {};
    values[s.criterion] = s;
    byProcedure.set(s.procedureId, values);
  }
  const all = [...byProcedure].map(([procedureId, values]) => ({ procedureId, values }));
  const coverage: Record<string, number | null> = {};
  for (const criterion of methodology.criteria) coverage[criterion.slug] = groupScore(methodology, criterion, all).coverage;
  const changes: Record<string, number> = {};
  for (const s of scores) if (s.change) changes[s.change] = (changes[s.change] ?? 0) + 1;

  const editionId = await transaction(db, async (tx) => {
    const values = { slug, periodStart: quarter.start, periodEnd: quarter.end, methodologyVersion: methodology.version, status: 'draft' as const, closedAt: now, coverage };
    let id: number;
    if (existing) {
      await tx.update(editions).set(values).where(eq(editions.id, existing.id));
      id = existing.id;
    } else {
      id = (await first(tx.insert(editions).values(values).returning({ id: editions.id })))!.id;
    }
    await tx.delete(editionScores).where(eq(editionScores.editionId, id));
    for (let i = 0; i < scores.length; i += 500) {
      await tx.insert(editionScores)
        .values(
          scores.slice(i, i + 500).map((s) => ({
            editionId: id,
            procedureId: s.procedureId,
            criterion: s.criterion,
            status: s.state,
            valueNum: typeof s.value === 'number' ? s.value : null,
            valueText: typeof s.value === 'string' ? s.value : null,
            level: s.level,
            goal: s.goal,
            source: s.source,
            reason: s.reason,
            observationId: s.observationId,
            declarationId: s.declarationId,
            change: s.change,
          })),
        );
    }
    return id;
  });
  return { editionId, slug, procedures: members.length, coverage, changes };
}

/** Freezes a draft: from now on the database refuses any change to it (see migration 0002). */
export async function publishEdition(db: Db, slug: string, now = new Date()): Promise<{ editionId: number }> {
  const published = await transaction(db, async (tx) => {
    const edition = await first(tx.select().from(editions).where(eq(editions.slug, slug)));
    if (!edition) throw new DomainError('edition.no_draft', `no draft edition ${slug}: close it first (observatoire edition close ${slug})`, { slug });
    if (edition.status === 'published') throw new DomainError('edition.published', `${slug} is already published: a published edition never changes`, { slug });
    await tx.update(editions).set({ status: 'published', publishedAt: now }).where(eq(editions.id, edition.id));
    await recordEditionPublished(tx, edition, now);
    return { editionId: edition.id };
  });
  // This process's editions API sees it at once ('latest' moves); other processes within a second.
  forgetPublishedEditions(db);
  return published;
}
