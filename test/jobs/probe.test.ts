import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { probeRound, recordProbes } from '../../jobs/probe.ts';
import { probeDaily, probes, procedures } from '../../db/schema/index.ts';
import { createDemoDb, createTestDb, catalogueRow } from '../helpers/db.ts';
import { importCatalogue } from '../../server/catalogue/import.ts';
import { demoCrawler } from '../helpers/crawler.ts';

describe('probeRound', () => {
  it('samples every active procedure once and rolls the samples up by day', async () => {
    const db = await createDemoDb();
    db.update(procedures).set({ retiredAt: new Date() }).where(eq(procedures.id, 101)).run();
    const crawler = demoCrawler({ browser: false });
    try {
      const at = new Date('2026-08-15T10:00:00Z');
      const first = await probeRound(db, crawler, { now: at, timeoutMs: 2000 });
      expect(first.probes).toBe(249);
      expect(first.ok).toBeGreaterThan(220);
      expect(first.failures).toMatchObject({ timeout: 1, redirects: 1, too_large: 2, parse: 1, network: 1 });
      await probeRound(db, crawler, { now: new Date('2026-08-15T10:05:00Z'), timeoutMs: 2000 });
      expect(db.select().from(probes).all()).toHaveLength(498);

      const day = db.select().from(probeDaily).where(eq(probeDaily.procedureId, 102)).all();
      expect(day).toEqual([expect.objectContaining({ day: '2026-08-15', samples: 2, failures: 0 })]);
      const samples = db.select().from(probes).where(eq(probes.procedureId, 102)).all();
      expect(day[0]!.durationSumMs).toBe(samples.reduce((s, p) => s + (p.durationMs ?? 0), 0));

      const serverError = db.select().from(probeDaily).where(eq(probeDaily.procedureId, 344)).get()!; // HTTP 500 everywhere
      expect(serverError).toMatchObject({ samples: 2, failures: 2, failuresByType: { http: 2 } });
    } finally {
      await crawler.close();
    }
  }, 60_000);
});

describe('recordProbes', () => {
  it('adds to the day roll-up: samples, failures by type, sum of successful durations', () => {
    const db = createTestDb();
    importCatalogue(db, [catalogueRow({ id: 1 })]);
    const at = new Date('2026-01-02T00:00:00Z');
    recordProbes(db, [{ procedureId: 1, ok: true, httpStatus: 200, durationMs: 120, failure: null }], at);
    recordProbes(db, [{ procedureId: 1, ok: false, httpStatus: null, durationMs: null, failure: 'timeout' }], at);
    recordProbes(db, [{ procedureId: 1, ok: false, httpStatus: 503, durationMs: 80, failure: 'http' }], at);
    recordProbes(db, [{ procedureId: 1, ok: false, httpStatus: null, durationMs: null, failure: 'timeout' }], at);
    recordProbes(db, [{ procedureId: 1, ok: true, httpStatus: 200, durationMs: 100, failure: null }], new Date('2026-01-03T00:00:00Z'));
    expect(db.select().from(probeDaily).all()).toEqual([
      { procedureId: 1, day: '2026-01-02', samples: 4, failures: 3, durationSumMs: 120, failuresByType: { timeout: 2, http: 1 } },
      { procedureId: 1, day: '2026-01-03', samples: 1, failures: 0, durationSumMs: 100, failuresByType: {} },
    ]);
  });
});
