import { describe, expect, it } from 'vitest';
import { afterLogin, loginHref, matchRoute } from '../../web/src/lib/routes.ts';
import { apiFilters, DEFAULT_VIEW, parseView, serializeView, toggleSort } from '../../web/src/lib/table-view.ts';
import { csvCell, toCsv } from '../../web/src/lib/csv.ts';

describe('matchRoute', () => {
  it.each([
    ['/', { name: 'accueil' }],
    ['/demarches/', { name: 'demarches' }],
    ['/demarches/217', { name: 'demarche', id: 217 }],
    ['/demarches/0', { name: 'introuvable' }],
    ['/demarches/abc', { name: 'introuvable' }],
    ['/syntheses/ministere/interieur', { name: 'synthese', by: 'ministere', slug: 'interieur' }],
    ['/syntheses/administration/dgfip', { name: 'synthese', by: 'administration', slug: 'dgfip' }],
    ['/syntheses/region/x', { name: 'introuvable' }],
    ['/donnees', { name: 'donnees' }],
    ['/nulle-part', { name: 'introuvable' }],
    ['/connexion', { name: 'connexion' }],
    ['/espace', { name: 'espace' }],
    ['/espace/demarches/102', { name: 'espaceDemarche', id: 102 }],
    ['/espace/compte', { name: 'compte' }],
    ['/operateur', { name: 'operateur' }],
  ])('routes %s', (path, route) => {
    expect(matchRoute(path)).toEqual(route);
  });
});

describe('after login', () => {
  it('goes back to the page that sent to the login, or to the role’s space', () => {
    expect(loginHref('/espace/demarches/102?x=1')).toBe('/connexion?retour=%2Fespace%2Fdemarches%2F102%3Fx%3D1');
    expect(afterLogin(new URL(loginHref('/espace/demarches/102?x=1'), 'http://h').search, 'team')).toBe('/espace/demarches/102?x=1');
    expect(afterLogin('', 'team')).toBe('/espace');
    expect(afterLogin('', 'operator')).toBe('/operateur');
  });

  it.each(['//evil.example/espace', 'https://evil.example/', '/nulle-part', 'javascript:alert(1)', '/\\evil.example'])('never leaves the site nor lands nowhere: %s', (back) => {
    expect(afterLogin(`?retour=${encodeURIComponent(back)}`, 'team')).toBe('/espace');
  });
});

describe('the table view in the URL', () => {
  it('reads French parameter names and writes them back in a stable order, defaults left out', () => {
    const view = parseView('?tri=satisfaction&ministere=interieur&public=professionnels&recherche=permis&ordre=asc&page=2&edition=2026-T2');
    expect(view).toEqual({ edition: '2026-T2', ministry: 'interieur', administration: '', audience: 'professionnels', q: 'permis', sort: 'satisfaction', dir: 'asc', page: 2 });
    expect(serializeView(view)).toBe('?edition=2026-T2&ministere=interieur&public=professionnels&recherche=permis&tri=satisfaction&ordre=asc&page=2');
    expect(serializeView(DEFAULT_VIEW)).toBe('');
    expect(parseView(serializeView(view))).toEqual(view);
  });

  it('falls back to defaults on malformed values instead of failing', () => {
    expect(parseView('?ministere=Bad%20Slug!&page=-3&ordre=sideways&edition=2026-T9&tri=<script>')).toEqual(DEFAULT_VIEW);
    expect(parseView(`?recherche=${'x'.repeat(300)}`).q).toHaveLength(100);
  });

  it('turns a view into the API filters, empty ones left out', () => {
    expect(apiFilters({ ...DEFAULT_VIEW, ministry: 'interieur' })).toEqual({ ministry: 'interieur', administration: undefined, audience: undefined, q: undefined, sort: 'volume', dir: 'desc' });
  });

  it('sorts a new column in its natural order and flips the current one', () => {
    expect(toggleSort(DEFAULT_VIEW, 'title')).toEqual({ sort: 'title', dir: 'asc' });
    expect(toggleSort(DEFAULT_VIEW, 'satisfaction')).toEqual({ sort: 'satisfaction', dir: 'desc' });
    expect(toggleSort(DEFAULT_VIEW, 'volume')).toEqual({ sort: 'volume', dir: 'asc' });
  });
});

describe('toCsv', () => {
  it('quotes what RFC 4180 requires and neutralises spreadsheet formulas', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('il a dit "oui"')).toBe('"il a dit ""oui"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(null)).toBe('');
    expect(toCsv([['Édition', 'Valeur'], ['T3 2026', 7.5]])).toBe('Édition,Valeur\r\nT3 2026,7.5\r\n');
  });
});
