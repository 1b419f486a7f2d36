import { and, asc, eq, lt } from 'drizzle-orm';
import { affected, first, type Db } from '../db/client.ts';
import { observations, rechecks, type RecheckResult } from '../db/schema/index.ts';
import { criterionBySlug, currentMethodology, pickValue, safeResolve, storedValue } from '../methodology/index.ts';
import { crawl } from './crawl.ts';
import type { Crawler } from './crawler.ts';
import type { Check } from './checks/index.ts';

// The re-check queue: a team asks for one procedure to be measured again now. Requests wait in
// the `rechecks` table (queued → running → done | failed) and one worker per server takes them
// in order, one at a time, each as a crawl run of its own (trigger "recheck"). On PostgreSQL the
// crawl workers work it, woken by a job on the queue (jobs/queue/worker.ts).

export interface RecheckQueueOptions {
  newCrawler: () => Crawler;
  /** The checks a re-check runs (default: every page check). */
  checks?: readonly Check[];
  /**
   * A re-check left "running" longer than this is queued again at start (its process died). 0 (one
   * server, SQLite): every one, at once. Several workers (PostgreSQL): only the ones stale enough
   * that no live worker can still be doing them.
   */
  staleAfterMs?: number;
}

export class RecheckQueue {
  private running?: Promise<number>;
  private stopped = false;
  /** The re-checks queued again at construction (see below), once they are: the queue is worked after it. */
  readonly ready: Promise<number>;

  constructor(
    private readonly db: Db,
    private readonly options: RecheckQueueOptions,
  ) {
    // A re-check a killed server left running is queued again: it is not lost.
    const stale = options.staleAfterMs ? lt(rechecks.startedAt, new Date(Date.now() - options.staleAfterMs)) : undefined;
    this.ready = db
      .update(rechecks)
      .set({ status: 'queued', startedAt: null })
      .where(and(eq(rechecks.status, 'running'), stale))
      .then((result) => affected(result));
    // Its failure is the first kick's (drain awaits it), not an unhandled rejection.
    void this.ready.catch(() => undefined);
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
    await this.ready;
    let handled = 0;
    for (;;) {
      if (this.stopped) return handled;
      const next = await first(this.db.select().from(rechecks).where(eq(rechecks.status, 'queued')).orderBy(asc(rechecks.requestedAt), asc(rechecks.id)).limit(1));
      if (!next) return handled;
      // Taken only if still queued: another worker working the same queue may have taken it.
      const taken = affected(await this.db.update(rechecks).set({ status: 'running', startedAt: new Date() }).where(and(eq(rechecks.id, next.id), eq(rechecks.status, 'queued'))));
      if (taken === 0) continue;
      await this.runOne(next.id, next.procedureId);
      handled++;
    }
  }

  private async runOne(id: number, procedureId: number): Promise<void> {
    const crawler = this.options.newCrawler();
    try {
      const summary = await crawl(this.db, crawler, { procedureIds: [procedureId], checks: this.options.checks, trigger: 'recheck' });
      const results: RecheckResult[] = (
        await this.db
          .select()
          .from(observations)
          .where(eq(observations.crawlRunId, summary.runId))
          .orderBy(asc(observations.id))
      ).map((o) => {
        const criterion = criterionBySlug(currentMethodology, o.criterion);
        const r = criterion ? safeResolve(criterion, pickValue(criterion, o, undefined).raw) : null;
        return { criterion: o.criterion, status: o.status, value: storedValue(o), level: r?.level ?? null, goal: r?.goal ?? null, reason: o.reason, observationId: o.id };
      });
      const done = summary.procedures === 0 ? { status: 'failed' as const, error: 'démarche retirée du catalogue' } : { status: 'done' as const, error: null };
      await this.db.update(rechecks).set({ ...done, finishedAt: new Date(), crawlRunId: summary.runId, results }).where(eq(rechecks.id, id));
    } catch (err) {
      await this.db.update(rechecks).set({ status: 'failed', finishedAt: new Date(), error: err instanceof Error ? err.message : String(err) }).where(eq(rechecks.id, id));
    } finally {
      await crawler.close();
    }
  }
}
