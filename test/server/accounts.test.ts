import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { eq, ne } from 'drizzle-orm';
import { first, type Db } from '../../db/client.ts';
import { administrations, ministries, procedures, users } from '../../db/schema/index.ts';
import { authenticate, LOCK_MS, MAX_FAILED_LOGINS } from '../../server/auth/accounts.ts';
import { BODY_LIMIT_BYTES } from '../../server/server.ts';
import { buildCheckedServer } from '../helpers/server.ts';
import { createDemoDb } from '../helpers/db.ts';
import { seedTwoEditions } from '../helpers/editions.ts';
import { LOGIN_ATTEMPTS_PER_MINUTE, LOGIN_BODY_LIMIT_BYTES, LOGIN_REFUSED } from '../../server/routes/api/session.ts';
import { PASSWORD_MAX_LENGTH } from '../../server/auth/passwords.ts';
import { cookiesOf, createAccount, login, PASSWORD, type Session } from '../helpers/accounts.ts';

// Issue #6's security promises, over real HTTP handling (inject) on a real SQLite database.

let db: Db;
let app: FastifyInstance;
let logs = '';
let doc: { paths: Record<string, Record<string, unknown>> };
let team: Session;
let teamAccount: { id: number; email: string };
let own: number;
let foreign: number;

const procedureOf = async (where: ReturnType<typeof eq>) =>
  (await first(db
    .select({ id: procedures.id })
    .from(procedures)
    .innerJoin(administrations, eq(administrations.id, procedures.administrationId))
    .innerJoin(ministries, eq(ministries.id, administrations.ministryId))
    .where(where)))!.id;

beforeAll(async () => {
  db = await createDemoDb();
  await seedTwoEditions(db);
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs += chunk.toString();
      done();
    },
  });
  // Everything logged, request lines included: the test reads it for secrets.
  app = await buildCheckedServer({ db, appInfo: { version: 'test', demo: true }, logLevel: 'trace', logStream: sink });
  doc = (await app.inject('/api/openapi.json')).json();
  const account = await createAccount(db, 'team', { ministries: ['interieur'] });
  teamAccount = account;
  team = await login(app, account.email);
  own = await procedureOf(eq(ministries.slug, 'interieur'));
  foreign = await procedureOf(ne(ministries.slug, 'interieur'));
});
afterAll(() => app.close());

/** Every state-changing operation the API documents, with its path filled. */
function stateChanging(): { method: string; url: string }[] {
  const result: { method: string; url: string }[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of Object.keys(item)) {
      if (method === 'get' || method === 'head') continue;
      const url = path.replace('{slug}', '2026-T4').replace('{criterion}', 'usage').replace('{id}', String(own));
      result.push({ method: method.toUpperCase(), url });
    }
  }
  return result;
}

describe('authentication and CSRF', () => {
  it('answers an anonymous request to any state-changing route with 401 (login: 403 without its token)', async () => {
    const routes = stateChanging();
    expect(routes.length).toBeGreaterThanOrEqual(12);
    for (const { method, url } of routes) {
      const res = await app.inject({ method: method as 'POST', url, payload: {} });
      const expected = url === '/api/session' && method === 'POST' ? 403 : 401;
      expect({ method, url, status: res.statusCode }).toEqual({ method, url, status: expected });
      expect(res.json().message).toEqual(expect.any(String));
    }
  });

  it('answers a logged-in request without the CSRF token, or with a wrong one, with 403', async () => {
    for (const { method, url } of stateChanging()) {
      if (url === '/api/session' && method === 'POST') continue;
      const missing = await app.inject({ method: method as 'POST', url, headers: { cookie: team.cookie }, payload: {} });
      expect({ method, url, status: missing.statusCode }).toEqual({ method, url, status: 403 });
      const wrong = await app.inject({ method: method as 'POST', url, headers: { cookie: team.cookie, 'x-csrf-token': 'x'.repeat(43) }, payload: {} });
      expect({ method, url, status: wrong.statusCode }).toEqual({ method, url, status: 403 });
    }
    // The session still works with its token: the 403s were the token's doing.
    const ok = await app.inject({ method: 'PUT', url: `/api/me/watchlist/${own}`, headers: team.headers });
    expect(ok.statusCode).toBe(204);
  });

  it('refuses a login without its pre-session token, and a request from another origin', async () => {
    const noToken = await app.inject({ method: 'POST', url: '/api/session', payload: { email: teamAccount.email, password: PASSWORD } });
    expect(noToken.statusCode).toBe(403);
    const crossSite = await app.inject({ method: 'PUT', url: `/api/me/watchlist/${own}`, headers: { ...team.headers, origin: 'https://evil.example', host: 'localhost:80' } });
    expect(crossSite.statusCode).toBe(403);
  });

  it('checks an encoded or absolute-form path as the route it reaches: no login without token, no logout without token, rate limits held', async () => {
    // "/%61pi/session" is routed to /api/session: same answers, whatever the spelling of the URL.
    for (const url of ['/%61pi/session', '/api/%73ession', '//api/session'.slice(1)]) {
      const res = await app.inject({ method: 'POST', url, payload: { email: teamAccount.email, password: PASSWORD } });
      expect({ url, status: res.statusCode }).toEqual({ url, status: 403 });
    }
    const logout = await app.inject({ method: 'DELETE', url: '/%61pi/session', headers: { cookie: team.cookie } });
    expect(logout.statusCode).toBe(403);
    expect((await app.inject({ url: '/api/me/procedures', headers: { cookie: team.cookie } })).statusCode).toBe(200);
    // An absolute-form request line, over a real socket.
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const port = new URL(address).port;
    const raw = (line: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.end(`${line}\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`));
        let out = '';
        socket.on('data', (d) => (out += d.toString()));
        socket.on('end', () => resolve(out.split('\r\n')[0]!));
        socket.on('error', reject);
      });
    expect(await raw(`POST http://127.0.0.1:${port}/api/session HTTP/1.1`)).toBe('HTTP/1.1 403 Forbidden');
    expect(await raw(`POST http://127.0.0.1:${port}/%61pi/session HTTP/1.1`)).toBe('HTTP/1.1 403 Forbidden');
    // The login limit counts the encoded spelling with the plain one.
    const limited = await buildCheckedServer({ db, appInfo: { version: 'test', demo: true }, logLevel: 'silent' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < LOGIN_ATTEMPTS_PER_MINUTE + 1; i++) {
        const first = await limited.inject('/api/session');
        const res = await limited.inject({ method: 'POST', url: i % 2 ? '/%61pi/session' : '/api/session', headers: { cookie: cookiesOf(first), 'x-csrf-token': first.json().csrfToken }, payload: { email: `nobody-${i}@example.fr`, password: 'whatever it is' } });
        statuses.push(res.statusCode);
      }
      expect(statuses.slice(0, LOGIN_ATTEMPTS_PER_MINUTE).every((s) => s === 401)).toBe(true);
      expect(statuses.at(-1)).toBe(429);
    } finally {
      await limited.close();
    }
  });

  it('limits bodies: a few kilobytes for the login anybody may try, 64 KiB elsewhere, eight levels of nesting everywhere', async () => {
    // From an address of its own: these tries must not use up the login limit of the tests that follow.
    const ELSEWHERE = '203.0.113.7';
    const first = await app.inject('/api/session');
    const loginHeaders = { cookie: cookiesOf(first), 'x-csrf-token': first.json().csrfToken, 'content-type': 'application/json' };
    // The longest valid login (every character escaped) still passes the size limit and fails on the password only.
    const longest = JSON.stringify({ email: `${'é'.repeat(240)}@x.fr`, password: '\u00e9'.repeat(PASSWORD_MAX_LENGTH) }).replace(/é/g, '\\u00e9');
    expect(longest.length).toBeLessThanOrEqual(LOGIN_BODY_LIMIT_BYTES);
    expect((await app.inject({ method: 'POST', url: '/api/session', remoteAddress: ELSEWHERE, headers: loginHeaders, payload: longest })).statusCode).toBe(401);
    const big = await app.inject({ method: 'POST', url: '/api/session', remoteAddress: ELSEWHERE, headers: loginHeaders, payload: JSON.stringify({ email: 'a@b.fr', password: 'x', pad: 'y'.repeat(LOGIN_BODY_LIMIT_BYTES) }) });
    expect(big.statusCode).toBe(413);
    expect(big.json().message).toEqual(expect.any(String));
    // Ten thousand brackets: refused before any parser or validator walks them.
    const deep = await app.inject({ method: 'POST', url: '/api/session', remoteAddress: ELSEWHERE, headers: loginHeaders, payload: `${'['.repeat(1_500)}${']'.repeat(1_500)}` });
    expect(deep.statusCode).toBe(400);
    expect(deep.json().message).toMatch(/nested deeper than 8 levels/);
    // Brackets inside strings are text, not nesting.
    const inString = await app.inject({ method: 'POST', url: '/api/session', remoteAddress: ELSEWHERE, headers: loginHeaders, payload: JSON.stringify({ email: 'a@b.fr', password: '[[[[[[[[[[{{{{{{{{{{' }) });
    expect(inString.statusCode).toBe(401);
    // A logged-in user's route: 64 KiB at most, nesting limited too.
    const huge = await app.inject({ method: 'POST', url: `/api/me/procedures/${own}/declarations`, headers: { ...team.headers, 'content-type': 'application/json' }, payload: JSON.stringify({ pad: 'z'.repeat(BODY_LIMIT_BYTES) }) });
    expect(huge.statusCode).toBe(413);
    const nested = await app.inject({ method: 'POST', url: `/api/me/procedures/${own}/declarations`, headers: { ...team.headers, 'content-type': 'application/json' }, payload: JSON.stringify({ a: [[[[[[[[[1]]]]]]]]] }) });
    expect(nested.statusCode).toBe(400);
    expect(nested.json().message).toMatch(/nested deeper/);
    // Prototype poisoning is still refused by Fastify's own parser behind the depth check.
    const poisoned = await app.inject({ method: 'POST', url: '/api/session', remoteAddress: ELSEWHERE, headers: loginHeaders, payload: '{"email":"a@b.fr","password":"x","__proto__":{"admin":true}}' });
    expect(poisoned.statusCode).toBe(400);
  });

  it('sets an httpOnly, SameSite=Strict session cookie, and ends it at logout', async () => {
    const account = await createAccount(db, 'team', { ministries: ['interieur'] });
    const first = await app.inject('/api/session');
    const res = await app.inject({ method: 'POST', url: '/api/session', headers: { cookie: cookiesOf(first), 'x-csrf-token': first.json().csrfToken }, payload: { email: account.email.toUpperCase(), password: PASSWORD } });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'obs_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    const session = { cookie: cookiesOf(res), csrf: res.json().csrfToken as string };
    expect((await app.inject({ url: '/api/me/procedures', headers: { cookie: session.cookie } })).statusCode).toBe(200);
    const out = await app.inject({ method: 'DELETE', url: '/api/session', headers: { cookie: session.cookie, 'x-csrf-token': session.csrf } });
    expect(out.statusCode).toBe(204);
    expect((await app.inject({ url: '/api/me/procedures', headers: { cookie: session.cookie } })).statusCode).toBe(401);
  });

  it('locks an account for a while after ten wrong passwords, even against the right one, saying no more than to an unknown address', async () => {
    const account = await createAccount(db, 'team', { ministries: ['interieur'] });
    const attempt = async (password: string, email = account.email) => {
      const first = await app.inject('/api/session');
      return app.inject({ method: 'POST', url: '/api/session', headers: { cookie: cookiesOf(first), 'x-csrf-token': first.json().csrfToken }, payload: { email, password } });
    };
    const unknown = await attempt('whatever it is', 'nobody-here@example.fr');
    expect(unknown.statusCode).toBe(401);
    for (let i = 1; i <= 10; i++) expect((await attempt(`wrong password ${i}`)).statusCode).toBe(401);
    const right = await attempt(PASSWORD);
    // Locked: the very answer an unknown address gets (status, body, no Retry-After).
    expect({ status: right.statusCode, body: right.json(), retryAfter: right.headers['retry-after'] }).toEqual({ status: 401, body: unknown.json(), retryAfter: undefined });
    expect(unknown.json()).toMatchObject({ code: 'session.login_refused', message: LOGIN_REFUSED.message, params: { attempts: 10, minutes: 15 } });
    expect((await first(db.select({ lockedUntil: users.lockedUntil }).from(users).where(eq(users.id, account.id))))!.lockedUntil!.getTime()).toBeGreaterThan(Date.now() + LOCK_MS - 60_000);
    // Once the lock has passed, the right password opens again.
    const later = new Date(Date.now() + LOCK_MS + 1000);
    expect(await authenticate(db, account.email, PASSWORD, later)).toMatchObject({ ok: true });
  });

  it('counts parallel wrong passwords one by one: sixty at once are locked after exactly ten', async () => {
    const account = await createAccount(db, 'team', { ministries: ['interieur'] });
    const outcomes = await Promise.all(Array.from({ length: 60 }, (_, i) => authenticate(db, account.email, `wrong guess ${i}`)));
    expect(outcomes.filter((o) => !o.ok && o.reason === 'invalid')).toHaveLength(MAX_FAILED_LOGINS - 1);
    expect(outcomes.filter((o) => !o.ok && o.reason === 'locked')).toHaveLength(60 - (MAX_FAILED_LOGINS - 1));
    // Locked now, even for the right password.
    expect(await authenticate(db, account.email, PASSWORD)).toMatchObject({ ok: false, reason: 'locked' });
  });

  it('limits login attempts per address, whatever the account', async () => {
    // An app of its own: the limit would otherwise hold the other tests' logins.
    const limited = await buildCheckedServer({ db, appInfo: { version: 'test', demo: true }, logLevel: 'silent' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < LOGIN_ATTEMPTS_PER_MINUTE + 1; i++) {
        const first = await limited.inject('/api/session');
        const res = await limited.inject({ method: 'POST', url: '/api/session', headers: { cookie: cookiesOf(first), 'x-csrf-token': first.json().csrfToken }, payload: { email: `nobody-${i}@example.fr`, password: 'whatever it is' } });
        statuses.push(res.statusCode);
      }
      expect(statuses.slice(0, LOGIN_ATTEMPTS_PER_MINUTE).every((s) => s === 401)).toBe(true);
      expect(statuses.at(-1)).toBe(429);
    } finally {
      await limited.close();
    }
  });

  it('changes a password: the current one is asked, the other sessions end', async () => {
    const account = await createAccount(db, 'team', { ministries: ['interieur'] });
    const a = await login(app, account.email);
    const b = await login(app, account.email);
    const wrong = await app.inject({ method: 'PUT', url: '/api/session/password', headers: a.headers, payload: { current: 'not it at all', next: 'a brand new passphrase' } });
    expect(wrong.statusCode).toBe(403);
    const weak = await app.inject({ method: 'PUT', url: '/api/session/password', headers: a.headers, payload: { current: PASSWORD, next: 'short' } });
    expect(weak.statusCode).toBe(400);
    const ok = await app.inject({ method: 'PUT', url: '/api/session/password', headers: a.headers, payload: { current: PASSWORD, next: 'a brand new passphrase' } });
    expect(ok.statusCode).toBe(204);
    expect((await app.inject({ url: '/api/me/procedures', headers: { cookie: a.cookie } })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/me/procedures', headers: { cookie: b.cookie } })).statusCode).toBe(401);
    await expect(login(app, account.email, 'a brand new passphrase')).resolves.toMatchObject({ csrf: expect.any(String) });
  });

  it('stores no password, and logs no password, session token or CSRF token', async () => {
    const stored = await db.select({ hash: users.passwordHash }).from(users);
    expect(stored.every((u) => u.hash.startsWith('scrypt$32768$8$1$') && !u.hash.includes(PASSWORD))).toBe(true);
    expect(logs).toContain('"msg":"login"');
    expect(logs).not.toContain(PASSWORD);
    expect(logs).not.toContain('wrong password');
    expect(logs).not.toContain(team.csrf);
    expect(logs).not.toContain(team.cookie.split('obs_session=')[1]!.split(';')[0]!);
  });
});

describe('a team member of one ministry', () => {
  it('sees only the procedures of its ministry', async () => {
    const res = await app.inject({ url: '/api/me/procedures', headers: { cookie: team.cookie } });
    const items = res.json().items as { ministry: { slug: string } }[];
    const expected = await db.select({ id: procedures.id }).from(procedures).innerJoin(administrations, eq(administrations.id, procedures.administrationId)).innerJoin(ministries, eq(ministries.id, administrations.ministryId)).where(eq(ministries.slug, 'interieur'));
    expect(items.length).toBe(expected.length);
    expect(new Set(items.map((i) => i.ministry.slug))).toEqual(new Set(['interieur']));
  });

  it("gets 403 on another ministry's procedures, declarations, re-checks and watchlist", async () => {
    const attempts = [
      app.inject({ url: `/api/me/procedures/${foreign}`, headers: { cookie: team.cookie } }),
      app.inject({ method: 'POST', url: `/api/me/procedures/${foreign}/declarations`, headers: team.headers, payload: { criterion: 'usage', value: 50, justification: 'Chiffres de notre tableau de bord interne.' } }),
      app.inject({ method: 'DELETE', url: `/api/me/procedures/${foreign}/declarations/usage`, headers: team.headers }),
      app.inject({ method: 'POST', url: `/api/me/procedures/${foreign}/rechecks`, headers: team.headers }),
      app.inject({ method: 'PUT', url: `/api/me/watchlist/${foreign}`, headers: team.headers }),
      app.inject({ method: 'POST', url: '/api/me/webhooks', headers: team.headers, payload: { url: 'http://127.0.0.1:9/hook', scope: { kind: 'ministry', slug: 'justice' } } }),
    ];
    for (const res of await Promise.all(attempts)) expect({ url: res.raw.req.url, status: res.statusCode }).toEqual({ url: res.raw.req.url, status: 403 });
    // And a re-check another ministry's operator asked for.
    const operator = await login(app, (await createAccount(db, 'operator')).email);
    const theirs = await app.inject({ method: 'POST', url: `/api/me/procedures/${foreign}/rechecks`, headers: operator.headers });
    expect(theirs.statusCode).toBe(202);
    const peek = await app.inject({ url: `/api/me/rechecks/${theirs.json().recheck.id}`, headers: { cookie: team.cookie } });
    expect(peek.statusCode).toBe(403);
  });

  it("gets 403 on the operator's space", async () => {
    expect((await app.inject({ url: '/api/admin/users', headers: { cookie: team.cookie } })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/api/admin/editions/2026-T4/publish', headers: team.headers })).statusCode).toBe(403);
  });
});

describe('an operator', () => {
  // An app of its own: the per-address login limit has been spent by the tests above.
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildCheckedServer({ db, appInfo: { version: 'test', demo: true }, logLevel: 'silent' });
  });
  afterAll(() => app.close());

  it('creates an account with a generated password, resets it (sessions end) and disables it', async () => {
    const operator = await login(app, (await createAccount(db, 'operator')).email);
    const created = await app.inject({ method: 'POST', url: '/api/admin/users', headers: operator.headers, payload: { email: 'Nouvelle.Equipe@Justice.Gouv.fr', name: 'Équipe Justice', role: 'team', scope: { ministries: ['justice'] } } });
    expect(created.statusCode).toBe(201);
    const { user, password } = created.json();
    expect(user).toMatchObject({ email: 'nouvelle.equipe@justice.gouv.fr', role: 'team', scope: { ministries: ['justice'], administrations: [] }, disabled: false });
    expect(JSON.stringify(created.json().user)).not.toContain('scrypt');
    const member = await login(app, user.email, password);
    expect((await app.inject({ method: 'POST', url: '/api/admin/users', headers: operator.headers, payload: { email: user.email, name: 'x', role: 'team', scope: { ministries: ['justice'] } } })).statusCode).toBe(409);
    expect((await app.inject({ method: 'POST', url: '/api/admin/users', headers: operator.headers, payload: { email: 'x@y.fr', name: 'x', role: 'team' } })).statusCode).toBe(400);

    const reset = await app.inject({ method: 'PATCH', url: `/api/admin/users/${user.id}`, headers: operator.headers, payload: { resetPassword: true } });
    expect(reset.statusCode).toBe(200);
    expect(reset.json().password).toEqual(expect.any(String));
    expect((await app.inject({ url: '/api/me/procedures', headers: { cookie: member.cookie } })).statusCode).toBe(401);
    await expect(login(app, user.email, password)).rejects.toThrow(/401/);
    const again = await login(app, user.email, reset.json().password);

    const disabled = await app.inject({ method: 'PATCH', url: `/api/admin/users/${user.id}`, headers: operator.headers, payload: { disabled: true } });
    expect(disabled.json()).toMatchObject({ disabled: true });
    expect((await app.inject({ url: '/api/me/procedures', headers: { cookie: again.cookie } })).statusCode).toBe(401);
    await expect(login(app, user.email, reset.json().password)).rejects.toThrow(/401/);
  });
});
