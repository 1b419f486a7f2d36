import pg from 'pg';
import PgBoss from 'pg-boss';

const QUEUE_SETUP_LOCK = 4_242_004;

/**
 * The crawl work queue on PostgreSQL (pg-boss): jobs live in the observatory's database (schema
 * `pgboss`), so any process on any machine that reaches it can take them. A job is leased for
 * `expireInSeconds`: if its worker dies (SIGKILL, machine lost), pg-boss fails it when the lease
 * runs out and gives it to another worker, up to `retryLimit` times.
 */
export const QUEUES = {
  /** One procedure of a crawl run: its checks, its observations (jobs/queue/crawl-jobs.ts). */
  crawl: 'crawl',
  /** One probe round over the catalogue. */
  probe: 'probe',
  /** One re-check asked for by a ministry team. */
  recheck: 'recheck',
  /** A pass over the webhook outbox: the deliveries due now. */
  outbox: 'outbox',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface QueueOptions {
  /** How long a worker holds a job before it is given to another (a crawl job takes seconds). */
  leaseSeconds?: number;
  retryLimit?: number;
  /** How often the expired leases are looked for (pg-boss maintenance; at least 1 s). */
  maintenanceSeconds?: number;
}

/** The environment's settings (OBSERVATOIRE_QUEUE_LEASE_SECONDS, OBSERVATOIRE_QUEUE_MAINTENANCE_SECONDS), under what the caller says. */
function fromEnvironment(options: QueueOptions): QueueOptions {
  const number = (name: string) => (process.env[name] && /^\d+$/.test(process.env[name]!) ? Number(process.env[name]) : undefined);
  return { leaseSeconds: number('OBSERVATOIRE_QUEUE_LEASE_SECONDS'), maintenanceSeconds: number('OBSERVATOIRE_QUEUE_MAINTENANCE_SECONDS'), ...options };
}

export async function openQueue(url: string, given: QueueOptions = {}): Promise<PgBoss> {
  const options = fromEnvironment(given);
  const boss = new PgBoss({
    connectionString: url,
    schema: 'pgboss',
    max: 4,
    application_name: 'observatoire-queue',
    maintenanceIntervalSeconds: options.maintenanceSeconds ?? 30,
    monitorStateIntervalSeconds: options.maintenanceSeconds ?? 30,
  });
  // A lost connection is retried by pg-boss; it must not crash the process.
  boss.on('error', (err) => console.error(`queue: ${err.message}`));
  // Processes starting together on a new database (a serve and its workers) would create the
  // queue's tables at once and deadlock: they take turns.
  const client = new pg.Client({ connectionString: url, application_name: 'observatoire-queue-setup' });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [QUEUE_SETUP_LOCK]);
    await boss.start();
    for (const name of Object.values(QUEUES)) {
      await boss.createQueue(name, {
        name,
        policy: name === QUEUES.outbox || name === QUEUES.probe ? 'short' : 'standard',
        retryLimit: options.retryLimit ?? 5,
        retryDelay: 1,
        retryBackoff: true,
        expireInSeconds: options.leaseSeconds ?? 300,
      });
    }
  } finally {
    await client.end();
  }
  return boss;
}
