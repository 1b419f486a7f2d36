import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expectNoAxeViolations, location, useDashboard, withPage } from '../helpers/dashboard.ts';

// Keyboard alone: skip links, the menu, the table's filters and sort, the charts' alternatives.

const dashboard = useDashboard();

const focused = (page: Page) => page.evaluate(() => `${document.activeElement?.tagName}:${document.activeElement?.textContent?.trim()}`);

async function tabTo(page: Page, text: string | RegExp, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const label = await page.evaluate(() => (document.activeElement?.textContent ?? '').trim());
    if (typeof text === 'string' ? label === text : text.test(label)) return;
  }
  throw new Error(`no focusable element "${text}" within ${max} tabs`);
}

describe('keyboard use', () => {
  it('offers skip links first, and the "Contenu" one moves focus into the main content', async () => {
    await withPage(dashboard, '/methodologie', 1280, async (page) => {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Contenu');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.evaluate(() => document.activeElement?.closest('main')?.id ?? document.activeElement?.id)).toBe('contenu');
    });
  });

  it('navigates with the keyboard alone, focus visible, and focus lands on the new page title', async () => {
    await withPage(dashboard, '/', 1280, async (page) => {
      await page.locator('.obs-key-figure').first().waitFor();
      await tabTo(page, 'Méthodologie');
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
      expect(outline).not.toBe('none');
      await page.keyboard.press('Enter');
      await expect.poll(() => location(page)).toBe('/methodologie');
      await expect.poll(() => focused(page)).toBe('H1:Méthodologie');
      expect(await page.title()).toMatch(/^Méthodologie/);
      await page.goBack();
      await expect.poll(() => page.locator('main h1').textContent()).toMatch(/^Observatoire/);
    });
  });

  it('opens the menu with the keyboard on a phone-sized screen', async () => {
    await withPage(dashboard, '/', 375, async (page) => {
      const menu = page.getByRole('button', { name: 'Menu' });
      await menu.focus();
      await page.keyboard.press('Enter');
      const nav = page.locator('#menu-principal');
      await expect.poll(() => nav.isVisible()).toBe(true);
      await page.getByRole('dialog').getByRole('link', { name: 'Méthodologie' }).click();
      await expect.poll(() => location(page)).toBe('/methodologie');
    });
  });

  it('filters, sorts and opens a procedure from the table without a mouse', async () => {
    await withPage(dashboard, '/demarches', 1280, async (page) => {
      await page.locator('main tbody tr').first().waitFor();
      await page.getByLabel('Ministère', { exact: true }).focus();
      // A native select: arrow keys change the value, as a screen reader user would.
      await page.keyboard.press('ArrowDown');
      await expect.poll(() => location(page)).toMatch(/^\/demarches\?ministere=[a-z-]+$/);
      await tabTo(page, /^En ligne/);
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('main thead th', { hasText: /^En ligne/ }).getAttribute('aria-sort')).toBe('descending');
      expect(await focused(page)).toMatch(/^BUTTON:En ligne/); // focus stays on the header after sorting
      const title = (await page.locator('main tbody tr th a').first().textContent())!;
      await tabTo(page, title);
      await page.keyboard.press('Enter');
      await expect.poll(() => location(page)).toMatch(/^\/demarches\/\d+$/);
      await expect.poll(() => focused(page)).toBe(`H1:${title}`);
    });
  });

  it('opens a column’s definition from its header with the keyboard, and closes it with Escape', async () => {
    await withPage(dashboard, '/demarches', 1280, async (page) => {
      await page.locator('main tbody tr').first().waitFor();
      await page.getByLabel('Ministère', { exact: true }).focus();
      await tabTo(page, /^\?Définition : Satisfaction usagers$/);
      await page.keyboard.press('Enter');
      const definition = page.locator('main thead details[open]');
      await expect.poll(() => definition.count()).toBe(1);
      const panel = definition.locator('.obs-def__panel');
      expect(await panel.isVisible()).toBe(true);
      expect(await panel.textContent()).toMatch(/Note moyenne sur 10/);
      expect(await panel.locator('li').allTextContents()).toEqual(['Bonne : ≥ 8/10 (objectif)', 'Moyenne : ≥ 5/10', 'Faible : < 5/10']);
      expect(await panel.textContent()).toMatch(/Source : enquête, déclaré/);
      await expectNoAxeViolations(page);
      await page.keyboard.press('Escape');
      await expect.poll(() => definition.count()).toBe(0);
      expect(await focused(page)).toBe('SUMMARY:?Définition : Satisfaction usagers');
    });
  });

  it('unfolds a chart’s table alternative from the keyboard', async () => {
    await withPage(dashboard, '/demarches/102', 1280, async (page) => {
      await page.locator('main h1', { hasText: 'Déclaration des revenus' }).waitFor();
      await tabTo(page, /^Voir les données en tableau/);
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('figure details').getAttribute('open')).toBe('');
      expect(await page.locator('figure details table tbody tr').count()).toBe(2);
    });
  });
});
