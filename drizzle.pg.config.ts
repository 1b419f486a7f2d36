import { defineConfig } from 'drizzle-kit';

// PostgreSQL (OBSERVATOIRE_DATABASE_URL=postgres://…): the same tables, db/schema/pg.ts.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema/pg.ts',
  out: './db/migrations-pg',
});
