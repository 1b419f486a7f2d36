import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

// The real-world corpus (fixtures/real-world/): each case served as its own local site, checked
// by `observatoire check --json` as a user would run it, and compared with its label.

export const CORPUS_DIR = fileURLToPath(new URL('../../fixtures/real-world/', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/observatoire.js', import.meta.url));

/** The criteria the corpus labels, each with the agreement it must reach (issue #11). */
export const CRITERIA = ['online', 'auth', 'handicap', 'dlnuf', 'mobile'] as const;
export const THRESHOLD = 0.97;

type Answer = string | number;
interface Expected {
  value: Answer;
  accept?: Answer[];
  why: string;
}
interface ExpectedStatement {
  statement: 'found' | 'missing' | 'unreachable';
  state: string | null;
  rate: number | null;
  date: string | null;
  accept?: { state?: (string | null)[]; rate?: (number | null)[]; date?: (string | null)[]; statement?: string[] };
  why: string;
}

export interface Label {
  id: string;
  source: string[];
  adapted: string;
  kinds: string[];
  markup: string;
  start: string;
  charset?: string;
  expected: {
    online: Expected;
    auth: Expected;
    handicap: ExpectedStatement;
    dlnuf: Expected;
    mobile: Expected;
  };
}

export interface Case {
  id: string;
  dir: string;
  label: Label;
}

/** Every case of the corpus, its label checked for shape (a malformed label fails loudly). */
export function loadCases(dir = CORPUS_DIR, only?: (id: string) => boolean): Case[] {
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory() && (!only || only(name)))
    .sort()
    .map((id) => {
      const file = join(dir, id, 'label.json');
      let label: Label;
      try {
        label = JSON.parse(readFileSync(file, 'utf8')) as Label;
      } catch (err) {
        throw new Error(`${file}: ${(err as Error).message}`, { cause: err });
      }
      const problems = labelProblems(label, id);
      if (problems.length > 0) throw new Error(`${file}: ${problems.join('; ')}`);
      return { id, dir: join(dir, id), label };
    });
}

export function labelProblems(label: Label, id: string): string[] {
  const problems: string[] = [];
  if (label.id !== id) problems.push(`id "${label.id}" is not the folder's name`);
  if (!Array.isArray(label.source) || label.source.length === 0) problems.push('no source');
  if (typeof label.start !== 'string' || !label.start.startsWith('/')) problems.push('start must be a path');
  for (const c of CRITERIA) {
    const e = label.expected?.[c] as unknown as Record<string, unknown> | undefined;
    if (!e) problems.push(`no expected.${c}`);
    else if (typeof e['why'] !== 'string' || e['why'] === '') problems.push(`expected.${c} has no why`);
    else if (c === 'handicap' ? !['found', 'missing', 'unreachable'].includes(e['statement'] as string) : e['value'] === undefined) problems.push(`expected.${c} has no value`);
  }
  return problems;
}

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.txt': 'text/plain; charset=utf-8' };

/** The file a path of the case's site answers with, or null (404). */
export function resolveFile(site: string, path: string): string | null {
  const clean = normalize(decodeURIComponent(path.split('?')[0]!)).replace(/^(\.\.[/\\])+/, '');
  for (const candidate of [join(site, clean), join(site, `${clean}.html`), join(site, clean, 'index.html')]) {
    if (!candidate.startsWith(site)) return null;
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** Serves one case's site on a loopback port. */
export async function serveCase(c: Case): Promise<{ server: Server; url: string }> {
  const site = join(c.dir, 'site');
  const charset = c.label.charset ?? 'utf-8';
  const server = createServer((req, res) => {
    const file = resolveFile(site, req.url ?? '/');
    if (!file) {
      res.writeHead(404, { 'content-type': `text/html; charset=utf-8` });
      res.end('<!DOCTYPE html><html lang="fr"><head><title>Page non trouvée</title></head><body><h1>Erreur 404 : page non trouvée</h1></body></html>');
      return;
    }
    const ext = extname(file);
    res.writeHead(200, { 'content-type': ext === '.html' || ext === '' ? `text/html; charset=${charset}` : (TYPES[ext] ?? 'application/octet-stream') });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${c.label.start}` };
}

export interface CheckJson {
  url: string;
  checks: Record<string, { status: string; value?: Answer | null; reason?: string; state?: string | null; statementDate?: string | null; statement?: string }>;
}

/** Runs `observatoire check --json` once on every URL (one process, one Chromium). */
export function runCheck(urls: string[]): Promise<CheckJson[]> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [BIN, 'check', '--json', '--allow-private', ...urls], { timeout: 600_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, OBSERVATOIRE_DEMO: 'off' } }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`observatoire check failed: ${err.message}\n${stderr}`));
      resolve(stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as CheckJson));
    });
  });
}

/** One row of the comparison: a criterion (or a part of the handicap reading) on one case. */
export interface Verdict {
  case: string;
  criterion: string;
  expected: string;
  got: string;
  agrees: boolean;
  why: string;
}

const show = (v: unknown) => (v === null || v === undefined ? '—' : String(v));

/** What a check answered, as the label writes it: its value when measured, else its state. */
function answerOf(check: CheckJson['checks'][string] | undefined): Answer {
  if (!check) return 'missing';
  if (check.status === 'measured') return check.value ?? 'null';
  return check.status;
}

export function compare(c: Case, result: CheckJson): Verdict[] {
  const verdicts: Verdict[] = [];
  const e = c.label.expected;
  // The README makes auth and pre-fill "not_applicable" when online is "Non": where the label
  // accepts "Non" for online and the check read "Non", that reading carries its consequence.
  const onlineNonAccepted = answerOf(result.checks['online']) === 'Non' && [e.online.value, ...(e.online.accept ?? [])].includes('Non');
  for (const criterion of ['online', 'auth', 'dlnuf', 'mobile'] as const) {
    const exp = e[criterion];
    const got = answerOf(result.checks[criterion]);
    const accepted = [exp.value, ...(exp.accept ?? []), ...(onlineNonAccepted && (criterion === 'auth' || criterion === 'dlnuf') ? ['not_applicable'] : [])];
    const ok = accepted.some((a) => String(a) === String(got));
    const reason = result.checks[criterion]?.reason;
    verdicts.push({ case: c.id, criterion, expected: show(exp.value), got: `${show(got)}${reason && result.checks[criterion]?.status !== 'measured' ? ` (${reason})` : ''}`, agrees: ok, why: exp.why });
  }
  const h = e.handicap;
  const got = result.checks['handicap'];
  const flagged = got?.reason === 'no_statement' ? 'missing' : got?.reason === 'statement_unreachable' ? 'unreachable' : null;
  const statement = got?.statement ?? flagged ?? (got?.status === 'measured' ? 'found' : show(got?.status));
  const rate = typeof got?.value === 'number' ? got.value : null;
  const parts = {
    statement: [h.statement, ...(h.accept?.statement ?? [])].includes(statement),
    state: [h.state, ...(h.accept?.state ?? [])].includes(got?.state ?? null),
    rate: [h.rate, ...(h.accept?.rate ?? [])].some((r) => (r === null ? rate === null : rate !== null && Math.abs(r - rate) <= 0.5)),
    date: [h.date, ...(h.accept?.date ?? [])].includes(got?.statementDate ?? null),
  };
  for (const [part, ok] of Object.entries(parts)) {
    const expected = part === 'statement' ? h.statement : part === 'state' ? h.state : part === 'rate' ? h.rate : h.date;
    const value = part === 'statement' ? statement : part === 'state' ? got?.state : part === 'rate' ? rate : got?.statementDate;
    verdicts.push({ case: c.id, criterion: `handicap.${part}`, expected: show(expected), got: show(value), agrees: ok, why: h.why });
  }
  return verdicts;
}

export interface Agreement {
  criterion: string;
  cases: number;
  agree: number;
  rate: number;
}

/** Per criterion: a case agrees on handicap when its statement, state, rate and date all agree. */
export function agreement(verdicts: Verdict[]): Agreement[] {
  const rows: Agreement[] = [];
  const byCase = new Map<string, Verdict[]>();
  for (const v of verdicts) byCase.set(v.case, [...(byCase.get(v.case) ?? []), v]);
  const tally = (criterion: string, pick: (vs: Verdict[]) => boolean | null) => {
    let cases = 0;
    let agree = 0;
    for (const vs of byCase.values()) {
      const ok = pick(vs);
      if (ok === null) continue;
      cases++;
      if (ok) agree++;
    }
    rows.push({ criterion, cases, agree, rate: cases ? agree / cases : 1 });
  };
  for (const criterion of ['online', 'auth', 'dlnuf', 'mobile']) tally(criterion, (vs) => vs.find((v) => v.criterion === criterion)?.agrees ?? null);
  tally('handicap', (vs) => vs.filter((v) => v.criterion.startsWith('handicap.')).every((v) => v.agrees));
  for (const part of ['statement', 'state', 'rate', 'date']) tally(`  handicap.${part}`, (vs) => vs.find((v) => v.criterion === `handicap.${part}`)?.agrees ?? null);
  const agreed = verdicts.filter((v) => v.agrees).length;
  rows.push({ criterion: 'toutes lectures', cases: verdicts.length, agree: agreed, rate: verdicts.length ? agreed / verdicts.length : 1 });
  return rows;
}

/** Serves every case, checks them all, compares: the whole validity run. */
export async function runValidity(cases = loadCases()): Promise<{ verdicts: Verdict[]; rows: Agreement[]; results: Map<string, CheckJson> }> {
  const served = await Promise.all(cases.map((c) => serveCase(c)));
  try {
    const results = await runCheck(served.map((s) => s.url));
    const byUrl = new Map(results.map((r) => [r.url, r]));
    const verdicts: Verdict[] = [];
    const byCase = new Map<string, CheckJson>();
    cases.forEach((c, i) => {
      const result = byUrl.get(served[i]!.url);
      if (!result) throw new Error(`no check result for ${c.id}`);
      byCase.set(c.id, result);
      verdicts.push(...compare(c, result));
    });
    return { verdicts, rows: agreement(verdicts), results: byCase };
  } finally {
    await Promise.all(served.map((s) => new Promise((resolve) => s.server.close(resolve))));
  }
}

export function formatReport(rows: Agreement[], verdicts: Verdict[]): string {
  const lines = ['| critère | cas | accord | taux |', '| --- | ---: | ---: | ---: |'];
  for (const r of rows) lines.push(`| ${r.criterion} | ${r.cases} | ${r.agree} | ${(100 * r.rate).toFixed(1)} % |`);
  const wrong = verdicts.filter((v) => !v.agrees);
  lines.push('', wrong.length ? `${wrong.length} désaccords :` : 'Aucun désaccord.');
  for (const v of wrong) lines.push(`- ${v.case} · ${v.criterion} : attendu ${v.expected}, lu ${v.got} — ${v.why}`);
  return lines.join('\n');
}
