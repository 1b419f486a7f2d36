import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { first, transaction, type Db } from '../db/client.ts';
import { alerts, users, webhookDeliveries, webhooks } from '../db/schema/index.ts';
import { createUser } from '../server/auth/accounts.ts';
import { hashPassword } from '../server/auth/passwords.ts';
import { WebhookOutbox } from '../jobs/outbox.ts';
import type { BenchRow } from './bench-row.ts';

// The ministry teams' side of the bench: what a password costs, how fast a team's and an
// operator's list answers over HTTP, how fast the outbox drains.

const PASSWORD = 'bench passphrase 2026';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;

/** Accounts the spawned server will see: call before it starts. */
export async function createBenchAccounts(db: Db): Promise<void> {
  await createUser(db, { email: 'team@bench.test', name: 'Équipe', role: 'team', scope: { ministries: ['interieur'] }, password: PASSWORD });
  await createUser(db, { email: 'operator@bench.test', name: 'Opérateur', role: 'operator', password: PASSWORD });
}

async function login(base: string, email: string): Promise<string> {
  const first = await fetch(`${base}/api/session`);
  const csrf = ((await first.json()) as { csrfToken: string }).csrfToken;
  const cookie = first.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const res = await fetch(`${base}/api/session`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
  if (!res.ok) throw new Error(`bench login failed: ${res.status}`);
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

export async function benchSpaces(db: Db, base: string): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const hashes: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    await hashPassword(PASSWORD);
    hashes.push(performance.now() - t0);
  }
  rows.push({ what: 'password hash (scrypt N=2^15, r=8), median of 7', value: `${median(hashes).toFixed(0)} ms`, note: 'memory-hard: 32 MiB each' });

  for (const [who, email] of [['team, 36 procedures', 'team@bench.test'], ['operator, 250 procedures', 'operator@bench.test']] as const) {
    const cookie = await login(base, email);
    const times: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      const res = await fetch(`${base}/api/me/procedures`, { headers: { cookie, 'accept-encoding': 'gzip' } });
      await res.arrayBuffer();
      times.push(performance.now() - t0);
    }
    rows.push({ what: `Espace ministère list (${who}), 30 requests`, value: `${median(times).toFixed(0)} / ${p95(times).toFixed(0)} ms`, note: 'median / p95' });
  }

  // The outbox: 1,000 alerts to one local receiver, in order.
  const received: number[] = [];
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received.push(1);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as AddressInfo).port;
  const operator = (await db.select().from(users)).find((u) => u.role === 'operator')!;
  const hook = (await first(db.insert(webhooks).values({ scopeKind: 'ministry', scopeSlug: 'interieur', url: `http://127.0.0.1:${port}/`, secret: 'bench', createdBy: operator.id, createdAt: new Date() }).returning()))!;
  const now = new Date();
  await transaction(db, async (tx) => {
    for (let i = 0; i < 1000; i++) {
      const alert = (await first(tx.insert(alerts).values({ kind: 'edition_published', payload: { title: `Alerte ${i}`, summary: 'bench', url: '/' }, createdAt: now }).returning({ id: alerts.id })))!;
      await tx.insert(webhookDeliveries).values({ webhookId: hook.id, alertId: alert.id, status: 'pending', nextAttemptAt: now });
    }
  });
  // The outbox's clock jumps to the next retry when a pass has only put deliveries off, so the
  // bench waits for every delivery without waiting out the real delays.
  let skipped = 0;
  const outbox = new WebhookOutbox(db, { publicUrl: 'http://127.0.0.1', allowPrivate: true, clock: () => new Date(Date.now() + skipped) });
  const total = { delivered: 0, failed: 0, dead: 0, retried: 0 };
  const pending = () => db.sqlite!.prepare("SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'").pluck().get() as number;
  const t0 = performance.now();
  while (pending() > 0 && performance.now() - t0 < 120_000) {
    const pass = await outbox.kick();
    for (const key of Object.keys(total) as (keyof typeof total)[]) total[key] += pass[key];
    if (pass.delivered === 0) skipped += 3600_000;
  }
  const ms = performance.now() - t0;
  await outbox.stop();
  receiver.close();
  rows.push({
    what: 'webhook outbox: 1,000 signed deliveries to one receiver, in order',
    value: `${Math.round(total.delivered / (ms / 1000))} /s`,
    note: `${total.delivered} delivered, ${received.length} received, ${total.failed} put off, ${total.retried} sent again at once, ${total.dead} dead, ${pending()} left`,
  });
  return rows;
}
