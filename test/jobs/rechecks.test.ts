import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { eq } from 'drizzle-orm';
import { first, type Db } from '../../db/client.ts';
import { crawlRuns, observations, rechecks } from '../../db/schema/index.ts';
import { Crawler } from '../../jobs/crawler.ts';
import { RecheckQueue } from '../../jobs/rechecks.ts';
import { checkByName } from '../../jobs/checks/index.ts';
import { buildCheckedServer } from '../helpers/server.ts';
import { createDemoDb, procedureIdsOf } from '../helpers/db.ts';
import { createAccount, login, type Session } from '../helpers/accounts.ts';

// "Relancer la vérification": queued over HTTP, measured for real on the shared demo universe.

const HTTP_CHECKS = ['online', 'auth', 'handicap', 'dlnuf'].map((n) => checkByName(n)!);

let db: Db;
let app: FastifyInstance;
let queue: RecheckQueue;
let team: Session;
let id: number;

beforeAll(async () => {
  db = await createDemoDb();
  queue = new RecheckQueue(db, { newCrawler: () => new Crawler({ contactUrl: 'http://127.0.0.1/methodologie', demoPort: inject('universePort'), perHostDelayMs: 0 }), checks: HTTP_CHECKS });
  app = await buildCheckedServer({ db, appInfo: { version: 'test', demo: true }, logLevel: 'silent', rechecks: queue });
  id = (await procedureIdsOf(db, 'interieur'))[0]!;
  team = await login(app, (await createAccount(db, 'team', { ministries: ['interieur'] })).email);
});
afterAll(async () => {
  await queue.stop();
  await app.close();
});

describe('re-checks', () => {
  it('measures the procedure again and shows the progress, then the result', async () => {
    const asked = await app.inject({ method: 'POST', url: `/api/me/procedures/${id}/rechecks`, headers: team.headers });
    expect(asked.statusCode).toBe(202);
    const { recheck, created, nextRecheckAt } = asked.json();
    // The answer says until when the next request waits: ten minutes after this one.
    expect(Date.parse(nextRecheckAt) - Date.parse(recheck.requestedAt)).toBe(10 * 60_000);
    expect(created).toBe(true);
    expect(['queued', 'running']).toContain(recheck.status);
    // Asked again while it runs: the same re-check, no second one.
    const again = await app.inject({ method: 'POST', url: `/api/me/procedures/${id}/rechecks`, headers: team.headers });
    expect(again.json()).toMatchObject({ created: false, recheck: { id: recheck.id } });

    await queue.kick();
    const done = (await app.inject({ url: `/api/me/rechecks/${recheck.id}`, headers: { cookie: team.cookie } })).json();
    expect(done).toMatchObject({ status: 'done', error: null, startedAt: expect.any(String), finishedAt: expect.any(String) });
    expect(done.results.map((r: { criterion: string }) => r.criterion).sort()).toEqual(['auth', 'dlnuf', 'handicap', 'online']);
    // Each result is a real observation of a crawl run triggered by the re-check.
    const row = (await first(db.select().from(rechecks).where(eq(rechecks.id, recheck.id))))!;
    expect(await first(db.select().from(crawlRuns).where(eq(crawlRuns.id, row.crawlRunId!)))).toMatchObject({ trigger: 'recheck', status: 'completed', procedureCount: 1 });
    const written = await db.select().from(observations).where(eq(observations.crawlRunId, row.crawlRunId!));
    expect(written.map((o) => o.id).sort()).toEqual(done.results.map((r: { observationId: number }) => r.observationId).sort());
    expect(done.results.find((r: { criterion: string }) => r.criterion === 'online')).toMatchObject({ status: 'measured', level: expect.any(String) });

    // Done, and asked again at once: limited, with the wait.
    const tooSoon = await app.inject({ method: 'POST', url: `/api/me/procedures/${id}/rechecks`, headers: team.headers });
    expect(tooSoon.statusCode).toBe(429);
    expect(Number(tooSoon.headers['retry-after'])).toBeGreaterThan(500);
    expect(tooSoon.json()).toMatchObject({ code: 'recheck.too_soon', message: expect.stringMatching(/less than 10 minutes/), params: { minutes: 10 } });
  });

  it('queues again a re-check a killed server left running', async () => {
    const recheckId = (await first(db.insert(rechecks).values({ procedureId: id, requestedBy: 1, status: 'running', requestedAt: new Date(), startedAt: new Date() }).returning()))!.id;
    const restarted = new RecheckQueue(db, { newCrawler: () => { throw new Error('not used'); } });
    await restarted.ready;
    expect(await first(db.select().from(rechecks).where(eq(rechecks.id, recheckId)))).toMatchObject({ status: 'queued', startedAt: null });
  });
});
