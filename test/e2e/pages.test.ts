import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectNoAxeViolations, SCREENSHOTS, useDashboard, withPage } from '../helpers/dashboard.ts';

// Every page type, on a desktop and a phone: a descriptive title, no script error, no axe-core
// violation (chart tables unfolded, so their alternative is checked too), no sideways scrolling of
// the page, and a screenshot kept as a test artifact.

const dashboard = useDashboard();

const pages: [string, string, RegExp, RegExp][] = [
  ['/', 'accueil', /^Observatoire de la qualité/, /^Accueil — /],
  ['/demarches', 'demarches', /^Les 250 démarches — 3e trimestre 2026/, /^Les 250 démarches — 3e trimestre 2026 — /],
  ['/demarches?ministere=interieur&tri=title&ordre=asc', 'demarches-filtre', /^Les 250 démarches/, /— Ministère de l'Intérieur — /],
  ['/demarches/102', 'fiche', /^Déclaration des revenus$/, /^Déclaration des revenus — Fiche démarche — /],
  ['/syntheses', 'syntheses', /^Synthèses par ministère/, /^Synthèses par ministère — /],
  ['/syntheses/ministere/interieur?comparer=justice', 'synthese', /^Ministère de l'Intérieur$/, /^Ministère de l'Intérieur — Synthèse par ministère — /],
  ['/syntheses/administration/dgfip', 'synthese-administration', /^Direction générale des Finances publiques/, /— Synthèse par administration — /],
  ['/editions', 'editions', /^Éditions publiées/, /^Éditions publiées — /],
  ['/methodologie', 'methodologie', /^Méthodologie/, /^Méthodologie — /],
  ['/donnees', 'donnees', /^Données ouvertes et API/, /^Données ouvertes et API — /],
  ['/accessibilite', 'accessibilite', /^Déclaration d'accessibilité/, /^Déclaration d'accessibilité — /],
  ['/mentions-legales', 'mentions-legales', /^Mentions légales/, /^Mentions légales — /],
  ['/donnees-personnelles', 'donnees-personnelles', /^Données personnelles et cookies/, /^Données personnelles — /],
  ['/contact', 'contact', /^Contact/, /^Contact — /],
  ['/une/page/inconnue', '404', /^Page introuvable/, /^Page introuvable — /],
  ['/demarches/99999', 'fiche-404', /^Démarche introuvable/, /^Démarche introuvable — /],
];

describe('dashboard pages', () => {
  for (const width of [1280, 375]) {
    it.each(pages)(`%s at ${width} px has a descriptive title, no script error and no axe-core violation`, async (path, name, heading, title) => {
      await withPage(dashboard, path, width, async (page, errors) => {
        await expect.poll(() => page.locator('main h1').textContent()).toMatch(heading);
        await expect.poll(() => page.locator('main [role="status"]', { hasText: /^Chargement/ }).count()).toBe(0);
        await page.waitForFunction(() => !document.querySelector('main [aria-busy="true"]')); // every row drawn
        await expect.poll(() => page.title()).toMatch(title);
        expect(await page.title()).toMatch(/— Observatoire de la qualité des démarches en ligne$/);
        // Charts are drawn once scrolled to (their chunk loaded), and their table alternatives are open for axe.
        for (const canvas of await page.locator('.obs-chart canvas').all()) {
          await canvas.scrollIntoViewIfNeeded();
          await expect.poll(() => canvas.getAttribute('data-drawn')).toBe('true');
        }
        await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
        await expectNoAxeViolations(page);
        // The procedure-404 page asked the API for a procedure that does not exist: that 404 is expected.
        expect(errors.filter((e) => !(name === 'fiche-404' && /404/.test(e)))).toEqual([]);
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
        await page.screenshot({ path: join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
      });
    });
  }
});
