import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import { crawl } from '../../jobs/crawl.ts';
import { checkByName } from '../../jobs/checks/index.ts';
import { crawlRuns, observations } from '../../db/schema/index.ts';
import { createDemoDb } from '../helpers/db.ts';
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
      const rows = db.select().from(observations).all();
      expect(rows).toHaveLength(16);
      const online102 = rows.find((r) => r.procedureId === 102 && r.criterion === 'online')!;
      expect(online102).toMatchObject({ crawlRunId: summary.runId, status: 'measured', valueText: expect.any(String) });
      expect(online102.evidence).toMatchObject({ url: 'http://declaration-revenus.demarches.test/', httpStatus: 200, tool: 'observatoire/online', toolVersion: expect.any(String) });
      // 344 is a hostile site of the universe: HTTP 500 everywhere, robots.txt included
      expect(rows.filter((r) => r.procedureId === 344).map((r) => [r.status, r.reason])).toEqual(Array(4).fill(['unmeasurable', 'http']));
      const run = db.select().from(crawlRuns).where(eq(crawlRuns.id, summary.runId)).get()!;
      expect(run).toMatchObject({ status: 'completed', trigger: 'cli', procedureCount: 4, checks: ['online', 'auth', 'handicap', 'dlnuf'] });
      expect(run.summary).toMatchObject({ failures: { http: 4 } });
    } finally {
      await crawler.close();
    }
  });

  it('survives a SIGKILL mid-run: no half-written procedure, the run is marked interrupted, the next run goes on', async () => {
    const file = join(dir, 'killed.sqlite');
    (await createDemoDb(file)).$client.close();
    const bin = new URL('../../bin/observatoire.js', import.meta.url).pathname;
    const child = spawn(process.execPath, [bin, 'crawl', '--check', 'online', 'auth', 'handicap', 'dlnuf'], {
      env: { ...process.env, OBSERVATOIRE_DB: file, OBSERVATOIRE_DEMO: 'on' },
      stdio: 'ignore',
    });
    const reader = new Database(file, { readonly: true, fileMustExist: true });
    const count = () => reader.prepare('select count(*) from observations').pluck().get() as number;
    const deadline = Date.now() + 60_000;
    while (count() < 40 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const written = count();
    expect(written).toBeGreaterThanOrEqual(40);
    expect(written).toBeLessThan(1000);
    // Each procedure has all four observations or none.
    const perProcedure = reader.prepare('select procedure_id, count(*) n from observations group by procedure_id').all() as { n: number }[];
    expect(perProcedure.every((r) => r.n === 4)).toBe(true);
    expect(reader.prepare('select status from crawl_runs').pluck().all()).toEqual(['running']);
    expect(reader.pragma('integrity_check', { simple: true })).toBe('ok');
    reader.close();

    const db = await createDemoDb(file);
    const crawler = demoCrawler({ browser: false });
    try {
      const summary = await crawl(db, crawler, { trigger: 'cli', checks: [checkByName('online')!], procedureIds: [101, 102] });
      expect(summary.procedures).toBe(2);
      const runs = db.select({ id: crawlRuns.id, status: crawlRuns.status }).from(crawlRuns).orderBy(crawlRuns.id).all();
      expect(runs.map((r) => r.status)).toEqual(['interrupted', 'completed']);
      expect(db.select().from(observations).all().length).toBe(written + 2);
    } finally {
      await crawler.close();
    }
  }, 90_000);
});
