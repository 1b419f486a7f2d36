import type { Component } from 'svelte';
import type { Route } from './routes.ts';

// The dashboard's pages by route. In the browser each page is a chunk of its own: the first view
// evaluates the code of one page, not of all. The server renders the public ones (web/src/server.ts).

type PageModule = Promise<{ default: Component<never> }>;

export const PAGES: Record<Route['name'], () => PageModule> = {
  accueil: () => import('../pages/Accueil.svelte'),
  demarches: () => import('../pages/Demarches.svelte'),
  demarche: () => import('../pages/Demarche.svelte'),
  syntheses: () => import('../pages/Syntheses.svelte'),
  synthese: () => import('../pages/Synthese.svelte'),
  editions: () => import('../pages/Editions.svelte'),
  methodologie: () => import('../pages/Methodologie.svelte'),
  donnees: () => import('../pages/Donnees.svelte'),
  accessibilite: () => import('../pages/Accessibilite.svelte'),
  mentionsLegales: () => import('../pages/MentionsLegales.svelte'),
  donneesPersonnelles: () => import('../pages/DonneesPersonnelles.svelte'),
  contact: () => import('../pages/Contact.svelte'),
  connexion: () => import('../pages/Connexion.svelte'),
  espace: () => import('../pages/Espace.svelte'),
  espaceDemarche: () => import('../pages/EspaceDemarche.svelte'),
  compte: () => import('../pages/Compte.svelte'),
  operateur: () => import('../pages/Operateur.svelte'),
  introuvable: () => import('../pages/NotFound.svelte'),
};

/** The page on screen and the route it was loaded for: a route and its page change together. */
export interface Shown {
  route: Route;
  Page: Component<Record<string, unknown>>;
}

/** A page's props, from its route. */
export function propsOf(r: Route): Record<string, unknown> {
  if (r.name === 'demarche' || r.name === 'espaceDemarche') return { id: r.id };
  if (r.name === 'synthese') return { by: r.by === 'ministere' ? 'ministry' : 'administration', slug: r.slug };
  return {};
}

/** What identifies a page on screen: another key draws the page anew. */
export const pageKey = (r: Route): string =>
  r.name === 'demarche' || r.name === 'espaceDemarche' ? `${r.name}/${r.id}` : r.name === 'synthese' ? `synthese/${r.by}/${r.slug}` : r.name;
