import { createHmac } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { request, type Dispatcher } from 'undici';
import type { Db } from '../db/client.ts';
import { alerts, webhookDeliveries, webhooks } from '../db/schema/index.ts';
import { createDispatcher } from './http/dispatcher.ts';
import { classifyError, isTransient, type FailureType } from './http/errors.ts';
import { BOT_NAME, BOT_VERSION } from './http/fetch.ts';

// The webhook worker: drains the outbox (webhook_deliveries) in order, one POST per delivery,
// signed with the webhook's secret. A receiver that fails or cannot be reached is retried with
// a growing delay (30 s, 1 min, 2 min … capped at 1 h) for about three days (80 attempts) before
// the delivery is marked dead; the operator sees those. Each delivery carries its id, so a receiver that got a
// delivery whose answer was lost can recognise the retry.

export const SIGNATURE_HEADER = 'x-observatoire-signature';
export const TIMESTAMP_HEADER = 'x-observatoire-timestamp';
export const DELIVERY_HEADER = 'x-observatoire-delivery';
export const EVENT_HEADER = 'x-observatoire-event';

const FIRST_DELAY_MS = 30_000;
const MAX_DELAY_MS = 3600_000;
/** 30 s, 1, 2, 4, 8, 16, 32 min, then hourly: 80 attempts span about three days. */
export const MAX_ATTEMPTS = 80;

export function retryDelay(attempts: number): number {
  return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, attempts - 1));
}

/** `sha256=` and the hex HMAC-SHA256 of `timestamp.body`: what a receiver recomputes to trust a delivery. */
export function sign(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Why a delivery failed, as the team that owns the webhook reads it: the kind of failure and the
 * receiver's HTTP status, never an address the name resolved to, a port's state or a system
 * message — a webhook must not become a way to look inside the network the observatory runs in.
 */
const DELIVERY_FAILURES: Partial<Record<FailureType, string>> = {
  blocked: 'adresse refusée (réseau privé ou local)',
  dns: 'nom de domaine introuvable',
  tls: 'échec de la connexion sécurisée (TLS)',
  timeout: 'pas de réponse dans le délai',
};

export function deliveryError(err: unknown, url: string): string {
  return DELIVERY_FAILURES[classifyError(err, url).type] ?? 'connexion impossible';
}

export function deliveryStatusError(status: number): string {
  return status >= 300 && status < 400 ? `HTTP ${status} (redirection non suivie)` : `HTTP ${status}`;
}

export interface OutboxOptions {
  /** The dashboard's public address, to make the alerts' links absolute. */
  publicUrl: string;
  /** Let webhooks reach loopback and private addresses (demo, tests). */
  allowPrivate: boolean;
  clock?: () => Date;
  timeoutMs?: number;
  /** Deliveries tried per pass. */
  batch?: number;
}

export interface OutboxPass {
  delivered: number;
  /** Put off to a later pass (the receiver failed or could not be reached). */
  failed: number;
  dead: number;
  /** Sent again at once because the connection dropped under way (counted once more if delivered). */
  retried: number;
}

export class WebhookOutbox {
  private readonly dispatcher: Dispatcher;
  private timer?: NodeJS.Timeout;
  private running?: Promise<OutboxPass>;

  constructor(
    private readonly db: Db,
    private readonly options: OutboxOptions,
  ) {
    const timeout = options.timeoutMs ?? 10_000;
    this.dispatcher = createDispatcher({ allowPrivate: options.allowPrivate, connectTimeoutMs: timeout, headersTimeoutMs: timeout, bodyTimeoutMs: timeout, connections: 2 });
  }

  private now(): Date {
    return (this.options.clock ?? (() => new Date()))();
  }

  /** Polls every `intervalMs`; `kick()` runs a pass at once (after an alert is written). */
  start(intervalMs = 5_000): void {
    this.timer = setInterval(() => void this.kick(), intervalMs);
    this.timer.unref();
    void this.kick();
  }

  /** One pass, unless one is running (then that one's result). */
  kick(): Promise<OutboxPass> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
    await this.dispatcher.close();
  }

  private async pass(): Promise<OutboxPass> {
    const result: OutboxPass = { delivered: 0, failed: 0, dead: 0, retried: 0 };
    const now = this.now();
    const pending = await this.db
      .select({ delivery: webhookDeliveries, webhook: webhooks, alert: alerts })
      .from(webhookDeliveries)
      .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
      .innerJoin(alerts, eq(alerts.id, webhookDeliveries.alertId))
      .where(eq(webhookDeliveries.status, 'pending'))
      .orderBy(asc(webhookDeliveries.id))
      .limit(this.options.batch ?? 500);
    // A receiver gets its alerts in order: while its oldest pending delivery waits for a retry,
    // the later ones wait too. Receivers are served in parallel: one down holds no other.
    const byWebhook = new Map<number, typeof pending>();
    for (const d of pending) byWebhook.set(d.webhook.id, [...(byWebhook.get(d.webhook.id) ?? []), d]);
    for (const [id, list] of byWebhook) if (list[0]!.delivery.nextAttemptAt > now) byWebhook.delete(id);
    await Promise.all(
      [...byWebhook.values()].map(async (list) => {
        for (const item of list) {
          if (item.webhook.disabledAt) {
            await this.settle(item.delivery.id, { status: 'dead', attempts: item.delivery.attempts, lastError: 'webhook supprimé' });
            result.dead++;
            continue;
          }
          const error = await this.post(item.webhook, item.alert, item.delivery.id, result);
          const attempts = item.delivery.attempts + 1;
          const at = this.now();
          if (!error) {
            await this.settle(item.delivery.id, { status: 'delivered', attempts, deliveredAt: at, lastError: null });
            result.delivered++;
          } else if (attempts >= MAX_ATTEMPTS) {
            await this.settle(item.delivery.id, { status: 'dead', attempts, lastError: error });
            result.dead++;
          } else {
            await this.settle(item.delivery.id, { status: 'pending', attempts, lastError: error, nextAttemptAt: new Date(at.getTime() + retryDelay(attempts)) });
            result.failed++;
            // Later deliveries to this receiver wait for the next pass: order is kept.
            break;
          }
        }
      }),
    );
    return result;
  }

  private async settle(id: number, set: Partial<typeof webhookDeliveries.$inferInsert>): Promise<void> {
    await this.db.update(webhookDeliveries).set(set).where(eq(webhookDeliveries.id, id));
  }

  /**
   * Null when the receiver answered 2xx; otherwise why not. A kept-alive connection the receiver
   * closed just as we sent (reset, "other side closed") is tried again at once on a fresh one,
   * not 30 s later: the receiver may in rare cases get the delivery twice, and recognises it by
   * its delivery id (as after any retry).
   */
  private async post(webhook: typeof webhooks.$inferSelect, alert: typeof alerts.$inferSelect, deliveryId: number, pass: OutboxPass): Promise<string | null> {
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.postOnce(webhook, alert, deliveryId);
      if (outcome === null || typeof outcome === 'string') return outcome;
      const typed = classifyError(outcome.err, webhook.url);
      if (attempt === 0 && typed.type === 'network' && isTransient(typed)) {
        pass.retried++;
        continue;
      }
      return deliveryError(outcome.err, webhook.url);
    }
  }

  private async postOnce(webhook: typeof webhooks.$inferSelect, alert: typeof alerts.$inferSelect, deliveryId: number): Promise<string | null | { err: unknown }> {
    const base = this.options.publicUrl.replace(/\/+$/, '');
    const body = JSON.stringify({
      id: alert.id,
      type: alert.kind,
      createdAt: alert.createdAt.toISOString(),
      data: { ...alert.payload, url: base + alert.payload.url },
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    try {
      const response = await request(webhook.url, {
        method: 'POST',
        dispatcher: this.dispatcher,
        headers: {
          'content-type': 'application/json',
          'user-agent': `${BOT_NAME}/${BOT_VERSION} webhooks`,
          [EVENT_HEADER]: alert.kind,
          [DELIVERY_HEADER]: String(deliveryId),
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: sign(webhook.secret, timestamp, body),
        },
        // undici's request does not follow redirects: a 3xx is a failed delivery.
        body,
      });
      // The answer's body is not needed: drop it without reading more than it sends.
      await response.body.dump({ limit: 64 * 1024 });
      return response.statusCode >= 200 && response.statusCode < 300 ? null : deliveryStatusError(response.statusCode);
    } catch (err) {
      return { err };
    }
  }
}
