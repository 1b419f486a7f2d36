import { and, eq, lt, notInArray } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { crawlRuns, type CrawlTrigger } from '../db/schema/index.ts';

/**
 * A run left "running" by a process that died (SIGKILL, power cut) is marked interrupted by the
 * next run. Its observations were written procedure by procedure, each in one transaction, so
 * what it wrote is whole and stays.
 */
export function markInterruptedRuns(db: Db, now = new Date()): number {
  return db
    .update(crawlRuns)
    .set({ status: 'interrupted', finishedAt: now })
    // A run this process is still doing (a re-check during the nightly crawl) is not dead.
    .where(and(eq(crawlRuns.status, 'running'), lt(crawlRuns.startedAt, now), notInArray(crawlRuns.id, [...activeRuns])))
    .run().changes;
}

/** Runs started by this process and not finished yet. */
const activeRuns = new Set<number>();

export function startRun(db: Db, run: { trigger: CrawlTrigger; checks: string[]; procedureCount: number; now: Date }): number {
  markInterruptedRuns(db, run.now);
  const id = db
    .insert(crawlRuns)
    .values({ trigger: run.trigger, status: 'running', checks: run.checks, procedureCount: run.procedureCount, startedAt: run.now })
    .returning({ id: crawlRuns.id })
    .get().id;
  activeRuns.add(id);
  return id;
}

export function finishRun(db: Db, id: number, status: 'completed' | 'interrupted' | 'failed', summary: Record<string, unknown>, now = new Date()): void {
  activeRuns.delete(id);
  db.update(crawlRuns).set({ status, finishedAt: now, summary }).where(eq(crawlRuns.id, id)).run();
}
