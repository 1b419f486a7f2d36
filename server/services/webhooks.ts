import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { and, count, desc, eq, inArray, isNull } from 'drizzle-orm';
import { first, transaction, type Db } from '../../db/client.ts';
import { administrations, ministries, webhookDeliveries, webhooks, type WebhookScope } from '../../db/schema/index.ts';
import { isPrivateAddress } from '../../jobs/http/dispatcher.ts';
import type { User } from '../auth/accounts.ts';
import { DomainError } from '../../contracts/errors.ts';

// Webhooks a team configures for its ministry or administration.

type Webhook = typeof webhooks.$inferSelect;

/** Whether a user answers for a group: its own ministries and administrations, and the administrations of its ministries. */
async function mayUse(db: Db, user: User, kind: WebhookScope, slug: string): Promise<boolean> {
  if (user.role === 'operator') return true;
  if (kind === 'ministry') return user.scope.ministries.includes(slug);
  if (user.scope.administrations.includes(slug)) return true;
  const parent = await first(db.select({ slug: ministries.slug }).from(administrations).innerJoin(ministries, eq(ministries.id, administrations.ministryId)).where(eq(administrations.slug, slug)));
  return !!parent && user.scope.ministries.includes(parent.slug);
}

async function view(db: Db, w: Webhook, secret?: string) {
  const counts = Object.fromEntries(
    (await db.select({ status: webhookDeliveries.status, n: count() }).from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, w.id)).groupBy(webhookDeliveries.status)).map((r) => [r.status, r.n]),
  );
  const failing = await first(
    db
      .select({ lastError: webhookDeliveries.lastError })
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.webhookId, w.id), inArray(webhookDeliveries.status, ['pending', 'dead'])))
      .orderBy(desc(webhookDeliveries.id)),
  );
  return {
    id: w.id,
    url: w.url,
    scope: { kind: w.scopeKind, slug: w.scopeSlug },
    createdAt: w.createdAt.toISOString(),
    deliveries: { pending: counts['pending'] ?? 0, delivered: counts['delivered'] ?? 0, dead: counts['dead'] ?? 0 },
    lastError: failing?.lastError ?? null,
    ...(secret ? { secret } : {}),
  };
}

export async function listWebhooks(db: Db, user: User) {
  const items = [];
  for (const w of await db.select().from(webhooks).where(isNull(webhooks.disabledAt)).orderBy(webhooks.id)) {
    if (await mayUse(db, user, w.scopeKind, w.scopeSlug)) items.push(await view(db, w));
  }
  return items;
}

/** Webhooks an account may keep active: each one is a delivery per alert, signed and retried. */
export const WEBHOOKS_PER_ACCOUNT = 10;

/** Checks the address: http(s) only; https and a public host unless private addresses are allowed (demo, tests). */
export function checkWebhookUrl(raw: string, allowPrivate: boolean): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DomainError('webhook.invalid_url', `Not an address: "${raw}".`, { url: raw });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new DomainError('webhook.not_http', 'A webhook is an http(s) address.');
  if (url.username || url.password) throw new DomainError('webhook.credentials', 'The address must not hold credentials: the HMAC signature authenticates deliveries.');
  if (!allowPrivate) {
    if (url.protocol !== 'https:') throw new DomainError('webhook.not_https', 'A webhook is an https address.');
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (host === 'localhost' || (isIP(host) && isPrivateAddress(host))) throw new DomainError('webhook.private_address', 'Private or local addresses are refused.');
  }
  return url.href;
}

export async function createWebhook(db: Db, user: User, input: { url: string; scope: { kind: WebhookScope; slug: string } }, options: { allowPrivate: boolean }, now = new Date()) {
  const { kind, slug } = input.scope;
  const table = kind === 'ministry' ? ministries : administrations;
  if (!(await first(db.select({ id: table.id }).from(table).where(eq(table.slug, slug))))) throw new DomainError('group.unknown', `unknown ${kind} "${slug}"`, { kind, slug });
  if (!(await mayUse(db, user, kind, slug))) throw new DomainError('webhook.group_out_of_scope', 'This group is outside your scope.', { kind, slug });
  const url = checkWebhookUrl(input.url, options.allowPrivate);
  const active = (await first(db.select({ n: count() }).from(webhooks).where(and(eq(webhooks.createdBy, user.id), isNull(webhooks.disabledAt)))))?.n ?? 0;
  if (active >= WEBHOOKS_PER_ACCOUNT) throw new DomainError('webhook.limit', `${WEBHOOKS_PER_ACCOUNT} active webhooks at most per account: remove one before adding another.`, { max: WEBHOOKS_PER_ACCOUNT });
  const secret = randomBytes(32).toString('base64url');
  const created = (await first(db.insert(webhooks).values({ scopeKind: kind, scopeSlug: slug, url, secret, createdBy: user.id, createdAt: now }).returning()))!;
  return view(db, created, secret);
}

export async function deleteWebhook(db: Db, user: User, id: number, now = new Date()): Promise<void> {
  const webhook = await first(db.select().from(webhooks).where(and(eq(webhooks.id, id), isNull(webhooks.disabledAt))));
  if (!webhook) throw new DomainError('webhook.not_found', `No webhook ${id}.`, { id });
  if (!(await mayUse(db, user, webhook.scopeKind, webhook.scopeSlug))) throw new DomainError('webhook.out_of_scope', 'This webhook is outside your scope.', { id });
  await transaction(db, async (tx) => {
    await tx.update(webhooks).set({ disabledAt: now }).where(eq(webhooks.id, id));
    await tx.update(webhookDeliveries).set({ status: 'dead', lastError: 'webhook supprimé' }).where(and(eq(webhookDeliveries.webhookId, id), eq(webhookDeliveries.status, 'pending')));
  });
}
