import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { getTableName, is } from 'drizzle-orm';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { getTableConfig, PgTable, type PgColumn } from 'drizzle-orm/pg-core';
import { MIGRATIONS_FOLDER, PG_MIGRATIONS_FOLDER, pgSchema, redactUrl } from './client.ts';
import { TABLES_IN_ORDER } from './schema/index.ts';

/**
 * `observatoire db copy --to postgres://…`: an observatory kept in SQLite moved to PostgreSQL
 * with nothing lost. Both sides are spoken to in plain SQL (this process runs on one engine).
 * The copy is one PostgreSQL transaction: it lands whole or not at all. The target must be
 * empty (migrated here if new). Ids are kept, the identity sequences moved past them. Each table
 * is then read back from both sides in key order and hashed value by value (instants to the
 * millisecond, JSON with its keys sorted): row counts and checksums must match.
 */
export interface TableCopy {
  table: string;
  sourceRows: number;
  targetRows: number;
  sourceChecksum: string;
  targetChecksum: string;
  ok: boolean;
}

export class CopyError extends Error {
  override name = 'CopyError';
}

type Kind = 'instant' | 'boolean' | 'json' | 'number' | 'text';

interface TablePlan {
  name: string;
  columns: { name: string; kind: Kind }[];
  orderBy: string[];
  hasIdentity: boolean;
}

function kindOf(column: PgColumn): Kind {
  switch (column.columnType) {
    case 'PgTimestamp':
      return 'instant';
    case 'PgBoolean':
      return 'boolean';
    case 'PgJsonb':
      return 'json';
    case 'PgInteger':
    case 'PgBigInt53':
    case 'PgDoublePrecision':
      return 'number';
    default:
      return 'text';
  }
}

function plans(): TablePlan[] {
  const byName = new Map<string, PgTable>();
  for (const t of Object.values(pgSchema)) if (is(t, PgTable)) byName.set(getTableName(t), t);
  return TABLES_IN_ORDER.map((name) => {
    const config = getTableConfig(byName.get(name)!);
    const primary = config.columns.filter((c) => c.primary).map((c) => c.name);
    const orderBy = primary.length > 0 ? primary : config.primaryKeys[0]!.columns.map((c) => c.name);
    return {
      name,
      columns: config.columns.map((c) => ({ name: c.name, kind: kindOf(c) })),
      orderBy,
      hasIdentity: config.columns.some((c) => c.name === 'id' && c.generatedIdentity !== undefined),
    };
  });
}

/** SQLite's stored value as the JavaScript value PostgreSQL's column takes. */
function fromSqlite(value: unknown, kind: Kind): unknown {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'instant':
      return new Date(Number(value));
    case 'boolean':
      return Number(value) !== 0;
    case 'json':
      return JSON.parse(String(value));
    default:
      return value;
  }
}

/** JSON with its object keys sorted: jsonb does not keep SQLite's key order. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

/** One row's values, as both sides must agree on them. */
function rowText(values: unknown[], plan: TablePlan): string {
  return plan.columns
    .map((c, i) => {
      const v = values[i];
      if (v === null || v === undefined) return '∅';
      if (c.kind === 'instant') return (v as Date).toISOString();
      if (c.kind === 'json') return canonical(v);
      return String(v);
    })
    .join('\u001f');
}

const quote = (name: string) => `"${name}"`;

export async function copySqliteToPostgres(sqliteFile: string, url: string, onTable?: (table: string, rows: number) => void): Promise<TableCopy[]> {
  const sqlite = new Database(sqliteFile, { fileMustExist: true });
  sqlite.pragma('busy_timeout = 5000');
  migrateSqlite(drizzleSqlite({ client: sqlite }), { migrationsFolder: MIGRATIONS_FOLDER });
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => {});
  const client = await pool.connect().catch((err: Error) => {
    throw new CopyError(`cannot reach ${redactUrl(url)}: ${err.message}`);
  });
  const tables = plans();
  try {
    await migratePg(drizzlePg({ client }), { migrationsFolder: PG_MIGRATIONS_FOLDER });
    for (const plan of tables) {
      const { rows } = await client.query<{ n: number }>(`select count(*)::int as n from ${quote(plan.name)}`);
      if (rows[0]!.n > 0) throw new CopyError(`the target is not empty (table ${plan.name} has ${rows[0]!.n} rows): copy into a new database`);
    }
    // A read snapshot of SQLite for the whole copy: a crawl writing meanwhile does not tear it.
    sqlite.exec('BEGIN');
    await client.query('BEGIN');
    const published: number[] = [];
    for (const plan of tables) {
      const names = plan.columns.map((c) => c.name);
      const perBatch = Math.max(1, Math.floor(30_000 / names.length));
      const statement = sqlite.prepare(`select ${names.map(quote).join(', ')} from ${quote(plan.name)} order by ${plan.orderBy.map(quote).join(', ')}`).raw(true);
      let batch: unknown[][] = [];
      let copied = 0;
      const flush = async () => {
        if (batch.length === 0) return;
        const params: unknown[] = [];
        const tuples = batch.map((row) => `(${row.map((v) => (params.push(v), `$${params.length}`)).join(', ')})`);
        await client.query(`insert into ${quote(plan.name)} (${names.map(quote).join(', ')}) overriding system value values ${tuples.join(', ')}`, params);
        copied += batch.length;
        batch = [];
      };
      const statusAt = names.indexOf('status');
      for (const raw of statement.iterate() as IterableIterator<unknown[]>) {
        const row = raw.map((v, i) => {
          const value = fromSqlite(v, plan.columns[i]!.kind);
          return plan.columns[i]!.kind === 'json' && value !== null ? JSON.stringify(value) : value;
        });
        // A published edition refuses scores (the freeze trigger): it is written as a draft, its
        // scores copied, then published again, as it was.
        if (plan.name === 'editions' && row[statusAt] === 'published') {
          published.push(Number(row[0]));
          row[statusAt] = 'draft';
        }
        batch.push(row);
        if (batch.length >= perBatch) await flush();
      }
      await flush();
      if (plan.name === 'edition_scores' && published.length > 0) {
        await client.query(`update editions set status = 'published' where id = any($1::int[])`, [published]);
      }
      if (plan.hasIdentity) {
        await client.query(`select setval(pg_get_serial_sequence('${plan.name}', 'id'), coalesce((select max(id) from ${quote(plan.name)}), 0) + 1, false)`);
      }
      onTable?.(plan.name, copied);
    }
    const report: TableCopy[] = [];
    for (const plan of tables) report.push(await compare(sqlite, client, plan));
    const bad = report.filter((r) => !r.ok);
    if (bad.length > 0) throw new CopyError(`the copy differs from its source in ${bad.map((r) => r.table).join(', ')}: nothing was written`);
    await client.query('COMMIT');
    sqlite.exec('COMMIT');
    return report;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
    throw err instanceof CopyError ? err : new CopyError(`copy failed, nothing was written: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  } finally {
    client.release();
    await pool.end();
    sqlite.close();
  }
}

/** Counts and hashes one table on both sides, in key order. */
async function compare(sqlite: Database.Database, client: pg.PoolClient, plan: TablePlan): Promise<TableCopy> {
  const names = plan.columns.map((c) => c.name);
  const select = `select ${names.map(quote).join(', ')} from ${quote(plan.name)} order by ${plan.orderBy.map(quote).join(', ')}`;
  const source = createHash('sha256');
  let sourceRows = 0;
  for (const raw of sqlite.prepare(select).raw(true).iterate() as IterableIterator<unknown[]>) {
    source.update(rowText(raw.map((v, i) => fromSqlite(v, plan.columns[i]!.kind)), plan)).update('\n');
    sourceRows++;
  }
  const target = createHash('sha256');
  let targetRows = 0;
  const cursor = `copy_check_${plan.name}`;
  await client.query(`declare ${cursor} no scroll cursor for ${select}`);
  for (;;) {
    const { rows } = await client.query({ text: `fetch 5000 from ${cursor}`, rowMode: 'array' });
    if (rows.length === 0) break;
    for (const row of rows as unknown[][]) target.update(rowText(row, plan)).update('\n');
    targetRows += rows.length;
  }
  await client.query(`close ${cursor}`);
  const sourceChecksum = source.digest('hex').slice(0, 16);
  const targetChecksum = target.digest('hex').slice(0, 16);
  return { table: plan.name, sourceRows, targetRows, sourceChecksum, targetChecksum, ok: sourceRows === targetRows && sourceChecksum === targetChecksum };
}
