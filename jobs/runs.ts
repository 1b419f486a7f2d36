import { and, eq, lt, notInArray } from 'drizzle-orm';
import { affected, first, type Db } from '../db/client.ts';
import { crawlRuns, type CrawlTrigger } from '../db/schema/index.ts';

/**
 * A run left "running" by a process that died (SIGKILL, power cut) is marked interrupted by the
 * next run. Its observations were written procedure by procedure, each in one transaction, so
 * what it wrote is whole and stays.
 */
export async function markInterruptedRuns(db: Db, now = new Date()): Promise<number> {
  return affected(
    await db
      .update(crawlRuns)
      .set({ status: 'interrupted', finishedAt: now })
      // A run this process is still doing (a re-check during the nightly crawl) is not dead, nor is
      // a run the crawl workers are doing (its jobs outlive any process: jobs/queue/).
      .where(and(eq(crawlRuns.status, 'running'), eq(crawlRuns.queued, false), lt(crawlRuns.startedAt, now), notInArray(crawlRuns.id, [...activeRuns]))),
  );
}

/** Runs started by this process and not finished yet. */
const activeRuns = new Set<number>();

/** The runs being started, one after the other: one's id is active before the next marks the dead ones. */
let starting: Promise<unknown> = Promise.resolve();

export function startRun(db: Db, run: { trigger: CrawlTrigger; checks: string[]; procedureCount: number; now: Date }): Promise<number> {
  const id = starting.then(() => insertRun(db, run));
  starting = id.catch(() => {});
  return id;
}

async function insertRun(db: Db, run: { trigger: CrawlTrigger; checks: string[]; procedureCount: number; now: Date }): Promise<number> {
  await markInterruptedRuns(db, run.now);
  const { id } = (await first(
    db
      .insert(crawlRuns)
      .values({ trigger: run.trigger, status: 'running', checks: run.checks, procedureCount: run.procedureCount, startedAt: run.now })
      .returning({ id: crawlRuns.id }),
  ))!;
  activeRuns.add(id);
  return id;
}

export async function finishRun(db: Db, id: number, status: 'completed' | 'interrupted' | 'failed', summary: Record<string, unknown>, now = new Date()): Promise<void> {
  activeRuns.delete(id);
  await db.update(crawlRuns).set({ status, finishedAt: now, summary }).where(eq(crawlRuns.id, id));
}
