import { openMigratedDatabase, type Db } from '../../db/client.ts';
import { ENGINE } from '../../db/engine.ts';
import { procedures, administrations, ministries } from '../../db/schema/index.ts';
import { eq, asc } from 'drizzle-orm';
import { readCatalogueFile, DEMO_CATALOGUE } from '../../server/catalogue/file.ts';
import { importCatalogue } from '../../server/catalogue/import.ts';
import type { CatalogueRow } from '../../server/catalogue/parse.ts';
import { freshPostgresDatabase } from './postgres.ts';

/**
 * Where a test's private database lives: a SQLite file (or `:memory:`), or, when the tests run on
 * PostgreSQL (OBSERVATOIRE_DATABASE_URL, the `postgres` project), a fresh database of the test
 * cluster, made from the migrated template. `file` is ignored on PostgreSQL.
 */
export async function testDatabaseLocation(file = ':memory:'): Promise<string> {
  return ENGINE === 'postgres' ? freshPostgresDatabase() : file;
}

/** A fresh, migrated, private database. */
export async function createTestDb(file = ':memory:'): Promise<Db> {
  return openMigratedDatabase(await testDatabaseLocation(file));
}

/** A fresh database holding the demo catalogue (250 procedures). */
export async function createDemoDb(file = ':memory:'): Promise<Db> {
  const db = await createTestDb(file);
  const parsed = await readCatalogueFile(DEMO_CATALOGUE);
  if (parsed.errors.length > 0) throw new Error(`demo catalogue invalid: ${JSON.stringify(parsed.errors)}`);
  await importCatalogue(db, parsed.rows);
  return db;
}

let nextId = 9000;

/** A valid catalogue row; override what the test is about. */
export function catalogueRow(overrides: Partial<CatalogueRow> = {}): CatalogueRow {
  const id = overrides.id ?? nextId++;
  return {
    line: 2,
    id,
    title: `Démarche de test ${id}`,
    ministry: "Ministère de l'Intérieur",
    administration: 'Agence nationale des titres sécurisés (ANTS)',
    audiences: ['particuliers'],
    yearlyVolume: 1_000_000,
    startUrl: `http://test-${id}.demarches.test/`,
    surveyId: null,
    keywords: [],
    ...overrides,
  };
}

/** The ids of a ministry's procedures (the team tests' scope). */
export async function procedureIdsOf(db: Db, ministrySlug: string): Promise<number[]> {
  const rows = await db
    .select({ id: procedures.id })
    .from(procedures)
    .innerJoin(administrations, eq(administrations.id, procedures.administrationId))
    .innerJoin(ministries, eq(ministries.id, administrations.ministryId))
    .where(eq(ministries.slug, ministrySlug))
    .orderBy(asc(procedures.id));
  return rows.map((r) => r.id);
}
