import { ApiError } from './api.ts';
import type { Change, ScoreCell } from './types.ts';

// The ministry teams' and operators' spaces: the session (who is logged in and the CSRF token)
// and their API calls. Nothing here is cached: these answers are personal and change.

export interface Scope {
  ministries: string[];
  administrations: string[];
}

export interface User {
  id: number;
  email: string;
  name: string;
  role: 'operator' | 'team';
  scope: Scope;
  lockedUntil: string | null;
  disabled: boolean;
  lastLoginAt: string | null;
  createdAt: string;
}

export interface CurrentCell extends Omit<ScoreCell, 'change'> {
  observedAt: string | null;
  /** Probed criteria (uptime, response time): the days of probes the value covers. */
  period?: { from: string; to: string };
}

/** Which edition a team's latest values are compared with (see server/services/team.ts), and how recent they are. */
export interface TrackedHeader {
  edition: string | null;
  latestEdition: string | null;
  measuredUntil: string | null;
}

export interface TrackedCriterion {
  criterion: string;
  edition: ScoreCell | null;
  current: CurrentCell | null;
  change: Change | null;
}

export interface TrackedProcedure {
  id: number;
  title: string;
  ministry: { slug: string; name: string };
  administration: { slug: string; name: string };
  yearlyVolume: number;
  watched: boolean;
  regressions: number;
  improvements: number;
  criteria: TrackedCriterion[];
}

export interface Declaration {
  id: number;
  criterion: string;
  value: number | string | null;
  answers: number | null;
  justification: string;
  declaredBy: string;
  declaredAt: string;
  supersededAt: string | null;
  inForce: boolean;
  previous: { value: number | string | null; answers: number | null; declaredAt: string } | null;
}

export interface Declarable {
  criterion: string;
  label: string;
  kind: 'count' | 'percent' | 'proactive' | 'score';
  min?: number;
  max?: number;
  help: string;
}

export interface RecheckResult {
  criterion: string;
  status: string;
  value: string | number | null;
  level: string | null;
  goal: boolean | null;
  reason: string | null;
  observationId: number;
}

export interface Recheck {
  id: number;
  procedureId: number;
  status: 'queued' | 'running' | 'done' | 'failed';
  requestedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  results: RecheckResult[] | null;
  error: string | null;
}

export interface Webhook {
  id: number;
  url: string;
  scope: { kind: 'ministry' | 'administration'; slug: string };
  createdAt: string;
  deliveries: { pending: number; delivered: number; dead: number };
  lastError: string | null;
  secret?: string;
}

export const session = $state<{ user: User | null; csrf: string; loaded: boolean }>({ user: null, csrf: '', loaded: false });

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') headers['x-csrf-token'] = session.csrf;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  if (response.status === 401 && path !== '/api/session') session.user = null;
  if (!response.ok) {
    const answer = (await response.json().catch(() => null)) as { message?: string } | null;
    throw new ApiError(response.status, answer?.message ?? `HTTP ${response.status}`);
  }
  return (response.status === 204 ? undefined : await response.json()) as T;
}

/** Who is logged in (and the token the next state-changing request needs). */
export async function loadSession(): Promise<User | null> {
  const answer = await call<{ user: User | null; csrfToken: string }>('GET', '/api/session');
  session.user = answer.user;
  session.csrf = answer.csrfToken;
  session.loaded = true;
  return answer.user;
}

export async function logIn(email: string, password: string): Promise<User> {
  if (!session.csrf) await loadSession();
  const answer = await call<{ user: User; csrfToken: string }>('POST', '/api/session', { email, password });
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

export const changePassword = (current: string, next: string): Promise<void> => call('PUT', '/api/session/password', { current, next });

export const getMyProcedures = (): Promise<TrackedHeader & { items: TrackedProcedure[] }> => call('GET', '/api/me/procedures');

export const getMyProcedure = (
  id: number,
): Promise<TrackedHeader & { procedure: TrackedProcedure; declarations: Declaration[]; rechecks: Recheck[]; nextRecheckAt: string | null; declarable: Declarable[] }> =>
  call('GET', `/api/me/procedures/${id}`);

export const declare = (id: number, body: { criterion: string; value: number | string; answers?: number; justification: string }): Promise<Declaration> =>
  call('POST', `/api/me/procedures/${id}/declarations`, body);

export const withdraw = (id: number, criterion: string): Promise<void> => call('DELETE', `/api/me/procedures/${id}/declarations/${criterion}`);

export const setWatched = (id: number, watched: boolean): Promise<void> => call(watched ? 'PUT' : 'DELETE', `/api/me/watchlist/${id}`);

export const askRecheck = (id: number): Promise<{ recheck: Recheck; created: boolean }> => call('POST', `/api/me/procedures/${id}/rechecks`);

export const getRecheck = (id: number): Promise<Recheck> => call('GET', `/api/me/rechecks/${id}`);

export const getWebhooks = (): Promise<{ items: Webhook[] }> => call('GET', '/api/me/webhooks');

export const addWebhook = (url: string, scope: Webhook['scope']): Promise<Webhook> => call('POST', '/api/me/webhooks', { url, scope });

export const removeWebhook = (id: number): Promise<void> => call('DELETE', `/api/me/webhooks/${id}`);

// ---------------------------------------------------------------- operators

export interface EditionEntry {
  slug: string;
  status: 'draft' | 'published';
  closedAt: string;
  publishedAt: string | null;
  methodologyVersion: number;
}

export interface DraftPreview {
  edition: { slug: string; status: string; closedAt: string; publishedAt: string | null };
  previous: string | null;
  procedures: { now: number; before: number; added: number; removed: number };
  counts: Record<string, number>;
  scores: { criterion: string; share: number | null; previousShare: number | null; trend: number | null; coverage: number | null; measured: number; total: number }[];
  changes: {
    procedure: { id: number; title: string; ministry: string };
    criterion: string;
    change: 'improved' | 'regressed';
    before: { level: string | null; value: number | string | null } | null;
    after: { level: string | null; value: number | string | null; source: string | null };
  }[];
}

export interface CrawlRun {
  id: number;
  trigger: string;
  status: string;
  procedures: number;
  startedAt: string;
  finishedAt: string | null;
  measured: number | null;
  unmeasurable: number | null;
  failures: Record<string, number>;
  error: string | null;
}

export const getUsers = (): Promise<{ items: User[] }> => call('GET', '/api/admin/users');

export const createUser = (body: { email: string; name: string; role: User['role']; scope?: Partial<Scope> }): Promise<{ user: User; password?: string }> => call('POST', '/api/admin/users', body);

export const updateUser = (id: number, body: { disabled?: boolean; unlock?: boolean; resetPassword?: boolean }): Promise<User & { password?: string }> =>
  call('PATCH', `/api/admin/users/${id}`, body);

export const getAllEditions = (): Promise<{ items: EditionEntry[] }> => call('GET', '/api/admin/editions');

export const closeQuarter = (slug: string): Promise<{ slug: string; procedures: number }> => call('POST', `/api/admin/editions/${slug}/close`);

export const previewEdition = (slug: string): Promise<DraftPreview> => call('GET', `/api/admin/editions/${slug}/preview`);

export const publish = (slug: string): Promise<{ slug: string }> => call('POST', `/api/admin/editions/${slug}/publish`);

export const getCrawlRuns = (): Promise<{ items: CrawlRun[]; failuresByType: { type: string; count: number }[]; webhookDeliveries: { pending: number; delivered: number; dead: number } }> =>
  call('GET', '/api/admin/crawl-runs');
