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
 * Bounded; the oldest entry goes first.
 */
export class ResponseCache {
  private readonly entries = new Map<string, CachedAnswer>();
  /** Answers being built: a second request for one waits for it rather than building it again. */
  private readonly building = new Map<string, Promise<CachedAnswer>>();

  constructor(private readonly max = 500) {}

  /** The answer as bytes, encoded once: a hit costs a lookup and a write. */
  async get(key: string, build: () => unknown): Promise<CachedAnswer> {
    const entry = this.entries.get(key);
    if (entry) return { ...entry, hit: true };
    const pending = this.building.get(key);
    if (pending) return { ...(await pending), hit: true };
    const making = (async () => cachedAnswer(Buffer.from(JSON.stringify(await build()))))();
    this.building.set(key, making);
    try {
      const built = await making;
      if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, built);
      return { ...built, hit: false };
    } finally {
      this.building.delete(key);
    }
  }
}

function cachedAnswer(body: Buffer): CachedAnswer {
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

/** The best encoding a client accepts among ours (a q=0 refuses one). Small answers stay plain. */
export function negotiateEncoding(acceptEncoding: string | undefined, size: number): Encoding {
  if (!acceptEncoding || size < 1024) return 'identity';
  const accepted = new Set(
    acceptEncoding
      .split(',')
      .map((part) => part.trim().split(';'))
      .filter(([, q]) => !q || !/^\s*q=0(\.0+)?\s*$/.test(q))
      .map(([name]) => name!.trim().toLowerCase()),
  );
  if (accepted.has('br')) return 'br';
  if (accepted.has('gzip') || accepted.has('*')) return 'gzip';
  return 'identity';
}
