import { sqliteTable, integer, text, real, index } from 'drizzle-orm/sqlite-core';
import { VALUE_STATES } from '../../methodology/types.ts';
import { procedures } from './procedures.ts';
import { crawlRuns } from './crawl-runs.ts';
import type { Evidence as EvidenceContract } from '../../contracts/procedure.ts';

export const FAILURE_TYPES = ['http', 'network', 'timeout', 'dns', 'tls', 'parse', 'blocked', 'too_large', 'redirects'] as const;
export type FailureType = (typeof FAILURE_TYPES)[number];

/**
 * What a check saw, kept so that every badge can show why it has its level: the API's contract
 * (contracts/procedure.ts), with its failure types named and room for what a check adds.
 */
export type Evidence = Omit<EvidenceContract, 'failure'> & { failure?: FailureType; [detail: string]: unknown };

// Append-only: an observation is never updated; a new measurement is a new row.
export const observations = sqliteTable(
  'observations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    procedureId: integer('procedure_id')
      .notNull()
      .references(() => procedures.id),
    crawlRunId: integer('crawl_run_id').references(() => crawlRuns.id),
    /** Criterion slug the check measured. */
    criterion: text('criterion').notNull(),
    observedAt: integer('observed_at', { mode: 'timestamp_ms' }).notNull(),
    status: text('status', { enum: VALUE_STATES }).notNull(),
    valueNum: real('value_num'),
    valueText: text('value_text'),
    reason: text('reason'),
    /** Answer count, for survey values (the 100-answer rule needs it). */
    answers: integer('answers'),
    evidence: text('evidence', { mode: 'json' }).$type<Evidence>().notNull(),
  },
  (t) => [
    // Serves: the latest observation of a procedure × criterion within a quarter (edition close, fiche démarche).
    index('observations_procedure_criterion_at_idx').on(t.procedureId, t.criterion, t.observedAt),
    // Serves: the observations written by one crawl run (run summary, crash recovery).
    index('observations_run_idx').on(t.crawlRunId),
  ],
);
