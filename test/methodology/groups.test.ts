import { describe, expect, it } from 'vitest';
import {
  criterionBySlug,
  groupScore,
  groupScores,
  methodologyV1,
  resolveValue,
  type ProcedureValues,
  type RawValue,
} from '../../methodology/index.ts';

function procedure(id: number, raw: Record<string, RawValue>): ProcedureValues {
  const values = Object.fromEntries(
    Object.entries(raw).map(([slug, value]) => [slug, resolveValue(criterionBySlug(methodologyV1, slug)!, value)]),
  );
  return { procedureId: id, values };
}

const m = (value: number | string, answers?: number): RawValue => ({ state: 'measured', value, answers });
const c = (slug: string) => criterionBySlug(methodologyV1, slug)!;

describe('groupScore', () => {
  const group = [
    procedure(1, { online: m('Oui'), mobile: m('Oui'), auth: m('FranceConnect') }),
    procedure(2, { online: m('Oui'), mobile: m('Non'), auth: m('Non applicable') }),
    procedure(3, { online: m('Partiel'), mobile: m('Oui'), auth: { state: 'unmeasurable', reason: 'timeout' } }),
    procedure(4, { online: m('Non'), mobile: m('Oui'), auth: m('Non') }),
    procedure(5, { online: m('Démarche proactive') }),
  ];

  it('leaves procedures that are not online out of every criterion but online', () => {
    const mobile = groupScore(methodologyV1, c('mobile'), group);
    expect(mobile).toMatchObject({ total: 5, notOnline: 1, measured: 3, reachingGoal: 2, unmeasurable: 1 });
    expect(mobile.share).toBeCloseTo(2 / 3);
    expect(mobile.coverage).toBeCloseTo(3 / 4);
    expect(mobile.targetReached).toBe(false);
  });

  it('counts every procedure for the online criterion itself, proactive ones reaching the goal', () => {
    const online = groupScore(methodologyV1, c('online'), group);
    expect(online).toMatchObject({ total: 5, notOnline: 0, measured: 5, reachingGoal: 3, share: 0.6, coverage: 1 });
  });

  it('counts measured procedures per level, every level of the table listed in its order', () => {
    const online = groupScore(methodologyV1, c('online'), group);
    expect(online.levels).toEqual({ Oui: 2, Partiel: 1, Non: 1, 'Démarche proactive': 1 });
    expect(Object.keys(groupScore(methodologyV1, c('mobile'), []).levels)).toEqual(['Oui', 'Non']);
  });

  it('takes not-applicable values out of coverage and share', () => {
    const auth = groupScore(methodologyV1, c('auth'), group);
    expect(auth).toMatchObject({ notOnline: 1, notApplicable: 1, unmeasurable: 2, measured: 1, reachingGoal: 1, share: 1 });
    expect(auth.coverage).toBeCloseTo(1 / 3);
    expect(auth.targetReached).toBe(true);
  });

  it('reaches the 80 % target exactly at 80 %', () => {
    const five = [1, 2, 3, 4, 5].map((id) => procedure(id, { online: m('Oui'), mobile: m(id === 5 ? 'Non' : 'Oui') }));
    expect(groupScore(methodologyV1, c('mobile'), five)).toMatchObject({ share: 0.8, targetReached: true });
    const four = [1, 2, 3, 4].map((id) => procedure(id, { online: m('Oui'), mobile: m(id === 4 ? 'Non' : 'Oui') }));
    expect(groupScore(methodologyV1, c('mobile'), four)).toMatchObject({ share: 0.75, targetReached: false });
  });

  it('gives no share and no coverage when nothing could be measured', () => {
    const score = groupScore(methodologyV1, c('satisfaction'), [procedure(1, { online: m('Oui'), satisfaction: m(9, 12) })]);
    expect(score).toMatchObject({ measured: 0, unmeasurable: 1, share: null, coverage: 0, targetReached: null });
    expect(groupScore(methodologyV1, c('mobile'), [])).toMatchObject({ total: 0, share: null, coverage: null });
  });

  it('gives a criterion without goal (usage) coverage but no share', () => {
    const score = groupScore(methodologyV1, c('usage'), [procedure(1, { online: m('Oui'), usage: m(64) })]);
    expect(score).toMatchObject({ measured: 1, share: null, coverage: 1, targetReached: null });
  });
});

describe('groupScores', () => {
  it('scores every criterion of the methodology, in its order', () => {
    const scores = groupScores(methodologyV1, [procedure(1, { online: m('Oui') })]);
    expect(scores.map((s) => s.criterion)).toEqual(methodologyV1.criteria.map((x) => x.slug));
  });
});
