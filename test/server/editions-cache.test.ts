import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { and, eq, inArray, type SQL } from 'drizzle-orm';
import { closeDatabase, openMigratedDatabase, type Db } from '../../db/client.ts';
import { administrations, editions, editionScores, ministries, procedures } from '../../db/schema/index.ts';
import { publishedEditions, PUBLISHED_STALE_AFTER_MS } from '../../db/published.ts';
import { readCatalogueFile, DEMO_CATALOGUE } from '../../server/catalogue/file.ts';
import { importCatalogue } from '../../server/catalogue/import.ts';
import { closeEdition, publishEdition } from '../../jobs/editions/close.ts';
import { byteOrder } from '../../server/services/editions.ts';
import { LONG_COLUMNS } from '../../server/services/exports.ts';
import { publishedScore, storedValue } from '../../methodology/index.ts';
import { testDatabaseLocation } from '../helpers/db.ts';
import { buildTestApp } from '../helpers/server.ts';
import { seedTwoEditions } from '../helpers/editions.ts';
import { referenceCsv } from '../helpers/csv-reference.ts';

// The editions API's answers from memory: a cache hit reads nothing from the database, 'latest'
// follows a publication, the table's list is lean, the history export is byte for byte what it
// was, and the benchmark's baseline route exists only when asked for.

let dir: string;
let location: string;
let db: Db;
let app: FastifyInstance;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'observatoire-editions-cache-'));
  // A file (on SQLite): a second connection plays another process publishing.
  location = await testDatabaseLocation(join(dir, 'db.sqlite'));
  db = await openMigratedDatabase(location);
  await importCatalogue(db, (await readCatalogueFile(DEMO_CATALOGUE)).rows);
  await seedTwoEditions(db);
  app = await buildTestApp(db);
});
afterAll(async () => {
  await app.close();
  await closeDatabase(db);
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

/**
 * Counts every statement the database runs from now on. SQLite: every execution of a prepared
 * statement (run, get, all, iterate) and every exec, pragma or prepare, whoever calls them
 * (drizzle or the driver directly). PostgreSQL: every query or connection taken from the pool.
 */
function countQueries(database: Db): () => number {
  let count = 0;
  const spy = <T extends object>(target: T, methods: string[]) => {
    for (const method of methods) {
      const original = (target as Record<string, (...args: unknown[]) => unknown>)[method]!;
      vi.spyOn(target as Record<string, (...args: unknown[]) => unknown>, method).mockImplementation(function (this: unknown, ...args: unknown[]) {
        count++;
        return original.apply(this, args);
      });
    }
  };
  if (database.sqlite) {
    spy(Object.getPrototypeOf(database.sqlite.prepare('select 1')) as object, ['run', 'get', 'all', 'iterate']);
    spy(Object.getPrototypeOf(database.sqlite) as object, ['exec', 'pragma', 'prepare']);
  } else {
    spy(database.pool!, ['query', 'connect']);
  }
  return () => count;
}

/** The clock the list of published editions is trusted by, stopped at `at` (ms, performance.now()). */
function clockAt(at: number): void {
  vi.spyOn(performance, 'now').mockReturnValue(at);
}

describe('a cached edition answer', () => {
  it('is served without a single database query: the table, its filters, the edition and its syntheses', async () => {
    const urls = [
      '/api/editions/latest/procedures?sort=title&dir=asc&limit=10&ministry=interieur',
      '/api/editions/2026-T2/procedures?q=CARTE%20%20grise&offset=0',
      '/api/editions/latest',
      '/api/editions/2026-T3/groups?by=administration',
      '/api/groups/ministry/interieur?editions=2',
    ];
    for (const url of urls) expect((await app.inject(url)).statusCode, url).toBe(200);
    // The list of editions read now, the clock held: nothing is stale during the requests below.
    const index = await publishedEditions(db);
    clockAt(index.readAt + 1);
    const queries = countQueries(db);
    for (const url of urls) {
      const res = await app.inject({ url, headers: { 'accept-encoding': 'br' } });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['x-cache'], url).toBe('hit');
    }
    // The same question asked another way is the same answer: defaults written out, the search's words folded.
    expect((await app.inject('/api/editions/2026-T2/procedures?q=carte+grise&limit=50&sort=volume&dir=desc')).headers['x-cache']).toBe('hit');
    // A 304 too.
    const etag = (await app.inject(urls[0]!)).headers.etag as string;
    expect((await app.inject({ url: urls[0]!, headers: { 'if-none-match': etag } })).statusCode).toBe(304);
    expect(queries()).toBe(0);
  });

  it('counts queries for real: a miss does read the database (the ministry named is checked)', async () => {
    const queries = countQueries(db);
    const res = await app.inject('/api/editions/latest/procedures?ministry=justice&sort=mobile&offset=7');
    expect(res.headers['x-cache']).toBe('miss');
    expect(queries()).toBeGreaterThan(0);
  });

  it('is never an unknown group: checked on a miss, refused, not cached', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await app.inject('/api/editions/latest/procedures?ministry=inconnu');
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'group.unknown', params: { kind: 'ministry', slug: 'inconnu' } });
    }
  });
});

describe('the table’s list', () => {
  it('carries what the table shows, not the evidence: the procedure’s page keeps it', async () => {
    const list = (await app.inject('/api/editions/latest/procedures?limit=250')).json();
    expect(list.items).toHaveLength(250);
    for (const item of list.items) {
      expect(Object.keys(item).sort()).toEqual(['administration', 'audiences', 'id', 'ministry', 'scores', 'title', 'yearlyVolume']);
      for (const cell of Object.values(item.scores) as object[]) expect(Object.keys(cell).sort()).toEqual(['change', 'goal', 'level', 'reason', 'source', 'status', 'value']);
    }
    const procedure = (await app.inject('/api/procedures/102')).json();
    expect(procedure.startUrl).toMatch(/^https?:\/\//);
    const online = procedure.editions.at(-1).scores.online;
    expect(online).toMatchObject({ status: 'measured', observationId: expect.any(Number), declarationId: null });
    // The same value as the list's, evidence apart.
    const { observationId: _o, declarationId: _d, ...cell } = online;
    expect(list.items.find((i: { id: number }) => i.id === 102).scores.online).toEqual(cell);
  });
});

describe('the history export', () => {
  /** The history as the export before its fast path read it: one joined query, every row in order. */
  async function referenceRows(ministry?: string): Promise<unknown[][]> {
    const published = await db.select().from(editions).where(eq(editions.status, 'published')).orderBy(editions.periodStart);
    const rows: unknown[][] = [];
    for (const edition of published) {
      const conditions: SQL[] = [eq(editionScores.editionId, edition.id)];
      if (ministry) conditions.push(eq(ministries.slug, ministry));
      const scores = await db
        .select({ procedureId: editionScores.procedureId, title: procedures.title, ministry: ministries.name, administration: administrations.name, score: editionScores })
        .from(editionScores)
        .innerJoin(procedures, eq(procedures.id, editionScores.procedureId))
        .innerJoin(administrations, eq(administrations.id, procedures.administrationId))
        .innerJoin(ministries, eq(ministries.id, administrations.ministryId))
        .where(and(...conditions))
        .orderBy(editionScores.procedureId, byteOrder(db, editionScores.criterion));
      for (const { score: s, ...r } of scores) {
        rows.push([edition.slug, r.procedureId, r.title, r.ministry, r.administration, s.criterion, s.status, publishedScore(s.criterion, storedValue(s)), s.level, s.goal, s.source, s.reason, s.change]);
      }
    }
    return rows;
  }

  it('writes, byte for byte, what the export wrote before: quotes, delimiters, line breaks, formulas, both dialects, by ministry', async () => {
    // Titles and names a spreadsheet and a CSV parser find hard.
    const tricky = ['=HYPERLINK("http://evil"),"x"', 'Ligne 1\nLigne 2 ; "deux"', '+33;45', '-a,b', '@x\r\ny', 'Démarche « simple »'];
    const ids = (await db.select({ id: procedures.id }).from(procedures).orderBy(procedures.id).limit(tricky.length)).map((p) => p.id);
    for (const [i, id] of ids.entries()) await db.update(procedures).set({ title: tricky[i]! }).where(eq(procedures.id, id));
    const [firstProcedure] = await db.select({ administrationId: procedures.administrationId }).from(procedures).where(inArray(procedures.id, ids.slice(0, 1)));
    const [administration] = await db.select().from(administrations).where(eq(administrations.id, firstProcedure!.administrationId));
    await db.update(administrations).set({ name: '"Direction", générale;\tdes tests' }).where(eq(administrations.id, administration!.id));
    const [ministry] = await db.select().from(ministries).where(eq(ministries.id, administration!.ministryId));
    await db.update(ministries).set({ name: '-Ministère "A", B; C' }).where(eq(ministries.id, ministry!.id));

    for (const sep of ['comma', 'semicolon'] as const) {
      for (const slice of [undefined, ministry!.slug]) {
        const query = new URLSearchParams({ sep, ...(slice ? { ministry: slice } : {}) });
        const res = await app.inject(`/api/export/history.csv?${query}`);
        expect(res.statusCode).toBe(200);
        const expected = referenceCsv(LONG_COLUMNS, await referenceRows(slice), { sep });
        expect(res.rawPayload.toString('utf8'), `${sep} ${slice ?? 'all'}`).toBe(expected);
        expect(expected).toContain(`"'=HYPERLINK(""http://evil""),""x"""`);
        // Compressed as it is written, the same bytes once decoded.
        const gzip = await app.inject({ url: `/api/export/history.csv?${query}`, headers: { 'accept-encoding': 'gzip' } });
        expect(gzip.headers['content-encoding']).toBe('gzip');
        expect(gunzipSync(gzip.rawPayload).toString('utf8')).toBe(expected);
        const br = await app.inject({ url: `/api/export/history.csv?${query}`, headers: { 'accept-encoding': 'gzip, br' } });
        expect(br.headers['content-encoding']).toBe('br');
        expect(brotliDecompressSync(br.rawPayload).toString('utf8')).toBe(expected);
      }
    }
  });
});

describe('the history export, kept written', () => {
  const download = async (query = '') => {
    const res = await app.inject(`/api/export/history.csv${query}`);
    expect(res.statusCode).toBe(200);
    return { body: res.body, hit: res.headers['x-cache'] === 'hit' };
  };
  /** The copy is kept once the download has gone through: wait until the next one is served from it. */
  const kept = async (query = '') => {
    await vi.waitFor(async () => expect((await download(query)).hit).toBe(true), { timeout: 5000, interval: 50 });
    return download(query);
  };

  it('is written once, then served as it was written, until a name or the published editions change', async () => {
    const first = await download('?sep=semicolon');
    const again = await kept('?sep=semicolon');
    expect(again.body).toBe(first.body);
    // Compressed copies are the same text.
    const gzip = await app.inject({ url: '/api/export/history.csv?sep=semicolon', headers: { 'accept-encoding': 'gzip' } });
    expect(gzip.headers['x-cache']).toBe('hit');
    expect(gunzipSync(gzip.rawPayload).toString('utf8')).toBe(first.body);

    // The catalogue renames a procedure: the history says the new name at once.
    const [p] = await db.select({ id: procedures.id, title: procedures.title }).from(procedures).orderBy(procedures.id).limit(1);
    await db.update(procedures).set({ title: `${p!.title} (renommée)` }).where(eq(procedures.id, p!.id));
    const renamed = await download('?sep=semicolon');
    expect(renamed.hit).toBe(false);
    expect(renamed.body).toContain(" (renommée)");
    expect(first.body).not.toContain(" (renommée)");
    expect((await kept('?sep=semicolon')).body).toBe(renamed.body);

    // A new edition is published (an earlier quarter: the tests below expect 2026-T3 as the latest): the history has it at once.
    await closeEdition(db, '2025-T4', { now: new Date('2026-01-01T06:00:00Z'), allowEmpty: true });
    await publishEdition(db, '2025-T4', new Date('2026-01-01T07:00:00Z'));
    const published = await download('?sep=semicolon');
    expect(published.hit).toBe(false);
    expect(published.body).toContain('2025-T4;');
  });
});

describe('the benchmark’s baseline route', () => {
  it('does not exist without OBSERVATOIRE_BENCH_BASELINE=1', async () => {
    const res = await app.inject('/api/bench/constant?bytes=2000');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'route.not_found' });
    expect(Object.keys((await app.inject('/api/openapi.json')).json().paths).some((p) => p.includes('bench'))).toBe(false);
  });

  it('answers a constant body of the size asked, in the encoding asked, with an edition answer’s headers, when set', async () => {
    vi.stubEnv('OBSERVATOIRE_BENCH_BASELINE', '1');
    const bench = await buildTestApp(db);
    try {
      const plain = await bench.inject('/api/bench/constant?bytes=2000');
      expect(plain.statusCode).toBe(200);
      expect(plain.rawPayload).toHaveLength(2000);
      expect(plain.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', vary: 'accept-encoding', etag: expect.any(String) });
      expect(plain.headers['content-encoding']).toBeUndefined();
      for (const [encoding, decode] of [['br', brotliDecompressSync], ['gzip', gunzipSync]] as const) {
        for (const bytes of [600, 5431]) {
          const res = await bench.inject({ url: `/api/bench/constant?bytes=${bytes}&encoding=${encoding}`, headers: { 'accept-encoding': 'gzip, br' } });
          expect(res.headers['content-encoding']).toBe(encoding);
          expect(res.rawPayload).toHaveLength(bytes);
          expect(JSON.parse(decode(res.rawPayload).toString('utf8'))).toHaveProperty('bench');
        }
      }
      // Not claimed to a client that does not take it.
      expect((await bench.inject({ url: '/api/bench/constant?bytes=800&encoding=br', headers: { 'accept-encoding': 'gzip' } })).headers['content-encoding']).toBeUndefined();
      expect((await bench.inject('/api/bench/constant?bytes=2')).statusCode).toBe(400);
      expect(Object.keys((await bench.inject('/api/openapi.json')).json().paths).some((p) => p.includes('bench'))).toBe(false);
    } finally {
      await bench.close();
      vi.unstubAllEnvs();
    }
  });
});

describe("'latest'", () => {
  it('follows an edition published through this database at once, and one published by another process within a second', async () => {
    const latest = async () => (await app.inject('/api/editions/latest/procedures?limit=1')).json().edition as string;
    expect(await latest()).toBe('2026-T3');
    // Published here (the operators' API, the CLI, the demo history): seen at once.
    await closeEdition(db, '2026-T4', { now: new Date('2027-01-01T06:00:00Z'), allowEmpty: true });
    await publishEdition(db, '2026-T4', new Date('2027-01-01T06:00:00Z'));
    expect(await latest()).toBe('2026-T4');
    expect((await app.inject('/api/editions/latest')).json().slug).toBe('2026-T4');
    expect((await app.inject('/api/groups/observatory/observatoire?editions=1')).json().editions[0].edition).toBe('2026-T4');

    // Published by another process (its own connection): the list in memory is trusted for a second, then read again.
    const index = await publishedEditions(db);
    clockAt(index.readAt + 1);
    const other = await openMigratedDatabase(location);
    try {
      await closeEdition(other, '2027-T1', { now: new Date('2027-04-01T06:00:00Z'), allowEmpty: true });
      await publishEdition(other, '2027-T1', new Date('2027-04-01T06:00:00Z'));
    } finally {
      await closeDatabase(other);
    }
    expect(await latest()).toBe('2026-T4');
    expect((await app.inject('/api/editions/2027-T1/procedures')).statusCode).toBe(404);
    clockAt(index.readAt + PUBLISHED_STALE_AFTER_MS + 1);
    expect(await latest()).toBe('2027-T1');
    expect((await app.inject('/api/editions/2027-T1/procedures')).statusCode).toBe(200);
  });
});
