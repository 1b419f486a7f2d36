import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import PQueue from 'p-queue';
import { FetchError, classifyError } from './http/errors.ts';

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
];

/** The width of a phone: browser checks look at the page as a phone user would. */
export const MOBILE_VIEWPORT = { width: 375, height: 812 };

export interface BrowserPage {
  page: Page;
  url: string;
  finalUrl: string;
  status: number;
}

export interface BrowserPoolOptions {
  concurrency?: number;
  userAgent: string;
  /** Demo mode: Chromium resolves the demo host names to the local universe. */
  hostResolverRules?: string;
  navigationTimeoutMs?: number;
  /** A page is closed and replaced after this many visits, to bound memory. */
  recycleAfter?: number;
  /** Connect to a running Chromium (tests share one) instead of launching a new one. */
  wsEndpoint?: string;
}

/**
 * One Chromium shared by every browser check of a crawl, with a few pages reused from visit to
 * visit. Images, fonts and media are not loaded: the checks read layout and markup only.
 */
export class BrowserPool {
  private readonly queue: PQueue;
  private readonly free: { page: Page; uses: number }[] = [];

  private constructor(
    private readonly browser: Browser,
    private readonly context: BrowserContext,
    private readonly options: BrowserPoolOptions,
  ) {
    this.queue = new PQueue({ concurrency: options.concurrency ?? 3 });
  }

  static async launch(options: BrowserPoolOptions): Promise<BrowserPool> {
    const browser = options.wsEndpoint ? await chromium.connect(options.wsEndpoint) : await launchChromium(options.hostResolverRules);
    const context = await browser.newContext({
      viewport: MOBILE_VIEWPORT,
      userAgent: options.userAgent,
      locale: 'fr-FR',
      serviceWorkers: 'block',
      isMobile: false,
    });
    await context.route('**/*', (route) => {
      const type = route.request().resourceType();
      return type === 'image' || type === 'font' || type === 'media' ? route.abort() : route.continue();
    });
    return new BrowserPool(browser, context, options);
  }

  /** Loads a URL in a pooled page and hands it to `use`; navigation failures are typed FetchErrors. */
  visit<T>(url: string, use: (page: BrowserPage) => Promise<T>): Promise<T> {
    return this.queue.add(async () => {
      const slot = this.free.pop() ?? { page: await this.context.newPage(), uses: 0 };
      let healthy = true;
      try {
        let response;
        try {
          response = await slot.page.goto(url, { waitUntil: 'load', timeout: this.options.navigationTimeoutMs ?? 8_000 });
        } catch (err) {
          healthy = false;
          throw classifyError(err, url);
        }
        // A "#/route" of the page already loaded is a same-document navigation: no new response.
        const status = response?.status() ?? (slot.page.url() === url ? 200 : 0);
        if (status < 200 || status >= 400) throw new FetchError('http', `browser got HTTP ${status}`, { url, status });
        return await use({ page: slot.page, url, finalUrl: slot.page.url(), status });
      } finally {
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

export async function launchChromium(hostResolverRules?: string): Promise<Browser> {
  if (!browserAvailable()) throw new BrowserMissingError(`Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`);
  const args = hostResolverRules ? [...CHROMIUM_ARGS, `--host-resolver-rules=${hostResolverRules}`] : CHROMIUM_ARGS;
  return chromium.launch({ executablePath: CHROMIUM_PATH, args, headless: true });
}

export function demoHostResolverRules(port: number): string {
  return `MAP *.demarches.test 127.0.0.1:${port}`;
}
