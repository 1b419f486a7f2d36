import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { and, count, eq, sql } from 'drizzle-orm';
import type PgBoss from 'pg-boss';
import { closeDatabase, openMigratedDatabase, type Db } from '../../db/client.ts';
import { ENGINE } from '../../db/engine.ts';
import { crawlRunProcedures, crawlRuns, observations, procedures } from '../../db/schema/index.ts';
import { readCatalogueFile, DEMO_CATALOGUE } from '../../server/catalogue/file.ts';
import { importCatalogue } from '../../server/catalogue/import.ts';
import { CHECKS } from '../../jobs/checks/index.ts';
import { enqueueCrawlRun, interleaveByHost, queuedRunProgress } from '../../jobs/queue/crawl-jobs.ts';
import { openQueue } from '../../jobs/queue/queue.ts';
import { testDatabaseLocation } from '../helpers/db.ts';
import { startWorkerProcess } from '../helpers/workers.ts';

const HTTP_CHECKS = CHECKS.filter((c) => c.kind === 'http');
const QUEUE_ENV = { OBSERVATOIRE_QUEUE_LEASE_SECONDS: '4', OBSERVATOIRE_QUEUE_MAINTENANCE_SECONDS: '1' };
const startWorker = (url: string, concurrency: number) => startWorkerProcess(url, concurrency, QUEUE_ENV);

describe.skipIf(ENGINE !== 'postgres')('crawl workers on PostgreSQL', () => {
  let db: Db;
  let boss: PgBoss;
  let url: string;

  afterAll(async () => {
    await boss?.stop({ graceful: false, wait: true });
    if (db) await closeDatabase(db);
  });

  it('spreads a run over several processes; one killed mid-run, the run still ends complete, each procedure measured once', async () => {
    url = await testDatabaseLocation();
    db = await openMigratedDatabase(url);
    const parsed = await readCatalogueFile(DEMO_CATALOGUE);
    await importCatalogue(db, parsed.rows);
    const ids = (await db.select({ id: procedures.id }).from(procedures).orderBy(procedures.id).limit(60)).map((p) => p.id);
    boss = await openQueue(url, { leaseSeconds: 4, maintenanceSeconds: 1 });
    const [a, b, c] = await Promise.all([startWorker(url, 2), startWorker(url, 2), startWorker(url, 2)]);

    const { runId, procedures: total } = await enqueueCrawlRun(db, boss, { trigger: 'cli', checks: HTTP_CHECKS, procedureIds: ids });
    expect(total).toBe(60);
    // Let the workers get going, then kill one without warning, in the middle of its jobs.
    const active = async () => Number((await db.pool!.query("select count(*) as n from pgboss.job where name = 'crawl' and state = 'active'")).rows[0].n);
    for (let i = 0; i < 200 && ((await queuedRunProgress(db, runId)).done < 10 || (await active()) < 6); i++) await sleep(20);
    b!.kill('SIGKILL');
    let progress = await queuedRunProgress(db, runId);
    for (let i = 0; i < 600 && progress.status === 'running'; i++) {
      await sleep(100);
      progress = await queuedRunProgress(db, runId);
    }
    expect(progress).toEqual({ status: 'completed', done: 60, total: 60 });
    // The killed worker's jobs were given to the others when their lease ran out.
    const retried = (await db.pool!.query("select count(*) as n from pgboss.job where name = 'crawl' and retry_count > 0")).rows[0].n;
    expect(Number(retried)).toBeGreaterThanOrEqual(1);

    // Each procedure once in the run, each of its criteria observed once: no double observation.
    const perProcedure = await db.select({ procedureId: crawlRunProcedures.procedureId, worker: crawlRunProcedures.worker }).from(crawlRunProcedures).where(eq(crawlRunProcedures.runId, runId));
    expect(new Set(perProcedure.map((p) => p.procedureId)).size).toBe(60);
    const doubles = await db
      .select({ procedureId: observations.procedureId, criterion: observations.criterion, n: count() })
      .from(observations)
      .where(eq(observations.crawlRunId, runId))
      .groupBy(observations.procedureId, observations.criterion)
      .having(sql`count(*) > 1`);
    expect(doubles).toEqual([]);
    const [written] = await db.select({ n: count() }).from(observations).where(eq(observations.crawlRunId, runId));
    expect(written!.n).toBe(60 * HTTP_CHECKS.length);
    // Three processes did the work, the killed one included (before it died).
    expect(new Set(perProcedure.map((p) => p.worker)).size).toBeGreaterThanOrEqual(2);
    const [run] = await db.select().from(crawlRuns).where(and(eq(crawlRuns.id, runId)));
    expect(run!.summary).toMatchObject({ procedures: 60, observations: 60 * HTTP_CHECKS.length });

    // The survivors stop cleanly on SIGTERM, saying what they did.
    for (const w of [a!, c!]) w.kill('SIGTERM');
    await Promise.all([a!, c!].map((w) => new Promise((resolve) => w.once('exit', resolve))));
    expect(a!.output.join('')).toMatch(/Arrêté\. Travaux faits/);
  }, 120_000);

  it('orders a run\'s jobs so that neighbours are on different hosts', () => {
    const t = (host: string, n: number) => ({ startUrl: `http://${host}/${n}` });
    const order = interleaveByHost([t('a', 1), t('a', 2), t('a', 3), t('b', 1), t('c', 1), t('c', 2)]).map((x) => x.startUrl);
    expect(order).toEqual(['http://a/1', 'http://b/1', 'http://c/1', 'http://a/2', 'http://c/2', 'http://a/3']);
  });
});
