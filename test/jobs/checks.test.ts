import { describe, expect, it } from 'vitest';
import { parseFrenchDate, readMention, readStatement } from '../../jobs/checks/statement.ts';
import { findCallToAction, parsePage, Visit } from '../../jobs/checks/page.ts';
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

/** Reads a statement given as HTML. */
function readStatementHtml(html: string) {
  const p = parsePage(page(html));
  return readStatement(p.$, p.$('body').toArray());
}

describe('reading an accessibility statement', () => {
  it.each([
    ['Taux de conformité global : 63,5 %', 63.5],
    ['Le taux de conformité au RGAA est de 78%.', 78],
    ["L'audit révèle que 52,34 % des critères du RGAA version 4.1 sont respectés.", 52.34],
    ["L'audit réalisé révèle que le service respecte 91% des critères.", 91],
    ['Le site est conforme à 45 % au RGAA.', 45],
  ])('reads the rate in "%s"', (text, rate) => {
    expect(readStatementHtml(`<p>${text}</p>`).rate).toBe(rate);
  });

  it('is not fooled by an unrelated percentage', () => {
    const reading = readStatementHtml('<p>Notre objectif : 100 % de services accessibles. Le site est partiellement conforme. 100 % des dossiers sont traités.</p>');
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
    expect(readStatementHtml(`<p>${text}</p>`).date).toBe(iso);
  });

  it('rejects impossible dates and reads the RGAA version', () => {
    expect(parseFrenchDate('31/02/2024')).toBeNull();
    expect(parseFrenchDate('12 brumaire 2024')).toBeNull();
    expect(readStatementHtml('<p>conformité avec le RGAA version 4.1.2</p>').rgaaVersion).toBe('4.1.2');
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

  it('keeps the rate of a statement older than 3 years and flags it (the methodology makes it "Non")', async () => {
    const visit = site({ '/': start, '/accessibilite': '<p>Taux de conformité : 88 %</p><p>Date de la déclaration : 14/08/2023</p>' });
    const result = await handicapCheck.run({ visit, now: NOW });
    expect(result).toMatchObject({ status: 'measured', value: 88, reason: 'statement_expired', details: { rate: 88, expired: true, statementDate: '2023-08-14' } });
  });

  it('flags a broken or missing statement, the state taken from the mention, no rate invented', async () => {
    const broken = await handicapCheck.run({ visit: site({ '/': start }), now: NOW });
    expect(broken).toMatchObject({ status: 'measured', label: 'partiellement conforme', reason: 'statement_unreachable', details: { statement: 'unreachable', rate: null } });
    expect(broken.value).toBeUndefined();
    const missing = await handicapCheck.run({ visit: site({ '/': '<footer>Mentions légales</footer>' }), now: NOW });
    expect(missing).toMatchObject({ status: 'measured', reason: 'no_statement', details: { statement: 'missing' } });
    expect(missing.value).toBeUndefined();
  });

  it('gives no rate for a statement saying "totalement conforme" without one: the state is its reading', async () => {
    const visit = site({ '/': start, '/accessibilite': '<p>Le site est totalement conforme au RGAA 4.1.</p><p>établie le 2 mai 2025</p>' });
    const result = await handicapCheck.run({ visit, now: NOW });
    expect(result).toMatchObject({ status: 'measured', label: 'totalement conforme', details: { rate: null, state: 'totalement conforme' } });
    expect(result.value).toBeUndefined();
  });

  it('finds the statement under <base href> and by its link text variants', async () => {
    const visit = site({
      '/fr/': '<html><head><base href="/fr/"></head><body><main><h1>Démarche</h1></main><footer><a href="declaration-accessibilite">Déclaration d’accessibilité</a></footer></body></html>',
      '/fr/declaration-accessibilite': '<h2>État de conformité</h2><p>Le site est en conformité partielle avec le RGAA.</p><p>61 critères respectés sur 80 critères applicables.</p>',
    });
    const v = new Visit('http://site.test/fr/', async (url) => (visit as unknown as { fetcher: (u: string) => Promise<FetchedPage> }).fetcher(url));
    expect(await handicapCheck.run({ visit: v, now: NOW })).toMatchObject({ value: 76.3, details: { state: 'partiellement conforme', statementUrl: 'http://site.test/fr/declaration-accessibilite' } });
  });
});

describe('reading a statement by its structure', () => {
  it('takes the overall rate of the results table, not the average or a page\'s rate', () => {
    const html = `<h2>Résultats des tests</h2><table><tr><th>Page</th><th>Taux de conformité</th></tr>
      <tr><td>Accueil</td><td>92 %</td></tr><tr><td>Formulaire</td><td>61 %</td></tr>
      <tr><td>Taux moyen de conformité</td><td>76,5 %</td></tr><tr><td>Taux de conformité global</td><td>68 %</td></tr></table>`;
    expect(readStatementHtml(html).rate).toBe(68);
  });

  it('skips objectives and the previous audit\'s figure', () => {
    const html = `<h2>État de conformité</h2><p>Le site est partiellement conforme.</p>
      <p>Lors du précédent audit, en 2021, le taux de conformité était de 41 %.</p>
      <h2>Résultats des tests</h2><p>L’audit de 2024 révèle que 73,4 % des critères du RGAA sont respectés.</p>
      <p>Notre objectif est d’atteindre 90 % de critères respectés d’ici 2026.</p>`;
    expect(readStatementHtml(html)).toMatchObject({ rate: 73.4, state: 'partiellement conforme' });
  });

  it('reads the state claimed, not the list of states a statement defines', () => {
    const html = `<p>Un site peut être : totalement conforme si tous les critères sont respectés ; partiellement conforme si au moins 50 % des critères le sont ; non conforme sinon.</p>
      <h2>État de conformité</h2><p>Le site de la commune est non conforme avec le RGAA 4.1 : aucun audit n’a encore été réalisé.</p>`;
    expect(readStatementHtml(html)).toMatchObject({ state: 'non conforme', rate: null });
  });

  it('dates the statement, not the laws, the plan or the audit before it', () => {
    const html = `<p>Conformément à l’article 47 de la loi n° 2005-102 du 11 février 2005 et au décret du 24 juillet 2019…</p>
      <p>Schéma pluriannuel 2024-2026 adopté le 3 janvier 2024.</p>
      <h2>Établissement de cette déclaration</h2><p>Cette déclaration a été établie le 12 mars 2023, sur la base d’un audit réalisé le 2 février 2023. Elle a été mise à jour le 5 juin 2024.</p>`;
    expect(readStatementHtml(html)).toMatchObject({ date: '2024-06-05', auditDate: '2023-02-02' });
  });

  it('falls back on the audit date when the statement has none', () => {
    expect(readStatementHtml('<p>L’audit de conformité a été réalisé le 14 octobre 2024 par la société Access42.</p>').date).toBe('2024-10-14');
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

  it('does not take ProConnect or AgentConnect buttons in DSFR markup for FranceConnect', () => {
    expect(findFranceConnect(parsePage(page('<button class="fr-connect"><span class="fr-connect__login">S’identifier avec</span><span class="fr-connect__brand">ProConnect</span></button>')))).toBeNull();
    expect(findFranceConnect(parsePage(page('<a class="agentconnect-button" href="/login">Se connecter avec AgentConnect</a>')))).toBeNull();
    expect(findFranceConnect(parsePage(page('<input type="image" src="fc.png" alt="FranceConnect">')))).not.toBeNull();
  });

  it('prefers FranceConnect+ when both are offered', () => {
    const html = '<button class="fr-connect">S’identifier avec FranceConnect</button><button class="fr-connect fr-connect--plus">S’identifier avec FranceConnect+</button>';
    expect(findFranceConnect(parsePage(page(html)))).toMatchObject({ plus: true });
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

  it('does not take the site\'s chrome for the procedure', async () => {
    const html = `<header><a href="/connexion">Se connecter</a><a href="/compte">Mon compte</a><form role="search"><input name="q"></form></header>
      <main><h1>Demande d’acte de naissance</h1><p>Cette page présente la démarche. Adressez-vous à la mairie de naissance.</p>
      <div class="feedback"><form><p>Cette page vous a-t-elle été utile ?</p><input type="radio" name="u" value="1"><input type="radio" name="u" value="0"><button>Envoyer</button></form></div></main>
      <footer><form action="/newsletter"><label for="e">Votre e-mail</label><input id="e" type="email" name="email"><button>S’abonner</button></form></footer>`;
    expect(await onlineCheck.run({ visit: site({ '/': html }), now: NOW })).toMatchObject({ value: 'Non' });
  });

  it('reads a required offline step as "Partiel", an offered alternative as "Oui"', async () => {
    const partial = '<main><a href="/d">Je fais ma demande</a><p>Vous devrez ensuite envoyer l’original signé par courrier à la préfecture.</p></main>';
    expect(await onlineCheck.run({ visit: site({ '/': partial }), now: NOW })).toMatchObject({ value: 'Partiel' });
    const alternative = '<main><a href="/d">Je fais ma demande</a><p>Si vous ne pouvez pas utiliser internet, vous pouvez aussi envoyer le formulaire par courrier.</p></main>';
    expect(await onlineCheck.run({ visit: site({ '/': alternative }), now: NOW })).toMatchObject({ value: 'Oui' });
  });

  it('reads a script-rendered page as the browser shows it, and says so', async () => {
    const shell = '<html><body><div id="root"></div><noscript>Vous devez activer JavaScript pour utiliser ce service.</noscript><script src="/app.js"></script></body></html>';
    const rendered = '<html><body><main><h1>Titre de séjour</h1><a href="/demande">Faire ma demande en ligne</a></main></body></html>';
    const visit = new Visit('http://site.test/', async (url) => page(shell, url), async (url) => ({ html: rendered, finalUrl: url, status: 200 }));
    expect(await onlineCheck.run({ visit, now: NOW })).toMatchObject({ value: 'Oui', evidence: { renderedBy: 'chromium' } });
    const noBrowser = new Visit('http://site.test/', async (url) => page(shell, url));
    await expect(onlineCheck.run({ visit: noBrowser, now: NOW })).rejects.toMatchObject({ type: 'parse' });
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

  it('reads labels every way HTML allows, one datum per split field', () => {
    const html = form(`
      <fieldset><legend>Date de naissance</legend><label for="j">Jour</label><input id="j" name="j"><label for="m">Mois</label><input id="m" name="m"><label for="a">Année</label><input id="a" name="a"></fieldset>
      <span id="lbl-nir">Numéro de sécurité sociale</span><input aria-labelledby="lbl-nir" name="x1">
      <label>Nom d’usage (facultatif) <input name="x2"></label>
      <table><tr><td>Code postal</td><td><input name="x3" placeholder="Ex : 75001"></td></tr></table>
      <label for="n">Nationalité</label><select id="n" name="x4"><option value="">-- Choisir --</option><option value="FR">Française</option></select>
      <label for="c">Commune</label><input id="c" name="x5" value="Lyon" readonly>`);
    const p = parsePage(page(html));
    expect(stateHeldFields(p, p.$('form').get(0)!).map((f) => f.category)).toEqual(['date de naissance', 'numéro de sécurité sociale', 'nom', 'code postal', 'nationalité']);
  });

  it('follows the start link to the form, and says when the form is behind a login', async () => {
    const visit = site({ '/': '<a href="/demarche">Faire ma demande</a>', '/demarche': form('<label for="s">Numéro SIRET</label><input id="s">') });
    expect(await dlnufCheck.run({ visit, now: NOW })).toMatchObject({ value: 1 });
    const login = site({ '/': '<a href="/demarche">Faire ma demande</a>', '/demarche': form('<label for="i">Identifiant</label><input id="i"><label for="w">Mot de passe</label><input id="w" type="password">') });
    expect(await dlnufCheck.run({ visit: login, now: NOW })).toMatchObject({ status: 'unmeasurable', reason: 'form_behind_login' });
  });
});

describe('a call to action', () => {
  it('is a web address only: a javascript:, vbscript: or data: link is never the way in, nor evidence', async () => {
    for (const href of [' JaVaScRiPt:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox(1)']) {
      const html = `<main><h1>Demande de carte grise</h1><p><a href="${href}">Faire ma demande en ligne</a></p></main>`;
      expect(findCallToAction(parsePage(page(html))), href).toBeNull();
    }
    expect(findCallToAction(parsePage(page('<main><h1>Demande</h1><p><a href="/demarche">Faire ma demande en ligne</a></p></main>')))).toMatchObject({ href: 'http://site.test/demarche' });
  });
});
