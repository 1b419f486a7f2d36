import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { MockAgent } from 'undici';
import { pullSurveys, surveyOutcomes } from '../../jobs/survey.ts';
import { observations } from '../../db/schema/index.ts';
import { createDemoDb } from '../helpers/db.ts';
import { demoCrawler } from '../helpers/crawler.ts';
import { fetchPage } from '../../jobs/http/fetch.ts';
import { first } from '../../db/client.ts';

const real = readFileSync(new URL('../../fixtures/real-observatory/survey-stats.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { id: number; payload: { data: Record<string, number>; metadata: Record<string, number> } });

describe('the survey adapter', () => {
  it('maps every real payload to the four survey criteria, with answer counts', () => {
    const now = new Date();
    for (const { payload } of real) {
      const outcomes = surveyOutcomes(JSON.stringify({ result: { data: { json: payload } } }), 'http://s/', now);
      const byCriterion = Object.fromEntries(outcomes.map((o) => [o.criterion, o]));
      expect(byCriterion['satisfaction']).toMatchObject({ status: 'measured', value: expect.closeTo(payload.data['satisfaction']!, 3), evidence: { answers: payload.metadata['satisfaction_count'] } });
      expect(byCriterion['simplicity']!.value).toBeCloseTo(payload.data['comprehension']!, 3);
      expect(byCriterion['help_reachable']!.value).toBeCloseTo(payload.data['contact_reachability']! * 100, 2);
      expect(byCriterion['help_efficient']!.evidence['answers']).toBe(payload.metadata['contactSatisfaction_count']);
    }
  });

  it('includes payloads with very few answers, left for the edition to judge', () => {
    const few = real.filter((r) => (r.payload.metadata['satisfaction_count'] ?? 0) < 100);
    expect(few.length).toBeGreaterThan(0);
  });

  it.each([
    ['not JSON', '<html>maintenance</html>', /not JSON/],
    ['another shape', JSON.stringify({ data: { satisfaction: 8 } }), /unexpected survey payload/],
    ['text where a number is due', JSON.stringify({ result: { data: { json: { data: { satisfaction: 'huit' }, metadata: {} } } } }), /unexpected survey payload/],
  ])('refuses %s with a typed parse failure', (_what, body, message) => {
    expect(() => surveyOutcomes(body, 'http://s/', new Date())).toThrow(message);
    try {
      surveyOutcomes(body, 'http://s/', new Date());
    } catch (err) {
      expect(err).toMatchObject({ type: 'parse' });
    }
  });

  it('reads the provider through undici with net connect disabled', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent.get('https://stats.example').intercept({ path: '/api/stats/115?start=2026-07-01&end=2026-08-15' }).reply(200, { result: { data: { json: real[0]!.payload } } });
    const page = await fetchPage('https://stats.example/api/stats/115?start=2026-07-01&end=2026-08-15', { dispatcher: agent, userAgent: 'test' });
    expect(surveyOutcomes(page.body, page.url, new Date())).toHaveLength(4);
  });
});

describe('pullSurveys', () => {
  it('stores the quarter-to-date figures of every procedure with a survey', async () => {
    const db = await createDemoDb();
    const crawler = demoCrawler({ browser: false });
    try {
      const result = await pullSurveys(db, crawler, { now: new Date('2026-08-15T12:00:00Z') });
      expect(result).toMatchObject({ procedures: 227, measured: expect.any(Number), failures: {} });
      expect(result.measured).toBeGreaterThan(227 * 3.5);
      const satisfaction = (await first(db.select().from(observations).where(and(eq(observations.procedureId, 102), eq(observations.criterion, 'satisfaction')))))!;
      expect(satisfaction).toMatchObject({ status: 'measured', answers: expect.any(Number) });
      expect(satisfaction.valueNum).toBeGreaterThanOrEqual(0);
      expect(satisfaction.valueNum).toBeLessThanOrEqual(10);
      expect(satisfaction.evidence.url).toMatch(/\/api\/stats\/\d+\?start=2026-07-01&end=2026-08-15$/);
    } finally {
      await crawler.close();
    }
  });
});
