import { describe, expect, it } from 'vitest';
import { parseFrenchDate, readMention, readStatement } from '../../jobs/checks/statement.ts';
import { parsePage, Visit } from '../../jobs/checks/page.ts';
import { findFranceConnect, authCheck } from '../../jobs/checks/auth.ts';
import { onlineCheck } from '../../jobs/checks/online.ts';
import { dlnufCheck, stateHeldFields } from '../../jobs/checks/dlnuf.ts';
import { handicapCheck } from '../../jobs/checks/handicap.ts';
import type { FetchedPage } from '../../jobs/http/fetch.ts';

function page(body: string, url = 'http://site.test/', status = 200): FetchedPage {
  return { url, finalUrl: url, status, headers: {}, body, bytes: body.length, durationMs: 12, redirects: [], fetchedAt: new Date() };
}

/** A site made of pages given by path; anything else answers 404. */
function site(pages: Record<string, string>): Visit {
  return new Visit('http://site.test/', async (url) => {
    const path = new URL(url).pathname;
    return pages[path] !== undefined ? page(pages[path], url) : page('<h1>Introuvable</h1>', url, 404);
  });
}

const NOW = new Date('2026-08-15T12:00:00Z');

describe('reading an accessibility statement', () => {
  it.each([
    ['Taux de conformité global : 63,5 %', 63.5],
    ['Le taux de conformité au RGAA est de 78%.', 78],
    ["L'audit révèle que 52,34 % des critères du RGAA version 4.1 sont respectés.", 52.34],
    ["L'audit réalisé révèle que le service respecte 91% des critères.", 91],
    ['Le site est conforme à 45 % au RGAA.', 45],
  ])('reads the rate in "%s"', (text, rate) => {
    expect(readStatement(text).rate).toBe(rate);
  });

  it('is not fooled by an unrelated percentage', () => {
    const reading = readStatement('Notre objectif : 100 % de services accessibles. Le site est partiellement conforme. 100 % des dossiers sont traités.');
    expect(reading.rate).toBeNull();
    expect(reading.state).toBe('partiellement conforme');
  });

  it.each([
    ['Cette déclaration a été établie le 12 mars 2024.', '2024-03-12'],
    ['Déclaration établie le 1er août 2023', '2023-08-01'],
    ['Date de la déclaration : 05/11/2022', '2022-11-05'],
    ['Mise à jour le 2025-01-31', '2025-01-31'],
    ['établie le 3 fevrier 2021', '2021-02-03'],
  ])('reads the date in "%s"', (text, iso) => {
    expect(readStatement(text).date).toBe(iso);
  });

  it('rejects impossible dates and reads the RGAA version', () => {
    expect(parseFrenchDate('31/02/2024')).toBeNull();
    expect(parseFrenchDate('12 brumaire 2024')).toBeNull();
    expect(readStatement('conformité avec le RGAA version 4.1.2').rgaaVersion).toBe('4.1.2');
  });

  it('reads the footer mention', () => {
    expect(readMention('Mentions légales · Accessibilité : partiellement conforme · Plan')).toBe('partiellement conforme');
    expect(readMention('Accessibilité: non conforme')).toBe('non conforme');
    expect(readMention('Objectif : 100 % accessibles')).toBeNull();
  });
});

describe('the handicap check', () => {
  const start = '<main><h1>Démarche</h1></main><footer><a href="/accessibilite">Accessibilité : partiellement conforme</a></footer>';

  it('reports the rate of a current statement', async () => {
    const visit = site({ '/': start, '/accessibilite': '<p>Taux de conformité global : 63,5 %</p><p>Cette déclaration a été établie le 12 mars 2024.</p>' });
    const result = await handicapCheck.run({ visit, now: NOW });
    expect(result).toMatchObject({ status: 'measured', value: 63.5, details: { state: 'partiellement conforme', statementUrl: 'http://site.test/accessibilite', statementDate: '2024-03-12' } });
  });

  it('gives 0 ("Non") to a statement older than 3 years, keeping the rate it read', async () => {
    const visit = site({ '/': start, '/accessibilite': '<p>Taux de conformité : 88 %</p><p>Date de la déclaration : 14/08/2023</p>' });
    const result = await handicapCheck.run({ visit, now: NOW });
    expect(result).toMatchObject({ status: 'measured', value: 0, reason: 'statement_expired', details: { rate: 88, expired: true } });
  });

  it('gives 0 when the statement link is broken or missing', async () => {
    expect(await handicapCheck.run({ visit: site({ '/': start }), now: NOW })).toMatchObject({ value: 0, reason: 'statement_unreachable' });
    expect(await handicapCheck.run({ visit: site({ '/': '<footer>Mentions légales</footer>' }), now: NOW })).toMatchObject({ value: 0, reason: 'no_statement' });
  });

  it('takes 100 % from a statement saying "totalement conforme" without a rate', async () => {
    const visit = site({ '/': start, '/accessibilite': '<p>Le site est totalement conforme au RGAA 4.1.</p><p>établie le 2 mai 2025</p>' });
    expect(await handicapCheck.run({ visit, now: NOW })).toMatchObject({ value: 100, status: 'measured' });
  });
});

describe('FranceConnect detection', () => {
  it('finds the official DSFR button, and FranceConnect+ by its modifier', () => {
    expect(findFranceConnect(parsePage(page('<button class="fr-connect"><span class="fr-connect__login">S’identifier avec</span><span class="fr-connect__brand">FranceConnect</span></button>')))).toMatchObject({ plus: false });
    expect(findFranceConnect(parsePage(page('<button class="fr-connect fr-connect--plus">S’identifier avec FranceConnect</button>')))).toMatchObject({ plus: true });
  });

  it('finds an older image button by its alternative text', () => {
    expect(findFranceConnect(parsePage(page('<a href="/fc"><img src="fc.svg" alt="S\'identifier avec FranceConnect"></a>')))).not.toBeNull();
  });

  it('is not fooled by a mention in an FAQ or a link about FranceConnect', () => {
    const html = '<h2>FAQ</h2><p>Puis-je utiliser FranceConnect ? Pas encore, FranceConnect arrive bientôt.</p><a href="https://franceconnect.gouv.fr/">Qu’est-ce que FranceConnect ?</a>';
    expect(findFranceConnect(parsePage(page(html)))).toBeNull();
  });

  it('looks on the page the start link leads to, and says "not applicable" without any online procedure', async () => {
    const withLogin = site({ '/': '<a href="/connexion">Accéder au service</a>', '/connexion': '<button class="fr-connect">S’identifier avec FranceConnect</button>' });
    expect(await authCheck.run({ visit: withLogin, now: NOW })).toMatchObject({ status: 'measured', value: 'FranceConnect' });
    const none = site({ '/': '<p>Adressez-vous à votre mairie.</p>' });
    expect(await authCheck.run({ visit: none, now: NOW })).toMatchObject({ status: 'not_applicable' });
  });
});

describe('the online check', () => {
  it.each([
    ['<a class="fr-btn" href="/demarche">Faire ma demande en ligne</a>', 'Oui'],
    ['<p>Faites votre pré-demande en ligne, puis présentez-vous en mairie.</p><a href="/d">Commencer ma pré-demande</a>', 'Partiel'],
    ['<p>Le formulaire cerfa à télécharger est à renvoyer par courrier.</p><a href="/f.pdf">Télécharger le formulaire</a>', 'Non'],
    ['<p>La campagne est close.</p>', 'Non'],
    ['<form><label for="n">Nom</label><input id="n" name="nom"><button>Envoyer</button></form>', 'Oui'],
    ['<form role="search"><input type="search" name="q"></form><p>Informations</p>', 'Non'],
  ])('reads %s as "%s"', async (html, value) => {
    expect(await onlineCheck.run({ visit: site({ '/': html }), now: NOW })).toMatchObject({ status: 'measured', value });
  });

  it('calls a start page that is gone "Non", and one that errors not measurable', async () => {
    const gone = new Visit('http://site.test/', async (url) => page('', url, 410));
    expect(await onlineCheck.run({ visit: gone, now: NOW })).toMatchObject({ value: 'Non', reason: 'start_page_gone' });
    const broken = new Visit('http://site.test/', async (url) => page('', url, 500));
    await expect(onlineCheck.run({ visit: broken, now: NOW })).rejects.toMatchObject({ type: 'http' });
  });
});

describe('the dlnuf check', () => {
  const form = (fields: string) => `<form action="/envoi">${fields}<button>Envoyer</button></form>`;

  it('counts State-held fields that are not pre-filled; a placeholder is not a value', async () => {
    const html = form(`
      <label for="a">Nom de naissance</label><input id="a" name="nom" value="DUPONT">
      <label for="b">Prénom</label><input id="b" name="prenom">
      <label for="c">Date de naissance</label><input id="c" name="dn" placeholder="jj/mm/aaaa">
      <input name="numero_fiscal" aria-label="Numéro fiscal">
      <label for="d">Adresse électronique</label><input id="d" type="email" name="email">
      <label for="e">Motif</label><textarea id="e" name="motif"></textarea>`);
    const result = await dlnufCheck.run({ visit: site({ '/': html }), now: NOW });
    expect(result).toMatchObject({ status: 'measured', value: 3, details: { fields: ['Prénom', 'Date de naissance', 'Numéro fiscal'] } });
  });

  it('does not take "prénom" for "nom", nor "adresse électronique" for an address', () => {
    const p = parsePage(page(form('<label for="p">Prénom</label><input id="p"><label for="m">Adresse e-mail</label><input id="m" type="text">')));
    expect(stateHeldFields(p, p.$('form').get(0)!).map((f) => f.category)).toEqual(['prénom']);
  });

  it('follows the start link to the form, and says when the form is behind a login', async () => {
    const visit = site({ '/': '<a href="/demarche">Faire ma demande</a>', '/demarche': form('<label for="s">Numéro SIRET</label><input id="s">') });
    expect(await dlnufCheck.run({ visit, now: NOW })).toMatchObject({ value: 1 });
    const login = site({ '/': '<a href="/demarche">Faire ma demande</a>', '/demarche': form('<label for="i">Identifiant</label><input id="i"><label for="w">Mot de passe</label><input id="w" type="password">') });
    expect(await dlnufCheck.run({ visit: login, now: NOW })).toMatchObject({ status: 'unmeasurable', reason: 'form_behind_login' });
  });
});
