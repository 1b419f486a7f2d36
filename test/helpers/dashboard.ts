import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { axeViolations, connectBrowser, describeViolations } from './browser.ts';
import { createDemoDb } from './db.ts';
import type { Db } from '../../db/client.ts';
import { startServer } from './server.ts';
import { seedTwoEditions } from './editions.ts';

// The built dashboard (npm test builds it first) served by the real app on a real SQLite file,
// seeded with two published editions, opened in the run's shared Chromium.

export const SCREENSHOTS = new URL('../../test-results/screenshots/', import.meta.url).pathname;

export interface Dashboard {
  base: string;
  dir: string;
  browser: Browser;
}

/** Registers the suite's hooks; the returned object is filled before the first test runs. */
export function useDashboard(options: { seed?: (db: Db) => Promise<void> } = {}): Dashboard {
  const state = { dir: mkdtempSync(join(tmpdir(), 'observatoire-e2e-')) } as Dashboard;
  let app: FastifyInstance | undefined;
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const db = await createDemoDb(join(state.dir, 'e2e.sqlite'));
    await seedTwoEditions(db);
    await options.seed?.(db);
    const started = await startServer(db);
    app = started.app;
    state.base = started.url;
    state.browser = await connectBrowser();
  });
  afterAll(async () => {
    await state.browser?.close();
    await app?.close();
    rmSync(state.dir, { recursive: true, force: true });
  });
  return state;
}

/** Opens a page in a fresh context, collecting script and console errors; closes it whatever happens. */
export async function withPage(
  dashboard: Dashboard,
  path: string,
  width: number,
  use: (page: Page, errors: string[]) => Promise<void>,
  options: { acceptDownloads?: boolean } = {},
): Promise<void> {
  const context = await dashboard.browser.newContext({ viewport: { width, height: 900 }, locale: 'fr-FR', acceptDownloads: options.acceptDownloads ?? true });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(dashboard.base + path, { waitUntil: 'networkidle' });
    await use(page, errors);
  } finally {
    await context.close();
  }
}

export async function expectNoAxeViolations(page: Page): Promise<void> {
  const violations = await axeViolations(page);
  expect(violations, describeViolations(violations)).toEqual([]);
}

/** The path part of the page's URL with its query string. */
export const location = (page: Page): string => {
  const url = new URL(page.url());
  return url.pathname + url.search;
};
