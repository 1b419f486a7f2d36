import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';
import { ministries } from './ministries.ts';

export const administrations = sqliteTable(
  'administrations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    slug: text('slug').notNull().unique(),
    name: text('name').notNull(),
    ministryId: integer('ministry_id')
      .notNull()
      .references(() => ministries.id),
  },
  (t) => [
    // Serves: the administrations of one ministry (ministry synthesis, filters).
    index('administrations_ministry_idx').on(t.ministryId),
  ],
);
