import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockAgent } from 'undici';
import { fetchPage, type FetchOptions } from '../../jobs/http/fetch.ts';
import { createDispatcher, isPrivateAddress } from '../../jobs/http/dispatcher.ts';
import { FetchError, classifyError } from '../../jobs/http/errors.ts';
import { RobotsCache } from '../../jobs/http/robots.ts';
import { Crawler, politeDelayMs } from '../../jobs/crawler.ts';

// Hostile sites on a real local server: each must end in a typed failure within its bound.

let server: Server;
let base: string;
const hits: Record<string, number> = {};

beforeAll(async () => {
  const bomb = gzipSync(Buffer.alloc(32 * 1024 * 1024));
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits[path] = (hits[path] ?? 0) + 1;
    switch (path) {
      case '/drip': {
        res.writeHead(200, { 'content-type': 'text/html' });
        const t = setInterval(() => res.write('a'), 1000);
        res.on('close', () => clearInterval(t));
        return;
      }
      case '/slow-headers':
        return void setTimeout(() => res.end('late'), 5000);
      case '/huge': {
        res.writeHead(200, { 'content-type': 'text/html' });
        const chunk = Buffer.alloc(1024 * 1024, 'x');
        let n = 0;
        const pump = () => {
          while (n++ < 50) if (!res.write(chunk)) return void res.once('drain', pump);
          res.end();
        };
        res.on('close', () => (n = 99));
        return pump();
      }
      case '/huge-declared':
        res.writeHead(200, { 'content-length': String(50 * 1024 * 1024) });
        return void res.end();
      case '/bomb':
        res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' });
        return void res.end(bomb);
      case '/bad-utf8':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return void res.end(Buffer.from([0x3c, 0x70, 0x3e, 0xc3, 0x28, 0xff]));
      case '/latin1':
        res.writeHead(200, { 'content-type': 'text/html; charset=iso-8859-1' });
        return void res.end(Buffer.from('<p>D\xe9marche</p>', 'latin1'));
      case '/reset':
        return void req.socket.destroy();
      case '/error':
        res.writeHead(500);
        return void res.end('boom');
      case '/unavailable':
        res.writeHead(503);
        return void res.end('later');
      case '/gzip':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-encoding': 'gzip' });
        return void res.end(gzipSync('<p>Démarche compressée</p>'));
      case '/private/page':
      case '/ok':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return void res.end('<p>Démarche</p>');
      case '/robots.txt':
        res.writeHead(200, { 'content-type': 'text/plain' });
        return void res.end('User-agent: ObservatoireBot\nDisallow: /private/\n');
      default: {
        const loop = /^\/loop\/(\d+)$/.exec(path);
        if (loop) {
          res.writeHead(302, { location: `/loop/${Number(loop[1]) + 1}` });
          return void res.end();
        }
        const chain = /^\/chain\/(\d+)$/.exec(path);
        if (chain) {
          res.writeHead(301, { location: Number(chain[1]) > 1 ? `/chain/${Number(chain[1]) - 1}` : '/ok' });
          return void res.end();
        }
        res.writeHead(404);
        res.end();
      }
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const options = (over: Partial<FetchOptions> = {}): FetchOptions => ({
  dispatcher: createDispatcher({ allowPrivate: true, headersTimeoutMs: 1500, bodyTimeoutMs: 1500 }),
  userAgent: 'ObservatoireBot/test',
  timeoutMs: 2000,
  maxBytes: 1024 * 1024,
  retries: 0,
  ...over,
});

async function failure(path: string, over: Partial<FetchOptions> = {}): Promise<{ error: FetchError; ms: number }> {
  const started = Date.now();
  try {
    await fetchPage(base + path, options(over));
  } catch (err) {
    expect(err).toBeInstanceOf(FetchError);
    return { error: err as FetchError, ms: Date.now() - started };
  }
  throw new Error(`${path} did not fail`);
}

describe('fetchPage against hostile servers', () => {
  it.each([
    ['/drip', 'timeout', 'drips one byte a second'],
    ['/slow-headers', 'timeout', 'never sends its headers in time'],
    ['/loop/0', 'redirects', 'redirects forever'],
    ['/huge', 'too_large', 'streams 50 MB'],
    ['/huge-declared', 'too_large', 'declares 50 MB'],
    ['/bomb', 'too_large', 'sends a gzip bomb'],
    ['/bad-utf8', 'parse', 'sends invalid UTF-8'],
    ['/reset', 'network', 'resets the connection'],
  ] as [string, string, string][])('%s ends as a typed "%s" failure within its bound (a site that %s)', async (path, type) => {
    const { error, ms } = await failure(path);
    expect(error.type).toBe(type);
    expect(ms).toBeLessThan(3500);
  });

  it('answers a 500 as an HTTP status, for the caller to judge', async () => {
    const page = await fetchPage(`${base}/error`, options());
    expect(page.status).toBe(500);
  });

  it('follows a short redirect chain and records it', async () => {
    const page = await fetchPage(`${base}/chain/3`, options());
    expect(page.status).toBe(200);
    expect(page.finalUrl).toBe(`${base}/ok`);
    expect(page.redirects).toHaveLength(3);
  });

  it('decompresses gzip and decodes a declared Latin-1 charset', async () => {
    expect((await fetchPage(`${base}/gzip`, options())).body).toBe('<p>Démarche compressée</p>');
    expect((await fetchPage(`${base}/latin1`, options())).body).toBe('<p>Démarche</p>');
  });

  it('retries a transient 503 with backoff, then answers the last status', async () => {
    hits['/unavailable'] = 0;
    const page = await fetchPage(`${base}/unavailable`, options({ retries: 2, retryDelayMs: 10 }));
    expect(page.status).toBe(503);
    expect(hits['/unavailable']).toBe(3);
  });

  it('retries a reset connection, but never a DNS or TLS failure', async () => {
    hits['/reset'] = 0;
    await failure('/reset', { retries: 2, retryDelayMs: 10 });
    expect(hits['/reset']).toBe(3);

    const agent = new MockAgent();
    agent.disableNetConnect();
    let attempts = 0;
    agent.get('http://nowhere.example').intercept({ path: '/' }).reply(() => {
      attempts++;
      throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.example'), { code: 'ENOTFOUND' });
    }).persist();
    await expect(fetchPage('http://nowhere.example/', options({ dispatcher: agent, retries: 3, retryDelayMs: 1 }))).rejects.toMatchObject({ type: 'dns' });
    expect(attempts).toBe(1);

    const tls = new MockAgent();
    tls.disableNetConnect();
    let tlsAttempts = 0;
    tls.get('https://badcert.example').intercept({ path: '/' }).reply(() => {
      tlsAttempts++;
      throw Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' });
    }).persist();
    await expect(fetchPage('https://badcert.example/', options({ dispatcher: tls, retries: 3, retryDelayMs: 1 }))).rejects.toMatchObject({ type: 'tls' });
    expect(tlsAttempts).toBe(1);
  });

  it('never retries a refused connection or a reply that is not HTTP: the site is down, not interrupted', async () => {
    for (const code of ['ECONNREFUSED', 'EHOSTUNREACH', 'HPE_INVALID_CONSTANT']) {
      const agent = new MockAgent();
      agent.disableNetConnect();
      let attempts = 0;
      agent.get('http://down.example').intercept({ path: '/' }).reply(() => {
        attempts++;
        throw Object.assign(new Error(`connect ${code}`), { code });
      }).persist();
      await expect(fetchPage('http://down.example/', options({ dispatcher: agent, retries: 3, retryDelayMs: 1 })), code).rejects.toMatchObject({ type: 'network' });
      expect({ code, attempts }).toEqual({ code, attempts: 1 });
    }
  });

  it('sends its named user agent', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    let ua = '';
    agent.get('http://site.example').intercept({ path: '/' }).reply((req) => {
      ua = String((req.headers as Record<string, string>)['user-agent']);
      return { statusCode: 200, data: 'ok' };
    });
    await fetchPage('http://site.example/', options({ dispatcher: agent, userAgent: 'Mozilla/5.0 (compatible; ObservatoireBot/1.0; +http://obs.test/methodologie#robot)' }));
    expect(ua).toMatch(/ObservatoireBot\/1\.0; \+http:\/\/obs\.test/);
  });
});

describe('classifyError', () => {
  it('keeps one plain line of a browser failure: no "Call log", no terminal colour codes in the evidence', () => {
    const thrown = Object.assign(new Error('page.goto: Timeout 8000ms exceeded.\nCall log:\n\u001b[2m  - navigating to "http://a.test/", waiting until "load"\u001b[22m\n'), { name: 'TimeoutError' });
    const typed = classifyError(thrown, 'http://a.test/');
    expect(typed.type).toBe('timeout');
    expect(typed.message).toBe('timed out (page.goto: Timeout 8000ms exceeded.)');
    const other = classifyError(new Error('\u001b[31mnet::ERR_FAILED\u001b[39m at http://a.test/\nCall log:\n  - …'), 'http://a.test/');
    expect(other).toMatchObject({ type: 'network', message: 'net::ERR_FAILED at http://a.test/' });
  });
});

describe('robots.txt', () => {
  it('forbids what robots.txt disallows for our bot, and allows the rest', async () => {
    const robots = new RobotsCache(options(), 'ObservatoireBot');
    expect(await robots.isAllowed(`${base}/ok`)).toBe(true);
    expect(await robots.isAllowed(`${base}/private/page`)).toBe(false);
    const { error } = await failure('/private/page', { isAllowed: (u) => robots.isAllowed(u) });
    expect(error.type).toBe('blocked');
  });
});

describe('the private address guard', () => {
  it('refuses loopback and private addresses unless allowed', async () => {
    const guarded = options({ dispatcher: createDispatcher({ allowPrivate: false }) });
    await expect(fetchPage(`${base}/ok`, guarded)).rejects.toMatchObject({ type: 'blocked' });
    await expect(fetchPage(`http://localhost:${new URL(base).port}/ok`, guarded)).rejects.toMatchObject({ type: 'blocked' });
    expect((await fetchPage(`${base}/ok`, options())).status).toBe(200);
  });

  it.each([
    ['127.0.0.1', true], ['10.1.2.3', true], ['172.16.0.1', true], ['192.168.1.1', true], ['169.254.169.254', true],
    ['::1', true], ['fc00::1', true], ['::ffff:127.0.0.1', true], ['0.0.0.0', true],
    ['8.8.8.8', false], ['2001:4860:4860::8888', false], ['not-an-ip', false],
  ] as const)('%s is private: %s', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });

  it('makes the crawler refuse a loopback start URL by default', async () => {
    const crawler = new Crawler({ contactUrl: 'http://obs.test/', timeoutMs: 2000 });
    try {
      await expect(crawler.fetch(`${base}/ok`)).rejects.toMatchObject({ type: 'blocked' });
    } finally {
      await crawler.close();
    }
  });
});

describe('Crawl-delay', () => {
  it('is honoured when a site asks for more than our pause, capped at 30 s', async () => {
    expect(politeDelayMs(undefined, 200)).toBe(200);
    expect(politeDelayMs(100, 200)).toBe(200);
    expect(politeDelayMs(5_000, 200)).toBe(5_000);
    expect(politeDelayMs(3_600_000, 200)).toBe(30_000);

    // A site asking for a second between two requests gets it, even from a crawl in a hurry.
    const seen: number[] = [];
    const site = createServer((req, res) => {
      if (req.url === '/robots.txt') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nCrawl-delay: 1\nAllow: /\n');
      seen.push(Date.now());
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<p>ok</p>');
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    const crawler = new Crawler({ contactUrl: 'http://obs.test/', allowPrivate: true, perHostDelayMs: 5, timeoutMs: 5_000 });
    try {
      const url = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
      await Promise.all([crawler.fetch(`${url}/a`), crawler.fetch(`${url}/b`), crawler.fetch(`${url}/c`)]);
      expect(seen).toHaveLength(3);
      expect(seen[1]! - seen[0]!).toBeGreaterThanOrEqual(950);
      expect(seen[2]! - seen[1]!).toBeGreaterThanOrEqual(950);
    } finally {
      await crawler.close();
      await new Promise((resolve) => site.close(resolve));
    }
  });
});
