import { and, desc, eq, inArray, isNotNull } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { declarations, editions, editionScores, observations } from '../../db/schema/index.ts';
import { publishedScore, storedValue } from '../../methodology/index.ts';
import { byteOrder, scoreColumns } from './editions.ts';

/** A procedure's scores in every published edition, oldest first. */
export async function procedureHistory(db: Db, procedureId: number) {
  const rows = await db
    .select({
      edition: editions.slug,
      ...scoreColumns,
    })
    .from(editionScores)
    .innerJoin(editions, and(eq(editions.id, editionScores.editionId), eq(editions.status, 'published')))
    .where(eq(editionScores.procedureId, procedureId))
    .orderBy(editions.periodStart, byteOrder(db, editionScores.criterion));
  const byEdition = new Map<string, Record<string, unknown>>();
  for (const { edition, criterion, valueNum, valueText, ...score } of rows) {
    const scores = byEdition.get(edition) ?? {};
    scores[criterion] = { ...score, value: publishedScore(criterion, storedValue({ valueNum, valueText })) };
    byEdition.set(edition, scores);
  }
  return [...byEdition].map(([edition, scores]) => ({ edition, scores }));
}

/** The latest observation of each criterion, with its evidence, and the most recent ones. */
export async function latestObservations(db: Db, procedureId: number, recent = 30) {
  const rows = await db.select().from(observations).where(eq(observations.procedureId, procedureId)).orderBy(desc(observations.observedAt), desc(observations.id)).limit(500);
  const latest = new Map<string, (typeof rows)[number]>();
  for (const o of rows) if (!latest.has(o.criterion)) latest.set(o.criterion, o);
  const shape = (o: (typeof rows)[number]) => ({
    id: o.id,
    criterion: o.criterion,
    observedAt: o.observedAt.toISOString(),
    status: o.status,
    value: storedValue(o),
    reason: o.reason,
    answers: o.answers,
    evidence: o.evidence,
  });
  return { latest: [...latest.values()].map(shape), recent: rows.slice(0, recent).map(shape) };
}


/**
 * The declarations behind a procedure's published scores: value, justification, date and who
 * (the role, not the person: a team's members are not named publicly).
 */
export async function publishedDeclarations(db: Db, procedureId: number) {
  const used = (
    await db
      .selectDistinct({ id: editionScores.declarationId })
      .from(editionScores)
      .innerJoin(editions, and(eq(editions.id, editionScores.editionId), eq(editions.status, 'published')))
      .where(and(eq(editionScores.procedureId, procedureId), isNotNull(editionScores.declarationId)))
  ).map((r) => r.id!);
  if (used.length === 0) return [];
  return (
    await db
      .select()
      .from(declarations)
      .where(inArray(declarations.id, used))
      .orderBy(desc(declarations.declaredAt))
  ).map((d) => ({
    id: d.id,
    criterion: d.criterion,
    value: storedValue(d),
    answers: d.answers,
    justification: d.justification,
    declaredAt: d.declaredAt.toISOString(),
    declaredBy: d.userId === null ? 'observatoire' : 'équipe ministérielle',
  }));
}
