import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { Crawler } from '../../jobs/crawler.ts';
import { mobileCheck } from '../../jobs/checks/mobile.ts';
import { a11yCheck } from '../../jobs/checks/a11y.ts';

// A public site (a *.demarches.test name, routed to a local server as the demo is) whose pages try
// every way a browser has to reach a private address, and a canary on loopback that must never
// hear from the crawler. Without the guard in the browser, each of these reached the canary.

let canary: Server;
let canaryHits: string[] = [];
let udp: UdpSocket;
let udpPackets = 0;
let site: Server;
let siteHits: { path: string; at: number; method: string; body: string }[] = [];
let crawler: Crawler | undefined;

const listen = (server: Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
const readBody = (req: IncomingMessage) => new Promise<string>((resolve) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => resolve(body));
});

/** Enough text for the renderer to see a page, not an application shell still loading. */
const TEXT = '<p>Cette démarche permet de déposer une demande en ligne, de suivre son traitement et de recevoir la décision de l’administration, sans se déplacer au guichet ni envoyer de courrier. Les pièces justificatives sont déposées au format numérique et un accusé de réception est envoyé par courriel.</p>';

function hostilePage(c: string, stun: number): string {
  return `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Démarche</title>
<link rel="stylesheet" href="/own.css"><link rel="stylesheet" href="${c}/style.css"><link rel="prefetch" href="${c}/prefetch">
<script src="${c}/script.js"></script></head>
<body><main><h1>Faire une demande</h1><p id="own">en attente</p>${TEXT}
<iframe title="carte" src="${c}/frame"></iframe><iframe title="interne" src="/to-canary"></iframe>
<form method="post" action="${c}/form"><label>Nom <input name="nom"></label><button>Envoyer</button></form>
<script>
  fetch('/own.json', { method: 'POST', body: 'from-the-page' }).then((r) => r.json()).then((d) => { document.getElementById('own').textContent = d.text; });
  fetch('${c}/fetch-get').catch(() => {});
  fetch('${c}/fetch-post', { method: 'POST', body: 'secret=1' }).catch(() => {});
  const x = new XMLHttpRequest(); x.open('GET', '${c}/xhr'); x.send();
  try { new WebSocket('${c.replace('http', 'ws')}/ws'); } catch {}
  navigator.sendBeacon('${c}/beacon', 'x');
  new Worker(URL.createObjectURL(new Blob(["fetch('${c}/worker').catch(() => {})"])));
  try { const pc = new RTCPeerConnection({ iceServers: [{ urls: 'stun:127.0.0.1:${stun}' }] }); pc.createDataChannel('x'); pc.createOffer().then((o) => pc.setLocalDescription(o)); } catch {}
</script></main></body></html>`;
}

beforeAll(async () => {
  canary = createServer((req, res) => {
    canaryHits.push(`${req.method} ${req.url}`);
    res.end('internal secret');
  });
  canary.on('upgrade', (req, socket) => {
    canaryHits.push(`UPGRADE ${req.url}`);
    socket.destroy();
  });
  const canaryPort = await listen(canary);
  udp = createSocket('udp4');
  udp.on('message', () => udpPackets++);
  const stunPort = await new Promise<number>((resolve) => udp.bind(0, '127.0.0.1', () => resolve(udp.address().port)));
  const c = `http://127.0.0.1:${canaryPort}`;

  site = createServer(async (req, res) => {
    const path = req.url ?? '/';
    siteHits.push({ path, at: Date.now(), method: req.method ?? 'GET', body: await readBody(req) });
    const html = (body: string) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
    if (path === '/robots.txt') return res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nDisallow: /prive/\n');
    if (path === '/hostile') return html(hostilePage(c, stunPort));
    if (path === '/own.css') return res.writeHead(200, { 'content-type': 'text/css' }).end('h1 { color: rgb(0, 0, 145); }');
    if (path === '/own.json') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ text: 'données de la page' }));
    if (path === '/to-canary' || path === '/redirect-out') return res.writeHead(302, { location: `${c}/redirected` }).end();
    if (path === '/moved') return res.writeHead(301, { location: '/arrivee' }).end();
    if (path === '/arrivee') return html(`<!DOCTYPE html><html lang="fr"><head><title>Arrivée</title><link rel="stylesheet" href="style/arrivee.css"></head><body><main><h1>Arrivée</h1>${TEXT}</main></body></html>`);
    if (path === '/style/arrivee.css') return res.writeHead(200, { 'content-type': 'text/css' }).end('h1 { color: rgb(145, 0, 0); }');
    if (path === '/avec-cadre-interdit') return html(`<!DOCTYPE html><html lang="fr"><head><title>Cadre</title></head><body><main><h1>Cadre</h1>${TEXT}<iframe title="interdit" src="/prive/cadre"></iframe></main></body></html>`);
    if (path.startsWith('/page-')) return html(`<!DOCTYPE html><html lang="fr"><head><title>${path}</title></head><body><main><h1>${path}</h1>${TEXT}</main></body></html>`);
    res.writeHead(404).end('not found');
  });
  await listen(site);
});

afterEach(async () => {
  await crawler?.close();
  crawler = undefined;
  canaryHits = [];
  siteHits = [];
  udpPackets = 0;
});

afterAll(async () => {
  await new Promise((resolve) => canary.close(resolve));
  await new Promise((resolve) => site.close(resolve));
  udp.close();
});

/** A crawler as in production (private addresses refused), the test site playing a public host. */
function guardedCrawler(perHostDelayMs = 5, timeoutMs = 4_000): Crawler {
  crawler = new Crawler({
    contactUrl: 'http://127.0.0.1/methodologie#robot',
    demoPort: (site.address() as AddressInfo).port,
    browserWsEndpoint: inject('chromiumWsEndpoint'),
    perHostDelayMs,
    timeoutMs,
  });
  return crawler;
}

describe('the browser behind the private-address guard', () => {
  it('loads a hostile page for the browser checks without one request, WebSocket or UDP packet reaching a private address', async () => {
    const c = guardedCrawler();
    const outcomes = await c.runChecks('http://guichet.demarches.test/hostile', [mobileCheck, a11yCheck]);
    // Let late requests (beacon, worker, prefetch, WebRTC) have their chance.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(canaryHits).toEqual([]);
    expect(udpPackets).toBe(0);
    // The checks measured the page itself.
    expect(outcomes.map((o) => [o.check, o.status])).toEqual([['mobile', 'measured'], ['a11y_auto', 'measured']]);
    const stats = await c.browserNetworkStats();
    expect(stats?.escaped).toBe(0);
    // Each way out was asked for, and refused by the crawler's guard (not merely left unanswered);
    // the frame that redirects out is refused at the redirect's hop.
    const refused = new Map(stats?.refusals.map((r) => [new URL(r.url).pathname, r.reason]));
    for (const path of ['/style.css', '/script.js', '/frame', '/to-canary', '/fetch-get', '/fetch-post', '/xhr', '/beacon', '/worker']) {
      expect(refused.get(path), path).toMatch(/private address 127\.0\.0\.1/);
    }
    expect(refused.get('/ws')).toBe('WebSocket');
    // The page's own resources came through the crawler, with its user agent.
    expect(siteHits.map((h) => h.path)).toEqual(expect.arrayContaining(['/hostile', '/own.css', '/own.json', '/to-canary']));
    expect(siteHits.find((h) => h.path === '/own.json')).toMatchObject({ method: 'POST', body: 'from-the-page' });
  });

  it('renders the page with what the crawler fetched for it: its own stylesheet and its script’s data, nothing internal', async () => {
    const c = guardedCrawler();
    const { html } = await c.render('http://guichet.demarches.test/hostile');
    expect(html).toContain('données de la page');
    expect(html).not.toContain('internal secret');
    expect(canaryHits).toEqual([]);
  });

  it('refuses a page that redirects to a private address: the browser checks are "blocked", nothing internal becomes evidence', async () => {
    const c = guardedCrawler();
    const outcomes = await c.runChecks('http://guichet.demarches.test/redirect-out', [mobileCheck, a11yCheck]);
    expect(canaryHits).toEqual([]);
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ status: 'unmeasurable', reason: 'blocked' });
      expect(JSON.stringify(outcome.evidence)).not.toContain('internal secret');
      expect(outcome.evidence.snippet).toMatch(/private address 127\.0\.0\.1/);
    }
  });

  it('follows a public redirect hop by hop: the page is read at its final address, relative links resolved from there', async () => {
    const c = guardedCrawler();
    const { finalUrl, html } = await c.render('http://guichet.demarches.test/moved');
    expect(finalUrl).toBe('http://guichet.demarches.test/arrivee');
    expect(html).toContain('<h1>Arrivée</h1>');
    // One request per hop, the final page fetched once, its stylesheet relative to the final address.
    expect(siteHits.filter((h) => h.path !== '/robots.txt').map((h) => h.path)).toEqual(['/moved', '/arrivee', '/style/arrivee.css']);
  });

  it('obeys robots.txt for every request of the page, frames included', async () => {
    const c = guardedCrawler();
    await c.render('http://guichet.demarches.test/avec-cadre-interdit');
    expect(siteHits.map((h) => h.path)).not.toContain('/prive/cadre');
    await expect(c.render('http://guichet.demarches.test/prive/page')).rejects.toMatchObject({ type: 'blocked' });
  });

  it('gives the browser’s page loads a turn in the same per-host queue as the HTTP requests', async () => {
    const c = guardedCrawler(300);
    await c.fetch('http://guichet.demarches.test/page-0'); // robots.txt read, the host's queue started
    siteHits = [];
    await Promise.all([
      c.fetch('http://guichet.demarches.test/page-1'),
      c.render('http://guichet.demarches.test/page-2'),
      c.fetch('http://guichet.demarches.test/page-3'),
      c.render('http://guichet.demarches.test/page-4'),
    ]);
    const pages = siteHits.filter((h) => h.path.startsWith('/page-')).map((h) => h.at);
    expect(pages).toHaveLength(4);
    const gaps = pages.slice(1).map((at, i) => at - pages[i]!);
    // p-queue's interval: at most one request per 300 ms window (a little timer slack allowed).
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(280);
  });

  it('starts a page load’s deadline at its turn: a page queued behind its host’s other requests is not “too slow”', async () => {
    // A 1.5 s deadline, 400 ms between two requests to the host, five requests ahead of the page:
    // its turn comes about 2 s after it was asked for, its site answers at once.
    const c = guardedCrawler(400, 1_500);
    await c.fetch('http://guichet.demarches.test/page-0');
    siteHits = [];
    const ahead = Array.from({ length: 5 }, (_, i) => c.fetch(`http://guichet.demarches.test/page-${i + 1}`));
    const asked = Date.now();
    const rendered = await c.render('http://guichet.demarches.test/page-9');
    expect(Date.now() - asked).toBeGreaterThanOrEqual(1_900);
    expect(rendered.status).toBe(200);
    await Promise.all(ahead);
    const pages = siteHits.filter((h) => h.path.startsWith('/page-')).map((h) => h.path);
    expect(pages.at(-1)).toBe('/page-9');
    // An application's "#/route": the request Chromium sends has no fragment, it is still the
    // navigation holding the turn (it once waited for its own turn until its deadline).
    const route = await c.render('http://guichet.demarches.test/page-8#/connexion');
    expect(route.status).toBe(200);
  });
});
