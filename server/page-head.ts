import { eq } from 'drizzle-orm';
import { first, type Db } from '../db/client.ts';
import { administrations, ministries } from '../db/schema/index.ts';
import { getProcedure } from './services/catalogue.ts';

// Each page's title and description in the HTML the server sends, with Open Graph tags: a link
// shared in a message or a search result says what the page is before any script runs.

export const SITE_NAME = 'Observatoire de la qualité des démarches en ligne';
const SITE_DESCRIPTION = 'Les 250 démarches en ligne les plus utilisées, mesurées chaque trimestre par des robots, avec les preuves de chaque résultat.';

export interface PageHead {
  title: string;
  description: string;
}

const STATIC: Record<string, PageHead> = {
  '/': { title: SITE_NAME, description: SITE_DESCRIPTION },
  '/demarches': { title: 'Les 250 démarches', description: 'Chaque démarche et ses critères dans l’édition du trimestre : niveaux, valeurs, sources et preuves, à filtrer et exporter.' },
  '/syntheses': { title: 'Synthèses par ministère', description: 'La part des démarches de chaque ministère et administration qui atteint l’objectif, critère par critère.' },
  '/editions': { title: 'Les éditions', description: 'Les éditions trimestrielles publiées de l’observatoire, figées, et ce qui a changé de l’une à l’autre.' },
  '/methodologie': { title: 'Méthodologie', description: 'Ce que mesure chaque critère, comment les robots le mesurent, les niveaux, les sources et les règles de publication.' },
  '/donnees': { title: 'Données', description: 'Les données ouvertes de l’observatoire : exports CSV, API et historique complet.' },
  '/accessibilite': { title: 'Accessibilité', description: 'La déclaration d’accessibilité du tableau de bord de l’observatoire.' },
  '/mentions-legales': { title: 'Mentions légales', description: 'L’éditeur, l’hébergement et la licence des données de l’observatoire.' },
  '/donnees-personnelles': { title: 'Données personnelles', description: 'Les données personnelles que traite l’observatoire : le seul cookie de session de l’espace ministère, aucun suivi.' },
  '/contact': { title: 'Contact', description: 'Écrire à l’équipe de l’observatoire.' },
};

/** The title and description of a page path, or null for a path that is no page (the app says 404) or a private one. */
export async function pageHead(db: Db, path: string): Promise<PageHead | null> {
  const clean = path.replace(/\/+$/, '') || '/';
  const known = STATIC[clean];
  if (known) return { title: clean === '/' ? SITE_NAME : `${known.title} — ${SITE_NAME}`, description: known.description };
  const procedure = /^\/demarches\/([1-9]\d{0,8})$/.exec(clean);
  if (procedure) {
    const p = await getProcedure(db, Number(procedure[1]));
    if (!p) return null;
    return { title: `${p.title} — Fiche démarche — ${SITE_NAME}`, description: `${p.title} (${p.administration.name}) : ses résultats sur chaque critère de l’observatoire, leur évolution et les preuves.` };
  }
  const group = /^\/syntheses\/(ministere|administration)\/([a-z0-9-]{1,80})$/.exec(clean);
  if (group) {
    const table = group[1] === 'ministere' ? ministries : administrations;
    const found = await first(db.select({ name: table.name }).from(table).where(eq(table.slug, group[2]!)));
    if (!found) return null;
    return { title: `${found.name} — Synthèse — ${SITE_NAME}`, description: `Les démarches en ligne de ${found.name} dans l’observatoire : la part qui atteint l’objectif, critère par critère, et son évolution.` };
  }
  return null;
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The dashboard's HTML with this page's title, description and Open Graph tags. */
export function withHead(html: string, head: PageHead, url: string): string {
  const tags = [
    `<meta property="og:type" content="website" />`,
    `<meta property="og:site_name" content="${escape(SITE_NAME)}" />`,
    `<meta property="og:locale" content="fr_FR" />`,
    `<meta property="og:title" content="${escape(head.title)}" />`,
    `<meta property="og:description" content="${escape(head.description)}" />`,
    `<meta property="og:url" content="${escape(url)}" />`,
  ].join('\n    ');
  return html
    .replace(/\s*<meta property="og:[a-z_]+" content="[^"]*" \/>/g, '')
    .replace(/<title>[^<]*<\/title>/, `<title>${escape(head.title)}</title>`)
    .replace(/<meta name="description" content="[^"]*" \/>/, `<meta name="description" content="${escape(head.description)}" />\n    ${tags}`);
}
