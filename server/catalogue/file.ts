import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseCatalogue, type CatalogueFormat, type ParsedCatalogue } from './parse.ts';

export const DEMO_CATALOGUE = new URL('../../fixtures/catalogue.csv', import.meta.url).pathname;

/** Reads a catalogue file; its format follows its extension (.csv or .json). */
export async function readCatalogueFile(path: string): Promise<ParsedCatalogue> {
  const ext = extname(path).toLowerCase();
  const format: CatalogueFormat | undefined = ext === '.csv' ? 'csv' : ext === '.json' ? 'json' : undefined;
  if (!format) {
    return { rows: [], errors: [{ line: 1, message: `format inconnu « ${ext || path} » : un fichier .csv ou .json est attendu` }] };
  }
  return parseCatalogue(await readFile(path, 'utf8'), format);
}
