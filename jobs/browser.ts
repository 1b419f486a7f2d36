import { existsSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page, type Route } from 'playwright-core';
import PQueue from 'p-queue';
import { FetchError, classifyError } from './http/errors.ts';
import type { FetchedResource, ForwardedRequest } from './http/fetch.ts';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Headless Chromium that never calls home (there is no network but the sites we visit). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // WebRTC sends its UDP (STUN) itself, past any proxy: only proxied TCP, i.e. none (see BrowserPool).
  '--webrtc-ip-handling-policy=disable_non_proxied_udp',
  // A form on the page would otherwise make Chromium ask Google's autofill servers about it.
  '--disable-features=AutofillServerCommunication',
];

/** The width of a phone: browser checks look at the page as a phone user would. */
export const MOBILE_VIEWPORT = { width: 375, height: 812 };

export interface BrowserPage {
  page: Page;
  url: string;
  finalUrl: string;
  status: number;
}

/** A request of a browser page, for the crawler to fetch behind its guard. */
export interface BrowserRequest extends ForwardedRequest {
  url: string;
  /** The page's own navigation (robots.txt and the host's turn apply), a frame's, or neither. */
  navigation: 'page' | 'frame' | false;
  /** The page's own navigation that `visit` sent while holding its host's turn (see `turn`): it must not queue again. */
  turnHeld?: boolean;
}

/** Fetches a browser page's request, redirects followed hop by hop, or throws a typed FetchError. */
export type BrowserNetwork = (request: BrowserRequest) => Promise<FetchedResource>;

export interface BrowserPoolOptions {
  concurrency?: number;
  userAgent: string;
  /**
   * Every request the pages make goes through this: Chromium itself reaches no network (its
   * proxy is a socket that refuses everything), so the crawler's guard, robots.txt and per-host
   * politeness hold for the browser exactly as for the HTTP checks.
   */
  network: BrowserNetwork;
  /**
   * Runs a page's navigation in its host's turn (the crawler's per-host queue): the navigation's
   * deadline then starts when the site is asked, not while other requests to it, or a busy
   * crawl's, are still ahead — a site is "too slow" for its own time only.
   */
  turn?: <T>(url: string, navigate: () => Promise<T>) => Promise<T>;
  navigationTimeoutMs?: number;
  /** A page is closed and replaced after this many visits, to bound memory. */
  recycleAfter?: number;
  /** Connect to a running Chromium (tests share one) instead of launching a new one. */
  wsEndpoint?: string;
}

/** What the pages asked for and did not get, for run summaries and tests. */
export interface BrowserNetworkStats {
  /** Requests the crawler refused: private address, robots.txt, non-web scheme, WebSocket. */
  refused: number;
  /** The latest refusals (100 at most), with the reason. */
  refusals: { url: string; reason: string }[];
  /** Requests that failed otherwise (timeout, network, too large). */
  failed: number;
  /** Connections that reached the refusing proxy: requests that escaped the route (should stay 0). */
  escaped: number;
}

/**
 * A local proxy that accepts connections and closes them at once: Chromium's only way out. A
 * request the route handler did not answer (a case Playwright cannot intercept) fails here
 * instead of reaching the network; each attempt is counted.
 */
class RefusingProxy {
  escaped = 0;
  /** Open connections (preconnects that never spoke): closed with the proxy, which waits for none. */
  private readonly sockets = new Set<Socket>();
  private constructor(private readonly server: Server) {}

  static async start(): Promise<RefusingProxy> {
    const server = createServer();
    const proxy = new RefusingProxy(server);
    server.on('connection', (socket) => {
      proxy.sockets.add(socket);
      socket.on('close', () => proxy.sockets.delete(socket));
      // A connection opened ahead of need (Chromium preconnects) is not a request until it speaks.
      socket.once('data', () => {
        proxy.escaped++;
        socket.destroy();
      });
      socket.on('error', () => undefined);
      socket.setTimeout(10_000, () => socket.destroy());
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
    server.unref();
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Response headers as Playwright takes them: one string each, Set-Cookie lines kept apart. */
function fulfilHeaders(headers: FetchedResource['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    // The body handed to the page is already decoded, and its length is Playwright's to state.
    if (value === undefined || /^(content-encoding|content-length|transfer-encoding|connection|keep-alive)$/i.test(name)) continue;
    out[name] = Array.isArray(value) ? value.join(name.toLowerCase() === 'set-cookie' ? '\n' : ', ') : value;
  }
  return out;
}

/**
 * One Chromium shared by every browser check of a crawl, with a few pages reused from visit to
 * visit. Images, fonts and media are not loaded: the checks read layout and markup only. The
 * browser reaches nothing by itself: each request is fetched by the crawler (BrowserNetwork) and
 * handed to the page, WebSockets are refused, and WebRTC may not send UDP.
 */
export class BrowserPool {
  private readonly queue: PQueue;
  private readonly free: { page: Page; uses: number }[] = [];
  /** A page's navigation the crawler followed through redirects: committed at its final address on the next try. */
  private readonly moved = new Map<Page, FetchedResource>();
  /** The address each page is navigating to in its host's turn, and the end of that turn (see `turn`). */
  private readonly turns = new Map<Page, { url: string; answered: () => void }>();
  /** Why a page's own navigation was refused or failed, to report it instead of Chromium's net:: code. */
  private readonly failures = new Map<Page, FetchError>();
  private readonly counts = { refused: 0, failed: 0 };
  private readonly refusals: { url: string; reason: string }[] = [];

  private constructor(
    private readonly browser: Browser,
    private readonly context: BrowserContext,
    private readonly proxy: RefusingProxy,
    private readonly options: BrowserPoolOptions,
  ) {
    this.queue = new PQueue({ concurrency: options.concurrency ?? 3 });
  }

  static async launch(options: BrowserPoolOptions): Promise<BrowserPool> {
    const browser = options.wsEndpoint ? await chromium.connect(options.wsEndpoint) : await launchChromium();
    const proxy = await RefusingProxy.start();
    const context = await browser.newContext({
      viewport: MOBILE_VIEWPORT,
      userAgent: options.userAgent,
      locale: 'fr-FR',
      serviceWorkers: 'block',
      isMobile: false,
      // "<-loopback>": Chromium would otherwise go straight to localhost, past any proxy.
      proxy: { server: proxy.url, bypass: '<-loopback>' },
    });
    const pool = new BrowserPool(browser, context, proxy, options);
    await context.routeWebSocket(/.*/, (socket) => {
      pool.refuse(socket.url(), 'WebSocket');
      return socket.close({ code: 1008, reason: 'refused by the crawler' });
    });
    await context.route('**/*', (route) => pool.handle(route));
    return pool;
  }

  get stats(): BrowserNetworkStats {
    return { ...this.counts, refusals: [...this.refusals], escaped: this.proxy.escaped };
  }

  private refuse(url: string, reason: string): void {
    this.counts.refused++;
    this.refusals.push({ url, reason });
    if (this.refusals.length > 100) this.refusals.shift();
  }

  private async handle(route: Route): Promise<void> {
    const request = route.request();
    const type = request.resourceType();
    if (type === 'image' || type === 'font' || type === 'media') return route.abort();
    // A worker's request has no frame; a frame's navigation is not the page's own.
    let page: Page | undefined;
    let ownNavigation = false;
    try {
      const frame = request.frame();
      page = frame.page();
      ownNavigation = request.isNavigationRequest() && frame === page.mainFrame();
    } catch {
      page = undefined;
    }
    const url = request.url();
    const moved = page && ownNavigation ? this.moved.get(page) : undefined;
    const held = page && ownNavigation ? this.turns.get(page) : undefined;
    const turn = held?.url === url ? held : undefined;
    if (page && moved && moved.finalUrl === url) {
      this.moved.delete(page);
      return this.fulfil(route, moved);
    }
    try {
      const response = await this.options.network({
        url,
        method: request.method(),
        // The headers Chromium gives at interception (not allHeaders(), which waits for network
        // events a request answered here never has); no cookie is forwarded, none is needed.
        headers: request.headers(),
        body: request.postDataBuffer() ?? undefined,
        navigation: ownNavigation ? 'page' : request.isNavigationRequest() ? 'frame' : false,
        turnHeld: turn !== undefined,
      }).finally(() => turn?.answered());
      if (page && ownNavigation && response.finalUrl !== url) {
        // Chromium does not follow a redirect handed to it by a route: abort, and visit() goes
        // to the final address, which is answered from here without a second request.
        this.moved.set(page, response);
        return await route.abort('aborted');
      }
      return await this.fulfil(route, response);
    } catch (err) {
      const typed = classifyError(err, url);
      if (typed.type === 'blocked') this.refuse(url, typed.message);
      else this.counts.failed++;
      if (page && ownNavigation) this.failures.set(page, typed);
      await route.abort(typed.type === 'blocked' ? 'blockedbyclient' : typed.type === 'timeout' ? 'timedout' : 'failed').catch(() => undefined);
    }
  }

  private fulfil(route: Route, response: FetchedResource): Promise<void> {
    // A page closed meanwhile (navigation timeout) has nobody to answer.
    return route.fulfill({ status: response.status, headers: fulfilHeaders(response.headers), body: response.body }).catch(() => undefined);
  }

  /**
   * `page.goto`, in its host's turn when the crawler gives turns: the turn is held until the
   * document's answer is in (the route has fetched it), not while the page loads the rest.
   */
  private navigate(page: Page, target: string): ReturnType<Page['goto']> {
    const goto = () => page.goto(target, { waitUntil: 'load', timeout: this.options.navigationTimeoutMs ?? 8_000 });
    if (!this.options.turn) return goto();
    let navigation!: ReturnType<Page['goto']>;
    const turn = this.options.turn(target, () => new Promise<void>((answered) => {
      // The request Chromium sends has no fragment: a "#/route" is the page's own address.
      this.turns.set(page, { url: target.split('#')[0]!, answered });
      navigation = goto();
      navigation.then(() => answered(), () => answered());
    }));
    return turn.then(() => navigation);
  }

  /** Loads a URL in a pooled page and hands it to `use`; navigation failures are typed FetchErrors. */
  visit<T>(url: string, use: (page: BrowserPage) => Promise<T>): Promise<T> {
    return this.queue.add(async () => {
      const slot = this.free.pop() ?? { page: await this.context.newPage(), uses: 0 };
      this.moved.delete(slot.page);
      this.failures.delete(slot.page);
      let healthy = true;
      try {
        let response;
        let target = url;
        for (;;) {
          try {
            const navigation = this.navigate(slot.page, target);
            response = await navigation;
            break;
          } catch (err) {
            const moved = this.moved.get(slot.page);
            if (moved && target === url) {
              // The "#/route" asked for stays with the page's final address.
              target = moved.finalUrl + new URL(url).hash;
              continue;
            }
            healthy = false;
            throw this.failures.get(slot.page) ?? classifyError(err, url);
          }
        }
        // A "#/route" of the page already loaded is a same-document navigation: no new response.
        const status = response?.status() ?? (slot.page.url() === target ? 200 : 0);
        if (status < 200 || status >= 400) throw new FetchError('http', `browser got HTTP ${status}`, { url, status });
        return await use({ page: slot.page, url, finalUrl: slot.page.url(), status });
      } finally {
        this.moved.delete(slot.page);
        this.failures.delete(slot.page);
        this.turns.delete(slot.page);
        slot.uses++;
        if (healthy && slot.uses < (this.options.recycleAfter ?? 40)) this.free.push(slot);
        else await slot.page.close().catch(() => undefined);
      }
    }) as Promise<T>;
  }

  async close(): Promise<void> {
    await this.queue.onIdle();
    await this.context.close().catch(() => undefined);
    await this.browser.close();
    await this.proxy.close();
  }
}

/** No Chromium on this machine: browser checks are "not measurable — no browser", never a crash. */
export class BrowserMissingError extends Error {
  override name = 'BrowserMissingError';
  readonly reason = 'no_browser';
}

/** Whether Chromium is installed where the crawler looks for it. */
export function browserAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export async function launchChromium(): Promise<Browser> {
  if (!browserAvailable()) throw new BrowserMissingError(`Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}
