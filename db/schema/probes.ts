import { sqliteTable, integer, text, primaryKey, index } from 'drizzle-orm/sqlite-core';
import { procedures } from './procedures.ts';
import { FAILURE_TYPES } from './observations.ts';

// One availability / response-time sample. Many a day per procedure, so kept lean.
export const probes = sqliteTable(
  'probes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    procedureId: integer('procedure_id')
      .notNull()
      .references(() => procedures.id),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    ok: integer('ok', { mode: 'boolean' }).notNull(),
    httpStatus: integer('http_status'),
    durationMs: integer('duration_ms'),
    failure: text('failure', { enum: FAILURE_TYPES }),
  },
  (t) => [
    // Serves: a procedure's probes in a time window (roll-up, fiche démarche).
    index('probes_procedure_at_idx').on(t.procedureId, t.at),
  ],
);

// Daily roll-up of probes: what editions read, so a quarter close never scans millions of samples.
export const probeDaily = sqliteTable(
  'probe_daily',
  {
    procedureId: integer('procedure_id')
      .notNull()
      .references(() => procedures.id),
    /** UTC day, YYYY-MM-DD. */
    day: text('day').notNull(),
    samples: integer('samples').notNull(),
    failures: integer('failures').notNull(),
    /** Sum of the response times of successful samples, for an exact mean over any span of days. */
    durationSumMs: integer('duration_sum_ms').notNull(),
    failuresByType: text('failures_by_type', { mode: 'json' }).$type<Record<string, number>>().notNull(),
  },
  (t) => [
    // The primary key serves: a procedure's days within a quarter.
    primaryKey({ columns: [t.procedureId, t.day] }),
  ],
);
