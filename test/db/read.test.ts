import { describe, expect, it } from 'vitest';
import { openMigratedDatabase } from '../../db/client.ts';
import { declarationsInForce, previousPublishedEdition } from '../../db/read.ts';
import { declarations, editions } from '../../db/schema/index.ts';
import { importCatalogue } from '../../server/catalogue/import.ts';
import { catalogueRow } from '../helpers/db.ts';
import { parseQuarter } from '../../methodology/quarters.ts';

describe('previousPublishedEdition', () => {
  it('is the latest published edition whose period starts before, a quarter left unpublished skipped', () => {
    const db = openMigratedDatabase(':memory:');
    const add = (slug: string, status: 'draft' | 'published') => {
      const q = parseQuarter(slug)!;
      db.insert(editions).values({ slug, periodStart: q.start, periodEnd: q.end, methodologyVersion: 1, status, closedAt: q.end, publishedAt: status === 'published' ? q.end : null, coverage: {} }).run();
    };
    add('2026-T1', 'published');
    add('2026-T2', 'draft');
    add('2026-T3', 'published');
    const previous = (slug: string) => previousPublishedEdition(db, parseQuarter(slug)!.start)?.slug ?? null;
    expect(previous('2026-T1')).toBeNull(); // the first edition has none
    expect(previous('2026-T2')).toBe('2026-T1'); // a draft is compared with what the public read
    expect(previous('2026-T3')).toBe('2026-T1'); // the unpublished quarter is skipped
    expect(previous('2026-T4')).toBe('2026-T3'); // a quarter not closed yet: the latest published
    expect(previous('2025-T4')).toBeNull();
  });
});

describe('declarationsInForce', () => {
  it('gives the declaration in force now, or just before a date: made before it, not superseded before it', () => {
    const db = openMigratedDatabase(':memory:');
    importCatalogue(db, [catalogueRow({ id: 7 })]);
    const declare = (value: number, at: string, supersededAt: string | null) =>
      db.insert(declarations).values({ procedureId: 7, criterion: 'usage', valueNum: value, justification: 'statistiques de la démarche', declaredBy: 'équipe', declaredAt: new Date(at), supersededAt: supersededAt ? new Date(supersededAt) : null }).run();
    declare(40, '2026-01-10T00:00:00Z', '2026-02-20T00:00:00Z');
    declare(55, '2026-02-20T00:00:00Z', null);
    const value = (at?: string) => declarationsInForce(db, at === undefined ? [7] : undefined, at ? new Date(at) : undefined).get('7:usage')?.valueNum ?? null;
    expect(value()).toBe(55);
    expect(value('2026-01-01T00:00:00Z')).toBeNull(); // nothing declared yet
    expect(value('2026-02-01T00:00:00Z')).toBe(40);
    expect(value('2026-02-20T00:00:00Z')).toBe(40); // just before the second one
    expect(value('2026-04-01T00:00:00Z')).toBe(55);
  });
});
