import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import cookie from '@fastify/cookie';
import { findSession, type User } from './accounts.ts';
import { CSRF_HEADER, DomainError } from '../../contracts/index.ts';

// Sessions and CSRF for the ministry teams' and operators' spaces.
// - The session cookie is httpOnly, SameSite=Strict, Secure when the public address is https;
//   it holds a random token whose SHA-256 is the session's key.
// - Every state-changing request under /api (any method but GET/HEAD/OPTIONS) needs a session
//   (else 401) and the session's CSRF token in `x-csrf-token` (else 403): the synchronizer token
//   pattern. Login, the one state change without a session, checks a pre-session token against
//   its cookie instead (double submit). A cross-site Origin is refused outright.

export const SESSION_COOKIE = 'obs_session';
export const LOGIN_CSRF_COOKIE = 'obs_login_csrf';

const SESSION_REQUIRED = () => new DomainError('session.required', 'Log in first.');

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null;
    session: { tokenHash: string; csrfToken: string } | null;
  }
}

export interface AuthOptions {
  /** Cookies marked Secure (the dashboard is served over https). */
  secureCookies: boolean;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const LOGIN_ROUTE = '/api/session';
/** Routes that read the logged-in user. */
const SPACE_PREFIXES = [LOGIN_ROUTE, '/api/me/', '/api/admin/'];

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

export function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const auth: FastifyPluginAsync<AuthOptions> = async (fastify, opts) => {
  await fastify.register(cookie);
  fastify.decorateRequest('user', null);
  fastify.decorateRequest('session', null);

  const cookieOptions = { httpOnly: true, sameSite: 'strict' as const, secure: opts.secureCookies, path: '/' };
  fastify.decorateReply('setSessionCookie', function (this: FastifyReply, token: string) {
    return this.setCookie(SESSION_COOKIE, token, cookieOptions);
  });
  fastify.decorateReply('clearSessionCookie', function (this: FastifyReply) {
    return this.clearCookie(SESSION_COOKIE, cookieOptions);
  });
  /** A fresh pre-session token for the login form, its copy kept in a cookie only the server reads. */
  fastify.decorateReply('issueLoginCsrf', function (this: FastifyReply) {
    const token = randomBytes(32).toString('base64url');
    this.setCookie(LOGIN_CSRF_COOKIE, token, { ...cookieOptions, path: LOGIN_ROUTE });
    return token;
  });

  fastify.addHook('onRequest', async (request) => {
    // Decided on the route the router matched, never on the raw URL: "/%61pi/session" and an
    // absolute-form request line reach the same route as "/api/session", and get the same checks.
    const route = routePath(request);
    if (!route.startsWith('/api/')) return;
    // Public reads (the busiest routes) never need the user: no session lookup for them.
    if (SAFE_METHODS.has(request.method) && !SPACE_PREFIXES.some((p) => route.startsWith(p))) return;
    const token = request.cookies[SESSION_COOKIE];
    if (token) {
      const found = await findSession(fastify.db, token);
      if (found) {
        request.user = found.user;
        request.session = { tokenHash: found.tokenHash, csrfToken: found.csrfToken };
      }
    }
    if (SAFE_METHODS.has(request.method)) return;
    const origin = request.headers.origin;
    if (origin && hostOf(origin) !== request.headers.host) {
      throw new DomainError('session.cross_origin', 'A request from another origin is refused.');
    }
    const sent = request.headers[CSRF_HEADER];
    const header = Array.isArray(sent) ? sent[0] : sent;
    if (route === LOGIN_ROUTE && request.method === 'POST') {
      if (!sameToken(header, request.cookies[LOGIN_CSRF_COOKIE])) throw new DomainError('session.login_csrf', 'CSRF token missing or invalid: reload the login page.');
      return;
    }
    if (!request.user || !request.session) throw SESSION_REQUIRED();
    if (!sameToken(header, request.session.csrfToken)) throw new DomainError('session.csrf', 'CSRF token missing or invalid.');
  });
};

declare module 'fastify' {
  interface FastifyReply {
    setSessionCookie(token: string): FastifyReply;
    clearSessionCookie(): FastifyReply;
    issueLoginCsrf(): string;
  }
}

/**
 * The path a request is routed by: the matched route's pattern ("/api/me/procedures/:id"), or for
 * a request no route matched, its path decoded as the router decodes it (absolute form included).
 */
export function routePath(request: FastifyRequest): string {
  const matched = request.routeOptions.url;
  if (matched) return matched;
  try {
    return decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
  } catch {
    return request.url;
  }
}

/** preHandler: a logged-in user (GET routes of the spaces; state-changing ones are checked above). */
export async function requireUser(request: FastifyRequest): Promise<void> {
  if (!request.user) throw SESSION_REQUIRED();
}

export async function requireOperator(request: FastifyRequest): Promise<void> {
  if (!request.user) throw SESSION_REQUIRED();
  if (request.user.role !== 'operator') throw new DomainError('session.operators_only', 'For the observatory’s operators only.');
}

export default fp(auth, { name: 'observatoire-auth' });

/** Hook for the spaces' routes: personal answers, never kept by a shared cache. */
export async function noStore(_request: FastifyRequest, reply: FastifyReply): Promise<void> {
  reply.header('cache-control', 'private, no-store');
}
