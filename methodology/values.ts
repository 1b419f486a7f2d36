import { UNMEASURABLE_REASONS, type Criterion, type RawValue, type Source } from './types.ts';

// Which measurement a criterion's value comes from, and how: pure rules, no I/O. The edition's
// close, the ministry space and the re-checks all read values through pickValue.

/** The online value only a team can declare: nothing to do online, because nothing is asked. */
export const PROACTIVE = 'Démarche proactive';

/** What pickValue reads of an observation (a query may select just these columns). */
export interface ObservedValue {
  id: number;
  status: 'measured' | 'not_applicable' | 'unmeasurable';
  valueNum: number | null;
  valueText: string | null;
  answers: number | null;
  reason: string | null;
}

/** What pickValue reads of a team's declaration. */
export interface DeclaredValue {
  id: number;
  valueNum: number | null;
  valueText: string | null;
  answers: number | null;
}

/** The probes of a period added up for one procedure: what uptime and response time are computed from. */
export interface ProbeRollup {
  samples: number;
  failures: number;
  /** Probes robots.txt forbade: they say nothing of availability. */
  blocked: number;
  durationSumMs: number;
}

export interface Picked {
  raw: RawValue;
  source: Source | null;
  observationId: number | null;
  declarationId: number | null;
}

/** A stored value: its number, or else its text, or null — how observations, declarations and edition cells keep one value in two columns. */
export function storedValue(row: { valueNum: number | null; valueText: string | null }): number | string | null {
  return row.valueNum ?? row.valueText;
}

/** Criteria whose value is the latest observation of the quarter: page checks and the survey. */
export function observedCriteria(criteria: readonly Criterion[]): string[] {
  return criteria.filter((c) => c.obtainedBy === 'check' || c.obtainedBy === 'survey').map((c) => c.slug);
}

/** The value a criterion takes from what was observed, declared and probed: measured wins, a declaration fills the rest. */
export function pickValue(criterion: Criterion, observation: ObservedValue | undefined, declaration: DeclaredValue | undefined, probes?: ProbeRollup): Picked {
  const observedSource: Source = criterion.obtainedBy === 'survey' ? 'survey' : 'crawl';
  const fromDeclaration = (d: DeclaredValue): Picked => ({
    raw: { state: 'measured', value: storedValue(d) ?? '', answers: d.answers ?? undefined },
    source: 'declared',
    observationId: null,
    declarationId: d.id,
  });
  if (criterion.obtainedBy === 'probe') {
    const ok = probes ? probes.samples - probes.failures : 0;
    // A probe robots.txt forbids says nothing of availability: it is left out, not counted down.
    const counted = probes ? probes.samples - probes.blocked : 0;
    if (!probes || probes.samples === 0) return { raw: { state: 'unmeasurable', reason: UNMEASURABLE_REASONS.noData }, source: null, observationId: null, declarationId: null };
    if (counted === 0) return { raw: { state: 'unmeasurable', reason: 'blocked' }, source: 'crawl', observationId: null, declarationId: null };
    // Availability is a share of the probes (percent); response time, their mean duration.
    if (criterion.unit === 'percent') return { raw: { state: 'measured', value: (100 * ok) / counted }, source: 'crawl', observationId: null, declarationId: null };
    if (ok === 0) return { raw: { state: 'unmeasurable', reason: 'no_successful_probe' }, source: 'crawl', observationId: null, declarationId: null };
    // Mean response time of the successful probes.
    return { raw: { state: 'measured', value: Math.round(probes.durationSumMs / ok) }, source: 'crawl', observationId: null, declarationId: null };
  }
  // "Démarche proactive" can only be declared: nothing to do online because nothing is asked.
  if (criterion.slug === 'online' && declaration?.valueText === PROACTIVE) return fromDeclaration(declaration);
  // Measured wins; a declaration fills what could not be measured.
  if (observation?.status === 'measured') {
    return {
      raw: { state: 'measured', value: storedValue(observation), answers: observation.answers ?? undefined, reason: observation.reason ?? undefined },
      source: observedSource,
      observationId: observation.id,
      declarationId: null,
    };
  }
  if (declaration) return fromDeclaration(declaration);
  if (observation) {
    const raw: RawValue = observation.status === 'not_applicable' ? { state: 'not_applicable', reason: observation.reason ?? undefined } : { state: 'unmeasurable', reason: observation.reason ?? 'unknown' };
    return { raw, source: observedSource, observationId: observation.id, declarationId: null };
  }
  return { raw: { state: 'unmeasurable', reason: UNMEASURABLE_REASONS.noData }, source: null, observationId: null, declarationId: null };
}
