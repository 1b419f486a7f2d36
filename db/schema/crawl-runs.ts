import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';

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
  },
  (t) => [
    // Serves: finding runs left "running" by a crash, and the operator's list of recent runs.
    index('crawl_runs_status_started_idx').on(t.status, t.startedAt),
  ],
);
