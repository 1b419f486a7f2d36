import { desc, eq, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { administrations, editions, editionScores, ministries, procedures } from '../../db/schema/index.ts';
import { groupScores, methodologyVersion, publishedScore, storedValue, type Methodology, type ProcedureValues } from '../../methodology/index.ts';
import { publishedEditions } from '../../db/published.ts';
import { DomainError, type EditionRow as ListRow, type GroupSynthesis, type ScoreCell, type TableCell } from '../../contracts/index.ts';

// Read side of published editions. A published edition never changes, so its table is built
// once and kept in memory: the procedures list and the syntheses are then answered from it.

export type Edition = typeof editions.$inferSelect;

export type { ScoreCell };

/** The refusal for an edition slug no published edition answers to. */
export const notPublished = (slug: string): DomainError => new DomainError('edition.not_published', `no published edition "${slug}"`, { slug });

export interface EditionRow {
  id: number;
  title: string;
  ministry: { slug: string; name: string };
  administration: { slug: string; name: string };
  audiences: string[];
  yearlyVolume: number;
  startUrl: string;
  /** Lower-case, accents removed: what the search compares against. */
  searchText: string;
  scores: Record<string, ScoreCell>;
}

export interface EditionTable {
  edition: Edition;
  methodology: Methodology;
  rows: EditionRow[];
}

export async function listPublishedEditions(db: Db): Promise<Edition[]> {
  return db.select().from(editions).where(eq(editions.status, 'published')).orderBy(desc(editions.periodStart));
}

/**
 * A published edition by slug, or the latest one for "latest": from the list of published
 * editions kept in memory (db/published.ts), read again when it is a second old.
 */
export async function findPublishedEdition(db: Db, slug: string): Promise<Edition | undefined> {
  return (await publishedEditions(db)).find(slug);
}

/** A text column in byte order, as SQLite orders it (PostgreSQL's default order follows the database's locale). */
export function byteOrder(db: Db, column: AnyColumn): SQL {
  return db.engine === 'postgres' ? sql`${column} collate "C"` : sql`${column}`;
}

export function fold(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/** The columns of a stored score, as the API reads them. */
export const scoreColumns = {
  criterion: editionScores.criterion,
  status: editionScores.status,
  valueNum: editionScores.valueNum,
  valueText: editionScores.valueText,
  level: editionScores.level,
  goal: editionScores.goal,
  source: editionScores.source,
  reason: editionScores.reason,
  change: editionScores.change,
  observationId: editionScores.observationId,
  declarationId: editionScores.declarationId,
};

/**
 * Published edition tables, per database: an edition id means something only in its own
 * database, and the cache goes with the database object (several apps in one process — the
 * tests, a CLI next to a server — never read each other's tables).
 */
const tables = new WeakMap<Db, Map<number, Promise<EditionTable>>>();

/**
 * A published edition's table, built once: requests arriving while it is being built wait for
 * that build instead of starting their own (on PostgreSQL a build takes a second; twenty at once
 * would take twenty).
 */
export function editionTable(db: Db, edition: Edition): Promise<EditionTable> {
  if (edition.status !== 'published') return buildEditionTable(db, edition);
  let cache = tables.get(db);
  if (!cache) tables.set(db, (cache = new Map()));
  const known = cache.get(edition.id);
  if (known) return known;
  const building = buildEditionTable(db, edition);
  cache.set(edition.id, building);
  building.catch(() => cache.delete(edition.id));
  return building;
}

async function buildEditionTable(db: Db, edition: Edition): Promise<EditionTable> {
  const methodology = methodologyVersion(edition.methodologyVersion);
  if (!methodology) throw new Error(`edition ${edition.slug} uses unknown methodology v${edition.methodologyVersion}`);
  const rows = new Map<number, EditionRow>();
  const scores = await db
    .select({
      procedureId: editionScores.procedureId,
      ...scoreColumns,
      title: procedures.title,
      audiences: procedures.audiences,
      yearlyVolume: procedures.yearlyVolume,
      startUrl: procedures.startUrl,
      keywords: procedures.keywords,
      ministrySlug: ministries.slug,
      ministryName: ministries.name,
      administrationSlug: administrations.slug,
      administrationName: administrations.name,
    })
    .from(editionScores)
    .innerJoin(procedures, eq(editionScores.procedureId, procedures.id))
    .innerJoin(administrations, eq(procedures.administrationId, administrations.id))
    .innerJoin(ministries, eq(administrations.ministryId, ministries.id))
    .where(eq(editionScores.editionId, edition.id))
    .orderBy(editionScores.procedureId, byteOrder(db, editionScores.criterion));
  for (const s of scores) {
    let row = rows.get(s.procedureId);
    if (!row) {
      row = {
        id: s.procedureId,
        title: s.title,
        ministry: { slug: s.ministrySlug, name: s.ministryName },
        administration: { slug: s.administrationSlug, name: s.administrationName },
        audiences: s.audiences,
        yearlyVolume: s.yearlyVolume,
        startUrl: s.startUrl,
        // The catalogue's keywords too: "impôts" finds "Déclaration des revenus".
        searchText: fold(`${s.title} ${s.administrationName} ${s.ministryName} ${s.keywords.join(' ')}`),
        scores: {},
      };
      rows.set(s.procedureId, row);
    }
    row.scores[s.criterion] = {
      status: s.status,
      value: publishedScore(s.criterion, storedValue(s)),
      level: s.level,
      goal: s.goal,
      source: s.source,
      reason: s.reason,
      change: s.change,
      observationId: s.observationId,
      declarationId: s.declarationId,
    };
  }
  return { edition, methodology, rows: [...rows.values()].sort((a, b) => b.yearlyVolume - a.yearlyVolume || a.id - b.id) };
}

/** A row as the edition's list carries it (contracts' EditionRow): no search text, no start URL, no evidence ids. */
export function listRow(row: EditionRow): ListRow {
  const scores: Record<string, TableCell> = {};
  for (const [criterion, { observationId: _o, declarationId: _d, ...cell }] of Object.entries(row.scores)) scores[criterion] = cell;
  return { id: row.id, title: row.title, ministry: row.ministry, administration: row.administration, audiences: row.audiences as ListRow['audiences'], yearlyVolume: row.yearlyVolume, scores };
}

export interface ProcedureQuery {
  ministry?: string;
  administration?: string;
  audience?: string;
  q?: string;
  sort?: string;
  dir?: 'asc' | 'desc';
}

const frenchOrder = new Intl.Collator('fr', { sensitivity: 'base' });

/** Filters and sorts an edition's table. Sorting on a criterion puts "not measured" last, both ways. */
export function queryRows(table: EditionTable, query: ProcedureQuery): EditionRow[] {
  const words = query.q ? fold(query.q).split(/\s+/).filter(Boolean) : [];
  const rows = table.rows.filter(
    (r) =>
      (!query.ministry || r.ministry.slug === query.ministry) &&
      (!query.administration || r.administration.slug === query.administration) &&
      (!query.audience || r.audiences.includes(query.audience)) &&
      words.every((w) => r.searchText.includes(w)),
  );
  const sort = query.sort ?? 'volume';
  const sign = query.dir === 'asc' ? 1 : -1;
  const criterion = table.methodology.criteria.find((c) => c.slug === sort);
  if (criterion) {
    const order = criterion.scale.kind === 'none' ? [] : criterion.scale.levels.map((l) => l.label);
    const higherIsBetter = criterion.scale.kind !== 'lower';
    // Quality key: goal first, then the level's place in the table (best first), then the value.
    const key = (r: EditionRow): number[] | null => {
      const s = r.scores[criterion.slug];
      if (!s || s.status !== 'measured') return null;
      const value = typeof s.value === 'number' ? (higherIsBetter ? s.value : -s.value) : 0;
      return [s.goal ? 1 : 0, -order.indexOf(s.level ?? ''), value];
    };
    return rows
      .map((r) => ({ r, k: key(r) }))
      .sort((a, b) => {
        if (!a.k || !b.k) return a.k ? -1 : b.k ? 1 : a.r.id - b.r.id;
        for (let i = 0; i < a.k.length; i++) if (a.k[i] !== b.k[i]) return sign * (a.k[i]! - b.k[i]!);
        return a.r.id - b.r.id;
      })
      .map((x) => x.r);
  }
  const compare: Record<string, (a: EditionRow, b: EditionRow) => number> = {
    volume: (a, b) => a.yearlyVolume - b.yearlyVolume,
    title: (a, b) => frenchOrder.compare(a.title, b.title),
    ministry: (a, b) => frenchOrder.compare(a.ministry.name, b.ministry.name),
    administration: (a, b) => frenchOrder.compare(a.administration.name, b.administration.name),
  };
  const by = compare[sort] ?? compare['volume']!;
  return rows.sort((a, b) => sign * by(a, b) || a.id - b.id);
}

export type { GroupSynthesis };

/** Share reaching the goal per criterion for each group, with the trend since the previous edition. */
export function groupSyntheses(table: EditionTable, previous: EditionTable | undefined, by: 'ministry' | 'administration' | 'observatory'): GroupSynthesis[] {
  const groupOf = (r: EditionRow) => (by === 'observatory' ? { slug: 'observatoire', name: "Ensemble de l'Observatoire" } : r[by]);
  const groups = (t: EditionTable) => {
    const map = new Map<string, { slug: string; name: string; rows: EditionRow[] }>();
    for (const r of t.rows) {
      const g = groupOf(r);
      const entry = map.get(g.slug) ?? { ...g, rows: [] };
      entry.rows.push(r);
      map.set(g.slug, entry);
    }
    return map;
  };
  const before = previous ? groups(previous) : new Map();
  return [...groups(table).values()]
    .sort((a, b) => frenchOrder.compare(a.name, b.name))
    .map((g) => {
      const prev = before.get(g.slug);
      const prevScores = prev ? groupScores(previous!.methodology, asProcedureValues(prev.rows)) : [];
      return {
        slug: g.slug,
        name: g.name,
        procedures: g.rows.length,
        scores: groupScores(table.methodology, asProcedureValues(g.rows)).map((s) => {
          const p = prevScores.find((x) => x.criterion === s.criterion)?.share ?? null;
          return { ...s, previousShare: p, trend: p === null || s.share === null ? null : s.share - p };
        }),
      };
    });
}

/** Stored cells say `status`; the methodology's group score reads resolved values (`state`). */
function asProcedureValues(rows: EditionRow[]): ProcedureValues[] {
  return rows.map((r) => ({
    procedureId: r.id,
    values: Object.fromEntries(Object.entries(r.scores).map(([k, c]) => [k, { state: c.status, value: c.value, level: c.level, goal: c.goal, reason: c.reason }])),
  }));
}
