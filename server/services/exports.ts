import { Readable } from 'node:stream';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { administrations, editions, editionScores, ministries, procedures } from '../../db/schema/index.ts';
import { publishedScore, storedValue, type Methodology } from '../../methodology/index.ts';
import { byteOrder, scoreColumns, type EditionRow, type EditionTable } from './editions.ts';

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
      { name: `${c.slug}_goal`, type: 'boolean', description: `${c.label} : objectif atteint (vide si non mesuré ou sans objectif).` },
      { name: `${c.slug}_source`, type: 'string', description: `${c.label} : crawl (mesuré), survey (enquête) ou declared (déclaré).` },
      { name: `${c.slug}_reason`, type: 'string', description: `${c.label} : pourquoi la valeur manque, ou ce qui fixe son niveau (statement_expired : déclaration de plus de 3 ans, niveau « Non », taux conservé).` },
      { name: `${c.slug}_change`, type: 'string', description: `${c.label} : évolution depuis l'édition précédente (improved, regressed, unchanged, new).` },
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
  { name: 'reason', type: 'string', description: 'Pourquoi la valeur est non mesurable ou non applicable, ou ce qui fixe le niveau d\'une valeur mesurée (statement_expired : déclaration de plus de 3 ans, niveau « Non », taux conservé).' },
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
 * RFC 4180 quoting: a field holding the delimiter, a quote or a line break is quoted, its quotes
 * doubled. Written here rather than through csv-stringify, which the benchmark measured at half
 * the export target (the quoting was the bottleneck, not SQLite); csv-parse reads it back in the tests.
 */
function quote(field: string, delimiter: string): string {
  return field.includes(delimiter) || field.includes('"') || field.includes('\n') || field.includes('\r') ? `"${field.replaceAll('"', '""')}"` : field;
}

/**
 * Streams rows (arrays in column order) as CSV, read lazily and written a thousand rows a chunk.
 * Rows read from the database page by page (PostgreSQL) come as an async iterable.
 */
export function csvStream(columns: Column[], rows: Iterable<unknown[]> | AsyncIterable<unknown[]>, dialect: CsvDialect): Readable {
  const delimiter = dialect.sep === 'semicolon' ? ';' : ',';
  const line = (fields: string[]) => fields.map((f) => quote(f, delimiter)).join(delimiter);
  const header = `${dialect.sep === 'semicolon' ? '\uFEFF' : ''}${line(columns.map((c) => c.name))}\n`;
  // `for await` reads a plain iterable as well as the PostgreSQL export's pages.
  return Readable.from(
    (async function* () {
      yield header;
      let chunk = '';
      let n = 0;
      for await (const row of rows) {
        chunk += `${line(row.map((v) => cell(v, dialect)))}\n`;
        if (++n === BATCH) {
          yield chunk;
          chunk = '';
          n = 0;
        }
      }
      if (chunk) yield chunk;
    })(),
    { objectMode: false },
  );
}

/** One CSV row per procedure; `rows` is the table or a filtered, sorted view of it. */
export function* wideRows(table: EditionTable, rows: readonly EditionRow[] = table.rows): Generator<unknown[]> {
  for (const r of rows) {
    yield [
      table.edition.slug, r.id, r.title, r.ministry.name, r.administration.name, r.audiences.join('|'), r.yearlyVolume,
      ...table.methodology.criteria.flatMap((c) => {
        const s = r.scores[c.slug];
        return [s?.status ?? 'unmeasurable', s?.value ?? null, s?.level ?? null, s?.goal ?? null, s?.source ?? null, s?.reason ?? null, s?.change ?? null];
      }),
    ];
  }
}

export function* longRowsOfTable(table: EditionTable, rows: readonly EditionRow[] = table.rows): Generator<unknown[]> {
  for (const r of rows) {
    for (const c of table.methodology.criteria) {
      const s = r.scores[c.slug];
      yield [table.edition.slug, r.id, r.title, r.ministry.name, r.administration.name, c.slug, s?.status ?? 'unmeasurable', s?.value ?? null, s?.level ?? null, s?.goal ?? null, s?.source ?? null, s?.reason ?? null, s?.change ?? null];
    }
  }
}

/**
 * Every published edition's scores, oldest edition first, read row by row (never all in memory).
 * One edition at a time, in primary-key order: SQLite walks the index and never sorts.
 */
/** The history query's columns, in order: rows are read as arrays (fast), their cells by these names. */
const HISTORY_COLUMNS = ['procedure_id', 'title', 'ministry', 'administration', 'criterion', 'status', 'value', 'level', 'goal', 'source', 'reason', 'change'] as const;
const column = (name: (typeof HISTORY_COLUMNS)[number]) => HISTORY_COLUMNS.indexOf(name);
const CRITERION = column('criterion');
const VALUE = column('value');
const GOAL = column('goal');

export function longRowsOfHistory(db: Db, ministry?: string): Iterable<unknown[]> | AsyncIterable<unknown[]> {
  return db.sqlite ? sqliteHistory(db.sqlite, ministry) : pagedHistory(db, ministry);
}

/** SQLite: one prepared statement per edition, iterated row by row. */
function* sqliteHistory(sqlite: NonNullable<Db['sqlite']>, ministry?: string): Generator<unknown[]> {
  const published = sqlite.prepare(`select id, slug from editions where status = 'published' order by period_start`).all() as { id: number; slug: string }[];
  const statement = sqlite.prepare(
    `select s.procedure_id, p.title, m.name as ministry, a.name as administration, s.criterion, s.status,
            coalesce(s.value_num, s.value_text) as value, s.level, s.goal, s.source, s.reason, s.change
       from edition_scores s
       join procedures p on p.id = s.procedure_id
       join administrations a on a.id = p.administration_id
       join ministries m on m.id = a.ministry_id
      where s.edition_id = ? and (? is null or m.slug = ?)
      order by s.edition_id, s.procedure_id, s.criterion`,
  ).raw(true);
  // The query and the names agree, or nothing is exported.
  const names = statement.columns().map((c) => c.name);
  if (names.join() !== HISTORY_COLUMNS.join()) throw new Error(`history export: the query's columns (${names.join(', ')}) are not ${HISTORY_COLUMNS.join(', ')}`);
  for (const edition of published) {
    for (const row of statement.iterate(edition.id, ministry ?? null, ministry ?? null) as Iterable<unknown[]>) {
      if (row[GOAL] !== null) row[GOAL] = row[GOAL] === 1;
      row[VALUE] = publishedScore(row[CRITERION] as string, row[VALUE] as number | string | null);
      yield [edition.slug, ...row];
    }
  }
}

/** Rows of the history a PostgreSQL page holds: memory stays bounded whatever the history's size. */
const HISTORY_PAGE = 5000;

/**
 * PostgreSQL: each edition read in pages of the same order (keyset: the page after the last
 * procedure and criterion read), criteria compared byte by byte as SQLite does.
 */
async function* pagedHistory(db: Db, ministry?: string): AsyncGenerator<unknown[]> {
  const published = await db.select({ id: editions.id, slug: editions.slug }).from(editions).where(eq(editions.status, 'published')).orderBy(editions.periodStart);
  const criterion = byteOrder(db, editionScores.criterion);
  for (const edition of published) {
    let after: { procedureId: number; criterion: string } | undefined;
    for (;;) {
      const page = await db
        .select({
          procedureId: editionScores.procedureId,
          title: procedures.title,
          ministry: ministries.name,
          administration: administrations.name,
          ...scoreColumns,
        })
        .from(editionScores)
        .innerJoin(procedures, eq(procedures.id, editionScores.procedureId))
        .innerJoin(administrations, eq(administrations.id, procedures.administrationId))
        .innerJoin(ministries, eq(ministries.id, administrations.ministryId))
        .where(
          and(
            eq(editionScores.editionId, edition.id),
            ministry !== undefined ? eq(ministries.slug, ministry) : undefined,
            after ? sql`(${editionScores.procedureId}, ${criterion}) > (${after.procedureId}, ${after.criterion})` : undefined,
          ),
        )
        .orderBy(editionScores.procedureId, criterion)
        .limit(HISTORY_PAGE);
      for (const r of page) {
        // In the order of HISTORY_COLUMNS, as the SQLite query reads them.
        yield [edition.slug, r.procedureId, r.title, r.ministry, r.administration, r.criterion, r.status, publishedScore(r.criterion, storedValue(r)), r.level, r.goal, r.source, r.reason, r.change];
      }
      const last = page.at(-1);
      if (page.length < HISTORY_PAGE || !last) break;
      after = { procedureId: last.procedureId, criterion: last.criterion };
    }
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
