import { parse as parseCsv, CsvError } from 'csv-parse/sync';
import { AUDIENCES, type Audience } from '../../db/schema/procedures.ts';
import { administrationSlug, ministrySlug, slugify } from './slugs.ts';

// A catalogue file is validated as a whole: every bad row is reported with its line number,
// and a file with any error is rejected entirely (the importer never sees it).

export const CATALOGUE_COLUMNS = [
  'id',
  'title',
  'ministry',
  'administration',
  'audiences',
  'yearly_volume',
  'start_url',
  'survey_id',
  'keywords',
] as const;
const OPTIONAL_COLUMNS: readonly string[] = ['survey_id', 'keywords'];
const REQUIRED_COLUMNS = CATALOGUE_COLUMNS.filter((c) => !OPTIONAL_COLUMNS.includes(c));
/** Words people search a procedure by that its title does not hold ("impôts" for the income tax return). */
export const KEYWORDS_MAX = 20;
const KEYWORD_MAX_LENGTH = 60;

export interface CatalogueRow {
  line: number;
  id: number;
  title: string;
  ministry: string;
  administration: string;
  audiences: Audience[];
  yearlyVolume: number;
  startUrl: string;
  surveyId: number | null;
  /** Common words and acronyms a visitor may search it by (optional column, `;`-separated). */
  keywords: string[];
}

export interface CatalogueIssue {
  /** 1-based line of the file the problem is on. */
  line: number;
  message: string;
}

export interface ParsedCatalogue {
  rows: CatalogueRow[];
  errors: CatalogueIssue[];
}

export type CatalogueFormat = 'csv' | 'json';

type RawRecord = { line: number; fields: Record<string, unknown> };

export function parseCatalogue(text: string, format: CatalogueFormat): ParsedCatalogue {
  const read = format === 'csv' ? readCsv(text) : readJson(text);
  if ('error' in read) return { rows: [], errors: [read.error] };
  return validateRecords(read.records);
}

function readCsv(text: string): { records: RawRecord[] } | { error: CatalogueIssue } {
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  // Spreadsheets in French locales save with ";": take whichever the header uses.
  const delimiter = firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    parsed = parseCsv(text, {
      bom: true,
      delimiter,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as typeof parsed; // csv-parse's typings ignore `info: true`
  } catch (err) {
    if (err instanceof CsvError) {
      const line = (err as CsvError & { lines?: number }).lines ?? 1;
      return { error: { line, message: `fichier CSV illisible : ${err.message}` } };
    }
    throw err;
  }
  const [header, ...body] = parsed;
  if (!header) return { error: { line: 1, message: 'fichier vide : ni en-tête ni démarche' } };
  const columns = header.record.map((c) => c.toLowerCase());
  const missing = REQUIRED_COLUMNS.filter((c) => !columns.includes(c));
  if (missing.length > 0) {
    return {
      error: {
        line: header.info.lines,
        message: `colonnes manquantes dans l'en-tête : ${missing.join(', ')} (attendu : ${CATALOGUE_COLUMNS.join(',')})`,
      },
    };
  }
  const records = body.map(({ record, info }) => {
    const fields: Record<string, unknown> = {};
    if (record.length !== columns.length) {
      fields['__columns'] = `${record.length} colonnes au lieu de ${columns.length}`;
    }
    columns.forEach((c, i) => (fields[c] = record[i]));
    return { line: info.lines, fields };
  });
  return { records };
}

function readJson(text: string): { records: RawRecord[] } | { error: CatalogueIssue } {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    return { error: { line: 1, message: `fichier JSON illisible : ${(err as Error).message}` } };
  }
  if (!Array.isArray(data)) {
    return { error: { line: 1, message: 'le fichier JSON doit contenir une liste de démarches' } };
  }
  const lines = topLevelObjectLines(text);
  return {
    records: data.map((item, i) => ({
      line: lines[i] ?? 1,
      fields:
        item !== null && typeof item === 'object' && !Array.isArray(item)
          ? (item as Record<string, unknown>)
          : { __columns: "l'élément n'est pas un objet" },
    })),
  };
}

/** The line each element of a top-level JSON array starts on, so that JSON errors cite lines too. */
function topLevelObjectLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') line++;
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      if (depth === 1) lines.push(line);
      inString = true;
    } else if (ch === '{' || ch === '[') {
      if (depth === 1) lines.push(line);
      depth++;
    } else if (ch === '}' || ch === ']') {
      depth--;
    } else if (depth === 1 && /[\w-]/.test(ch ?? '') && /[,[\s]/.test(text[i - 1] ?? '')) {
      lines.push(line); // a bare number, true, false or null
    }
  }
  return lines;
}

function validateRecords(records: RawRecord[]): ParsedCatalogue {
  const rows: CatalogueRow[] = [];
  const errors: CatalogueIssue[] = [];
  const idLines = new Map<number, number>();
  const surveyLines = new Map<number, number>();
  const adminMinistry = new Map<string, { ministry: string; line: number }>();
  const adminNames = new Map<string, string>();
  const ministryNames = new Map<string, string>();

  if (records.length === 0) errors.push({ line: 1, message: 'aucune démarche dans le fichier' });

  for (const { line, fields } of records) {
    const problems: string[] = [];
    if (typeof fields['__columns'] === 'string') problems.push(fields['__columns']);

    const id = integerField(fields['id'], 'id', problems, { min: 1 });
    const title = textField(fields['title'], 'titre', problems, 250);
    const ministry = textField(fields['ministry'], 'ministère', problems, 200);
    const administration = textField(fields['administration'], 'administration', problems, 200);
    const audiences = audiencesField(fields['audiences'], problems);
    const yearlyVolume = integerField(fields['yearly_volume'], 'volume annuel', problems, { min: 0 });
    const startUrl = urlField(fields['start_url'], problems);
    const surveyId = isBlank(fields['survey_id'])
      ? null
      : integerField(fields['survey_id'], "identifiant d'enquête", problems, { min: 1 });
    const keywords = keywordsField(fields['keywords'], problems);

    if (id !== undefined) {
      const first = idLines.get(id);
      if (first !== undefined) problems.push(`identifiant ${id} déjà utilisé ligne ${first}`);
      else idLines.set(id, line);
    }
    if (surveyId !== undefined && surveyId !== null) {
      const first = surveyLines.get(surveyId);
      if (first !== undefined) problems.push(`identifiant d'enquête ${surveyId} déjà utilisé ligne ${first}`);
      else surveyLines.set(surveyId, line);
    }
    if (ministry !== undefined) {
      const slug = ministrySlug(ministry);
      const known = ministryNames.get(slug);
      if (!slug) problems.push(`ministère « ${ministry} » sans nom exploitable`);
      else if (known !== undefined && known !== ministry) {
        problems.push(`ministère « ${ministry} » trop proche de « ${known} » : écrivez le même nom`);
      } else ministryNames.set(slug, ministry);
    }
    if (administration !== undefined && ministry !== undefined) {
      const slug = administrationSlug(administration);
      const knownName = adminNames.get(slug);
      const knownMinistry = adminMinistry.get(administration);
      if (!slugify(administration)) problems.push(`administration « ${administration} » sans nom exploitable`);
      else if (knownName !== undefined && knownName !== administration) {
        problems.push(`administration « ${administration} » confondue avec « ${knownName} » (même sigle)`);
      } else if (knownMinistry && knownMinistry.ministry !== ministry) {
        problems.push(
          `administration « ${administration} » rattachée à « ${knownMinistry.ministry} » ligne ${knownMinistry.line}, pas à « ${ministry} »`,
        );
      } else {
        adminNames.set(slug, administration);
        adminMinistry.set(administration, { ministry, line });
      }
    }

    if (problems.length > 0) {
      errors.push(...problems.map((message) => ({ line, message })));
    } else {
      rows.push({
        line,
        id: id!,
        title: title!,
        ministry: ministry!,
        administration: administration!,
        audiences: audiences!,
        yearlyVolume: yearlyVolume!,
        startUrl: startUrl!,
        surveyId: surveyId ?? null,
        keywords: keywords ?? [],
      });
    }
  }
  return { rows, errors };
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** "impôts; revenus; IR" in a CSV cell, or a JSON list: each word trimmed, empty ones dropped, the same word once. */
function keywordsField(value: unknown, problems: string[]): string[] | undefined {
  if (isBlank(value)) return [];
  const list = typeof value === 'string' ? value.split(';') : Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : null;
  if (!list) {
    problems.push('mots-clés : une liste de mots séparés par des points-virgules est attendue');
    return undefined;
  }
  const words = [...new Set(list.map((w) => w.trim().replace(/\s+/g, ' ')).filter(Boolean))];
  const long = words.find((w) => w.length > KEYWORD_MAX_LENGTH);
  if (long) problems.push(`mot-clé « ${long.slice(0, 30)}… » trop long (${KEYWORD_MAX_LENGTH} caractères au plus)`);
  if (words.length > KEYWORDS_MAX) problems.push(`${words.length} mots-clés, ${KEYWORDS_MAX} au plus`);
  return long || words.length > KEYWORDS_MAX ? undefined : words;
}

function textField(value: unknown, name: string, problems: string[], maxLength: number): string | undefined {
  if (isBlank(value)) {
    problems.push(`${name} manquant`);
    return undefined;
  }
  if (typeof value !== 'string') {
    problems.push(`${name} : du texte est attendu`);
    return undefined;
  }
  const text = value.trim().replace(/\s+/g, ' ');
  if (text.length > maxLength) {
    problems.push(`${name} trop long (${text.length} caractères, ${maxLength} au plus)`);
    return undefined;
  }
  return text;
}

function integerField(value: unknown, name: string, problems: string[], { min }: { min: number }): number | undefined {
  if (isBlank(value)) {
    problems.push(`${name} manquant`);
    return undefined;
  }
  // Spreadsheets write 1 200 000 with (narrow) no-break spaces.
  const text = typeof value === 'number' ? String(value) : String(value).replace(/[\s\u00a0\u202f]/g, '');
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < min) {
    problems.push(`${name} « ${String(value)} » invalide : un entier ${min > 0 ? 'positif' : 'positif ou nul'} est attendu`);
    return undefined;
  }
  return Number(text);
}

function audiencesField(value: unknown, problems: string[]): Audience[] | undefined {
  const items = Array.isArray(value)
    ? value.map(String)
    : typeof value === 'string'
      ? value.split(/[|,]/)
      : [];
  const names = items.map((a) => slugify(a)).filter((a) => a.length > 0);
  if (names.length === 0) {
    problems.push(`publics manquants (parmi ${AUDIENCES.join(', ')})`);
    return undefined;
  }
  const unknown = names.filter((a) => !(AUDIENCES as readonly string[]).includes(a));
  if (unknown.length > 0) {
    problems.push(`public inconnu : ${unknown.join(', ')} (attendu parmi ${AUDIENCES.join(', ')})`);
    return undefined;
  }
  return [...new Set(names as Audience[])];
}

function urlField(value: unknown, problems: string[]): string | undefined {
  if (isBlank(value)) {
    problems.push('URL de départ manquante');
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(String(value).trim());
  } catch {
    problems.push(`URL de départ « ${String(value)} » invalide`);
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    problems.push(`URL de départ « ${String(value)} » : seules les adresses http et https sont acceptées`);
    return undefined;
  }
  if (url.username || url.password) {
    problems.push(`URL de départ « ${String(value)} » : pas d'identifiants dans l'adresse`);
    return undefined;
  }
  return url.href;
}
