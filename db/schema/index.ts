// The tables every module queries, for the engine this process runs on (db/engine.ts). Their
// TypeScript types are PostgreSQL's: its query builders have no synchronous `.get()/.all()/.run()`,
// so code written against them runs on both engines (every query awaited, SQLite's too). The
// SQLite definitions (db/schema/sqlite.ts) produce the same JavaScript values column for column.
import { ENGINE } from '../engine.ts';
import * as pg from './pg.ts';
import * as sqlite from './sqlite.ts';

const tables = ENGINE === 'postgres' ? pg : (sqlite as unknown as typeof pg);

export const {
  ministries,
  administrations,
  procedures,
  crawlRuns,
  crawlRunProcedures,
  hostLeases,
  observations,
  probes,
  probeDaily,
  users,
  sessions,
  watchlist,
  rechecks,
  declarations,
  editions,
  editionScores,
  alerts,
  webhooks,
  webhookDeliveries,
} = tables;

/** The tables in an order that satisfies their foreign keys (copy, truncation). */
export const TABLES_IN_ORDER = [
  'ministries',
  'administrations',
  'procedures',
  'crawl_runs',
  'crawl_run_procedures',
  'host_leases',
  'observations',
  'probes',
  'probe_daily',
  'users',
  'sessions',
  'watchlist',
  'rechecks',
  'declarations',
  'editions',
  'edition_scores',
  'alerts',
  'webhooks',
  'webhook_deliveries',
] as const;

export { AUDIENCES, type Audience } from './procedures.ts';
export { CRAWL_RUN_STATUSES, CRAWL_TRIGGERS, type CrawlRunStatus, type CrawlTrigger } from './crawl-runs.ts';
export { FAILURE_TYPES, type FailureType, type Evidence } from './observations.ts';
export { EDITION_STATUSES, type EditionStatus, CHANGES, type Change } from './editions.ts';
export { ROLES, type Role, type Scope, RECHECK_STATUSES, type RecheckStatus, type RecheckResult } from './accounts.ts';
export { ALERT_KINDS, type AlertKind, type AlertPayload, WEBHOOK_SCOPES, type WebhookScope, DELIVERY_STATUSES, type DeliveryStatus } from './alerts.ts';
