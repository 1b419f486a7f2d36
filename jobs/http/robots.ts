import robotsParser from 'robots-parser';
import { FetchError } from './errors.ts';
import { fetchPage, type FetchOptions } from './fetch.ts';

type Robots = ReturnType<typeof robotsParser>;

/**
 * robots.txt per origin (RFC 9309): a 4xx means no rules; a 5xx or an unreachable file means
 * complete disallow, reported with the failure that caused it. A file read is kept 24 hours of the
 * clock (how old our copy really is); a failed read is tried again an hour later — of the
 * request's own time when it has one (the demo's probes at simulated moments: a failure costs its
 * round, not the quarter).
 */
export class RobotsCache {
  private readonly entries = new Map<string, { readAt: number; at: number; value: Promise<Robots | FetchError> }>();

  constructor(
    private readonly fetchOptions: Omit<FetchOptions, 'isAllowed'>,
    private readonly agent: string,
    /** RFC 9309 lets a crawler keep robots.txt up to 24 hours; a failure is retried sooner. */
    private readonly ttlMs = { ok: 24 * 3600_000, failed: 3600_000 },
    private readonly clock: () => number = Date.now,
    /** How a robots.txt read takes its turn with the host (the crawler's shared gate); at once by default. */
    private readonly turn: <T>(url: string, read: () => Promise<T>) => Promise<T> = (_url, read) => read(),
  ) {}

  /** `at`: the moment of the request, for a caller whose time is not the clock's (the demo's simulated probes). */
  async isAllowed(url: string, at?: number): Promise<boolean> {
    const robots = await this.robotsFor(url, at);
    if (robots instanceof FetchError) throw robots;
    return robots.isAllowed(url, this.agent) ?? true;
  }

  /** Crawl-delay asked for by the site, in milliseconds. */
  async crawlDelayMs(url: string): Promise<number | undefined> {
    const robots = await this.robotsFor(url);
    if (robots instanceof FetchError) return undefined;
    const delay = robots.getCrawlDelay(this.agent);
    return delay === undefined ? undefined : delay * 1000;
  }

  private async robotsFor(url: string, at?: number): Promise<Robots | FetchError> {
    const origin = new URL(url).origin;
    const entry = this.entries.get(origin);
    if (entry) {
      const value = await entry.value;
      if (value instanceof FetchError) {
        // Read at most an hour before, or after (requests at several simulated moments at once).
        if (Math.abs((at ?? this.clock()) - entry.at) < this.ttlMs.failed) return value;
      } else if (this.clock() - entry.readAt < this.ttlMs.ok) {
        return value;
      }
    }
    // Another request may have started a read meanwhile: share it.
    const current = this.entries.get(origin);
    if (current !== entry && current) return this.robotsFor(url, at);
    const now = this.clock();
    const fresh = { readAt: now, at: at ?? now, value: this.load(origin) };
    this.entries.set(origin, fresh);
    return fresh.value;
  }

  private async load(origin: string): Promise<Robots | FetchError> {
    const robotsUrl = `${origin}/robots.txt`;
    try {
      const page = await this.turn(robotsUrl, () => fetchPage(robotsUrl, { ...this.fetchOptions, maxBytes: 512 * 1024 }));
      if (page.status >= 500) {
        return new FetchError('http', `robots.txt answered ${page.status}: crawling disallowed (RFC 9309)`, { url: robotsUrl, status: page.status });
      }
      return robotsParser(robotsUrl, page.status >= 200 && page.status < 300 ? page.body : '');
    } catch (err) {
      return err instanceof FetchError ? err : new FetchError('network', String(err), { url: robotsUrl });
    }
  }
}
