import type { Methodology, Scale } from './types.ts';

/** Survey means on a 0–10 scale (satisfaction, clarity, help) share one table. */
const scoreOutOf10: Scale = {
  kind: 'higher',
  levels: [
    { label: 'Bonne', goal: true, min: 8 },
    { label: 'Moyenne', goal: false, min: 5 },
    { label: 'Faible', goal: false, min: null },
  ],
};

// Methodology v1: the criteria and level tables of the design brief. Changing a threshold or
// a label means a new version: published editions record the version they were built with.
export const methodologyV1: Methodology = {
  version: 1,
  groupTarget: 0.8,
  criteria: [
    {
      slug: 'online',
      obtainedBy: 'check',
      label: 'Réalisable en ligne',
      method:
        "La page de départ répond et permet de commencer la démarche en ligne (formulaire, connexion, lien « Faire la démarche »). « Partiel » quand une partie seulement se fait en ligne ; « Démarche proactive » est déclaré par l'administration.",
      sources: ['crawl', 'declared'],
      unit: 'label',
      scale: {
        kind: 'labels',
        levels: [
          { label: 'Oui', goal: true },
          { label: 'Partiel', goal: false },
          { label: 'Non', goal: false },
          { label: 'Démarche proactive', goal: true },
        ],
      },
    },
    {
      slug: 'satisfaction',
      obtainedBy: 'survey',
      label: 'Satisfaction usagers',
      method: "Note moyenne sur 10 donnée par les usagers dans l'enquête « Je donne mon avis », sur le trimestre, à partir de 100 avis.",
      sources: ['survey', 'declared'],
      unit: 'score10',
      minAnswers: 100,
      scale: scoreOutOf10,
    },
    {
      slug: 'handicap',
      obtainedBy: 'check',
      label: 'Prise en compte du handicap',
      method:
        "Mention « Accessibilité : … » en pied de page, puis lecture de la déclaration d'accessibilité comme le ferait une personne : état de conformité, taux global de conformité au RGAA de l'audit en cours (ni une moyenne, ni un objectif, ni un audit précédent), date de la déclaration. Le niveau suit le taux ; sans taux publié, il suit l'état déclaré. Sans déclaration, avec une déclaration injoignable ou de plus de 3 ans : « Non » (le taux lu reste affiché).",
      sources: ['crawl'],
      unit: 'percent',
      flagLevels: { no_statement: 'Non', statement_unreachable: 'Non', statement_expired: 'Non' },
      textLevels: { 'totalement conforme': 'Oui', 'partiellement conforme': 'Partiel', 'non conforme': 'Non' },
      scale: {
        kind: 'higher',
        levels: [
          { label: 'Oui', goal: true, min: 100 },
          { label: 'Partiel', goal: false, min: 50 },
          { label: 'Non', goal: false, min: null },
        ],
      },
    },
    {
      slug: 'dlnuf',
      obtainedBy: 'check',
      label: 'Dites-le-nous une fois (pré-remplissage)',
      method:
        "Nombre de champs du formulaire qui demandent une donnée que l'État détient déjà (identité, adresse, numéro fiscal, numéro de sécurité sociale, revenus, SIREN…) sans la pré-remplir.",
      sources: ['crawl', 'declared'],
      unit: 'items',
      scale: {
        kind: 'lower',
        levels: [
          { label: 'Optimal', goal: true, below: 2 },
          { label: 'Partiel', goal: false, below: 5 },
          { label: 'Faible', goal: false, below: null },
        ],
      },
    },
    {
      slug: 'auth',
      obtainedBy: 'check',
      label: 'Authentification',
      method: 'Présence d\'un vrai bouton FranceConnect ou FranceConnect+ sur la page de départ ou la page de connexion (une simple mention ne compte pas).',
      sources: ['crawl'],
      unit: 'label',
      notApplicableLabels: ['Non applicable'],
      scale: {
        kind: 'labels',
        levels: [
          { label: 'FranceConnect', goal: true },
          { label: 'FranceConnect+', goal: true },
          { label: 'Non', goal: false },
        ],
      },
    },
    {
      slug: 'simplicity',
      obtainedBy: 'survey',
      label: 'Clarté du langage',
      method: "Note moyenne sur 10 de compréhension dans l'enquête usagers, à partir de 100 avis.",
      sources: ['survey'],
      unit: 'score10',
      minAnswers: 100,
      scale: scoreOutOf10,
    },
    {
      slug: 'help_reachable',
      obtainedBy: 'survey',
      label: 'Aide joignable',
      method: "Part des usagers ayant cherché de l'aide qui ont pu joindre quelqu'un, selon l'enquête usagers.",
      sources: ['survey'],
      unit: 'percent',
      scale: {
        kind: 'higher',
        levels: [
          { label: 'Bonne', goal: true, min: 85 },
          { label: 'Moyenne', goal: false, min: 70 },
          { label: 'Faible', goal: false, min: null },
        ],
      },
    },
    {
      slug: 'help_efficient',
      obtainedBy: 'survey',
      label: 'Aide efficace',
      method: "Note moyenne sur 10 donnée à l'aide reçue, selon l'enquête usagers.",
      sources: ['survey'],
      unit: 'score10',
      scale: scoreOutOf10,
    },
    {
      slug: 'uptime',
      obtainedBy: 'probe',
      label: 'Disponibilité',
      method: 'Part des sondes réussies sur le trimestre (une sonde toutes les 5 minutes ; délai, erreurs DNS, TLS et HTTP 5xx comptent comme des échecs).',
      sources: ['crawl'],
      unit: 'percent',
      scale: {
        kind: 'higher',
        levels: [
          { label: 'Excellente', goal: true, min: 99.9 },
          { label: 'Correcte', goal: false, min: 98.5 },
          { label: 'Insuffisante', goal: false, min: null },
        ],
      },
    },
    {
      slug: 'performance',
      obtainedBy: 'probe',
      label: 'Temps de réponse',
      method: 'Temps de réponse moyen des sondes réussies sur le trimestre.',
      sources: ['crawl'],
      unit: 'ms',
      scale: {
        kind: 'lower',
        levels: [
          { label: 'Rapide', goal: true, below: 400 },
          { label: 'Moyen', goal: false, below: 800 },
          { label: 'Lent', goal: false, below: null },
        ],
      },
    },
    {
      slug: 'mobile',
      obtainedBy: 'check',
      label: 'Adapté au mobile',
      method: "Balise viewport adaptative et aucun défilement horizontal à 375 px de large, dans un vrai navigateur.",
      sources: ['crawl'],
      unit: 'label',
      scale: {
        kind: 'labels',
        levels: [
          { label: 'Oui', goal: true },
          { label: 'Non', goal: false },
        ],
      },
    },
    {
      slug: 'a11y_auto',
      obtainedBy: 'check',
      label: "Contrôle automatique d'accessibilité",
      method: 'Nombre de violations critiques ou graves relevées par axe-core dans Chromium sur la page de départ.',
      sources: ['crawl'],
      unit: 'violations',
      scale: {
        kind: 'lower',
        levels: [
          { label: 'Aucune violation grave', goal: true, below: 1 },
          { label: '1 à 5 violations', goal: false, below: 6 },
          { label: 'Plus de 5 violations', goal: false, below: null },
        ],
      },
    },
    {
      slug: 'usage',
      obtainedBy: 'declaration',
      label: 'Taux de recours au numérique',
      method: "Part des démarches faites en ligne, déclarée par l'administration. Affiché sans objectif.",
      sources: ['declared'],
      unit: 'percent',
      scale: { kind: 'none' },
    },
  ],
};
