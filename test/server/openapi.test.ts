import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { validate } from '@readme/openapi-parser';
import { createDemoDb } from '../helpers/db.ts';
import { buildTestApp } from '../helpers/server.ts';
import { seedTwoEditions } from '../helpers/editions.ts';
import { createAccount, login, type Session } from '../helpers/accounts.ts';

let app: FastifyInstance;
let doc: { paths: Record<string, Record<string, { parameters?: { in: string; name: string }[] }>> };
// The spaces' routes are swept logged in as an operator (who may see everything).
let operator: Session;

beforeAll(async () => {
  const db = await createDemoDb();
  seedTwoEditions(db);
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
