import { defineConfig } from 'drizzle-kit';

// SQLite, the embedded default. PostgreSQL's migrations: drizzle.pg.config.ts (`npm run db:generate` makes both).
export default defineConfig({
  dialect: 'sqlite',
  schema: './db/schema/sqlite.ts',
  out: './db/migrations',
});
