import type { Db } from '../db/client.ts';
import type { Crawler } from './crawler.ts';
import { crawl } from './crawl.ts';
import { probeRound } from './probe.ts';
import { pullSurveys } from './survey.ts';
import type { Job } from './scheduler.ts';
import type PgBoss from 'pg-boss';
import { enqueueCrawlRun } from './queue/crawl-jobs.ts';
import { QUEUES } from './queue/queue.ts';
import { closeEdition } from './editions/close.ts';
import { DomainError } from '../contracts/errors.ts';
import { previousQuarter, quarterOf } from '../methodology/quarters.ts';

export interface JobDeps {
  db: Db;
  /** A fresh crawler per run (its robots.txt cache lives as long as the run). */
  newCrawler: () => Crawler;
  surveyUrl?: string;
  /** PostgreSQL: crawls and probe rounds become jobs for the workers (jobs/queue/) instead of running here. */
  queue?: PgBoss;
}

async function withCrawler<T>(deps: JobDeps, use: (crawler: Crawler) => Promise<T>): Promise<T> {
  const crawler = deps.newCrawler();
  try {
    return await use(crawler);
  } finally {
    await crawler.close();
  }
}

/** The observatory's schedule: probes every 5 minutes, a full crawl and a survey pull each night. */
export function observatoryJobs(deps: JobDeps): Job[] {
  // Probes keep one crawler, so robots.txt is read once a day rather than every five minutes.
  let prober: Crawler | undefined;
  const queue = deps.queue;
  return [
    // The webhook outbox's passes, done by the workers (in one process, WebhookOutbox has its own timer).
    ...(queue ? [{ name: 'outbox', schedule: '*/30 * * * * *', run: async () => `outbox pass queued (job ${await queue.send(QUEUES.outbox, {})})` }] : []),
    {
      name: 'probe',
      schedule: '*/5 * * * *',
      run: async (now) => {
        if (deps.queue) return `probe round queued (job ${await deps.queue.send(QUEUES.probe, { at: now.toISOString() })})`;
        prober ??= deps.newCrawler();
        const s = await probeRound(deps.db, prober, { now });
        return `${s.probes} probes, ${s.ok} ok, failures ${JSON.stringify(s.failures)}`;
      },
    },
    {
      name: 'crawl',
      schedule: '0 3 * * *',
      run: async (now) => {
        if (deps.queue) {
          const q = await enqueueCrawlRun(deps.db, deps.queue, { trigger: 'schedule', now });
          return `run ${q.runId}: ${q.procedures} procedures queued for the workers`;
        }
        return withCrawler(deps, async (crawler) => {
          const s = await crawl(deps.db, crawler, { trigger: 'schedule', now });
          return `run ${s.runId}: ${s.procedures} procedures, ${s.measured} measured, ${s.unmeasurable} not measurable ${JSON.stringify(s.failures)}`;
        });
      },
    },
    {
      name: 'survey',
      schedule: '30 4 * * *',
      run: (now) =>
        withCrawler(deps, async (crawler) => {
          const s = await pullSurveys(deps.db, crawler, { baseUrl: deps.surveyUrl, now, trigger: 'schedule' });
          return `run ${s.runId}: ${s.procedures} surveys, ${s.measured} values, failures ${JSON.stringify(s.failures)}`;
        }),
    },
    {
      // The first day of a quarter, the past quarter's draft is built; publishing stays an explicit act.
      name: 'edition-close',
      schedule: '0 6 1 1,4,7,10 *',
      run: async (now) => {
        const slug = previousQuarter(quarterOf(now)).slug;
        try {
          const s = await closeEdition(deps.db, slug, { now });
          return `draft ${slug}: ${s.procedures} procedures, changes ${JSON.stringify(s.changes)}`;
        } catch (err) {
          // Nothing measured (crawls off all quarter): no empty draft behind the operator's back.
          if (err instanceof DomainError && err.code === 'edition.empty_quarter') return `no draft ${slug}: nothing was measured in the quarter`;
          throw err;
        }
      },
    },
  ];
}
