import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export type Encoding = 'br' | 'gzip' | 'identity';

export interface CachedAnswer {
  body: Buffer;
  etag: string;
  /** Served from the cache (true) or built for this request (false): the `x-cache` header. */
  hit?: boolean;
  /** The body compressed once, on first demand, then kept: a hit never compresses again. */
  encoded(encoding: Encoding): Buffer;
}

/**
 * Serialized answers about published editions, which never change: the busiest views (the table
 * of the latest edition) are served without filtering, sorting, serializing or compressing again.
 * Keyed by what decides the answer (the edition's id, never a slug such as 'latest', and the
 * query in one canonical form), so that a hit is found without the database. Bounded; the oldest
 * entry goes first.
 */
export class ResponseCache {
  /** Each answer as its hit: a lookup returns it as is. */
  private readonly entries = new Map<string, CachedAnswer>();
  /** Answers being built: a second request for one waits for it rather than building it again. */
  private readonly building = new Map<string, Promise<CachedAnswer>>();

  constructor(private readonly max = 500) {}

  /** The answer if it is built: a lookup, no promise. */
  peek(key: string): CachedAnswer | undefined {
    return this.entries.get(key);
  }

  /** The answer as bytes, encoded once: built on a miss (a concurrent request waits for that build). */
  async get(key: string, build: () => unknown): Promise<CachedAnswer> {
    const entry = this.entries.get(key);
    if (entry) return entry;
    const pending = this.building.get(key);
    if (pending) return { ...(await pending), hit: true };
    const making = (async () => cachedAnswer(Buffer.from(JSON.stringify(await build()))))();
    this.building.set(key, making);
    try {
      const built = await making;
      if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, { ...built, hit: true });
      return { ...built, hit: false };
    } finally {
      this.building.delete(key);
    }
  }
}

/** Bytes with their ETag, compressed once per encoding on first demand. */
export function cachedAnswer(body: Buffer): CachedAnswer {
  const variants = new Map<Encoding, Buffer>([['identity', body]]);
  return {
    body,
    etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
    encoded(encoding) {
      let bytes = variants.get(encoding);
      if (!bytes) {
        // Brotli at quality 9: within a few percent of the maximum, at a fraction of its time.
        bytes = encoding === 'br' ? brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } }) : gzipSync(body, { level: 9 });
        variants.set(encoding, bytes);
      }
      return bytes;
    },
  };
}

/** Accept-Encoding headers seen, and the encoding each chose: clients send a handful of different ones. */
const negotiated = new Map<string, Encoding>();

/** The best encoding a client accepts among ours (a q=0 refuses one). Small answers stay plain. */
export function negotiateEncoding(acceptEncoding: string | undefined, size: number): Encoding {
  if (!acceptEncoding || size < 1024) return 'identity';
  let encoding = negotiated.get(acceptEncoding);
  if (encoding === undefined) {
    encoding = preferredEncoding(acceptEncoding);
    if (negotiated.size < 100) negotiated.set(acceptEncoding, encoding);
  }
  return encoding;
}

/** The encodings an Accept-Encoding header names without refusing them (q=0), lower-case. */
export function acceptedEncodings(acceptEncoding: string): Set<string> {
  return new Set(
    acceptEncoding
      .split(',')
      .map((part) => part.trim().split(';'))
      .filter(([, q]) => !q || !/^\s*q=0(\.0+)?\s*$/.test(q))
      .map(([name]) => name!.trim().toLowerCase()),
  );
}

function preferredEncoding(acceptEncoding: string): Encoding {
  const accepted = acceptedEncodings(acceptEncoding);
  if (accepted.has('br')) return 'br';
  if (accepted.has('gzip') || accepted.has('*')) return 'gzip';
  return 'identity';
}
