import type { CriteriaAnswer, EditionSummary, ProcedureItem } from './types.ts';

// One function per endpoint. Errors carry the API's own message, shown to the user in French context.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { message?: string } | null;
    throw new ApiError(response.status, body?.message ?? `HTTP ${response.status}`);
  }
  return (await response.json()) as T;
}

export function getProcedures(): Promise<{ total: number; items: ProcedureItem[] }> {
  return getJson('/api/procedures');
}

export function getCriteria(): Promise<CriteriaAnswer> {
  return getJson('/api/criteria');
}

export function getEditions(): Promise<{ items: EditionSummary[] }> {
  return getJson('/api/editions');
}
