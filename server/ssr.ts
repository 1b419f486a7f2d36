import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { publishedEditions } from '../db/published.ts';
import { cachedAnswer, type CachedAnswer } from './services/response-cache.ts';

// Public pages drawn on the server: the first HTML of /demarches already holds the table's first
// page, a procedure page its results, a synthesis its figures. The dashboard's own components
// render it (web/src/server.ts, built into dist/ssr/server.js), from the same API answers the
// browser would fetch, which travel in the page: the browser takes the HTML over (hydration)
// without fetching or drawing it again.

/** What the built renderer exports (web/src/server.ts). */
interface Renderer {
  rendersOnServer(pathname: string): boolean;
  canonicalSearch(pathname: string, search: string): string;
  renderPage(pathname: string, search: string, answers: ReadonlyMap<string, unknown>, screen: { narrow: boolean }): { head: string; body: string; wanted: string[] } | null;
}

export const DEFAULT_SSR_FILE = join(import.meta.dirname, '..', 'dist', 'ssr', 'server.js');

/** A page's answers are fetched in rounds: one that needs another's answer (a synthesis its rows) asks in the next round. */
const MAX_ROUNDS = 4;
/** Rendered pages kept, per app; the oldest goes first (a table page is ~40 KB with its compressed copies). */
const MAX_PAGES = 200;
/**
 * How long a rendered page is served. Published editions never change, and a new one changes the
 * key at once; a procedure page also shows its latest observations, which a crawl renews.
 */
const PAGE_TTL_MS = 60_000;

/**
 * Whether the request comes from a phone's browser: Chromium says so in a client hint, every
 * phone browser in its user agent (a desktop browser emulating a phone changes only the latter).
 * The server draws cards rather than the wide table for it; a wrong guess is redrawn by the browser.
 */
export function looksNarrow(request: FastifyRequest): boolean {
  return request.headers['sec-ch-ua-mobile'] === '?1' || /Mobi|Android|iPhone|iPod/i.test(request.headers['user-agent'] ?? '');
}

const escapeJson = (json: string) => json.replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

export interface ServerPages {
  /** Whether this page path is drawn on the server. */
  draws(pathname: string): boolean;
  /**
   * The page's HTML, drawn into `shell()` (the dashboard's `index.html` with the page's head set,
   * made only when the page is drawn; null for no such page), or null when it cannot be drawn
   * (the browser then draws it, as it does every private page).
   */
  render(request: FastifyRequest, shell: () => Promise<string | null>): Promise<CachedAnswer | null>;
}

/** The header the renderer's own API requests carry: with the app's secret, they skip the rate limit. */
export const RENDER_HEADER = 'x-observatoire-render';

/** The server renderer, or null when the dashboard's server build is missing (the browser draws every page then). */
export async function serverPages(fastify: FastifyInstance, secret: string, file = DEFAULT_SSR_FILE): Promise<ServerPages | null> {
  if (!existsSync(file)) return null;
  const renderer = (await import(pathToFileURL(file).href)) as Renderer;
  // A page that could not be drawn is kept too (as null): it is not tried again at every request.
  // Kept as bytes, compressed once per encoding: a page served again costs a lookup and a write.
  const pages = new Map<string, { html: CachedAnswer | null; at: number }>();
  const building = new Map<string, Promise<CachedAnswer | null>>();

  /**
   * What changes when an edition is published (here at once, by another process within a
   * second): part of every page's key. Read from memory (db/published.ts), not the database.
   */
  const editionsVersion = async () => (await publishedEditions(fastify.db)).editions.map((e) => e.id).join(',');

  /** The answer of one API path, as the browser would have it; undefined when it is not a success. */
  const fetchAnswer = async (path: string): Promise<unknown> => {
    const response = await fastify.inject({ method: 'GET', url: path, headers: { accept: 'application/json', [RENDER_HEADER]: secret } });
    return response.statusCode === 200 ? (JSON.parse(response.body) as unknown) : undefined;
  };

  async function build(pathname: string, search: string, narrow: boolean, shell: () => Promise<string | null>): Promise<CachedAnswer | null> {
    const answers = new Map<string, unknown>();
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const page = renderer.renderPage(pathname, search, answers, { narrow });
      if (!page) return null;
      if (page.wanted.length === 0) {
        const html = await shell();
        if (html === null) return null;
        const head = /<title>/.test(page.head) ? html.replace(/<title>[^<]*<\/title>\s*/, '') : html;
        return cachedAnswer(
          Buffer.from(
            head
              .replace('</head>', `${page.head}\n  </head>`)
              .replace('<div id="app"></div>', `<div id="app">${page.body}</div>\n    <script type="application/json" id="obs-answers">${escapeJson(JSON.stringify(Object.fromEntries(answers)))}</script>`),
          ),
        );
      }
      // Fetched at once, as the browser would: the answers are independent within a round.
      const fetched = await Promise.all(page.wanted.map(fetchAnswer));
      // A page drawn without all its answers (a procedure that does not exist, no edition
      // published yet) would show a loading state under a vaguer title: the browser draws it, and says why.
      if (fetched.includes(undefined)) return null;
      page.wanted.forEach((path, i) => answers.set(path, fetched[i]));
    }
    return null;
  }

  return {
    draws: (pathname) => renderer.rendersOnServer(pathname),
    async render(request, shell) {
      const [pathname, query = ''] = request.url.split('?', 2) as [string, string?];
      // Drawn from the parameters the page reads: an address with others added is the same page.
      const search = renderer.canonicalSearch(pathname, query);
      const narrow = looksNarrow(request);
      const key = `${await editionsVersion()}|${narrow ? 'narrow' : 'wide'}|${pathname}${search}`;
      const kept = pages.get(key);
      if (kept && Date.now() - kept.at < PAGE_TTL_MS) return kept.html;
      // Requests for a page being drawn wait for it rather than drawing it again.
      let pending = building.get(key);
      if (!pending) {
        pending = build(pathname, search, narrow, shell);
        building.set(key, pending);
        try {
          const html = await pending;
          pages.delete(key);
          if (pages.size >= MAX_PAGES) pages.delete(pages.keys().next().value!);
          pages.set(key, { html, at: Date.now() });
        } finally {
          building.delete(key);
        }
      }
      return pending;
    },
  };
}
