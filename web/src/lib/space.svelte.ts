import { apiError } from './api.ts';
import type {
  CloseSummary,
  CrawlRuns,
  CreatedUser,
  Declaration,
  DeclarationInput,
  DraftPreview,
  EditionEntry,
  LoginInput,
  PasswordChange,
  Published,
  Recheck,
  RecheckRequested,
  SessionAnswer,
  TrackedDetail,
  TrackedList,
  UpdatedUser,
  User,
  UserInput,
  UserUpdate,
  Webhook,
  WebhookInput,
} from '../../../contracts/index.ts';

export type {
  CrawlRun,
  CrawlRuns,
  CurrentCell,
  Declarable,
  Declaration,
  DraftPreview,
  EditionEntry,
  Recheck,
  RecheckResult,
  Scope,
  TrackedCriterion,
  TrackedHeader,
  TrackedProcedure,
  User,
  Webhook,
} from '../../../contracts/index.ts';

// The ministry teams' and operators' spaces: the session (who is logged in and the CSRF token)
// and their API calls. Nothing here is cached: these answers are personal and change.

export const session = $state<{ user: User | null; csrf: string; loaded: boolean }>({ user: null, csrf: '', loaded: false });

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') headers['x-csrf-token'] = session.csrf;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  if (response.status === 401 && path !== '/api/session') session.user = null;
  if (!response.ok) {
    throw await apiError(response);
  }
  return (response.status === 204 ? undefined : await response.json()) as T;
}

/** Who is logged in (and the token the next state-changing request needs). */
export async function loadSession(): Promise<User | null> {
  const answer = await call<SessionAnswer>('GET', '/api/session');
  session.user = answer.user;
  session.csrf = answer.csrfToken;
  session.loaded = true;
  return answer.user;
}

export async function logIn(email: string, password: string): Promise<User> {
  if (!session.csrf) await loadSession();
  const answer = await call<SessionAnswer & { user: User }>('POST', '/api/session', { email, password } satisfies LoginInput);
  session.user = answer.user;
  session.csrf = answer.csrfToken;
  return answer.user;
}

export async function logOut(): Promise<void> {
  await call('DELETE', '/api/session');
  session.user = null;
  session.csrf = '';
  session.loaded = false;
}

export const changePassword = (current: string, next: string): Promise<void> => call('PUT', '/api/session/password', { current, next } satisfies PasswordChange);

export const getMyProcedures = (): Promise<TrackedList> => call('GET', '/api/me/procedures');

export const getMyProcedure = (id: number): Promise<TrackedDetail> => call('GET', `/api/me/procedures/${id}`);

export const declare = (id: number, body: DeclarationInput): Promise<Declaration> =>
  call('POST', `/api/me/procedures/${id}/declarations`, body);

export const withdraw = (id: number, criterion: string): Promise<void> => call('DELETE', `/api/me/procedures/${id}/declarations/${criterion}`);

export const setWatched = (id: number, watched: boolean): Promise<void> => call(watched ? 'PUT' : 'DELETE', `/api/me/watchlist/${id}`);

export const askRecheck = (id: number): Promise<RecheckRequested> => call('POST', `/api/me/procedures/${id}/rechecks`);

export const getRecheck = (id: number): Promise<Recheck> => call('GET', `/api/me/rechecks/${id}`);

export const getWebhooks = (): Promise<{ items: Webhook[] }> => call('GET', '/api/me/webhooks');

export const addWebhook = (url: string, scope: Webhook['scope']): Promise<Webhook> => call('POST', '/api/me/webhooks', { url, scope } satisfies WebhookInput);

export const removeWebhook = (id: number): Promise<void> => call('DELETE', `/api/me/webhooks/${id}`);

// ---------------------------------------------------------------- operators

export const getUsers = (): Promise<{ items: User[] }> => call('GET', '/api/admin/users');

export const createUser = (body: UserInput): Promise<CreatedUser> => call('POST', '/api/admin/users', body);

export const updateUser = (id: number, body: UserUpdate): Promise<UpdatedUser> =>
  call('PATCH', `/api/admin/users/${id}`, body);

export const getAllEditions = (): Promise<{ items: EditionEntry[] }> => call('GET', '/api/admin/editions');

export const closeQuarter = (slug: string): Promise<CloseSummary> => call('POST', `/api/admin/editions/${slug}/close`);

export const previewEdition = (slug: string): Promise<DraftPreview> => call('GET', `/api/admin/editions/${slug}/preview`);

export const publish = (slug: string): Promise<Published> => call('POST', `/api/admin/editions/${slug}/publish`);

export const getCrawlRuns = (): Promise<CrawlRuns> =>
  call('GET', '/api/admin/crawl-runs');
