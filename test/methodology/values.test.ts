import { describe, expect, it } from 'vitest';
import { criterionBySlug, methodologyV1, methodologyV2, observedCriteria, pickValue, PROACTIVE, type ObservedValue } from '../../methodology/index.ts';

const c = (slug: string) => criterionBySlug(methodologyV2, slug)!;
const observed = (over: Partial<ObservedValue> = {}): ObservedValue => ({ id: 7, status: 'measured', valueNum: null, valueText: 'Oui', answers: null, reason: null, ...over });
const declared = (valueText: string | null, valueNum: number | null = null) => ({ id: 9, valueText, valueNum, answers: null });

describe('how each criterion is obtained', () => {
  it('derives the observed criteria (page checks and survey) from each criterion, in both versions', () => {
    const expected = ['online', 'satisfaction', 'handicap', 'dlnuf', 'auth', 'simplicity', 'help_reachable', 'help_efficient', 'mobile', 'a11y_auto'];
    expect(observedCriteria(methodologyV1.criteria).sort()).toEqual([...expected].sort());
    expect(observedCriteria(methodologyV2.criteria).sort()).toEqual([...expected].sort());
    expect(methodologyV2.criteria.filter((x) => x.obtainedBy === 'probe').map((x) => x.slug)).toEqual(['uptime', 'performance']);
    expect(methodologyV2.criteria.filter((x) => x.obtainedBy === 'declaration').map((x) => x.slug)).toEqual(['usage']);
  });
});

describe('pickValue', () => {
  it('reads availability and response time from the probes, leaving out those robots.txt forbade', () => {
    expect(pickValue(c('uptime'), undefined, undefined, undefined).raw).toMatchObject({ state: 'unmeasurable', reason: 'no_data' });
    expect(pickValue(c('uptime'), undefined, undefined, { samples: 10, failures: 10, blocked: 10, durationSumMs: 0 })).toMatchObject({ raw: { state: 'unmeasurable', reason: 'blocked' }, source: 'crawl' });
    // 100 probes, 10 forbidden by robots.txt, 9 failed: 81 of the 90 that count.
    expect(pickValue(c('uptime'), undefined, undefined, { samples: 100, failures: 19, blocked: 10, durationSumMs: 0 }).raw).toEqual({ state: 'measured', value: 90 });
    expect(pickValue(c('performance'), undefined, undefined, { samples: 4, failures: 4, blocked: 0, durationSumMs: 0 }).raw).toMatchObject({ state: 'unmeasurable', reason: 'no_successful_probe' });
    expect(pickValue(c('performance'), undefined, undefined, { samples: 4, failures: 1, blocked: 0, durationSumMs: 1000 }).raw).toEqual({ state: 'measured', value: 333 });
  });

  it('takes a measurement before a declaration, a declaration before nothing, and « Démarche proactive » from the team only', () => {
    expect(pickValue(c('online'), observed({ valueText: 'Non' }), declared('Oui'))).toMatchObject({ raw: { value: 'Non' }, source: 'crawl', observationId: 7, declarationId: null });
    expect(pickValue(c('online'), observed({ status: 'unmeasurable', valueText: null, reason: 'timeout' }), declared('Oui'))).toMatchObject({ raw: { value: 'Oui' }, source: 'declared', declarationId: 9 });
    expect(pickValue(c('online'), observed({ valueText: 'Oui' }), declared(PROACTIVE))).toMatchObject({ raw: { value: PROACTIVE }, source: 'declared' });
    expect(pickValue(c('online'), observed({ status: 'not_applicable', valueText: null, reason: 'no_online_procedure' }), undefined)).toMatchObject({ raw: { state: 'not_applicable', reason: 'no_online_procedure' }, source: 'crawl' });
    expect(pickValue(c('online'), undefined, undefined)).toMatchObject({ raw: { state: 'unmeasurable', reason: 'no_data' }, source: null });
  });

  it('names the survey as the source of a survey criterion', () => {
    expect(pickValue(c('satisfaction'), observed({ valueText: null, valueNum: 7.2, answers: 140 }), undefined)).toMatchObject({ raw: { value: 7.2, answers: 140 }, source: 'survey' });
  });
});
