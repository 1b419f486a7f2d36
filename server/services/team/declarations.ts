import { and, asc, eq, isNull } from 'drizzle-orm';
import { affected, first, transaction, type Db } from '../../../db/client.ts';
import { declarations } from '../../../db/schema/index.ts';
import { PROACTIVE, storedValue } from '../../../methodology/index.ts';
import type { User } from '../../auth/accounts.ts';
import { DomainError } from '../../../contracts/errors.ts';
import { assertProcedureAccess } from './access.ts';
import { JUSTIFICATION_MAX, JUSTIFICATION_MIN, type Declarable, type Declaration, type DeclarationInput } from '../../../contracts/index.ts';

// What a team declares for what no crawler can see: checked, recorded, the previous one kept.

type DeclarationRow = typeof declarations.$inferSelect;

/** What a crawler cannot see, and so what a team may declare. */
export const DECLARABLE: Declarable[] = [
  { criterion: 'dlnuf', label: 'Dites-le-nous une fois', kind: 'count', min: 0, max: 100, help: 'Nombre de données déjà détenues par l’État que le formulaire (derrière une connexion) demande encore.' },
  { criterion: 'usage', label: 'Taux de recours au numérique', kind: 'percent', min: 0, max: 100, help: 'Part des demandes faites en ligne, en %.' },
  { criterion: 'online', label: 'Démarche proactive', kind: 'proactive', help: 'L’administration accorde le droit sans demande : rien à faire en ligne.' },
  { criterion: 'satisfaction', label: 'Satisfaction (enquête de l’administration)', kind: 'score', min: 0, max: 10, help: 'Note moyenne sur 10 et nombre de réponses de votre propre enquête.' },
];


function checkDeclaration(input: DeclarationInput): { valueNum: number | null; valueText: string | null; answers: number | null } {
  const spec = DECLARABLE.find((d) => d.criterion === input.criterion);
  const declarable = DECLARABLE.map((d) => d.criterion).join(', ');
  if (!spec) throw new DomainError('declaration.not_declarable', `Criterion "${input.criterion}" is not declared (declarable: ${declarable}).`, { criterion: input.criterion, declarable });
  const justification = input.justification.trim();
  if (justification.length < JUSTIFICATION_MIN) throw new DomainError('declaration.justification_too_short', `A justification has at least ${JUSTIFICATION_MIN} characters: say where the value comes from.`, { min: JUSTIFICATION_MIN });
  if (justification.length > JUSTIFICATION_MAX) throw new DomainError('declaration.justification_too_long', `A justification has at most ${JUSTIFICATION_MAX} characters.`, { max: JUSTIFICATION_MAX });
  const about = { criterion: spec.criterion, label: spec.label };
  if (spec.kind === 'proactive') {
    if (input.value !== PROACTIVE) throw new DomainError('declaration.proactive_only', `For "online", the one value a team declares is "${PROACTIVE}".`, { ...about, value: PROACTIVE });
    return { valueNum: null, valueText: PROACTIVE, answers: null };
  }
  // A number, or a number written in French or English ("72,5", "72.5"): nothing else — an empty
  // or odd string ("", "0x1F", "1e2") is refused, never read as 0 or 31.
  const text = typeof input.value === 'string' ? input.value.trim() : null;
  if (text === '') throw new DomainError('declaration.value_empty', `The value of "${spec.criterion}" is empty.`, about);
  if (text !== null && !/^-?\d+([.,]\d+)?$/.test(text)) throw new DomainError('declaration.value_not_number', `The value of "${spec.criterion}" is a number ("${text.slice(0, 40)}" is not).`, { ...about, value: text.slice(0, 40) });
  const value = typeof input.value === 'number' ? input.value : Number(text!.replace(',', '.'));
  if (!Number.isFinite(value) || value < spec.min! || value > spec.max!) throw new DomainError('declaration.value_out_of_range', `The value of "${spec.criterion}" is a number from ${spec.min} to ${spec.max}.`, { ...about, min: spec.min!, max: spec.max! });
  if (spec.kind === 'count' && !Number.isInteger(value)) throw new DomainError('declaration.value_not_integer', `The value of "${spec.criterion}" is a whole number of data.`, about);
  if (spec.kind === 'score') {
    if (input.answers === undefined || !Number.isInteger(input.answers) || input.answers < 1) throw new DomainError('declaration.answers_required', 'Give the number of answers to your survey (a positive whole number).', about);
    return { valueNum: value, valueText: null, answers: input.answers };
  }
  return { valueNum: value, valueText: null, answers: null };
}

/** Records a declaration; the one in force for the same criterion is superseded, kept as history. */
export async function declare(db: Db, user: User, procedureId: number, input: DeclarationInput, now = new Date()): Promise<Declaration> {
  await assertProcedureAccess(db, user, procedureId);
  const value = checkDeclaration(input);
  const id = await transaction(db, async (tx) => {
    await tx
      .update(declarations)
      .set({ supersededAt: now })
      .where(and(eq(declarations.procedureId, procedureId), eq(declarations.criterion, input.criterion), isNull(declarations.supersededAt)));
    const inserted = await first(
      tx
        .insert(declarations)
        .values({ procedureId, criterion: input.criterion, ...value, justification: input.justification.trim(), declaredBy: `${user.name} <${user.email}>`, userId: user.id, declaredAt: now })
        .returning({ id: declarations.id }),
    );
    return inserted!.id;
  });
  return (await declarationHistory(db, procedureId)).find((d) => d.id === id)!;
}

/** Ends the declaration in force for a criterion (the crawl's value, if any, stands again). */
export async function withdrawDeclaration(db: Db, user: User, procedureId: number, criterion: string, now = new Date()): Promise<boolean> {
  await assertProcedureAccess(db, user, procedureId);
  return (
    affected(
      await db
        .update(declarations)
        .set({ supersededAt: now })
        .where(and(eq(declarations.procedureId, procedureId), eq(declarations.criterion, criterion), isNull(declarations.supersededAt))),
    ) > 0
  );
}

/** Every declaration of a procedure, newest first, each with the value it replaced. */
export async function declarationHistory(db: Db, procedureId: number): Promise<Declaration[]> {
  const rows = await db.select().from(declarations).where(eq(declarations.procedureId, procedureId)).orderBy(asc(declarations.declaredAt), asc(declarations.id));
  const lastByCriterion = new Map<string, DeclarationRow>();
  const views: Declaration[] = [];
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
