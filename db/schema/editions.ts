import { sqliteTable, integer, text, real, primaryKey, index } from 'drizzle-orm/sqlite-core';
import { SOURCES, VALUE_STATES } from '../../methodology/types.ts';
import { CHANGES, type Change } from '../../methodology/change.ts';
import { procedures } from './procedures.ts';
import { observations } from './observations.ts';
import { declarations } from './declarations.ts';

export const EDITION_STATUSES = ['draft', 'published'] as const;
export type EditionStatus = (typeof EDITION_STATUSES)[number];

export { CHANGES, type Change };

export const editions = sqliteTable('editions', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** Quarter slug, e.g. 2026-T3. */
  slug: text('slug').notNull().unique(),
  periodStart: integer('period_start', { mode: 'timestamp_ms' }).notNull(),
  periodEnd: integer('period_end', { mode: 'timestamp_ms' }).notNull(),
  methodologyVersion: integer('methodology_version').notNull(),
  status: text('status', { enum: EDITION_STATUSES }).notNull(),
  closedAt: integer('closed_at', { mode: 'timestamp_ms' }).notNull(),
  publishedAt: integer('published_at', { mode: 'timestamp_ms' }),
  /** Share of measured values by criterion, computed at close. */
  coverage: text('coverage', { mode: 'json' }).$type<Record<string, number | null>>().notNull(),
});

// One resolved value per edition × procedure × criterion. Frozen once the edition is published.
export const editionScores = sqliteTable(
  'edition_scores',
  {
    editionId: integer('edition_id')
      .notNull()
      .references(() => editions.id),
    procedureId: integer('procedure_id')
      .notNull()
      .references(() => procedures.id),
    criterion: text('criterion').notNull(),
    status: text('status', { enum: VALUE_STATES }).notNull(),
    valueNum: real('value_num'),
    valueText: text('value_text'),
    level: text('level'),
    goal: integer('goal', { mode: 'boolean' }),
    source: text('source', { enum: SOURCES }),
    reason: text('reason'),
    /** The evidence behind the value: one of these, or neither for probe and survey aggregates. */
    observationId: integer('observation_id').references(() => observations.id),
    declarationId: integer('declaration_id').references(() => declarations.id),
    change: text('change', { enum: CHANGES }),
  },
  (t) => [
    // The primary key serves: an edition's table (all scores of one edition, by procedure).
    primaryKey({ columns: [t.editionId, t.procedureId, t.criterion] }),
    // Serves: a procedure's scores across editions (fiche démarche history).
    index('edition_scores_procedure_idx').on(t.procedureId, t.criterion),
  ],
);
