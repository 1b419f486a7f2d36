import { sqliteTable, integer, text } from 'drizzle-orm/sqlite-core';

export const ministries = sqliteTable('ministries', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** Derived from the name at import; stable once created. */
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
});
