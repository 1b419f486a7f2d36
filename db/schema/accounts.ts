import { sqliteTable, integer, text, index, primaryKey } from 'drizzle-orm/sqlite-core';
import { procedures } from './procedures.ts';
import { crawlRuns } from './crawl-runs.ts';
import type { RecheckResult } from '../../contracts/team.ts';

export const ROLES = ['operator', 'team'] as const;
export type Role = (typeof ROLES)[number];

/** The groups a team member answers for: ministries and administrations, by slug. */
export interface Scope {
  ministries: string[];
  administrations: string[];
}

export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** Lower-cased at creation; the login name. */
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  role: text('role', { enum: ROLES }).notNull(),
  scope: text('scope', { mode: 'json' }).$type<Scope>().notNull(),
  /** `scrypt$N$r$p$salt$hash`, salt and hash in base64url. */
  passwordHash: text('password_hash').notNull(),
  /** Wrong passwords in a row; ten lock the account for a while. */
  failedLogins: integer('failed_logins').notNull().default(0),
  lockedUntil: integer('locked_until', { mode: 'timestamp_ms' }),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  passwordChangedAt: integer('password_changed_at', { mode: 'timestamp_ms' }).notNull(),
  lastLoginAt: integer('last_login_at', { mode: 'timestamp_ms' }),
  /** A disabled account cannot log in; its declarations and history stay. */
  disabledAt: integer('disabled_at', { mode: 'timestamp_ms' }),
});

// Server-side sessions: the cookie holds a random token, the table its SHA-256 (a leaked
// database does not give working cookies).
export const sessions = sqliteTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    /** Synchronizer token: every state-changing request carries it in `x-csrf-token`. */
    csrfToken: text('csrf_token').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    // Serves: ending every session of a user (password change, account disabled).
    index('sessions_user_idx').on(t.userId),
  ],
);

export const watchlist = sqliteTable(
  'watchlist',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    procedureId: integer('procedure_id')
      .notNull()
      .references(() => procedures.id),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.procedureId] })],
);

export const RECHECK_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type RecheckStatus = (typeof RECHECK_STATUSES)[number];

/** What a re-check found, criterion by criterion. */
export type { RecheckResult };

export const rechecks = sqliteTable(
  'rechecks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    procedureId: integer('procedure_id')
      .notNull()
      .references(() => procedures.id),
    requestedBy: integer('requested_by')
      .notNull()
      .references(() => users.id),
    status: text('status', { enum: RECHECK_STATUSES }).notNull(),
    requestedAt: integer('requested_at', { mode: 'timestamp_ms' }).notNull(),
    startedAt: integer('started_at', { mode: 'timestamp_ms' }),
    finishedAt: integer('finished_at', { mode: 'timestamp_ms' }),
    crawlRunId: integer('crawl_run_id').references(() => crawlRuns.id),
    results: text('results', { mode: 'json' }).$type<RecheckResult[]>(),
    error: text('error'),
  },
  (t) => [
    // Serves: the queue (oldest queued first) and a procedure's latest re-checks (rate limit).
    index('rechecks_status_idx').on(t.status, t.requestedAt),
    index('rechecks_procedure_idx').on(t.procedureId, t.requestedAt),
  ],
);
