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
  | { name: 'mentionsLegales' }
  | { name: 'donneesPersonnelles' }
  | { name: 'contact' }
  | { name: 'connexion' }
  | { name: 'espace' }
  | { name: 'espaceDemarche'; id: number }
  | { name: 'compte' }
  | { name: 'operateur' }
  | { name: 'introuvable' };

const STATIC: Record<string, Route['name']> = {
  '/': 'accueil',
  '/demarches': 'demarches',
  '/syntheses': 'syntheses',
  '/editions': 'editions',
  '/methodologie': 'methodologie',
  '/donnees': 'donnees',
  '/accessibilite': 'accessibilite',
  '/mentions-legales': 'mentionsLegales',
  '/donnees-personnelles': 'donneesPersonnelles',
  '/contact': 'contact',
  '/connexion': 'connexion',
  '/espace': 'espace',
  '/espace/compte': 'compte',
  '/operateur': 'operateur',
};

export function matchRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  const name = STATIC[path];
  if (name) return { name } as Route;
  const procedure = /^\/demarches\/([1-9]\d{0,8})$/.exec(path);
  if (procedure) return { name: 'demarche', id: Number(procedure[1]) };
  const tracked = /^\/espace\/demarches\/([1-9]\d{0,8})$/.exec(path);
  if (tracked) return { name: 'espaceDemarche', id: Number(tracked[1]) };
  const group = /^\/syntheses\/(ministere|administration)\/([a-z0-9-]{1,80})$/.exec(path);
  if (group) return { name: 'synthese', by: group[1] as GroupPath, slug: group[2]! };
  return { name: 'introuvable' };
}

export const procedureHref = (id: number): string => `/demarches/${id}`;

export const groupHref = (by: 'ministry' | 'administration', slug: string): string => `/syntheses/${by === 'ministry' ? 'ministere' : 'administration'}/${slug}`;

export const trackedHref = (id: number): string => `/espace/demarches/${id}`;

/** The login page, coming back to `path` afterwards. */
export const loginHref = (path: string): string => `/connexion?retour=${encodeURIComponent(path)}`;

/** Where to go after login: back where the user was sent from if it is one of our pages, else their space. */
export function afterLogin(search: string, role: 'operator' | 'team'): string {
  const back = new URLSearchParams(search).get('retour');
  if (back && back.startsWith('/') && !back.startsWith('//') && matchRoute(back.split('?')[0]!).name !== 'introuvable') return back;
  return role === 'operator' ? '/operateur' : '/espace';
}
