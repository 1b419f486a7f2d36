import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';
import { administrations } from './administrations.ts';

import { AUDIENCES, type Audience } from '../../contracts/catalogue.ts';

export { AUDIENCES, type Audience };

export const procedures = sqliteTable(
  'procedures',
  {
    /** The catalogue's id: stable, never re-used, survives renames. */
    id: integer('id').primaryKey(),
    title: text('title').notNull(),
    administrationId: integer('administration_id')
      .notNull()
      .references(() => administrations.id),
    audiences: text('audiences', { mode: 'json' }).$type<Audience[]>().notNull(),
    yearlyVolume: integer('yearly_volume').notNull(),
    startUrl: text('start_url').notNull(),
    surveyId: integer('survey_id'),
    /** Words people search the procedure by that its title does not hold (the catalogue's `keywords`). */
    keywords: text('keywords', { mode: 'json' }).$type<string[]>().notNull().default([]),
    /** Set when the procedure left the catalogue; its history stays. */
    retiredAt: integer('retired_at', { mode: 'timestamp_ms' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    // Serves: the catalogue of one administration (and, joined, of one ministry).
    index('procedures_administration_idx').on(t.administrationId),
  ],
);
