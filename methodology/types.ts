// The vocabulary of the methodology, shared by the edition engine, the API and the dashboard.

export const VALUE_STATES = ['measured', 'not_applicable', 'unmeasurable'] as const;
export type ValueState = (typeof VALUE_STATES)[number];

export const SOURCES = ['crawl', 'survey', 'declared'] as const;
export type Source = (typeof SOURCES)[number];

export const UNITS = ['label', 'percent', 'score10', 'ms', 'items', 'violations'] as const;
export type Unit = (typeof UNITS)[number];

/** A level of a text scale: the value must equal the label. */
export interface LabelLevel {
  label: string;
  goal: boolean;
}

/** A level of a "higher is better" scale: reached when value >= min; `min: null` is the catch-all. */
export interface MinLevel extends LabelLevel {
  min: number | null;
}

/** A level of a "lower is better" scale: reached when value < below; `below: null` is the catch-all. */
export interface BelowLevel extends LabelLevel {
  below: number | null;
}

export type Scale =
  | { kind: 'labels'; levels: LabelLevel[] }
  | { kind: 'higher'; levels: MinLevel[] }
  | { kind: 'lower'; levels: BelowLevel[] }
  | { kind: 'none' };

/**
 * How a criterion's value is obtained: a page check of the crawler, the users' survey, the
 * probes of the start page, or a team's declaration only. Which criteria the edition reads from
 * observations, from the survey or from probes is derived from it (see values.ts).
 */
export const OBTAINED_BY = ['check', 'survey', 'probe', 'declaration'] as const;
export type ObtainedBy = (typeof OBTAINED_BY)[number];

export interface Criterion {
  slug: string;
  label: string;
  /** How the value is obtained, in French, for the methodology page. */
  method: string;
  obtainedBy: ObtainedBy;
  sources: Source[];
  unit: Unit;
  scale: Scale;
  /** Survey criteria: fewer answers than this makes the value not measurable (v2: the methodology's `surveyMinAnswers`, for every survey-based criterion). */
  minAnswers?: number;
  /** Decimals a numeric value is rounded to (half up) before its level is read; v1 kept the raw value. */
  precision?: number;
  /** Text values that mean "this criterion does not apply to this procedure". */
  notApplicableLabels?: string[];
  /**
   * Flags (a measured value's reason) that put it at a level whatever the value: a missing,
   * unreachable or expired accessibility statement is "Non", its rate kept and shown.
   */
  flagLevels?: Readonly<Record<string, string>>;
  /** Text readings that stand for a level when no number was read: a statement's state without a rate. */
  textLevels?: Readonly<Record<string, string>>;
}

export interface Methodology {
  version: number;
  criteria: readonly Criterion[];
  /** Share of measured procedures reaching the goal that a group should reach. */
  groupTarget: number;
  /** The answer count every survey-based value needs (v2 on), stated once for all of them. */
  surveyMinAnswers?: number;
}

/** A raw value as a check, the survey adapter or a declaration hands it over. */
export type RawValue =
  | { state: 'measured'; value: number | string | null; answers?: number; reason?: string }
  | { state: 'not_applicable'; reason?: string }
  | { state: 'unmeasurable'; reason: string };

export const UNMEASURABLE_REASONS = {
  insufficientAnswers: 'insufficient_answers',
  noData: 'no_data',
  noValue: 'no_value',
  /** Measured, its level given by a text reading (a statement's state) because no number was published. */
  levelFromText: 'level_from_state',
} as const;

export interface ResolvedValue {
  state: ValueState;
  value: number | string | null;
  level: string | null;
  /** null when the criterion has no goal or the value is not measured. */
  goal: boolean | null;
  reason: string | null;
}
