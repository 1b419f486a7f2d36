import { describe, expect, it } from 'vitest';
import { criterionBySlug, levelOf, MethodologyError, methodologyV1, methodologyV2, resolveValue, roundHalfUp, sharePercent } from '../../methodology/index.ts';

function criterion(slug: string) {
  const c = criterionBySlug(methodologyV1, slug);
  if (!c) throw new Error(`no criterion ${slug}`);
  return c;
}

// [criterion, value, expected level, expected goal]: each threshold, just below and just above it.
const numericBoundaries: [string, number, string, boolean][] = [
  ['satisfaction', 10, 'Bonne', true],
  ['satisfaction', 8, 'Bonne', true],
  ['satisfaction', 7.99, 'Moyenne', false],
  ['satisfaction', 5, 'Moyenne', false],
  ['satisfaction', 4.99, 'Faible', false],
  ['satisfaction', 0, 'Faible', false],
  ['simplicity', 8, 'Bonne', true],
  ['simplicity', 7.999, 'Moyenne', false],
  ['simplicity', 5, 'Moyenne', false],
  ['simplicity', 4.999, 'Faible', false],
  ['help_efficient', 8, 'Bonne', true],
  ['help_efficient', 7.9, 'Moyenne', false],
  ['help_efficient', 5, 'Moyenne', false],
  ['help_efficient', 4.9, 'Faible', false],
  ['help_reachable', 100, 'Bonne', true],
  ['help_reachable', 85, 'Bonne', true],
  ['help_reachable', 84.99, 'Moyenne', false],
  ['help_reachable', 70, 'Moyenne', false],
  ['help_reachable', 69.99, 'Faible', false],
  ['handicap', 100, 'Oui', true],
  ['handicap', 99.99, 'Partiel', false],
  ['handicap', 50, 'Partiel', false],
  ['handicap', 49.99, 'Non', false],
  ['handicap', 0, 'Non', false],
  ['uptime', 100, 'Excellente', true],
  ['uptime', 99.9, 'Excellente', true],
  ['uptime', 99.89, 'Correcte', false],
  ['uptime', 98.5, 'Correcte', false],
  ['uptime', 98.49, 'Insuffisante', false],
  ['uptime', 0, 'Insuffisante', false],
  ['performance', 0, 'Rapide', true],
  ['performance', 399, 'Rapide', true],
  ['performance', 399.9, 'Rapide', true],
  ['performance', 400, 'Moyen', false],
  ['performance', 799, 'Moyen', false],
  ['performance', 800, 'Lent', false],
  ['performance', 30_000, 'Lent', false],
  ['dlnuf', 0, 'Optimal', true],
  ['dlnuf', 1, 'Optimal', true],
  ['dlnuf', 2, 'Partiel', false],
  ['dlnuf', 4, 'Partiel', false],
  ['dlnuf', 5, 'Faible', false],
  ['dlnuf', 8, 'Faible', false],
  ['a11y_auto', 0, 'Aucune violation grave', true],
  ['a11y_auto', 1, '1 à 5 violations', false],
  ['a11y_auto', 5, '1 à 5 violations', false],
  ['a11y_auto', 6, 'Plus de 5 violations', false],
];

const labelLevels: [string, string, boolean][] = [
  ['online', 'Oui', true],
  ['online', 'Partiel', false],
  ['online', 'Non', false],
  ['online', 'Démarche proactive', true],
  ['auth', 'FranceConnect', true],
  ['auth', 'FranceConnect+', true],
  ['auth', 'Non', false],
  ['mobile', 'Oui', true],
  ['mobile', 'Non', false],
];

describe('levelOf', () => {
  it.each(numericBoundaries)('%s = %d takes level "%s" (goal %s)', (slug, value, level, goal) => {
    expect(levelOf(criterion(slug), value)).toMatchObject({ label: level, goal });
  });

  it.each(labelLevels)('%s = "%s" matches its level by label (goal %s)', (slug, value, goal) => {
    expect(levelOf(criterion(slug), value)).toMatchObject({ label: value, goal });
  });

  it('rejects a text value that is not a level of the criterion', () => {
    expect(() => levelOf(criterion('online'), 'Peut-être')).toThrow(MethodologyError);
    expect(() => levelOf(criterion('auth'), 'franceconnect')).toThrow(/not a level/);
  });

  it('rejects a non-numeric or non-finite value on a numeric scale', () => {
    expect(() => levelOf(criterion('uptime'), '99.9')).toThrow(MethodologyError);
    expect(() => levelOf(criterion('uptime'), Number.NaN)).toThrow(/finite number/);
    expect(() => levelOf(criterion('performance'), Number.POSITIVE_INFINITY)).toThrow(MethodologyError);
  });

  it('gives no level to a criterion shown without goal (usage)', () => {
    expect(levelOf(criterion('usage'), 63)).toBeNull();
  });
});

describe('resolveValue', () => {
  it('reports a measured value with its level and goal flag', () => {
    expect(resolveValue(criterion('uptime'), { state: 'measured', value: 99.95 })).toEqual({
      state: 'measured',
      value: 99.95,
      level: 'Excellente',
      goal: true,
      reason: null,
    });
  });

  it('makes satisfaction not measurable below 100 answers, and measured from 100 on', () => {
    const sat = criterion('satisfaction');
    expect(resolveValue(sat, { state: 'measured', value: 9.1, answers: 99 })).toMatchObject({
      state: 'unmeasurable',
      level: null,
      goal: null,
      reason: 'insufficient_answers',
    });
    expect(resolveValue(sat, { state: 'measured', value: 9.1, answers: 100 })).toMatchObject({
      state: 'measured',
      level: 'Bonne',
      goal: true,
    });
  });

  it('treats a survey value without an answer count as too few answers', () => {
    expect(resolveValue(criterion('simplicity'), { state: 'measured', value: 9 })).toMatchObject({ state: 'unmeasurable' });
  });

  it('does not apply the answer rule to criteria without one', () => {
    expect(resolveValue(criterion('help_reachable'), { state: 'measured', value: 90, answers: 12 })).toMatchObject({
      state: 'measured',
      level: 'Bonne',
    });
  });

  it('turns "Non applicable" authentication into the not-applicable state', () => {
    expect(resolveValue(criterion('auth'), { state: 'measured', value: 'Non applicable' })).toMatchObject({
      state: 'not_applicable',
      level: null,
      goal: null,
    });
  });

  it('keeps the reason of a not measurable value', () => {
    expect(resolveValue(criterion('online'), { state: 'unmeasurable', reason: 'timeout' })).toEqual({
      state: 'unmeasurable',
      value: null,
      level: null,
      goal: null,
      reason: 'timeout',
    });
  });

  it('shows a usage percentage with no level and no goal', () => {
    expect(resolveValue(criterion('usage'), { state: 'measured', value: 71.5 })).toEqual({
      state: 'measured',
      value: 71.5,
      level: null,
      goal: null,
      reason: null,
    });
  });
});

describe('methodology v1', () => {
  it('has the 13 criteria of the design brief, each with a unique slug', () => {
    const slugs = methodologyV1.criteria.map((c) => c.slug);
    expect(slugs).toEqual([
      'online', 'satisfaction', 'handicap', 'dlnuf', 'auth', 'simplicity', 'help_reachable',
      'help_efficient', 'uptime', 'performance', 'mobile', 'a11y_auto', 'usage',
    ]);
  });

  it('orders every numeric table so that exactly the last level is the catch-all', () => {
    for (const c of methodologyV1.criteria) {
      if (c.scale.kind !== 'higher' && c.scale.kind !== 'lower') continue;
      const bounds = c.scale.kind === 'higher' ? c.scale.levels.map((l) => l.min) : c.scale.levels.map((l) => l.below);
      expect(bounds.at(-1), c.slug).toBeNull();
      const finite = bounds.slice(0, -1) as number[];
      expect(finite.every((b) => typeof b === 'number'), c.slug).toBe(true);
      const sorted = [...finite].sort((a, b) => (c.scale.kind === 'higher' ? b - a : a - b));
      expect(finite, c.slug).toEqual(sorted);
    }
  });
});

describe('the accessibility statement rule (handicap)', () => {
  const handicap = criterion('handicap');

  it('puts an expired, missing or unreachable statement at "Non", keeping the rate it read', () => {
    expect(resolveValue(handicap, { state: 'measured', value: 88, reason: 'statement_expired' })).toEqual({ state: 'measured', value: 88, level: 'Non', goal: false, reason: 'statement_expired' });
    expect(resolveValue(handicap, { state: 'measured', value: 100, reason: 'statement_expired' })).toMatchObject({ level: 'Non', goal: false, value: 100 });
    expect(resolveValue(handicap, { state: 'measured', value: null, reason: 'no_statement' })).toEqual({ state: 'measured', value: null, level: 'Non', goal: false, reason: 'no_statement' });
    expect(resolveValue(handicap, { state: 'measured', value: 'non conforme', reason: 'statement_unreachable' })).toEqual({ state: 'measured', value: null, level: 'Non', goal: false, reason: 'statement_unreachable' });
  });

  it('takes the level from the declared state when no rate is published, without inventing a rate', () => {
    expect(resolveValue(handicap, { state: 'measured', value: 'totalement conforme' })).toEqual({ state: 'measured', value: null, level: 'Oui', goal: true, reason: 'level_from_state' });
    expect(resolveValue(handicap, { state: 'measured', value: 'partiellement conforme' })).toMatchObject({ value: null, level: 'Partiel', goal: false });
    expect(resolveValue(handicap, { state: 'measured', value: 'non conforme' })).toMatchObject({ value: null, level: 'Non' });
  });

  it('reads a current statement by its rate, and calls a value-less reading not measurable', () => {
    expect(resolveValue(handicap, { state: 'measured', value: 63.5 })).toEqual({ state: 'measured', value: 63.5, level: 'Partiel', goal: false, reason: null });
    expect(resolveValue(handicap, { state: 'measured', value: null })).toMatchObject({ state: 'unmeasurable', reason: 'no_value' });
    expect(() => resolveValue(handicap, { state: 'measured', value: 'conforme à peu près' })).toThrow(MethodologyError);
  });

  it('ignores a flag on a criterion that has no flag rule', () => {
    expect(resolveValue(criterion('online'), { state: 'measured', value: 'Non', reason: 'no_call_to_action' })).toMatchObject({ level: 'Non', reason: null });
  });
});

describe('methodology v2', () => {
  const v2 = (slug: string) => criterionBySlug(methodologyV2, slug)!;

  it('asks 100 answers of every survey-based criterion, stated once, and publishes no value below', () => {
    expect(methodologyV2.surveyMinAnswers).toBe(100);
    const survey = methodologyV2.criteria.filter((c) => c.sources.includes('survey')).map((c) => [c.slug, c.minAnswers]);
    expect(survey).toEqual([['satisfaction', 100], ['simplicity', 100], ['help_reachable', 100], ['help_efficient', 100]]);
    for (const slug of ['help_reachable', 'help_efficient']) {
      expect(resolveValue(v2(slug), { state: 'measured', value: 9.2, answers: 3 })).toEqual({ state: 'unmeasurable', value: null, level: null, goal: null, reason: 'insufficient_answers' });
      expect(resolveValue(v2(slug), { state: 'measured', value: 9.2, answers: 0 })).toMatchObject({ state: 'unmeasurable', value: null });
      expect(resolveValue(v2(slug), { state: 'measured', value: 9.2, answers: 100 })).toMatchObject({ state: 'measured', value: 9.2 });
    }
    // v1's gap, kept for the editions built with it.
    expect(resolveValue(criterionBySlug(methodologyV1, 'help_efficient')!, { state: 'measured', value: 9.2, answers: 3 })).toMatchObject({ state: 'measured' });
  });

  it('rounds half up to the published precision before reading the level', () => {
    const cases: [string, number, number, string][] = [
      ['satisfaction', 7.96, 8, 'Bonne'],
      ['satisfaction', 7.949, 7.9, 'Moyenne'],
      ['satisfaction', 7.25, 7.3, 'Moyenne'],
      ['uptime', 99.95, 100, 'Excellente'],
      ['uptime', 99.849, 99.8, 'Correcte'],
      ['help_reachable', 84.95, 85, 'Bonne'],
      ['handicap', 99.96, 100, 'Oui'],
      ['performance', 399.5, 400, 'Moyen'],
      ['performance', 399.4, 399, 'Rapide'],
    ];
    for (const [slug, raw, value, level] of cases) {
      expect(resolveValue(v2(slug), { state: 'measured', value: raw, answers: 500 }), `${slug} ${raw}`).toMatchObject({ value, level });
    }
    expect(resolveValue(criterionBySlug(methodologyV1, 'satisfaction')!, { state: 'measured', value: 7.96, answers: 500 })).toMatchObject({ value: 7.96, level: 'Moyenne' });
  });
});

describe('roundHalfUp', () => {
  it('rounds the decimal writing, halves away from zero', () => {
    const cases: [number, number, number][] = [[1.005, 2, 1.01], [7.258, 1, 7.3], [7.25, 1, 7.3], [7.249, 1, 7.2], [-0.05, 1, -0.1], [-0.04, 1, 0], [79.45, 1, 79.5], [0.7945 * 100, 1, 79.5], [2.5, 0, 3], [1e-9, 1, 0]];
    for (const [n, digits, expected] of cases) expect(roundHalfUp(n, digits), `${n} at ${digits}`).toBe(expected);
    expect(sharePercent(0.7949)).toBe(79.5);
  });
});
