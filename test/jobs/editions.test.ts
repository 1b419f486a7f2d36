import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { closeEdition, publishEdition, EditionError } from '../../jobs/editions/close.ts';
import { changeSince } from '../../methodology/change.ts';
import { recordProbes } from '../../jobs/probe.ts';
import { declarations, editions, editionScores, observations, type Evidence } from '../../db/schema/index.ts';
import { importCatalogue } from '../../server/catalogue/import.ts';
import { criterionBySlug, methodologyV1 } from '../../methodology/index.ts';
import { catalogueRow, createTestDb } from '../helpers/db.ts';
import { first, type Db } from '../../db/client.ts';

const evidence: Evidence = { url: 'http://x.test/', tool: 'test', toolVersion: '1' };

async function observe(db: Db, procedureId: number, criterion: string, at: string, value: number | string | null, extra: Partial<typeof observations.$inferInsert> = {}) {
  return (await first(db
    .insert(observations)
    .values({
      procedureId,
      criterion,
      observedAt: new Date(at),
      status: value === null ? 'unmeasurable' : 'measured',
      valueNum: typeof value === 'number' ? value : null,
      valueText: typeof value === 'string' ? value : null,
      reason: value === null ? 'timeout' : null,
      evidence,
      ...extra,
    })
    .returning({ id: observations.id })))!.id;
}

async function score(db: Db, slug: string, procedureId: number, criterion: string) {
  const edition = (await first(db.select().from(editions).where(eq(editions.slug, slug))))!;
  return (await first(db.select().from(editionScores).where(and(eq(editionScores.editionId, edition.id), eq(editionScores.procedureId, procedureId), eq(editionScores.criterion, criterion)))))!;
}

/** Why the database refused a query: on PostgreSQL, drizzle's "Failed query" error carries it as its cause. */
async function refusal(query: PromiseLike<unknown>): Promise<string> {
  try {
    await query;
  } catch (err) {
    const e = err as Error;
    return e.cause instanceof Error ? e.cause.message : e.message;
  }
  return 'not refused';
}

async function setup() {
  const db = await createTestDb();
  await importCatalogue(db, [catalogueRow({ id: 1 }), catalogueRow({ id: 2 }), catalogueRow({ id: 3 })], { now: new Date('2025-01-01') });
  return db;
}

describe('closeEdition', () => {
  it('resolves every procedure × criterion from the quarter’s measurements', async () => {
    const db = await setup();
    // procedure 1: online, FranceConnect, good survey, statement 63.5 %
    await observe(db, 1, 'online', '2026-07-10', 'Partiel');
    const latestOnline = await observe(db, 1, 'online', '2026-08-10', 'Oui');
    await observe(db, 1, 'online', '2026-09-10', null); // a later failed crawl does not erase the measurement
    await observe(db, 1, 'online', '2026-10-02', 'Non'); // next quarter: ignored
    await observe(db, 1, 'auth', '2026-08-10', 'FranceConnect');
    await observe(db, 1, 'handicap', '2026-08-10', 63.5);
    await observe(db, 1, 'satisfaction', '2026-09-29', 8.4, { answers: 1500 });
    await observe(db, 1, 'simplicity', '2026-09-29', 9.1, { answers: 42 });
    await observe(db, 1, 'help_reachable', '2026-09-29', 71.9, { answers: 346 });
    // procedure 2: not online, so left out of the other criteria's shares
    await observe(db, 2, 'online', '2026-08-10', 'Non');
    await observe(db, 2, 'auth', '2026-08-10', null, { status: 'not_applicable', reason: 'no_online_procedure' });
    // procedure 3: only a failure
    await observe(db, 3, 'online', '2026-08-10', null);
    // probes: procedure 1 available 3 times out of 4 with 100 and 300 ms…; procedure 2 blocked by robots.txt
    await recordProbes(db, [{ procedureId: 1, ok: true, httpStatus: 200, durationMs: 100, failure: null }, { procedureId: 2, ok: false, httpStatus: null, durationMs: null, failure: 'blocked' }], new Date('2026-07-05'));
    await recordProbes(db, [{ procedureId: 1, ok: true, httpStatus: 200, durationMs: 300, failure: null }], new Date('2026-08-05'));
    await recordProbes(db, [{ procedureId: 1, ok: true, httpStatus: 200, durationMs: 200, failure: null }], new Date('2026-08-06'));
    await recordProbes(db, [{ procedureId: 1, ok: false, httpStatus: 503, durationMs: 50, failure: 'http' }], new Date('2026-09-05'));
    await recordProbes(db, [{ procedureId: 1, ok: false, httpStatus: null, durationMs: null, failure: 'timeout' }], new Date('2026-10-05')); // next quarter
    // a declaration of digital take-up for procedure 1, and a withdrawn one for procedure 2
    await db.insert(declarations).values({ procedureId: 1, criterion: 'usage', valueNum: 64, justification: 'Rapport annuel 2025', declaredBy: 'equipe@interieur', declaredAt: new Date('2026-08-01') });
    await db.insert(declarations).values({ procedureId: 2, criterion: 'usage', valueNum: 12, justification: 'x', declaredBy: 'y', declaredAt: new Date('2026-05-01'), supersededAt: new Date('2026-06-01') });

    const summary = await closeEdition(db, '2026-T3', { now: new Date('2026-10-01T02:00:00Z') });
    expect(summary.procedures).toBe(3);

    expect(await score(db, '2026-T3', 1, 'online')).toMatchObject({ status: 'measured', valueText: 'Oui', level: 'Oui', goal: true, source: 'crawl', observationId: latestOnline, change: 'new' });
    expect(await score(db, '2026-T3', 1, 'auth')).toMatchObject({ level: 'FranceConnect', goal: true, source: 'crawl' });
    expect(await score(db, '2026-T3', 1, 'handicap')).toMatchObject({ valueNum: 63.5, level: 'Partiel', goal: false });
    expect(await score(db, '2026-T3', 1, 'satisfaction')).toMatchObject({ status: 'measured', valueNum: 8.4, level: 'Bonne', goal: true, source: 'survey' });
    expect(await score(db, '2026-T3', 1, 'simplicity')).toMatchObject({ status: 'unmeasurable', reason: 'insufficient_answers', source: 'survey', goal: null });
    expect(await score(db, '2026-T3', 1, 'help_reachable')).toMatchObject({ level: 'Moyenne', goal: false });
    expect(await score(db, '2026-T3', 1, 'uptime')).toMatchObject({ status: 'measured', valueNum: 75, level: 'Insuffisante', goal: false, source: 'crawl' });
    expect(await score(db, '2026-T3', 1, 'performance')).toMatchObject({ status: 'measured', valueNum: 200, level: 'Rapide', goal: true });
    expect(await score(db, '2026-T3', 1, 'usage')).toMatchObject({ status: 'measured', valueNum: 64, level: null, goal: null, source: 'declared', declarationId: expect.any(Number) });
    expect(await score(db, '2026-T3', 1, 'mobile')).toMatchObject({ status: 'unmeasurable', reason: 'no_data', source: null });
    expect(await score(db, '2026-T3', 2, 'auth')).toMatchObject({ status: 'not_applicable', reason: 'no_online_procedure' });
    expect(await score(db, '2026-T3', 2, 'uptime')).toMatchObject({ status: 'unmeasurable', reason: 'blocked' });
    expect(await score(db, '2026-T3', 2, 'usage')).toMatchObject({ status: 'unmeasurable', reason: 'no_data' });
    expect(await score(db, '2026-T3', 3, 'online')).toMatchObject({ status: 'unmeasurable', reason: 'timeout' });

    // coverage: online 2 of 3; auth: procedure 2 is not online, procedure 3 unmeasured → 1 of 2
    expect(summary.coverage['online']).toBeCloseTo(2 / 3);
    expect(summary.coverage['auth']).toBeCloseTo(1 / 2);
    const edition = (await first(db.select().from(editions).where(eq(editions.slug, '2026-T3'))))!;
    expect(edition).toMatchObject({ status: 'draft', methodologyVersion: 2, periodStart: new Date('2026-07-01T00:00:00Z'), periodEnd: new Date('2026-10-01T00:00:00Z') });
  });

  it('records the change since the previous published edition', async () => {
    const db = await setup();
    await observe(db, 1, 'online', '2026-05-10', 'Partiel');
    await observe(db, 1, 'mobile', '2026-05-10', 'Oui');
    await observe(db, 1, 'handicap', '2026-05-10', 40);
    await closeEdition(db, '2026-T2', { now: new Date('2026-07-01') });
    await publishEdition(db, '2026-T2');
    await observe(db, 1, 'online', '2026-08-10', 'Oui');
    await observe(db, 1, 'mobile', '2026-08-10', 'Non');
    await observe(db, 1, 'handicap', '2026-08-10', 45);
    await observe(db, 1, 'auth', '2026-08-10', 'Non');
    const summary = await closeEdition(db, '2026-T3', { now: new Date('2026-10-01') });
    expect((await score(db, '2026-T3', 1, 'online')).change).toBe('improved');
    expect((await score(db, '2026-T3', 1, 'mobile')).change).toBe('regressed');
    expect((await score(db, '2026-T3', 1, 'handicap')).change).toBe('unchanged');
    expect((await score(db, '2026-T3', 1, 'auth')).change).toBe('new');
    expect((await score(db, '2026-T3', 1, 'satisfaction')).change).toBeNull();
    expect(summary.changes).toMatchObject({ improved: 1, regressed: 1, unchanged: 1 });
  });

  it('recomputes a draft when closed again, and freezes it once published', async () => {
    const db = await setup();
    await observe(db, 1, 'online', '2026-08-10', 'Partiel');
    await closeEdition(db, '2026-T3', { now: new Date('2026-09-01') });
    await observe(db, 1, 'online', '2026-09-20', 'Oui');
    await closeEdition(db, '2026-T3', { now: new Date('2026-10-01') });
    expect((await score(db, '2026-T3', 1, 'online')).level).toBe('Oui');
    expect(await db.select().from(editionScores)).toHaveLength(3 * methodologyV1.criteria.length);

    await publishEdition(db, '2026-T3', new Date('2026-10-02'));
    expect(await first(db.select().from(editions))).toMatchObject({ status: 'published', publishedAt: new Date('2026-10-02') });
    await expect(publishEdition(db, '2026-T3')).rejects.toThrow(/already published: a published edition never changes/);
    await expect(closeEdition(db, '2026-T3')).rejects.toThrow(EditionError);
    // Even a bug that writes straight to the tables is stopped by the database.
    expect(await refusal(db.update(editionScores).set({ level: 'Non' }))).toMatch(/frozen/);
    expect(await refusal(db.delete(editionScores))).toMatch(/frozen/);
    expect(await refusal(db.update(editions).set({ status: 'draft' }))).toMatch(/never changes/);
    expect((await score(db, '2026-T3', 1, 'online')).level).toBe('Oui');
  });

  it('refuses what is not a quarter, a quarter not started, and publishing what was never closed', async () => {
    const db = await setup();
    await expect(closeEdition(db, '2026-Q3')).rejects.toThrow(/not a quarter/);
    await expect(closeEdition(db, '2027-T1', { now: new Date('2026-11-01') })).rejects.toThrow(/has not started/);
    await expect(publishEdition(db, '2026-T1')).rejects.toThrow(/no draft edition 2026-T1/);
  });

  it('refuses a quarter in which nothing was measured (a mistyped 2011-T1), unless closed empty on purpose', async () => {
    const db = await setup();
    await expect(closeEdition(db, '2011-T1', { now: new Date('2026-11-01') })).rejects.toThrow(/nothing was measured in this quarter/);
    expect(await db.select().from(editions)).toEqual([]);
    expect(await closeEdition(db, '2011-T1', { now: new Date('2026-11-01'), allowEmpty: true })).toMatchObject({ slug: '2011-T1' });
  });

  it('takes a declared "Démarche proactive" over the crawl, and a declaration only where nothing was measured', async () => {
    const db = await setup();
    await observe(db, 1, 'online', '2026-08-10', 'Non');
    await db.insert(declarations).values({ procedureId: 1, criterion: 'online', valueText: 'Démarche proactive', justification: 'Versée sans demande', declaredBy: 'a', declaredAt: new Date('2026-07-02') });
    await observe(db, 2, 'dlnuf', '2026-08-10', 3);
    await db.insert(declarations).values({ procedureId: 2, criterion: 'dlnuf', valueNum: 0, justification: 'x', declaredBy: 'a', declaredAt: new Date('2026-07-02') });
    await observe(db, 3, 'dlnuf', '2026-08-10', null, { reason: 'form_behind_login' });
    await db.insert(declarations).values({ procedureId: 3, criterion: 'dlnuf', valueNum: 1, justification: 'Formulaire derrière FranceConnect', declaredBy: 'a', declaredAt: new Date('2026-07-02') });
    await closeEdition(db, '2026-T3', { now: new Date('2026-10-01') });
    expect(await score(db, '2026-T3', 1, 'online')).toMatchObject({ level: 'Démarche proactive', goal: true, source: 'declared' });
    expect(await score(db, '2026-T3', 2, 'dlnuf')).toMatchObject({ valueNum: 3, source: 'crawl' });
    expect(await score(db, '2026-T3', 3, 'dlnuf')).toMatchObject({ valueNum: 1, level: 'Optimal', source: 'declared' });
  });
});

describe('changeSince', () => {
  const c = (slug: string) => criterionBySlug(methodologyV1, slug)!;
  const m = (level: string, goal: boolean) => ({ state: 'measured', level, goal });
  it.each([
    ['uptime', m('Correcte', false), m('Excellente', true), 'improved'],
    ['uptime', m('Insuffisante', false), m('Correcte', false), 'improved'],
    ['performance', m('Rapide', true), m('Lent', false), 'regressed'],
    ['online', m('Non', false), m('Partiel', false), 'improved'],
    ['auth', m('FranceConnect', true), m('FranceConnect+', true), 'unchanged'],
    ['online', m('Oui', true), m('Démarche proactive', true), 'unchanged'],
  ] as const)('%s: %j → %j is %s', (slug, before, after, expected) => {
    expect(changeSince(c(slug), before, after)).toBe(expected);
  });
});
