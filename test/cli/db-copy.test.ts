import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase } from '../../db/client.ts';
import { ENGINE } from '../../db/engine.ts';
import { TABLES_IN_ORDER } from '../../db/schema/index.ts';
import { PostgresCluster } from '../../scripts/pg-cluster.ts';
import { createDemoDb } from '../helpers/db.ts';
import { seedTwoEditions } from '../helpers/editions.ts';
import { createAccount } from '../helpers/accounts.ts';

const BIN = new URL('../../bin/observatoire.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'observatoire-copy-'));
const source = join(dir, 'observatoire.sqlite');
let cluster: PostgresCluster;
const counts = new Map<string, number>();

async function run(args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { env: { ...process.env, OBSERVATOIRE_DATABASE_URL: '' }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function query<T extends pg.QueryResultRow>(database: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: cluster.url(database) });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  const db = await createDemoDb(source);
  await seedTwoEditions(db); // observations, probes, two published editions, their alerts
  await createAccount(db, 'team', { ministries: ['interieur'] });
  for (const table of TABLES_IN_ORDER) counts.set(table, db.sqlite!.prepare(`select count(*) from ${table}`).pluck().get() as number);
  await closeDatabase(db);
  cluster = await PostgresCluster.start({ maxConnections: 20 });
  await query('postgres', 'create database target');
}, 120_000);

afterAll(() => {
  cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(ENGINE !== 'sqlite')('observatoire db copy --to postgres://…', () => {
  it('copies every table whole, and says so table by table with its row count and checksum', async () => {
    const { code, stdout, stderr } = await run(['db', 'copy', '--from', source, '--to', cluster.url('target')]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    for (const table of TABLES_IN_ORDER) {
      const line = stdout.split('\n').find((l) => l.startsWith(`${table} `));
      expect(line, table).toMatch(new RegExp(`^${table}\\s+${counts.get(table)}\\s+${counts.get(table)}\\s+([0-9a-f]{16}) = \\1$`));
    }
    expect(stdout).toMatch(new RegExp(`Copie complète : ${TABLES_IN_ORDER.length} tables`));
    expect(counts.get('edition_scores')).toBeGreaterThan(1000);
    for (const table of TABLES_IN_ORDER) {
      const [row] = await query<{ n: number }>('target', `select count(*)::int as n from ${table}`);
      expect(row!.n, table).toBe(counts.get(table));
    }
  });

  it('keeps the published editions published and frozen, and new rows take ids after the copied ones', async () => {
    expect(await query('target', "select slug, status from editions order by slug")).toEqual([
      { slug: '2026-T2', status: 'published' },
      { slug: '2026-T3', status: 'published' },
    ]);
    await expect(query('target', 'update edition_scores set value_num = 0')).rejects.toThrow(/frozen/);
    const [max] = await query<{ id: number }>('target', 'select max(id)::int as id from observations');
    const [added] = await query<{ id: number }>(
      'target',
      `insert into observations (procedure_id, criterion, observed_at, status, evidence) select min(id), 'online', now(), 'measured', '{}'::jsonb from procedures returning id`,
    );
    expect(added!.id).toBeGreaterThan(max!.id);
  });

  it('refuses a target that is not empty, and writes nothing there', async () => {
    const before = await query<{ n: number }>('target', 'select count(*)::int as n from observations');
    const { code, stderr } = await run(['db', 'copy', '--from', source, '--to', cluster.url('target')]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/not empty \(table ministries has \d+ rows\)/);
    expect(await query('target', 'select count(*)::int as n from observations')).toEqual(before);
  });

  it('refuses what is not a PostgreSQL URL or a SQLite file that does not exist', async () => {
    expect((await run(['db', 'copy', '--from', source, '--to', 'mysql://x'])).stderr).toMatch(/postgres:\/\//);
    expect((await run(['db', 'copy', '--from', join(dir, 'absent.sqlite'), '--to', cluster.url('target')])).stderr).toMatch(/pas de base SQLite/);
  });
});
