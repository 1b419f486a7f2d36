import type { TableQuery } from './api.ts';

// The state of the "250 démarches" table, kept in the URL so that a view can be shared. The URL
// speaks French (?ministere=…&public=…&tri=…); the API speaks English. Defaults are left out.

export const PAGE_SIZE = 50;

export interface TableView {
  /** An edition slug, or null for the latest published edition. */
  edition: string | null;
  ministry: string;
  administration: string;
  audience: string;
  q: string;
  sort: string;
  dir: 'asc' | 'desc';
  /** 1-based. */
  page: number;
}

export const DEFAULT_VIEW: TableView = { edition: null, ministry: '', administration: '', audience: '', q: '', sort: 'volume', dir: 'desc', page: 1 };

/** Each part of the view and its URL parameter (the filters' form fields carry the same names). */
export const PARAMS = { edition: 'edition', ministry: 'ministere', administration: 'administration', audience: 'public', q: 'recherche', sort: 'tri', dir: 'ordre', page: 'page' } as const;

const SLUG = /^[a-z0-9-]{1,80}$/;
const EDITION = /^\d{4}-T[1-4]$/;

/** Reads a view from a query string; anything malformed falls back to its default rather than failing. */
export function parseView(search: string | URLSearchParams): TableView {
  const p = typeof search === 'string' ? new URLSearchParams(search) : search;
  const get = (k: keyof typeof PARAMS) => p.get(PARAMS[k])?.trim() ?? '';
  const slug = (k: keyof typeof PARAMS) => (SLUG.test(get(k)) ? get(k) : '');
  const page = Number(get('page'));
  const dir = get('dir');
  return {
    edition: EDITION.test(get('edition')) ? get('edition') : null,
    ministry: slug('ministry'),
    administration: slug('administration'),
    audience: slug('audience'),
    q: get('q').slice(0, 100),
    sort: /^[a-z0-9_]{1,40}$/.test(get('sort')) ? get('sort') : DEFAULT_VIEW.sort,
    dir: dir === 'asc' || dir === 'desc' ? dir : DEFAULT_VIEW.dir,
    page: Number.isInteger(page) && page >= 1 && page <= 1000 ? page : 1,
  };
}

/** The query string of a view, defaults left out, in a stable order ("" for the default view). */
export function serializeView(view: TableView): string {
  const p = new URLSearchParams();
  for (const key of Object.keys(PARAMS) as (keyof typeof PARAMS)[]) {
    const value = view[key];
    if (value === null || value === DEFAULT_VIEW[key]) continue;
    p.set(PARAMS[key], String(value));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** The API's filters for a view (sort included; pagination apart). */
export function apiFilters(view: TableView): TableQuery {
  return {
    ministry: view.ministry || undefined,
    administration: view.administration || undefined,
    audience: view.audience || undefined,
    q: view.q || undefined,
    sort: view.sort,
    dir: view.dir,
  };
}

/** Clicking a column header: a new column starts with its natural order, the same column flips. */
export function toggleSort(view: TableView, column: string): Pick<TableView, 'sort' | 'dir'> {
  if (view.sort === column) return { sort: column, dir: view.dir === 'asc' ? 'desc' : 'asc' };
  // Text columns read A→Z first; volumes and criteria best first.
  const textual = column === 'title' || column === 'ministry' || column === 'administration';
  return { sort: column, dir: textual ? 'asc' : 'desc' };
}
