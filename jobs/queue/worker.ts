import type PgBoss from 'pg-boss';
import type { Db } from '../../db/client.ts';
import { Crawler, type CrawlerOptions } from '../crawler.ts';
import { probeRound } from '../probe.ts';
import { runCrawlJob, type CrawlJob } from './crawl-jobs.ts';
import { PostgresHostGate } from './host-gate.ts';
import { openQueue, QUEUES, type QueueOptions } from './queue.ts';
import { RecheckQueue } from '../rechecks.ts';
import { WebhookOutbox, type OutboxOptions } from '../outbox.ts';

const OUTBOX_LOCK = 4_242_003;

export interface WorkerOptions {
  db: Db;
  /** The database URL (with its password: the queue connects with it). */
  url: string;
  /** Crawl jobs done at once by this process. */
  concurrency: number;
  crawler: Omit<CrawlerOptions, 'hostGate'>;
  queue?: QueueOptions;
  /** Where webhook deliveries go from (the outbox is worked by the workers); none: not this worker. */
  outbox?: OutboxOptions;
  log?: (line: string) => void;
}

export interface RunningWorker {
  boss: PgBoss;
  crawler: Crawler;
  /** Jobs done by this process since it started, by outcome. */
  readonly done: Record<string, number>;
  /** Stops taking jobs, lets the ones in hand finish (up to `graceMs`), closes. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * `observatoire worker`: takes crawl jobs (and probe rounds) from the queue, `concurrency` at
 * once, with one crawler whose every request takes its host's turn in PostgreSQL — so the
 * politeness holds across all workers on all machines.
 */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const log = options.log ?? ((line: string) => console.log(line));
  const boss = await openQueue(options.url, options.queue);
  const gate = new PostgresHostGate(options.db.pool!);
  const crawler = new Crawler({ ...options.crawler, hostGate: gate, globalConcurrency: Math.max(8, options.concurrency * 4) });
  const done: Record<string, number> = {};
  const count = (outcome: string) => (done[outcome] = (done[outcome] ?? 0) + 1);
  // One poller per slot: each takes one job, does it, takes the next.
  for (let i = 0; i < options.concurrency; i++) {
    await boss.work<CrawlJob>(QUEUES.crawl, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
      count(await runCrawlJob(options.db, crawler, job!.data));
    });
  }
  // Re-checks asked by teams: a job wakes a worker, which works the `rechecks` table (each taken
  // by one worker only); one left running by a dead worker is taken again after 15 minutes.
  const rechecks = new RecheckQueue(options.db, { newCrawler: () => new Crawler({ ...options.crawler, hostGate: gate }), staleAfterMs: 15 * 60_000 });
  await boss.work(QUEUES.recheck, { batchSize: 1, pollingIntervalSeconds: 1 }, async () => {
    count(`recheck ${await rechecks.kick()}`);
  });
  // The webhook outbox: one pass at a time across all workers (an advisory lock), so a delivery
  // is never posted twice by two passes.
  const outbox = options.outbox ? new WebhookOutbox(options.db, options.outbox) : undefined;
  await boss.work(QUEUES.outbox, { batchSize: 1, pollingIntervalSeconds: 1 }, async () => {
    if (!outbox) return;
    const client = await options.db.pool!.connect();
    try {
      const { rows } = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [OUTBOX_LOCK]);
      if (!rows[0]?.ok) return;
      try {
        const pass = await outbox.kick();
        if (pass.delivered + pass.failed + pass.dead > 0) count('outbox pass');
      } finally {
        await client.query('select pg_advisory_unlock($1)', [OUTBOX_LOCK]);
      }
    } finally {
      client.release();
    }
  });
  await boss.work<{ at?: string }>(QUEUES.probe, { batchSize: 1, pollingIntervalSeconds: 2 }, async ([job]) => {
    const s = await probeRound(options.db, crawler, { now: job!.data.at ? new Date(job!.data.at) : undefined });
    log(`probe round: ${s.probes} probes, ${s.ok} ok`);
    count('probe round');
  });
  return {
    boss,
    crawler,
    done,
    async stop(graceMs = 30_000) {
      await boss.stop({ graceful: true, wait: true, timeout: graceMs });
      await rechecks.stop();
      await outbox?.stop();
      await crawler.close();
    },
  };
}
