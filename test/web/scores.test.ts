import { describe, expect, it } from 'vitest';
import { badgeText, flagText, formatShare, formatTrend, reasonLabel, tone } from '../../web/src/lib/scores.ts';
import { evolutionModel, levelBands, radarModel, stackedLevelsModel, wrapLabel } from '../../web/src/lib/chart-data.ts';
import { criterionBySlug, methodologyV1 } from '../../methodology/index.ts';
import type { GroupScore, ScoreCell } from '../../web/src/lib/types.ts';

const c = (slug: string) => criterionBySlug(methodologyV1, slug)!;
const cell = (over: Partial<ScoreCell>): ScoreCell => ({ status: 'measured', value: null, level: null, goal: null, source: 'crawl', reason: null, change: null, observationId: null, declarationId: null, ...over });

describe('badges: colour and words', () => {
  it.each([
    ['online', cell({ level: 'Oui', goal: true }), 'success', 'Oui'],
    ['online', cell({ level: 'Partiel', goal: false }), 'warning', 'Partiel'],
    ['online', cell({ level: 'Non', goal: false }), 'error', 'Non'],
    ['online', cell({ level: 'Démarche proactive', goal: true }), 'success', 'Démarche proactive'],
    ['mobile', cell({ level: 'Non', goal: false }), 'error', 'Non'],
    ['performance', cell({ level: 'Moyen', goal: false, value: 512 }), 'warning', 'Moyen'],
    ['usage', cell({ value: 64.25 }), 'info', '64,3\u202f%'],
    ['usage', cell({ value: 64 }), 'info', '64\u202f%'],
    ['auth', cell({ status: 'not_applicable' }), 'neutral', 'Non applicable'],
    ['satisfaction', cell({ status: 'unmeasurable', reason: 'insufficient_answers' }), 'neutral', 'Avis insuffisants'],
    ['dlnuf', cell({ status: 'unmeasurable', reason: 'form_behind_login' }), 'neutral', 'Non mesurable'],
  ] as const)('%s %o reads as %s "%s"', (slug, score, expectedTone, text) => {
    expect(tone(score, c(slug))).toBe(expectedTone);
    expect(badgeText(score, c(slug))).toBe(text);
  });

  it('gives the figure with its level where asked, the level alone for a label, the figure alone without levels', () => {
    expect(badgeText(cell({ value: 8.24, level: 'Bonne', goal: true }), c('satisfaction'), true)).toBe('8,2/10 · Bonne');
    expect(badgeText(cell({ value: 74, level: 'Partiel', goal: false }), c('handicap'), true)).toBe('74\u202f% · Partiel');
    expect(badgeText(cell({ value: 'Oui', level: 'Oui', goal: true }), c('online'), true)).toBe('Oui');
    expect(badgeText(cell({ value: null, level: 'Partiel', goal: false, reason: 'level_from_state' }), c('handicap'), true)).toBe('Partiel');
    expect(badgeText(cell({ value: 64, level: null }), c('usage'), true)).toBe('64\u202f%');
    expect(badgeText(cell({ status: 'unmeasurable', reason: 'insufficient_answers' }), c('help_efficient'), true)).toBe('Avis insuffisants');
  });

  it('says why a value is missing in words, and keeps an unknown reason as is', () => {
    expect(reasonLabel('blocked')).toMatch(/robots\.txt/);
    expect(reasonLabel('something_new')).toBe('something_new');
    expect(reasonLabel(null)).toBeNull();
  });
});

describe('shares and trends', () => {
  it.each([
    [0.7999, '80\u202f%'],
    [0.7949, '79,5\u202f%'],
    [0.7944, '79,4\u202f%'],
    [0.8, '80\u202f%'],
    [1, '100\u202f%'],
    [null, '—'],
  ])('writes the share %s as "%s", rounded half up to the tenth', (share, text) => {
    expect(formatShare(share)).toBe(text);
  });

  it.each([
    [0.022, '+2,2 points'],
    [-0.01, '−1 point'],
    [0, 'stable'],
    [null, 'pas de comparaison'],
  ])('writes the trend %s as "%s"', (trend, text) => {
    expect(formatTrend(trend)).toBe(text);
  });
});

describe('chart models', () => {
  it('paints the level table as bands: higher-is-better from the top, lower-is-better from zero', () => {
    expect(levelBands(c('satisfaction'), 10).map((b) => [b.label, b.from, b.to])).toEqual([
      ['Bonne', 8, 10],
      ['Moyenne', 5, 8],
      ['Faible', 0, 5],
    ]);
    expect(levelBands(c('performance'), 1200).map((b) => [b.label, b.from, b.to])).toEqual([
      ['Rapide', 0, 400],
      ['Moyen', 400, 800],
      ['Lent', 800, 1200],
    ]);
  });

  it('draws a procedure’s evolution with gaps where nothing was measured, and the same figures in its table', () => {
    const model = evolutionModel(c('satisfaction'), [
      { edition: '2026-T1', cell: cell({ value: 6.5, level: 'Moyenne' }) },
      { edition: '2026-T2', cell: cell({ status: 'unmeasurable', reason: 'insufficient_answers' }) },
      { edition: '2026-T3', cell: cell({ value: 8.2, level: 'Bonne', goal: true }) },
    ]);
    expect(model.config.data.datasets[0]!.data).toEqual([6.5, null, 8.2]);
    expect(model.table.rows).toEqual([
      ['T1 2026', 6.5, 'Moyenne', 'mesuré'],
      ['T2 2026', null, 'Avis insuffisants', 'mesuré'],
      ['T3 2026', 8.2, 'Bonne', 'mesuré'],
    ]);
    expect(model.summary).toMatch(/De 6,5\/10 \(T1 2026\) à 8,2\/10 \(T3 2026\)/);
  });

  const score = (criterion: string, share: number | null, levels: Record<string, number> = {}): GroupScore => ({
    criterion, total: 10, notOnline: 0, notApplicable: 0, unmeasurable: 0, measured: 10, reachingGoal: 0, levels, share, coverage: 1, targetReached: share === null ? null : share >= 0.8, previousShare: null, trend: null,
  });

  it('puts the group, the comparison, the observatory and the 80 % ring on the radar, and names what is under target', () => {
    const criteria = [c('online'), c('mobile')];
    const model = radarModel(criteria, [
      { name: 'Intérieur', scores: [score('online', 0.9), score('mobile', 0.5)] },
      { name: 'Observatoire', scores: [score('online', 0.7), score('mobile', null)] },
    ], 0.8);
    expect(model.config.data.datasets.map((d) => d.label)).toEqual(['Intérieur', 'Observatoire', 'Objectif 80 %']);
    expect(model.config.data.datasets[2]!.data).toEqual([80, 80]);
    expect(model.table.rows).toEqual([
      ['Réalisable en ligne', 90, 70, 80],
      ['Adapté au mobile', 50, null, 80],
    ]);
    expect(model.summary).toMatch(/Sous la cible : Mobile\./);
  });

  it('wraps long axis names over lines of about 12 characters', () => {
    expect(wrapLabel('Dites-le-nous une fois')).toEqual(['Dites-le-nous', 'une fois']);
    expect(wrapLabel('Temps de réponse')).toEqual(['Temps de', 'réponse']);
    expect(wrapLabel('Mobile')).toEqual(['Mobile']);
  });

  it('stacks each edition’s levels to 100 % of the measured procedures', () => {
    const history = { by: 'ministry' as const, slug: 'x', name: 'X', target: 0.8, editions: [{ edition: '2026-T3', procedures: 10, scores: [score('mobile', 0.75, { Oui: 6, Non: 2 })].map((s) => ({ ...s, measured: 8 })) }] };
    const model = stackedLevelsModel(c('mobile'), history);
    expect(model.config.data.datasets.map((d) => [d.label, d.data])).toEqual([['Oui', [75]], ['Non', [25]]]);
    expect(model.table.rows).toEqual([['T3 2026', 6, 2, 8, 0]]);
  });
});

describe('what decided a measured level besides its value', () => {
  it('says an expired or missing statement in a few words, and nothing for a plain value or a missing one', () => {
    expect(flagText({ status: 'measured', reason: 'statement_expired' })).toBe('déclaration de plus de 3 ans');
    expect(flagText({ status: 'measured', reason: 'level_from_state' })).toBe('aucun taux publié');
    expect(flagText({ status: 'measured', reason: null })).toBeNull();
    expect(flagText({ status: 'unmeasurable', reason: 'timeout' })).toBeNull();
  });
});

describe('an evolution with a flagged value', () => {
  it('does not draw an expired statement\'s rate over the level bands, and gives it with its flag in the table', () => {
    const model = evolutionModel(c('handicap'), [
      { edition: '2026-T2', cell: cell({ value: 72, level: 'Partiel', goal: false }) },
      { edition: '2026-T3', cell: cell({ value: 88, level: 'Non', goal: false, reason: 'statement_expired' }) },
    ]);
    expect(model.config.data.datasets[0]!.data).toEqual([72, null]);
    expect(model.table.rows[1]!.slice(1, 3)).toEqual([88, 'Non — déclaration de plus de 3 ans']);
    expect(model.summary).toMatch(/niveau actuel « Non » \(déclaration de plus de 3 ans\)/);
  });
});
