export * from './ministries.ts';
export * from './administrations.ts';
export * from './procedures.ts';
export * from './crawl-runs.ts';
export * from './observations.ts';
export * from './probes.ts';
export * from './declarations.ts';
export * from './editions.ts';
