import type { Criterion, Methodology, ResolvedValue } from './types.ts';

export interface ProcedureValues {
  procedureId: number;
  /** Resolved values by criterion slug; a missing criterion counts as not measurable. */
  values: Readonly<Record<string, ResolvedValue | undefined>>;
}

export interface GroupScore {
  criterion: string;
  /** Procedures in the group. */
  total: number;
  /** Procedures left out because they are not online (every criterion but `online` itself). */
  notOnline: number;
  notApplicable: number;
  unmeasurable: number;
  measured: number;
  reachingGoal: number;
  /** Measured procedures per level label, in the level table's order (best first); the stacked bars' data. */
  levels: Record<string, number>;
  /** reachingGoal / measured; null when nothing is measured or the criterion has no goal. */
  share: number | null;
  /** measured / (total - notOnline - notApplicable): how much of what could be measured was. */
  coverage: number | null;
  /** share >= the methodology's group target; null when share is null. */
  targetReached: boolean | null;
}

/** A procedure is "not online" when its online criterion was measured as "Non". */
export function isNotOnline(p: ProcedureValues): boolean {
  const online = p.values['online'];
  return online?.state === 'measured' && online.level === 'Non';
}

export function groupScore(
  methodology: Methodology,
  criterion: Criterion,
  procedures: readonly ProcedureValues[],
): GroupScore {
  const hasGoal = criterion.scale.kind !== 'none';
  const score = {
    criterion: criterion.slug,
    total: procedures.length,
    notOnline: 0,
    notApplicable: 0,
    unmeasurable: 0,
    measured: 0,
    reachingGoal: 0,
  };
  const levels: Record<string, number> = {};
  if (criterion.scale.kind !== 'none') for (const l of criterion.scale.levels) levels[l.label] = 0;
  for (const p of procedures) {
    if (criterion.slug !== 'online' && isNotOnline(p)) {
      score.notOnline++;
      continue;
    }
    const v = p.values[criterion.slug];
    if (v?.state === 'measured') {
      score.measured++;
      if (v.goal === true) score.reachingGoal++;
      if (v.level !== null) levels[v.level] = (levels[v.level] ?? 0) + 1;
    } else if (v?.state === 'not_applicable') {
      score.notApplicable++;
    } else {
      score.unmeasurable++;
    }
  }
  const applicable = score.total - score.notOnline - score.notApplicable;
  const share = hasGoal && score.measured > 0 ? score.reachingGoal / score.measured : null;
  return {
    ...score,
    levels,
    share,
    coverage: applicable > 0 ? score.measured / applicable : null,
    targetReached: share === null ? null : share >= methodology.groupTarget,
  };
}

/** Every criterion's score for one group of procedures (a ministry, an administration, the observatory). */
export function groupScores(methodology: Methodology, procedures: readonly ProcedureValues[]): GroupScore[] {
  return methodology.criteria.map((c) => groupScore(methodology, c, procedures));
}
