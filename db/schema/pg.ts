// The same tables on PostgreSQL: one column for each SQLite column, with PostgreSQL's own types
// (timestamptz for instants, jsonb for JSON, boolean, double precision). The enums, the JSON
// shapes and the comments on what each table and index serves live with the SQLite definitions
// (db/schema/*.ts), which this file follows name for name; test/db/schema.test.ts checks that
// both engines have the same tables, columns and indexes.
import { pgTable, integer, bigint, text, doublePrecision, boolean, timestamp, jsonb, primaryKey, index, uniqueIndex } from 'drizzle-orm/pg-core';
import type { Audience } from '../../contracts/catalogue.ts';
import type { RecheckResult } from '../../contracts/team.ts';
import { SOURCES, VALUE_STATES } from '../../methodology/types.ts';
import { CHANGES } from '../../methodology/change.ts';
import { CRAWL_RUN_STATUSES, CRAWL_TRIGGERS } from './crawl-runs.ts';
import { FAILURE_TYPES, type Evidence } from './observations.ts';
import { EDITION_STATUSES } from './editions.ts';
import { ROLES, RECHECK_STATUSES, type Scope } from './accounts.ts';
import { ALERT_KINDS, WEBHOOK_SCOPES, DELIVERY_STATUSES, type AlertPayload } from './alerts.ts';

/** An instant, to the millisecond, as SQLite keeps it (`timestamp_ms`). */
const instant = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });
/** A serial id that still accepts an explicit value (`observatoire db copy` keeps the ids). */
const serialId = () => integer('id').primaryKey().generatedByDefaultAsIdentity();

export const ministries = pgTable('ministries', {
  id: serialId(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
});

export const administrations = pgTable(
  'administrations',
  {
    id: serialId(),
    slug: text('slug').notNull().unique(),
    name: text('name').notNull(),
    ministryId: integer('ministry_id').notNull().references(() => ministries.id),
  },
  (t) => [index('administrations_ministry_idx').on(t.ministryId)],
);

export const procedures = pgTable(
  'procedures',
  {
    id: integer('id').primaryKey(),
    title: text('title').notNull(),
    administrationId: integer('administration_id').notNull().references(() => administrations.id),
    audiences: jsonb('audiences').$type<Audience[]>().notNull(),
    yearlyVolume: bigint('yearly_volume', { mode: 'number' }).notNull(),
    startUrl: text('start_url').notNull(),
    surveyId: integer('survey_id'),
    keywords: jsonb('keywords').$type<string[]>().notNull().default([]),
    retiredAt: instant('retired_at'),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [index('procedures_administration_idx').on(t.administrationId)],
);

export const crawlRuns = pgTable(
  'crawl_runs',
  {
    id: serialId(),
    trigger: text('trigger', { enum: CRAWL_TRIGGERS }).notNull(),
    status: text('status', { enum: CRAWL_RUN_STATUSES }).notNull(),
    checks: jsonb('checks').$type<string[]>().notNull(),
    procedureCount: integer('procedure_count').notNull(),
    startedAt: instant('started_at').notNull(),
    finishedAt: instant('finished_at'),
    summary: jsonb('summary').$type<Record<string, unknown>>(),
    queued: boolean('queued').notNull().default(false),
  },
  (t) => [index('crawl_runs_status_started_idx').on(t.status, t.startedAt)],
);

export const crawlRunProcedures = pgTable(
  'crawl_run_procedures',
  {
    runId: integer('run_id').notNull().references(() => crawlRuns.id),
    procedureId: integer('procedure_id').notNull(),
    finishedAt: instant('finished_at').notNull(),
    worker: text('worker'),
  },
  (t) => [primaryKey({ columns: [t.runId, t.procedureId] })],
);

export const hostLeases = pgTable('host_leases', {
  host: text('host').primaryKey(),
  holder: text('holder'),
  leaseUntil: instant('lease_until').notNull(),
  nextAt: instant('next_at').notNull(),
});

export const observations = pgTable(
  'observations',
  {
    id: serialId(),
    procedureId: integer('procedure_id').notNull().references(() => procedures.id),
    crawlRunId: integer('crawl_run_id').references(() => crawlRuns.id),
    criterion: text('criterion').notNull(),
    observedAt: instant('observed_at').notNull(),
    status: text('status', { enum: VALUE_STATES }).notNull(),
    valueNum: doublePrecision('value_num'),
    valueText: text('value_text'),
    reason: text('reason'),
    answers: integer('answers'),
    evidence: jsonb('evidence').$type<Evidence>().notNull(),
  },
  (t) => [
    index('observations_procedure_criterion_at_idx').on(t.procedureId, t.criterion, t.observedAt),
    index('observations_run_idx').on(t.crawlRunId),
  ],
);

export const probes = pgTable(
  'probes',
  {
    id: serialId(),
    procedureId: integer('procedure_id').notNull().references(() => procedures.id),
    at: instant('at').notNull(),
    ok: boolean('ok').notNull(),
    httpStatus: integer('http_status'),
    durationMs: integer('duration_ms'),
    failure: text('failure', { enum: FAILURE_TYPES }),
  },
  (t) => [index('probes_procedure_at_idx').on(t.procedureId, t.at)],
);

export const probeDaily = pgTable(
  'probe_daily',
  {
    procedureId: integer('procedure_id').notNull().references(() => procedures.id),
    day: text('day').notNull(),
    samples: integer('samples').notNull(),
    failures: integer('failures').notNull(),
    durationSumMs: bigint('duration_sum_ms', { mode: 'number' }).notNull(),
    failuresByType: jsonb('failures_by_type').$type<Record<string, number>>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.procedureId, t.day] })],
);

export const users = pgTable('users', {
  id: serialId(),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  role: text('role', { enum: ROLES }).notNull(),
  scope: jsonb('scope').$type<Scope>().notNull(),
  passwordHash: text('password_hash').notNull(),
  failedLogins: integer('failed_logins').notNull().default(0),
  lockedUntil: instant('locked_until'),
  createdAt: instant('created_at').notNull(),
  passwordChangedAt: instant('password_changed_at').notNull(),
  lastLoginAt: instant('last_login_at'),
  disabledAt: instant('disabled_at'),
});

export const declarations = pgTable(
  'declarations',
  {
    id: serialId(),
    procedureId: integer('procedure_id').notNull().references(() => procedures.id),
    criterion: text('criterion').notNull(),
    valueNum: doublePrecision('value_num'),
    valueText: text('value_text'),
    answers: integer('answers'),
    justification: text('justification').notNull(),
    declaredBy: text('declared_by').notNull(),
    userId: integer('user_id').references(() => users.id),
    declaredAt: instant('declared_at').notNull(),
    supersededAt: instant('superseded_at'),
  },
  (t) => [index('declarations_procedure_criterion_at_idx').on(t.procedureId, t.criterion, t.declaredAt)],
);

export const editions = pgTable('editions', {
  id: serialId(),
  slug: text('slug').notNull().unique(),
  periodStart: instant('period_start').notNull(),
  periodEnd: instant('period_end').notNull(),
  methodologyVersion: integer('methodology_version').notNull(),
  status: text('status', { enum: EDITION_STATUSES }).notNull(),
  closedAt: instant('closed_at').notNull(),
  publishedAt: instant('published_at'),
  coverage: jsonb('coverage').$type<Record<string, number | null>>().notNull(),
});

export const editionScores = pgTable(
  'edition_scores',
  {
    editionId: integer('edition_id').notNull().references(() => editions.id),
    procedureId: integer('procedure_id').notNull().references(() => procedures.id),
    criterion: text('criterion').notNull(),
    status: text('status', { enum: VALUE_STATES }).notNull(),
    valueNum: doublePrecision('value_num'),
    valueText: text('value_text'),
    level: text('level'),
    goal: boolean('goal'),
    source: text('source', { enum: SOURCES }),
    reason: text('reason'),
    observationId: integer('observation_id').references(() => observations.id),
    declarationId: integer('declaration_id').references(() => declarations.id),
    change: text('change', { enum: CHANGES }),
  },
  (t) => [
    primaryKey({ columns: [t.editionId, t.procedureId, t.criterion] }),
    index('edition_scores_procedure_idx').on(t.procedureId, t.criterion),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: integer('user_id').notNull().references(() => users.id),
    csrfToken: text('csrf_token').notNull(),
    createdAt: instant('created_at').notNull(),
    lastSeenAt: instant('last_seen_at').notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

export const watchlist = pgTable(
  'watchlist',
  {
    userId: integer('user_id').notNull().references(() => users.id),
    procedureId: integer('procedure_id').notNull().references(() => procedures.id),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.procedureId] })],
);

export const rechecks = pgTable(
  'rechecks',
  {
    id: serialId(),
    procedureId: integer('procedure_id').notNull().references(() => procedures.id),
    requestedBy: integer('requested_by').notNull().references(() => users.id),
    status: text('status', { enum: RECHECK_STATUSES }).notNull(),
    requestedAt: instant('requested_at').notNull(),
    startedAt: instant('started_at'),
    finishedAt: instant('finished_at'),
    crawlRunId: integer('crawl_run_id').references(() => crawlRuns.id),
    results: jsonb('results').$type<RecheckResult[]>(),
    error: text('error'),
  },
  (t) => [
    index('rechecks_status_idx').on(t.status, t.requestedAt),
    index('rechecks_procedure_idx').on(t.procedureId, t.requestedAt),
  ],
);

export const alerts = pgTable(
  'alerts',
  {
    id: serialId(),
    kind: text('kind', { enum: ALERT_KINDS }).notNull(),
    procedureId: integer('procedure_id').references(() => procedures.id),
    ministryId: integer('ministry_id').references(() => ministries.id),
    administrationId: integer('administration_id').references(() => administrations.id),
    editionId: integer('edition_id').references(() => editions.id),
    payload: jsonb('payload').$type<AlertPayload>().notNull(),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [index('alerts_ministry_created_idx').on(t.ministryId, t.createdAt)],
);

export const webhooks = pgTable('webhooks', {
  id: serialId(),
  scopeKind: text('scope_kind', { enum: WEBHOOK_SCOPES }).notNull(),
  scopeSlug: text('scope_slug').notNull(),
  url: text('url').notNull(),
  secret: text('secret').notNull(),
  createdBy: integer('created_by').notNull().references(() => users.id),
  createdAt: instant('created_at').notNull(),
  disabledAt: instant('disabled_at'),
});

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: serialId(),
    webhookId: integer('webhook_id').notNull().references(() => webhooks.id),
    alertId: integer('alert_id').notNull().references(() => alerts.id),
    status: text('status', { enum: DELIVERY_STATUSES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: instant('next_attempt_at').notNull(),
    lastError: text('last_error'),
    deliveredAt: instant('delivered_at'),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_webhook_alert_idx').on(t.webhookId, t.alertId),
    index('webhook_deliveries_due_idx').on(t.status, t.nextAttemptAt),
  ],
);
