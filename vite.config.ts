import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { compression } from 'vite-plugin-compression2';
import type { Plugin } from 'vite';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Preloads the two Marianne faces the first view uses: found late (inside the CSS), they would
 * arrive after the first paint and reflow the text.
 */
function preloadFonts(faces: RegExp): Plugin {
  return {
    name: 'observatoire:preload-fonts',
    apply: 'build',
    transformIndexHtml(_html, ctx) {
      const fonts = Object.keys(ctx.bundle ?? {}).filter((f) => faces.test(f));
      return fonts.map((href) => ({ tag: 'link', attrs: { rel: 'preload', href: `/${href}`, as: 'font', type: 'font/woff2', crossorigin: '' }, injectTo: 'head' }));
    },
  };
}

/** Every source file of the dashboard, as text: what its markup can write. */
function dashboardSources(dir = 'web/src'): string {
  return readdirSync(dir, { withFileTypes: true })
    .map((entry) => (entry.isDirectory() ? dashboardSources(join(dir, entry.name)) : /\.(svelte|ts|html)$/.test(entry.name) ? readFileSync(join(dir, entry.name), 'utf8') : ''))
    .join('\n');
}

/**
 * Drops the DSFR selectors that pick elements by a class prefix the dashboard never writes
 * (`[class^="fr-icon-"]`, `[class*=" fr-fi-"]`…: 700 of them, for the icon utilities). A browser
 * checks such a selector against every element of the page, so a phone spent a quarter of a
 * second styling the table's 2,000 elements against them. A prefix found in any source file is kept.
 */
function dropUnusedClassPrefixes(): { postcssPlugin: string; Rule(rule: { selectors: string[]; remove(): void }): void } {
  let sources: string | undefined;
  return {
    postcssPlugin: 'observatoire:drop-unused-class-prefixes',
    Rule(rule) {
      sources ??= dashboardSources();
      const used = (selector: string) => [...selector.matchAll(/\[class[\^*]=["']?\s?([\w-]+)["']?\]/g)].every((m) => sources!.includes(m[1]!));
      const kept = rule.selectors.filter(used);
      if (kept.length === 0) rule.remove();
      else if (kept.length !== rule.selectors.length) rule.selectors = kept;
    },
  };
}

/**
 * Tests that need neither Chromium nor the shared demo universe: pure rules, parsers, the
 * database, the API through inject(), the fetcher against local servers (not the real-world
 * corpus: `npm run validity` and the integration project read it). A test here that asks
 * for the shared browser or universe fails at once (nothing is provided to this project).
 */
const UNIT_TESTS = [
  'test/catalogue/**/*.test.ts',
  'test/db/**/*.test.ts',
  'test/fixtures/**/*.test.ts',
  'test/methodology/**/*.test.ts',
  'test/server/**/*.test.ts',
  'test/web/**/*.test.ts',
  'test/jobs/{editions,fetch,outbox,politeness}.test.ts',
];

/** What exists on PostgreSQL only (the crawl workers, their queue and host leases, the election): not run on SQLite. */
const POSTGRES_ONLY = ['test/jobs/{workers,workers-wake,host-gate,leader}.test.ts'];

/**
 * Tests that run a second time on PostgreSQL (the `postgres` project: a throwaway cluster,
 * test/setup/postgres.ts): the database, the catalogue import, the editions, the API and the
 * jobs that write. The browser end-to-end tests stay on SQLite: what they test is the dashboard.
 */
const POSTGRES_TESTS = [
  'test/db/**/*.test.ts',
  'test/catalogue/import.test.ts',
  'test/server/**/*.test.ts',
  'test/jobs/{editions,outbox,rechecks,scheduler,survey,probe,crawl}.test.ts',
  ...POSTGRES_ONLY,
];

// One file for the dashboard build (root web/, output dist/web), its server renderer (`vite build
// --ssr`, output dist/ssr) and the test runner (root of the repo).
export default defineConfig(({ isSsrBuild }) => ({
  root: 'web',
  // The server renderer carries Svelte's runtime in its bundle: the server runs it without
  // resolving the dashboard's packages at run time.
  ...(isSsrBuild ? { ssr: { noExternal: true }, publicDir: false as const } : { css: { postcss: { plugins: [dropUnusedClassPrefixes()] } } }),
  // Brotli and gzip copies of every text asset, made once at build time; the server sends the
  // one the browser accepts (@fastify/static preCompressed) without compressing per request.
  plugins: [svelte(), ...(isSsrBuild ? [] : [preloadFonts(/Marianne-(Regular|Bold)-[\w-]+\.woff2$/), compression({ algorithms: ['gzip', 'brotliCompress'], include: /\.(js|css|html|svg)$/ })])],
  build: {
    outDir: isSsrBuild ? '../dist/ssr' : '../dist/web',
    emptyOutDir: true,
    // Raw kB. The budget that matters is gzip (first view ≤ 150 KB, measured by `npm run bench`);
    // Chart.js is a chunk of its own, loaded by the pages that draw a chart.
    chunkSizeWarningLimit: 260,
    // The bundler's timing report is for whoever profiles the build, not for every `npm start`.
    // The server renderer imports the public pages directly, which the browser loads lazily: the
    // bundler's warning that those lazy imports are eager there is expected.
    rolldownOptions: { checks: { bundlerTimings: false, ...(isSsrBuild ? { ineffectiveDynamicImport: false } : {}) } },
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
  test: {
    root: '.',
    testTimeout: 20_000,
    hookTimeout: 60_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
    // Three projects: `unit` needs neither Chromium nor the demo universe (`npm run test:unit`, the
    // quick loop); `integration` shares one Chromium and one universe (test/setup/chromium.ts);
    // `postgres` runs the storage-facing tests again on PostgreSQL. `npm test` runs all three.
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT_TESTS } },
      { extends: true, test: { name: 'integration', include: ['test/**/*.test.ts'], exclude: [...UNIT_TESTS, ...POSTGRES_ONLY], globalSetup: ['test/setup/chromium.ts'] } },
      {
        extends: true,
        test: { name: 'postgres', include: POSTGRES_TESTS, globalSetup: ['test/setup/postgres.ts', 'test/setup/chromium.ts'], setupFiles: ['test/setup/postgres-env.ts'] },
      },
    ],
  },
}));
