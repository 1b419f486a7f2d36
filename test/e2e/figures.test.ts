import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import type { Locator, Page } from 'playwright-core';
import { useDashboard, withPage } from '../helpers/dashboard.ts';

// One figure, one string: the same quantity read on the front page, the syntheses, a synthesis'
// table and chart table, the procedures table, a procedure's page and chart, and the CSV exports
// is written the same everywhere (one rounding, half up, at the methodology's precision).

const dashboard = useDashboard();

/** The leading figure of a cell ("79,5 %" of "79,5 % ✓ (cible atteinte)", "5,6/10" of "5,6/10 · Moyenne"). */
const figure = (text: string | null): string => /^\s*([\d\u202f ]+(?:,\d+)?(?:\u202f%|\/10))/.exec(text ?? '')?.[1]?.trim() ?? `(no figure in "${text}")`;

/** The cell of a table's row in the column whose header reads `header`. */
async function cellUnder(table: Locator, row: Locator, header: string | RegExp): Promise<string | null> {
  const headers = await table.locator('thead th').allTextContents();
  const index = headers.findIndex((h) => (typeof header === 'string' ? h.trim() === header : header.test(h)));
  expect(index, `column ${header} in ${headers.join(' | ')}`).toBeGreaterThanOrEqual(0);
  return row.locator('th, td').nth(index).textContent();
}

/** Scrolls down the page (deferred sections appear), then unfolds every chart's table. */
async function openChartTables(page: Page): Promise<void> {
  for (let i = 0; i < 6; i++) {
    await page.mouse.wheel(0, 1200);
    await page.waitForTimeout(100);
  }
  for (const canvas of await page.locator('.obs-chart canvas').all()) await canvas.scrollIntoViewIfNeeded();
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
}

describe('one figure, one string', () => {
  it('writes a share the same on the front page, the syntheses, a synthesis table and its chart table', async () => {
    const seen: Record<string, string[]> = { observatory: [], interior: [] };
    await withPage(dashboard, '/', 1280, async (page) => {
      await expect.poll(() => page.locator('[data-figure="satisfaction"] .obs-key-figure__value').count()).toBe(1);
      seen.observatory!.push(figure(await page.locator('[data-figure="satisfaction"] .obs-key-figure__value').textContent()));
    });
    await withPage(dashboard, '/syntheses', 1280, async (page) => {
      const table = page.locator('main table').first();
      await expect.poll(() => table.locator('tbody tr').count()).toBeGreaterThan(2);
      seen.observatory!.push(figure(await cellUnder(table, table.locator('tbody tr').first(), 'Satisfaction')));
      seen.interior!.push(figure(await cellUnder(table, table.locator('tbody tr', { hasText: "Ministère de l'Intérieur" }), 'Satisfaction')));
    });
    await withPage(dashboard, '/syntheses/ministere/interieur', 1280, async (page) => {
      await openChartTables(page);
      const detail = page.locator('table', { has: page.locator('caption', { hasText: 'Détail par critère' }) });
      await expect.poll(() => detail.locator('tbody tr').count()).toBeGreaterThan(5);
      seen.interior!.push(figure(await cellUnder(detail, detail.locator('tbody tr', { hasText: 'Satisfaction usagers' }), "À l'objectif")));
      const radar = page.locator('figure', { has: page.locator('#radar-titre') }).locator('table');
      await expect.poll(() => radar.locator('tbody tr').count()).toBeGreaterThan(5);
      const row = radar.locator('tbody tr', { hasText: 'Satisfaction usagers' });
      seen.interior!.push(figure(await cellUnder(radar, row, "Ministère de l'Intérieur")));
      seen.observatory!.push(figure(await cellUnder(radar, row, "Ensemble de l'Observatoire")));
    });
    for (const [what, strings] of Object.entries(seen)) {
      expect(strings, what).toHaveLength(what === 'observatory' ? 3 : 3);
      expect(new Set(strings).size, `${what}: ${strings.join(' / ')}`).toBe(1);
      expect(strings[0]).toMatch(/^\d+(,\d)?\u202f%$/);
    }
  });

  it('writes a procedure’s value the same in the table, on its page, in its chart table and in the CSV', async () => {
    // 102 (Déclaration des revenus): help efficient 5 + 8/13 = 5.615…, published 5,6/10.
    const seen: string[] = [];
    await withPage(dashboard, '/demarches?recherche=revenus', 1280, async (page) => {
      const table = page.locator('main table').first();
      const row = table.locator('tr[data-procedure-id="102"]');
      await expect.poll(() => row.count()).toBe(1);
      const badge = await cellUnder(table, row, /^Aide efficace\b/);
      expect(badge).toMatch(/^\s*5,6\/10 · Moyenne\s*$/);
      seen.push(figure(badge));
    });
    await withPage(dashboard, '/demarches/102', 1280, async (page) => {
      const table = page.locator('table', { has: page.locator('caption', { hasText: 'Chaque critère' }) });
      await expect.poll(() => table.locator('tbody tr').count()).toBeGreaterThan(5);
      seen.push(figure(await cellUnder(table, table.locator('tbody tr', { hasText: 'Aide efficace' }), 'Valeur')));
      await page.getByLabel('Critère affiché').selectOption('help_efficient');
      await openChartTables(page);
      const chart = page.locator('figure.obs-figure table');
      const last = chart.locator('tbody tr', { hasText: 'T3 2026' });
      await expect.poll(() => last.count()).toBe(1);
      seen.push(figure(await cellUnder(chart, last, 'Valeur')));
    });
    const wide = await (await fetch(`${dashboard.base}/api/editions/latest/export.csv?sep=semicolon`)).text();
    const row = (parse(wide.replace(/^\uFEFF/, ''), { columns: true, delimiter: ';' }) as Record<string, string>[]).find((r) => r['procedure_id'] === '102')!;
    seen.push(`${row['help_efficient_value']}/10`);
    expect(seen).toEqual(Array(4).fill('5,6/10'));
  });
});
