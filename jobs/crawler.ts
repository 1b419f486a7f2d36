import type { Dispatcher } from 'undici';
import { BOT_NAME, BOT_VERSION, fetchPage, fetchResource, type FetchedPage, type FetchedResource, type FetchOptions } from './http/fetch.ts';
import { createDispatcher, demoHostMap } from './http/dispatcher.ts';
import { FetchError, classifyError } from './http/errors.ts';
import { RobotsCache } from './http/robots.ts';
import { HostScheduler, type HostGate } from './http/politeness.ts';
import { BrowserMissingError, BrowserPool, type BrowserNetworkStats, type BrowserRequest } from './browser.ts';
import { Visit } from './checks/page.ts';
import type { Check, CheckResult } from './checks/index.ts';

export interface CrawlerOptions {
  /** Where site owners learn who we are: part of the user agent. */
  contactUrl: string;
  allowPrivate?: boolean;
  /** Demo mode: the demo host names go to the local universe on this port. */
  demoPort?: number;
  globalConcurrency?: number;
  perHostDelayMs?: number;
  timeoutMs?: number;
  maxBytes?: number;
  retries?: number;
  browserConcurrency?: number;
  /** Connections kept open per site (2 by default, a polite crawler's); the demo's overlapping probe rounds need one per probe in flight. */
  connectionsPerHost?: number;
  /** Use this running Chromium instead of launching one (it needs no demo host routing: the crawler fetches for it). */
  browserWsEndpoint?: string;
  /** Politeness shared with other processes (crawl workers on PostgreSQL): every request takes its host's turn there too. */
  hostGate?: HostGate;
}

/** Our pause between two requests to one host. */
export const DEFAULT_HOST_DELAY_MS = 200;
/** The longest Crawl-delay we honour: a site asking for more is still crawled, every 30 s. */
export const MAX_CRAWL_DELAY_MS = 30_000;

/** The pause between two requests to a host: ours, or the site's Crawl-delay when longer (capped). */
export function politeDelayMs(crawlDelayMs: number | undefined, ourDelayMs: number): number {
  if (crawlDelayMs === undefined || !Number.isFinite(crawlDelayMs) || crawlDelayMs <= ourDelayMs) return ourDelayMs;
  return Math.min(crawlDelayMs, MAX_CRAWL_DELAY_MS);
}

/** A page not fully received after this long is a timeout (redirects included). */
export const CRAWL_TIMEOUT_MS = 8_000;

/** A probe that has not received the whole start page after this long counts as a timeout. */
export const PROBE_TIMEOUT_MS = 3_000;

export type CheckOutcome = CheckResult & { check: string; criterion: string; observedAt: Date };

/**
 * The polite, named bot: robots.txt before every request, one request at a time per host with a
 * pause, a global cap, timeouts and size caps, typed failures. One instance per crawl run.
 */
export class Crawler {
  readonly userAgent: string;
  private readonly dispatcher: Dispatcher;
  private readonly robots: RobotsCache;
  private readonly hosts: HostScheduler;
  private readonly fetchOptions: FetchOptions;
  private browser?: Promise<BrowserPool>;
  /** Requests sent and pages loaded in the browser, for run summaries and the benchmark. */
  readonly stats = { requests: 0, browserPages: 0 };

  constructor(private readonly options: CrawlerOptions) {
    this.userAgent = `Mozilla/5.0 (compatible; ${BOT_NAME}/${BOT_VERSION}; +${options.contactUrl})`;
    this.dispatcher = createDispatcher({
      allowPrivate: options.allowPrivate ?? false,
      hostMap: options.demoPort ? demoHostMap(options.demoPort) : undefined,
      connections: options.connectionsPerHost ?? 2,
    });
    this.fetchOptions = {
      dispatcher: this.dispatcher,
      userAgent: this.userAgent,
      timeoutMs: options.timeoutMs ?? CRAWL_TIMEOUT_MS,
      maxBytes: options.maxBytes,
      retries: options.retries ?? 1,
    };
    this.hosts = new HostScheduler({ globalConcurrency: options.globalConcurrency ?? 64, perHostDelayMs: options.perHostDelayMs ?? DEFAULT_HOST_DELAY_MS, gate: options.hostGate });
    this.robots = new RobotsCache(this.fetchOptions, BOT_NAME, undefined, undefined, (url, read) => this.hosts.outOfQueue(url, read));
  }

  /**
   * A polite GET: robots.txt first, then the host's queue. An API host built for machine reads
   * (the survey provider) can be given a shorter pause than a website.
   */
  async fetch(url: string, options: { hostDelayMs?: number } = {}): Promise<FetchedPage> {
    const delay = options.hostDelayMs ?? (await this.hostDelayMs(url));
    return this.hosts.run(url, () => {
      this.stats.requests++;
      return fetchPage(url, { ...this.fetchOptions, isAllowed: (u) => this.robots.isAllowed(u) });
    }, delay);
  }

  /** Our pause before the next request to this URL's host: ours, or the site's Crawl-delay (capped: see politeDelayMs). */
  private async hostDelayMs(url: string): Promise<number> {
    const asked = await this.robots.crawlDelayMs(url).catch(() => undefined);
    return politeDelayMs(asked, this.options.perHostDelayMs ?? DEFAULT_HOST_DELAY_MS);
  }

  /**
   * What a browser page asks for, fetched by the crawler: the same guard (no private address,
   * checked on every redirect hop), robots.txt on every request, and the page's own navigation
   * waits for its host's turn in the same queue as the HTTP checks' requests. Sub-resources are
   * loaded as a browser does, alongside; a POST is forwarded once, never retried.
   */
  private readonly browserNetwork = async (request: BrowserRequest): Promise<FetchedResource> => {
    const options = { ...this.fetchOptions, retries: request.navigation ? this.fetchOptions.retries : 0, isAllowed: (u: string) => this.robots.isAllowed(u) };
    const fetchIt = () => {
      this.stats.requests++;
      return fetchResource(request.url, options, request);
    };
    // A page's own navigation waits for its host's turn — already held when `visit` sent it (see BrowserPool's `turn`).
    if (request.navigation !== 'page' || request.turnHeld) return fetchIt();
    return this.hosts.run(request.url, fetchIt, await this.hostDelayMs(request.url));
  };

  /** What the browser's pages asked for and did not get, once the browser has started. */
  async browserNetworkStats(): Promise<BrowserNetworkStats | undefined> {
    return this.browser?.then((pool) => pool.stats, () => undefined);
  }

  /**
   * A probe: one GET of a start URL, no retry, a short deadline (a page that takes longer fails
   * its users too). It skips the per-host pause (one request per site per round) but still
   * obeys robots.txt, cached across rounds (its read is not part of the probe's time). `at`: the
   * probe's moment when it is not now (the demo probes a quarter's rounds at their simulated
   * dates): a failed robots.txt read is kept an hour of that time, so it costs one round, not a
   * quarter (a file read is kept a day of the clock: see RobotsCache).
   */
  async probe(url: string, timeoutMs = PROBE_TIMEOUT_MS, at?: Date): Promise<FetchedPage> {
    // The deadline covers the robots.txt read too: a site that drips its robots.txt fails in time.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new FetchError('timeout', `no answer within ${timeoutMs} ms`, { url })), timeoutMs);
    });
    try {
      return await Promise.race([fetchPage(url, { ...this.fetchOptions, timeoutMs, retries: 0, isAllowed: (u) => this.robots.isAllowed(u, at?.getTime()) }), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  visit(startUrl: string): Visit {
    return new Visit(startUrl, (url) => this.fetch(url), (url) => this.render(url));
  }

  /**
   * A page whose server HTML is an empty application shell, as Chromium renders it once its
   * scripts ran: what a person sees. Same rules as any visit (robots.txt, the shared browser).
   */
  async render(url: string): Promise<{ html: string; finalUrl: string; status: number }> {
    if (!(await this.robots.isAllowed(url))) throw new FetchError('blocked', `robots.txt disallows ${url}`, { url });
    const pool = await this.browserPool();
    this.stats.browserPages++;
    return pool.visit(url, async ({ page, finalUrl, status }) => {
      // Applications often fetch their content after "load": wait (a little) for text to appear.
      await page.waitForFunction(() => (document.body?.innerText ?? '').trim().length > 200, undefined, { timeout: 3_000 }).catch(() => undefined);
      return { html: await page.content(), finalUrl: page.url() || finalUrl, status };
    });
  }

  private browserPool(): Promise<BrowserPool> {
    this.browser ??= BrowserPool.launch({
      userAgent: this.userAgent,
      concurrency: this.options.browserConcurrency ?? 3,
      network: this.browserNetwork,
      turn: async (url, navigate) => this.hosts.run(url, navigate, await this.hostDelayMs(url)),
      navigationTimeoutMs: this.fetchOptions.timeoutMs,
      wsEndpoint: this.options.browserWsEndpoint,
    });
    return this.browser;
  }

  /** Runs checks on one start URL; a check that cannot see its page yields a typed "not measurable". */
  async runChecks(startUrl: string, checks: readonly Check[], now = new Date(), visit = this.visit(startUrl)): Promise<CheckOutcome[]> {
    const outcome = (check: Check, result: CheckResult): CheckOutcome => ({ ...result, check: check.name, criterion: check.criterion, observedAt: new Date() });
    const failed = (check: Check, err: unknown): CheckOutcome => {
      if (err instanceof BrowserMissingError) {
        return outcome(check, { status: 'unmeasurable', reason: err.reason, evidence: { url: startUrl, snippet: 'navigateur absent : Chromium n’est pas installé sur la machine du robot' } });
      }
      const typed = err instanceof FetchError ? err : classifyError(err, startUrl);
      return outcome(check, {
        status: 'unmeasurable',
        reason: typed.type,
        evidence: { url: startUrl, failure: typed.type, httpStatus: typed.details.status, snippet: typed.message.slice(0, 300) },
      });
    };
    const httpChecks = checks.filter((c) => c.kind === 'http');
    const browserChecks = checks.filter((c) => c.kind === 'browser');
    const results = await Promise.all(
      httpChecks.map((check) => check.run({ visit, now }).then((r) => outcome(check, r), (err: unknown) => failed(check, err))),
    );
    if (browserChecks.length > 0) {
      try {
        // The browser follows the same rules: no visit where robots.txt says no.
        if (!(await this.robots.isAllowed(startUrl))) throw new FetchError('blocked', `robots.txt disallows ${startUrl}`, { url: startUrl });
        const pool = await this.browserPool();
        this.stats.browserPages++;
        const seen = await pool.visit(startUrl, async (browserPage) => {
          const out: CheckOutcome[] = [];
          for (const check of browserChecks) {
            try {
              out.push(outcome(check, await check.run({ visit, browserPage, now })));
            } catch (err) {
              out.push(failed(check, err));
            }
          }
          return out;
        });
        results.push(...seen);
      } catch (err) {
        results.push(...browserChecks.map((check) => failed(check, err)));
      }
    }
    return results;
  }

  async close(): Promise<void> {
    // A browser that could not start (no Chromium) has nothing to close.
    if (this.browser) await this.browser.then((pool) => pool.close(), () => undefined);
    // destroy, not close: a site still dripping bytes must not keep the process alive.
    await this.dispatcher.destroy();
  }
}
