import type {
  CriteriaAnswer,
  DataDictionary,
  EditionDetail,
  EditionSummary,
  GroupHistory,
  GroupKind,
  GroupsAnswer,
  ProcedureDetail,
  ProcedureItem,
  ProceduresAnswer,
} from './types.ts';
import type { ErrorResponse } from '../../../contracts/index.ts';
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

function getJson<T>(path: string): Promise<T> {
  let answer = answers.get(path);
  if (!answer) {
    answer = fetchJson(path);
    if (answers.size >= MAX_ANSWERS) answers.delete(answers.keys().next().value!);
    answers.set(path, answer);
    answer.catch(() => answers.delete(path));
  }
  return answer as Promise<T>;
}

/** Forgets every kept answer: new editions have been published (the demo history is being built). */
export function forgetAnswers(): void {
  answers.clear();
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

/** The current catalogue: which administrations belong to which ministry, for the filters. */
export const getCatalogue = (): Promise<{ total: number; items: ProcedureItem[] }> => getJson('/api/procedures');
