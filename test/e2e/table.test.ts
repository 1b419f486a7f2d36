import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expectNoAxeViolations, location, useDashboard, withPage } from '../helpers/dashboard.ts';

// "Les 250 démarches": filters, search, sort, pagination and the edition selector, all kept in
// the URL; the result count in a live region; the CSV of exactly the view on screen.

const dashboard = useDashboard();
const PHONE = 'Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36';

const count = (page: Page) => page.getByTestId('result-count').textContent();
/** Rows are drawn a dozen at a time: wait until the table no longer says it is busy. */
const settled = (page: Page) => page.waitForFunction(() => !document.querySelector('main [aria-busy="true"]'));
const rowIds = async (page: Page) => {
  await settled(page);
  return page.locator('main tbody tr[data-procedure-id]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-procedure-id'))));
};
const titles = async (page: Page) => {
  await settled(page);
  return page.locator('main tbody tr[data-procedure-id] th').allTextContents();
};

/** The tone of each row's badge in a column, by the column's header text. */
async function columnTones(page: Page, header: string): Promise<string[]> {
  await settled(page);
  const headers = await page.locator('main thead th').allTextContents();
  const index = headers.findIndex((h) => h.startsWith(header));
  expect(index, `column ${header}`).toBeGreaterThan(0);
  return page.locator(`main tbody tr > :nth-child(${index + 1}) .obs-badge`).evaluateAll((badges) => badges.map((b) => b.getAttribute('data-tone') ?? ''));
}

describe('the editions table', () => {
  it('shows the latest edition, 50 rows a page, and announces the count in a live region', async () => {
    await withPage(dashboard, '/demarches', 1280, async (page) => {
      await expect.poll(() => count(page)).toMatch(/250 démarches — page 1 sur 5/);
      expect(await page.getByTestId('result-count').getAttribute('role')).toBe('status');
      expect(await rowIds(page)).toHaveLength(50);
      // 13 criteria, each badge saying its level in words.
      expect(await page.locator('main tbody tr').first().locator('.obs-badge').count()).toBe(13);
      expect(await page.locator('main tbody tr').first().locator('.obs-badge').allTextContents()).not.toContain('');
    });
  });

  it('filters by ministry and audience, keeps the filters in the URL, and Back undoes the last one', async () => {
    await withPage(dashboard, '/demarches', 1280, async (page) => {
      await expect.poll(() => count(page)).toMatch(/^250/);
      await page.getByLabel('Ministère', { exact: true }).selectOption('interieur');
      await expect.poll(() => count(page)).toMatch(/^36 démarches sur 250/);
      expect(location(page)).toBe('/demarches?ministere=interieur');
      await page.getByLabel('Public', { exact: true }).selectOption('professionnels');
      await expect.poll(() => location(page)).toBe('/demarches?ministere=interieur&public=professionnels');
      await expect.poll(() => count(page)).not.toMatch(/^36 /);
      const filtered = Number((await count(page))!.split(' ')[0]);
      expect(filtered).toBeGreaterThan(0);
      expect(filtered).toBeLessThan(36);
      expect(await page.title()).toMatch(/Ministère de l'Intérieur/);
      await page.goBack();
      await expect.poll(() => count(page)).toMatch(/^36 démarches/);
      expect(await page.getByLabel('Public', { exact: true }).inputValue()).toBe('');
    });
  });

  it('restores a shared view from its URL alone', async () => {
    await withPage(dashboard, '/demarches?ministere=interieur&recherche=permis&tri=title&ordre=asc', 1280, async (page) => {
      await expect.poll(() => count(page)).toMatch(/^6 démarches sur 250/);
      expect(await page.getByLabel('Ministère', { exact: true }).inputValue()).toBe('interieur');
      expect(await page.getByLabel(/^Rechercher/).inputValue()).toBe('permis');
      const names = await titles(page);
      expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'fr')));
      expect(await page.locator('th[aria-sort]').allTextContents()).toEqual([expect.stringMatching(/^Démarche/)]);
      expect(await page.locator('th[aria-sort]').getAttribute('aria-sort')).toBe('ascending');
    });
  });

  it('searches without regard to accents or case, as the user types', async () => {
    await withPage(dashboard, '/demarches?ministere=interieur', 1280, async (page) => {
      await expect.poll(() => count(page)).toMatch(/^36/);
      await page.getByLabel(/^Rechercher/).fill('IDENTITE');
      await expect.poll(() => count(page)).toMatch(/^1 démarche sur 250/);
      expect(await titles(page)).toEqual(["Pré-demande de carte nationale d'identité"]);
      expect(location(page)).toBe('/demarches?ministere=interieur&recherche=IDENTITE');
      await page.getByLabel(/^Rechercher/).fill('zzz introuvable');
      await expect.poll(() => page.locator('main').textContent()).toMatch(/Aucune démarche ne correspond/);
      await page.getByRole('button', { name: 'Effacer les filtres' }).click();
      await expect.poll(() => count(page)).toMatch(/^250 démarches/);
    });
  });

  it('finds a procedure by the words people use: "impots" the income tax return, "CNI" the identity card and its loss', async () => {
    await withPage(dashboard, '/demarches?recherche=impots', 1280, async (page) => {
      await expect.poll(() => count(page)).toMatch(/^2\d démarches sur 250/);
      expect(await titles(page)).toContain('Déclaration des revenus');
      await page.getByLabel(/^Rechercher/).fill('CNI');
      await expect.poll(async () => (await titles(page)).sort()).toEqual(["Déclaration de perte de papiers d'identité", "Pré-demande de carte nationale d'identité"]);
    });
  });

  it('sorts on a criterion from its header, best first then worst first, not measured last both ways, with aria-sort', async () => {
    await withPage(dashboard, '/demarches?ministere=interieur', 1280, async (page) => {
      await expect.poll(() => count(page)).toMatch(/^36/);
      const header = page.locator('main thead th', { hasText: /^Satisfaction/ });
      await header.getByRole('button').click();
      await expect.poll(() => header.getAttribute('aria-sort')).toBe('descending');
      expect(location(page)).toBe('/demarches?ministere=interieur&tri=satisfaction');
      const desc = await columnTones(page, 'Satisfaction');
      expect(desc[0]).toBe('success');
      expect(desc).toContain('neutral');
      expect(desc.slice(desc.indexOf('neutral')).every((t) => t === 'neutral')).toBe(true);
      await header.getByRole('button').click();
      await expect.poll(() => header.getAttribute('aria-sort')).toBe('ascending');
      const asc = await columnTones(page, 'Satisfaction');
      expect(asc[0]).toBe('error');
      expect(asc.slice(asc.indexOf('neutral')).every((t) => t === 'neutral')).toBe(true);
      expect(await page.locator('main thead th[aria-sort]').count()).toBe(1);
    });
  });

  it('pages with links that keep the view, and moves focus to the results', async () => {
    await withPage(dashboard, '/demarches', 1280, async (page) => {
      await expect.poll(() => count(page)).toMatch(/page 1 sur 5/);
      const first = await rowIds(page);
      await page.getByRole('navigation', { name: 'Pages de résultats' }).getByRole('link', { name: 'Page suivante' }).click();
      await expect.poll(() => count(page)).toMatch(/page 2 sur 5/);
      expect(location(page)).toBe('/demarches?page=2');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('resultats');
      const second = await rowIds(page);
      expect(second).toHaveLength(50);
      expect(second.some((id) => first.includes(id))).toBe(false);
      expect(await page.getByRole('link', { name: '2', exact: true }).getAttribute('aria-current')).toBe('page');
    });
  });

  it('switches edition from the selector', async () => {
    await withPage(dashboard, '/demarches', 1280, async (page) => {
      await expect.poll(() => count(page)).toMatch(/^250/);
      await page.getByLabel('Édition', { exact: true }).selectOption('2026-T2');
      await expect.poll(() => page.locator('main h1').textContent()).toBe('Les 250 démarches — 2e trimestre 2026');
      expect(location(page)).toBe('/demarches?edition=2026-T2');
    });
  });

  it('exports exactly the filtered, sorted view as CSV', async () => {
    await withPage(dashboard, '/demarches?ministere=interieur&tri=handicap&ordre=asc', 1280, async (page) => {
      await expect.poll(() => count(page)).toMatch(/^36/);
      const onScreen = await rowIds(page);
      // The French spreadsheet file first (";", decimal commas, BOM), the plain one second, each with its own name.
      const links = page.locator('main a[download]');
      expect((await links.allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim())).toEqual([
        'Exporter en CSV pour tableur les 36 démarches de cette vue (Excel, LibreOffice)',
        'CSV standard des mêmes démarches (virgule, point décimal)',
      ]);
      for (const [name, expected, delimiter] of [[/^Exporter en CSV pour tableur/, 'observatoire-2026-T3-wide-interieur-tableur.csv', ';'], [/^CSV standard/, 'observatoire-2026-T3-wide-interieur.csv', ',']] as const) {
        const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name }).click()]);
        expect(download.suggestedFilename()).toBe(expected);
        const file = join(dashboard.dir, download.suggestedFilename());
        await download.saveAs(file);
        const rows = parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''), { columns: true, delimiter }) as Record<string, string>[];
        expect(rows.map((r) => Number(r['procedure_id']))).toEqual(onScreen);
        expect(new Set(rows.map((r) => r['ministry']))).toEqual(new Set(["Ministère de l'Intérieur"]));
        expect(rows[0]).toMatchObject({ edition: '2026-T3', online_source: 'crawl' });
      }
    });
  });

  it('becomes a list of cards on a phone, each linking to its procedure', async () => {
    await withPage(dashboard, '/demarches?ministere=interieur', 375, async (page) => {
      await expect.poll(() => count(page)).toMatch(/^36/);
      expect(await page.locator('main table').count()).toBe(0);
      const cards = page.locator('main .obs-card');
      await settled(page);
      expect(await cards.count()).toBe(36);
      expect(await cards.first().locator('dt').count()).toBe(9);
      // The lists are folded under one button that says how many filters are on; the first
      // result shows on the first screen.
      const fold = page.locator('details.obs-filters__fold');
      expect(await fold.getAttribute('open')).toBeNull();
      expect(await fold.locator('summary').textContent()).toBe('Filtres et tri (1 actif)');
      expect(await page.getByLabel('Ministère', { exact: true }).isVisible()).toBe(false);
      expect((await cards.first().boundingBox())!.y).toBeLessThan(900);
      await expectNoAxeViolations(page);
      await fold.locator('summary').click();
      expect(await page.getByLabel('Ministère', { exact: true }).inputValue()).toBe('interieur');
      expect(await page.getByLabel('Ministère', { exact: true }).isVisible()).toBe(true);
      await cards.first().getByRole('link').click();
      await expect.poll(() => location(page)).toMatch(/^\/demarches\/\d+$/);
    });
  });

  it('is there before any script runs: the first 50 rows, and a filter form that works as a plain form', async () => {
    const context = await dashboard.browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      await page.goto(`${dashboard.base}/demarches`);
      expect(await page.locator('main tbody tr[data-procedure-id]').count()).toBe(50);
      expect(await page.getByTestId('result-count').textContent()).toMatch(/250 démarches — page 1 sur 5/);
      // Without the script, choosing a ministry and sending the form asks the server for that view.
      await page.getByLabel('Ministère', { exact: true }).selectOption('interieur');
      await page.getByRole('button', { name: 'Rechercher' }).click();
      await page.waitForURL(/ministere=interieur/);
      expect(await page.getByTestId('result-count').textContent()).toMatch(/^\s*36 démarches sur 250/);
      expect(await page.locator('main tbody tr[data-procedure-id]').count()).toBe(36);
    } finally {
      await context.close();
    }
  });

  for (const width of [1280, 375]) {
    it(`takes over the server's rows without drawing them again, then filters and sorts as usual (${width} px)`, async () => {
      const context = await dashboard.browser.newContext({ viewport: { width, height: 900 }, ...(width < 768 ? { userAgent: PHONE, isMobile: true } : {}) });
      try {
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        // Counts the rows or cards removed from the page while it loads and its script takes over.
        await page.addInitScript(() => {
          const w = window as unknown as { removedRows: number };
          w.removedRows = 0;
          new MutationObserver((records) => {
            for (const r of records) for (const n of r.removedNodes) if (n instanceof Element && (n.matches('tr, li.obs-card') || n.querySelector('tr, li.obs-card'))) w.removedRows++;
          }).observe(document, { childList: true, subtree: true });
        });
        const api: string[] = [];
        page.on('request', (r) => void (r.url().includes('/api/editions') && api.push(new URL(r.url()).pathname)));
        await page.goto(`${dashboard.base}/demarches`, { waitUntil: 'networkidle' });
        const rows = page.locator(width < 768 ? 'main li.obs-card' : 'main tbody tr[data-procedure-id]');
        expect(await rows.count()).toBe(50);
        expect(await page.evaluate(() => (window as unknown as { removedRows: number }).removedRows)).toBe(0);
        // The answers came with the page: the script asked the API for none of them.
        expect(api).toEqual([]);
        if (width < 768) await page.locator('.obs-filters__fold summary').click();
        await page.getByLabel('Ministère', { exact: true }).selectOption('interieur');
        await expect.poll(() => count(page)).toMatch(/^36 démarches sur 250/);
        expect(location(page)).toBe('/demarches?ministere=interieur');
        await page.goBack();
        await expect.poll(() => count(page)).toMatch(/^250 démarches/);
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
