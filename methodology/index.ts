import { methodologyV1 } from './v1.ts';
import type { Criterion, Methodology } from './types.ts';

export * from './types.ts';
export * from './resolve.ts';
export * from './groups.ts';
export { methodologyV1 };

/** The methodology new editions are built with. */
export const currentMethodology: Methodology = methodologyV1;

const byVersion = new Map<number, Methodology>([[methodologyV1.version, methodologyV1]]);

export function methodologyVersion(version: number): Methodology | undefined {
  return byVersion.get(version);
}

export function criterionBySlug(methodology: Methodology, slug: string): Criterion | undefined {
  return methodology.criteria.find((c) => c.slug === slug);
}
export * from './quarters.ts';
