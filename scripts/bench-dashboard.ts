// The dashboard's part of `npm run bench`: what a first view costs to download, how soon the
// table can be used, and Lighthouse's scores, all against a running server on loopback.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../jobs/browser.ts';

const WEB_ROOT = 'dist/web';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** Bytes on the wire for a built asset: its gzip copy, as the server sends it to a browser that accepts gzip. */
function gzipSize(url: string): number {
  const file = join(WEB_ROOT, new URL(url).pathname);
  return existsSync(`${file}.gz`) ? statSync(`${file}.gz`).size : statSync(file).size;
}

export async function benchDashboard(base: string): Promise<[string, string, string][]> {
  const rows: [string, string, string][] = [];
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    // Weight of the first view: every script and stylesheet the page loads before it is usable.
    for (const [path, ready] of [['/', '.obs-key-figure__value'], ['/demarches', 'main tbody tr']] as const) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(base + path, { waitUntil: 'networkidle' });
      await page.locator(ready).first().waitFor();
      const assets = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => /\/assets\/.*\.(js|css)$/.test(n)));
      const js = assets.filter((a) => a.endsWith('.js')).reduce((s, a) => s + gzipSize(a), 0);
      const css = assets.filter((a) => a.endsWith('.css')).reduce((s, a) => s + gzipSize(a), 0);
      rows.push([`first view of ${path}: JavaScript / CSS shipped (gzip)`, `${kb(js)} / ${kb(css)}`, 'target JS ≤ 150 KB']);
      await page.close();
    }

    // Time to a usable table: from navigation start to the first row drawn and the filters filled.
    for (const width of [1280, 375]) {
      const times: number[] = [];
      for (let i = 0; i < 7; i++) {
        const context = await browser.newContext({ viewport: { width, height: 900 } }); // cold cache each time
        const page = await context.newPage();
        await page.goto(`${base}/demarches`, { waitUntil: 'commit' });
        await page.locator(width < 768 ? 'main .obs-card' : 'main tbody tr').first().waitFor();
        await page.locator('#filtre-ministere option:nth-child(2)').waitFor({ state: 'attached' });
        times.push(await page.evaluate(() => performance.now()));
        await context.close();
      }
      rows.push([`time to a usable table at ${width} px, loopback, cold cache (median of 7)`, `${Math.round(median(times))} ms`, '']);
    }
  } finally {
    await browser.close();
  }

  // Lighthouse, mobile profile with its simulated slow 4G and 4× slower CPU, on the local Chromium.
  // Its score moves with the machine's load from one run to the next: three runs, the median kept.
  const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM_PATH, chromeFlags: CHROMIUM_ARGS });
  try {
    for (const path of ['/', '/demarches', '/demarches/102', '/syntheses/ministere/interieur']) {
      const runs: { performance: number; accessibility: number; lcp: string; tbt: string; cls: string }[] = [];
      const errors: string[] = [];
      for (let i = 0; i < 3; i++) {
        const lhr = (await lighthouse(base + path, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility'] }))!.lhr;
        if (lhr.runtimeError) {
          errors.push(lhr.runtimeError.code);
          continue;
        }
        const score = (id: string) => Math.round((lhr.categories[id]?.score ?? 0) * 100);
        const audit = (id: string) => lhr.audits[id]?.displayValue ?? '?';
        runs.push({ performance: score('performance'), accessibility: score('accessibility'), lcp: audit('largest-contentful-paint'), tbt: audit('total-blocking-time'), cls: audit('cumulative-layout-shift') });
      }
      runs.sort((a, b) => a.performance - b.performance);
      const mid = runs[Math.floor(runs.length / 2)];
      rows.push([
        `Lighthouse ${path}: performance / accessibility (median of ${runs.length})`,
        mid ? `${mid.performance} / ${mid.accessibility}` : 'failed',
        mid
          ? `runs ${runs.map((r) => r.performance).join(', ')}; LCP ${mid.lcp}, TBT ${mid.tbt}, CLS ${mid.cls}; targets ≥ 90 / 100${errors.length ? `; errors ${errors.join(', ')}` : ''}`
          : errors.join(', '),
      ]);
    }
  } finally {
    chrome.kill();
  }
  return rows;
}
