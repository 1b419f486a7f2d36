import { sqliteTable, integer, text, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { procedures } from './procedures.ts';
import { ministries } from './ministries.ts';
import { administrations } from './administrations.ts';
import { editions } from './editions.ts';
import { users } from './accounts.ts';

export const ALERT_KINDS = ['regression', 'edition_published'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** What an alert says; also the `data` of its webhook body. */
export interface AlertPayload {
  title: string;
  summary: string;
  procedure?: { id: number; title: string; ministry: string; administration: string };
  regressions?: { criterion: string; label: string; before: string | null; after: string | null }[];
  edition?: { slug: string; publishedAt: string };
  url: string;
}

// An alert is written in the same transaction as what caused it (a crawl's observations, a
// publication), and so are its webhook deliveries: the outbox. Nothing caused is lost.
export const alerts = sqliteTable(
  'alerts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind', { enum: ALERT_KINDS }).notNull(),
    /** Null for an edition published: it concerns every ministry. */
    procedureId: integer('procedure_id').references(() => procedures.id),
    ministryId: integer('ministry_id').references(() => ministries.id),
    administrationId: integer('administration_id').references(() => administrations.id),
    editionId: integer('edition_id').references(() => editions.id),
    payload: text('payload', { mode: 'json' }).$type<AlertPayload>().notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    // Serves: a ministry's Atom feed (its alerts and the observatory-wide ones, newest first).
    index('alerts_ministry_created_idx').on(t.ministryId, t.createdAt),
  ],
);

export const WEBHOOK_SCOPES = ['ministry', 'administration'] as const;
export type WebhookScope = (typeof WEBHOOK_SCOPES)[number];

export const webhooks = sqliteTable('webhooks', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** The group whose alerts it receives (edition publications reach every webhook). */
  scopeKind: text('scope_kind', { enum: WEBHOOK_SCOPES }).notNull(),
  scopeSlug: text('scope_slug').notNull(),
  url: text('url').notNull(),
  /** HMAC-SHA256 key, shown once at creation. */
  secret: text('secret').notNull(),
  createdBy: integer('created_by')
    .notNull()
    .references(() => users.id),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  disabledAt: integer('disabled_at', { mode: 'timestamp_ms' }),
});

export const DELIVERY_STATUSES = ['pending', 'delivered', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    webhookId: integer('webhook_id')
      .notNull()
      .references(() => webhooks.id),
    alertId: integer('alert_id')
      .notNull()
      .references(() => alerts.id),
    status: text('status', { enum: DELIVERY_STATUSES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at', { mode: 'timestamp_ms' }).notNull(),
    lastError: text('last_error'),
    deliveredAt: integer('delivered_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_webhook_alert_idx').on(t.webhookId, t.alertId),
    // Serves: the outbox worker's next due deliveries.
    index('webhook_deliveries_due_idx').on(t.status, t.nextAttemptAt),
  ],
);
