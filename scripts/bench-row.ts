// One line of `npm run bench`: a figure, the baseline measured in the same run and their ratio.
// The machine is shared and noisy, so absolute figures swing; the ratio is the result.

export interface BenchRow {
  /** What was measured. */
  what: string;
  /** The figure, with its unit. */
  value: string;
  /** What the same run measured for the baseline, with its unit ('' when the row has none). */
  baseline?: string;
  /** value ÷ baseline, as the target reads it ('' when the row has none). */
  ratio?: string;
  /** Targets, counts, anything that explains the figure. */
  note?: string;
}

/** A ratio with two decimals, `×` after it. */
export const ratio = (value: number, baseline: number): string => (baseline > 0 ? `${(value / baseline).toFixed(2)}×` : '—');
