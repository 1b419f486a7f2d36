import { and, desc, eq, isNull, or } from 'drizzle-orm';
import { first, type Db } from '../db/client.ts';
import { administrations, alerts, ministries, observations, procedures, webhookDeliveries, webhooks, type AlertKind, type AlertPayload } from '../db/schema/index.ts';
import { changeSince, criterionBySlug, currentMethodology, formatFigure, safeResolve, storedValue, type ResolvedValue, type Unit } from '../methodology/index.ts';

// Alerts: a regression found by a crawl, an edition published. Each is written in the
// transaction of what caused it, with one pending delivery per webhook that should hear of it:
// the outbox the webhook worker drains (jobs/outbox.ts). Atom feeds read the same table.

/** The database, or the transaction the alert is part of (`transaction(db, …)`'s `tx`). */
type Writer = Db;

export interface NewObservation {
  criterion: string;
  status: string;
  value: number | string | null;
  answers?: number | null;
  reason?: string | null;
}

function resolved(criterionSlug: string, o: { status: string; value: number | string | null; answers?: number | null; reason?: string | null }): ResolvedValue | null {
  const criterion = criterionBySlug(currentMethodology, criterionSlug);
  if (!criterion || o.status !== 'measured') return null;
  const r = safeResolve(criterion, { state: 'measured', value: o.value, answers: o.answers ?? undefined, reason: o.reason ?? undefined });
  return r.state === 'measured' ? r : null;
}

/** A value as the feed says it: its level, or for a criterion without levels its figure ("64 %"), by the one rounding. */
function levelWords(r: ResolvedValue, unit: Unit): string | null {
  return r.level ?? (r.value === null ? null : typeof r.value === 'number' ? formatFigure(r.value, unit) : r.value);
}

/**
 * Compares a procedure's new measurements with its previous measured ones (before they are
 * written) and, when one fell, records a regression alert. Call it inside the transaction that
 * writes the observations.
 */
export async function recordRegressions(tx: Writer, procedureId: number, fresh: NewObservation[], now: Date): Promise<number | null> {
  const regressions: NonNullable<AlertPayload['regressions']> = [];
  for (const o of fresh) {
    const after = resolved(o.criterion, o);
    if (!after) continue;
    const previous = await first(
      tx
        .select({ status: observations.status, valueNum: observations.valueNum, valueText: observations.valueText, answers: observations.answers, reason: observations.reason })
        .from(observations)
        .where(and(eq(observations.procedureId, procedureId), eq(observations.criterion, o.criterion), eq(observations.status, 'measured')))
        .orderBy(desc(observations.observedAt), desc(observations.id))
        .limit(1),
    );
    if (!previous) continue;
    const before = resolved(o.criterion, { status: previous.status, value: storedValue(previous), answers: previous.answers, reason: previous.reason });
    if (!before) continue;
    const criterion = criterionBySlug(currentMethodology, o.criterion)!;
    if (changeSince(criterion, before, after) === 'regressed') regressions.push({ criterion: o.criterion, label: criterion.label, before: levelWords(before, criterion.unit), after: levelWords(after, criterion.unit) });
  }
  if (regressions.length === 0) return null;
  const p = await first(
    tx
      .select({ title: procedures.title, ministryId: ministries.id, ministry: ministries.name, administrationId: administrations.id, administration: administrations.name })
      .from(procedures)
      .innerJoin(administrations, eq(administrations.id, procedures.administrationId))
      .innerJoin(ministries, eq(ministries.id, administrations.ministryId))
      .where(eq(procedures.id, procedureId)),
  );
  if (!p) return null;
  const list = regressions.map((r) => `${r.label} : ${r.before ?? '—'} → ${r.after ?? '—'}`).join(' ; ');
  return recordAlert(tx, {
    kind: 'regression',
    procedureId,
    ministryId: p.ministryId,
    administrationId: p.administrationId,
    editionId: null,
    createdAt: now,
    payload: {
      title: `Recul mesuré : ${p.title}`,
      summary: `${list}.`,
      procedure: { id: procedureId, title: p.title, ministry: p.ministry, administration: p.administration },
      regressions,
      url: `/demarches/${procedureId}`,
    },
  });
}

/** The alert of a publication: every ministry's feed and every webhook hear of it. */
export async function recordEditionPublished(tx: Writer, edition: { id: number; slug: string }, now: Date): Promise<number> {
  return recordAlert(tx, {
    kind: 'edition_published',
    procedureId: null,
    ministryId: null,
    administrationId: null,
    editionId: edition.id,
    createdAt: now,
    payload: {
      title: `Édition ${edition.slug} publiée`,
      summary: `L’édition ${edition.slug} de l’observatoire est publiée : les scores du trimestre sont figés.`,
      edition: { slug: edition.slug, publishedAt: now.toISOString() },
      url: `/demarches?edition=${edition.slug}`,
    },
  });
}

interface AlertInput {
  kind: AlertKind;
  procedureId: number | null;
  ministryId: number | null;
  administrationId: number | null;
  editionId: number | null;
  createdAt: Date;
  payload: AlertPayload;
}

async function recordAlert(tx: Writer, input: AlertInput): Promise<number> {
  const { id } = (await first(tx.insert(alerts).values(input).returning({ id: alerts.id })))!;
  let targets: { id: number }[];
  if (input.ministryId === null) {
    targets = await tx.select({ id: webhooks.id }).from(webhooks).where(isNull(webhooks.disabledAt));
  } else {
    const ministry = await first(tx.select({ slug: ministries.slug }).from(ministries).where(eq(ministries.id, input.ministryId)));
    const administration = input.administrationId ? await first(tx.select({ slug: administrations.slug }).from(administrations).where(eq(administrations.id, input.administrationId))) : undefined;
    targets = await tx
      .select({ id: webhooks.id })
      .from(webhooks)
      .where(
        and(
          isNull(webhooks.disabledAt),
          or(
            and(eq(webhooks.scopeKind, 'ministry'), eq(webhooks.scopeSlug, ministry?.slug ?? '')),
            and(eq(webhooks.scopeKind, 'administration'), eq(webhooks.scopeSlug, administration?.slug ?? '')),
          ),
        ),
      );
  }
  if (targets.length > 0) {
    await tx.insert(webhookDeliveries).values(targets.map((w) => ({ webhookId: w.id, alertId: id, status: 'pending' as const, attempts: 0, nextAttemptAt: input.createdAt })));
  }
  return id;
}
