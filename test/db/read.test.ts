import { describe, expect, it } from 'vitest';
import { openMigratedDatabase } from '../../db/client.ts';
import { previousPublishedEdition } from '../../db/read.ts';
import { editions } from '../../db/schema/index.ts';
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
