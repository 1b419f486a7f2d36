import { formatDate, formatNumber } from './format.ts';
import { reasonLabel } from './scores.ts';
import type { Evidence, Observation } from './types.ts';

// What an observation saw, in one sentence a visitor understands; the raw detail (HTML, rule
// ids, pixel widths, HTTP codes) stays under "Détails techniques".

const count = (n: number, one: string, many: string) => `${formatNumber(n, 0)} ${n >= 2 ? many : one}`;
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

export function evidenceSummary(o: Pick<Observation, 'criterion' | 'status' | 'value' | 'reason' | 'answers'>, evidence: Evidence): string | null {
  if (o.status === 'unmeasurable') return `Les robots n'ont pas pu mesurer ce critère : ${reasonLabel(o.reason) ?? 'raison inconnue'}.`;
  if (o.status === 'not_applicable') return `Critère sans objet pour cette démarche${o.reason ? ` : ${reasonLabel(o.reason)}` : ''}.`;
  switch (o.criterion) {
    case 'online': {
      const cta = evidence['callToAction'] as { text?: string } | undefined;
      const button = str(cta?.text) ? `Bouton « ${str(cta?.text)} » trouvé` : 'Formulaire de démarche trouvé';
      if (o.value === 'Oui') return `${button} : la démarche se fait entièrement en ligne.`;
      if (o.value === 'Partiel') return `${button} : une partie de la démarche se fait en ligne, le reste au guichet ou par courrier.`;
      if (o.value === 'Démarche proactive') return 'Démarche proactive : l’administration accorde le droit sans demande.';
      return 'Aucun formulaire de démarche en ligne trouvé : la démarche ne se fait pas en ligne.';
    }
    case 'auth': {
      const on = str(evidence['foundOn']);
      const where = on && on !== evidence.url && on !== evidence.finalUrl ? 'sur la page de connexion' : 'sur la page de la démarche';
      if (o.value === 'FranceConnect' || o.value === 'FranceConnect+') return `Bouton ${o.value} trouvé ${where}.`;
      return 'Aucun bouton FranceConnect trouvé, ni sur la page de la démarche ni sur sa page de connexion.';
    }
    case 'handicap': {
      if (evidence['statement'] === 'missing') return 'Aucune déclaration d’accessibilité trouvée → Non.';
      if (evidence['statement'] === 'unreachable') return 'Le lien vers la déclaration d’accessibilité ne répond pas → Non.';
      const date = str(evidence['statementDate']);
      const rate = typeof evidence['rate'] === 'number' ? `taux ${formatNumber(evidence['rate'], Number.isInteger(evidence['rate']) ? 0 : 1)}\u00a0%` : 'aucun taux publié';
      const state = str(evidence['mention'] ?? evidence['state']);
      const head = `Déclaration d’accessibilité${date ? ` du ${formatDate(date)}` : ' sans date'}`;
      if (evidence['expired'] === true) return `${head} : ${rate}, plus de 3 ans → Non.`;
      return `${head} : ${rate}${state ? `, « ${state} »` : ''}.`;
    }
    case 'dlnuf': {
      if (typeof o.value !== 'number') return null;
      if (o.value === 0) return 'Le formulaire ne redemande aucune information que l’administration détient déjà.';
      const fields = Array.isArray(evidence['fields']) ? (evidence['fields'] as { label?: string }[]).map((f) => f.label).filter((l): l is string => !!l) : [];
      return `Le formulaire redemande ${count(o.value, 'information', 'informations')} que l’administration détient déjà${fields.length ? ` : ${fields.join(', ')}` : ''}.`;
    }
    case 'mobile': {
      if (o.value === 'Oui') return 'Page adaptée au téléphone : elle tient dans la largeur de l’écran.';
      if (!str(evidence['viewport'])) return 'Page non adaptée au téléphone : elle s’affiche comme sur un ordinateur, en réduit.';
      const width = evidence['scrollWidth'];
      return `Page non adaptée au téléphone : son contenu dépasse l’écran${typeof width === 'number' ? ` (${formatNumber(width, 0)}\u00a0px pour ${formatNumber(Number(evidence['innerWidth'] ?? 375), 0)}\u00a0px)` : ''}, il faut faire défiler de côté.`;
    }
    case 'a11y_auto':
      if (typeof o.value !== 'number') return null;
      return o.value === 0
        ? 'Le contrôle automatique (axe-core) n’a relevé aucun défaut d’accessibilité critique ou grave sur la page.'
        : `Le contrôle automatique (axe-core) a relevé ${count(o.value, 'type de défaut', 'types de défauts')} d’accessibilité critiques ou graves sur la page.`;
    default:
      return typeof o.answers === 'number' ? `Valeur calculée sur ${count(o.answers, 'avis', 'avis')} d’usagers.` : null;
  }
}
