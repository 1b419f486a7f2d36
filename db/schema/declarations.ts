import { sqliteTable, integer, text, real, index } from 'drizzle-orm/sqlite-core';
import { procedures } from './procedures.ts';
import { users } from './accounts.ts';

// A value stated by a person for a criterion a crawler cannot see. Append-only: a new
// declaration supersedes the previous one for the same procedure × criterion, which stays
// as history (who, when, previous value).
export const declarations = sqliteTable(
  'declarations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    procedureId: integer('procedure_id')
      .notNull()
      .references(() => procedures.id),
    criterion: text('criterion').notNull(),
    valueNum: real('value_num'),
    valueText: text('value_text'),
    /** Answer count, for survey-like declarations (satisfaction from the administration's own survey). */
    answers: integer('answers'),
    justification: text('justification').notNull(),
    /** Who declared, as shown to operators (name and e-mail at the time); the public sees the role only. */
    declaredBy: text('declared_by').notNull(),
    /** The account that declared; null for declarations loaded by an operator's script. */
    userId: integer('user_id').references(() => users.id),
    declaredAt: integer('declared_at', { mode: 'timestamp_ms' }).notNull(),
    /** Set when a newer declaration or a withdrawal ends this one. */
    supersededAt: integer('superseded_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    // Serves: the declaration in force for a procedure × criterion at a date (edition close).
    index('declarations_procedure_criterion_at_idx').on(t.procedureId, t.criterion, t.declaredAt),
  ],
);
