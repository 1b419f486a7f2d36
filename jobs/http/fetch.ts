import { performance } from 'node:perf_hooks';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { request, type Dispatcher } from 'undici';
import { classifyError, FetchError, isTransient } from './errors.ts';

export const BOT_NAME = 'ObservatoireBot';
export const BOT_VERSION = '1.0';

export interface FetchOptions {
  dispatcher: Dispatcher;
  userAgent: string;
  /** Whole-request deadline, body included: a site dripping a byte a second cannot hold us longer. */
  timeoutMs?: number;
  /** Cap on the body, after decompression. */
  maxBytes?: number;
  maxRedirects?: number;
  /** Asked before each request, redirects included; false means robots.txt forbids the URL. */
  isAllowed?: (url: string) => Promise<boolean>;
  retries?: number;
  retryDelayMs?: number;
  method?: 'GET' | 'HEAD';
}

/** What a browser page asks for when the crawler fetches on its behalf (see BrowserPool). */
export interface ForwardedRequest {
  method: string;
  /** The page's headers; ours replace its user agent and accepted encodings (we decode bodies). */
  headers: Record<string, string>;
  body?: Buffer;
}

export interface FetchedPage {
  url: string;
  finalUrl: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  bytes: number;
  /**
   * Time to the last byte of the final response, redirects included; waits for robots.txt reads
   * are not counted (they time another file, and a probe must time its page alone).
   */
  durationMs: number;
  redirects: string[];
  fetchedAt: Date;
}

/** A response as bytes (decompressed), for a browser page that asked for a stylesheet, a script, … */
export type FetchedResource = Omit<FetchedPage, 'body'> & { body: Buffer };

const DEFAULTS = { timeoutMs: 15_000, maxBytes: 5 * 1024 * 1024, maxRedirects: 5, retries: 2, retryDelayMs: 300 };

/** GETs a URL politely and defensively; answers any HTTP status, throws a FetchError for everything else. */
export async function fetchPage(url: string, options: FetchOptions): Promise<FetchedPage> {
  const page = await withRetries(url, options, () => fetchOnce(url, options));
  const body = options.method === 'HEAD' ? '' : decodeText(page.body, page.headers['content-type'], page.finalUrl);
  return { ...page, body };
}

/**
 * Fetches what a browser page asked for, under the same rules as our own requests: the guarded
 * dispatcher (no private address, on every redirect hop), robots.txt, deadlines and size caps.
 * Redirects are followed here, each hop checked; a POST is never retried.
 */
export function fetchResource(url: string, options: FetchOptions, request: ForwardedRequest): Promise<FetchedResource> {
  const idempotent = request.method === 'GET' || request.method === 'HEAD';
  return withRetries(url, { ...options, retries: idempotent ? options.retries : 0 }, () => fetchOnce(url, options, request));
}

async function withRetries(url: string, options: FetchOptions, attemptOnce: () => Promise<FetchedResource>): Promise<FetchedResource> {
  const retries = options.retries ?? DEFAULTS.retries;
  for (let attempt = 0; ; attempt++) {
    try {
      const page = await attemptOnce();
      if (attempt < retries && [429, 502, 503, 504].includes(page.status)) {
        await sleep((options.retryDelayMs ?? DEFAULTS.retryDelayMs) * 2 ** attempt);
        continue;
      }
      return page;
    } catch (err) {
      const typed = classifyError(err, url);
      if (attempt >= retries || !isTransient(typed)) throw typed;
      await sleep((options.retryDelayMs ?? DEFAULTS.retryDelayMs) * 2 ** attempt);
    }
  }
}

/** Headers that belong to one connection, never forwarded. */
const HOP_BY_HOP = new Set(['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-authorization', 'proxy-connection']);

async function fetchOnce(url: string, options: FetchOptions, forwarded?: ForwardedRequest): Promise<FetchedResource> {
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const maxBytes = options.maxBytes ?? DEFAULTS.maxBytes;
  const maxRedirects = options.maxRedirects ?? DEFAULTS.maxRedirects;
  const signal = AbortSignal.timeout(timeoutMs);
  const started = performance.now();
  const fetchedAt = new Date();
  const redirects: string[] = [];
  const pageHeaders = Object.fromEntries(Object.entries(forwarded?.headers ?? {}).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())));
  let method = forwarded?.method ?? options.method ?? 'GET';
  let body = forwarded?.body;
  let current = url;
  let robotsWaitMs = 0;

  for (;;) {
    const target = new URL(current);
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      throw new FetchError('blocked', `refused non-web URL ${current}`, { url: current });
    }
    if (options.isAllowed) {
      const asked = performance.now();
      const allowed = await options.isAllowed(current);
      robotsWaitMs += performance.now() - asked;
      if (!allowed) throw new FetchError('blocked', `robots.txt disallows ${current}`, { url: current });
    }
    const response = await request(current, {
      method: method as Dispatcher.HttpMethod,
      dispatcher: options.dispatcher,
      signal,
      body,
      headers: {
        accept: 'text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8',
        'accept-language': 'fr-FR,fr;q=0.9',
        ...pageHeaders,
        'user-agent': options.userAgent,
        'accept-encoding': 'gzip, deflate, br',
      },
    });
    const location = response.headers['location'];
    if (response.statusCode >= 300 && response.statusCode < 400 && typeof location === 'string') {
      await response.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
      if (redirects.length >= maxRedirects) {
        throw new FetchError('redirects', `more than ${maxRedirects} redirects`, { url, status: response.statusCode });
      }
      redirects.push(current);
      current = new URL(location, current).href;
      // As browsers do: 303, and 301/302 after anything but GET/HEAD, go on with a GET and no body.
      if (response.statusCode === 303 || ((response.statusCode === 301 || response.statusCode === 302) && method !== 'GET' && method !== 'HEAD')) {
        method = 'GET';
        body = undefined;
      }
      continue;
    }
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      response.body.destroy();
      throw new FetchError('too_large', `declared body of ${declared} bytes, more than ${maxBytes}`, { url: current });
    }
    const decoded = decompress(await readCapped(response.body, maxBytes, current), response.headers['content-encoding'], maxBytes, current);
    return {
      url,
      finalUrl: current,
      status: response.statusCode,
      headers: response.headers,
      body: decoded,
      bytes: decoded.length,
      durationMs: Math.round(performance.now() - started - robotsWaitMs),
      redirects,
      fetchedAt,
    };
  }
}

async function readCapped(body: Dispatcher.ResponseData['body'], maxBytes: number, url: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += (chunk as Buffer).length;
    if (total > maxBytes) {
      body.destroy();
      throw new FetchError('too_large', `body larger than ${maxBytes} bytes`, { url });
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function decompress(raw: Buffer, encoding: string | string[] | undefined, maxBytes: number, url: string): Buffer {
  const e = String(encoding ?? '').trim().toLowerCase();
  if (!e || e === 'identity' || raw.length === 0) return raw;
  try {
    // maxOutputLength stops a decompression bomb before it fills memory.
    if (e === 'gzip' || e === 'x-gzip') return gunzipSync(raw, { maxOutputLength: maxBytes });
    if (e === 'deflate') return inflateSync(raw, { maxOutputLength: maxBytes });
    if (e === 'br') return brotliDecompressSync(raw, { maxOutputLength: maxBytes });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new FetchError('too_large', `decompressed body larger than ${maxBytes} bytes`, { url });
    }
    throw new FetchError('parse', `cannot decompress ${e} body: ${(err as Error).message}`, { url });
  }
  throw new FetchError('parse', `unsupported content encoding "${e}"`, { url });
}

function decodeText(buffer: Buffer, contentType: string | string[] | undefined, url: string): string {
  const type = String(contentType ?? '');
  const head = buffer.subarray(0, 1024).toString('latin1');
  const charset = (/charset\s*=\s*"?([\w-]+)/i.exec(type)?.[1] ?? /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(head)?.[1] ?? 'utf-8').toLowerCase();
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset, { fatal: true });
  } catch {
    decoder = new TextDecoder('utf-8', { fatal: true });
  }
  try {
    return decoder.decode(buffer);
  } catch {
    throw new FetchError('parse', `body is not valid ${decoder.encoding}`, { url });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
