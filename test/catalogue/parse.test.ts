import { describe, expect, it } from 'vitest';
import { parseCatalogue } from '../../server/catalogue/parse.ts';

const HEADER = 'id,title,ministry,administration,audiences,yearly_volume,start_url,survey_id';
const GOOD = `101,Demande de carte grise,Ministère de l'Intérieur,Agence nationale des titres sécurisés (ANTS),particuliers|professionnels,10500000,https://carte-grise.demarches.test/,1637`;

function csv(...rows: string[]): string {
  return [HEADER, ...rows].join('\n') + '\n';
}

describe('parseCatalogue (CSV)', () => {
  it('reads a valid row into typed fields', () => {
    const { rows, errors } = parseCatalogue(csv(GOOD), 'csv');
    expect(errors).toEqual([]);
    expect(rows).toEqual([
      {
        line: 2,
        id: 101,
        title: 'Demande de carte grise',
        ministry: "Ministère de l'Intérieur",
        administration: 'Agence nationale des titres sécurisés (ANTS)',
        audiences: ['particuliers', 'professionnels'],
        yearlyVolume: 10_500_000,
        startUrl: 'https://carte-grise.demarches.test/',
        surveyId: 1637,
        keywords: [],
      },
    ]);
  });

  it('reads an optional keywords column: words separated by semicolons, each once, a bad list reported with its line', () => {
    const header = `${HEADER},keywords`;
    const text = [header, `${GOOD},"carte grise ; SIV;immatriculation; ;SIV"`, GOOD.replace('101,', '102,').replace(',1637', ',1638') + `,"${Array.from({ length: 21 }, (_, i) => `mot${i}`).join(';')}"`].join('\n') + '\n';
    const { rows, errors } = parseCatalogue(text, 'csv');
    expect(rows.map((r) => r.keywords)).toEqual([['carte grise', 'SIV', 'immatriculation']]);
    expect(errors).toEqual([{ line: 3, message: '21 mots-clés, 20 au plus' }]);
    expect(parseCatalogue(JSON.stringify([{ id: 1, title: 'A', ministry: 'M', administration: 'Adm', audiences: ['particuliers'], yearly_volume: 1, start_url: 'https://a.test/', keywords: ['impôts', 'IR'] }]), 'json').rows[0]!.keywords).toEqual(['impôts', 'IR']);
  });

  // [what is wrong, the row, the message expected]
  const broken: [string, string, RegExp][] = [
    ['a missing title', `102,,Ministère de l'Intérieur,ANTS,particuliers,1000,https://a.test/,`, /titre manquant/],
    ['an unknown audience', `102,Titre,Ministère de l'Intérieur,ANTS,touristes,1000,https://a.test/,`, /public inconnu : touristes/],
    ['no audience', `102,Titre,Ministère de l'Intérieur,ANTS,,1000,https://a.test/,`, /publics manquants/],
    ['a bad URL', `102,Titre,Ministère de l'Intérieur,ANTS,particuliers,1000,pas une url,`, /URL de départ « pas une url » invalide/],
    ['a non-web URL', `102,Titre,Ministère de l'Intérieur,ANTS,particuliers,1000,ftp://a.test/,`, /seules les adresses http et https/],
    ['a URL with credentials', `102,Titre,Ministère de l'Intérieur,ANTS,particuliers,1000,https://u:p@a.test/,`, /pas d'identifiants/],
    ['a negative volume', `102,Titre,Ministère de l'Intérieur,ANTS,particuliers,-5,https://a.test/,`, /volume annuel « -5 » invalide/],
    ['a decimal id', `10.5,Titre,Ministère de l'Intérieur,ANTS,particuliers,5,https://a.test/,`, /id « 10.5 » invalide/],
    ['a zero id', `0,Titre,Ministère de l'Intérieur,ANTS,particuliers,5,https://a.test/,`, /id « 0 » invalide/],
    ['a missing ministry', `102,Titre,,ANTS,particuliers,5,https://a.test/,`, /ministère manquant/],
    ['a bad survey id', `102,Titre,Ministère de l'Intérieur,ANTS,particuliers,5,https://a.test/,abc`, /identifiant d'enquête « abc » invalide/],
    ['too few columns', `102,Titre,Ministère de l'Intérieur`, /3 colonnes au lieu de 8/],
  ];

  it.each(broken)('reports %s with the line it is on', (_what, row, message) => {
    const { rows, errors } = parseCatalogue(csv(GOOD, row), 'csv');
    expect(rows).toHaveLength(1);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.line === 3)).toBe(true);
    expect(errors.map((e) => e.message).join('\n')).toMatch(message);
  });

  it('reports a duplicate id with the line of its first use', () => {
    const { errors } = parseCatalogue(csv(GOOD, GOOD.replace('1637', '')), 'csv');
    expect(errors).toEqual([{ line: 3, message: 'identifiant 101 déjà utilisé ligne 2' }]);
  });

  it('reports a survey id used twice', () => {
    const { errors } = parseCatalogue(csv(GOOD, GOOD.replace('101,', '102,')), 'csv');
    expect(errors).toEqual([{ line: 3, message: "identifiant d'enquête 1637 déjà utilisé ligne 2" }]);
  });

  it('reports an administration placed under two ministries', () => {
    const other = GOOD.replace('101,', '102,').replace("Ministère de l'Intérieur", 'Ministère de la Justice').replace(',1637', ',');
    const { errors } = parseCatalogue(csv(GOOD, other), 'csv');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line: 3 });
    expect(errors[0]!.message).toMatch(/rattachée à « Ministère de l'Intérieur » ligne 2/);
  });

  it('reports every broken row of a file, each with its own line, and keeps counting lines across quoted newlines', () => {
    const text = csv(
      GOOD,
      `"102","Titre sur
deux lignes",Ministère de l'Intérieur,Agence nationale des titres sécurisés (ANTS),particuliers,5,https://a.test/,`,
      `103,,Ministère de l'Intérieur,Agence nationale des titres sécurisés (ANTS),particuliers,5,https://b.test/,`,
      '',
      `104,Titre,Ministère de l'Intérieur,Agence nationale des titres sécurisés (ANTS),martiens,5,https://c.test/,`,
    );
    const { rows, errors } = parseCatalogue(text, 'csv');
    expect(rows.map((r) => r.id)).toEqual([101, 102]);
    expect(errors.map((e) => e.line)).toEqual([5, 7]);
  });

  it('reports two administration names that would share one acronym', () => {
    const { errors } = parseCatalogue(csv(GOOD, `102,Titre,Ministère de l'Intérieur,Autre agence (ANTS),particuliers,5,https://a.test/,`), 'csv');
    expect(errors).toEqual([{ line: 3, message: expect.stringMatching(/confondue avec « Agence nationale des titres sécurisés \(ANTS\) »/) }]);
  });

  it('reports an unclosed quote as unreadable, with its line', () => {
    const { errors } = parseCatalogue(csv(GOOD, `102,"Titre,Ministère,ANTS,particuliers,5,https://a.test/,`), 'csv');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/fichier CSV illisible/);
    expect(errors[0]!.line).toBeGreaterThanOrEqual(3);
  });

  it('reports missing columns in the header', () => {
    const { errors } = parseCatalogue('id,title\n1,A\n', 'csv');
    expect(errors).toEqual([
      expect.objectContaining({ line: 1, message: expect.stringMatching(/colonnes manquantes.*ministry, administration, audiences/) }),
    ]);
  });

  it('refuses an empty file', () => {
    expect(parseCatalogue('', 'csv').errors).toEqual([{ line: 1, message: 'fichier vide : ni en-tête ni démarche' }]);
    expect(parseCatalogue(`${HEADER}\n`, 'csv').errors).toEqual([{ line: 1, message: 'aucune démarche dans le fichier' }]);
  });

  it('reads what French spreadsheets save: semicolons, a BOM, spaced thousands, accented audiences', () => {
    const text = '\uFEFF' + HEADER.replaceAll(',', ';') + '\n' +
      "101;Demande de carte grise;Ministère de l'Intérieur;ANTS;Particuliers|Collectivités;10 500 000;https://a.test/;\n";
    const { rows, errors } = parseCatalogue(text, 'csv');
    expect(errors).toEqual([]);
    expect(rows[0]).toMatchObject({ yearlyVolume: 10_500_000, audiences: ['particuliers', 'collectivites'], surveyId: null });
  });
});

describe('parseCatalogue (JSON)', () => {
  const item = {
    id: 101,
    title: 'Demande de carte grise',
    ministry: "Ministère de l'Intérieur",
    administration: 'ANTS',
    audiences: ['particuliers'],
    yearly_volume: 10_500_000,
    start_url: 'https://a.test/',
    survey_id: null,
  };

  it('reads an array of objects with the CSV column names', () => {
    const { rows, errors } = parseCatalogue(JSON.stringify([item]), 'json');
    expect(errors).toEqual([]);
    expect(rows[0]).toMatchObject({ id: 101, audiences: ['particuliers'], surveyId: null });
  });

  it('reports each bad element with the line it starts on', () => {
    const text = JSON.stringify([item, { ...item, id: 102, title: '' }, { ...item, id: 103, audiences: [] }], null, 2);
    const { errors } = parseCatalogue(text, 'json');
    const lines = text.split('\n');
    expect(errors).toHaveLength(2);
    for (const e of errors) expect(lines[e.line - 1]?.trim()).toBe('{');
    expect(errors[0]!.line).toBeLessThan(errors[1]!.line);
  });

  it('refuses JSON that is not a list, or not JSON', () => {
    expect(parseCatalogue('{"id": 1}', 'json').errors[0]!.message).toMatch(/liste de démarches/);
    expect(parseCatalogue('[{', 'json').errors[0]!.message).toMatch(/JSON illisible/);
    expect(parseCatalogue('[1]', 'json').errors[0]!.message).toMatch(/n'est pas un objet/);
  });
});
