import { SHARE_PRECISION, roundHalfUp, sharePercent } from '../../../methodology/rounding.ts';
import { formatNumber, formatWithUnit } from './format.ts';
import type { CellView, Change, Criterion, ScoreCell, Source } from './types.ts';

// How a score reads on screen: its badge (colour *and* words), its source, why it is missing.
// Pure and tested with tables (test/web/scores.test.ts).

export type Tone = 'success' | 'warning' | 'error' | 'info' | 'neutral';

/** Short column names for the wide table; the full label stays in the methodology. */
export const SHORT_LABELS: Record<string, string> = {
  online: 'En ligne',
  satisfaction: 'Satisfaction',
  handicap: 'Handicap',
  dlnuf: 'Dites-le-nous une fois',
  auth: 'Authentification',
  simplicity: 'Clarté',
  help_reachable: 'Aide joignable',
  help_efficient: 'Aide efficace',
  uptime: 'Disponibilité',
  performance: 'Temps de réponse',
  mobile: 'Mobile',
  a11y_auto: 'Accessibilité (auto.)',
  usage: 'Recours au numérique',
};

export const shortLabel = (c: Criterion): string => SHORT_LABELS[c.slug] ?? c.label;

/** The headline criteria: the radar's axes and the cards' summary. */
export const KEY_CRITERIA = ['online', 'satisfaction', 'handicap', 'dlnuf', 'auth', 'uptime', 'performance', 'mobile', 'a11y_auto'] as const;

/**
 * Goal levels are green, the worst level red, levels between orange; a criterion without goal is
 * blue; anything not measured is grey. The badge always says its level in words as well.
 */
export function tone(cell: CellView | undefined, criterion: Criterion): Tone {
  if (!cell || cell.status !== 'measured') return 'neutral';
  if (criterion.scale.kind === 'none') return 'info';
  if (cell.goal) return 'success';
  const misses = criterion.scale.levels.filter((l) => !l.goal);
  return misses.at(-1)?.label === cell.level ? 'error' : 'warning';
}

/** DSFR badge classes for a tone (grey is DSFR's default badge). */
export function badgeClass(t: Tone, small = true): string {
  return `fr-badge fr-badge--no-icon obs-badge${small ? ' fr-badge--sm' : ''}${t === 'neutral' ? '' : ` fr-badge--${t}`}`;
}

/**
 * A badge's words: the level, or with `withValue` the figure and its level ("8,2/10 · Bonne",
 * "74 % · Partiel") — a label value is its own level ("Oui"), a value without a level table is
 * the figure alone ("64 %").
 */
export function badgeText(cell: CellView | undefined, criterion: Criterion, withValue = false): string {
  if (!cell || cell.status === 'unmeasurable') return cell?.reason === 'insufficient_answers' ? "Avis insuffisants" : 'Non mesurable';
  if (cell.status === 'not_applicable') return 'Non applicable';
  if (cell.level) return withValue && typeof cell.value === 'number' ? `${formatValue(cell, criterion)} · ${cell.level}` : cell.level;
  return formatValue(cell, criterion);
}

/** Text and attribute values for markup written as a string: `&`, `<`, `>` and quotes escaped. */
export const escapeHtml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** ScoreBadge's markup as a string, for rows drawn as one block of HTML (components/ProceduresTable.svelte). */
export function badgeHtml(cell: CellView | undefined, criterion: Criterion, withValue = false): string {
  const t = tone(cell, criterion);
  return `<span class="${badgeClass(t, true)}" data-tone="${t}">${escapeHtml(badgeText(cell, criterion, withValue))}</span>`;
}

export function formatValue(cell: Pick<ScoreCell, 'value'>, criterion: Criterion): string {
  if (cell.value === null) return '—';
  return typeof cell.value === 'number' ? formatWithUnit(cell.value, criterion.unit) : cell.value;
}

export const SOURCE_LABELS: Record<Source, string> = { crawl: 'mesuré', survey: 'enquête', declared: 'déclaré' };

export const sourceLabel = (source: Source | null): string => (source ? SOURCE_LABELS[source] : '—');

export const CHANGE_LABELS: Record<Change, string> = { improved: 'en progrès', regressed: 'en recul', unchanged: 'stable', new: 'nouvelle mesure' };

/** Why a value is missing, as a visitor would want it said. */
const REASONS: Record<string, string> = {
  insufficient_answers: "moins de 100 avis sur le trimestre : trop peu pour une moyenne fiable",
  no_data: 'aucune donnée pour ce trimestre',
  form_behind_login: 'le formulaire est derrière un compte : le robot ne le voit pas (valeur à déclarer)',
  form_not_found: 'aucun formulaire trouvé sur la page de la démarche',
  form_unreachable: 'la page du formulaire ne répond pas',
  no_online_form: 'pas de formulaire en ligne',
  no_online_procedure: 'pas de démarche en ligne sur la page',
  offline_procedure: 'la démarche ne se fait pas en ligne',
  no_call_to_action: 'aucun bouton pour commencer la démarche',
  no_statement: "aucune déclaration d'accessibilité",
  statement_expired: "déclaration d'accessibilité de plus de 3 ans",
  statement_unreachable: "la déclaration d'accessibilité ne répond pas",
  rate_not_found: "taux de conformité absent de la déclaration d'accessibilité",
  statement_unreadable: "déclaration d'accessibilité sans état ni taux lisibles",
  level_from_state: "pas de taux publié : niveau selon l'état de conformité déclaré",
  no_value: 'aucune valeur lue',
  no_browser: 'navigateur absent : le robot n’avait pas Chromium pour ce contrôle',
  no_responsive_viewport: "pas d'affichage adapté aux petits écrans",
  no_successful_probe: 'aucune sonde n’a abouti sur le trimestre',
  start_page_gone: 'la page de la démarche a disparu',
  invalid_value: 'valeur reçue invalide',
  blocked: 'le site refuse le robot (robots.txt)',
  http: 'le site a répondu par une erreur',
  network: 'le site est injoignable',
  timeout: 'le site a mis trop de temps à répondre',
  dns: 'le nom du site est introuvable',
  tls: 'certificat de sécurité invalide',
  parse: 'page illisible (encodage ou contenu invalide)',
  too_large: 'page trop lourde (plus de 5 Mo)',
  redirects: 'trop de redirections',
};

export const reasonLabel = (reason: string | null): string | null => (reason ? (REASONS[reason] ?? reason) : null);

/** What decided a measured value's level besides the value itself, in a few words ("déclaration de plus de 3 ans"). */
const FLAGS: Record<string, string> = {
  statement_expired: 'déclaration de plus de 3 ans',
  no_statement: "pas de déclaration d'accessibilité",
  statement_unreachable: 'déclaration injoignable',
  level_from_state: 'aucun taux publié',
};

export function flagText(cell: Pick<CellView, 'status' | 'reason'> | undefined): string | null {
  if (!cell || cell.status !== 'measured' || !cell.reason) return null;
  return FLAGS[cell.reason] ?? reasonLabel(cell.reason);
}

/** "79,5 %" from a share in [0, 1], by the methodology's one rounding (what charts and exports show too). */
export function formatShare(share: number | null): string {
  if (share === null) return '—';
  return `${formatNumber(sharePercent(share), SHARE_PRECISION)}\u202f%`;
}

/** "+2,2 points", "−1 point", "stable" for a difference of shares. */
export function formatTrend(trend: number | null | undefined): string {
  if (trend === null || trend === undefined) return 'pas de comparaison';
  const points = roundHalfUp(trend * 100, SHARE_PRECISION);
  if (points === 0) return 'stable';
  const n = formatNumber(Math.abs(points), SHARE_PRECISION);
  return `${points > 0 ? '+' : '−'}${n} point${Math.abs(points) >= 2 ? 's' : ''}`;
}
