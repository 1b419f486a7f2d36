import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { count, eq, getTableName, is } from 'drizzle-orm';
import { getTableConfig as pgTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { closeDatabase, databaseMessage, openDatabase, openMigratedDatabase, migrateDatabase, transaction, first, MigrationError, MIGRATIONS_FOLDER, PG_MIGRATIONS_FOLDER, pgSchema, sqliteSchema } from '../../db/client.ts';
import { ENGINE } from '../../db/engine.ts';
import { TABLES_IN_ORDER, editions, editionScores, ministries, observations } from '../../db/schema/index.ts';
import { createTestDb, testDatabaseLocation } from '../helpers/db.ts';
import { importCatalogue } from '../../server/catalogue/import.ts';
import { catalogueRow } from '../helpers/db.ts';
import { parseQuarter } from '../../methodology/quarters.ts';

/** Why the database refused a query (its own message, on either engine). */
async function refusal(query: PromiseLike<unknown>): Promise<string> {
  try {
    await query;
  } catch (err) {
    return databaseMessage(err);
  }
  throw new Error('the query was not refused');
}

const dir = mkdtempSync(join(tmpdir(), 'observatoire-db-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(ENGINE !== 'sqlite')('openMigratedDatabase on SQLite', () => {
  it('creates the file and its folder, in WAL mode with a busy timeout and foreign keys on', async () => {
    const db = await openMigratedDatabase(join(dir, 'nested', 'a.sqlite'));
    const sqlite = db.sqlite!;
    expect(sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = sqlite.prepare("select name from sqlite_master where type = 'table' order by name").pluck().all();
    expect(tables).toEqual(expect.arrayContaining([...TABLES_IN_ORDER]));
    await closeDatabase(db);
  });

  it('is idempotent: migrating an up-to-date database changes nothing', async () => {
    const file = join(dir, 'b.sqlite');
    await closeDatabase(await openMigratedDatabase(file));
    const db = await openMigratedDatabase(file);
    const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
    expect(db.sqlite!.prepare('select count(*) from __drizzle_migrations').pluck().get()).toBe(journal.entries.length);
    await closeDatabase(db);
  });

  it('has an index for each query the schema names', async () => {
    const db = await openMigratedDatabase(':memory:');
    const indexes = db.sqlite!.prepare("select name from sqlite_master where type = 'index' and name like '%_idx'").pluck().all();
    expect(indexes).toEqual(expect.arrayContaining([
      'observations_procedure_criterion_at_idx', 'probes_procedure_at_idx', 'declarations_procedure_criterion_at_idx',
      'edition_scores_procedure_idx', 'crawl_runs_status_started_idx',
    ]));
  });

  it('fails loudly when a migration cannot be applied', async () => {
    const file = join(dir, 'broken.sqlite');
    const db = openDatabase(file);
    db.sqlite!.exec('create table ministries (x integer)'); // a table in the way of the first migration
    await expect(migrateDatabase(db)).rejects.toThrow(MigrationError);
    await expect(migrateDatabase(db)).rejects.toThrow(/database migration failed: .*ministries/);
  });

  it('refuses a file that is not a database', async () => {
    const file = join(dir, 'not-a-db.sqlite');
    writeFileSync(file, 'this is text, not SQLite '.repeat(100));
    await expect(openMigratedDatabase(file)).rejects.toThrow(/not a database/);
  });

  it('refuses a PostgreSQL URL in a SQLite process: the engine is the environment\'s, for the whole process', () => {
    expect(() => openDatabase('postgres://x@127.0.0.1:1/db')).toThrow(/OBSERVATOIRE_DATABASE_URL/);
  });
});

describe.skipIf(ENGINE !== 'postgres')('openMigratedDatabase on PostgreSQL', () => {
  it('creates every table and index, and records every migration once (a second migration changes nothing)', async () => {
    const location = await testDatabaseLocation();
    await closeDatabase(await openMigratedDatabase(location));
    const db = await openMigratedDatabase(location);
    const tables = (await db.pool!.query<{ name: string }>("select tablename as name from pg_tables where schemaname = 'public'")).rows.map((r) => r.name);
    expect(tables.sort()).toEqual([...TABLES_IN_ORDER].sort());
    const indexes = (await db.pool!.query<{ name: string }>("select indexname as name from pg_indexes where schemaname = 'public' and indexname like '%_idx'")).rows.map((r) => r.name);
    expect(indexes).toEqual(expect.arrayContaining(['observations_procedure_criterion_at_idx', 'probes_procedure_at_idx', 'edition_scores_procedure_idx']));
    const journal = JSON.parse(readFileSync(join(PG_MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
    expect((await db.pool!.query('select count(*)::int as n from drizzle.__drizzle_migrations')).rows[0].n).toBe(journal.entries.length);
    await closeDatabase(db);
  });

  it('fails loudly when a migration cannot be applied', async () => {
    const db = openDatabase(await testDatabaseLocation());
    await db.pool!.query('drop table if exists drizzle.__drizzle_migrations'); // the migrations look new: the first finds its tables in the way
    await expect(migrateDatabase(db)).rejects.toThrow(/database migration failed: .*already exists/);
    await closeDatabase(db);
  });

  it('refuses a SQLite file in a PostgreSQL process', () => {
    expect(() => openDatabase(join(dir, 'x.sqlite'))).toThrow(/runs on PostgreSQL/);
  });
});

describe('both engines', () => {
  it('have the same tables, columns (name, nullability, primary key) and indexes', () => {
    const tables = (schema: object, kind: 'pg' | 'sqlite') =>
      Object.fromEntries(
        Object.values(schema)
          .filter((t) => (kind === 'pg' ? is(t, PgTable) : is(t, SQLiteTable)))
          .map((t) => {
            const config = kind === 'pg' ? pgTableConfig(t as PgTable) : sqliteTableConfig(t as SQLiteTable);
            const columns = config.columns.map((c) => `${c.name}${c.notNull ? ' not null' : ''}${c.primary ? ' pk' : ''}`).sort();
            const indexes = config.indexes.map((i) => i.config.name).sort();
            const keys = config.primaryKeys.map((k) => k.columns.map((c) => c.name).join(',')).sort();
            return [getTableName(t as PgTable), { columns, indexes, keys, foreignKeys: config.foreignKeys.length }];
          }),
      );
    const pg = tables(pgSchema, 'pg');
    expect(Object.keys(pg).sort()).toEqual([...TABLES_IN_ORDER].sort());
    expect(pg).toEqual(tables(sqliteSchema, 'sqlite'));
  });
});

describe(`the database on ${ENGINE}`, () => {
  it('enforces foreign keys: an observation of an unknown procedure is refused', async () => {
    const db = await createTestDb();
    expect(
      await refusal(db.insert(observations).values({
        procedureId: 42, criterion: 'online', observedAt: new Date(), status: 'measured', evidence: { url: 'x', tool: 't', toolVersion: '1' },
      })),
    ).toMatch(/FOREIGN KEY|foreign key/);
    await closeDatabase(db);
  });

  it('keeps instants to the millisecond and JSON as written', async () => {
    const db = await createTestDb();
    await importCatalogue(db, [catalogueRow({ id: 7 })]);
    const at = new Date('2026-05-04T03:02:01.987Z');
    const evidence = { url: 'https://x.gouv.fr/', tool: 't', toolVersion: '1', nested: { list: [1, 'deux', null] } };
    const [row] = await db.insert(observations).values({ procedureId: 7, criterion: 'online', observedAt: at, status: 'measured', valueNum: 0.25, evidence }).returning();
    const read = await first(db.select().from(observations).where(eq(observations.id, row!.id)));
    expect(read!.observedAt.toISOString()).toBe(at.toISOString());
    expect(read!.evidence).toEqual(evidence);
    expect(read!.valueNum).toBe(0.25);
    await closeDatabase(db);
  });

  it('a transaction is all or nothing: a failure inside it leaves nothing of it', async () => {
    const db = await createTestDb();
    await expect(
      transaction(db, async (tx) => {
        await tx.insert(ministries).values({ slug: 'm-a', name: 'A' });
        await tx.insert(ministries).values({ slug: 'm-a', name: 'A again' }); // unique slug: refused
      }),
    ).rejects.toThrow();
    expect((await db.select({ n: count() }).from(ministries))[0]!.n).toBe(0);
    await transaction(db, async (tx) => {
      await tx.insert(ministries).values({ slug: 'm-b', name: 'B' });
    });
    expect((await db.select({ n: count() }).from(ministries))[0]!.n).toBe(1);
    await closeDatabase(db);
  });

  it('refuses any change to a published edition or its scores, whatever the code does', async () => {
    const db = await createTestDb();
    await importCatalogue(db, [catalogueRow({ id: 7 })]);
    const q = parseQuarter('2026-T1')!;
    const [edition] = await db.insert(editions).values({ slug: '2026-T1', periodStart: q.start, periodEnd: q.end, methodologyVersion: 2, status: 'draft', closedAt: q.end, coverage: {} }).returning();
    await db.insert(editionScores).values({ editionId: edition!.id, procedureId: 7, criterion: 'online', status: 'measured', valueNum: 1 });
    await db.update(editions).set({ status: 'published', publishedAt: q.end }).where(eq(editions.id, edition!.id));
    expect(await refusal(db.update(editionScores).set({ valueNum: 0 }).where(eq(editionScores.editionId, edition!.id)))).toMatch(/frozen/);
    expect(await refusal(db.delete(editionScores).where(eq(editionScores.editionId, edition!.id)))).toMatch(/frozen/);
    expect(await refusal(db.insert(editionScores).values({ editionId: edition!.id, procedureId: 7, criterion: 'usage', status: 'measured', valueNum: 1 }))).toMatch(/frozen/);
    expect(await refusal(db.update(editions).set({ coverage: { online: 0 } }).where(eq(editions.id, edition!.id)))).toMatch(/never changes/);
    expect(await refusal(db.delete(editions).where(eq(editions.id, edition!.id)))).toMatch(/never changes/);
    expect((await db.select().from(editionScores))[0]!.valueNum).toBe(1);
    await closeDatabase(db);
  });
});
