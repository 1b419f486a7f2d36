import { describe, expect, it } from 'vitest';
import { declarationsInForce, previousPublishedEdition } from '../../db/read.ts';
import { declarations, editions } from '../../db/schema/index.ts';
import { importCatalogue } from '../../server/catalogue/import.ts';
import { catalogueRow, createTestDb } from '../helpers/db.ts';
import { parseQuarter } from '../../methodology/quarters.ts';

describe('previousPublishedEdition', () => {
  it('is the latest published edition whose period starts before, a quarter left unpublished skipped', async () => {
    const db = await createTestDb();
    const add = async (slug: string, status: 'draft' | 'published') => {
      const q = parseQuarter(slug)!;
      await db.insert(editions).values({ slug, periodStart: q.start, periodEnd: q.end, methodologyVersion: 1, status, closedAt: q.end, publishedAt: status === 'published' ? q.end : null, coverage: {} });
    };
    await add('2026-T1', 'published');
    await add('2026-T2', 'draft');
    await add('2026-T3', 'published');
    const previous = async (slug: string) => (await previousPublishedEdition(db, parseQuarter(slug)!.start))?.slug ?? null;
    expect(await previous('2026-T1')).toBeNull(); // the first edition has none
    expect(await previous('2026-T2')).toBe('2026-T1'); // a draft is compared with what the public read
    expect(await previous('2026-T3')).toBe('2026-T1'); // the unpublished quarter is skipped
    expect(await previous('2026-T4')).toBe('2026-T3'); // a quarter not closed yet: the latest published
    expect(await previous('2025-T4')).toBeNull();
  });
});

describe('declarationsInForce', () => {
  it('gives the declaration in force now, or just before a date: made before it, not superseded before it', async () => {
    const db = await createTestDb();
    await importCatalogue(db, [catalogueRow({ id: 7 })]);
    const declare = async (value: number, at: string, supersededAt: string | null) =>
      db.insert(declarations).values({ procedureId: 7, criterion: 'usage', valueNum: value, justification: 'statistiques de la démarche', declaredBy: 'équipe', declaredAt: new Date(at), supersededAt: supersededAt ? new Date(supersededAt) : null });
    await declare(40, '2026-01-10T00:00:00Z', '2026-02-20T00:00:00Z');
    await declare(55, '2026-02-20T00:00:00Z', null);
    const value = async (at?: string) => (await declarationsInForce(db, at === undefined ? [7] : undefined, at ? new Date(at) : undefined)).get('7:usage')?.valueNum ?? null;
    expect(await value()).toBe(55);
    expect(await value('2026-01-01T00:00:00Z')).toBeNull(); // nothing declared yet
    expect(await value('2026-02-01T00:00:00Z')).toBe(40);
    expect(await value('2026-02-20T00:00:00Z')).toBe(40); // just before the second one
    expect(await value('2026-04-01T00:00:00Z')).toBe(55);
  });
});
