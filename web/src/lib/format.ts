import { PRECISION, roundHalfUp } from '../../../methodology/rounding.ts';
import type { Criterion, Named, Unit } from './types.ts';

// Pure display helpers, tested with tables (test/web/format.test.ts).

const byDigits = [0, 1, 2].map((d) => new Intl.NumberFormat('fr-FR', { maximumFractionDigits: d }));

/**
 * A number at `digits` decimals, French style ("79,5", "240 000"), rounded by the methodology's
 * one rule (round half up): the same figure reads the same on every page, chart and export.
 */
export function formatNumber(n: number, digits: number): string {
  return byDigits[digits]!.format(roundHalfUp(n, digits));
}

const integer = byDigits[0]!;
const oneDecimal = byDigits[1]!;

/** Yearly volumes as people say them: "41 millions", "1,5 million", "240 000". */
export function formatVolume(n: number): string {
  if (n >= 1_000_000) {
    const millions = n / 1_000_000;
    return `${oneDecimal.format(millions)} million${millions >= 2 ? 's' : ''}`;
  }
  return integer.format(n);
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
  const v = formatNumber(n, PRECISION[unit]);
  const whole = roundHalfUp(n, PRECISION[unit]);
  switch (unit) {
    case 'percent':
      return `${v}\u202f%`;
    case 'score10':
      return `${v}/10`;
    case 'ms':
      return `${v}\u00a0ms`;
    case 'items':
      return `${v} donnée${whole >= 2 ? 's' : ''}`;
    case 'violations':
      return `${v} violation${whole >= 2 ? 's' : ''}`;
    case 'label':
      return v;
  }
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

const longDate = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** "1er juillet 2026", "14 mars 2022": French writes the first of the month as an ordinal. */
export function formatDate(iso: string): string {
  return firstOfMonth(longDate.format(new Date(iso)));
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

const hourMinute = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Paris' });

export function formatDateTime(iso: string): string {
  return firstOfMonth(hourMinute.format(new Date(iso)));
}

/** The last day of a period whose end is exclusive: "du 1er juillet au 30 septembre 2026". */
export function formatPeriod(start: string, endExclusive: string): string {
  return `du ${formatDate(start)} au ${formatDate(new Date(new Date(endExclusive).getTime() - 86_400_000).toISOString())}`;
}

export const frenchOrder = new Intl.Collator('fr').compare;

/** Ministries in French alphabetical order, each with its administrations: the table's filters. */
export function ministriesWithAdministrations(items: readonly { ministry: Named; administration: Named }[]): (Named & { administrations: Named[] })[] {
  const byMinistry = new Map<string, Named & { administrations: Map<string, Named> }>();
  for (const p of items) {
    const m = byMinistry.get(p.ministry.slug) ?? { ...p.ministry, administrations: new Map<string, Named>() };
    m.administrations.set(p.administration.slug, p.administration);
    byMinistry.set(p.ministry.slug, m);
  }
  return [...byMinistry.values()]
    .map((m) => ({ slug: m.slug, name: m.name, administrations: [...m.administrations.values()].sort((a, b) => frenchOrder(a.name, b.name)) }))
    .sort((a, b) => frenchOrder(a.name, b.name));
}
