import { describe, expect, it } from 'vitest';
import { HostScheduler } from '../../jobs/http/politeness.ts';

describe('HostScheduler', () => {
  it('keeps one request at a time per host and the whole pause between the end of one and the start of the next', async () => {
    const scheduler = new HostScheduler({ globalConcurrency: 8, perHostDelayMs: 120 });
    const spans: { host: string; start: number; end: number }[] = [];
    const task = (host: string) => async () => {
      const start = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 30));
      spans.push({ host, start, end: Date.now() });
    };
    const started = Date.now();
    await Promise.all([
      ...Array.from({ length: 5 }, () => scheduler.run('http://a.example/x', task('a'))),
      ...Array.from({ length: 5 }, () => scheduler.run('http://b.example/y', task('b'))),
    ]);
    for (const host of ['a', 'b']) {
      const mine = spans.filter((s) => s.host === host).sort((x, y) => x.start - y.start);
      for (let i = 1; i < mine.length; i++) expect(mine[i]!.start - mine[i - 1]!.end).toBeGreaterThanOrEqual(118);
    }
    // Two hosts go on side by side: five requests each take about 4 pauses, not 9.
    expect(Date.now() - started).toBeLessThan(9 * 120);
  });

  it('uses the delay a request asks for (a site’s Crawl-delay) for the pause after it', async () => {
    const scheduler = new HostScheduler({ globalConcurrency: 8, perHostDelayMs: 10 });
    const starts: number[] = [];
    const task = async () => void starts.push(Date.now());
    await Promise.all([scheduler.run('http://a.example/', task, 250), scheduler.run('http://a.example/', task, 250)]);
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(248);
  });
});
