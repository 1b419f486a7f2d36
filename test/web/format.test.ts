import { describe, expect, it } from 'vitest';
import { formatAudiences, formatDate, formatDateTime, formatPeriod, formatVolume, formatWithUnit, levelRanges, meanCoverage, quarterLabel } from '../../web/src/lib/format.ts';
import { criterionBySlug, methodologyV1 } from '../../methodology/index.ts';

describe('formatVolume', () => {
  it.each([
    [310_000_000, '310 millions'],
    [41_000_000, '41 millions'],
    [2_000_000, '2 millions'],
    [1_500_000, '1,5 million'],
    [1_000_000, '1 million'],
    [999_999, '999\u202f999'],
    [240_000, '240\u202f000'],
    [0, '0'],
  ])('writes %d as "%s"', (n, text) => {
    expect(formatVolume(n)).toBe(text);
  });
});

describe('formatWithUnit', () => {
  it.each([
    [99.95, 'percent', '100\u202f%'],
    [99.94, 'percent', '99,9\u202f%'],
    [79.45, 'percent', '79,5\u202f%'],
    [100, 'percent', '100\u202f%'],
    [63.5, 'percent', '63,5\u202f%'],
    [8.25, 'score10', '8,3/10'],
    [7.98, 'score10', '8/10'],
    [7.258, 'score10', '7,3/10'],
    [1234, 'ms', '1\u202f234\u00a0ms'],
    [1, 'items', '1 donnée'],
    [3, 'items', '3 données'],
    [0, 'violations', '0 violation'],
    [6, 'violations', '6 violations'],
  ] as const)('writes %d in %s as "%s"', (n, unit, text) => {
    expect(formatWithUnit(n, unit)).toBe(text);
  });
});

describe('levelRanges', () => {
  const c = (slug: string) => criterionBySlug(methodologyV1, slug)!;

  it('describes a higher-is-better table', () => {
    expect(levelRanges(c('uptime'))).toEqual([
      { label: 'Excellente', goal: true, range: '≥ 99,9\u202f%' },
      { label: 'Correcte', goal: false, range: '≥ 98,5\u202f%' },
      { label: 'Insuffisante', goal: false, range: '< 98,5\u202f%' },
    ]);
  });

  it('describes a lower-is-better table', () => {
    expect(levelRanges(c('performance'))).toEqual([
      { label: 'Rapide', goal: true, range: '< 400\u00a0ms' },
      { label: 'Moyen', goal: false, range: '< 800\u00a0ms' },
      { label: 'Lent', goal: false, range: '≥ 800\u00a0ms' },
    ]);
  });

  it('describes a text table by its labels, and nothing for a criterion without levels', () => {
    expect(levelRanges(c('auth')).map((l) => l.range)).toEqual(['« FranceConnect »', '« FranceConnect+ »', '« Non »']);
    expect(levelRanges(c('usage'))).toEqual([]);
  });
});

describe('formatAudiences', () => {
  it('writes the audiences in French, with accents', () => {
    expect(formatAudiences(['particuliers', 'collectivites'])).toBe('Particuliers, Collectivités');
  });
});

describe('quarterLabel and meanCoverage', () => {
  it.each([
    ['2026-T1', '1er trimestre 2026'],
    ['2026-T3', '3e trimestre 2026'],
    ['pas un trimestre', 'pas un trimestre'],
  ])('names %s "%s"', (slug, label) => {
    expect(quarterLabel(slug)).toBe(label);
  });

  it('averages the coverage of measured criteria, ignoring those without any', () => {
    expect(meanCoverage({ a: 1, b: 0.5, c: null })).toBe(75);
    expect(meanCoverage({ a: null })).toBeNull();
  });
});

describe('dates', () => {
  it('writes the first of the month as "1er", other days as numbers', () => {
    expect(formatDate('2026-07-01T00:00:00Z')).toBe('1er juillet 2026');
    expect(formatDate('2022-03-14T00:00:00Z')).toBe('14 mars 2022');
    // Paris time written without Intl: what Intl writes, every 37 minutes over three years (both changes of time each year).
    const paris = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Paris' });
    for (let t = Date.UTC(2025, 0, 1); t < Date.UTC(2028, 0, 1); t += 37 * 60_000) {
      const iso = new Date(t).toISOString();
      if (formatDateTime(iso) !== paris.format(new Date(t)).replace(/^1 /, '1er ')) expect(formatDateTime(iso), iso).toBe(paris.format(new Date(t)).replace(/^1 /, '1er '));
    }
    // Written without Intl: what Intl writes, day after day over four years (UTC).
    const intl = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
    for (let t = Date.UTC(2024, 0, 1, 23, 30); t < Date.UTC(2028, 0, 1); t += 86_400_000) {
      const iso = new Date(t).toISOString();
      expect(formatDate(iso), iso).toBe(intl.format(new Date(t)).replace(/^1 /, '1er '));
    }
    expect(formatPeriod('2026-07-01T00:00:00Z', '2026-10-01T00:00:00Z')).toBe('du 1er juillet 2026 au 30 septembre 2026');
  });
});
