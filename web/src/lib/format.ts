import { formatFigure, formatNumber } from '../../../methodology/rounding.ts';
import type { Criterion, Unit } from './types.ts';

// Pure display helpers, tested with tables (test/web/format.test.ts). Figures go through the
// methodology's one rounding (round half up): the same figure reads the same on every page,
// chart, export and feed.

export { formatNumber };

/** Yearly volumes as people say them: "41 millions", "1,5 million", "240 000". */
export function formatVolume(n: number): string {
  if (n >= 1_000_000) {
    const millions = n / 1_000_000;
    return `${formatNumber(millions, 1)} million${millions >= 2 ? 's' : ''}`;
  }
  return formatNumber(n, 0);
}

const AUDIENCE_LABELS: Record<string, string> = {
  particuliers: 'Particuliers',
  professionnels: 'Professionnels',
  associations: 'Associations',
  collectivites: 'Collectivités',
};

export function formatAudiences(audiences: readonly string[]): string {
  return audiences.map((a) => AUDIENCE_LABELS[a] ?? a).join(', ');
}

/** A number with its unit, in French typography (non-breaking spaces). */
export function formatWithUnit(n: number, unit: Unit): string {
  return formatFigure(n, unit);
}

/** The range of values each level of a criterion covers, for the methodology table. */
export function levelRanges(criterion: Criterion): { label: string; goal: boolean; range: string }[] {
  const { scale, unit } = criterion;
  switch (scale.kind) {
    case 'none':
      return [];
    case 'labels':
      return scale.levels.map((l) => ({ label: l.label, goal: l.goal, range: `« ${l.label} »` }));
    case 'higher':
      return scale.levels.map((l, i) => {
        const previous = scale.levels[i - 1]?.min;
        const range =
          l.min !== null
            ? `≥ ${formatWithUnit(l.min, unit)}`
            : previous !== undefined && previous !== null
              ? `< ${formatWithUnit(previous, unit)}`
              : 'toute valeur';
        return { label: l.label, goal: l.goal, range };
      });
    case 'lower':
      return scale.levels.map((l, i) => {
        const previous = scale.levels[i - 1]?.below;
        const range =
          l.below !== null
            ? `< ${formatWithUnit(l.below, unit)}`
            : previous !== undefined && previous !== null
              ? `≥ ${formatWithUnit(previous, unit)}`
              : 'toute valeur';
        return { label: l.label, goal: l.goal, range };
      });
  }
}

const MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];

/**
 * "1er juillet 2026", "14 mars 2022" (the UTC day): French writes the first of the month as an
 * ordinal. Written without Intl, whose French data a phone loads slowly before a page responds.
 */
export function formatDate(iso: string): string {
  const d = new Date(iso);
  return firstOfMonth(`${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`);
}

const firstOfMonth = (text: string): string => text.replace(/^1 /, '1er ');

/** "2026-T3" → "3e trimestre 2026". */
export function quarterLabel(slug: string): string {
  const m = /^(\d{4})-T([1-4])$/.exec(slug);
  if (!m) return slug;
  return `${m[2] === '1' ? '1er' : `${m[2]}e`} trimestre ${m[1]}`;
}

/** The mean coverage of an edition's criteria, as a whole percentage. */
export function meanCoverage(coverage: Record<string, number | null>): number | null {
  const values = Object.values(coverage).filter((v): v is number => v !== null);
  return values.length === 0 ? null : Math.round((100 * values.reduce((s, v) => s + v, 0)) / values.length);
}

/** "2026-T3" → "T3 2026", for axes and narrow columns. */
export function shortQuarter(slug: string): string {
  const m = /^(\d{4})-(T[1-4])$/.exec(slug);
  return m ? `${m[2]} ${m[1]}` : slug;
}

/** The last Sunday of a month (UTC), at 01:00 UTC: when European summer time starts (March) and ends (October). */
const lastSundayAt1 = (year: number, month: number): number => {
  const last = new Date(Date.UTC(year, month + 1, 0, 1));
  return last.getTime() - last.getUTCDay() * 86_400_000;
};

/**
 * "14 mars 2022 à 09:05", in Paris time (summer time by the European rule: from the last Sunday
 * of March to the last Sunday of October, at 01:00 UTC). Written without Intl, as formatDate.
 */
export function formatDateTime(iso: string): string {
  const t = new Date(iso).getTime();
  const year = new Date(t).getUTCFullYear();
  const summer = t >= lastSundayAt1(year, 2) && t < lastSundayAt1(year, 9);
  const paris = new Date(t + (summer ? 2 : 1) * 3_600_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${formatDate(paris.toISOString())} à ${two(paris.getUTCHours())}:${two(paris.getUTCMinutes())}`;
}

/** The last day of a period whose end is exclusive: "du 1er juillet au 30 septembre 2026". */
export function formatPeriod(start: string, endExclusive: string): string {
  return `du ${formatDate(start)} au ${formatDate(new Date(new Date(endExclusive).getTime() - 86_400_000).toISOString())}`;
}

/** "1 minute", "7 minutes": a wait told in whole minutes, rounded up, never "minute(s)". */
export function minutesWords(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return `${minutes} minute${minutes > 1 ? 's' : ''}`;
}
