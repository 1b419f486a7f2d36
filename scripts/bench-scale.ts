// `npm run bench:scale` — the scale-out on PostgreSQL, measured (issue: PostgreSQL and crawl workers).
// A synthetic universe of 2,500 procedures on 250 hosts (10 each) in this process; a throwaway
// PostgreSQL cluster; real `observatoire worker` processes (HTTP checks, shipped politeness:
// 200 ms between two requests to a host, robots.txt read); the crawl run's throughput with 1, 2
// and 4 workers, each for the same time window, the 1-worker figure the baseline; every request
// the universe received checked for politeness (never two at once to one host, the pause kept);
// then the API's latency on PostgreSQL next to SQLite, same data (copied by `db copy`), same load.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { closeDatabase, openMigratedDatabase } from '../db/client.ts';
import { copySqliteToPostgres } from '../db/copy.ts';
import { observations, procedures } from '../db/schema/index.ts';
import { importCatalogue } from '../server/catalogue/import.ts';
import { parseCatalogue } from '../server/catalogue/parse.ts';
import { closeEdition, publishEdition } from '../jobs/editions/close.ts';
import { recordProbes } from '../jobs/probe.ts';
import { DEFAULT_HOST_DELAY_MS } from '../jobs/crawler.ts';
import { PostgresCluster } from './pg-cluster.ts';

const HOSTS = 250;
const PER_HOST = 10;
const WINDOW_S = Number(process.env.BENCH_SCALE_WINDOW_S ?? 40);
const LATENCY_MS = 15;
const BIN = new URL('../bin/observatoire.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'observatoire-bench-scale-'));
const rows: [string, string, string][] = [];

// --- The synthetic universe: every host answers after LATENCY_MS, and says when it was asked. ---
interface Visit { start: number; end: number }
const visits = new Map<string, Visit[]>();
const inFlight = new Map<string, number>();
let overlaps = 0;
const page = (host: string, path: string) => `<!doctype html><html lang="fr"><head><title>Démarche ${path} — ${host}</title></head><body>
<header><a href="/">Accueil</a><a href="/connexion">Se connecter avec FranceConnect</a></header>
<main><h1>Faire la démarche ${path} en ligne</h1><p>Cette démarche se fait entièrement en ligne, depuis votre espace.</p>
<form action="/envoyer" method="post"><label for="nom">Nom</label><input id="nom" name="nom" autocomplete="family-name"><label for="fiscal">Numéro fiscal</label><input id="fiscal" name="numero_fiscal"><button>Envoyer</button></form>
</main><footer><a href="/accessibilite">Accessibilité : partiellement conforme</a></footer></body></html>`;
const statement = `<!doctype html><html lang="fr"><head><title>Déclaration d'accessibilité</title></head><body><main><h1>Déclaration d'accessibilité</h1>
<p>Établie le 12 mars 2026.</p><h2>État de conformité</h2><p>Ce site est en conformité partielle avec le référentiel général d'amélioration de l'accessibilité (RGAA), version 4.1.2. Les tests révèlent que 78 % des critères sont respectés.</p></main></body></html>`;
const universe: Server = createServer((req, res) => {
  const host = (req.headers.host ?? '').split(':')[0]!;
  const start = performance.now();
  const now = (inFlight.get(host) ?? 0) + 1;
  inFlight.set(host, now);
  if (now > 1) overlaps++;
  setTimeout(() => {
    const body = req.url === '/robots.txt' ? 'User-agent: *\nAllow: /\n' : req.url?.startsWith('/accessibilite') ? statement : page(host, req.url ?? '/');
    res.writeHead(200, { 'content-type': req.url === '/robots.txt' ? 'text/plain' : 'text/html; charset=utf-8' });
    // The answer's end is taken before it is sent: the crawler cannot have it earlier, so the pause
    // seen (next start − this end) is never longer than the one the crawler kept. A callback's time
    // would come late on a busy machine and make the pause look shorter than it was.
    const end = performance.now();
    res.end(body, () => {
      inFlight.set(host, (inFlight.get(host) ?? 1) - 1);
      const list = visits.get(host) ?? [];
      list.push({ start, end });
      visits.set(host, list);
    });
  }, LATENCY_MS);
});
await new Promise<void>((resolve) => universe.listen(0, '127.0.0.1', resolve));
const universePort = (universe.address() as { port: number }).port;

const csv = ['id,title,ministry,administration,audiences,yearly_volume,start_url,survey_id,keywords'];
for (let h = 1; h <= HOSTS; h++) {
  for (let k = 1; k <= PER_HOST; k++) {
    const id = 100_000 + (h - 1) * PER_HOST + k;
    csv.push(`${id},Démarche ${k} du site ${h},Ministère ${1 + (h % 12)},Administration ${h},particuliers,${1000 * (1 + ((h * k) % 97))},http://site-${h}.demarches.test/demarche-${k},,`);
  }
}
const catalogueFile = join(dir, 'catalogue.csv');
writeFileSync(catalogueFile, `${csv.join('\n')}\n`);

const cluster = await PostgresCluster.start({ maxConnections: 400 });
const admin = new pg.Client({ connectionString: cluster.url() });
await admin.connect();

function cli(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, OBSERVATOIRE_DEMO: 'off', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`observatoire ${args.join(' ')} exited ${code}: ${out}`))));
  });
}

async function startWorker(url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, 'worker', '--concurrency', '4', '--demo-port', String(universePort)], {
    env: { ...process.env, OBSERVATOIRE_DATABASE_URL: url, OBSERVATOIRE_DEMO: 'off' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('prêt')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited ${code}: ${out}`)));
  });
  return child;
}

// --- Crawl throughput with 1, 2 and 4 worker processes, each on a fresh database. ---
const throughput = new Map<number, number>();
for (const workers of process.env.BENCH_SCALE_API_ONLY ? [] : [1, 2, 4]) {
  const name = `scale_w${workers}`;
  await admin.query(`create database ${name}`);
  const url = cluster.url(name);
  const env = { OBSERVATOIRE_DATABASE_URL: url };
  await cli(['catalogue', 'import', catalogueFile], env);
  visits.clear();
  overlaps = 0;
  const children = await Promise.all(Array.from({ length: workers }, () => startWorker(url)));
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const out = await cli(['crawl', '--no-wait', '--check', 'online', 'auth', 'handicap', 'dlnuf'], env);
  const runId = Number(/Passage n° (\d+)/.exec(out)![1]);
  const done = async () => Number((await db.query('select count(*) as n from crawl_run_procedures where run_id = $1', [runId])).rows[0].n);
  // The window opens at the first procedure measured (workers warm), closes WINDOW_S later (or at the end).
  while ((await done()) === 0) await sleep(50);
  const t0 = performance.now();
  const n0 = await done();
  let n = n0;
  while (performance.now() - t0 < WINDOW_S * 1000 && n < HOSTS * PER_HOST) {
    await sleep(250);
    n = await done();
  }
  const rate = (n - n0) / ((performance.now() - t0) / 1000);
  throughput.set(workers, rate);
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : c.once('exit', resolve)))));
  const doubles = Number((await db.query('select count(*) as n from (select procedure_id, criterion from observations where crawl_run_id = $1 group by 1, 2 having count(*) > 1) d', [runId])).rows[0].n);
  await db.end();
  // Politeness as the sites saw it.
  let minGap = Infinity;
  const gaps: number[] = [];
  let requests = 0;
  for (const list of visits.values()) {
    list.sort((a, b) => a.start - b.start);
    requests += list.length;
    for (let i = 1; i < list.length; i++) gaps.push(list[i]!.start - list[i - 1]!.end);
  }
  gaps.sort((a, b) => a - b);
  if (gaps.length) minGap = gaps[0]!;
  const base = throughput.get(1)!;
  rows.push([
    `crawl run, HTTP checks, ${workers} worker process${workers > 1 ? 'es' : ''} × 4 jobs (${WINDOW_S} s window)`,
    `${rate.toFixed(1)} procedures/s`,
    workers === 1 ? 'baseline' : `${(rate / base).toFixed(2)} × the 1-worker rate, measured in the same run`,
  ]);
  rows.push([
    `  politeness seen by the ${visits.size} hosts: requests at once to one host / shortest pause between two`,
    `${overlaps} / ${minGap === Infinity ? '—' : Math.round(minGap)} ms`,
    `${requests} requests; pause asked ${DEFAULT_HOST_DELAY_MS} ms; p1 pause ${Math.round(gaps[Math.floor(gaps.length / 100)] ?? 0)} ms; ${doubles} procedure × criterion observed twice`,
  ]);
}

// --- The API, same data on both engines: 2,500 procedures, two published editions. ---
const sqliteFile = join(dir, 'api.sqlite');
{
  const db = await openMigratedDatabase(sqliteFile);
  const parsed = parseCatalogue(csv.join('\n'), 'csv');
  if (parsed.errors.length) throw new Error(JSON.stringify(parsed.errors.slice(0, 3)));
  await importCatalogue(db, parsed.rows);
  const ids = (await db.select({ id: procedures.id }).from(procedures)).map((p) => p.id);
  for (const [slug, at, closed] of [['2026-T2', '2026-05-15', '2026-07-01'], ['2026-T3', '2026-08-15', '2026-10-01']] as const) {
    const evidence = { url: 'http://x.test/', tool: 'bench', toolVersion: '1' };
    const values = ids.flatMap((id) => [
      { procedureId: id, criterion: 'online', observedAt: new Date(at), status: 'measured' as const, valueText: id % 10 ? 'Oui' : 'Non', evidence },
      { procedureId: id, criterion: 'auth', observedAt: new Date(at), status: 'measured' as const, valueText: id % 3 ? 'Non' : 'FranceConnect', evidence },
      { procedureId: id, criterion: 'handicap', observedAt: new Date(at), status: 'measured' as const, valueNum: id % 101, valueText: 'partiellement conforme', evidence },
      { procedureId: id, criterion: 'satisfaction', observedAt: new Date(at), status: 'measured' as const, valueNum: 5 + (id % 40) / 10, answers: 300, evidence },
    ]);
    for (let i = 0; i < values.length; i += 1000) await db.insert(observations).values(values.slice(i, i + 1000));
    await recordProbes(db, ids.map((id) => ({ procedureId: id, ok: id % 13 !== 0, httpStatus: 200, durationMs: 200 + (id % 9) * 50, failure: id % 13 ? null : 'timeout' })), new Date(at));
    await closeEdition(db, slug, { now: new Date(closed) });
    await publishEdition(db, slug, new Date(closed));
  }
  await closeDatabase(db);
}
await admin.query('create database api');
await copySqliteToPostgres(sqliteFile, cluster.url('api'));

async function serve(env: Record<string, string>): Promise<{ base: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], {
    env: { ...process.env, OBSERVATOIRE_DEMO: 'off', OBSERVATOIRE_SCHEDULE: 'off', OBSERVATOIRE_RATE_LIMIT_EXEMPT: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /prêt : (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
  return { base, child };
}

function loadTest(base: string, pathsFile: string, seconds: number, rate: number): Promise<{ requests: number; p50: number; p99: number; non2xx: number; errors: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench-load.ts', base, pathsFile, '20', String(seconds), String(rate)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load test exited ${code}`))));
  });
}

{
  // Mixed, as visitors ask: the edition's table with sorts, filters and pages, procedure pages, syntheses.
  let seed = 11;
  const pick = <T>(list: readonly T[]): T => list[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % list.length]!;
  const paths: string[] = [];
  for (let i = 0; i < 600; i++) {
    const kind = i % 20;
    const edition = pick(['latest', 'latest', '2026-T2', '2026-T3']);
    if (kind < 12) paths.push(`/api/editions/${edition}/procedures?limit=50&offset=${pick([0, 50, 100, 1000, 2400])}&sort=${pick(['volume', 'title', 'online', 'handicap', 'uptime'])}&dir=${pick(['asc', 'desc'])}`);
    else if (kind < 17) paths.push(`/api/procedures/${100_001 + pick([0, 17, 251, 999, 1500, 2499])}`);
    else if (kind < 19) paths.push(`/api/editions/${edition}/groups?by=ministry`);
    else paths.push(`/api/editions/${edition}`);
  }
  const pathsFile = join(dir, 'paths.json');
  writeFileSync(pathsFile, JSON.stringify(paths));
  const results = new Map<string, { requests: number; p50: number; p99: number; non2xx: number; errors: number }>();
  for (const [engine, env] of [['SQLite', { OBSERVATOIRE_DB: sqliteFile }], ['PostgreSQL', { OBSERVATOIRE_DATABASE_URL: cluster.url('api') }]] as const) {
    const { base, child } = await serve(env);
    if (process.env.BENCH_SCALE_PAUSE) {
      console.log(`${engine} serving on ${base}; paths in ${pathsFile}`);
      await sleep(Number(process.env.BENCH_SCALE_PAUSE) * 1000);
    }
    // Warm-up: each URL asked once, as a day of visits would have (the published answers are cached).
    for (const path of new Set(paths)) await (await fetch(`${base}${path}`)).arrayBuffer();
    results.set(engine, await loadTest(base, pathsFile, 10, 500));
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  const s = results.get('SQLite')!;
  const p = results.get('PostgreSQL')!;
  rows.push(['API on SQLite, 2,500 procedures, 500 requests/s mixed (10 s, 20 connections), p50 / p99', `${s.p50} / ${s.p99} ms`, `baseline; ${Math.round(s.requests)} req/s, ${s.non2xx} non-2xx`]);
  rows.push(['API on PostgreSQL, same data (db copy), same load, p50 / p99', `${p.p50} / ${p.p99} ms`, `p99 ${(p.p99 / Math.max(1, s.p99)).toFixed(2)} × SQLite's; ${Math.round(p.requests)} req/s, ${p.non2xx} non-2xx`]);
}

await admin.end();
cluster.stop();
universe.close();
rmSync(dir, { recursive: true, force: true });

const width = Math.max(...rows.map((r) => r[0].length));
console.log(`\nScale-out bench (${cpus().length} cores; ${HOSTS * PER_HOST} procedures on ${HOSTS} hosts)\n`);
for (const [what, value, note] of rows) console.log(`${what.padEnd(width)}  ${value.padStart(22)}  ${note}`);
