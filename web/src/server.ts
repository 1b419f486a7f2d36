// The server's side of the dashboard: renders a public page to HTML with Svelte's server
// renderer, from the same components the browser then takes over (hydration). Built by
// `vite build --ssr` into dist/ssr/server.js; server/ssr.ts calls it.
import { render } from 'svelte/server';
import type { Component } from 'svelte';
import App from './App.svelte';
import { renderingWith } from './lib/api.ts';
import { serverScreen } from './lib/layout.svelte.ts';
import { router } from './lib/router.svelte.ts';
import { matchRoute, type Route } from './lib/routes.ts';
import { PARAMS } from './lib/table-view.ts';
import Accueil from './pages/Accueil.svelte';
import Demarches from './pages/Demarches.svelte';
import Demarche from './pages/Demarche.svelte';
import Syntheses from './pages/Syntheses.svelte';
import Synthese from './pages/Synthese.svelte';
import Editions from './pages/Editions.svelte';
import Methodologie from './pages/Methodologie.svelte';
import Donnees from './pages/Donnees.svelte';
import Accessibilite from './pages/Accessibilite.svelte';
import MentionsLegales from './pages/MentionsLegales.svelte';
import DonneesPersonnelles from './pages/DonneesPersonnelles.svelte';
import Contact from './pages/Contact.svelte';

/**
 * The pages drawn on the server: the public ones, whose data is public too. The spaces and the
 * login are drawn in the browser (they depend on who is signed in), as is the 404.
 */
const SERVER_PAGES: Partial<Record<Route['name'], Component<never>>> = {
  accueil: Accueil,
  demarches: Demarches,
  demarche: Demarche,
  syntheses: Syntheses,
  synthese: Synthese,
  editions: Editions,
  methodologie: Methodologie,
  donnees: Donnees,
  accessibilite: Accessibilite,
  mentionsLegales: MentionsLegales,
  donneesPersonnelles: DonneesPersonnelles,
  contact: Contact,
};

export interface RenderedPage {
  head: string;
  body: string;
  /** API paths the page asked for that `answers` lacks: fetch them and render again. */
  wanted: string[];
}

/** The query parameters each page reads: any other is no part of the page (nor of its key in the server's cache). */
const PAGE_PARAMS: Partial<Record<Route['name'], readonly string[]>> = {
  demarches: Object.values(PARAMS),
  syntheses: ['par'],
  synthese: ['comparer'],
};

/**
 * The query string of a page as it reads it: its own parameters, once each, in a stable order.
 * Two addresses that draw the same page give the same string.
 */
export function canonicalSearch(pathname: string, search: string): string {
  const names = PAGE_PARAMS[matchRoute(pathname).name] ?? [];
  const given = new URLSearchParams(search);
  const kept = new URLSearchParams();
  for (const name of names) {
    const value = given.get(name);
    if (value !== null && value !== '') kept.set(name, value);
  }
  const s = kept.toString();
  return s ? `?${s}` : '';
}

/** Whether the server draws the page at this path. */
export const rendersOnServer = (pathname: string): boolean => SERVER_PAGES[matchRoute(pathname).name] !== undefined;

/**
 * Renders the page at `pathname` + `search` with the API answers given (path → JSON). Null for a
 * page the server does not draw.
 */
export function renderPage(pathname: string, search: string, answers: ReadonlyMap<string, unknown>, screen: { narrow: boolean }): RenderedPage | null {
  const route = matchRoute(pathname);
  const Page = SERVER_PAGES[route.name] as Component<Record<string, unknown>> | undefined;
  if (!Page) return null;
  // Rendering is synchronous: the router and the screen hold this page's values until it returns.
  router.path = pathname;
  router.search = search;
  serverScreen.narrow = screen.narrow;
  // The result's head and body are drawn when read: read them while the answers are set.
  const { result, wanted } = renderingWith(answers, () => {
    const rendered = render(App, { props: { initial: { route, Page } } });
    return { head: rendered.head, body: rendered.body };
  });
  return { ...result, wanted };
}
