import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, openMigratedDatabase, migrateDatabase, MigrationError, MIGRATIONS_FOLDER } from '../../db/client.ts';
import { observations } from '../../db/schema/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'observatoire-db-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openMigratedDatabase', () => {
  it('creates the file and its folder, in WAL mode with a busy timeout and foreign keys on', () => {
    const db = openMigratedDatabase(join(dir, 'nested', 'a.sqlite'));
    expect(db.$client.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.$client.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.$client.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = db.$client.prepare("select name from sqlite_master where type = 'table' order by name").pluck().all();
    expect(tables).toEqual(expect.arrayContaining([
      'administrations', 'crawl_runs', 'declarations', 'edition_scores', 'editions', 'ministries', 'observations',
      'probe_daily', 'probes', 'procedures',
    ]));
    db.$client.close();
  });

  it('is idempotent: migrating an up-to-date database changes nothing', () => {
    const file = join(dir, 'b.sqlite');
    openMigratedDatabase(file).$client.close();
    const db = openMigratedDatabase(file);
    const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
    expect(db.$client.prepare('select count(*) from __drizzle_migrations').pluck().get()).toBe(journal.entries.length);
    db.$client.close();
  });

  it('has an index for each query the schema names', () => {
    const db = openMigratedDatabase(':memory:');
    const indexes = db.$client.prepare("select name from sqlite_master where type = 'index' and name like '%_idx'").pluck().all();
    expect(indexes).toEqual(expect.arrayContaining([
      'observations_procedure_criterion_at_idx', 'probes_procedure_at_idx', 'declarations_procedure_criterion_at_idx',
      'edition_scores_procedure_idx', 'crawl_runs_status_started_idx',
    ]));
  });

  it('enforces foreign keys: an observation of an unknown procedure is refused', () => {
    const db = openMigratedDatabase(':memory:');
    expect(() =>
      db.insert(observations).values({
        procedureId: 42, criterion: 'online', observedAt: new Date(), status: 'measured', evidence: { url: 'x', tool: 't', toolVersion: '1' },
      }).run(),
    ).toThrow(/FOREIGN KEY/);
  });

  it('fails loudly when a migration cannot be applied', () => {
    const file = join(dir, 'broken.sqlite');
    const db = openDatabase(file);
    db.$client.exec('create table ministries (x integer)'); // a table in the way of the first migration
    expect(() => migrateDatabase(db)).toThrow(MigrationError);
    expect(() => migrateDatabase(db)).toThrow(/database migration failed: .*ministries/);
  });

  it('refuses a file that is not a database', () => {
    const file = join(dir, 'not-a-db.sqlite');
    writeFileSync(file, 'this is text, not SQLite '.repeat(100));
    expect(() => openMigratedDatabase(file)).toThrow(/not a database/);
  });
});
