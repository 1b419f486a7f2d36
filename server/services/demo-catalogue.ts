import type { Db } from '../../db/client.ts';
import { readCatalogueFile, DEMO_CATALOGUE } from '../catalogue/file.ts';
import { importCatalogue, type ImportSummary } from '../catalogue/import.ts';

/** Imports fixtures/catalogue.csv (the demo universe's 250 procedures). */
export async function importDemoCatalogue(db: Db): Promise<ImportSummary> {
  const parsed = await readCatalogueFile(DEMO_CATALOGUE);
  if (parsed.errors.length > 0) throw new Error(`demo catalogue is invalid: ${JSON.stringify(parsed.errors[0])}`);
  return importCatalogue(db, parsed.rows);
}
