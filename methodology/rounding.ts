import type { Unit } from './types.ts';

// The one rounding of every figure the public reads: the edition stores values at this precision
// (and levels are read from the stored value), the dashboard, its charts, the CSV exports and the
// feeds show them with it. Nothing else rounds or truncates a published figure.

/** Decimals a published value keeps, per unit. */
export const PRECISION: Readonly<Record<Unit, number>> = { percent: 1, score10: 1, ms: 0, items: 0, violations: 0, label: 0 };

/** Decimals of a share of procedures, as a percentage (79,5 %), and of a difference of shares, in points. */
export const SHARE_PRECISION = 1;

/**
 * Rounds to the nearest at `digits` decimals, a half going away from zero (0,05 → 0,1 ;
 * −0,05 → −0,1), on the number as written in decimal: 1.005 becomes 1.01, not 1.00 as a binary
 * `Math.round(1.005 * 100)` gives.
 */
export function roundHalfUp(n: number, digits: number): number {
  if (!Number.isFinite(n)) return n;
  // 15 significant digits drop the binary noise of a computation (0.7945 * 100 = 79.44999…).
  const magnitude = Number(Math.abs(n).toPrecision(15));
  const written = String(magnitude);
  const rounded = written.includes('e') ? Math.round(magnitude * 10 ** digits) / 10 ** digits : Number(`${Math.round(Number(`${written}e${digits}`))}e-${digits}`);
  return n < 0 && rounded !== 0 ? -rounded : rounded;
}

/** A measured value as published: numbers at their unit's precision, labels unchanged. */
export function publishedValue<T extends number | string | null>(unit: Unit, value: T): T {
  return (typeof value === 'number' ? roundHalfUp(value, PRECISION[unit]) : value) as T;
}

/**
 * A number at `digits` decimals, French style ("79,5", "240 000", "−" as "-"), by the one
 * rounding: what `Intl.NumberFormat('fr-FR', { maximumFractionDigits })` writes (a test holds the
 * two together), without it — a phone's browser spends a tenth of a second loading the French
 * number data for the first Intl formatter, before the page it draws can respond.
 */
export function formatNumber(n: number, digits: number): string {
  const rounded = roundHalfUp(n, digits);
  if (!Number.isFinite(rounded)) return rounded > 0 ? '∞' : rounded < 0 ? '-∞' : 'NaN';
  const [whole, fraction = ''] = Math.abs(rounded).toFixed(digits).split('.') as [string, string?];
  const decimals = fraction.replace(/0+$/, '');
  // Groups of three digits, with the narrow no-break space French typography uses.
  const grouped = whole.length > 3 ? whole.replace(/\B(?=(\d{3})+$)/g, '\u202f') : whole;
  return `${rounded < 0 ? '-' : ''}${grouped}${decimals ? `,${decimals}` : ''}`;
}

/** A figure with its unit as the public reads it, in French typography: "79,5 %", "7,3/10", "412 ms", "3 données". */
export function formatFigure(n: number, unit: Unit): string {
  const v = formatNumber(n, PRECISION[unit]);
  const plural = roundHalfUp(n, PRECISION[unit]) >= 2 ? 's' : '';
  switch (unit) {
    case 'percent':
      return `${v}\u202f%`;
    case 'score10':
      return `${v}/10`;
    case 'ms':
      return `${v}\u00a0ms`;
    case 'items':
      return `${v} donnée${plural}`;
    case 'violations':
      return `${v} violation${plural}`;
    case 'label':
      return v;
  }
}

/** A share in [0, 1] as the published percentage: 0.7949 → 79.5. */
export function sharePercent(share: number): number {
  return roundHalfUp(share * 100, SHARE_PRECISION);
}
