import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildCheckedServer } from '../helpers/server.ts';
import { createDemoDb } from '../helpers/db.ts';
import { seedTwoEditions } from '../helpers/editions.ts';
import { DEFAULT_SSR_FILE } from '../../server/ssr.ts';
import { DEFAULT_WEB_ROOT } from '../../server/app.ts';
import type { Db } from '../../db/client.ts';

// The public pages' first HTML, as a visitor without JavaScript (or before it runs) gets it:
// drawn on the server from the same components and answers the browser then takes over.

let app: FastifyInstance;
let db: Db;
const PHONE = 'Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36';
const DESKTOP = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';

beforeAll(async () => {
  if (!existsSync(DEFAULT_SSR_FILE) || !existsSync(`${DEFAULT_WEB_ROOT}/index.html`)) throw new Error('the dashboard is not built: run `npm run build` (npm test does)');
  db = await createDemoDb();
  await seedTwoEditions(db);
  app = await buildCheckedServer({ db, appInfo: { version: 'test', demo: true }, logLevel: 'silent', rateLimitPerMinute: 5 });
});
afterAll(async () => {
  await app.close();
});

const page = async (url: string, userAgent = DESKTOP) => {
  const res = await app.inject({ url, headers: { 'user-agent': userAgent } });
  expect(res.statusCode).toBe(200);
  return res.body;
};
const answersIn = (html: string) => JSON.parse(/<script type="application\/json" id="obs-answers">(.*?)<\/script>/s.exec(html)?.[1] ?? 'null') as Record<string, unknown> | null;
const rowIds = (html: string) => [...html.matchAll(/<tr data-procedure-id="(\d+)"/g)].map((m) => Number(m[1]));

describe('pages drawn on the server', () => {
  it('/demarches holds the first 50 rows of the latest edition, in the table order, with the answers they come from', async () => {
    const html = await page('/demarches');
    const answers = answersIn(html)!;
    const rows = answers['/api/editions/latest/procedures?sort=volume&dir=desc&limit=50&offset=0'] as { edition: string; total: number; items: { id: number }[] };
    expect(rows.edition).toBe('2026-T3');
    expect(rowIds(html)).toEqual(rows.items.map((r) => r.id));
    expect(rowIds(html)).toHaveLength(50);
    expect(html).toContain('250 démarches — page 1 sur 5');
    expect(html).toMatch(/<h1 tabindex="-1">Les 250 démarches — 3e trimestre 2026<\/h1>/);
    // The filters are filled: a ministry can be chosen before any script runs.
    expect(html).toContain('<option value="interieur">');
    // One title, the page's own.
    expect(html.match(/<title>/g)).toHaveLength(1);
    expect(html).toMatch(/<title>Les 250 démarches — 3e trimestre 2026 — Observatoire/);
  });

  it('draws the view the URL asks for: filters, sort and page', async () => {
    const html = await page('/demarches?ministere=interieur&tri=title&ordre=asc&page=1');
    const ids = rowIds(html);
    const api = (await app.inject('/api/editions/latest/procedures?ministry=interieur&sort=title&dir=asc&limit=50&offset=0')).json<{ items: { id: number }[]; total: number }>();
    expect(ids).toEqual(api.items.map((r) => r.id));
    expect(html).toContain(`${api.total} démarches sur 250`);
  });

  it('draws a page from the parameters it reads: others, repeats and their order make the same page', async () => {
    const plain = await page('/demarches?ministere=interieur&tri=title');
    expect(await page('/demarches?tri=title&utm_source=lettre&ministere=interieur&x=1')).toBe(plain);
    expect(await page('/demarches?ministere=interieur&tri=title&ministere=justice')).toBe(plain);
    expect(await page('/demarches?ministere=justice&tri=title')).not.toBe(plain);
  });

  it('draws cards for a phone, the wide table otherwise', async () => {
    const phone = await page('/demarches', PHONE);
    expect(phone.match(/class="obs-card"/g)).toHaveLength(50);
    expect(rowIds(phone)).toHaveLength(0);
    const hinted = await app.inject({ url: '/demarches', headers: { 'sec-ch-ua-mobile': '?1' } });
    expect(hinted.body.match(/class="obs-card"/g)).toHaveLength(50);
  });

  it('draws a procedure page with its results, a synthesis with its figures, the home page with its key figures', async () => {
    const procedure = await page('/demarches/102');
    expect(procedure).toContain('<h1 tabindex="-1">Déclaration des revenus</h1>');
    expect(procedure).toMatch(/<tr data-criterion="online"/);
    const synthesis = await page('/syntheses/ministere/interieur');
    expect(synthesis).toMatch(/<h1 tabindex="-1">Ministère de l(’|'|&#39;)Intérieur<\/h1>/);
    const home = await page('/');
    expect(home.match(/class="obs-key-figure" data-figure=/g)).toHaveLength(5);
    expect(home).not.toContain('Chargement de la dernière édition');
  });

  it('leaves to the browser what it cannot draw: a procedure that does not exist, the private spaces', async () => {
    const missing = await page('/demarches/99999');
    expect(missing).not.toContain('<h1');
    const space = await page('/espace');
    expect(answersIn(space)).toBeNull();
    expect(space).toContain('<div id="app"></div>');
  });

  it('fetches its answers past the rate limit: drawing a page is one visit, not a client’s requests', async () => {
    // The app allows 5 API requests a minute a client; a page needs 4 answers, and 8 pages are drawn.
    for (const id of [101, 102, 103, 104, 105, 106, 107, 108]) expect(await page(`/demarches/${id}`)).toMatch(/<tr data-criterion="online"/);
    const limited = await app.inject({ url: '/api/criteria', headers: { 'x-observatoire-render': 'a guess' } });
    const statuses = [limited.statusCode];
    for (let i = 0; i < 6; i++) statuses.push((await app.inject('/api/criteria')).statusCode);
    expect(statuses).toContain(429);
  });

  it('follows a newly published edition at once', async () => {
    const before = await page('/editions');
    expect(before).toContain('3e trimestre 2026');
    expect(before).not.toContain('4e trimestre 2026');
    const { closeEdition, publishEdition } = await import('../../jobs/editions/close.ts');
    await closeEdition(db, '2026-T4', { now: new Date('2027-01-01T06:00:00Z'), allowEmpty: true });
    await publishEdition(db, '2026-T4', new Date('2027-01-01T07:00:00Z'));
    expect(await page('/editions')).toContain('4e trimestre 2026');
    expect(await page('/demarches')).toMatch(/<h1 tabindex="-1">Les 250 démarches — 4e trimestre 2026<\/h1>/);
  });
});
