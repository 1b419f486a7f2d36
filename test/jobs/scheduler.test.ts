import { describe, expect, it } from 'vitest';
import { Scheduler, type Job } from '../../jobs/scheduler.ts';
import { observatoryJobs } from '../../jobs/registry.ts';
import { catalogueRow, createTestDb } from '../helpers/db.ts';
import { importCatalogue } from '../../server/catalogue/import.ts';
import { recordProbes } from '../../jobs/probe.ts';
import { editions } from '../../db/schema/index.ts';
import { demoCrawler } from '../helpers/crawler.ts';

describe('Scheduler', () => {
  it('never runs a job twice at once: the second trigger is skipped', async () => {
    let release!: () => void;
    const job: Job = { name: 'slow', schedule: '* * * * *', run: () => new Promise((r) => (release = () => r('done'))) };
    const lines: string[] = [];
    const scheduler = new Scheduler([job], { log: (l) => lines.push(l), clock: () => new Date('2026-10-01T03:00:00Z') });
    const first = scheduler.trigger('slow');
    const second = await scheduler.trigger('slow');
    expect(second).toMatchObject({ status: 'skipped' });
    expect(scheduler.isRunning('slow')).toBe(true);
    release();
    expect(await first).toMatchObject({ status: 'completed', summary: 'done', startedAt: new Date('2026-10-01T03:00:00Z') });
    expect(lines).toEqual([
      expect.stringMatching(/^\[2026-10-01T03:00:00.000Z\] job slow skipped in 0 ms: previous run still going$/),
      expect.stringMatching(/^\[2026-10-01T03:00:00.000Z\] job slow completed in \d+ ms: done$/),
    ]);
  });

  it('reports a failing job in its summary line and runs it again next time', async () => {
    let calls = 0;
    const lines: string[] = [];
    const scheduler = new Scheduler([{ name: 'flaky', schedule: '*/5 * * * *', run: async () => { calls++; throw new Error('universe unreachable'); } }], { log: (l) => lines.push(l) });
    expect(await scheduler.trigger('flaky')).toMatchObject({ status: 'failed', summary: 'universe unreachable' });
    expect(await scheduler.trigger('flaky')).toMatchObject({ status: 'failed' });
    expect(calls).toBe(2);
    expect(lines[0]).toMatch(/job flaky failed/);
  });

  it('refuses an invalid schedule', () => {
    expect(() => new Scheduler([{ name: 'x', schedule: 'every day', run: async () => '' }])).toThrow(/invalid schedule/);
  });

  it('schedules probes every 5 minutes, a nightly crawl and survey pull, and runs them on the clock it is given', async () => {
    const db = await createTestDb();
    const jobs = observatoryJobs({ db, newCrawler: () => demoCrawler({ browser: false }) });
    expect(jobs.map((j) => [j.name, j.schedule])).toEqual([['probe', '*/5 * * * *'], ['crawl', '0 3 * * *'], ['survey', '30 4 * * *'], ['edition-close', '0 6 1 1,4,7,10 *']]);
    const lines: string[] = [];
    const scheduler = new Scheduler(jobs, { log: (l) => lines.push(l), clock: () => new Date('2026-08-15T10:05:00Z') });
    expect(await scheduler.trigger('probe')).toMatchObject({ status: 'completed', summary: '0 probes, 0 ok, failures {}' });
    expect(lines[0]).toMatch(/^\[2026-08-15T10:05:00.000Z\] job probe completed/);
  });

  it('closes the past quarter as a draft on the first day of a new quarter', async () => {
    const db = await createTestDb();
    const scheduler = new Scheduler(observatoryJobs({ db, newCrawler: () => demoCrawler({ browser: false }) }), { log: () => undefined, clock: () => new Date('2026-10-01T06:00:00Z') });
    // Nothing measured in 2026-T3: no empty draft.
    expect(await scheduler.trigger('edition-close')).toMatchObject({ status: 'completed', summary: 'no draft 2026-T3: nothing was measured in the quarter' });
    expect(await db.select().from(editions)).toEqual([]);
    // One probe round in the quarter: its draft.
    await importCatalogue(db, [catalogueRow({ id: 1 })]);
    await recordProbes(db, [{ procedureId: 1, ok: true, httpStatus: 200, durationMs: 100, failure: null }], new Date('2026-08-01T00:00:00Z'));
    expect(await scheduler.trigger('edition-close')).toMatchObject({ status: 'completed', summary: expect.stringMatching(/^draft 2026-T3: 1 procedures/) });
    expect(await db.select().from(editions)).toEqual([expect.objectContaining({ slug: '2026-T3', status: 'draft' })]);
  });
});
