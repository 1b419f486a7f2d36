import type { ChartConfiguration } from 'chart.js';
import type { Band, ChartModel } from '../charts/types.ts';
import { SHARE_PRECISION, sharePercent } from '../../../methodology/rounding.ts';
import { formatNumber, formatWithUnit, shortQuarter } from './format.ts';
import { badgeText, flagText, formatShare, shortLabel, sourceLabel, tone, type Tone } from './scores.ts';
import type { Criterion, GroupHistory, GroupScore, ScoreCell } from './types.ts';

// Domain charts: API answers in, Chart.js configuration and its table alternative out. Pure (no
// Chart.js at run time, types only), so they are tested with tables and the chart chunk stays lazy.

/** DSFR colours: success, warning, error, info (blue France) and grey. */
export const COLORS: Record<Tone, string> = { success: '#18753c', warning: '#b34000', error: '#ce0500', info: '#000091', neutral: '#666666' };
const BAND_COLORS: Record<Tone, string> = {
  success: 'rgba(24, 117, 60, 0.12)',
  warning: 'rgba(252, 93, 0, 0.12)',
  error: 'rgba(206, 5, 0, 0.12)',
  info: 'rgba(0, 0, 145, 0.06)',
  neutral: 'rgba(0, 0, 0, 0.04)',
};
/** Lighter and darker shades for scales with several goal or middle levels (FranceConnect and FranceConnect+). */
const SHADES: Record<Tone, string[]> = {
  success: ['#18753c', '#27a658', '#0f4d27'],
  warning: ['#b34000', '#fc5d00', '#7a2e00'],
  error: ['#ce0500', '#8f0300'],
  info: ['#000091', '#6a6af4'],
  neutral: ['#666666', '#929292'],
};

/** A criterion's numeric axis: fixed for bounded units, grown to the data otherwise. */
function axisMax(criterion: Criterion, values: number[]): number {
  const max = Math.max(0, ...values);
  switch (criterion.unit) {
    case 'percent':
      return 100;
    case 'score10':
      return 10;
    case 'ms':
      return Math.max(1200, Math.ceil((max * 1.1) / 100) * 100);
    default:
      return Math.max(10, Math.ceil(max * 1.2));
  }
}

const levelTone = (criterion: Criterion, label: string, goal: boolean): Tone =>
  tone({ status: 'measured', level: label, goal, value: null, reason: null }, criterion);

/** The level table as horizontal bands between 0 and the axis maximum. */
export function levelBands(criterion: Criterion, max: number): Band[] {
  const { scale } = criterion;
  if (scale.kind === 'higher') {
    return scale.levels.map((l, i) => {
      const upper = i === 0 ? max : (scale.levels[i - 1]!.min ?? max);
      return { from: l.min ?? 0, to: upper, label: l.label, color: BAND_COLORS[levelTone(criterion, l.label, l.goal)] };
    });
  }
  if (scale.kind === 'lower') {
    return scale.levels.map((l, i) => {
      const lower = i === 0 ? 0 : (scale.levels[i - 1]!.below ?? 0);
      return { from: lower, to: l.below ?? max, label: l.label, color: BAND_COLORS[levelTone(criterion, l.label, l.goal)] };
    });
  }
  return [];
}

/** A numeric criterion of one procedure across editions, over its level bands. */
export function evolutionModel(criterion: Criterion, history: readonly { edition: string; cell: ScoreCell | undefined }[]): ChartModel {
  const read = history.map(({ cell }) => (cell?.status === 'measured' && typeof cell.value === 'number' ? cell.value : null));
  // A value whose level a flag decided (an expired statement's 88 % is "Non") is not drawn over
  // the level bands, where it would sit in the wrong one; the table gives it with its flag.
  const values = history.map(({ cell }, i) => (flagText(cell) ? null : read[i]!));
  const max = axisMax(criterion, read.filter((v): v is number => v !== null));
  const config: ChartConfiguration = {
    type: 'line',
    data: {
      labels: history.map((h) => shortQuarter(h.edition)),
      datasets: [{ label: criterion.label, data: values, borderColor: COLORS.info, backgroundColor: COLORS.info, pointRadius: 5, pointHoverRadius: 7, borderWidth: 3, spanGaps: false }],
    },
    options: {
      scales: { y: { min: 0, max, ticks: { callback: (v) => formatWithUnit(Number(v), criterion.unit) } } },
      plugins: {
        legend: { display: false },
        levelBands: { bands: levelBands(criterion, max) },
        tooltip: { callbacks: { label: (item) => formatWithUnit(Number(item.parsed.y), criterion.unit) } },
      },
    },
  };
  const measured = history.map((h, i) => ({ edition: h.edition, value: read[i], cell: h.cell })).filter((h) => h.value !== null);
  const first = measured[0];
  const last = measured.at(-1);
  const level = (cell: ScoreCell | undefined) => `« ${cell?.level} »${flagText(cell) ? ` (${flagText(cell)})` : ''}`;
  const summary =
    !first || !last
      ? 'Aucune valeur mesurée sur ces éditions.'
      : first === last
        ? `Une seule valeur mesurée : ${formatWithUnit(last.value!, criterion.unit)} (${shortQuarter(last.edition)}), niveau ${level(last.cell)}.`
        : `De ${formatWithUnit(first.value!, criterion.unit)} (${shortQuarter(first.edition)}) à ${formatWithUnit(last.value!, criterion.unit)} (${shortQuarter(last.edition)}) ; niveau actuel ${level(last.cell)}.`;
  return {
    config,
    summary,
    table: {
      caption: `${criterion.label} par édition`,
      columns: ['Édition', 'Valeur', 'Niveau', 'Source'],
      rows: history.map((h, i) => {
        const flag = flagText(h.cell);
        return [shortQuarter(h.edition), read[i] ?? null, flag ? `${badgeText(h.cell, criterion)} — ${flag}` : badgeText(h.cell, criterion), sourceLabel(h.cell?.source ?? null)];
      }),
      format: (v) => formatWithUnit(v, criterion.unit),
    },
  };
}

/** Splits a label into lines of about `width` characters: long axis names would be cut on a phone. */
export function wrapLabel(label: string, width = 12): string[] {
  const lines: string[] = [];
  for (const word of label.split(' ')) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + word.length + 1 <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

export interface RadarSeries {
  name: string;
  scores: readonly GroupScore[];
}

const percent = (score: GroupScore | undefined): number | null => (score?.share === null || score?.share === undefined ? null : sharePercent(score.share));

/**
 * Share reaching the goal per key criterion: the group, optionally a second one to compare, the
 * whole observatory, and the target as a ring.
 */
export function radarModel(criteria: readonly Criterion[], series: readonly RadarSeries[], target: number): ChartModel {
  const styles = [
    { borderColor: COLORS.info, backgroundColor: 'rgba(0, 0, 145, 0.15)', borderDash: [] as number[] },
    { borderColor: COLORS.warning, backgroundColor: 'rgba(179, 64, 0, 0.1)', borderDash: [] as number[] },
    { borderColor: '#3a3a3a', backgroundColor: 'transparent', borderDash: [6, 4] },
  ];
  const data = series.map((s) => criteria.map((c) => percent(s.scores.find((x) => x.criterion === c.slug))));
  const config: ChartConfiguration = {
    type: 'radar',
    data: {
      labels: criteria.map((c) => wrapLabel(shortLabel(c))),
      datasets: [
        ...series.map((s, i) => ({ label: s.name, data: data[i]!, fill: i < series.length - 1, borderWidth: 2, pointRadius: 3, ...styles[series.length === 2 && i === 1 ? 2 : i] })),
        { label: `Objectif ${Math.round(target * 100)} %`, data: criteria.map(() => target * 100), borderColor: COLORS.success, backgroundColor: 'transparent', borderDash: [2, 3], pointRadius: 0, borderWidth: 2, fill: false },
      ],
    },
    options: {
      scales: { r: { min: 0, max: 100, ticks: { stepSize: 20, callback: (v) => `${v} %`, backdropColor: 'transparent' }, pointLabels: { font: { size: 12 } } } },
      layout: { padding: 4 },
      plugins: { legend: { position: 'bottom' } },
    },
  };
  const head = series[0]!;
  const below = criteria.filter((c, i) => data[0]![i] !== null && data[0]![i]! < target * 100).map(shortLabel);
  return {
    config,
    summary: `Part des démarches de « ${head.name} » qui atteignent l'objectif, critère par critère, face à la cible de ${Math.round(target * 100)} %. ${
      below.length === 0 ? 'Cible atteinte partout où une mesure existe.' : `Sous la cible : ${below.join(', ')}.`
    }`,
    table: {
      caption: "Part des démarches qui atteignent l'objectif, par critère",
      columns: ['Critère', ...series.map((s) => s.name), 'Cible'],
      rows: criteria.map((c, i) => [c.label, ...data.map((d) => d[i] ?? null), target * 100]),
      format: (v) => `${formatNumber(v, SHARE_PRECISION)}\u202f%`,
    },
  };
}

/** How a group's measured procedures spread over a criterion's levels, edition by edition (100 % stacked). */
export function stackedLevelsModel(criterion: Criterion, history: GroupHistory): ChartModel {
  const levels = criterion.scale.kind === 'none' ? [] : criterion.scale.levels;
  const used: Partial<Record<Tone, number>> = {};
  const colorOf = (label: string, goal: boolean) => {
    const t = levelTone(criterion, label, goal);
    const i = used[t] ?? 0;
    used[t] = i + 1;
    return SHADES[t][i % SHADES[t].length]!;
  };
  const scoresOf = (e: GroupHistory['editions'][number]) => e.scores.find((s) => s.criterion === criterion.slug);
  const config: ChartConfiguration = {
    type: 'bar',
    data: {
      labels: history.editions.map((e) => shortQuarter(e.edition)),
      datasets: levels.map((l) => ({
        label: l.label,
        backgroundColor: colorOf(l.label, l.goal),
        data: history.editions.map((e) => {
          const s = scoresOf(e);
          return s && s.measured > 0 ? sharePercent((s.levels[l.label] ?? 0) / s.measured) : 0;
        }),
      })),
    },
    options: {
      scales: { x: { stacked: true }, y: { stacked: true, min: 0, max: 100, ticks: { callback: (v) => `${v} %` } } },
      plugins: { legend: { position: 'bottom' }, tooltip: { callbacks: { label: (item) => `${item.dataset.label} : ${Number(item.parsed.y).toLocaleString('fr-FR')} %` } } },
    },
  };
  const last = history.editions.at(-1);
  const lastScore = last && scoresOf(last);
  return {
    config,
    summary: lastScore
      ? `${criterion.label} : répartition des démarches mesurées par niveau sur les ${history.editions.length} dernières éditions ; ${formatShare(lastScore.share)} à l'objectif en ${shortQuarter(last.edition)}.`
      : `${criterion.label} : aucune édition.`,
    table: {
      caption: `${criterion.label} — démarches par niveau et par édition`,
      columns: ['Édition', ...levels.map((l) => l.label), 'Démarches mesurées', 'Non mesurables'],
      rows: history.editions.map((e) => {
        const s = scoresOf(e);
        return [shortQuarter(e.edition), ...levels.map((l) => s?.levels[l.label] ?? 0), s?.measured ?? 0, s?.unmeasurable ?? 0];
      }),
    },
  };
}
