import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { and, eq } from 'drizzle-orm';
import { first, type Db } from '../../db/client.ts';
import { alerts, procedures, webhookDeliveries } from '../../db/schema/index.ts';
import { load } from 'cheerio';
import { writeObservations } from '../../jobs/crawl.ts';
import { quarterOf } from '../../methodology/quarters.ts';
import { createDemoDb, procedureIdsOf } from '../helpers/db.ts';
import { seedTwoEditions } from '../helpers/editions.ts';
import { buildTestApp } from '../helpers/server.ts';
import { createAccount, login, type Session } from '../helpers/accounts.ts';

// Declarations from a team to the next published edition, the team's view, and alerts.

let db: Db;
let app: FastifyInstance;
let team: Session;
let operator: Session;
let ids: number[];

beforeAll(async () => {
  db = await createDemoDb();
  await seedTwoEditions(db);
  app = await buildTestApp(db);
  team = await login(app, (await createAccount(db, 'team', { ministries: ['interieur'] }, 'Équipe Intérieur')).email);
  operator = await login(app, (await createAccount(db, 'operator', {}, 'Opératrice')).email);
  ids = await procedureIdsOf(db, 'interieur');
});
afterAll(() => app.close());

const declare = (id: number, body: object) => app.inject({ method: 'POST', url: `/api/me/procedures/${id}/declarations`, headers: team.headers, payload: body });

describe('the team space', () => {
  it('lists the procedures that regressed since the edition first', async () => {
    // The latest edition is 2026-T3 here; a procedure at "Oui" on both criteria there falls now.
    const t3 = (await app.inject(`/api/editions/2026-T3/procedures?ministry=interieur&limit=100`)).json().items;
    const id = t3.find((r: { scores: Record<string, { level: string }> }) => r.scores['mobile']!.level === 'Oui' && r.scores['online']!.level === 'Oui').id as number;
    await writeObservations(db, null, id, [
      { check: 'mobile', criterion: 'mobile', status: 'measured', value: 'Non', observedAt: new Date(), evidence: { url: 'http://x.test/' }, details: {} },
      { check: 'online', criterion: 'online', status: 'measured', value: 'Non', observedAt: new Date(), evidence: { url: 'http://x.test/' }, details: {} },
    ] as never);
    const list = (await app.inject({ url: '/api/me/procedures', headers: { cookie: team.cookie } })).json();
    expect(list.items[0].id).toBe(id);
    expect(list.items[0].regressions).toBe(2);
    expect(list.items[0].criteria.find((c: { criterion: string }) => c.criterion === 'mobile')).toMatchObject({ change: 'regressed', edition: { level: 'Oui' }, current: { level: 'Non', source: 'crawl' } });
    const regressions = list.items.map((p: { regressions: number }) => p.regressions);
    expect(regressions).toEqual([...regressions].sort((a, b) => b - a));
  });

  it('keeps a watchlist', async () => {
    expect((await app.inject({ method: 'PUT', url: `/api/me/watchlist/${ids[4]}`, headers: team.headers })).statusCode).toBe(204);
    const watched = (await app.inject({ url: '/api/me/procedures?watched=true', headers: { cookie: team.cookie } })).json();
    expect(watched.items.map((p: { id: number }) => p.id)).toEqual([ids[4]]);
    expect((await app.inject({ method: 'DELETE', url: `/api/me/watchlist/${ids[4]}`, headers: team.headers })).statusCode).toBe(204);
    expect((await app.inject({ url: '/api/me/procedures?watched=true', headers: { cookie: team.cookie } })).json().items).toEqual([]);
  });
});

describe('the team space after a quarter already published', () => {
  it('compares its measurements with the edition before, counts the falls the alerts count, and gives current probe figures, dated', async () => {
    // Measurements of 2026-T2 and 2026-T3, both editions published: the latest measurements are
    // 2026-T3's, so the space compares them with 2026-T2 (comparing them with 2026-T3, made of
    // them, would say "0 en recul" whatever fell).
    const fresh = await createDemoDb();
    await seedTwoEditions(fresh);
    const freshApp = await buildTestApp(fresh);
    try {
      const member = await login(freshApp, (await createAccount(fresh, 'team', { ministries: ['interieur'] }, 'Équipe')).email);
      const mine = await procedureIdsOf(fresh, 'interieur');
      const t3 = (await freshApp.inject(`/api/editions/2026-T3/procedures?ministry=interieur&limit=100`)).json().items as { id: number; scores: Record<string, { level: string; change: string | null }> }[];
      // A fall measured in September, after the August crawl: an alert, and a recul in the space.
      const falling = t3.find((r) => r.scores['mobile']!.level === 'Oui')!.id;
      await writeObservations(fresh, null, falling, [{ check: 'mobile', criterion: 'mobile', status: 'measured', value: 'Non', observedAt: new Date('2026-09-20T10:00:00Z'), evidence: { url: 'http://x.test/' }, details: {} }] as never, new Date('2026-09-20T10:00:00Z'));
      const alerted = (await fresh.select({ procedureId: alerts.procedureId }).from(alerts).where(eq(alerts.kind, 'regression'))).map((a) => a.procedureId);
      expect(alerted).toEqual([falling]);

      const list = (await freshApp.inject({ url: '/api/me/procedures', headers: { cookie: member.cookie } })).json();
      expect(list).toMatchObject({ edition: '2026-T2', latestEdition: '2026-T3', measuredUntil: '2026-09-20T10:00:00.000Z' });
      const regressed = list.items.filter((p: { regressions: number }) => p.regressions > 0).map((p: { id: number }) => p.id);
      expect(regressed).toEqual(alerted);
      // The improvements are the 2026-T3 edition's own: its change column says the same.
      const improved = list.items.filter((p: { improvements: number }) => p.improvements > 0).map((p: { id: number }) => p.id).sort();
      const editionImproved = t3.filter((r) => Object.values(r.scores).some((c) => c.change === 'improved')).map((r) => r.id).sort();
      expect(improved.length).toBeGreaterThan(0);
      expect(improved).toEqual(editionImproved);

      // Uptime and response time now: the last 30 days of probes, with the days they cover.
      const some = list.items.find((p: { id: number }) => p.id === mine[0]);
      const uptime = some.criteria.find((c: { criterion: string }) => c.criterion === 'uptime');
      expect(uptime.current).toMatchObject({ status: 'measured', period: { from: '2026-07-17', to: '2026-08-15' }, source: 'crawl' });
      expect(uptime.current.value).toBe(mine[0]! % 11 !== 0 ? 100 : 0);
      expect(some.criteria.find((c: { criterion: string }) => c.criterion === 'performance').current).toMatchObject({ status: 'measured', value: 100 + (mine[0]! % 8) * 100 });

      const detail = (await freshApp.inject({ url: `/api/me/procedures/${falling}`, headers: { cookie: member.cookie } })).json();
      expect(detail).toMatchObject({ edition: '2026-T2', latestEdition: '2026-T3', nextRecheckAt: null });
    } finally {
      await freshApp.close();
    }
  });
});

describe('declarations', () => {
  it('refuses what cannot be declared, with a message', async () => {
    const cases = [
      { criterion: 'usage', value: 150, justification: 'Tableau de bord de la DNUM, 2026.' },
      { criterion: 'usage', value: 50, justification: 'court' },
      { criterion: 'auth', value: 'FranceConnect', justification: 'Nous avons FranceConnect depuis mars.' },
      { criterion: 'online', value: 'Oui', justification: 'La démarche est entièrement en ligne.' },
      { criterion: 'dlnuf', value: 2.5, justification: 'Formulaire derrière la connexion.' },
      { criterion: 'satisfaction', value: 8.2, justification: 'Notre propre enquête de satisfaction.' },
      // Empty or wrong-typed values are refused, never read as 0 (the best dlnuf level) or 31.
      { criterion: 'dlnuf', value: '', justification: 'Formulaire derrière la connexion.' },
      { criterion: 'dlnuf', value: '   ', justification: 'Formulaire derrière la connexion.' },
      { criterion: 'dlnuf', value: null, justification: 'Formulaire derrière la connexion.' },
      { criterion: 'dlnuf', value: '0x1F', justification: 'Formulaire derrière la connexion.' },
      { criterion: 'dlnuf', value: true, justification: 'Formulaire derrière la connexion.' },
      { criterion: 'usage', value: '1e2', justification: 'Tableau de bord de la DNUM, 2026.' },
      { criterion: 'satisfaction', value: 8.2, answers: '1200', justification: 'Notre propre enquête de satisfaction.' },
    ];
    for (const body of cases) {
      const res = await declare(ids[0]!, body);
      expect({ body, status: res.statusCode }).toEqual({ body, status: 400 });
      expect(res.json().message).toEqual(expect.any(String));
    }
  });

  it('keeps who, when and the previous value', async () => {
    expect((await declare(ids[0]!, { criterion: 'usage', value: 61.5, justification: 'Statistiques 2025 du service, tableau de bord interne.' })).statusCode).toBe(201);
    const second = await declare(ids[0]!, { criterion: 'usage', value: '72,5', justification: 'Statistiques du 3e trimestre 2026, tableau de bord interne.' });
    expect(second.statusCode).toBe(201);
    expect(second.json()).toMatchObject({ value: 72.5, inForce: true, declaredBy: expect.stringContaining('Équipe Intérieur'), previous: { value: 61.5 } });
    const detail = (await app.inject({ url: `/api/me/procedures/${ids[0]}`, headers: { cookie: team.cookie } })).json();
    expect(detail.declarations.map((d: { value: number; inForce: boolean }) => [d.value, d.inForce])).toEqual([
      [72.5, true],
      [61.5, false],
    ]);
    const usage = detail.procedure.criteria.find((c: { criterion: string }) => c.criterion === 'usage');
    expect(usage.current).toMatchObject({ source: 'declared', value: 72.5 });
  });

  it('shows up in the next edition as "déclaré", with its justification', async () => {
    expect((await declare(ids[1]!, { criterion: 'dlnuf', value: 3, justification: 'Le formulaire, derrière FranceConnect, demande adresse, revenus et situation familiale.' })).statusCode).toBe(201);
    expect((await declare(ids[2]!, { criterion: 'online', value: 'Démarche proactive', justification: 'Le droit est ouvert automatiquement depuis la loi de 2025.' })).statusCode).toBe(201);
    expect((await declare(ids[3]!, { criterion: 'satisfaction', value: 8.4, answers: 1200, justification: 'Enquête de satisfaction du service, 3e trimestre 2026.' })).statusCode).toBe(201);

    const slug = quarterOf(new Date()).slug;
    const closed = await app.inject({ method: 'POST', url: `/api/admin/editions/${slug}/close`, headers: operator.headers });
    expect(closed.statusCode).toBe(200);
    const preview = (await app.inject({ url: `/api/admin/editions/${slug}/preview`, headers: { cookie: operator.cookie } })).json();
    expect(preview).toMatchObject({ edition: { slug, status: 'draft' }, previous: '2026-T3' });
    // Not public before it is published.
    expect((await app.inject(`/api/editions/${slug}`)).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: `/api/admin/editions/${slug}/publish`, headers: operator.headers })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: `/api/admin/editions/${slug}/publish`, headers: operator.headers })).statusCode).toBe(409);

    const table = (await app.inject(`/api/editions/${slug}/procedures?ministry=interieur&limit=100`)).json();
    const row = (id: number) => table.items.find((r: { id: number }) => r.id === id);
    expect(row(ids[0]!).scores.usage).toMatchObject({ source: 'declared', value: 72.5, status: 'measured' });
    expect(row(ids[1]!).scores.dlnuf).toMatchObject({ source: 'declared', value: 3, level: 'Partiel' });
    expect(row(ids[2]!).scores.online).toMatchObject({ source: 'declared', value: 'Démarche proactive', goal: true });
    const page = (await app.inject(`/api/procedures/${ids[1]}`)).json();
    const dlnuf = page.editions.find((e: { edition: string }) => e.edition === slug).scores.dlnuf;
    const declaration = page.declarations.find((d: { id: number }) => d.id === dlnuf.declarationId);
    expect(declaration).toMatchObject({ criterion: 'dlnuf', value: 3, justification: expect.stringContaining('derrière FranceConnect'), declaredBy: 'équipe ministérielle' });
    // People are not named publicly.
    expect(JSON.stringify(page.declarations)).not.toContain('@');
  });
});

describe('alerts', () => {
  it('records a regression found by a crawl, with a delivery for the webhooks of its ministry only', async () => {
    const mine = await app.inject({ method: 'POST', url: '/api/me/webhooks', headers: team.headers, payload: { url: 'http://127.0.0.1:9/ours', scope: { kind: 'ministry', slug: 'interieur' } } });
    expect(mine.statusCode).toBe(201);
    expect(mine.json().secret).toMatch(/^[\w-]{40,}$/);
    const other = await app.inject({ method: 'POST', url: '/api/me/webhooks', headers: operator.headers, payload: { url: 'http://127.0.0.1:9/theirs', scope: { kind: 'ministry', slug: 'justice' } } });
    expect(other.statusCode).toBe(201);
    const id = ids[6]!;
    const at = new Date();
    const observe = async (value: string, when: Date) =>
      writeObservations(db, null, id, [{ check: 'auth', criterion: 'auth', status: 'measured', value, observedAt: when, evidence: { url: 'http://x.test/' }, details: {} }] as never, when);
    await observe('FranceConnect', new Date(at.getTime() - 1000));
    await observe('Non', at);
    const alert = (await first(db.select().from(alerts).where(and(eq(alerts.kind, 'regression'), eq(alerts.procedureId, id)))))!;
    expect(alert.payload.regressions).toEqual([{ criterion: 'auth', label: 'Authentification', before: 'FranceConnect', after: 'Non' }]);
    const deliveries = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.alertId, alert.id));
    expect(deliveries.map((d) => d.webhookId)).toEqual([mine.json().id]);
    // Not measured again the same: no new alert.
    await observe('Non', new Date(at.getTime() + 1000));
    expect(await db.select().from(alerts).where(and(eq(alerts.kind, 'regression'), eq(alerts.procedureId, id)))).toHaveLength(1);
  });

  it('keeps ten active webhooks at most per account', async () => {
    const member = await login(app, (await createAccount(db, 'team', { ministries: ['justice'] }, 'Équipe Justice')).email);
    const add = (i: number) => app.inject({ method: 'POST', url: '/api/me/webhooks', headers: member.headers, payload: { url: `http://127.0.0.1:9/hook-${i}`, scope: { kind: 'ministry', slug: 'justice' } } });
    const created: number[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await add(i);
      expect(res.statusCode).toBe(201);
      created.push(res.json().id);
    }
    const eleventh = await add(10);
    expect(eleventh.statusCode).toBe(409);
    expect(eleventh.json()).toMatchObject({ code: 'webhook.limit', message: expect.stringMatching(/10 active webhooks at most/), params: { max: 10 } });
    expect((await app.inject({ method: 'DELETE', url: `/api/me/webhooks/${created[0]}`, headers: member.headers })).statusCode).toBe(204);
    expect((await add(11)).statusCode).toBe(201);
  });

  it("publishes a ministry's alerts as an Atom feed", async () => {
    const res = await app.inject('/api/ministries/interieur/alerts.atom');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/atom\+xml/);
    expect(res.body).toMatch(/^<\?xml/);
    expect(res.body).toContain('<feed xmlns="http://www.w3.org/2005/Atom"');
    expect(res.body).toContain('Recul mesuré');
    expect(res.body).toContain('Authentification : FranceConnect → Non');
    expect(res.body).toMatch(/Édition \d{4}-T\d publiée/);
    // Another ministry's feed has the publications, not Intérieur's regressions.
    const justice = (await app.inject('/api/ministries/justice/alerts.atom')).body;
    expect(justice).toMatch(/Édition \d{4}-T\d publiée/);
    expect(justice).not.toContain('Authentification : FranceConnect → Non');
    expect((await app.inject('/api/ministries/nope/alerts.atom')).statusCode).toBe(404);
    // The feed of all ministries has both.
    const all = (await app.inject('/api/alerts.atom')).body;
    expect(all).toContain('Authentification : FranceConnect → Non');
    expect(all).toMatch(/Édition \d{4}-T\d publiée/);
    expect(all).toContain('alertes, tous ministères');
  });

  it('is valid Atom (RFC 4287) and keeps a catalogue title as text', async () => {
    // A procedure whose title holds markup, and a regression on it.
    const id = (await procedureIdsOf(db, 'interieur'))[5]!;
    await db.update(procedures).set({ title: 'Démarche <img src=x onerror=alert(1)> & « test »' }).where(eq(procedures.id, id));
    const at = new Date('2026-11-20T10:00:00Z');
    const observe = async (value: string, when: Date) =>
      writeObservations(db, null, id, [{ check: 'mobile', criterion: 'mobile', status: 'measured', value, observedAt: when, evidence: { url: 'http://x.test/' }, details: {} }] as never, when);
    await observe('Oui', new Date(at.getTime() - 1000));
    await observe('Non', at);
    const xml = (await app.inject('/api/ministries/interieur/alerts.atom')).body;
    const $ = load(xml, { xml: true });
    const feed = $('feed');
    expect(feed.attr('xmlns')).toBe('http://www.w3.org/2005/Atom');
    // Required of the feed: id, title, updated, and an author (here the feed's, for every entry).
    for (const el of ['id', 'title', 'updated']) expect(feed.children(el).text().trim(), el).not.toBe('');
    expect(feed.children('author').children('name').text()).toMatch(/\S/);
    expect(feed.children('link[rel="self"]').attr('href')).toMatch(/\/api\/ministries\/interieur\/alerts\.atom$/);
    const entries = feed.children('entry').toArray();
    expect(entries.length).toBeGreaterThan(1);
    for (const entry of entries) {
      const e = $(entry);
      for (const el of ['id', 'title', 'updated']) expect(e.children(el).text().trim(), el).not.toBe('');
      expect(new Date(e.children('updated').text()).toString()).not.toBe('Invalid Date');
      expect(e.children('link').attr('href')).toMatch(/^http/);
      for (const c of e.children('category').toArray()) expect($(c).attr('term')).toMatch(/^(regression|edition_published)$/);
    }
    // The title is text: its markup escaped inside the type="html" title, never live HTML.
    const title = entries.map((e) => $(e).children('title')).find((t) => t.text().includes('onerror'))!;
    expect(title.attr('type')).toBe('html');
    expect(title.text()).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; « test »');
    expect(title.text()).not.toContain('<img');
  });
});
