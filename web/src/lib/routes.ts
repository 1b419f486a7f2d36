// The dashboard's pages and their paths. Pure, so the table of routes is tested without a browser.

export type GroupPath = 'ministere' | 'administration';

export type Route =
  | { name: 'accueil' }
  | { name: 'demarches' }
  | { name: 'demarche'; id: number }
  | { name: 'syntheses' }
  | { name: 'synthese'; by: GroupPath; slug: string }
  | { name: 'editions' }
  | { name: 'methodologie' }
  | { name: 'donnees' }
  | { name: 'accessibilite' }
  | { name: 'introuvable' };

const STATIC: Record<string, Route['name']> = {
  '/': 'accueil',
  '/demarches': 'demarches',
  '/syntheses': 'syntheses',
  '/editions': 'editions',
  '/methodologie': 'methodologie',
  '/donnees': 'donnees',
  '/accessibilite': 'accessibilite',
};

export function matchRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  const name = STATIC[path];
  if (name) return { name } as Route;
  const procedure = /^\/demarches\/([1-9]\d{0,8})$/.exec(path);
  if (procedure) return { name: 'demarche', id: Number(procedure[1]) };
  const group = /^\/syntheses\/(ministere|administration)\/([a-z0-9-]{1,80})$/.exec(path);
  if (group) return { name: 'synthese', by: group[1] as GroupPath, slug: group[2]! };
  return { name: 'introuvable' };
}

export const procedureHref = (id: number): string => `/demarches/${id}`;

export const groupHref = (by: 'ministry' | 'administration', slug: string): string => `/syntheses/${by === 'ministry' ? 'ministere' : 'administration'}/${slug}`;
