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

/** Text strings whose written form is kept: titles, names and labels repeat on every row. */
const KNOWN_TEXTS = 20_000;

/**
 * The cells of one dialect, as written. RFC 4180 quoting — a field holding the delimiter, a quote
 * or a line break is quoted, its quotes doubled — is decided by one regular expression, and a
 * text seen before is not looked at again: an export's strings are a few hundred titles, names
 * and labels repeated over its rows. Numbers and booleans never need quoting (a number's decimal
 * comma is not the semicolon dialect's delimiter). Written here rather than through
 * csv-stringify, which the benchmark measured at half the export target; csv-parse reads it
 * back in the tests.
 */
export class CsvCells {
  readonly delimiter: string;
  private readonly semicolon: boolean;
  private readonly needsQuotes: RegExp;
  private readonly texts = new Map<string, string>();

  constructor(dialect: CsvDialect) {
    this.semicolon = dialect.sep === 'semicolon';
    this.delimiter = this.semicolon ? ';' : ',';
    this.needsQuotes = this.semicolon ? /[;"\n\r]/ : /[,"\n\r]/;
  }

  /** The header line, with a BOM in the semicolon dialect (spreadsheets read it as UTF-8). */
  header(columns: readonly Column[]): string {
    const quoted = columns.map((c) => (this.needsQuotes.test(c.name) ? `"${c.name.replaceAll('"', '""')}"` : c.name));
    return `${this.semicolon ? '\uFEFF' : ''}${quoted.join(this.delimiter)}\n`;
  }

  /** A text cell: neutralised, then quoted if it must be. */
  text(value: string): string {
    let written = this.texts.get(value);
    if (written === undefined) {
      written = neutralize(value);
      if (this.needsQuotes.test(written)) written = `"${written.replaceAll('"', '""')}"`;
      if (this.texts.size < KNOWN_TEXTS) this.texts.set(value, written);
    }
    return written;
  }

  number(value: number): string {
    return this.semicolon ? String(value).replace('.', ',') : String(value);
  }

  /** Any value: empty for null, a number with the dialect's decimal mark, true/false, or text. */
  cell(value: unknown): string {
    switch (typeof value) {
      case 'string':
        return this.text(value);
      case 'number':
        return this.number(value);
      case 'boolean':
        return value ? 'true' : 'false';
      default:
        return value === null || value === undefined ? '' : this.text(String(value));
    }
  }

  /** One row, its line break included. */
  line(row: readonly unknown[]): string {
    let out = row.length > 0 ? this.cell(row[0]) : '';
    for (let i = 1; i < row.length; i++) out += this.delimiter + this.cell(row[i]);
    return `${out}\n`;
  }
}

/** The size a chunk of CSV text grows to before it is written: a few dozen writes for the whole history. */
const CHUNK_CHARS = 64 * 1024;

/**
 * A readable stream over text made synchronously: each read takes chunks until the stream's
 * buffer is full, so no promise is made per row and the reader's pace is respected. Destroyed
 * early (the client went away), the source is closed.
 */
export function textStream(chunks: Iterator<string>): Readable {
  return new Readable({
    highWaterMark: CHUNK_CHARS,
    read() {
      try {
        for (;;) {
          const next = chunks.next();
          if (next.done) {
            this.push(null);
            return;
          }
          if (!this.push(next.value)) return;
        }
      } catch (err) {
        this.destroy(err as Error);
      }
    },
    destroy(err, callback) {
      try {
        chunks.return?.();
      } finally {
        callback(err);
      }
    },
  });
}

/** Rows gathered into chunks of about CHUNK_CHARS characters. */
function* chunked(cells: CsvCells, header: string, rows: Iterable<readonly unknown[]>): Generator<string> {
  let chunk = header;
  for (const row of rows) {
    chunk += cells.line(row);
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/**
 * Streams rows (arrays in column order) as CSV, read lazily and written in chunks of about 64 KB.
 * Rows read from the database page by page (PostgreSQL) come as an async iterable.
 */
export function csvStream(columns: readonly Column[], rows: Iterable<readonly unknown[]> | AsyncIterable<readonly unknown[]>, dialect: CsvDialect): Readable {
  const cells = new CsvCells(dialect);
  const header = cells.header(columns);
  if (Symbol.iterator in rows) return textStream(chunked(cells, header, rows));
  return Readable.from(
    (async function* () {
      let chunk = header;
      for await (const row of rows) {
        chunk += cells.line(row);
        if (chunk.length >= CHUNK_CHARS) {
          yield chunk;
          chunk = '';
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
 * The history's statements on SQLite. The procedures' identity (title, ministry, administration)
 * is read once, not joined to each of an edition's thousands of scores (reading those three
 * strings on every row was half of the read), and each edition's scores in primary-key order:
 * SQLite walks the index and never sorts. Exported for the benchmark, whose baseline iterates
 * exactly these statements.
 */
export const SQLITE_HISTORY = {
  editions: `select id, slug from editions where status = 'published' order by period_start`,
  /** `?` twice: the ministry's slug, or null for every procedure. */
  procedures: `select p.id, p.title, m.name as ministry, a.name as administration
                 from procedures p
                 join administrations a on a.id = p.administration_id
                 join ministries m on m.id = a.ministry_id
                where (? is null or m.slug = ?)`,
  /** `?`: the edition's id. */
  scores: `select procedure_id, criterion, status, coalesce(value_num, value_text) as value, level, goal, source, reason, change
             from edition_scores
            where edition_id = ?
            order by procedure_id, criterion`,
} as const;

const SCORE_COLUMNS = ['procedure_id', 'criterion', 'status', 'value', 'level', 'goal', 'source', 'reason', 'change'] as const;

/**
 * Every published edition's scores in long form, oldest edition first, as CSV. On SQLite an
 * edition is read at once (a few thousand rows: memory stays bounded by the largest edition)
 * rather than iterated at the client's pace — an iterator left open holds the connection busy,
 * refusing the server's writes until the download ends — and written straight to text, in
 * chunks of about 64 KB: a procedure's identity once per export, each text once per export. On
 * PostgreSQL, page by page (HISTORY_PAGE rows), the same writer.
 */
export function historyCsvStream(db: Db, dialect: CsvDialect, ministry?: string): Readable {
  const cells = new CsvCells(dialect);
  const header = cells.header(LONG_COLUMNS);
  if (db.sqlite) return textStream(sqliteHistory(db.sqlite, cells, header, ministry));
  return Readable.from(pagedHistory(db, cells, header, ministry), { objectMode: false });
}

/**
 * Numbers as published and written, by dialect and criterion: the rounding reads a number as
 * decimal text, slow to do on every row, and a pure function of the three (kept across exports).
 */
const publishedNumbers = { comma: new Map<string, Map<number, string>>(), semicolon: new Map<string, Map<number, string>>() };

/**
 * A score's cells after the identity columns, its line break included: criterion, status, value,
 * level, goal, source, reason, change; a number at its criterion's precision.
 */
class ScoreWriter {
  private readonly values: Map<string, Map<number, string>>;

  constructor(readonly cells: CsvCells) {
    this.values = publishedNumbers[cells.delimiter === ';' ? 'semicolon' : 'comma'];
  }

  value(criterion: string, value: number): string {
    let known = this.values.get(criterion);
    if (!known) this.values.set(criterion, (known = new Map()));
    let written = known.get(value);
    if (written === undefined) {
      written = this.cells.number(publishedScore(criterion, value));
      if (known.size < KNOWN_TEXTS) known.set(value, written);
    }
    return written;
  }

  line(criterion: string, status: unknown, value: unknown, level: unknown, goal: unknown, source: unknown, reason: unknown, change: unknown): string {
    const cells = this.cells;
    const d = cells.delimiter;
    return (
      cells.text(criterion) + d +
      cells.cell(status) + d +
      (typeof value === 'number' ? this.value(criterion, value) : cells.cell(value)) + d +
      cells.cell(level) + d +
      // SQLite stores a boolean as 0 or 1.
      (goal === null || goal === undefined ? '' : goal === true || goal === 1 ? 'true' : 'false') + d +
      cells.cell(source) + d +
      cells.cell(reason) + d +
      cells.cell(change) + '\n'
    );
  }
}

/** Rows of an edition written per chunk: about CHUNK_CHARS (a line is about two hundred characters). */
const HISTORY_CHUNK_ROWS = 320;

/** SQLite: the procedures once, then each edition's scores, read at once and written in chunks. */
function* sqliteHistory(sqlite: NonNullable<Db['sqlite']>, cells: CsvCells, header: string, ministry?: string): Generator<string> {
  const published = sqlite.prepare(SQLITE_HISTORY.editions).all() as { id: number; slug: string }[];
  const statement = sqlite.prepare(SQLITE_HISTORY.scores).raw(true);
  // The query and the names agree, or nothing is exported.
  const names = statement.columns().map((c) => c.name);
  if (names.join() !== SCORE_COLUMNS.join()) throw new Error(`history export: the query's columns (${names.join(', ')}) are not ${SCORE_COLUMNS.join(', ')}`);
  const d = cells.delimiter;
  const scores = new ScoreWriter(cells);
  // Each procedure's identity columns as written (a ministry's only, when sliced by ministry).
  const identities = new Map<number, string>();
  for (const [id, title, ministryName, administration] of sqlite.prepare(SQLITE_HISTORY.procedures).raw(true).iterate(ministry ?? null, ministry ?? null) as Iterable<[number, string, string, string]>) {
    identities.set(id, cells.cell(id) + d + cells.cell(title) + d + cells.cell(ministryName) + d + cells.cell(administration) + d);
  }
  yield header;
  for (const edition of published) {
    const slug = cells.text(edition.slug) + d;
    const rows = statement.all(edition.id) as unknown[][];
    let chunk = '';
    let n = 0;
    let procedure: unknown;
    let identity: string | undefined;
    for (const row of rows) {
      if (row[0] !== procedure) {
        procedure = row[0];
        const known = identities.get(procedure as number);
        identity = known === undefined ? undefined : slug + known;
      }
      if (identity === undefined) continue; // another ministry's
      chunk += identity + scores.line(row[1] as string, row[2], row[3], row[4], row[5], row[6], row[7], row[8]);
      if (++n === HISTORY_CHUNK_ROWS) {
        yield chunk;
        chunk = '';
        n = 0;
      }
    }
    if (chunk) yield chunk;
  }
}

/** Rows of the history a PostgreSQL page holds: memory stays bounded whatever the history's size. */
const HISTORY_PAGE = 5000;

/**
 * PostgreSQL: each edition read in pages of the same order (keyset: the page after the last
 * procedure and criterion read), criteria compared byte by byte as SQLite does.
 */
async function* pagedHistory(db: Db, cells: CsvCells, header: string, ministry?: string): AsyncGenerator<string> {
  const published = await db.select({ id: editions.id, slug: editions.slug }).from(editions).where(eq(editions.status, 'published')).orderBy(editions.periodStart);
  const criterion = byteOrder(db, editionScores.criterion);
  const scores = new ScoreWriter(cells);
  yield header;
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
      const d = cells.delimiter;
      const slug = cells.text(edition.slug) + d;
      let chunk = '';
      let procedure: number | undefined;
      let identity = '';
      for (const r of page) {
        if (r.procedureId !== procedure) {
          procedure = r.procedureId;
          identity = slug + cells.cell(r.procedureId) + d + cells.cell(r.title) + d + cells.cell(r.ministry) + d + cells.cell(r.administration) + d;
        }
        chunk += identity + scores.line(r.criterion, r.status, storedValue(r), r.level, r.goal, r.source, r.reason, r.change);
      }
      if (chunk) yield chunk;
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
