import { and, desc, eq, gte, inArray, isNull, lt, lte, or, gt, sql } from 'drizzle-orm';
import { WRITE, type Db } from '../../db/client.ts';
import { declarations, editions, editionScores, observations, probeDaily, procedures, type Change } from '../../db/schema/index.ts';
import {
  currentMethodology,
  groupScore,
  parseQuarter,
  previousQuarter,
  safeResolve,
  UNMEASURABLE_REASONS,
  type Criterion,
  type Methodology,
  type RawValue,
  type ResolvedValue,
  type Source,
} from '../../methodology/index.ts';
import { changeSince } from './change.ts';
import { recordEditionPublished } from '../alerts.ts';

export class EditionError extends Error {
  override name = 'EditionError';
}

/** A quarter without any measurement: refused unless asked for (`allowEmpty`). */
export class EmptyQuarterError extends EditionError {
  override name = 'EmptyQuarterError';
}

/** Criteria measured by page checks, and by the survey: their latest observation in the quarter counts. */
const OBSERVED = ['online', 'auth', 'handicap', 'dlnuf', 'mobile', 'a11y_auto', 'satisfaction', 'simplicity', 'help_reachable', 'help_efficient'];
const SURVEY = new Set(['satisfaction', 'simplicity', 'help_reachable', 'help_efficient']);
export const PROACTIVE = 'Démarche proactive';

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
export function closeEdition(db: Db, slug: string, options: { now?: Date; methodology?: Methodology; allowEmpty?: boolean } = {}): CloseSummary {
  const now = options.now ?? new Date();
  const methodology = options.methodology ?? currentMethodology;
  const quarter = parseQuarter(slug);
  if (!quarter) throw new EditionError(`"${slug}" is not a quarter (expected YYYY-Tn, e.g. 2026-T3)`);
  if (quarter.start > now) throw new EditionError(`${slug} has not started yet`);
  const existing = db.select().from(editions).where(eq(editions.slug, slug)).get();
  if (existing?.status === 'published') throw new EditionError(`${slug} is published: a published edition never changes`);

  const members = db
    .select({ id: procedures.id })
    .from(procedures)
    .where(or(isNull(procedures.retiredAt), gt(procedures.retiredAt, quarter.start)))
    .all()
    .map((p) => p.id);

  // Latest observation per procedure × criterion in the quarter, preferring a successful one.
  const latest = new Map<string, Observation>();
  const rows = db
    .select()
    .from(observations)
    .where(and(gte(observations.observedAt, quarter.start), lt(observations.observedAt, quarter.end), inArray(observations.criterion, OBSERVED)))
    .orderBy(desc(observations.observedAt), desc(observations.id))
    .all();
  for (const o of rows) {
    const key = `${o.procedureId}:${o.criterion}`;
    const kept = latest.get(key);
    if (!kept || (kept.status === 'unmeasurable' && o.status !== 'unmeasurable')) latest.set(key, o);
  }

  const probes = probeRollup(db, isoDay(quarter.start), isoDay(quarter.end));
  // A quarter nothing was measured in is a typing mistake ("2011-T1") more often than a choice:
  // once published it could never be removed. Closed empty only when asked for (--empty).
  if (rows.length === 0 && probes.size === 0 && !options.allowEmpty) {
    throw new EmptyQuarterError(`${slug}: nothing was measured in this quarter (no crawl observation, no probe) — check the quarter, or close it empty on purpose (--empty)`);
  }

  // The declaration in force at the end of the quarter.
  const declared = new Map<string, Declaration>();
  for (const d of db
    .select()
    .from(declarations)
    .where(and(lt(declarations.declaredAt, quarter.end), or(isNull(declarations.supersededAt), gte(declarations.supersededAt, quarter.end))))
    .orderBy(desc(declarations.declaredAt))
    .all()) {
    const key = `${d.procedureId}:${d.criterion}`;
    if (!declared.has(key)) declared.set(key, d);
  }

  const previous = previousEdition(db, quarter.start, previousQuarter(quarter).slug);
  const previousScores = new Map(
    previous
      ? db.select().from(editionScores).where(eq(editionScores.editionId, previous.id)).all().map((s) => [`${s.procedureId}:${s.criterion}`, { state: s.status, level: s.level, goal: s.goal }])
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

  const editionId = db.transaction((tx) => {
    const values = { slug, periodStart: quarter.start, periodEnd: quarter.end, methodologyVersion: methodology.version, status: 'draft' as const, closedAt: now, coverage };
    let id: number;
    if (existing) {
      tx.update(editions).set(values).where(eq(editions.id, existing.id)).run();
      id = existing.id;
    } else {
      id = tx.insert(editions).values(values).returning({ id: editions.id }).get().id;
    }
    tx.delete(editionScores).where(eq(editionScores.editionId, id)).run();
    for (let i = 0; i < scores.length; i += 500) {
      tx.insert(editionScores)
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
        )
        .run();
    }
    return id;
  }, WRITE);
  return { editionId, slug, procedures: members.length, coverage, changes };
}

/** Freezes a draft: from now on the database refuses any change to it (see migration 0002). */
export function publishEdition(db: Db, slug: string, now = new Date()): { editionId: number } {
  return db.transaction((tx) => {
    const edition = tx.select().from(editions).where(eq(editions.slug, slug)).get();
    if (!edition) throw new EditionError(`no draft edition ${slug}: close it first (observatoire edition close ${slug})`);
    if (edition.status === 'published') throw new EditionError(`${slug} is already published: a published edition never changes`);
    tx.update(editions).set({ status: 'published', publishedAt: now }).where(eq(editions.id, edition.id)).run();
    recordEditionPublished(tx, edition, now);
    return { editionId: edition.id };
  }, WRITE);
}

function previousEdition(db: Db, before: Date, previousSlug: string) {
  return (
    db.select().from(editions).where(and(eq(editions.slug, previousSlug), eq(editions.status, 'published'))).get() ??
    db.select().from(editions).where(and(eq(editions.status, 'published'), lte(editions.periodEnd, before))).orderBy(desc(editions.periodEnd)).get()
  );
}

/** What pickValue reads of an observation (a list may select just these columns). */
export type ObservedValue = Pick<Observation, 'id' | 'status' | 'valueNum' | 'valueText' | 'answers' | 'reason'>;

export interface Picked {
  raw: RawValue;
  source: Source | null;
  observationId: number | null;
  declarationId: number | null;
}

export interface ProbeRollup {
  samples: number;
  failures: number;
  /** Probes robots.txt forbade: they say nothing of availability. */
  blocked: number;
  durationSumMs: number;
}

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

/** The value a criterion takes from what was observed, declared and probed: measured wins, a declaration fills the rest. */
export function pickValue(
  criterion: Criterion,
  observation: ObservedValue | undefined,
  declaration: Declaration | undefined,
  probes?: ProbeRollup,
): Picked {
  const fromDeclaration = (d: Declaration): Picked => ({
    raw: { state: 'measured', value: d.valueNum ?? d.valueText ?? '', answers: d.answers ?? undefined },
    source: 'declared',
    observationId: null,
    declarationId: d.id,
  });
  if (criterion.slug === 'uptime' || criterion.slug === 'performance') {
    const ok = probes ? probes.samples - probes.failures : 0;
    // A probe robots.txt forbids says nothing of availability: it is left out, not counted down.
    const counted = probes ? probes.samples - probes.blocked : 0;
    if (!probes || probes.samples === 0) return { raw: { state: 'unmeasurable', reason: UNMEASURABLE_REASONS.noData }, source: null, observationId: null, declarationId: null };
    if (counted === 0) return { raw: { state: 'unmeasurable', reason: 'blocked' }, source: 'crawl', observationId: null, declarationId: null };
    if (criterion.slug === 'uptime') return { raw: { state: 'measured', value: (100 * ok) / counted }, source: 'crawl', observationId: null, declarationId: null };
    if (ok === 0) return { raw: { state: 'unmeasurable', reason: 'no_successful_probe' }, source: 'crawl', observationId: null, declarationId: null };
    // Mean response time of the successful probes.
    return { raw: { state: 'measured', value: Math.round(probes.durationSumMs / ok) }, source: 'crawl', observationId: null, declarationId: null };
  }
  // "Démarche proactive" can only be declared: nothing to do online because nothing is asked.
  if (criterion.slug === 'online' && declaration?.valueText === PROACTIVE) return fromDeclaration(declaration);
  // Measured wins; a declaration fills what could not be measured.
  if (observation?.status === 'measured') {
    return {
      raw: { state: 'measured', value: observation.valueNum ?? observation.valueText ?? null, answers: observation.answers ?? undefined, reason: observation.reason ?? undefined },
      source: SURVEY.has(criterion.slug) ? 'survey' : 'crawl',
      observationId: observation.id,
      declarationId: null,
    };
  }
  if (declaration) return fromDeclaration(declaration);
  if (observation) {
    const raw: RawValue = observation.status === 'not_applicable' ? { state: 'not_applicable', reason: observation.reason ?? undefined } : { state: 'unmeasurable', reason: observation.reason ?? 'unknown' };
    return { raw, source: SURVEY.has(criterion.slug) ? 'survey' : 'crawl', observationId: observation.id, declarationId: null };
  }
  return { raw: { state: 'unmeasurable', reason: UNMEASURABLE_REASONS.noData }, source: null, observationId: null, declarationId: null };
}

/** The UTC day of a date, YYYY-MM-DD: how probe roll-ups are keyed. */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
