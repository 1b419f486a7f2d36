import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Universe } from '../../server/universe/server.ts';
import { groundTruth, HOSTILE_KINDS, type SiteProfile } from '../../server/universe/profiles.ts';
import { CHECKS } from '../../jobs/checks/index.ts';
import type { CheckOutcome, Crawler } from '../../jobs/crawler.ts';
import { demoCrawler, sharedQuarterDate } from '../helpers/crawler.ts';

// Every check against every demo site's ground truth, browser checks included.

let universe: Universe;
let crawler: Crawler;
const results = new Map<string, { profile: SiteProfile; outcomes: CheckOutcome[] }>();
const now = sharedQuarterDate();

beforeAll(async () => {
  // A second universe in the same quarter tells each site's profile; the crawl goes to the shared one.
  universe = await Universe.start({ quarter: '2026-T3', flaky: false, latencyScale: 0 });
  crawler = demoCrawler();
  await Promise.all(
    universe.allProfiles().map(async (profile) => {
      results.set(profile.host, { profile, outcomes: await crawler.runChecks(`http://${profile.host}/`, CHECKS, now) });
    }),
  );
}, 180_000);
afterAll(async () => {
  await crawler?.close();
  await universe?.close();
});

const regular = () => [...results.values()].filter(({ profile: p }) => !p.hostile && p.failureRate < 1 && p.robots === 'allow');

describe('the crawler on the demo universe', () => {
  it('measures all 250 procedures', () => {
    expect(results.size).toBe(250);
    expect(regular().length).toBeGreaterThan(225);
  });

  for (const check of CHECKS) {
    it(`${check.name}: matches every regular site's ground truth`, () => {
      const wrong: string[] = [];
      for (const { profile, outcomes } of regular()) {
        const truth = groundTruth(profile, now)[check.name]!;
        const seen = outcomes.find((o) => o.check === check.name)!;
        // A null truth value means "no value": the check must not invent one.
        const same = seen.status === truth.status && (truth.value === undefined || (seen.value ?? null) === truth.value) && (truth.reason === undefined || seen.reason === truth.reason);
        if (!same) wrong.push(`${profile.procedureId} (${profile.markup}): expected ${JSON.stringify(truth)}, saw ${seen.status} ${String(seen.value)} ${seen.reason ?? ''}`);
      }
      expect(wrong).toEqual([]);
    });
  }

  it('covers every trait: each level of each criterion appears among the sites', () => {
    const values = (check: string) => new Set(regular().map(({ outcomes }) => String(outcomes.find((o) => o.check === check)?.value)));
    expect(values('online')).toEqual(new Set(['Oui', 'Partiel', 'Non']));
    expect(values('auth')).toEqual(expect.objectContaining({ size: 4 })); // FranceConnect, FranceConnect+, Non, undefined (N/A)
    expect(values('mobile')).toEqual(new Set(['Oui', 'Non']));
    expect([...values('dlnuf')].length).toBeGreaterThanOrEqual(7);
    const markups = new Set(regular().map(({ profile }) => profile.markup));
    expect(markups).toEqual(new Set(['dsfr', 'table', 'scripted', 'spa']));
  });

  it('types every hostile site\'s failure on every check', () => {
    const expected: Record<(typeof HOSTILE_KINDS)[number], string> = {
      drip: 'timeout', redirect_loop: 'redirects', huge: 'too_large', gzip_bomb: 'too_large', bad_utf8: 'parse', reset: 'network', server_error: 'http',
    };
    const hostile = [...results.values()].filter(({ profile }) => profile.hostile);
    expect(hostile.map(({ profile }) => profile.hostile).sort()).toEqual([...HOSTILE_KINDS].sort());
    for (const { profile, outcomes } of hostile) {
      for (const o of outcomes.filter((x) => x.check !== 'mobile' && x.check !== 'a11y_auto')) {
        expect({ site: profile.hostile, check: o.check, status: o.status, reason: o.reason }).toEqual({ site: profile.hostile, check: o.check, status: 'unmeasurable', reason: expected[profile.hostile!] });
      }
    }
  });

  it('honours robots.txt: a disallowing site is not visited, by HTTP or by the browser', () => {
    const blocked = [...results.values()].filter(({ profile }) => profile.robots !== 'allow' && !profile.hostile);
    expect(blocked.length).toBeGreaterThan(0);
    for (const { outcomes } of blocked) expect(outcomes.every((o) => o.status === 'unmeasurable' && o.reason === 'blocked')).toBe(true);
  });
});

describe('the demo universe over simulated quarters', () => {
  it('changes profiles with the quarter, deterministically, with improvements and regressions', async () => {
    const u = await Universe.start({ quarter: '2025-T1', flaky: false });
    try {
      const early = new Map(u.allProfiles().map((p) => [p.procedureId, p]));
      u.setQuarter('2026-T4');
      const late = new Map(u.allProfiles().map((p) => [p.procedureId, p]));
      const gainedFc = [...late.values()].filter((p) => p.auth !== 'Non' && early.get(p.procedureId)!.auth === 'Non').length;
      const lostFc = [...late.values()].filter((p) => p.auth === 'Non' && early.get(p.procedureId)!.auth !== 'Non').length;
      expect(gainedFc).toBeGreaterThan(10);
      expect(lostFc).toBeGreaterThan(0);
      u.setQuarter('2025-T1');
      expect(u.allProfiles()).toEqual([...early.values()]);
    } finally {
      await u.close();
    }
  });
});
