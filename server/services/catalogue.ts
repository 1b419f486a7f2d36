import { and, asc, count, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../../db/client.ts';
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

export function listProcedures(db: Db, filter: CatalogueFilter = {}) {
  const rows = selectProcedures(db)
    .where(
      and(
        filter.includeRetired ? undefined : isNull(procedures.retiredAt),
        filter.ministry ? eq(ministries.slug, filter.ministry) : undefined,
        filter.administration ? eq(administrations.slug, filter.administration) : undefined,
      ),
    )
    .orderBy(sql`${procedures.yearlyVolume} desc`, asc(procedures.id))
    .all();
  // SQLite orders bytes ("É" after "z"): order ministries as a French reader expects. The sort is stable.
  return rows.sort((a, b) => frenchOrder.compare(a.ministry.name, b.ministry.name));
}

export type ProcedureListItem = ReturnType<typeof selectProcedures>['_']['result'][number];

export function getProcedure(db: Db, id: number): ProcedureListItem | undefined {
  return selectProcedures(db).where(eq(procedures.id, id)).get();
}

function countWhere(db: Db, table: SQLiteTable, where: SQL): number {
  return db.select({ n: count() }).from(table).where(where).get()?.n ?? 0;
}

export function countActiveProcedures(db: Db): number {
  return countWhere(db, procedures, isNull(procedures.retiredAt));
}

export function ministryExists(db: Db, slug: string): boolean {
  return countWhere(db, ministries, eq(ministries.slug, slug)) > 0;
}

/** What is wrong with a view's group filters: an unknown ministry or administration is a 404, like an unknown edition. */
export function unknownGroup(db: Db, filters: { ministry?: string; administration?: string }): DomainError | null {
  if (filters.ministry && !ministryExists(db, filters.ministry)) return new DomainError('group.unknown', `unknown ministry "${filters.ministry}"`, { kind: 'ministry', slug: filters.ministry });
  if (filters.administration && !administrationExists(db, filters.administration)) return new DomainError('group.unknown', `unknown administration "${filters.administration}"`, { kind: 'administration', slug: filters.administration });
  return null;
}

export function administrationExists(db: Db, slug: string): boolean {
  return countWhere(db, administrations, eq(administrations.slug, slug)) > 0;
}

export { DEMO_HOST_SUFFIX };

/** The catalogue is the demo one when every active procedure starts on a demo host. */
export function isDemoCatalogue(db: Db): boolean {
  const real = countWhere(
    db,
    procedures,
    and(isNull(procedures.retiredAt), sql`${procedures.startUrl} not like ${`%${DEMO_HOST_SUFFIX}/%`}`)!,
  );
  return real === 0;
}
