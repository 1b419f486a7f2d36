import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { localSampler, probeRound, probeRounds, recordProbes, type Sampler } from '../../jobs/probe.ts';
import { ProbeThread } from '../../jobs/probe-thread.ts';
import { Crawler } from '../../jobs/crawler.ts';
import { first as firstRow } from '../../db/client.ts';
import { probeDaily, probes, procedures } from '../../db/schema/index.ts';
import { createDemoDb, createTestDb, catalogueRow } from '../helpers/db.ts';
import { importCatalogue } from '../../server/catalogue/import.ts';
import { demoCrawler } from '../helpers/crawler.ts';

describe('probeRound', () => {
  it('samples every active procedure once and rolls the samples up by day', async () => {
    const db = await createDemoDb();
    await db.update(procedures).set({ retiredAt: new Date() }).where(eq(procedures.id, 101));
    const crawler = demoCrawler({ browser: false });
    try {
      const at = new Date('2026-08-15T10:00:00Z');
      const first = await probeRound(db, crawler, { now: at, timeoutMs: 2000 });
      expect(first.probes).toBe(249);
      expect(first.ok).toBeGreaterThan(220);
      expect(first.failures).toMatchObject({ timeout: 1, redirects: 1, too_large: 2, parse: 1, network: 1 });
      await probeRound(db, crawler, { now: new Date('2026-08-15T10:05:00Z'), timeoutMs: 2000 });
      expect(await db.select().from(probes)).toHaveLength(498);

      const day = await db.select().from(probeDaily).where(eq(probeDaily.procedureId, 102));
      expect(day).toEqual([expect.objectContaining({ day: '2026-08-15', samples: 2, failures: 0 })]);
      const samples = await db.select().from(probes).where(eq(probes.procedureId, 102));
      expect(day[0]!.durationSumMs).toBe(samples.reduce((s, p) => s + (p.durationMs ?? 0), 0));

      const serverError = (await firstRow(db.select().from(probeDaily).where(eq(probeDaily.procedureId, 344))))!; // HTTP 500 everywhere
      expect(serverError).toMatchObject({ samples: 2, failures: 2, failuresByType: { http: 2 } });
    } finally {
      await crawler.close();
    }
  }, 60_000);
});

describe('probeRounds', () => {
  // Three sites on one local server, told apart by their host names: a quick one, a slow one
  // (600 ms for every file, robots.txt included), and one whose first robots.txt read fails (503:
  // crawling disallowed for a while).
  async function sites() {
    const robotsReads: Record<string, number> = {};
    const server = createServer((req, res) => {
      const host = String(req.headers.host).split('.')[0]!;
      const answer = () => {
        if (req.url === '/robots.txt') {
          robotsReads[host] = (robotsReads[host] ?? 0) + 1;
          const fail = host === 'flaky-robots' && robotsReads[host] <= 2; // the read and its retry
          res.writeHead(fail ? 503 : 200, { 'content-type': 'text/plain' });
          return void res.end(fail ? 'busy' : 'User-agent: *\nAllow: /\n');
        }
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!DOCTYPE html><title>Démarche</title>');
      };
      if (host === 'slow') setTimeout(answer, 600);
      else answer();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { server, port: (server.address() as AddressInfo).port, robotsReads };
  }

  it.each(['this thread', 'a probe thread'] as const)('overlaps rounds from %s, writes each at its own moment, times the page alone, reads robots.txt once', async (where) => {
    const { server, port, robotsReads } = await sites();
    const db = await createTestDb();
    await importCatalogue(db, [
      catalogueRow({ id: 1, startUrl: 'http://quick.demarches.test/' }),
      catalogueRow({ id: 2, startUrl: 'http://slow.demarches.test/' }),
      catalogueRow({ id: 3, startUrl: 'http://flaky-robots.demarches.test/' }),
    ]);
    const options = { contactUrl: 'http://127.0.0.1/methodologie#robot', demoPort: port, connectionsPerHost: 4 };
    const crawler = where === 'this thread' ? new Crawler(options) : undefined;
    const sampler: Sampler & { close(): Promise<void> } = crawler ? { ...localSampler(crawler), close: () => crawler.close() } : await ProbeThread.start(options);
    try {
      // Ten rounds twelve hours apart, four per site in flight.
      const moments = Array.from({ length: 10 }, (_, i) => new Date(Date.UTC(2026, 6, 1, 12 * i)));
      const progress: number[] = [];
      const summaries = await probeRounds(db, sampler, moments, { inFlight: 8, perSite: 4, timeoutMs: 2_000, onRound: (done) => progress.push(done) });
      expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(summaries.map((s) => s.probes)).toEqual(Array(10).fill(3));

      const rows = await db.select().from(probes).orderBy(asc(probes.at), asc(probes.procedureId));
      expect(rows).toHaveLength(30);
      expect([...new Set(rows.map((r) => r.at.getTime()))]).toEqual(moments.map((m) => m.getTime()));
      // The slow site answers every time, in about its 600 ms: it waited for no one, no one for it;
      // and the 600 ms its robots.txt took before the first probes are not part of their time.
      const slow = rows.filter((r) => r.procedureId === 2);
      expect(slow.every((r) => r.ok && r.durationMs! >= 550 && r.durationMs! < 1_100)).toBe(true);
      // The file read is kept 24 hours of the clock (the copy is seconds old), whatever the
      // simulated moments of the probes (four and a half days here).
      expect(robotsReads['quick']).toBe(1);
      expect(robotsReads['slow']).toBe(1);
      // The failed robots.txt read costs its own round only: at the next moment, twelve hours
      // later, the file is read again (a failure is kept an hour, RFC 9309).
      const flaky = rows.filter((r) => r.procedureId === 3);
      expect(flaky.map((r) => r.failure)).toEqual(['http', ...Array(9).fill(null)]);
      expect((await db.select().from(probeDaily).where(eq(probeDaily.procedureId, 3))).reduce((n, d) => n + d.failures, 0)).toBe(1);
    } finally {
      await sampler.close();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 30_000);
});

describe('recordProbes', () => {
  it('adds to the day roll-up: samples, failures by type, sum of successful durations', async () => {
    const db = await createTestDb();
    await importCatalogue(db, [catalogueRow({ id: 1 })]);
    const at = new Date('2026-01-02T00:00:00Z');
    await recordProbes(db, [{ procedureId: 1, ok: true, httpStatus: 200, durationMs: 120, failure: null }], at);
    await recordProbes(db, [{ procedureId: 1, ok: false, httpStatus: null, durationMs: null, failure: 'timeout' }], at);
    await recordProbes(db, [{ procedureId: 1, ok: false, httpStatus: 503, durationMs: 80, failure: 'http' }], at);
    await recordProbes(db, [{ procedureId: 1, ok: false, httpStatus: null, durationMs: null, failure: 'timeout' }], at);
    await recordProbes(db, [{ procedureId: 1, ok: true, httpStatus: 200, durationMs: 100, failure: null }], new Date('2026-01-03T00:00:00Z'));
    expect(await db.select().from(probeDaily).orderBy(asc(probeDaily.day))).toEqual([
      { procedureId: 1, day: '2026-01-02', samples: 4, failures: 3, durationSumMs: 120, failuresByType: { timeout: 2, http: 1 } },
      { procedureId: 1, day: '2026-01-03', samples: 1, failures: 0, durationSumMs: 100, failuresByType: {} },
    ]);
  });
});
