import { createHash } from 'node:crypto';

/**
 * Serialized answers about published editions, which never change: the busiest views (the table
 * of the latest edition) are served without filtering, sorting or serializing again. Bounded; the
 * oldest entry goes first.
 */
export class ResponseCache {
  private readonly entries = new Map<string, { body: Buffer; etag: string }>();

  constructor(private readonly max = 500) {}

  /** The answer as bytes, encoded once: a hit costs a lookup and a write. */
  get(key: string, build: () => unknown): { body: Buffer; etag: string } {
    let entry = this.entries.get(key);
    if (!entry) {
      const body = Buffer.from(JSON.stringify(build()));
      entry = { body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
      if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, entry);
    }
    return entry;
  }
}
