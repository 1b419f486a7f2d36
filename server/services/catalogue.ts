import { createHash } from 'node:crypto';
import { and, asc, count, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { first, type Db } from '../../db/client.ts';
import { DEMO_HOST_SUFFIX } from '../../jobs/http/dispatcher.ts';
import { administrations, ministries, procedures } from '../../db/schema/index.ts';
import { DomainError } from '../../contracts/errors.ts';

// Read side of the catalogue, shared by the API and the CLI.

export interface CatalogueFilter {
  ministry?: string;
  administration?: string;
  includeRetired?: boolean;
}

const procedureColumns = {
  id: procedures.id,
  title: procedures.title,
  ministry: { slug: ministries.slug, name: ministries.name },
  administration: { slug: administrations.slug, name: administrations.name },
  audiences: procedures.audiences,
  yearlyVolume: procedures.yearlyVolume,
  startUrl: procedures.startUrl,
  surveyId: procedures.surveyId,
  retiredAt: procedures.retiredAt,
};

function selectProcedures(db: Db) {
  return db
    .select(procedureColumns)
    .from(procedures)
    .innerJoin(administrations, eq(procedures.administrationId, administrations.id))
    .innerJoin(ministries, eq(administrations.ministryId, ministries.id));
}

const frenchOrder = new Intl.Collator('fr', { sensitivity: 'base' });

interface Named {
  slug: string;
  name: string;
}

/**
 * A digest of every name the exports write beside the frozen scores — procedures' titles,
 * administrations' and ministries' names — which the catalogue may change at any import: what
 * an export written earlier must still match to be served again.
 */
export async function catalogueNames(db: Db): Promise<string> {
  const hash = createHash('sha1');
  for (const p of await db.select({ id: procedures.id, title: procedures.title, administrationId: procedures.administrationId }).from(procedures).orderBy(procedures.id)) hash.update(`p${p.id}\u0000${p.title}\u0000${p.administrationId}\u0001`);
  for (const a of await db.select({ id: administrations.id, name: administrations.name, ministryId: administrations.ministryId }).from(administrations).orderBy(administrations.id)) hash.update(`a${a.id}\u0000${a.name}\u0000${a.ministryId}\u0001`);
  for (const m of await db.select({ id: ministries.id, name: ministries.name, slug: ministries.slug }).from(ministries).orderBy(ministries.id)) hash.update(`m${m.id}\u0000${m.name}\u0000${m.slug}\u0001`);
  return hash.digest('base64url');
}

/**
 * Ministries by name, each with its administrations that have procedures in the catalogue, by
 * name, and every such administration by name: the table's filters, sorted here so that a phone
 * does not load French collation data to sort them.
 */
export async function listMinistries(db: Db): Promise<{ items: (Named & { administrations: Named[] })[]; administrations: Named[] }> {
  const byMinistry = new Map<string, Named & { administrations: Map<string, Named> }>();
  for (const p of await listProcedures(db)) {
    const m = byMinistry.get(p.ministry.slug) ?? { ...p.ministry, administrations: new Map<string, Named>() };
    m.administrations.set(p.administration.slug, p.administration);
    byMinistry.set(p.ministry.slug, m);
  }
  const byName = (a: Named, b: Named) => frenchOrder.compare(a.name, b.name);
  const items = [...byMinistry.values()].map((m) => ({ slug: m.slug, name: m.name, administrations: [...m.administrations.values()].sort(byName) })).sort(byName);
  return { items, administrations: items.flatMap((m) => m.administrations).sort(byName) };
}

export async function listProcedures(db: Db, filter: CatalogueFilter = {}) {
  const rows = await selectProcedures(db)
    .where(
      and(
        filter.includeRetired ? undefined : isNull(procedures.retiredAt),
        filter.ministry ? eq(ministries.slug, filter.ministry) : undefined,
        filter.administration ? eq(administrations.slug, filter.administration) : undefined,
      ),
    )
    .orderBy(sql`${procedures.yearlyVolume} desc`, asc(procedures.id));
  // SQLite orders bytes ("É" after "z"): order ministries as a French reader expects. The sort is stable.
  return rows.sort((a, b) => frenchOrder.compare(a.ministry.name, b.ministry.name));
}

export type ProcedureListItem = ReturnType<typeof selectProcedures>['_']['result'][number];

export async function getProcedure(db: Db, id: number): Promise<ProcedureListItem | undefined> {
  return first(selectProcedures(db).where(eq(procedures.id, id)));
}

async function countWhere(db: Db, table: PgTable, where: SQL): Promise<number> {
  return (await first(db.select({ n: count() }).from(table).where(where)))?.n ?? 0;
}

export async function countActiveProcedures(db: Db): Promise<number> {
  return countWhere(db, procedures, isNull(procedures.retiredAt));
}

export async function ministryExists(db: Db, slug: string): Promise<boolean> {
  return (await countWhere(db, ministries, eq(ministries.slug, slug))) > 0;
}

/** What is wrong with a view's group filters: an unknown ministry or administration is a 404, like an unknown edition. */
export async function unknownGroup(db: Db, filters: { ministry?: string; administration?: string }): Promise<DomainError | null> {
  if (filters.ministry && !(await ministryExists(db, filters.ministry))) return new DomainError('group.unknown', `unknown ministry "${filters.ministry}"`, { kind: 'ministry', slug: filters.ministry });
  if (filters.administration && !(await administrationExists(db, filters.administration))) return new DomainError('group.unknown', `unknown administration "${filters.administration}"`, { kind: 'administration', slug: filters.administration });
  return null;
}

export async function administrationExists(db: Db, slug: string): Promise<boolean> {
  return (await countWhere(db, administrations, eq(administrations.slug, slug))) > 0;
}

export { DEMO_HOST_SUFFIX };

/** The catalogue is the demo one when every active procedure starts on a demo host. */
export async function isDemoCatalogue(db: Db): Promise<boolean> {
  const real = await countWhere(
    db,
    procedures,
    and(isNull(procedures.retiredAt), sql`${procedures.startUrl} not like ${`%${DEMO_HOST_SUFFIX}/%`}`)!,
  );
  return real === 0;
}
