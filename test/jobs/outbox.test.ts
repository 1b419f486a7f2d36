import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { first, type Db } from '../../db/client.ts';
import { alerts, webhookDeliveries } from '../../db/schema/index.ts';
import { DELIVERY_HEADER, deliveryError, deliveryStatusError, retryDelay, sign, SIGNATURE_HEADER, TIMESTAMP_HEADER, WebhookOutbox } from '../../jobs/outbox.ts';
import { writeObservations } from '../../jobs/crawl.ts';
import { closeEdition, publishEdition } from '../../jobs/editions/close.ts';
import { createWebhook } from '../../server/services/webhooks.ts';
import { createDemoDb, procedureIdsOf } from '../helpers/db.ts';
import { createAccount } from '../helpers/accounts.ts';
import { users } from '../../db/schema/index.ts';

// A receiver down for a while still gets every alert, once, in order, signed, when it is back.

let db: Db;
let server: Server | undefined;
const received: { id: number; type: string; delivery: string; valid: boolean }[] = [];

/** A free port: opened, then closed, so that nothing answers there until the receiver starts. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function body(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text;
}

beforeAll(async () => {
  db = await createDemoDb();
});
afterAll(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

async function regression(procedureId: number, at: Date): Promise<void> {
  const observe = async (value: string, when: Date) =>
    writeObservations(db, null, procedureId, [{ check: 'online', criterion: 'online', status: 'measured', value, observedAt: when, evidence: { url: 'http://x.test/' }, details: {} }] as never, when);
  await observe('Oui', new Date(at.getTime() - 60_000));
  await observe('Non', at);
}

describe('the webhook outbox', () => {
  it('delivers every alert once a receiver that was down comes back, in order, signed', async () => {
    const account = await createAccount(db, 'team', { ministries: ['interieur'] });
    const user = (await first(db.select().from(users).where(eq(users.id, account.id))))!;
    const port = await freePort();
    const webhook = await createWebhook(db, user, { url: `http://127.0.0.1:${port}/alerts`, scope: { kind: 'ministry', slug: 'interieur' } }, { allowPrivate: true });

    let clock = new Date('2026-11-02T08:00:00Z');
    const outbox = new WebhookOutbox(db, { publicUrl: 'https://observatoire.example', allowPrivate: true, clock: () => clock, timeoutMs: 2_000 });
    // Three alerts while the receiver is down: two regressions on Intérieur procedures, a publication.
    const interieur = (await procedureIdsOf(db, 'interieur')).map((id) => ({ id }));
    await regression(interieur[0]!.id, clock);
    await regression(interieur[1]!.id, clock);
    await closeEdition(db, '2026-T3', { now: clock, allowEmpty: true }); // the quarter's measurements are not the point here
    await publishEdition(db, '2026-T3', clock);
    const expected = await db.select().from(alerts).orderBy(alerts.id);
    expect(expected.map((a) => a.kind)).toEqual(['regression', 'regression', 'edition_published']);

    // Down: the first delivery fails and is put off; the others wait behind it.
    for (let i = 0; i < 4; i++) {
      const pass = await outbox.kick();
      expect(pass.delivered).toBe(0);
      if (i < 3) clock = new Date(clock.getTime() + retryDelay(i + 1) + 1000);
    }
    const waiting = await db.select().from(webhookDeliveries).orderBy(webhookDeliveries.id);
    expect(waiting.map((d) => d.status)).toEqual(['pending', 'pending', 'pending']);
    expect(waiting[0]!.attempts).toBe(4);
    // What the team reads: the kind of failure, no system message.
    expect(waiting[0]!.lastError).toBe('connexion impossible');

    // Back up.
    server = createServer(async (req, res) => {
      const text = await body(req);
      const valid = req.headers[SIGNATURE_HEADER] === sign(webhook.secret!, String(req.headers[TIMESTAMP_HEADER]), text);
      const json = JSON.parse(text);
      received.push({ id: json.id, type: json.type, delivery: String(req.headers[DELIVERY_HEADER]), valid });
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    // Nothing before the retry is due…
    expect((await outbox.kick()).delivered).toBe(0);
    // …then everything.
    clock = new Date(clock.getTime() + retryDelay(5));
    expect(await outbox.kick()).toEqual({ delivered: 3, failed: 0, dead: 0, retried: 0 });
    expect(received.map((r) => r.id)).toEqual(expected.map((a) => a.id));
    expect(received.every((r) => r.valid)).toBe(true);
    expect(new Set(received.map((r) => r.delivery)).size).toBe(3);
    // Delivered once: a further pass sends nothing.
    expect(await outbox.kick()).toEqual({ delivered: 0, failed: 0, dead: 0, retried: 0 });
    expect(received).toHaveLength(3);
    expect((await db.select().from(webhookDeliveries)).every((d) => d.status === 'delivered' && d.deliveredAt)).toBe(true);
    await outbox.stop();
  });

  it('tells a team why its deliveries fail without saying what lies inside the network: no address, no port state, no system message', async () => {
    const account = await createAccount(db, 'team', { ministries: ['justice'] });
    const user = (await first(db.select().from(users).where(eq(users.id, account.id))))!;
    const answering = createServer((_req, res) => res.writeHead(410).end());
    await new Promise<void>((resolve) => answering.listen(0, '127.0.0.1', resolve));
    const port = (answering.address() as { port: number }).port;
    // Accepted when created (tests allow private addresses), delivered by a production outbox.
    const internal = await createWebhook(db, user, { url: `http://localhost:${port}/interne`, scope: { kind: 'ministry', slug: 'justice' } }, { allowPrivate: true });
    const clock = new Date('2026-11-03T08:00:00Z');
    await regression((await procedureIdsOf(db, 'justice'))[0]!, clock);
    const production = new WebhookOutbox(db, { publicUrl: 'https://observatoire.example', allowPrivate: false, clock: () => clock, timeoutMs: 2_000 });
    await production.kick();
    await production.stop();
    const refused = (await first(db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, internal.id))))!;
    expect(refused.lastError).toBe('adresse refusée (réseau privé ou local)');
    expect(refused.lastError).not.toMatch(/127\.0\.0\.1|::1|EBLOCKED/);
    // A receiver's own answer is the team's to know.
    const permissive = new WebhookOutbox(db, { publicUrl: 'https://observatoire.example', allowPrivate: true, clock: () => new Date(clock.getTime() + retryDelay(1) + 1000), timeoutMs: 2_000 });
    await permissive.kick();
    await permissive.stop();
    answering.close();
    expect((await first(db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, internal.id))))!.lastError).toBe('HTTP 410');
    expect(deliveryError(Object.assign(new Error('getaddrinfo ENOTFOUND intranet.corp'), { code: 'ENOTFOUND' }), 'http://intranet.corp/')).toBe('nom de domaine introuvable');
    expect(deliveryStatusError(301)).toBe('HTTP 301 (redirection non suivie)');
  });

  it('sends again at once, on a fresh connection, a delivery whose connection dropped under way', async () => {
    const account = await createAccount(db, 'team', { ministries: ['culture'] });
    const user = (await first(db.select().from(users).where(eq(users.id, account.id))))!;
    let requests = 0;
    const flaky = createServer((req, res) => {
      requests++;
      // The first connection is cut as the request arrives, as a receiver closing a kept-alive socket does.
      if (requests === 1) return req.socket.destroy();
      req.resume();
      req.on('end', () => res.writeHead(204).end());
    });
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
    const hook = await createWebhook(db, user, { url: `http://127.0.0.1:${(flaky.address() as AddressInfo).port}/`, scope: { kind: 'ministry', slug: 'culture' } }, { allowPrivate: true });
    await regression((await procedureIdsOf(db, 'culture'))[0]!, new Date('2026-11-04T08:00:00Z'));
    const outbox = new WebhookOutbox(db, { publicUrl: 'https://observatoire.example', allowPrivate: true, clock: () => new Date('2026-11-04T08:00:00Z'), timeoutMs: 2_000 });
    const pass = await outbox.kick();
    await outbox.stop();
    flaky.close();
    // (The earlier test's refused webhook fails again in the same pass: it is another receiver.)
    expect(pass).toMatchObject({ delivered: 1, retried: 1 });
    expect(requests).toBe(2);
    expect(await first(db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, hook.id)))).toMatchObject({ status: 'delivered', attempts: 1 });
  });

  it('signs the body with the secret: a receiver with another key rejects it', () => {
    expect(sign('secret-a', '1700000000', '{"id":1}')).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(sign('secret-a', '1700000000', '{"id":1}')).not.toBe(sign('secret-b', '1700000000', '{"id":1}'));
    expect(sign('secret-a', '1700000000', '{"id":1}')).not.toBe(sign('secret-a', '1700000001', '{"id":1}'));
  });
});
