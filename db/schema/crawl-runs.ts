import { sqliteTable, integer, text, index, primaryKey } from 'drizzle-orm/sqlite-core';

export const CRAWL_RUN_STATUSES = ['running', 'completed', 'interrupted', 'failed'] as const;
export type CrawlRunStatus = (typeof CRAWL_RUN_STATUSES)[number];

export const CRAWL_TRIGGERS = ['cli', 'schedule', 'recheck', 'demo'] as const;
export type CrawlTrigger = (typeof CRAWL_TRIGGERS)[number];

export const crawlRuns = sqliteTable(
  'crawl_runs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    trigger: text('trigger', { enum: CRAWL_TRIGGERS }).notNull(),
    status: text('status', { enum: CRAWL_RUN_STATUSES }).notNull(),
    /** Check names this run was asked to perform. */
    checks: text('checks', { mode: 'json' }).$type<string[]>().notNull(),
    procedureCount: integer('procedure_count').notNull(),
    startedAt: integer('started_at', { mode: 'timestamp_ms' }).notNull(),
    finishedAt: integer('finished_at', { mode: 'timestamp_ms' }),
    /** Counts by check and by failure type, written when the run ends. */
    summary: text('summary', { mode: 'json' }).$type<Record<string, unknown>>(),
    /**
     * Done as jobs by the crawl workers (PostgreSQL): such a run ends when each of its procedures is
     * measured, and no process marks it interrupted for not being its own.
     */
    queued: integer('queued', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [
    // Serves: finding runs left "running" by a crash, and the operator's list of recent runs.
    index('crawl_runs_status_started_idx').on(t.status, t.startedAt),
  ],
);

// The procedures a run has measured: one row each, written in the same transaction as their
// observations. A crawl job retried after its worker died finds its row and writes nothing twice;
// the run is complete when it has one row per procedure.
export const crawlRunProcedures = sqliteTable(
  'crawl_run_procedures',
  {
    runId: integer('run_id')
      .notNull()
      .references(() => crawlRuns.id),
    procedureId: integer('procedure_id').notNull(),
    finishedAt: integer('finished_at', { mode: 'timestamp_ms' }).notNull(),
    /** Which worker measured it (host:pid), for the operator. */
    worker: text('worker'),
  },
  (t) => [primaryKey({ columns: [t.runId, t.procedureId] })],
);

// Per-host politeness across crawl workers (PostgreSQL mode): a worker holds a host's lease for
// the length of one request, then leaves it free only after the host's pause.
export const hostLeases = sqliteTable('host_leases', {
  host: text('host').primaryKey(),
  holder: text('holder'),
  leaseUntil: integer('lease_until', { mode: 'timestamp_ms' }).notNull(),
  nextAt: integer('next_at', { mode: 'timestamp_ms' }).notNull(),
});
