import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { declarations, procedures } from '../../db/schema/index.ts';
import { Crawler } from '../../jobs/crawler.ts';
import { RecheckQueue } from '../../jobs/rechecks.ts';
import { checkByName } from '../../jobs/checks/index.ts';
import { quarterOf } from '../../methodology/quarters.ts';
import { buildCheckedServer } from '../helpers/server.ts';
import { connectBrowser } from '../helpers/browser.ts';
import { createDemoDb, procedureIdsOf } from '../helpers/db.ts';
import { seedTwoEditions } from '../helpers/editions.ts';
import { createAccount, PASSWORD } from '../helpers/accounts.ts';
import { expectNoAxeViolations, SCREENSHOTS, withPage } from '../helpers/dashboard.ts';

// A ministry team in Chromium: logs in with the keyboard, sees only its procedures, declares a
// value, asks for a re-check that the crawler really runs against the demo universe, sees its
// result; axe-core on every page of the spaces, the operator's included.

const dir = mkdtempSync(join(tmpdir(), 'observatoire-spaces-'));
let db: Db;
let app: FastifyInstance;
let queue: RecheckQueue;
let browser: Browser;
let base: string;
let team: { email: string };
let operator: { email: string };
let interieur: Set<number>;
/** The procedure the team declared a value for. */
let declaredId: number;

beforeAll(async () => {
  db = await createDemoDb(join(dir, 'spaces.sqlite'));
  await seedTwoEditions(db);
  team = await createAccount(db, 'team', { ministries: ['interieur'] }, 'Équipe Intérieur');
  operator = await createAccount(db, 'operator', {}, 'Opératrice');
  interieur = new Set(await procedureIdsOf(db, 'interieur'));
  queue = new RecheckQueue(db, {
    newCrawler: () => new Crawler({ contactUrl: 'http://127.0.0.1/methodologie', demoPort: inject('universePort'), perHostDelayMs: 0 }),
    checks: ['online', 'auth', 'handicap', 'dlnuf'].map((n) => checkByName(n)!),
  });
  app = await buildCheckedServer({ db, appInfo: { version: 'test', demo: true }, logLevel: 'warn', rechecks: queue });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  browser = await connectBrowser();
});
afterAll(async () => {
  await browser?.close();
  await queue?.stop();
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh browser context on a page of this server (the dashboard tests' helper). */
const withContext = (width: number, use: (page: Page, errors: string[]) => Promise<void>, path = '/connexion') => withPage({ base, browser, dir }, path, width, use);

/** Logs in from the login page with the keyboard alone. */
async function logIn(page: Page, email: string): Promise<void> {
  await page.locator('#connexion-email').focus();
  await page.keyboard.type(email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
}

const settled = async (page: Page) => {
  await expect.poll(() => page.locator('main [role="status"]', { hasText: /^Chargement/ }).count()).toBe(0);
};

describe('the ministry team space', () => {
  it('logs in, sees only its procedures, declares a value, asks for a re-check and sees its result', async () => {
    await withContext(1280, async (page, errors) => {
      // Not logged in: the space sends to the login page, and back after.
      await page.goto(`${base}/espace`, { waitUntil: 'networkidle' });
      await expect.poll(() => new URL(page.url()).pathname).toBe('/connexion');
      await expect.poll(() => page.locator('main h1').textContent()).toBe("Connexion à l'espace ministère");
      await expectNoAxeViolations(page);

      // A wrong password is said, in an alert that takes focus.
      await page.locator('#connexion-email').fill(team.email);
      await page.locator('#connexion-password').fill('not the password');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('[role="alert"]').textContent()).toMatch(/incorrect/);
      await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('alert');
      await page.locator('#connexion-email').fill('');
      await logIn(page, team.email);
      await expect.poll(() => new URL(page.url()).pathname).toBe('/espace');
      await settled(page);
      await expect.poll(() => page.locator('main h1').textContent()).toBe('Espace ministère');

      // Only its procedures: every row is an Intérieur procedure, and all of them are there.
      const ids = (await page.locator('tbody tr[data-procedure]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-procedure')))));
      expect(ids.length).toBe(interieur.size);
      expect(ids.every((id) => interieur.has(id))).toBe(true);
      await expectNoAxeViolations(page);
      await page.screenshot({ path: join(SCREENSHOTS, 'espace-1280.png'), fullPage: true });

      // Watchlist by keyboard: the button says its state.
      const watch = page.locator(`tr[data-procedure="${ids[0]}"] button`);
      await watch.focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => watch.getAttribute('aria-pressed')).toBe('true');

      // One procedure.
      const id = ids[0]!;
      declaredId = id;
      await page.locator(`tr[data-procedure="${id}"] th a`).click();
      await expect.poll(() => new URL(page.url()).pathname).toBe(`/espace/demarches/${id}`);
      await settled(page);
      await expect.poll(() => page.locator('#criteres-titre').count()).toBe(1);
      await expectNoAxeViolations(page);

      // Declares the digital take-up.
      await page.locator('#declaration-critere').selectOption('usage');
      await page.locator('#declaration-valeur').fill('64,5');
      await page.locator('#declaration-justification').fill('Statistiques du service, 3e trimestre 2026 (tableau de bord interne).');
      await page.getByRole('button', { name: 'Enregistrer la déclaration' }).click();
      await expect.poll(() => page.locator('.fr-alert--success').textContent()).toMatch(/Déclaration enregistrée : Taux de recours au numérique, 64,5\u00a0%\./);
      await expect.poll(() => page.locator('tr[data-declaration]').first().textContent()).toMatch(/64,5.*Statistiques du service/);
      await expect.poll(() => page.locator('tr[data-criterion="usage"]').textContent()).toMatch(/déclaré/);
      const stored = await db.select().from(declarations).where(eq(declarations.procedureId, id));
      expect(stored.map((d) => [d.criterion, d.valueNum])).toEqual([['usage', 64.5]]);

      // Asks for a re-check, sees it progress, then its result.
      await page.getByRole('button', { name: 'Relancer la vérification' }).click();
      await expect.poll(() => page.locator('#verification-etat').textContent(), { timeout: 30_000 }).toMatch(/Vérification terminée/);
      const results = await page.locator('tr[data-result]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-result')));
      expect(results.sort()).toEqual(['auth', 'dlnuf', 'handicap', 'online']);
      // One re-check per 10 minutes: the button waits, and says until when.
      const again = page.getByRole('button', { name: 'Relancer la vérification' });
      expect(await again.isDisabled()).toBe(true);
      expect(await page.locator('#verification-attente').textContent()).toMatch(/^Nouvelle vérification possible à partir de \d{2} h \d{2}\.$/);
      expect(await again.getAttribute('aria-describedby')).toBe('verification-attente');
      // The criteria table says when each value was measured, not "today".
      expect(await page.locator('#criteres-titre ~ * th[scope="col"]').allTextContents()).toContain('Dernière mesure');
      await expectNoAxeViolations(page);
      await page.screenshot({ path: join(SCREENSHOTS, 'espace-demarche-1280.png'), fullPage: true });

      // Withdrawing asks first; "Annuler" keeps the declaration, "Confirmer le retrait" withdraws it.
      const row = page.locator('tr[data-declaration]').first();
      await row.getByRole('button', { name: /^Retirer/ }).click();
      await expect.poll(() => row.getByRole('group').textContent()).toMatch(/Retirer cette déclaration \?/);
      await expectNoAxeViolations(page);
      await row.getByRole('button', { name: 'Annuler' }).click();
      expect((await db.select().from(declarations).where(eq(declarations.procedureId, id))).filter((d) => d.supersededAt === null)).toHaveLength(1);
      await row.getByRole('button', { name: /^Retirer/ }).click();
      await row.getByRole('button', { name: 'Confirmer le retrait' }).click();
      await expect.poll(() => page.locator('.fr-alert--success').textContent()).toMatch(/Déclaration retirée : Taux de recours au numérique\./);
      expect((await db.select().from(declarations).where(eq(declarations.procedureId, id))).filter((d) => d.supersededAt === null)).toHaveLength(0);
      // Declared again: the edition test below expects it.
      await page.locator('#declaration-critere').selectOption('usage');
      await page.locator('#declaration-valeur').fill('64,5');
      await page.locator('#declaration-justification').fill('Statistiques du service, 3e trimestre 2026 (tableau de bord interne).');
      await page.getByRole('button', { name: 'Enregistrer la déclaration' }).click();
      await expect.poll(() => page.locator('.fr-alert--success').textContent()).toMatch(/Déclaration enregistrée/);

      // Another ministry's procedure: said, not shown.
      const foreign = (await db.select({ id: procedures.id }).from(procedures)).find((p) => !interieur.has(p.id))!.id;
      await page.goto(`${base}/espace/demarches/${foreign}`, { waitUntil: 'networkidle' });
      await expect.poll(() => page.locator('main h1').textContent()).toBe('Démarche hors de votre périmètre');

      // The account page, then logging out.
      await page.goto(`${base}/espace/compte`, { waitUntil: 'networkidle' });
      await settled(page);
      await expect.poll(() => page.locator('main h1').textContent()).toBe('Mon compte et mes alertes');
      await expectNoAxeViolations(page);
      await page.getByRole('button', { name: 'Se déconnecter' }).click();
      await expect.poll(() => new URL(page.url()).pathname).toBe('/connexion');
      // The 401 of the protected page after logout and the 403 of the foreign procedure are expected.
      expect(errors.filter((e) => !/40[13]/.test(e))).toEqual([]);
    });
  });

  it('fits a phone, without axe-core violations', async () => {
    await withContext(375, async (page) => {
      await page.goto(`${base}/connexion`, { waitUntil: 'networkidle' });
      await logIn(page, team.email);
      await expect.poll(() => new URL(page.url()).pathname).toBe('/espace');
      await settled(page);
      // One card per procedure, its whole status inside the screen, regressions first.
      const cards = page.locator('li.obs-card[data-procedure]');
      await expect.poll(() => cards.count()).toBe(interieur.size);
      for (const card of (await cards.all()).slice(0, 8)) {
        const box = (await card.boundingBox())!;
        expect(box.x + box.width).toBeLessThanOrEqual(375);
        for (const badge of await card.locator('.fr-badge').all()) {
          const b = (await badge.boundingBox())!;
          expect(b.x + b.width).toBeLessThanOrEqual(box.x + box.width);
        }
      }
      await expectNoAxeViolations(page);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await page.screenshot({ path: join(SCREENSHOTS, 'espace-375.png'), fullPage: true });
    });
  });
});

describe('the operator space', () => {
  it('shows drafts with their differences, accounts and crawl runs, without axe-core violations', async () => {
    await withContext(1280, async (page, errors) => {
      await page.goto(`${base}/operateur`, { waitUntil: 'networkidle' });
      await logIn(page, operator.email);
      await expect.poll(() => new URL(page.url()).pathname).toBe('/operateur');
      await settled(page);
      await expect.poll(() => page.locator(`tr[data-user="${team.email}"]`).count()).toBe(1);
      await page.locator('tr[data-edition="2026-T3"] button', { hasText: 'Aperçu' }).click();
      await expect.poll(() => page.locator('main h3').first().textContent()).toMatch(/Aperçu : 3e trimestre 2026/);
      await expectNoAxeViolations(page);

      // Builds this quarter's draft, previews it, publishes it (after confirming).
      const slug = quarterOf(new Date()).slug;
      await page.locator('#trimestre').fill(slug);
      await page.getByRole('button', { name: 'Construire le brouillon' }).click();
      await expect.poll(() => page.locator('main [role="status"].fr-alert').textContent()).toMatch(/Brouillon .* construit : 250 démarches/);
      await expect.poll(() => page.locator('main h3').first().textContent()).toMatch(/Aperçu : .*brouillon.*comparée à 3e trimestre 2026/);
      await expectNoAxeViolations(page);
      await page.screenshot({ path: join(SCREENSHOTS, 'operateur-1280.png'), fullPage: true });
      page.once('dialog', (dialog) => void dialog.accept());
      await page.locator(`tr[data-edition="${slug}"] button`, { hasText: 'Publier' }).click();
      await expect.poll(() => page.locator('main [role="status"].fr-alert').textContent()).toMatch(/publiée : elle est figée/);
      expect(errors).toEqual([]);

      // An operator may add a webhook for any ministry.
      await page.goto(`${base}/espace/compte`, { waitUntil: 'networkidle' });
      await settled(page);
      await expect.poll(() => page.locator('#webhook-groupe option').count()).toBeGreaterThan(10);
      await expectNoAxeViolations(page);

      // The team's declaration is in the new edition, said « déclaré » with its justification.
      await page.goto(`${base}/demarches/${declaredId}`, { waitUntil: 'networkidle' });
      await settled(page);
      const usage = page.locator('main table tr', { hasText: 'Taux de recours au numérique' }).first();
      await expect.poll(() => usage.textContent()).toMatch(/64,5\s*%.*déclaré.*par équipe ministérielle : « Statistiques du service/s);
      await expectNoAxeViolations(page);
    });
  });
});
