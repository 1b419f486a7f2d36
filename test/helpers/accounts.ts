import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/client.ts';
import { createUser } from '../../server/auth/accounts.ts';
import type { Role, Scope } from '../../db/schema/index.ts';

export const PASSWORD = 'correct horse battery staple';

let next = 1;

/** A new account; its e-mail is unique in the run. */
export async function createAccount(db: Db, role: Role, scope: Partial<Scope> = {}, name = 'Équipe de test'): Promise<{ id: number; email: string; password: string }> {
  const email = `${role}-${next++}@example.gouv.fr`;
  const user = await createUser(db, { email, name, role, scope, password: PASSWORD });
  return { id: user.id, email, password: PASSWORD };
}

/** Cookies of a response, as a Cookie header for the next request. */
export function cookiesOf(res: { cookies: { name: string; value: string }[] }): string {
  return res.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}

export interface Session {
  cookie: string;
  csrf: string;
  /** Headers of a state-changing request of this session. */
  headers: Record<string, string>;
}

/** Logs in the way the dashboard does: login token first, then the form. */
export async function login(app: FastifyInstance, email: string, password = PASSWORD): Promise<Session> {
  const first = await app.inject('/api/session');
  const res = await app.inject({
    method: 'POST',
    url: '/api/session',
    headers: { cookie: cookiesOf(first), 'x-csrf-token': first.json().csrfToken },
    payload: { email, password },
  });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  const cookie = cookiesOf(res);
  const csrf = res.json().csrfToken as string;
  return { cookie, csrf, headers: { cookie, 'x-csrf-token': csrf } };
}
