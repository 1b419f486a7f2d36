import { methodologyV1 } from './v1.ts';
import { methodologyV2 } from './v2.ts';
import type { Criterion, Methodology } from './types.ts';
import { publishedValue } from './rounding.ts';

export * from './types.ts';
export * from './resolve.ts';
export * from './groups.ts';
export * from './rounding.ts';
export * from './change.ts';
export * from './values.ts';
export { methodologyV1, methodologyV2 };

/** The methodology new editions are built with. */
export const currentMethodology: Methodology = methodologyV2;

const byVersion = new Map<number, Methodology>([methodologyV1, methodologyV2].map((m) => [m.version, m]));

export function methodologyVersion(version: number): Methodology | undefined {
  return byVersion.get(version);
}

const unitOf = new Map(methodologyV2.criteria.map((c) => [c.slug, c.unit]));

/**
 * An edition's stored value as it is published (API, CSV, dashboard): at its unit's precision.
 * Editions built with v2 already store it so; those built with v1 stored the raw reading.
 */
export function publishedScore<T extends number | string | null>(criterionSlug: string, value: T): T {
  const unit = unitOf.get(criterionSlug);
  return unit ? publishedValue(unit, value) : value;
}

export function criterionBySlug(methodology: Methodology, slug: string): Criterion | undefined {
  return methodology.criteria.find((c) => c.slug === slug);
}
export * from './quarters.ts';
