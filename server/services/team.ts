import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { WRITE, type Db } from '../../db/client.ts';
import { declarations, observations, probeDaily, rechecks, watchlist } from '../../db/schema/index.ts';
import { changeSince, currentMethodology, isoDay, PROACTIVE, pickValue, safeResolve, storedValue, type Criterion, type ObservedValue, type ProbeRollup } from '../../methodology/index.ts';
import { probeRollup } from '../../db/read.ts';

type Declaration = typeof declarations.$inferSelect;
import { AccountError, canAccessProcedure, procedureIdsInScope, type User } from '../auth/accounts.ts';
import { editionTable, listPublishedEditions, type Edition, type ScoreCell } from './editions.ts';
import { getProcedure, listProcedures } from './catalogue.ts';
import { minutesWords } from '../words.ts';

// The ministry teams' view: their procedures, what moved since the last published edition
// (current measurements against the edition), declarations and re-checks.

// The ministry teams' view: their procedures, what moved (their latest measurements against the
// edition they follow), declarations and re-checks.

/** Criteria measured continuously by probes: "now" is their last thirty days of probes. */
const PROBED = new Set(['uptime', 'performance']);
export const PROBE_WINDOW_DAYS = 30;

/** A value as measured (or declared) now: an edition cell without its change, dated — probes by the days they cover. */
export type CurrentCell = Omit<ScoreCell, 'change'> & { observedAt: string | null; period?: { from: string; to: string } };

export interface TrackedCriterion {
  criterion: string;
  edition: ScoreCell | null;
  current: CurrentCell | null;
  /** How the current value moved against the last published edition. */
  change: 'improved' | 'regressed' | 'unchanged' | 'new' | null;
}

export interface TrackedProcedure {
  id: number;
  title: string;
  ministry: { slug: string; name: string };
  administration: { slug: string; name: string };
  yearlyVolume: number;
  watched: boolean;
  regressions: number;
  improvements: number;
  criteria: TrackedCriterion[];
}

/**
 * The latest observation of each criterion of these procedures, picked in SQL and without the
 * evidence (the list does not show it: parsing it was most of an operator's list).
 */
type Observed = ObservedValue & { observedAt: Date };

function latestObservations(db: Db, ids: number[]): Map<string, Observed> {
  const latest = new Map<string, Observed>();
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
    for (const o of db.select().from(ranked).where(eq(ranked.rank, 1)).all()) {
      latest.set(`${o.procedureId}:${o.criterion}`, o);
    }
  }
  return latest;
}

function declarationsInForce(db: Db, ids: number[]): Map<string, Declaration> {
  const result = new Map<string, Declaration>();
  for (let i = 0; i < ids.length; i += 400) {
    for (const d of db
      .select()
      .from(declarations)
      .where(and(inArray(declarations.procedureId, ids.slice(i, i + 400)), isNull(declarations.supersededAt)))
      .orderBy(desc(declarations.declaredAt))
      .all()) {
      const key = `${d.procedureId}:${d.criterion}`;
      if (!result.has(key)) result.set(key, d);
    }
  }
  return result;
}

function currentCell(criterion: Criterion, observation: Observed | undefined, declaration: Declaration | undefined, probes: { rollup: ProbeRollup | undefined; from: string; to: string } | null): CurrentCell | null {
  if (PROBED.has(criterion.slug)) {
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

export interface TrackedView {
  /** The edition compared with (see `referenceEdition`); null when there is none. */
  edition: string | null;
  /** The latest published edition, when it is not the one compared with. */
  latestEdition: string | null;
  /** The date of the latest measurement in the scope (crawl or probe). */
  measuredUntil: string | null;
  items: TrackedProcedure[];
}

/** The user's procedures (an operator's: all), regressions first, then improvements, then by volume. */
export function trackedProcedures(db: Db, user: User, options: { ids?: number[] } = {}): TrackedView {
  const scopeIds = procedureIdsInScope(db, user);
  const scope = new Set(scopeIds);
  const ids = options.ids ? options.ids.filter((id) => scope.has(id)) : scopeIds;
  // Dated over the whole scope, so that a procedure's page and the list compare with the same edition.
  const lastCrawl = maxOver(scopeIds, (chunk) => db.select({ at: sql<number | null>`max(${observations.observedAt})` }).from(observations).where(inArray(observations.procedureId, chunk)).get()?.at ?? null);
  const lastProbeDay = maxOver(scopeIds, (chunk) => db.select({ day: sql<string | null>`max(${probeDaily.day})` }).from(probeDaily).where(inArray(probeDaily.procedureId, chunk)).get()?.day ?? null);
  const measuredUntil = [lastCrawl !== null ? new Date(lastCrawl) : null, lastProbeDay ? new Date(`${lastProbeDay}T23:59:59.999Z`) : null].filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0] ?? null;
  const published = listPublishedEditions(db);
  const reference = referenceEdition(published, measuredUntil);
  const table = reference ? editionTable(db, reference) : undefined;
  const editionRows = new Map(table?.rows.map((r) => [r.id, r]) ?? []);
  const observed = latestObservations(db, ids);
  const declared = declarationsInForce(db, ids);
  let probes: { rollups: Map<number, ProbeRollup>; from: string; to: string } | null = null;
  if (lastProbeDay) {
    const to = new Date(`${lastProbeDay}T00:00:00Z`);
    const from = isoDay(new Date(to.getTime() - (PROBE_WINDOW_DAYS - 1) * DAY_MS));
    probes = { rollups: probeRollup(db, from, isoDay(new Date(to.getTime() + DAY_MS)), ids), from, to: lastProbeDay };
  }
  const watched = new Set(db.select({ id: watchlist.procedureId }).from(watchlist).where(eq(watchlist.userId, user.id)).all().map((w) => w.id));
  const catalogue = new Map(listProcedures(db).map((p) => [p.id, p]));
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
function maxOver<T extends number | string>(ids: number[], query: (chunk: number[]) => T | null): T | null {
  let best: T | null = null;
  for (let i = 0; i < ids.length; i += 400) {
    const value = query(ids.slice(i, i + 400));
    if (value !== null && (best === null || value > best)) best = value;
  }
  return best;
}

/** 404 when the procedure does not exist, 403 when it is not the user's. */
export function assertProcedureAccess(db: Db, user: User, procedureId: number): void {
  if (!getProcedure(db, procedureId)) throw new AccountError(`Aucune démarche n° ${procedureId}.`, 404);
  if (!canAccessProcedure(db, user, procedureId)) throw new AccountError(`La démarche n° ${procedureId} ne relève pas de votre périmètre.`, 403);
}

// ---------------------------------------------------------------- declarations

export interface DeclarableCriterion {
  criterion: string;
  label: string;
  kind: 'count' | 'percent' | 'proactive' | 'score';
  min?: number;
  max?: number;
  /** What the team states, in the form's words. */
  help: string;
}

/** What a crawler cannot see, and so what a team may declare. */
export const DECLARABLE: DeclarableCriterion[] = [
  { criterion: 'dlnuf', label: 'Dites-le-nous une fois', kind: 'count', min: 0, max: 100, help: 'Nombre de données déjà détenues par l’État que le formulaire (derrière une connexion) demande encore.' },
  { criterion: 'usage', label: 'Taux de recours au numérique', kind: 'percent', min: 0, max: 100, help: 'Part des demandes faites en ligne, en %.' },
  { criterion: 'online', label: 'Démarche proactive', kind: 'proactive', help: 'L’administration accorde le droit sans demande : rien à faire en ligne.' },
  { criterion: 'satisfaction', label: 'Satisfaction (enquête de l’administration)', kind: 'score', min: 0, max: 10, help: 'Note moyenne sur 10 et nombre de réponses de votre propre enquête.' },
];

export const JUSTIFICATION_MIN = 10;
export const JUSTIFICATION_MAX = 2000;

export interface DeclarationInput {
  criterion: string;
  value: number | string;
  answers?: number;
  justification: string;
}

export interface DeclarationView {
  id: number;
  criterion: string;
  value: number | string | null;
  answers: number | null;
  justification: string;
  declaredBy: string;
  declaredAt: string;
  supersededAt: string | null;
  inForce: boolean;
  previous: { value: number | string | null; answers: number | null; declaredAt: string } | null;
}

function checkDeclaration(input: DeclarationInput): { valueNum: number | null; valueText: string | null; answers: number | null } {
  const spec = DECLARABLE.find((d) => d.criterion === input.criterion);
  if (!spec) throw new AccountError(`Le critère « ${input.criterion} » ne se déclare pas (déclarables : ${DECLARABLE.map((d) => d.criterion).join(', ')}).`);
  const justification = input.justification.trim();
  if (justification.length < JUSTIFICATION_MIN) throw new AccountError(`La justification doit compter au moins ${JUSTIFICATION_MIN} caractères : dites d’où vient la valeur.`);
  if (justification.length > JUSTIFICATION_MAX) throw new AccountError(`La justification doit compter au plus ${JUSTIFICATION_MAX} caractères.`);
  if (spec.kind === 'proactive') {
    if (input.value !== PROACTIVE) throw new AccountError(`Pour « online », la seule valeur déclarable est « ${PROACTIVE} ».`);
    return { valueNum: null, valueText: PROACTIVE, answers: null };
  }
  // A number, or a number written in French or English ("72,5", "72.5"): nothing else — an empty
  // or odd string ("", "0x1F", "1e2") is refused, never read as 0 or 31.
  const text = typeof input.value === 'string' ? input.value.trim() : null;
  if (text !== null && !/^-?\d+([.,]\d+)?$/.test(text)) throw new AccountError(text === '' ? `La valeur de « ${spec.label} » est vide.` : `La valeur de « ${spec.label} » doit être un nombre (« ${text.slice(0, 40)} » n’en est pas un).`);
  const value = typeof input.value === 'number' ? input.value : Number(text!.replace(',', '.'));
  if (!Number.isFinite(value) || value < spec.min! || value > spec.max!) throw new AccountError(`La valeur de « ${spec.label} » doit être un nombre entre ${spec.min} et ${spec.max}.`);
  if (spec.kind === 'count' && !Number.isInteger(value)) throw new AccountError(`La valeur de « ${spec.label} » est un nombre entier de données.`);
  if (spec.kind === 'score') {
    if (input.answers === undefined || !Number.isInteger(input.answers) || input.answers < 1) throw new AccountError('Indiquez le nombre de réponses à votre enquête (un entier positif).');
    return { valueNum: value, valueText: null, answers: input.answers };
  }
  return { valueNum: value, valueText: null, answers: null };
}

/** Records a declaration; the one in force for the same criterion is superseded, kept as history. */
export function declare(db: Db, user: User, procedureId: number, input: DeclarationInput, now = new Date()): DeclarationView {
  assertProcedureAccess(db, user, procedureId);
  const value = checkDeclaration(input);
  const id = db.transaction((tx) => {
    tx.update(declarations)
      .set({ supersededAt: now })
      .where(and(eq(declarations.procedureId, procedureId), eq(declarations.criterion, input.criterion), isNull(declarations.supersededAt)))
      .run();
    return tx
      .insert(declarations)
      .values({ procedureId, criterion: input.criterion, ...value, justification: input.justification.trim(), declaredBy: `${user.name} <${user.email}>`, userId: user.id, declaredAt: now })
      .returning({ id: declarations.id })
      .get().id;
  }, WRITE);
  return declarationHistory(db, procedureId).find((d) => d.id === id)!;
}

/** Ends the declaration in force for a criterion (the crawl's value, if any, stands again). */
export function withdrawDeclaration(db: Db, user: User, procedureId: number, criterion: string, now = new Date()): boolean {
  assertProcedureAccess(db, user, procedureId);
  return (
    db
      .update(declarations)
      .set({ supersededAt: now })
      .where(and(eq(declarations.procedureId, procedureId), eq(declarations.criterion, criterion), isNull(declarations.supersededAt)))
      .run().changes > 0
  );
}

/** Every declaration of a procedure, newest first, each with the value it replaced. */
export function declarationHistory(db: Db, procedureId: number): DeclarationView[] {
  const rows = db.select().from(declarations).where(eq(declarations.procedureId, procedureId)).orderBy(asc(declarations.declaredAt), asc(declarations.id)).all();
  const lastByCriterion = new Map<string, Declaration>();
  const views: DeclarationView[] = [];
  for (const d of rows) {
    const previous = lastByCriterion.get(d.criterion);
    views.push({
      id: d.id,
      criterion: d.criterion,
      value: storedValue(d),
      answers: d.answers,
      justification: d.justification,
      declaredBy: d.declaredBy,
      declaredAt: d.declaredAt.toISOString(),
      supersededAt: d.supersededAt?.toISOString() ?? null,
      inForce: d.supersededAt === null,
      previous: previous ? { value: storedValue(previous), answers: previous.answers, declaredAt: previous.declaredAt.toISOString() } : null,
    });
    lastByCriterion.set(d.criterion, d);
  }
  return views.reverse();
}

// ---------------------------------------------------------------- watchlist

export function setWatched(db: Db, user: User, procedureId: number, watched: boolean, now = new Date()): void {
  assertProcedureAccess(db, user, procedureId);
  if (watched) db.insert(watchlist).values({ userId: user.id, procedureId, createdAt: now }).onConflictDoNothing().run();
  else db.delete(watchlist).where(and(eq(watchlist.userId, user.id), eq(watchlist.procedureId, procedureId))).run();
}

// ---------------------------------------------------------------- re-checks

/** One re-check of a procedure per 10 minutes, and 20 re-checks an hour per account. */
export const RECHECK_INTERVAL_MS = 10 * 60_000;
export const RECHECKS_PER_HOUR = 20;

export type Recheck = typeof rechecks.$inferSelect;

export function recheckView(r: Recheck) {
  return {
    id: r.id,
    procedureId: r.procedureId,
    status: r.status,
    requestedAt: r.requestedAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    results: r.results ?? null,
    error: r.error,
  };
}

export class RateLimited extends AccountError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message, 429);
  }
}

/**
 * Queues a re-check. A procedure already queued or running answers that one (no duplicate);
 * a procedure re-checked less than 10 minutes ago, or an account past 20 an hour, waits.
 */
export function requestRecheck(db: Db, user: User, procedureId: number, now = new Date()): { recheck: Recheck; created: boolean } {
  assertProcedureAccess(db, user, procedureId);
  return db.transaction((tx) => {
    const pending = tx.select().from(rechecks).where(and(eq(rechecks.procedureId, procedureId), inArray(rechecks.status, ['queued', 'running']))).get();
    if (pending) return { recheck: pending, created: false };
    const last = tx.select().from(rechecks).where(eq(rechecks.procedureId, procedureId)).orderBy(desc(rechecks.requestedAt)).get();
    const since = last ? now.getTime() - last.requestedAt.getTime() : Infinity;
    if (since < RECHECK_INTERVAL_MS) {
      const wait = Math.ceil((RECHECK_INTERVAL_MS - since) / 1000);
      throw new RateLimited(`Cette démarche a été revérifiée il y a moins de ${RECHECK_INTERVAL_MS / 60_000} minutes : nouvelle demande possible dans ${minutesWords(wait)}.`, wait);
    }
    const hourAgo = new Date(now.getTime() - 3600_000);
    const mine = tx.select({ at: rechecks.requestedAt }).from(rechecks).where(eq(rechecks.requestedBy, user.id)).orderBy(desc(rechecks.requestedAt)).limit(RECHECKS_PER_HOUR).all();
    if (mine.length >= RECHECKS_PER_HOUR && mine[RECHECKS_PER_HOUR - 1]!.at > hourAgo) {
      const wait = Math.ceil((mine[RECHECKS_PER_HOUR - 1]!.at.getTime() + 3600_000 - now.getTime()) / 1000);
      throw new RateLimited(`Vous avez demandé ${RECHECKS_PER_HOUR} vérifications en une heure : nouvelle demande possible dans ${minutesWords(wait)}.`, wait);
    }
    const recheck = tx.insert(rechecks).values({ procedureId, requestedBy: user.id, status: 'queued', requestedAt: now }).returning().get();
    return { recheck, created: true };
  }, WRITE);
}

/** When the procedure can be re-checked again (its last request plus the interval), or null if it can now. */
export function nextRecheckAt(db: Db, procedureId: number, now = new Date()): Date | null {
  const last = db.select({ at: rechecks.requestedAt }).from(rechecks).where(eq(rechecks.procedureId, procedureId)).orderBy(desc(rechecks.requestedAt)).get();
  const next = last ? new Date(last.at.getTime() + RECHECK_INTERVAL_MS) : null;
  return next && next > now ? next : null;
}

export function procedureRechecks(db: Db, procedureId: number, limit = 10): Recheck[] {
  return db.select().from(rechecks).where(eq(rechecks.procedureId, procedureId)).orderBy(desc(rechecks.requestedAt), desc(rechecks.id)).limit(limit).all();
}

export function findRecheck(db: Db, id: number): Recheck | undefined {
  return db.select().from(rechecks).where(eq(rechecks.id, id)).get();
}
