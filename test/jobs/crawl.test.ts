import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { crawl } from '../../jobs/crawl.ts';
import { checkByName } from '../../jobs/checks/index.ts';
import { closeDatabase, first, openDatabase, openMigratedDatabase } from '../../db/client.ts';
import { ENGINE } from '../../db/engine.ts';
import { crawlRuns, observations } from '../../db/schema/index.ts';
import { readCatalogueFile, DEMO_CATALOGUE } from '../../server/catalogue/file.ts';
import { importCatalogue } from '../../server/catalogue/import.ts';
import { createDemoDb, testDatabaseLocation } from '../helpers/db.ts';
import { demoCrawler, sharedQuarterDate } from '../helpers/crawler.ts';

const dir = mkdtempSync(join(tmpdir(), 'observatoire-crawl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('crawl', () => {
  it('writes one observation per check and procedure, with evidence, and a run summary', async () => {
    const db = await createDemoDb(join(dir, 'crawl.sqlite'));
    const crawler = demoCrawler({ browser: false });
    try {
      const checks = ['online', 'auth', 'handicap', 'dlnuf'].map((n) => checkByName(n)!);
      const progress: number[] = [];
      const summary = await crawl(db, crawler, { trigger: 'cli', checks, procedureIds: [102, 103, 104, 344], now: sharedQuarterDate(), onProgress: (done) => progress.push(done) });
      expect(summary).toMatchObject({ procedures: 4, observations: 16 });
      expect(progress).toEqual([1, 2, 3, 4]);
      const rows = await db.select().from(observations);
      expect(rows).toHaveLength(16);
      const online102 = rows.find((r) => r.procedureId === 102 && r.criterion === 'online')!;
      expect(online102).toMatchObject({ crawlRunId: summary.runId, status: 'measured', valueText: expect.any(String) });
      expect(online102.evidence).toMatchObject({ url: 'http://declaration-revenus.demarches.test/', httpStatus: 200, tool: 'observatoire/online', toolVersion: expect.any(String) });
      // 344 is a hostile site of the universe: HTTP 500 everywhere, robots.txt included
      expect(rows.filter((r) => r.procedureId === 344).map((r) => [r.status, r.reason])).toEqual(Array(4).fill(['unmeasurable', 'http']));
      const run = (await first(db.select().from(crawlRuns).where(eq(crawlRuns.id, summary.runId))))!;
      expect(run).toMatchObject({ status: 'completed', trigger: 'cli', procedureCount: 4, checks: ['online', 'auth', 'handicap', 'dlnuf'] });
      expect(run.summary).toMatchObject({ failures: { http: 4 } });
    } finally {
      await crawler.close();
    }
  });

  it('survives a SIGKILL mid-run: no half-written procedure, the run is marked interrupted, the next run goes on', async () => {
    // A SQLite file, or on PostgreSQL a database of its own, that the child process opens too.
    const file = join(dir, 'killed.sqlite');
    const location = await testDatabaseLocation(file);
    const seeded = await openMigratedDatabase(location);
    await importCatalogue(seeded, (await readCatalogueFile(DEMO_CATALOGUE)).rows);
    await closeDatabase(seeded);
    const bin = new URL('../../bin/observatoire.js', import.meta.url).pathname;
    // On PostgreSQL the crawl is the killed process's own (--in-process), not the workers'.
    const inProcess = ENGINE === 'postgres' ? ['--in-process'] : [];
    const child = spawn(process.execPath, [bin, 'crawl', ...inProcess, '--check', 'online', 'auth', 'handicap', 'dlnuf'], {
      env: { ...process.env, OBSERVATOIRE_DB: file, OBSERVATOIRE_DEMO: 'on', ...(ENGINE === 'postgres' ? { OBSERVATOIRE_DATABASE_URL: location } : {}) },
      stdio: 'ignore',
    });
    const reader = openDatabase(location, { poolSize: 1 });
    const countObservations = async () => (await reader.select({ n: count() }).from(observations))[0]!.n;
    const deadline = Date.now() + 60_000;
    while ((await countObservations()) < 40 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const written = await countObservations();
    expect(written).toBeGreaterThanOrEqual(40);
    expect(written).toBeLessThan(1000);
    // Each procedure has all four observations or none.
    const perProcedure = await reader.select({ n: count() }).from(observations).groupBy(observations.procedureId);
    expect(perProcedure.every((r) => r.n === 4)).toBe(true);
    expect((await reader.select({ status: crawlRuns.status }).from(crawlRuns)).map((r) => r.status)).toEqual(['running']);
    if (reader.sqlite) expect(reader.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    await closeDatabase(reader);

    const db = await openMigratedDatabase(location);
    const crawler = demoCrawler({ browser: false });
    try {
      const summary = await crawl(db, crawler, { trigger: 'cli', checks: [checkByName('online')!], procedureIds: [101, 102] });
      expect(summary.procedures).toBe(2);
      const runs = await db.select({ id: crawlRuns.id, status: crawlRuns.status }).from(crawlRuns).orderBy(crawlRuns.id);
      expect(runs.map((r) => r.status)).toEqual(['interrupted', 'completed']);
      expect((await db.select().from(observations)).length).toBe(written + 2);
    } finally {
      await crawler.close();
    }
  }, 90_000);
});
