import { openMigratedDatabase, type Db } from '../../db/client.ts';
import { readCatalogueFile, DEMO_CATALOGUE } from '../../server/catalogue/file.ts';
import { importCatalogue } from '../../server/catalogue/import.ts';
import type { CatalogueRow } from '../../server/catalogue/parse.ts';

/** A fresh, migrated, private database. */
export function createTestDb(): Db {
  return openMigratedDatabase(':memory:');
}

/** A fresh database holding the demo catalogue (250 procedures). */
export async function createDemoDb(file = ':memory:'): Promise<Db> {
  const db = openMigratedDatabase(file);
  const parsed = await readCatalogueFile(DEMO_CATALOGUE);
  if (parsed.errors.length > 0) throw new Error(`demo catalogue invalid: ${JSON.stringify(parsed.errors)}`);
  importCatalogue(db, parsed.rows);
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
export function procedureIdsOf(db: Db, ministrySlug: string): number[] {
  return (
    db.$client
      .prepare('select p.id from procedures p join administrations a on a.id = p.administration_id join ministries m on m.id = a.ministry_id where m.slug = ? order by p.id')
      .all(ministrySlug) as { id: number }[]
  ).map((r) => r.id);
}
