import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authenticate, changePassword, createSession, endSession, LOCK_MS, MAX_FAILED_LOGINS, publicUser } from '../../auth/accounts.ts';
import { PASSWORD_MAX_LENGTH } from '../../auth/passwords.ts';
import { requireUser } from '../../auth/plugin.ts';
import { DomainError, LoginInput, PasswordChange, SessionAnswer, authErrors, errorResponses } from '../../../contracts/index.ts';

/** The one answer to a refused login: it says the lock rule without saying whether it applies. */
export const LOGIN_REFUSED = new DomainError('session.login_refused', `Wrong e-mail address or password. After ${MAX_FAILED_LOGINS} wrong attempts in a row, an account is locked for ${LOCK_MS / 60_000} minutes.`, {
  attempts: MAX_FAILED_LOGINS,
  minutes: LOCK_MS / 60_000,
});

/** Login attempts per client address; the account lock (10 wrong passwords) is on top of it. */
export const LOGIN_ATTEMPTS_PER_MINUTE = 20;
/** Login and password change are limited for every client, those exempt from the API's limit included. */
const NOBODY_EXEMPT = () => false;
/** The longest login body that can be valid: both fields at their longest, every character escaped (\uXXXX). */
export const LOGIN_BODY_LIMIT_BYTES = 6 * (254 + PASSWORD_MAX_LENGTH) + 64;

const sessionRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/session',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Who is logged in, and the CSRF token to send with state-changing requests (a login token when nobody is)',
        response: { 200: SessionAnswer, 429: errorResponses[429], 500: errorResponses[500] },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      if (request.user && request.session) return { user: publicUser(request.user), csrfToken: request.session.csrfToken };
      return { user: null, csrfToken: reply.issueLoginCsrf() };
    },
  );

  fastify.post(
    '/session',
    {
      // The one body anybody may send: an e-mail and a password, a few kilobytes at the very most.
      bodyLimit: LOGIN_BODY_LIMIT_BYTES,
      config: { rateLimit: { max: LOGIN_ATTEMPTS_PER_MINUTE, timeWindow: '1 minute', allowList: NOBODY_EXEMPT } },
      schema: {
        tags: ['accounts'],
        summary: 'Log in (needs the login CSRF token from GET /api/session); ten wrong passwords in a row lock the account for 15 minutes',
        body: LoginInput,
        response: { 200: SessionAnswer, ...authErrors },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const outcome = await authenticate(fastify.db, request.body.email, request.body.password);
      if (!outcome.ok) {
        // The same answer, in the same time, whether the e-mail is unknown, the password wrong, the
        // account disabled or locked: a lock must not tell which addresses have an account.
        throw LOGIN_REFUSED;
      }
      if (request.session) await endSession(fastify.db, request.session.tokenHash);
      const { token, csrfToken } = await createSession(fastify.db, outcome.user.id);
      reply.setSessionCookie(token);
      request.log.info({ userId: outcome.user.id }, 'login');
      return { user: publicUser(outcome.user), csrfToken };
    },
  );

  fastify.delete(
    '/session',
    { schema: { tags: ['accounts'], summary: 'Log out', response: { 204: Type.Null(), ...authErrors } } },
    async (request, reply) => {
      if (request.session) await endSession(fastify.db, request.session.tokenHash);
      reply.clearSessionCookie();
      return reply.code(204).send(null);
    },
  );

  fastify.put(
    '/session/password',
    {
      preHandler: requireUser,
      config: { rateLimit: { max: LOGIN_ATTEMPTS_PER_MINUTE, timeWindow: '1 minute', allowList: NOBODY_EXEMPT } },
      schema: {
        tags: ['accounts'],
        summary: 'Change your password (the current one is asked); your other sessions end',
        body: PasswordChange,
        response: { 204: Type.Null(), ...authErrors },
      },
    },
    async (request, reply) => {
      await changePassword(fastify.db, request.user!, request.body.current, request.body.next, request.session!.tokenHash);
      return reply.code(204).send(null);
    },
  );
};

export default sessionRoutes;
