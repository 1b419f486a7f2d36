/**
 * The storage engine is a deployment choice, made once per process by the environment:
 * `OBSERVATOIRE_DATABASE_URL=postgres://…` runs everything on PostgreSQL; without it, the
 * embedded SQLite file (`OBSERVATOIRE_DB`). Every module reads the tables of that engine
 * (db/schema/index.ts), so one process never mixes the two (`observatoire db copy`, which reads
 * one and writes the other, speaks plain SQL to both).
 */
export type Engine = 'sqlite' | 'postgres';

export function isPostgresUrl(url: string | undefined): url is string {
  return !!url && /^postgres(ql)?:\/\//i.test(url);
}

export const ENGINE: Engine = isPostgresUrl(process.env.OBSERVATOIRE_DATABASE_URL?.trim()) ? 'postgres' : 'sqlite';
