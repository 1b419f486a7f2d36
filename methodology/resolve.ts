import { roundHalfUp } from './rounding.ts';
import {
  UNMEASURABLE_REASONS,
  type Criterion,
  type LabelLevel,
  type RawValue,
  type ResolvedValue,
} from './types.ts';

/** A value that the methodology cannot place: a bug in a check or a bad declaration, never user data to guess at. */
export class MethodologyError extends Error {
  override name = 'MethodologyError';
}

/**
 * The level a measured value takes: for numeric scales the first level (in table order) whose
 * bound it satisfies, for text scales the level with that label. Returns null for scales
 * without levels.
 */
export function levelOf(criterion: Criterion, value: number | string): LabelLevel | null {
  const { scale } = criterion;
  switch (scale.kind) {
    case 'none':
      return null;
    case 'labels': {
      const level = scale.levels.find((l) => l.label === value);
      if (!level) {
        throw new MethodologyError(
          `${criterion.slug}: "${String(value)}" is not a level (expected one of ${scale.levels.map((l) => `"${l.label}"`).join(', ')})`,
        );
      }
      return level;
    }
    case 'higher': {
      const n = requireNumber(criterion, value);
      return scale.levels.find((l) => l.min === null || n >= l.min) ?? fallthrough(criterion);
    }
    case 'lower': {
      const n = requireNumber(criterion, value);
      return scale.levels.find((l) => l.below === null || n < l.below) ?? fallthrough(criterion);
    }
  }
}

/** Turns a raw value into its state, level and goal flag, applying the answer-count rule. */
export function resolveValue(criterion: Criterion, measured: RawValue): ResolvedValue {
  // The published precision first: the level is the level of the figure people read.
  const raw: RawValue =
    measured.state === 'measured' && typeof measured.value === 'number' && criterion.precision !== undefined
      ? { ...measured, value: roundHalfUp(measured.value, criterion.precision) }
      : measured;
  if (raw.state === 'not_applicable') {
    return { state: 'not_applicable', value: null, level: null, goal: null, reason: raw.reason ?? null };
  }
  if (raw.state === 'unmeasurable') {
    return { state: 'unmeasurable', value: null, level: null, goal: null, reason: raw.reason };
  }
  // A flag decides the level whatever the value (the value, if any, is kept and shown).
  const flagged = raw.reason ? criterion.flagLevels?.[raw.reason] : undefined;
  if (flagged !== undefined) {
    const level = levelByLabel(criterion, flagged);
    // The value is kept only if it is a number of the scale (an expired statement's rate), not a text reading.
    return { state: 'measured', value: typeof raw.value === 'number' ? raw.value : null, level: level.label, goal: level.goal, reason: raw.reason ?? null };
  }
  if (raw.value === null) {
    return { state: 'unmeasurable', value: null, level: null, goal: null, reason: raw.reason ?? UNMEASURABLE_REASONS.noValue };
  }
  // A text reading standing for a level (a statement's state without a rate): the level is the
  // reading's, the value stays empty — no number is made up — and the reason says so.
  if (typeof raw.value === 'string' && criterion.textLevels?.[raw.value] !== undefined) {
    const level = levelByLabel(criterion, criterion.textLevels[raw.value]!);
    return { state: 'measured', value: null, level: level.label, goal: level.goal, reason: UNMEASURABLE_REASONS.levelFromText };
  }
  if (typeof raw.value === 'string' && criterion.notApplicableLabels?.includes(raw.value)) {
    return { state: 'not_applicable', value: null, level: null, goal: null, reason: raw.value };
  }
  if (criterion.minAnswers !== undefined && (raw.answers ?? 0) < criterion.minAnswers) {
    // No value: a mean of 3 answers is not published anywhere (the reading stays in the evidence).
    return {
      state: 'unmeasurable',
      value: null,
      level: null,
      goal: null,
      reason: UNMEASURABLE_REASONS.insufficientAnswers,
    };
  }
  const level = levelOf(criterion, raw.value);
  return {
    state: 'measured',
    value: raw.value,
    level: level?.label ?? null,
    goal: level ? level.goal : null,
    reason: null,
  };
}

/** Like resolveValue, but a value the methodology cannot place is reported (`invalid_value`), not thrown. */
export function safeResolve(criterion: Criterion, raw: RawValue): ResolvedValue {
  try {
    return resolveValue(criterion, raw);
  } catch (err) {
    if (err instanceof MethodologyError) return { state: 'unmeasurable', value: null, level: null, goal: null, reason: 'invalid_value' };
    throw err;
  }
}

function levelByLabel(criterion: Criterion, label: string): LabelLevel {
  const scale = criterion.scale;
  const level = scale.kind === 'none' ? undefined : (scale.levels as LabelLevel[]).find((l) => l.label === label);
  if (!level) throw new MethodologyError(`${criterion.slug}: "${label}" is not a level of its table`);
  return level;
}

function requireNumber(criterion: Criterion, value: number | string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new MethodologyError(`${criterion.slug}: expected a finite number, got ${JSON.stringify(value)}`);
  }
  return value;
}

function fallthrough(criterion: Criterion): never {
  throw new MethodologyError(`${criterion.slug}: the level table has no catch-all level`);
}
