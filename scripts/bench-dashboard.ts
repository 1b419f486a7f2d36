// The dashboard's part of `npm run bench`: what a first view costs to download, how soon the
// table can be used, and Lighthouse's scores, all against a running server on loopback. Each
// figure stands next to the same figure for the lightest public page of the same server (the
// legal notice: text, no data), measured in the same run: the ratio is what the data costs.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { request } from 'undici';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../jobs/browser.ts';
import { ratio, type BenchRow } from './bench-row.ts';

const WEB_ROOT = 'dist/web';
const BASELINE_PAGE = '/mentions-legales';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** Bytes on the wire for a built asset: its gzip copy, as the server sends it to a browser that accepts gzip. */
function gzipSize(url: string): number {
  const file = join(WEB_ROOT, new URL(url).pathname);
  return existsSync(`${file}.gz`) ? statSync(`${file}.gz`).size : statSync(file).size;
}

interface Lighthouse {
  performance: number;
  accessibility: number;
  lcp: string;
  tbt: string;
  cls: string;
}

export async function benchDashboard(base: string): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    // Weight of the first view: the HTML (brotli, as the server sends it) and every script and
    // stylesheet the page loads before it is usable.
    const weight = async (path: string, ready: string) => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const response = await page.goto(base + path, { waitUntil: 'networkidle' });
      await page.locator(ready).first().waitFor();
      // undici's request leaves the body as sent (fetch would decode it).
      const html = (await (await request(base + path, { headers: { 'accept-encoding': 'br' } })).body.arrayBuffer()).byteLength;
      const assets = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => /\/assets\/.*\.(js|css)$/.test(n)));
      const js = assets.filter((a) => a.endsWith('.js')).reduce((s, a) => s + gzipSize(a), 0);
      const css = assets.filter((a) => a.endsWith('.css')).reduce((s, a) => s + gzipSize(a), 0);
      await page.close();
      if (!response?.ok()) throw new Error(`${path}: ${response?.status()}`);
      return { html, js, css };
    };
    const light = await weight(BASELINE_PAGE, 'main h1');
    for (const [path, ready] of [['/', '.obs-key-figure__value'], ['/demarches', 'main tbody tr']] as const) {
      const w = await weight(path, ready);
      rows.push({
        what: `first view of ${path}: HTML / JavaScript / CSS shipped (compressed)`,
        value: `${kb(w.html)} / ${kb(w.js)} / ${kb(w.css)}`,
        baseline: `${kb(light.html)} / ${kb(light.js)} / ${kb(light.css)}`,
        ratio: ratio(w.html + w.js + w.css, light.html + light.js + light.css),
        note: `baseline ${BASELINE_PAGE}; target JS ≤ 150 KB`,
      });
    }

    // Time to a usable table: from navigation start to the first row drawn and the filters
    // filled; the baseline, to the legal notice's title.
    const usable = async (path: string, width: number, ready: string[]) => {
      const times: number[] = [];
      for (let i = 0; i < 7; i++) {
        const context = await browser.newContext({ viewport: { width, height: 900 } }); // cold cache each time
        const page = await context.newPage();
        await page.goto(base + path, { waitUntil: 'commit' });
        for (const selector of ready) await page.locator(selector).first().waitFor({ state: 'attached' });
        times.push(await page.evaluate(() => performance.now()));
        await context.close();
      }
      return median(times);
    };
    for (const width of [1280, 375]) {
      const table = await usable('/demarches', width, [width < 768 ? 'main .obs-card' : 'main tbody tr', '#filtre-ministere option:nth-child(2)']);
      const baseline = await usable(BASELINE_PAGE, width, ['main h1']);
      rows.push({
        what: `time to a usable table at ${width} px, loopback, cold cache (median of 7)`,
        value: `${Math.round(table)} ms`,
        baseline: `${Math.round(baseline)} ms`,
        ratio: ratio(table, baseline),
        note: `baseline: ${BASELINE_PAGE} to its title`,
      });
    }
  } finally {
    await browser.close();
  }

  // Lighthouse, mobile profile with its simulated slow 4G and 4× slower CPU, on the local Chromium.
  // Its score moves with the machine's load from one run to the next: three runs, the median kept.
  const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM_PATH, chromeFlags: CHROMIUM_ARGS });
  try {
    const audit = async (path: string) => {
      const runs: Lighthouse[] = [];
      const errors: string[] = [];
      for (let i = 0; i < 3; i++) {
        const lhr = (await lighthouse(base + path, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility'] }))!.lhr;
        if (lhr.runtimeError) {
          errors.push(lhr.runtimeError.code);
          continue;
        }
        const score = (id: string) => Math.round((lhr.categories[id]?.score ?? 0) * 100);
        const shown = (id: string) => lhr.audits[id]?.displayValue ?? '?';
        runs.push({ performance: score('performance'), accessibility: score('accessibility'), lcp: shown('largest-contentful-paint'), tbt: shown('total-blocking-time'), cls: shown('cumulative-layout-shift') });
      }
      runs.sort((a, b) => a.performance - b.performance);
      return { runs, errors, mid: runs[Math.floor(runs.length / 2)] };
    };
    const light = await audit(BASELINE_PAGE);
    for (const path of ['/', '/demarches', '/demarches/102', '/syntheses/ministere/interieur']) {
      const { runs, errors, mid } = await audit(path);
      rows.push({
        what: `Lighthouse ${path}: performance / accessibility (median of ${runs.length})`,
        value: mid ? `${mid.performance} / ${mid.accessibility}` : 'failed',
        baseline: light.mid ? `${light.mid.performance} / ${light.mid.accessibility}` : 'failed',
        ratio: mid && light.mid ? ratio(mid.performance, light.mid.performance) : '—',
        note: mid
          ? `runs ${runs.map((r) => r.performance).join(', ')}; LCP ${mid.lcp}, TBT ${mid.tbt}, CLS ${mid.cls}; targets ≥ 90 / 100${errors.length ? `; errors ${errors.join(', ')}` : ''}`
          : errors.join(', '),
      });
    }
  } finally {
    chrome.kill();
  }
  return rows;
}
