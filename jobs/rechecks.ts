import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { observations, rechecks, type RecheckResult } from '../db/schema/index.ts';
import { criterionBySlug, currentMethodology, pickValue, safeResolve, storedValue } from '../methodology/index.ts';
import { crawl } from './crawl.ts';
import type { Crawler } from './crawler.ts';
import type { Check } from './checks/index.ts';

// The re-check queue: a team asks for one procedure to be measured again now. Requests wait in
// the `rechecks` table (queued → running → done | failed) and one worker per server takes them
// in order, one at a time, each as a crawl run of its own (trigger "recheck").

export interface RecheckQueueOptions {
  newCrawler: () => Crawler;
  /** The checks a re-check runs (default: every page check). */
  checks?: readonly Check[];
}

export class RecheckQueue {
  private running?: Promise<number>;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly options: RecheckQueueOptions,
  ) {
    // A re-check a killed server left running is queued again: it is not lost.
    db.update(rechecks).set({ status: 'queued', startedAt: null }).where(eq(rechecks.status, 'running')).run();
  }

  /** Works through the queue unless already doing so; resolves with the number handled. */
  kick(): Promise<number> {
    if (this.stopped) return Promise.resolve(0);
    this.running ??= this.drain().finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running?.catch(() => undefined);
  }

  private async drain(): Promise<number> {
    let handled = 0;
    for (;;) {
      if (this.stopped) return handled;
      const next = this.db.select().from(rechecks).where(eq(rechecks.status, 'queued')).orderBy(asc(rechecks.requestedAt), asc(rechecks.id)).get();
      if (!next) return handled;
      await this.runOne(next.id, next.procedureId);
      handled++;
    }
  }

  private async runOne(id: number, procedureId: number): Promise<void> {
    this.db.update(rechecks).set({ status: 'running', startedAt: new Date() }).where(eq(rechecks.id, id)).run();
    const crawler = this.options.newCrawler();
    try {
      const summary = await crawl(this.db, crawler, { procedureIds: [procedureId], checks: this.options.checks, trigger: 'recheck' });
      const results: RecheckResult[] = this.db
        .select()
        .from(observations)
        .where(eq(observations.crawlRunId, summary.runId))
        .orderBy(asc(observations.id))
        .all()
        .map((o) => {
          const criterion = criterionBySlug(currentMethodology, o.criterion);
          const r = criterion ? safeResolve(criterion, pickValue(criterion, o, undefined).raw) : null;
          return { criterion: o.criterion, status: o.status, value: storedValue(o), level: r?.level ?? null, goal: r?.goal ?? null, reason: o.reason, observationId: o.id };
        });
      const done = summary.procedures === 0 ? { status: 'failed' as const, error: 'démarche retirée du catalogue' } : { status: 'done' as const, error: null };
      this.db.update(rechecks).set({ ...done, finishedAt: new Date(), crawlRunId: summary.runId, results }).where(eq(rechecks.id, id)).run();
    } catch (err) {
      this.db.update(rechecks).set({ status: 'failed', finishedAt: new Date(), error: err instanceof Error ? err.message : String(err) }).where(eq(rechecks.id, id)).run();
    } finally {
      await crawler.close();
    }
  }
}
