import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { validate } from '@readme/openapi-parser';
import { createDemoDb } from '../helpers/db.ts';
import { buildTestApp } from '../helpers/server.ts';
import { seedTwoEditions } from '../helpers/editions.ts';
import { createAccount, login, type Session } from '../helpers/accounts.ts';
import Fastify from 'fastify';
import { Type } from 'typebox';
import { Obj } from '../../contracts/index.ts';
import { checkAnswersAgainstContracts } from '../helpers/contracts.ts';

let app: FastifyInstance;
let doc: { paths: Record<string, Record<string, { parameters?: { in: string; name: string }[] }>> };
// The spaces' routes are swept logged in as an operator (who may see everything).
let operator: Session;

beforeAll(async () => {
  const db = await createDemoDb();
  await seedTwoEditions(db);
  app = await buildTestApp(db);
  doc = (await app.inject('/api/openapi.json')).json();
  const account = await createAccount(db, 'operator');
  operator = await login(app, account.email);
  const recheck = await app.inject({ method: 'POST', url: '/api/me/procedures/102/rechecks', headers: operator.headers });
  GOOD_BY_PATH['/api/me/rechecks/{id}'] = `/api/me/rechecks/${recheck.json().recheck.id}`;
});
afterAll(() => app.close());

const GOOD: Record<string, string> = { slug: 'latest', id: '102' };
// /api/groups/{by}/{slug}: filled by hand below, its slug is a group's, not an edition's.
const GROUP = { good: '/api/groups/ministry/interieur', bad: '/api/groups/region/x' };
const BAD: Record<string, string> = { slug: '2026-T9', id: 'abc' };
// Paths whose parameters are not an edition slug or a procedure id.
const GOOD_BY_PATH: Record<string, string> = {
  '/api/ministries/{slug}/alerts.atom': '/api/ministries/interieur/alerts.atom',
  '/api/admin/editions/{slug}/preview': '/api/admin/editions/2026-T3/preview',
};
const fill = (path: string, values: Record<string, string>) =>
  path === '/api/groups/{by}/{slug}'
    ? values === GOOD
      ? GROUP.good
      : GROUP.bad
    : values === GOOD && GOOD_BY_PATH[path]
      ? GOOD_BY_PATH[path]
      : path.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? 'x');
const get = (url: string) => app.inject({ url, headers: { cookie: operator.cookie } });

describe('the OpenAPI document', () => {
  it('validates against the OpenAPI specification', async () => {
    const result = await validate(structuredClone(doc) as never);
    expect(result).toMatchObject({ valid: true });
  });

  it('is judged by a validator that does reject a broken document', async () => {
    const broken = structuredClone(doc) as Record<string, unknown>;
    delete broken['info'];
    expect(await validate(broken as never)).toMatchObject({ valid: false });
  });
});

describe('every documented route', () => {
  it('answers its good parameters with 200', async () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      if (!item['get']) continue;
      const res = await get(fill(path, GOOD));
      expect({ path, status: res.statusCode }).toEqual({ path, status: 200 });
    }
  });

  it('answers bad path parameters, unknown query parameters and malformed values with 400 or 404 and a message, never 500', async () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      if (!item['get']) continue;
      const urls = [`${fill(path, GOOD)}?unexpected=1`];
      if (path.includes('{')) urls.push(fill(path, BAD));
      for (const p of item['get']?.parameters ?? []) {
        if (p.in === 'query') urls.push(`${fill(path, GOOD)}?${p.name}=${encodeURIComponent('%%<script>')}`);
      }
      for (const url of urls) {
        const res = await get(url);
        if (url.includes('unexpected') && path === '/api/openapi.json') continue;
        expect({ url, status: res.statusCode < 500 }).toEqual({ url, status: true });
        if (res.statusCode >= 400) expect(res.json().message, url).toEqual(expect.any(String));
      }
    }
  });
});

/** Every object schema in a document, with where it stands, that lets properties through unlisted. */
function openObjects(node: unknown, at: string, found: string[]): string[] {
  if (Array.isArray(node)) node.forEach((n, i) => openObjects(n, `${at}/${i}`, found));
  else if (node && typeof node === 'object') {
    const schema = node as Record<string, unknown>;
    if (schema['type'] === 'object' && schema['properties'] && schema['additionalProperties'] !== false) found.push(at);
    for (const [key, value] of Object.entries(schema)) openObjects(value, `${at}/${key}`, found);
  }
  return found;
}

describe('the answers’ contracts', () => {
  it('close every answer: the only open object is an observation’s evidence, whose check-specific fields vary', () => {
    const responses = Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => [`${method} ${path}`, (op as { responses?: unknown }).responses] as const));
    const open = responses.flatMap(([where, r]) => openObjects(r, where, []));
    expect(open.length).toBeGreaterThan(0);
    expect(open.filter((at) => !/\/evidence$/.test(at))).toEqual([]);
  });

  it('are checked on every answer of the apps under test: an undeclared field or a wrong type fails the request', async () => {
    const probe = Fastify();
    checkAnswersAgainstContracts(probe);
    const schema = { response: { 200: Obj({ a: Type.Integer() }) } };
    probe.get('/api/extra', { schema }, async () => ({ a: 1, b: 2 }));
    probe.get('/api/typed', { schema }, async () => ({ a: 'one' }));
    probe.get('/api/cached', { schema }, async (_request, reply) => reply.type('application/json').send(Buffer.from('{"a":1,"c":3}')));
    probe.get('/api/good', { schema }, async () => ({ a: 1 }));
    probe.get('/api/undeclared', { schema }, async (_request, reply) => reply.code(418 as 200).send({ a: 1 }));
    try {
      for (const [url, words] of [['/api/extra', /additional properties/], ['/api/typed', /must be integer/], ['/api/cached', /additional properties/], ['/api/undeclared', /418, a status its schema does not declare/]] as const) {
        const res = await probe.inject(url);
        expect({ url, status: res.statusCode }).toEqual({ url, status: 500 });
        expect(res.json().message).toMatch(words);
      }
      expect((await probe.inject('/api/good')).json()).toEqual({ a: 1 });
    } finally {
      await probe.close();
    }
  });
});
