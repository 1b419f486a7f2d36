import type {
  CriteriaAnswer,
  DataDictionary,
  EditionDetail,
  EditionSummary,
  GroupHistory,
  GroupKind,
  GroupsAnswer,
  ProcedureDetail,
  ProceduresAnswer,
} from './types.ts';
import type { ErrorResponse, MinistryList } from '../../../contracts/index.ts';
import { frenchMessage } from './errors.ts';

// One function per endpoint. Errors carry the API's status and code, and the dashboard's own
// French words for them (lib/errors.ts).

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** The refusal an answer carries, in French. */
export async function apiError(response: Response): Promise<ApiError> {
  const answer = (await response.json().catch(() => null)) as Pick<ErrorResponse, 'code' | 'params'> | null;
  return new ApiError(response.status, frenchMessage(response.status, answer), answer?.code);
}

// Published editions never change: an answer fetched once serves every later visit in the session
// (back and forth between the table and a procedure costs no request). Failures are not kept; the
// oldest answer goes past 100, so a long session of searches does not grow without bound.
const answers = new Map<string, Promise<unknown>>();
const MAX_ANSWERS = 100;

/**
 * The value of each answer already here, by its promise: the answers the server rendered the page
 * with, and those fetched since. A page reads them at once (`now`, `all`, `map`), so its first
 * render in the browser is the server's HTML, and a view seen before comes back without a wait.
 */
const settled = new WeakMap<Promise<unknown>, unknown>();

/**
 * On the server, while a page is rendered: the answers it may use, and the paths it asked for
 * without an answer (the server fetches them and renders again). Null in the browser.
 */
let rendering: { answers: ReadonlyMap<string, unknown>; wanted: Set<string> } | null = null;
const NEVER = new Promise<never>(() => {});

function known<T>(value: T): Promise<T> {
  const promise = Promise.resolve(value);
  settled.set(promise, value);
  return promise;
}

function getJson<T>(path: string): Promise<T> {
  if (rendering) {
    if (rendering.answers.has(path)) return known(rendering.answers.get(path) as T);
    rendering.wanted.add(path);
    return NEVER;
  }
  let answer = answers.get(path);
  if (!answer) {
    const fetching = fetchJson(path);
    answer = fetching;
    if (answers.size >= MAX_ANSWERS) answers.delete(answers.keys().next().value!);
    answers.set(path, fetching);
    fetching.then(
      (value) => settled.set(fetching, value),
      () => answers.delete(path),
    );
  }
  return answer as Promise<T>;
}

/** Forgets every kept answer: new editions have been published (the demo history is being built). */
export function forgetAnswers(): void {
  answers.clear();
}

/** The answers the server rendered this page with (the JSON in its HTML): the page starts from them. */
export function seedAnswers(preloaded: Record<string, unknown>): void {
  for (const [path, value] of Object.entries(preloaded)) answers.set(path, known(value));
}

/**
 * Server rendering: runs `render` with these answers, and says which paths it asked for that are
 * not among them. Rendering is synchronous, so one render at a time holds the state.
 */
export function renderingWith<R>(answers: ReadonlyMap<string, unknown>, render: () => R): { result: R; wanted: string[] } {
  const state = { answers, wanted: new Set<string>() };
  rendering = state;
  try {
    return { result: render(), wanted: [...state.wanted] };
  } finally {
    rendering = null;
  }
}

/** A value, or the promise of it while it loads. `{#await}` draws a value at once, on the server too. */
export type Maybe<T> = T | Promise<T>;

/** The answer's value if it is already here, else undefined. */
export const now = <T>(promise: Promise<T>): T | undefined => settled.get(promise) as T | undefined;

/** The answer's value if it is already here, else the promise of it. */
export const ready = <T>(promise: Promise<T>): Maybe<T> => (settled.has(promise) ? (settled.get(promise) as T) : promise);

/** Every answer's value at once when all are here, else a promise of them. */
export function all<const P extends readonly Promise<unknown>[]>(promises: P): Maybe<{ -readonly [K in keyof P]: Awaited<P[K]> }> {
  type Values = { -readonly [K in keyof P]: Awaited<P[K]> };
  if (promises.every((p) => settled.has(p))) return promises.map((p) => settled.get(p)) as Values;
  return Promise.all(promises) as Promise<Values>;
}

/** `fn` of a value at once, or of the promised one later; an error thrown at once becomes a rejected promise (`{:catch}`). */
export function map<T, R>(value: Maybe<T>, fn: (value: T) => Maybe<R>): Maybe<R> {
  if (value instanceof Promise) return value.then(fn);
  try {
    return fn(value);
  } catch (error) {
    return Promise.reject(error as Error);
  }
}

export interface DemoHistoryState {
  state: 'building' | 'done' | 'failed';
  published: number;
  total: number;
}

/** The service's health, never kept: the demo history's progress is in it. */
export const getDemoHistory = async (): Promise<DemoHistoryState | null> => ((await fetchJson('/api/health')) as { demoHistory?: DemoHistoryState }).demoHistory ?? null;

async function fetchJson(path: string): Promise<unknown> {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  if (!response.ok) {
    throw await apiError(response);
  }
  return response.json();
}

const query = (params: Record<string, string | number | undefined>): string => {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') search.set(k, String(v));
  const s = search.toString();
  return s ? `?${s}` : '';
};

export const getCriteria = (): Promise<CriteriaAnswer> => getJson('/api/criteria');

export interface SiteInfo {
  publisher: string;
  contactEmail: string;
  publicUrl: string;
}

/** Who publishes the observatory and how to reach them (legal pages, contact). */
export const getSite = (): Promise<SiteInfo> => getJson('/api/site');

export const getEditions = (): Promise<{ items: EditionSummary[] }> => getJson('/api/editions');

export const getEdition = (slug: string): Promise<EditionDetail> => getJson(`/api/editions/${encodeURIComponent(slug)}`);

export interface TableQuery {
  ministry?: string;
  administration?: string;
  audience?: string;
  q?: string;
  sort?: string;
  dir?: 'asc' | 'desc';
}

export const getEditionProcedures = (slug: string, filters: TableQuery & { limit?: number; offset?: number }): Promise<ProceduresAnswer> =>
  getJson(`/api/editions/${encodeURIComponent(slug)}/procedures${query({ ...filters })}`);

/** Where "Exporter en CSV" points: the same filters and sort as the table on screen. */
export const editionCsvUrl = (slug: string, filters: TableQuery, sep?: 'semicolon'): string =>
  `/api/editions/${encodeURIComponent(slug)}/export.csv${query({ ...filters, sep })}`;

export const getGroups = (slug: string, by: GroupKind): Promise<GroupsAnswer> => getJson(`/api/editions/${encodeURIComponent(slug)}/groups${query({ by })}`);

export const getGroupHistory = (by: GroupKind | 'observatory', slug: string, editions = 5): Promise<GroupHistory> =>
  getJson(`/api/groups/${by}/${encodeURIComponent(slug)}${query({ editions })}`);

export const getProcedure = (id: number): Promise<ProcedureDetail> => getJson(`/api/procedures/${id}`);

export const getDataDictionary = (): Promise<DataDictionary> => getJson('/api/data-dictionary');

/** The ministries by name, each with its administrations: the table's filters. */
export const getMinistries = (): Promise<MinistryList> => getJson('/api/ministries');
