import type { Column, CsvDialect } from '../../server/services/exports.ts';

// The CSV writer as it was before the exports' fast path (a cell per value, then four `includes`
// per field), kept as the reference the fast path must match byte for byte.

function neutralize(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

function cell(value: unknown, dialect: CsvDialect): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return dialect.sep === 'semicolon' ? String(value).replace('.', ',') : String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return neutralize(String(value));
}

function quote(field: string, delimiter: string): string {
  return field.includes(delimiter) || field.includes('"') || field.includes('\n') || field.includes('\r') ? `"${field.replaceAll('"', '""')}"` : field;
}

/** The whole file, as the former csvStream wrote it. */
export function referenceCsv(columns: readonly Column[], rows: Iterable<readonly unknown[]>, dialect: CsvDialect): string {
  const delimiter = dialect.sep === 'semicolon' ? ';' : ',';
  const line = (fields: string[]) => fields.map((f) => quote(f, delimiter)).join(delimiter);
  let out = `${dialect.sep === 'semicolon' ? '\uFEFF' : ''}${line(columns.map((c) => c.name))}\n`;
  for (const row of rows) out += `${line(row.map((v) => cell(v, dialect)))}\n`;
  return out;
}
