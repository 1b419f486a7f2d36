import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { parse } from 'csv-parse/sync';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { eq, min } from 'drizzle-orm';
import { procedures } from '../../db/schema/index.ts';
import { createDemoDb } from '../helpers/db.ts';
import { buildCheckedServer, buildTestApp } from '../helpers/server.ts';
import { seedTwoEditions } from '../helpers/editions.ts';
import { addressMatcher } from '../../server/config.ts';
import { LOGIN_ATTEMPTS_PER_MINUTE } from '../../server/routes/api/session.ts';

let app: FastifyInstance;

beforeAll(async () => {
  const db = await createDemoDb();
  await seedTwoEditions(db);
  app = await buildTestApp(db);
});
afterAll(() => app.close());

const get = (url: string) => app.inject(url);

describe('GET /api/editions', () => {
  it('lists published editions, newest first, cacheable', async () => {
    const res = await get('/api/editions');
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((e: { slug: string }) => e.slug)).toEqual(['2026-T3', '2026-T2']);
    expect(res.json().items[0]).toMatchObject({ methodologyVersion: 2, periodStart: '2026-07-01T00:00:00.000Z', coverage: expect.objectContaining({ online: 1 }) });
    expect(res.headers['cache-control']).toMatch(/max-age/);
  });

  it('answers an edition (and "latest") with the observatory scores and their trend', async () => {
    const latest = (await get('/api/editions/latest')).json();
    const t3 = (await get('/api/editions/2026-T3')).json();
    expect(latest).toEqual(t3);
    expect(t3).toMatchObject({ slug: '2026-T3', previous: '2026-T2', procedures: 250 });
    const auth = t3.observatory.scores.find((s: { criterion: string }) => s.criterion === 'auth');
    expect(auth.share).toBeGreaterThan(auth.previousShare);
    expect(auth.trend).toBeCloseTo(auth.share - auth.previousShare);
    expect(auth.notOnline).toBe(25);
  });

  it('answers 304 to a client that has the edition already (ETag)', async () => {
    const first = await get('/api/editions/2026-T3');
    const again = await app.inject({ url: '/api/editions/2026-T3', headers: { 'if-none-match': String(first.headers.etag) } });
    expect(again.statusCode).toBe(304);
  });

  it('says whether an answer came from the edition cache (x-cache): built once, then served', async () => {
    const url = '/api/editions/2026-T3/procedures?limit=7&sort=title&offset=3';
    expect((await app.inject(url)).headers['x-cache']).toBe('miss');
    expect((await app.inject(url)).headers['x-cache']).toBe('hit');
    expect((await app.inject({ url, headers: { 'accept-encoding': 'br' } })).headers['x-cache']).toBe('hit');
  });
});

describe('GET /api/editions/:slug/procedures', () => {
  it('paginates the 250 procedures with every criterion’s score', async () => {
    const body = (await get('/api/editions/2026-T3/procedures?limit=20&offset=40')).json();
    expect(body).toMatchObject({ edition: '2026-T3', total: 250, limit: 20, offset: 40 });
    expect(body.items).toHaveLength(20);
    expect(Object.keys(body.items[0].scores)).toHaveLength(13);
    expect(body.items[0].scores.online).toMatchObject({ status: 'measured', source: 'crawl', level: expect.any(String) });
  });

  it('filters by ministry, administration, audience, and searches without accents or case', async () => {
    const interior = (await get('/api/editions/2026-T3/procedures?ministry=interieur&limit=250')).json();
    expect(interior.total).toBe(36);
    const ants = (await get('/api/editions/2026-T3/procedures?administration=ants&audience=professionnels')).json();
    expect(ants.items.every((p: { administration: { slug: string }; audiences: string[] }) => p.administration.slug === 'ants' && p.audiences.includes('professionnels'))).toBe(true);
    const search = (await get(`/api/editions/2026-T3/procedures?q=${encodeURIComponent('DECLARATION revenus')}`)).json();
    expect(search.items.map((p: { title: string }) => p.title)).toContain('Déclaration des revenus');
    // The words people use, from the catalogue's keywords: "impôts" (or "impots") finds the income tax return, "CNI" the identity card.
    for (const [q, title] of [['impôts', 'Déclaration des revenus'], ['impots', 'Déclaration des revenus'], ['CNI', "Pré-demande de carte nationale d'identité"], ['APL', "Demande d'aide au logement"]] as const) {
      const found = (await get(`/api/editions/2026-T3/procedures?q=${encodeURIComponent(q)}&limit=100`)).json();
      expect(found.items.map((p: { title: string }) => p.title), q).toContain(title);
    }
    const accents = (await get(`/api/editions/2026-T3/procedures?q=${encodeURIComponent('prime renov')}`)).json();
    expect(accents.items.map((p: { title: string }) => p.title)).toContain("Demande de MaPrimeRénov'");
    // An unknown group is not an empty list: 404, like an unknown edition.
    expect((await get('/api/editions/2026-T3/procedures?ministry=nope')).json()).toMatchObject({ statusCode: 404, message: 'unknown ministry "nope"' });
    expect((await get('/api/editions/2026-T3/procedures?administration=nope')).statusCode).toBe(404);
    // A bad sort says once which values are allowed.
    const badSort = (await get('/api/editions/2026-T3/procedures?sort=prix')).json();
    expect(badSort).toMatchObject({ statusCode: 400 });
    expect(badSort.message).toBe(`querystring/sort must be one of: volume, title, ministry, administration, ${['online', 'satisfaction', 'handicap', 'dlnuf', 'auth', 'simplicity', 'help_reachable', 'help_efficient', 'uptime', 'performance', 'mobile', 'a11y_auto', 'usage'].join(', ')}`);
  });

  it('sorts on a criterion with not measured and not applicable last, in both directions', async () => {
    for (const dir of ['asc', 'desc']) {
      const items = (await get(`/api/editions/2026-T3/procedures?sort=satisfaction&dir=${dir}&limit=250`)).json().items as { scores: { satisfaction: { status: string; value: number } } }[];
      const statuses = items.map((i) => i.scores.satisfaction.status);
      const firstUnmeasured = statuses.indexOf('unmeasurable');
      expect(firstUnmeasured).toBeGreaterThan(100);
      expect(statuses.slice(firstUnmeasured).every((s) => s !== 'measured')).toBe(true);
      const values = items.slice(0, firstUnmeasured).map((i) => i.scores.satisfaction.value);
      expect(values).toEqual([...values].sort((a, b) => (dir === 'desc' ? b - a : a - b)));
    }
  });

  it('sorts by title in French order', async () => {
    const titles = (await get('/api/editions/2026-T3/procedures?sort=title&dir=asc&limit=250')).json().items.map((i: { title: string }) => i.title);
    expect(titles).toEqual([...titles].sort(new Intl.Collator('fr').compare));
  });

  // [query, status, message]
  it.each([
    ['sort=colour', 400, /sort/],
    ['dir=sideways', 400, /dir/],
    ['limit=0', 400, /limit must be >= 1/],
    ['limit=1000', 400, /limit must be <= 250/],
    ['offset=-1', 400, /offset must be >= 0/],
    ['audience=touristes', 400, /audience/],
    ['ministry=BAD', 400, /ministry must match pattern/],
    ['q=' + 'x'.repeat(101), 400, /q must NOT have more than 100 characters/],
    ['page=2', 400, /additional properties/],
  ] as [string, number, RegExp][])('answers ?%s with %i', async (query, status, message) => {
    const res = await get(`/api/editions/2026-T3/procedures?${query}`);
    expect(res.statusCode).toBe(status);
    expect(res.json().message).toMatch(message);
  });

  it.each(['2026-T1', '2019-T4'])('answers an edition never published (%s) with 404', async (slug) => {
    const res = await get(`/api/editions/${slug}/procedures`);
    expect(res.statusCode).toBe(404);
    expect(res.json().message).toMatch(`no published edition "${slug}"`);
  });

  it('answers a malformed edition slug with 400', async () => {
    expect((await get('/api/editions/2026-Q3')).statusCode).toBe(400);
    expect((await get('/api/editions/2026-T5/groups')).statusCode).toBe(400);
  });
});

describe('GET /api/editions/:slug/groups', () => {
  it('gives each ministry its share reaching the goal, coverage and trend, against the 80 % target', async () => {
    const body = (await get('/api/editions/2026-T3/groups?by=ministry')).json();
    expect(body).toMatchObject({ edition: '2026-T3', by: 'ministry', target: 0.8 });
    expect(body.items).toHaveLength(17);
    expect(body.items.reduce((s: number, g: { procedures: number }) => s + g.procedures, 0)).toBe(250);
    const interior = body.items.find((g: { slug: string }) => g.slug === 'interieur');
    const mobile = interior.scores.find((s: { criterion: string }) => s.criterion === 'mobile');
    expect(mobile).toMatchObject({ total: 36, coverage: 1, trend: 0 });
    expect(mobile.share).toBeCloseTo(mobile.reachingGoal / mobile.measured);
  });

  it('groups by administration too, and refuses another grouping', async () => {
    expect((await get('/api/editions/2026-T3/groups?by=administration')).json().items).toHaveLength(65);
    expect((await get('/api/editions/2026-T3/groups?by=region')).statusCode).toBe(400);
  });

  it('counts each group’s measured procedures per level, best level first', async () => {
    const body = (await get('/api/editions/2026-T3/groups?by=ministry')).json();
    const online = body.items.find((g: { slug: string }) => g.slug === 'interieur').scores.find((s: { criterion: string }) => s.criterion === 'online');
    expect(Object.keys(online.levels)).toEqual(['Oui', 'Partiel', 'Non', 'Démarche proactive']);
    expect(Object.values(online.levels as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(online.measured);
  });
});

describe('compression', () => {
  it('sends a cached edition answer compressed in the encoding the client prefers, the same bytes once decoded', async () => {
    const url = '/api/editions/2026-T3/procedures?limit=50';
    const plain = await app.inject(url);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const br = await app.inject({ url, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['vary']).toMatch(/accept-encoding/i);
    expect(br.rawPayload.length).toBeLessThan(plain.rawPayload.length / 5);
    expect(brotliDecompressSync(br.rawPayload).equals(plain.rawPayload)).toBe(true);
    const gzip = await app.inject({ url, headers: { 'accept-encoding': 'gzip;q=1, br;q=0' } });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.rawPayload).equals(plain.rawPayload)).toBe(true);
    expect(br.headers['etag']).toBe(plain.headers['etag']);
    expect((await app.inject({ url, headers: { 'accept-encoding': 'br', 'if-none-match': plain.headers['etag'] as string } })).statusCode).toBe(304);
  });

  it('compresses answers built per request too (a procedure, a CSV export)', async () => {
    const res = await app.inject({ url: '/api/editions/2026-T3/export.csv', headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(res.rawPayload).toString('utf8')).toMatch(/^edition,procedure_id,title,/);
  });
});

describe('GET /api/groups/:by/:slug', () => {
  it('gives a ministry’s scores over the latest editions, oldest first, matching each edition’s synthesis', async () => {
    const body = (await get('/api/groups/ministry/interieur')).json();
    expect(body).toMatchObject({ by: 'ministry', slug: 'interieur', name: "Ministère de l'Intérieur", target: 0.8 });
    expect(body.editions.map((e: { edition: string }) => e.edition)).toEqual(['2026-T2', '2026-T3']);
    const t3 = (await get('/api/editions/2026-T3/groups?by=ministry')).json().items.find((g: { slug: string }) => g.slug === 'interieur');
    const { previousShare: _p, trend: _t, ...auth } = t3.scores.find((s: { criterion: string }) => s.criterion === 'auth');
    expect(body.editions[1].scores.find((s: { criterion: string }) => s.criterion === 'auth')).toMatchObject(auth);
  });

  it('limits the editions, knows the whole observatory, and answers unknown groups with 404 and bad ones with 400', async () => {
    expect((await get('/api/groups/ministry/interieur?editions=1')).json().editions).toHaveLength(1);
    expect((await get('/api/groups/observatory/observatoire')).json().editions[0].procedures).toBe(250);
    expect((await get('/api/groups/administration/dgfip')).statusCode).toBe(200);
    expect((await get('/api/groups/ministry/nope')).statusCode).toBe(404);
    expect((await get('/api/groups/region/x')).statusCode).toBe(400);
    expect((await get('/api/groups/ministry/interieur?editions=0')).statusCode).toBe(400);
  });
});

describe('GET /api/procedures/:id', () => {
  it('gives every edition’s scores and the latest observations with their evidence', async () => {
    const body = (await get('/api/procedures/102')).json();
    expect(body.editions.map((e: { edition: string }) => e.edition)).toEqual(['2026-T2', '2026-T3']);
    expect(body.editions[1].scores.online).toMatchObject({ status: 'measured', level: expect.any(String), source: 'crawl' });
    expect(body.observations.latest.map((o: { criterion: string }) => o.criterion).sort()).toEqual(['auth', 'handicap', 'help_efficient', 'help_reachable', 'mobile', 'online', 'satisfaction']);
    expect(body.observations.latest[0].evidence).toMatchObject({ url: 'http://x.test/', tool: 'test' });
  });
});

describe('exports', () => {
  it('gives the latest edition in wide form: 250 rows and exactly the columns of the data dictionary', async () => {
    const res = await get('/api/editions/latest/export.csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/observatoire-2026-T3-wide\.csv/);
    const rows = parse(res.body, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(250);
    const dictionary = (await get('/api/data-dictionary')).json();
    expect(Object.keys(rows[0]!)).toEqual(dictionary.wide.map((c: { name: string }) => c.name));
    const revenus = rows.find((r) => r['procedure_id'] === '102')!;
    expect(revenus).toMatchObject({ edition: '2026-T3', title: 'Déclaration des revenus', online_status: 'measured', online_source: 'crawl' });
    // An expired statement: its rate, level "Non" and the flag — not a "0".
    expect(revenus).toMatchObject({ handicap_status: 'measured', handicap_value: '88', handicap_level: 'Non', handicap_goal: 'false', handicap_reason: 'statement_expired', handicap_change: 'unchanged' });
  });

  it('carries an expired statement\'s rate and flag through the API and the long form', async () => {
    const procedure = (await get('/api/procedures/102')).json();
    expect(procedure.editions.at(-1).scores.handicap).toMatchObject({ status: 'measured', value: 88, level: 'Non', goal: false, reason: 'statement_expired' });
    const rows = parse((await get('/api/editions/2026-T3/export.csv?format=long&q=revenus')).body, { columns: true }) as Record<string, string>[];
    expect(rows.find((r) => r['procedure_id'] === '102' && r['criterion'] === 'handicap')).toMatchObject({ value: '88', level: 'Non', goal: 'false', reason: 'statement_expired' });
  });

  it('gives the long form, one row per procedure and criterion, sliced by ministry', async () => {
    const rows = parse((await get('/api/editions/2026-T3/export.csv?format=long&ministry=interieur')).body, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(36 * 13);
    expect(new Set(rows.map((r) => r['ministry']))).toEqual(new Set(["Ministère de l'Intérieur"]));
    expect(Object.keys(rows[0]!)).toEqual((await get('/api/data-dictionary')).json().long.map((c: { name: string }) => c.name));
  });

  it('exports the view a visitor filtered and sorted, in that order', async () => {
    const url = '/api/editions/2026-T3/export.csv?ministry=interieur&audience=professionnels&sort=title&dir=asc';
    const res = await get(url);
    expect(res.headers['content-disposition']).toMatch(/observatoire-2026-T3-wide-interieur-selection\.csv/);
    const rows = parse(res.body, { columns: true }) as Record<string, string>[];
    const view = (await get(url.replace('export.csv', 'procedures') + '&limit=250')).json();
    expect(rows.map((r) => Number(r['procedure_id']))).toEqual(view.items.map((i: { id: number }) => i.id));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(36);
    const search = parse((await get('/api/editions/2026-T3/export.csv?q=REVENUS')).body, { columns: true }) as Record<string, string>[];
    expect(search.every((r) => /revenus/i.test(`${r['title']} ${r['administration']}`))).toBe(true);
    expect(search.length).toBeGreaterThan(0);
  });

  it('gives the whole history in long form', async () => {
    const rows = parse((await get('/api/export/history.csv')).body, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(2 * 250 * 13);
    expect(rows[0]).toMatchObject({ edition: '2026-T2' });
    expect(rows.at(-1)).toMatchObject({ edition: '2026-T3' });
  });

  it('has a French spreadsheet variant: BOM, semicolons, decimal commas', async () => {
    const body = (await get('/api/editions/2026-T3/export.csv?sep=semicolon')).rawPayload.toString('utf8');
    expect(body.startsWith('\uFEFFedition;procedure_id;title')).toBe(true);
    expect(body).toMatch(/;\d+,\d+;/);
  });

  it('publishes no value for a cell not measured, no survey value on fewer than 100 answers, and every figure at its one precision', async () => {
    const items: { id: number; scores: Record<string, { status: string; value: number | string | null }> }[] = [];
    for (let offset = 0; offset < 250; offset += 100) items.push(...(await get(`/api/editions/latest/procedures?limit=100&offset=${offset}`)).json().items);
    expect(items).toHaveLength(250);
    const decimals = (n: number) => (String(n).split('.')[1] ?? '').length;
    const precision: Record<string, number> = { satisfaction: 1, help_efficient: 1, help_reachable: 1, handicap: 1, uptime: 1, performance: 0 };
    let unpublished = 0;
    for (const item of items) {
      for (const [criterion, cell] of Object.entries(item.scores)) {
        if (cell.status !== 'measured') {
          expect(cell.value, `#${item.id} ${criterion} ${cell.status}`).toBeNull();
          unpublished++;
        } else if (typeof cell.value === 'number' && precision[criterion] !== undefined) {
          expect(decimals(cell.value), `#${item.id} ${criterion} ${cell.value}`).toBeLessThanOrEqual(precision[criterion]);
        }
      }
      // The seed's survey counts: satisfaction 40 answers when id % 9 = 0, help 12 or 0 answers when id % 4 or id % 6 = 0.
      expect(item.scores['satisfaction']!.status === 'measured').toBe(item.id % 9 !== 0);
      expect(item.scores['help_efficient']!.status === 'measured').toBe(item.id % 4 !== 0);
      expect(item.scores['help_reachable']!.status === 'measured').toBe(item.id % 6 !== 0);
    }
    expect(unpublished).toBeGreaterThan(100);
    // The same in both CSV layouts: an empty value wherever the status is not "measured".
    const wide = parse((await get('/api/editions/latest/export.csv')).body, { columns: true }) as Record<string, string>[];
    for (const row of wide) {
      for (const criterion of ['satisfaction', 'help_efficient', 'help_reachable', 'dlnuf', 'usage']) {
        if (row[`${criterion}_status`] !== 'measured') expect(row[`${criterion}_value`], `${row['procedure_id']} ${criterion}`).toBe('');
      }
      if (row['help_efficient_value']) expect(decimals(Number(row['help_efficient_value']))).toBeLessThanOrEqual(1);
    }
    const long = parse((await get('/api/editions/latest/export.csv?format=long')).body, { columns: true }) as Record<string, string>[];
    expect(long.filter((r) => r['status'] !== 'measured' && r['value'] !== '')).toEqual([]);
    const history = parse((await get('/api/export/history.csv')).body, { columns: true }) as Record<string, string>[];
    expect(history.filter((r) => r['status'] !== 'measured' && r['value'] !== '')).toEqual([]);
    expect(history.filter((r) => r['criterion'] === 'help_efficient' && decimals(Number(r['value'])) > 1)).toEqual([]);
  });

  it('answers bad export parameters with 400 or 404', async () => {
    expect((await get('/api/editions/2026-T3/export.csv?format=xlsx')).statusCode).toBe(400);
    expect((await get('/api/editions/2026-T3/export.csv?ministry=nope')).statusCode).toBe(404);
    expect((await get('/api/editions/2020-T1/export.csv')).statusCode).toBe(404);
    expect((await get('/api/export/history.csv?sep=tab')).statusCode).toBe(400);
    expect((await get('/api/editions/2026-T3/export.csv?administration=nope')).json().message).toBe('unknown administration "nope"');
  });

  it('describes the exports as a Frictionless data package', async () => {
    const pkg = (await get('/api/datapackage.json')).json();
    expect(pkg).toMatchObject({ profile: 'tabular-data-package', version: '2.0.0' });
    expect(pkg.resources.map((r: { name: string }) => r.name)).toEqual(['edition-wide', 'edition-long', 'history-long']);
    // Links from the configured public address, whatever Host the request claims.
    const spoofed = (await app.inject({ url: '/api/datapackage.json', headers: { host: 'evil.example' } })).json();
    expect(spoofed.resources.every((r: { path: string }) => r.path.startsWith('http://127.0.0.1:3000/api/'))).toBe(true);
  });
});

describe('caches', () => {
  it('belong to their app: two apps on two databases with the same edition ids never answer from each other’s cache', async () => {
    const [a, b] = [await createDemoDb(), await createDemoDb()];
    await seedTwoEditions(a);
    await seedTwoEditions(b);
    const [lowest] = await b.select({ id: min(procedures.id) }).from(procedures);
    await b.update(procedures).set({ title: 'Titre de la base B' }).where(eq(procedures.id, lowest!.id!));
    const [appA, appB] = [await buildCheckedServer({ db: a, appInfo: { version: 't', demo: true }, logLevel: 'silent' }), await buildCheckedServer({ db: b, appInfo: { version: 't', demo: true }, logLevel: 'silent' })];
    try {
      const url = '/api/editions/2026-T3/procedures?sort=title&dir=desc&limit=250';
      const titles = async (app: FastifyInstance) => (await app.inject(url)).json().items.map((i: { title: string }) => i.title);
      expect(await titles(appA)).not.toContain('Titre de la base B');
      expect(await titles(appB)).toContain('Titre de la base B');
      expect((await appB.inject('/api/groups/ministry/interieur')).statusCode).toBe((await appA.inject('/api/groups/ministry/interieur')).statusCode);
    } finally {
      await appA.close();
      await appB.close();
    }
  });
});

describe('rate limit', () => {
  it('answers 429 with a message past the limit, on the API only', async () => {
    const db = await createDemoDb();
    const limited = await buildCheckedServer({ db, appInfo: { version: 't', demo: true }, logLevel: 'silent', rateLimitPerMinute: 3 });
    try {
      const codes = [];
      for (let i = 0; i < 4; i++) codes.push((await limited.inject('/api/health')).statusCode);
      expect(codes).toEqual([200, 200, 200, 429]);
      expect((await limited.inject('/api/health')).json()).toMatchObject({ statusCode: 429, message: expect.stringMatching(/rate limit: 3 requests per minute/) });
    } finally {
      await limited.close();
    }
  });

  it('lets an exempt client (a load test, a monitoring probe) past the API limit, never past the login limit', async () => {
    const db = await createDemoDb();
    const limited = await buildCheckedServer({ db, appInfo: { version: 't', demo: true }, logLevel: 'silent', rateLimitPerMinute: 3, rateLimitExempt: addressMatcher('198.51.100.0/24') });
    try {
      const exempt = [];
      for (let i = 0; i < 6; i++) exempt.push((await limited.inject({ url: '/api/health', remoteAddress: '198.51.100.9' })).statusCode);
      expect(exempt).toEqual([200, 200, 200, 200, 200, 200]);
      const other = [];
      for (let i = 0; i < 4; i++) other.push((await limited.inject({ url: '/api/health', remoteAddress: '203.0.113.1' })).statusCode);
      expect(other).toEqual([200, 200, 200, 429]);
      const first = await limited.inject({ url: '/api/session', remoteAddress: '198.51.100.9' });
      const headers = { cookie: first.cookies.map((c) => `${c.name}=${c.value}`).join('; '), 'x-csrf-token': first.json().csrfToken };
      const logins = [];
      for (let i = 0; i < LOGIN_ATTEMPTS_PER_MINUTE + 1; i++) {
        logins.push((await limited.inject({ method: 'POST', url: '/api/session', remoteAddress: '198.51.100.9', headers, payload: { email: 'a@b.fr', password: 'x' } })).statusCode);
      }
      expect(logins.at(-1)).toBe(429);
      expect(new Set(logins.slice(0, -1))).toEqual(new Set([401]));
    } finally {
      await limited.close();
    }
  });
});
