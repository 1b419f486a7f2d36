import type { Criterion } from './types.ts';

/** How a score moved since the previous edition. */
export const CHANGES = ['improved', 'regressed', 'unchanged', 'new'] as const;
export type Change = (typeof CHANGES)[number];

export interface ScoreLike {
  state: string;
  level: string | null;
  goal: boolean | null;
}

/**
 * How a score moved since the previous edition. Reaching the goal beats missing it; between two
 * levels on the same side of the goal, the one higher in the table is better (tables run best
 * first). Two goal levels of a text table (FranceConnect / FranceConnect+) are equally good.
 * Null when nothing can be compared (not measured now).
 */
export function changeSince(criterion: Criterion, previous: ScoreLike | undefined, current: ScoreLike): Change | null {
  if (current.state !== 'measured') return null;
  if (!previous || previous.state !== 'measured') return 'new';
  if (current.goal !== previous.goal && current.goal !== null && previous.goal !== null) return current.goal ? 'improved' : 'regressed';
  if (current.level === previous.level) return 'unchanged';
  if (criterion.scale.kind === 'labels' && current.goal) return 'unchanged';
  if (criterion.scale.kind === 'none') return 'unchanged';
  const order = criterion.scale.levels.map((l) => l.label);
  const before = order.indexOf(previous.level ?? '');
  const now = order.indexOf(current.level ?? '');
  if (before < 0 || now < 0) return 'unchanged';
  return now < before ? 'improved' : 'regressed';
}

/** What "the previous edition" reads of an edition. */
export interface EditionLike {
  status: string;
  periodStart: Date;
}

/**
 * "The previous edition" of an edition whose period starts at `periodStart`, the one rule every
 * comparison uses (changes at close, the draft's preview, the syntheses' trends): the latest
 * published edition whose period starts before it. A quarter left unpublished is skipped, so the
 * comparison is with what the public last read.
 */
export function previousEdition<E extends EditionLike>(editions: readonly E[], periodStart: Date): E | undefined {
  let best: E | undefined;
  for (const e of editions) {
    if (e.status !== 'published' || e.periodStart.getTime() >= periodStart.getTime()) continue;
    if (!best || e.periodStart.getTime() > best.periodStart.getTime()) best = e;
  }
  return best;
}
