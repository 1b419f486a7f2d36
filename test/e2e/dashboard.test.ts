import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { axeViolations, connectBrowser, describeViolations } from '../helpers/browser.ts';
import { createDemoDb } from '../helpers/db.ts';
import { startServer } from '../helpers/server.ts';
import { seedTwoEditions } from '../helpers/editions.ts';

// The built dashboard (npm test builds it first) served by the real app on a real SQLite file.

const SCREENSHOTS = new URL('../../test-results/screenshots/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'observatoire-e2e-'));
let browser: Browser;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const db = await createDemoDb(join(dir, 'e2e.sqlite'));
  seedTwoEditions(db);
  ({ app, url: base } = await startServer(db));
  browser = await connectBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Opens a page in a fresh context, collecting script and console errors; closes it whatever happens. */
async function withPage(path: string, width: number, use: (page: Page, errors: string[]) => Promise<void>): Promise<void> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'fr-FR' });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(base + path, { waitUntil: 'networkidle' });
    await use(page, errors);
  } finally {
    await context.close();
  }
}

const pages: [string, string, RegExp][] = [
  ['/', 'accueil', /^Les 250 démarches suivies/],
  ['/methodologie', 'methodologie', /^Méthodologie/],
  ['/accessibilite', 'accessibilite', /^Déclaration d'accessibilité/],
  ['/editions', 'editions', /^Éditions et données/],
  ['/une/page/inconnue', '404', /^Page introuvable/],
];

describe('dashboard pages', () => {
  for (const width of [1280, 375]) {
    it.each(pages)(`%s at ${width} px has a descriptive title, no script error and no axe-core violation`, async (path, name, heading) => {
      await withPage(path, width, async (page, errors) => {
        await expect.poll(() => page.locator('main h1').textContent()).toMatch(heading);
        expect(await page.title()).toMatch(/— Observatoire de la qualité des démarches en ligne$/);
        const violations = await axeViolations(page);
        expect(violations, describeViolations(violations)).toEqual([]);
        expect(errors).toEqual([]);
        await page.screenshot({ path: join(SCREENSHOTS, `${name}-${width}.png`), fullPage: width === 375 && name !== 'accueil' });
      });
    });
  }
});

describe('the catalogue page', () => {
  it('lists the 250 procedures grouped by ministry, largest volumes first', async () => {
    await withPage('/', 1280, async (page) => {
      await page.locator('main h1', { hasText: 'Les 250 démarches suivies' }).waitFor();
      expect(await page.locator('main tbody tr').count()).toBe(250);
      const sections = page.locator('main section');
      expect(await sections.count()).toBe(17);
      const interior = page.locator('section', { has: page.locator('h2#ministere-interieur') });
      const firstRow = interior.locator('tbody tr').first();
      expect(await firstRow.locator('th').textContent()).toBe('Paiement des amendes');
      expect(await firstRow.locator('td').last().textContent()).toBe('21 millions');
      expect(await interior.locator('caption').textContent()).toBe("Démarches suivies — Ministère de l'Intérieur");
    });
  });

  it('jumps to a ministry from the summary', async () => {
    await withPage('/', 1280, async (page) => {
      await page.getByRole('link', { name: /^Ministère de la Justice \(\d+\)$/ }).click();
      await expect.poll(() => page.url()).toMatch(/#ministere-justice$/);
      const box = await page.locator('h2#ministere-justice').boundingBox();
      expect(box && box.y < 300).toBe(true);
    });
  });
});

describe('keyboard use', () => {
  it('offers skip links first, and the "Contenu" one moves focus into the main content', async () => {
    await withPage('/methodologie', 1280, async (page) => {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Contenu');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.evaluate(() => document.activeElement?.closest('main')?.id ?? document.activeElement?.id)).toBe('contenu');
    });
  });

  it('navigates with the keyboard alone, and focus lands on the new page title', async () => {
    await withPage('/', 1280, async (page) => {
      await page.locator('main h1', { hasText: 'Les 250' }).waitFor();
      let reached = false;
      for (let i = 0; i < 30 && !reached; i++) {
        await page.keyboard.press('Tab');
        reached = await page.evaluate(() => document.activeElement?.textContent?.trim() === 'Méthodologie');
      }
      expect(reached).toBe(true);
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
      expect(outline).not.toBe('none'); // focus is visible
      await page.keyboard.press('Enter');
      await expect.poll(() => new URL(page.url()).pathname).toBe('/methodologie');
      await expect.poll(() => page.evaluate(() => document.activeElement?.tagName + ':' + document.activeElement?.textContent)).toBe('H1:Méthodologie');
      expect(await page.title()).toMatch(/^Méthodologie/);
      await page.goBack();
      await expect.poll(() => page.locator('main h1').textContent()).toMatch(/Les 250 démarches/);
    });
  });

  it('opens the menu with the keyboard on a phone-sized screen', async () => {
    await withPage('/', 375, async (page) => {
      const menu = page.getByRole('button', { name: 'Menu' });
      await menu.focus();
      await page.keyboard.press('Enter');
      const nav = page.locator('#menu-principal');
      await expect.poll(() => nav.isVisible()).toBe(true);
      await page.getByRole('dialog').getByRole('link', { name: 'Méthodologie' }).click();
      await expect.poll(() => new URL(page.url()).pathname).toBe('/methodologie');
    });
  });
});

describe('the editions page', () => {
  it('lists the published editions, newest first, and its CSV link downloads the edition', async () => {
    await withPage('/editions', 1280, async (page) => {
      const rows = page.locator('main tbody tr');
      await rows.first().waitFor();
      expect(await rows.locator('th').allTextContents()).toEqual(['3e trimestre 2026', '2e trimestre 2026']);
      expect(await rows.first().locator('td').first().textContent()).toBe('du 1 juillet 2026 au 30 septembre 2026');
      const [download] = await Promise.all([page.waitForEvent('download'), rows.first().getByRole('link', { name: "CSV de l'édition 2026-T3" }).click()]);
      const file = join(dir, download.suggestedFilename());
      await download.saveAs(file);
      expect(download.suggestedFilename()).toBe('observatoire-2026-T3-wide.csv');
      const lines = (await import('node:fs')).readFileSync(file, 'utf8').trim().split('\n');
      expect(lines).toHaveLength(251);
      expect(lines[0]).toMatch(/^edition,procedure_id,title,/);
    });
  });
});

describe('the footer', () => {
  it('states the site accessibility and links to the statement', async () => {
    await withPage('/', 1280, async (page) => {
      await page.getByRole('link', { name: 'Accessibilité : non conforme' }).click();
      await expect.poll(() => page.locator('main h1').textContent()).toBe("Déclaration d'accessibilité");
      expect(await page.locator('main').textContent()).toMatch(/Le site est non conforme/);
    });
  });
});
