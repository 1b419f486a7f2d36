import { describe, expect, it } from 'vitest';
import { previousEdition } from '../../methodology/index.ts';

const edition = (slug: string, status: 'draft' | 'published', periodStart: string) => ({ slug, status, periodStart: new Date(periodStart) });

describe('previousEdition', () => {
  const editions = [
    edition('2026-T1', 'published', '2026-01-01T00:00:00Z'),
    edition('2026-T2', 'draft', '2026-04-01T00:00:00Z'),
    edition('2025-T4', 'published', '2025-10-01T00:00:00Z'),
    edition('2026-T3', 'published', '2026-07-01T00:00:00Z'),
  ];

  it('is the latest published edition whose period starts before, an unpublished quarter skipped', () => {
    expect(previousEdition(editions, new Date('2026-10-01T00:00:00Z'))?.slug).toBe('2026-T3');
    expect(previousEdition(editions, new Date('2026-07-01T00:00:00Z'))?.slug).toBe('2026-T1');
    expect(previousEdition(editions, new Date('2026-04-01T00:00:00Z'))?.slug).toBe('2026-T1');
  });

  it('is none for the first edition, and never the edition itself or a later one', () => {
    expect(previousEdition(editions, new Date('2025-10-01T00:00:00Z'))).toBeUndefined();
    expect(previousEdition([], new Date('2026-10-01T00:00:00Z'))).toBeUndefined();
    expect(previousEdition([edition('2027-T1', 'published', '2027-01-01T00:00:00Z')], new Date('2026-10-01T00:00:00Z'))).toBeUndefined();
  });
});
