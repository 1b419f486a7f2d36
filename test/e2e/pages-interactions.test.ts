import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expectNoAxeViolations, location, useDashboard, withPage } from '../helpers/dashboard.ts';
import { EXPIRED_STATEMENT } from '../helpers/editions.ts';
import { and, eq } from 'drizzle-orm';
import { observations } from '../../db/schema/index.ts';

// The front page, a procedure's page and a ministry's synthesis, used as a visitor would:
// following links, switching charts, downloading a chart as PNG and CSV, comparing two ministries.

// A crawled page's hostile links in procedure 104's evidence: they must show as text, never as links.
const HOSTILE = { url: 'javascript:alert(document.domain)', finalUrl: 'data:text/html,<script>alert(1)</script>', callToAction: { text: 'Commencer', href: 'javascript:void(0)' }, tool: 'test', toolVersion: '1' };
const dashboard = useDashboard({
  seed: async (db) => {
    await db.update(observations).set({ evidence: HOSTILE }).where(and(eq(observations.procedureId, 104), eq(observations.criterion, 'online')));
  },
});

async function download(page: Page, link: ReturnType<Page['getByRole']>): Promise<{ name: string; bytes: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const path = join(dashboard.dir, `${Date.now()}-${file.suggestedFilename()}`);
  await file.saveAs(path);
  return { name: file.suggestedFilename(), bytes: readFileSync(path) };
}

describe('the front page', () => {
  it('gives five headline figures with their trend since the previous edition, and loads no chart code', async () => {
    await withPage(dashboard, '/', 1280, async (page) => {
      const figures = page.locator('.obs-key-figure');
      await expect.poll(() => figures.count()).toBe(5);
      expect(await figures.locator('.obs-key-figure__value').allTextContents()).toEqual(Array(5).fill(expect.stringMatching(/^\d+(,\d)?\u202f%$/)));
      expect(await page.locator('[data-figure="auth"] .obs-key-figure__trend').textContent()).toMatch(/^↗ \+\d+(,\d)? points? depuis le T2 2026$/);
      expect(await page.locator('[data-figure="online"] .obs-key-figure__trend').textContent()).toMatch(/stable depuis le T2 2026/);
      // The coverage names the criteria measured for few procedures, with their own coverage.
      expect(await page.locator('[data-figure="coverage"] .fr-text--xs').textContent()).toMatch(/^moyenne sur les 13 critères ; les moins mesurés : [^,]+ \d+(,\d)?\u202f%(, [^,]+ \d+(,\d)?\u202f%){0,2}$/);
      const loaded = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
      expect(loaded.some((u) => /\/assets\/index-.*\.js$/.test(u))).toBe(true);
      expect(loaded.some((u) => /\/assets\/setup-/.test(u))).toBe(false); // Chart.js: only where a chart is drawn
      await page.getByRole('link', { name: 'Synthèses par ministère' }).click();
      await expect.poll(() => page.locator('main h1').textContent()).toBe('Synthèses par ministère');
    });
  });
});

describe('a procedure’s page', () => {
  it('says who runs it and shows every criterion with its level, source and evidence', async () => {
    await withPage(dashboard, '/demarches/102', 1280, async (page) => {
      await expect.poll(() => page.locator('main h1').textContent()).toBe('Déclaration des revenus');
      const identity = page.locator('.obs-identity');
      expect(await identity.textContent()).toMatch(/Direction générale des Finances publiques/);
      expect(await identity.textContent()).toMatch(/41 millions/);
      const results = page.locator('table', { has: page.locator('caption', { hasText: /^Chaque critère/ }) });
      expect(await results.locator('tbody tr').count()).toBe(13);
      const online = results.locator('tbody tr', { has: page.locator('th', { hasText: 'Réalisable en ligne' }) });
      expect(await online.locator('td').nth(2).textContent()).toBe('mesuré');
      const satisfaction = results.locator('tbody tr', { has: page.locator('th', { hasText: 'Satisfaction usagers' }) });
      expect(await satisfaction.locator('td').nth(0).textContent()).toMatch(/\S/);
      await online.getByRole('link', { name: /Voir/ }).click();
      const proof = page.locator('section.obs-proof', { has: page.locator('#preuve-online') });
      await expect.poll(() => proof.textContent()).toMatch(/Page visitée\s*http:\/\/x\.test\//);
      expect(await proof.textContent()).toMatch(/valeur retenue pour l’édition/);
      // In plain French first; the technical detail is folded under "Détails techniques".
      expect(await proof.locator('.obs-evidence-summary').textContent()).toBe('Formulaire de démarche trouvé : la démarche se fait entièrement en ligne.');
      const technical = proof.locator('details.obs-technical');
      expect(await technical.locator('summary').textContent()).toBe('Détails techniques');
      expect(await technical.getAttribute('open')).toBeNull();
      expect(await technical.getByText(/^Outil$/).isVisible()).toBe(false);
      await technical.locator('summary').click();
      expect(await technical.getByText(/^Outil$/).isVisible()).toBe(true);
      const statement = page.locator('section.obs-proof', { has: page.locator('#preuve-handicap') });
      expect(await statement.locator('.obs-evidence-summary').textContent()).toBe('Déclaration d’accessibilité du 14 mars 2022 : taux 88\u00a0%, plus de 3 ans → Non.');
      // A satisfaction on too few answers: its observation is shown, never as the edition's value.
      for (const section of await page.locator('section.obs-proof').all()) {
        const text = (await section.textContent()) ?? '';
        if (/non retenue par l’édition/.test(text)) expect(text).not.toMatch(/valeur retenue/);
      }
      expect(await page.locator('main').textContent()).toMatch(/Observations récentes/);
      // An expired statement: its rate and date, and "Non" with the reason — never a 0 %.
      const handicap = results.locator('tbody tr', { has: page.locator('th', { hasText: 'Prise en compte du handicap' }) });
      expect(await handicap.locator('td').nth(0).textContent()).toMatch(/^Non — déclaration de plus de 3 ans$/);
      expect(await handicap.locator('td').nth(1).textContent()).toMatch(/^88\s%\s*déclaration du 14 mars 2022$/);
    });
  });

  it('draws a criterion’s evolution over its level bands, switches criterion in place, and exports it as PNG and CSV', async () => {
    await withPage(dashboard, '/demarches/102', 1280, async (page) => {
      const canvas = page.locator('.obs-chart canvas');
      await canvas.scrollIntoViewIfNeeded();
      await expect.poll(() => canvas.getAttribute('data-drawn')).toBe('true');
      const figure = page.locator('figure.obs-figure');
      expect(await figure.locator('h3').textContent()).toMatch(/^Satisfaction usagers/);
      await page.getByLabel('Critère affiché').selectOption('handicap');
      await expect.poll(() => figure.locator('h3').textContent()).toMatch(/^Prise en compte du handicap/);
      expect(await page.locator('.obs-chart canvas').count()).toBe(1); // updated, not recreated alongside
      await figure.locator('summary').click();
      const table = figure.locator('table');
      expect(await table.locator('tbody tr th').allTextContents()).toEqual(['T2 2026', 'T3 2026']);
      const csv = await download(page, figure.getByRole('link', { name: /^Données CSV/ }));
      expect(csv.name).toBe('demarche-102-handicap.csv');
      const rows = parse(csv.bytes.toString('utf8')) as string[][];
      expect(rows[0]).toEqual(['Édition', 'Valeur', 'Niveau', 'Source']);
      expect(rows.slice(1).map((r) => r[0])).toEqual(['T2 2026', 'T3 2026']);
      // 102's statement is out of date: its rate is kept (88), its level is "Non".
      expect(rows[2]!.slice(1, 3)).toEqual([String(EXPIRED_STATEMENT.rate), 'Non — déclaration de plus de 3 ans']);
      const png = await download(page, figure.getByRole('button', { name: /^Image PNG/ }));
      expect(png.name).toBe('demarche-102-handicap.png');
      expect(png.bytes.subarray(1, 4).toString()).toBe('PNG');
      expect(png.bytes.length).toBeGreaterThan(5_000);
    });
  });
});

describe('a ministry’s synthesis', () => {
  it('draws the radar and the level bars, compares with a second ministry, and lists the ministry’s procedures', async () => {
    await withPage(dashboard, '/syntheses/ministere/interieur', 1280, async (page) => {
      await expect.poll(() => page.locator('main h1').textContent()).toBe("Ministère de l'Intérieur");
      const canvases = page.locator('.obs-chart canvas');
      for (const canvas of await canvases.all()) await canvas.scrollIntoViewIfNeeded();
      await expect.poll(() => canvases.evaluateAll((c) => c.filter((x) => x.getAttribute('data-drawn') === 'true').length)).toBe(2);
      const radar = page.locator('figure', { has: page.locator('#radar-titre') });
      await radar.locator('summary').click();
      expect(await radar.locator('thead th').allTextContents()).toEqual(['Critère', "Ministère de l'Intérieur", "Ensemble de l'Observatoire", 'Cible']);
      await page.getByLabel(/^Comparer avec/).selectOption('justice');
      await expect.poll(() => radar.locator('thead th').allTextContents()).toEqual(['Critère', "Ministère de l'Intérieur", 'Ministère de la Justice', "Ensemble de l'Observatoire", 'Cible']);
      expect(location(page)).toBe('/syntheses/ministere/interieur?comparer=justice');
      const bars = page.locator('figure', { has: page.locator('#niveaux-graphique-titre') });
      await bars.locator('summary').click();
      expect(await bars.locator('thead th').allTextContents()).toEqual(['Édition', 'Oui', 'Partiel', 'Non', 'Démarche proactive', 'Démarches mesurées', 'Non mesurables']);
      expect(await bars.locator('tbody th').allTextContents()).toEqual(['T2 2026', 'T3 2026']);
      await expect.poll(() => page.locator('section', { has: page.locator('#demarches-groupe') }).locator('tbody tr').count()).toBe(36);
    });
  });
});

describe('evidence from a hostile page', () => {
  it('shows a javascript: or data: address as text, never as a link', async () => {
    await withPage(dashboard, '/demarches/104', 1280, async (page) => {
      const proof = page.locator('section.obs-proof', { has: page.locator('#preuve-online') });
      await expect.poll(() => proof.textContent()).toMatch(/javascript:alert\(document\.domain\)/);
      expect(await proof.locator('a[href^="javascript:"], a[href^="data:"]').count()).toBe(0);
      expect(await page.locator('a[href^="javascript:"], section.obs-proof a[href^="data:"]').count()).toBe(0);
      expect(await proof.locator('.obs-not-a-link').count()).toBe(3);
    });
  });
});

describe('a procedure’s page on a phone', () => {
  it('gives each criterion as a card — level, value, source, date, proof — without sideways scrolling, and its history newest first', async () => {
    await withPage(dashboard, '/demarches/102', 375, async (page) => {
      await page.locator('main h1', { hasText: 'Déclaration des revenus' }).waitFor();
      const cards = page.locator('li.obs-card[data-criterion]');
      await expect.poll(() => cards.count()).toBe(13);
      const handicap = page.locator('li.obs-card[data-criterion="handicap"]');
      expect(await handicap.locator('h3').textContent()).toBe('Prise en compte du handicap');
      expect(await handicap.textContent()).toMatch(/Non — déclaration de plus de 3 ans/);
      expect(await handicap.locator('dd').first().textContent()).toMatch(/^88\s%\s*déclaration du 14 mars 2022$/);
      expect(await handicap.textContent()).toMatch(/Sourcemesuré/);
      for (const card of await cards.all()) {
        const box = (await card.boundingBox())!;
        expect(box.x + box.width).toBeLessThanOrEqual(375);
      }
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      // The editions' table starts with the latest.
      const history = page.locator('table', { has: page.locator('caption', { hasText: /^Niveau de chaque critère/ }) });
      await history.scrollIntoViewIfNeeded();
      await expect.poll(() => history.locator('thead th').allTextContents()).toEqual(['Critère', 'T3 2026', 'T2 2026']);
      await handicap.getByRole('link', { name: /Voir/ }).click();
      await expect.poll(() => page.locator('#preuve-handicap').isVisible()).toBe(true);
      await expectNoAxeViolations(page);
    });
  });
});

describe('the syntheses on a phone', () => {
  it('give each ministry as a card with every key criterion, the observatory first, nothing to scroll sideways', async () => {
    await withPage(dashboard, '/syntheses', 375, async (page) => {
      const cards = page.locator('li.obs-card[data-group]');
      await expect.poll(() => cards.count()).toBeGreaterThan(10);
      expect(await cards.first().textContent()).toMatch(/^Ensemble de l'Observatoire · 250 démarches/);
      for (const card of (await cards.all()).slice(0, 5)) {
        expect(await card.locator('dt').count()).toBe(9);
        const box = (await card.boundingBox())!;
        expect(box.x + box.width).toBeLessThanOrEqual(375);
      }
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      await expectNoAxeViolations(page);
    });
  });
});

describe('a procedure’s page printed', () => {
  it("prints its content without the site’s navigation, on three A4 pages at most", async () => {
    await withPage(dashboard, '/demarches/102', 1280, async (page) => {
      await page.locator('main h1', { hasText: 'Déclaration des revenus' }).waitFor();
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('.fr-header__menu').isVisible()).toBe(false);
      expect(await page.getByText('Détails techniques').first().isVisible()).toBe(false);
      // Each proof prints as its sentence.
      expect(await page.locator('#preuve-handicap ~ .obs-evidence-summary').isVisible()).toBe(true);
      const pdf = await page.pdf({ format: 'A4' });
      const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
      expect(pages).toBeGreaterThan(0);
      expect(pages).toBeLessThanOrEqual(3);
    });
  });
});

describe('charts further down a page', () => {
  it('load Chart.js only when the reader scrolls near them', async () => {
    await withPage(dashboard, '/demarches/102', 375, async (page) => {
      await page.locator('main h1', { hasText: 'Déclaration des revenus' }).waitFor();
      const chartChunk = () => page.evaluate(() => performance.getEntriesByType('resource').some((e) => /\/assets\/setup-/.test(e.name)));
      expect(await chartChunk()).toBe(false);
      await page.locator('.obs-chart canvas').scrollIntoViewIfNeeded();
      await expect.poll(() => page.locator('.obs-chart canvas').getAttribute('data-drawn')).toBe('true');
      expect(await chartChunk()).toBe(true);
    });
  });
});
