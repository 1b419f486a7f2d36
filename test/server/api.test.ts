import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createDemoDb } from '../helpers/db.ts';
import { buildTestApp } from '../helpers/server.ts';
import { methodologyV1 } from '../../methodology/index.ts';
import { closeDatabase } from '../../db/client.ts';

let app: FastifyInstance;

beforeAll(async () => {
  app = await buildTestApp(await createDemoDb());
});
afterAll(() => app.close());

describe('GET /api/health', () => {
  it('answers ok with the catalogue size and the methodology version', async () => {
    const res = await app.inject('/api/health');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', procedures: 250, methodologyVersion: 2, demo: true });
  });
});

describe('GET /api/criteria', () => {
  it('serves the methodology with its level tables, cacheable', async () => {
    const res = await app.inject('/api/criteria');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toMatch(/max-age/);
    const body = res.json();
    expect(body.version).toBe(2);
    expect(body.groupTarget).toBe(0.8);
    expect(body.criteria).toHaveLength(methodologyV1.criteria.length);
    expect(body.criteria.find((c: { slug: string }) => c.slug === 'uptime').scale.levels[0]).toEqual({ label: 'Excellente', goal: true, min: 99.9 });
  });
});

describe('GET /api/procedures', () => {
  it('lists the 250 active procedures with their ministry and administration', async () => {
    const res = await app.inject('/api/procedures');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.total).toBe(250);
    expect(body.items[0]).toEqual(
      expect.objectContaining({ id: expect.any(Number), ministry: expect.objectContaining({ slug: expect.any(String) }), retired: false }),
    );
  });

  it('orders ministries as a French reader would (É among the E), procedures by volume within one', async () => {
    const items: { ministry: { name: string }; yearlyVolume: number }[] = (await app.inject('/api/procedures')).json().items;
    const names = [...new Set(items.map((i) => i.ministry.name))];
    expect(names).toEqual([...names].sort(new Intl.Collator('fr').compare));
    expect(names.indexOf("Ministère de l'Économie, des Finances et de la Souveraineté industrielle")).toBeLessThan(names.indexOf("Ministère de l'Intérieur"));
    const interior = items.filter((i) => i.ministry.name === "Ministère de l'Intérieur").map((i) => i.yearlyVolume);
    expect(interior).toEqual([...interior].sort((a, b) => b - a));
  });

  it('filters by ministry and administration slug', async () => {
    const res = await app.inject('/api/procedures?ministry=interieur&administration=ants');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.total).toBeGreaterThan(5);
    expect(body.items.every((p: { administration: { slug: string } }) => p.administration.slug === 'ants')).toBe(true);
  });

  // [query, status, message]
  const bad: [string, number, RegExp][] = [
    ['ministry=Bad%20Slug!', 400, /ministry must match pattern/],
    ['ministry=nope', 404, /unknown ministry "nope"/],
    ['administration=nope', 404, /unknown administration "nope"/],
    ['retired=maybe', 400, /retired must be boolean/],
    ['colour=blue', 400, /must NOT have additional properties/],
  ];
  it.each(bad)('answers ?%s with %i and a message', async (query, status, message) => {
    const res = await app.inject(`/api/procedures?${query}`);
    expect(res.statusCode).toBe(status);
    expect(res.json()).toMatchObject({ statusCode: status, message: expect.stringMatching(message) });
  });
});

const collator = new Intl.Collator('fr', { sensitivity: 'base' });
const inOrderOf = (names: string[]) => names.every((n, i) => i === 0 || collator.compare(names[i - 1]!, n) <= 0);

describe('GET /api/ministries', () => {
  it('lists each ministry once with its administrations once, in French alphabetical order, as the catalogue has them', async () => {
    const { items, administrations } = (await app.inject('/api/ministries')).json<{ items: { slug: string; name: string; administrations: { slug: string; name: string }[] }[]; administrations: { name: string }[] }>();
    expect(administrations).toHaveLength(items.reduce((n, m) => n + m.administrations.length, 0));
    expect(inOrderOf(administrations.map((a) => a.name))).toBe(true);
    const inOrder = inOrderOf;
    expect(inOrder(items.map((m) => m.name))).toBe(true);
    for (const m of items) expect(inOrder(m.administrations.map((a) => a.name)), m.slug).toBe(true);
    const catalogue = (await app.inject('/api/procedures')).json<{ items: { ministry: { slug: string }; administration: { slug: string } }[] }>().items;
    const pairs = new Set(catalogue.map((p) => `${p.ministry.slug}/${p.administration.slug}`));
    expect(new Set(items.flatMap((m) => m.administrations.map((a) => `${m.slug}/${a.slug}`)))).toEqual(pairs);
    expect(items.map((m) => m.slug)).toEqual([...new Set(items.map((m) => m.slug))]);
  });
});

describe('GET /api/procedures/:id', () => {
  it("answers a procedure's identity", async () => {
    const res = await app.inject('/api/procedures/102');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: 102, title: 'Déclaration des revenus', administration: { slug: 'dgfip' } });
  });

  it.each([
    ['abc', 400, /params\/id must be integer/],
    ['0', 400, /must be >= 1/],
    ['99999', 404, /no procedure with id 99999/],
  ] as [string, number, RegExp][])('answers /api/procedures/%s with %i', async (id, status, message) => {
    const res = await app.inject(`/api/procedures/${id}`);
    expect(res.statusCode).toBe(status);
    expect(res.json().message).toMatch(message);
  });
});

describe('the rest of the API', () => {
  it('answers an unknown API route with a JSON 404, not the dashboard', async () => {
    const res = await app.inject('/api/nothing-here');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ statusCode: 404, error: 'Not Found', code: 'route.not_found', message: 'no route GET /api/nothing-here' });
  });

  it('serves an OpenAPI 3.1 document that describes every route', async () => {
    const res = await app.inject('/api/openapi.json');
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/criteria', '/api/data-dictionary', '/api/datapackage.json', '/api/editions', '/api/editions/{slug}',
      '/api/editions/{slug}/export.csv', '/api/editions/{slug}/groups', '/api/editions/{slug}/procedures',
      '/api/export/history.csv', '/api/groups/{by}/{slug}', '/api/health', '/api/procedures', '/api/procedures/{id}',
      // Accounts, ministry teams, operators, alerts (issue #6).
      '/api/admin/crawl-runs', '/api/admin/editions', '/api/admin/editions/{slug}/close', '/api/admin/editions/{slug}/preview',
      '/api/admin/editions/{slug}/publish', '/api/admin/users', '/api/admin/users/{id}', '/api/me/procedures', '/api/me/procedures/{id}',
      '/api/me/procedures/{id}/declarations', '/api/me/procedures/{id}/declarations/{criterion}', '/api/me/procedures/{id}/rechecks',
      '/api/me/rechecks/{id}', '/api/me/watchlist/{id}', '/api/me/webhooks', '/api/me/webhooks/{id}', '/api/ministries', '/api/ministries/{slug}/alerts.atom',
      '/api/session', '/api/session/password', '/api/alerts.atom', '/api/site',
    ].sort());
    for (const [path, item] of Object.entries<Record<string, { responses: object; tags?: string[] }>>(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        expect(operation.tags, `${method} ${path}`).toBeDefined();
        expect(Object.keys(operation.responses).some((code) => code.startsWith('2')), `${method} ${path}`).toBe(true);
      }
    }
  });

  it('serves the browsable API documentation', async () => {
    const res = await app.inject('/api/docs/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/html/);
  });

  it('sends security headers', async () => {
    const res = await app.inject('/api/health');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(res.headers['content-security-policy']).not.toMatch(/upgrade-insecure-requests/);
  });

  it('hides the message of a server error', async () => {
    const db = await createDemoDb();
    const broken = await buildTestApp(db);
    await closeDatabase(db); // every query now fails
    const res = await broken.inject('/api/health');
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ statusCode: 500, error: 'Internal Server Error', code: 'internal', message: 'Internal server error.' });
    await broken.close();
  });
});

describe('what every public site has', () => {
  it('says who publishes it and how to reach them', async () => {
    const res = await app.inject('/api/site');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ publisher: expect.stringMatching(/démonstration/), contactEmail: 'contact@observatoire.invalid', publicUrl: 'http://127.0.0.1:3000' });
  });

  it('lists its public pages in a sitemap: every page, procedure and synthesis, none of the private spaces', async () => {
    const res = await app.inject('/sitemap.xml');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/xml/);
    const locs = [...res.body.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]!);
    expect(locs).toContain('http://127.0.0.1:3000/');
    expect(locs).toContain('http://127.0.0.1:3000/mentions-legales');
    expect(locs).toContain('http://127.0.0.1:3000/demarches/102');
    expect(locs).toContain('http://127.0.0.1:3000/syntheses/ministere/interieur');
    expect(locs.filter((l) => l.includes('/demarches/'))).toHaveLength(250);
    expect(locs.filter((l) => /espace|operateur|connexion|\/api\//.test(l))).toEqual([]);
  });

  it('has a robots.txt that keeps crawlers out of the private spaces and points to the sitemap', async () => {
    const res = await app.inject('/robots.txt');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.body).toMatch(/^User-agent: \*$/m);
    for (const path of ['/espace', '/operateur', '/api/']) expect(res.body).toContain(`Disallow: ${path}`);
    expect(res.body).toContain('Sitemap: http://127.0.0.1:3000/sitemap.xml');
  });
});
