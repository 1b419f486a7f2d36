import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { Db } from '../../db/client.ts';
import type { Methodology } from '../../methodology/index.ts';
import type { EditionTable } from './editions.ts';

// CSV exports: stable columns described by a data dictionary (versioned with the methodology),
// streamed row by row, safe to open in a spreadsheet.

export interface Column {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean';
  description: string;
}

const IDENTITY: Column[] = [
  { name: 'edition', type: 'string', description: 'Édition trimestrielle (AAAA-Tn).' },
  { name: 'procedure_id', type: 'integer', description: 'Identifiant stable de la démarche (jamais réutilisé).' },
  { name: 'title', type: 'string', description: 'Intitulé de la démarche.' },
  { name: 'ministry', type: 'string', description: 'Ministère.' },
  { name: 'administration', type: 'string', description: 'Administration responsable.' },
];

export function wideColumns(methodology: Methodology): Column[] {
  return [
    ...IDENTITY,
    { name: 'audiences', type: 'string', description: 'Publics, séparés par « | ».' },
    { name: 'yearly_volume', type: 'integer', description: 'Nombre de démarches réalisées par an.' },
    ...methodology.criteria.flatMap((c): Column[] => [
      { name: `${c.slug}_status`, type: 'string', description: `${c.label} : measured, not_applicable ou unmeasurable.` },
      { name: `${c.slug}_value`, type: c.unit === 'label' ? 'string' : 'number', description: `${c.label} : valeur (${c.unit}).` },
      { name: `${c.slug}_level`, type: 'string', description: `${c.label} : niveau atteint.` },
      { name: `${c.slug}_source`, type: 'string', description: `${c.label} : crawl (mesuré), survey (enquête) ou declared (déclaré).` },
    ]),
  ];
}

export const LONG_COLUMNS: Column[] = [
  ...IDENTITY,
  { name: 'criterion', type: 'string', description: 'Critère (voir /api/criteria).' },
  { name: 'status', type: 'string', description: 'measured, not_applicable ou unmeasurable.' },
  { name: 'value', type: 'string', description: 'Valeur : nombre ou libellé selon le critère.' },
  { name: 'level', type: 'string', description: 'Niveau atteint.' },
  { name: 'goal', type: 'boolean', description: "Objectif atteint (vide si non mesuré ou sans objectif)." },
  { name: 'source', type: 'string', description: 'crawl, survey ou declared.' },
  { name: 'reason', type: 'string', description: 'Pourquoi la valeur est non mesurable ou non applicable.' },
  { name: 'change', type: 'string', description: "Évolution depuis l'édition précédente : improved, regressed, unchanged, new." },
];

export interface CsvDialect {
  /** `semicolon`: ";" separator, decimal comma and a BOM, for spreadsheets in French locales. */
  sep: 'comma' | 'semicolon';
}

/** A cell a spreadsheet would read as a formula (=, +, -, @, tab, CR) is prefixed with a quote. */
export function neutralize(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

function cell(value: unknown, dialect: CsvDialect): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return dialect.sep === 'semicolon' ? String(value).replace('.', ',') : String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return neutralize(String(value));
}

const BATCH = 1000;

/**
 * Streams rows (arrays in column order) as CSV. Rows are read lazily and written in batches of a
 * thousand, each batch quoted by csv-stringify: memory stays flat, and the per-row cost of a
 * stream in object mode is paid once per batch.
 */
export function csvStream(columns: Column[], rows: Iterable<unknown[]>, dialect: CsvDialect): Readable {
  const options = { delimiter: dialect.sep === 'semicolon' ? ';' : ',' };
  return Readable.from(
    (function* () {
      yield (dialect.sep === 'semicolon' ? '\uFEFF' : '') + stringify([columns.map((c) => c.name)], options);
      let batch: string[][] = [];
      for (const row of rows) {
        batch.push(row.map((v) => cell(v, dialect)));
        if (batch.length === BATCH) {
          yield stringify(batch, options);
          batch = [];
        }
      }
      if (batch.length > 0) yield stringify(batch, options);
    })(),
    { objectMode: false },
  );
}

export function* wideRows(table: EditionTable, ministry?: string): Generator<unknown[]> {
  for (const r of table.rows) {
    if (ministry && r.ministry.slug !== ministry) continue;
    yield [
      table.edition.slug, r.id, r.title, r.ministry.name, r.administration.name, r.audiences.join('|'), r.yearlyVolume,
      ...table.methodology.criteria.flatMap((c) => {
        const s = r.scores[c.slug];
        return [s?.status ?? 'unmeasurable', s?.value ?? null, s?.level ?? null, s?.source ?? null];
      }),
    ];
  }
}

export function* longRowsOfTable(table: EditionTable, ministry?: string): Generator<unknown[]> {
  for (const r of table.rows) {
    if (ministry && r.ministry.slug !== ministry) continue;
    for (const c of table.methodology.criteria) {
      const s = r.scores[c.slug];
      yield [table.edition.slug, r.id, r.title, r.ministry.name, r.administration.name, c.slug, s?.status ?? 'unmeasurable', s?.value ?? null, s?.level ?? null, s?.goal ?? null, s?.source ?? null, s?.reason ?? null, s?.change ?? null];
    }
  }
}

/** Every published edition's scores, read from the database row by row (never all in memory). */
export function* longRowsOfHistory(db: Db, ministry?: string): Generator<unknown[]> {
  const statement = db.$client.prepare(
    `select e.slug, p.id, p.title, m.name as ministry, a.name as administration, s.criterion, s.status,
            coalesce(s.value_num, s.value_text) as value, s.level, s.goal, s.source, s.reason, s.change
       from edition_scores s
       join editions e on e.id = s.edition_id and e.status = 'published'
       join procedures p on p.id = s.procedure_id
       join administrations a on a.id = p.administration_id
       join ministries m on m.id = a.ministry_id
      where (? is null or m.slug = ?)
      order by e.period_start, p.id, s.criterion`,
  ).raw(true);
  for (const row of statement.iterate(ministry ?? null, ministry ?? null) as Iterable<unknown[]>) {
    if (row[9] !== null) row[9] = row[9] === 1;
    yield row;
  }
}

/** The Frictionless data package describing both CSV layouts. */
export function dataPackage(methodology: Methodology, baseUrl: string) {
  const schema = (columns: Column[]) => ({ fields: columns.map((c) => ({ name: c.name, type: c.type, description: c.description })) });
  return {
    profile: 'tabular-data-package',
    name: 'observatoire-demarches-en-ligne',
    title: 'Observatoire de la qualité des démarches en ligne',
    version: `${methodology.version}.0.0`,
    licenses: [{ name: 'etalab-2.0', title: 'Licence Ouverte 2.0' }],
    resources: [
      { name: 'edition-wide', path: `${baseUrl}/api/editions/latest/export.csv?format=wide`, format: 'csv', mediatype: 'text/csv', encoding: 'utf-8', schema: schema(wideColumns(methodology)) },
      { name: 'edition-long', path: `${baseUrl}/api/editions/latest/export.csv?format=long`, format: 'csv', mediatype: 'text/csv', encoding: 'utf-8', schema: schema(LONG_COLUMNS) },
      { name: 'history-long', path: `${baseUrl}/api/export/history.csv`, format: 'csv', mediatype: 'text/csv', encoding: 'utf-8', schema: schema(LONG_COLUMNS) },
    ],
  };
}
