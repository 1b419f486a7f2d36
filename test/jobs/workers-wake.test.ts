import { createServer, type Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type PgBoss from 'pg-boss';
import { closeDatabase, first, openMigratedDatabase, type Db } from '../../db/client.ts';
import { ENGINE } from '../../db/engine.ts';
import { alerts, rechecks, users, webhookDeliveries, webhooks } from '../../db/schema/index.ts';
import { readCatalogueFile, DEMO_CATALOGUE } from '../../server/catalogue/file.ts';
import { importCatalogue } from '../../server/catalogue/import.ts';
import { openQueue, QUEUES } from '../../jobs/queue/queue.ts';
import { testDatabaseLocation } from '../helpers/db.ts';
import { createAccount } from '../helpers/accounts.ts';
import { startWorkerProcess } from '../helpers/workers.ts';

let receiver: Server | undefined;
afterAll(() => receiver?.close());

describe.skipIf(ENGINE !== 'postgres')('re-checks and the webhook outbox go through the queue (PostgreSQL)', () => {
  let db: Db;
  let boss: PgBoss;
  afterAll(async () => {
    await boss?.stop({ graceful: false, wait: true });
    if (db) await closeDatabase(db);
  });

  it('a re-check asked for is done by a worker; each webhook delivery is posted once though two workers are woken twice', async () => {
    const url = await testDatabaseLocation();
    db = await openMigratedDatabase(url);
    await importCatalogue(db, (await readCatalogueFile(DEMO_CATALOGUE)).rows);
    boss = await openQueue(url);
    const team = await createAccount(db, 'team', { ministries: ['interieur'] });
    const user = (await first(db.select().from(users).where(eq(users.id, team.id))))!;
    const procedureId = 101;
    const [recheck] = await db.insert(rechecks).values({ procedureId, requestedBy: user.id, status: 'queued', requestedAt: new Date() }).returning();

    const posted: string[] = [];
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        posted.push(body);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver!.listen(0, '127.0.0.1', resolve));
    const port = (receiver.address() as { port: number }).port;
    const [hook] = await db.insert(webhooks).values({ scopeKind: 'ministry', scopeSlug: 'interieur', url: `http://127.0.0.1:${port}/hook`, secret: 's3cret', createdBy: user.id, createdAt: new Date() }).returning();
    const payload = { title: 'Édition publiée', summary: 'test', url: 'http://127.0.0.1/' };
    for (let i = 0; i < 5; i++) {
      const [alert] = await db.insert(alerts).values({ kind: 'edition_published', payload: { ...payload, title: `alerte ${i}` }, createdAt: new Date() }).returning();
      await db.insert(webhookDeliveries).values({ webhookId: hook!.id, alertId: alert!.id, status: 'pending', attempts: 0, nextAttemptAt: new Date() });
    }

    await Promise.all([startWorkerProcess(url, 1), startWorkerProcess(url, 1)]);
    await boss.send(QUEUES.recheck, {});
    await boss.send(QUEUES.outbox, {});
    await sleep(200);
    await boss.send(QUEUES.outbox, {});

    let state = await first(db.select().from(rechecks).where(eq(rechecks.id, recheck!.id)));
    for (let i = 0; i < 300 && state?.status !== 'done' && state?.status !== 'failed'; i++) {
      await sleep(100);
      state = await first(db.select().from(rechecks).where(eq(rechecks.id, recheck!.id)));
    }
    expect(state).toMatchObject({ status: 'done' });
    expect(state!.results!.length).toBeGreaterThan(0);

    for (let i = 0; i < 100 && posted.length < 5; i++) await sleep(100);
    await sleep(1500); // a second pass, had it posted again, would have by now
    expect(posted.map((b) => (JSON.parse(b) as { data: { title: string } }).data.title).sort()).toEqual(['alerte 0', 'alerte 1', 'alerte 2', 'alerte 3', 'alerte 4']);
    expect((await db.select().from(webhookDeliveries)).every((d) => d.status === 'delivered' && d.attempts === 1)).toBe(true);
  }, 90_000);
});
