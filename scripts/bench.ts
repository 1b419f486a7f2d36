// npm run bench: speed and memory of the crawler against the demo universe, of the API, and of
// the dashboard (scripts/bench-dashboard.ts) on this machine, in the shipped configuration: the
// API's rate limit on (the load client exempt by OBSERVATOIRE_RATE_LIMIT_EXEMPT, as an operator
// would exempt a load test), mixed URLs, measured editions, a fully measured quarter to close.
// Prints figures and appends them to docs/bench-history.md; targets are in the issues, not
// asserted here (machines are noisy).
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeDatabase, openMigratedDatabase } from '../db/client.ts';
import { readCatalogueFile, DEMO_CATALOGUE } from '../server/catalogue/file.ts';
import { importCatalogue } from '../server/catalogue/import.ts';
import { Universe } from '../server/universe/server.ts';
import { Crawler } from '../jobs/crawler.ts';
import { crawl } from '../jobs/crawl.ts';
import { CHECKS } from '../jobs/checks/index.ts';
import { probeRound } from '../jobs/probe.ts';
import { closeEdition, publishEdition } from '../jobs/editions/close.ts';
import { quarterOf } from '../methodology/quarters.ts';
import { spawn } from 'node:child_process';
import { benchDashboard } from './bench-dashboard.ts';
import { buildDemoHistory, declareDemoUsage, demoQuarters } from '../server/demo.ts';
import { universeProfiles } from '../server/universe/server.ts';
import { pullSurveys } from '../jobs/survey.ts';
import { Agent, request } from 'undici';
import { benchSpaces, createBenchAccounts } from './bench-spaces.ts';

const dir = mkdtempSync(join(tmpdir(), 'observatoire-bench-'));
const db = await openMigratedDatabase(join(dir, 'bench.sqlite'));
await importCatalogue(db, (await readCatalogueFile(DEMO_CATALOGUE)).rows);
// The universe as the demo runs it: real response times, random outages on flaky sites, hostile sites.
const universe = await Universe.start();
const newCrawler = () => new Crawler({ contactUrl: 'http://127.0.0.1:3000/methodologie#robot', demoPort: universe.port });
const rows: [string, string, string][] = [];
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

interface LoadResult {
  requests: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  cache: { hit: number; miss: number; none: number };
}

/** Runs scripts/bench-load.ts (autocannon over a list of paths) in a child process and reads its JSON. */
function loadTest(base: string, pathsFile: string, connections: number, seconds: number, rate?: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const args = ['--import', 'tsx', 'scripts/bench-load.ts', base, pathsFile, String(connections), String(seconds), ...(rate ? [String(rate)] : [])];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`load test exited ${code}`))));
  });
}

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const result = await run();
  return [result, performance.now() - t0];
}

{
  const crawler = newCrawler();
  const [summary, ms] = await timed(() => crawl(db, crawler, { trigger: 'cli' }));
  const pages = crawler.stats.requests + crawler.stats.browserPages;
  rows.push(['full crawl, 250 procedures, 6 checks (browser included)', seconds(ms), 'target ≤ 90 s']);
  rows.push(['  pages per second (HTTP requests + browser loads)', `${(pages / (ms / 1000)).toFixed(1)} (${crawler.stats.requests} + ${crawler.stats.browserPages})`, '']);
  rows.push(['  observations measured / not applicable / not measurable', `${summary.measured} / ${summary.notApplicable} / ${summary.unmeasurable}`, '']);
  await crawler.close();
}
{
  const crawler = newCrawler();
  const [, ms] = await timed(() => crawl(db, crawler, { trigger: 'cli', checks: CHECKS.filter((c) => c.kind === 'http') }));
  rows.push(['HTTP-only crawl, 250 procedures, 4 checks', seconds(ms), 'target ≤ 10 s']);
  await crawler.close();
}
{
  const crawler = newCrawler();
  const [cold, coldMs] = await timed(() => probeRound(db, crawler));
  const [warm, warmMs] = await timed(() => probeRound(db, crawler));
  rows.push(['probe round, 250 start pages, cold (robots.txt read)', seconds(coldMs), `${cold.ok} ok`]);
  rows.push(['probe round, warm (robots.txt cached, as scheduled)', seconds(warmMs), `${warm.ok} ok; target ≤ 3 s`]);
  // The quarter's survey figures and the teams' declarations: the quarter closed below has everything.
  const survey = await pullSurveys(db, crawler, { trigger: 'cli' });
  rows.push(['survey pull, 250 procedures', `${survey.measured} measured`, '']);
  await crawler.close();
}
await universe.close();
const current = quarterOf(new Date());
const declared = await declareDemoUsage(db, current);

// --- Closing a quarter measured in full (crawl, probes, survey, declarations for all 250) whose
// probes were taken every 5 minutes: about 6.5 million rows. ---
{
  const start = current.start.getTime();
  const every = 5 * 60_000;
  const samples = Math.floor((current.end.getTime() - start) / every);
  const t0 = performance.now();
  db.sqlite!.exec('BEGIN');
  db.sqlite!
    .prepare(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       INSERT INTO probes (procedure_id, at, ok, http_status, duration_ms, failure)
       SELECT p.id, ? + n.i * ?, (abs(random()) % 1000) >= 3, 200, 80 + abs(random()) % 400, NULL FROM procedures p, n`,
    )
    .run(samples - 1, start, every);
  db.sqlite!.exec(`DELETE FROM probe_daily WHERE day >= '${current.start.toISOString().slice(0, 10)}' AND day < '${current.end.toISOString().slice(0, 10)}'`);
  db.sqlite!.exec(
    `INSERT INTO probe_daily (procedure_id, day, samples, failures, duration_sum_ms, failures_by_type)
     SELECT procedure_id, date(at / 1000, 'unixepoch'), count(*), sum(1 - ok), sum(CASE WHEN ok THEN duration_ms ELSE 0 END), '{}'
       FROM probes WHERE at >= ${start} AND at < ${current.end.getTime()} GROUP BY 1, 2`,
  );
  db.sqlite!.exec('COMMIT');
  const generated = db.sqlite!.prepare('SELECT count(*) FROM probes WHERE at >= ? AND at < ?').pluck().get(start, current.end.getTime()) as number;
  const observed = db.sqlite!.prepare('SELECT count(DISTINCT procedure_id) FROM observations').pluck().get() as number;
  rows.push([`probes generated for ${current.slug} (every 5 min, 250 procedures, with daily roll-up)`, `${(generated / 1e6).toFixed(2)} M rows`, seconds(performance.now() - t0)]);
  // Closed as of the quarter's last day: the teams' declarations (day 80) are in force.
  const closeAt = new Date(current.end.getTime() - 3600_000);
  const [summary, closeMs] = await timed(async () => closeEdition(db, current.slug, { now: closeAt }));
  rows.push([
    `closing ${current.slug}: crawled (${observed} procedures), surveyed, ${declared} declarations, over those probes`,
    seconds(closeMs),
    `${summary.procedures} procedures in the edition; target ≤ 5 s`,
  ]);
  await publishEdition(db, current.slug, closeAt);
}
await closeDatabase(db);

// --- The demo history of a first start, against the same history measured one quarter at a time.
// The shipped build's database is kept: the API, the exports and the spaces are measured on it
// (six editions, every one measured). ---
const historyDb = join(dir, 'history.sqlite');
{
  const history = async (schedule: 'pipelined' | 'sequential', file: string) => {
    const hdb = await openMigratedDatabase(file);
    await importCatalogue(hdb, (await readCatalogueFile(DEMO_CATALOGUE)).rows);
    const [, ms] = await timed(() => buildDemoHistory(hdb, { contactUrl: 'http://127.0.0.1:3000/methodologie#robot', schedule }));
    await closeDatabase(hdb);
    return ms;
  };
  const shipped = await history('pipelined', historyDb);
  const baselineDir = mkdtempSync(join(tmpdir(), 'observatoire-bench-history-'));
  const baseline = await history('sequential', join(baselineDir, 'history.sqlite'));
  rmSync(baselineDir, { recursive: true, force: true });
  rows.push([
    'demo history, 6 quarters (crawls and probes pipelined, as shipped)',
    seconds(shipped),
    `baseline one quarter at a time, its crawl then its probes: ${seconds(baseline)}; ratio ${(shipped / baseline).toFixed(2)}; target ≤ 90 s`,
  ]);
  // What the probes measured against what the universe's sites were told to take: the demo's
  // response times are only as true as this (a busy machine makes every site look slower).
  const hdb = await openMigratedDatabase(historyDb);
  for (const quarter of demoQuarters(new Date())) {
    const profiles = new Map(universeProfiles(quarter.slug).map((p) => [p.procedureId, p]));
    const measured = hdb.sqlite!
      .prepare("SELECT procedure_id id, avg(duration_ms) mean, sum(failure = 'timeout') timeouts, count(*) n FROM probes WHERE at >= ? AND at < ? GROUP BY procedure_id")
      .all(quarter.start.getTime(), quarter.end.getTime()) as { id: number; mean: number | null; timeouts: number; n: number }[];
    const calm = measured.filter((m) => profiles.get(m.id) && !profiles.get(m.id)!.hostile);
    const added = calm.filter((m) => m.mean !== null).map((m) => m.mean! - profiles.get(m.id)!.latencyMs).sort((a, b) => a - b);
    const timeouts = calm.reduce((n, m) => n + m.timeouts, 0);
    const probes = calm.reduce((n, m) => n + m.n, 0);
    rows.push([
      `  ${quarter.slug} probes: time added to the site's own response time, median / p90`,
      `${Math.round(added[added.length >> 1] ?? 0)} / ${Math.round(added[Math.floor(added.length * 0.9)] ?? 0)} ms`,
      `${timeouts} timeouts of ${probes} probes to sites without a hostile profile (${((100 * timeouts) / Math.max(1, probes)).toFixed(1)} %)`,
    ]);
  }
  await closeDatabase(hdb);
}

// --- The API, as shipped: rate limit on (600 a minute a client), the load client exempt. ---
const hdb = await openMigratedDatabase(historyDb);
await createBenchAccounts(hdb);
const slugs = (hdb.sqlite!.prepare("SELECT slug FROM editions WHERE status = 'published' ORDER BY slug").pluck().all() as string[]);
const ministrySlugs = hdb.sqlite!.prepare('SELECT slug FROM ministries ORDER BY slug').pluck().all() as string[];
const procedureIds = hdb.sqlite!.prepare('SELECT id FROM procedures ORDER BY id').pluck().all() as number[];
const server = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'serve', '--port', '0'], {
  env: { ...process.env, OBSERVATOIRE_DB: historyDb, OBSERVATOIRE_DEMO: 'off', OBSERVATOIRE_SCHEDULE: 'off', OBSERVATOIRE_RATE_LIMIT_EXEMPT: '127.0.0.1', LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const base = await new Promise<string>((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    const m = /prêt : (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
    if (m) resolve(m[1]!);
  });
  server.once('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
});
{
  // What the dashboard's visitors ask for, mixed: the table of every edition with its sorts,
  // filters, searches and pages (cached per edition and query once asked), procedure pages
  // (built per request), syntheses and editions. Seeded: the same list every run.
  let seed = 7;
  const pick = <T>(list: readonly T[]): T => list[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % list.length]!;
  const sorts = ['volume', 'title', 'ministry', 'administration', 'online', 'satisfaction', 'handicap', 'auth', 'dlnuf', 'uptime', 'response_time', 'mobile'];
  const paths: string[] = [];
  for (let i = 0; i < 600; i++) {
    const kind = i % 20;
    const edition = pick(['latest', 'latest', 'latest', ...slugs]);
    if (kind < 12) {
      const query = new URLSearchParams({ limit: '50', offset: String(pick([0, 0, 0, 50, 100, 150, 200])), sort: pick(sorts), dir: pick(['asc', 'desc']) });
      if (i % 3 === 0) query.set('ministry', pick(ministrySlugs));
      if (i % 7 === 0) query.set('q', pick(['carte', 'impots', 'logement', 'permis', 'retraite']));
      if (i % 11 === 0) query.set('audience', pick(['particuliers', 'professionnels']));
      paths.push(`/api/editions/${edition}/procedures?${query}`);
    } else if (kind < 17) paths.push(`/api/procedures/${pick(procedureIds)}`);
    else if (kind < 19) paths.push(`/api/editions/${edition}/groups?by=${pick(['ministry', 'audience'])}`);
    else paths.push(`/api/editions/${edition}`);
  }
  const pathsFile = join(dir, 'paths.json');
  writeFileSync(pathsFile, JSON.stringify(paths));
  await loadTest(base, pathsFile, 20, 3); // warm-up: what a day of visits leaves in the cache
  const steady = await loadTest(base, pathsFile, 20, 10, 1000);
  const share = (r: LoadResult) => `${Math.round((100 * r.cache.hit) / Math.max(1, r.cache.hit + r.cache.miss))} % of cacheable answers from the cache (${r.cache.none} procedure pages built)`;
  rows.push([`API at 1,000 requests/s, ${new Set(paths).size} different URLs mixed (10 s, 20 connections, rate limit on)`, `${Math.round(steady.requests)} req/s`, `${steady.errors} errors, ${steady.non2xx} non-2xx; ${share(steady)}`]);
  rows.push(['  latency p50 / p99', `${steady.p50} / ${steady.p99} ms`, 'target p99 ≤ 10 ms']);
  const burst = await loadTest(base, pathsFile, 20, 5);
  rows.push(['API, same mix, as fast as it goes (5 s, 20 connections)', `${Math.round(burst.requests)} req/s`, `p99 ${burst.p99} ms, ${burst.non2xx} non-2xx`]);
  // The limit is really on: a client that is not exempt (another loopback address) is stopped.
  const other = new Agent({ localAddress: '127.0.0.2' });
  const codes = new Map<number, number>();
  for (let i = 0; i < 610; i++) {
    const response = await request(`${base}/api/health`, { dispatcher: other });
    await response.body.dump();
    codes.set(response.statusCode, (codes.get(response.statusCode) ?? 0) + 1);
  }
  await other.close();
  rows.push(['  rate limit check: 610 requests from a client not exempt', `${codes.get(429) ?? 0} × 429`, `${codes.get(200) ?? 0} × 200 (limit 600 a minute)`]);
}
{
  const editionsCount = slugs.length;
  for (const encoding of ['identity', 'gzip']) {
    // As a script reads it (plain), and as a browser does (compressed on the fly).
    const t0 = performance.now();
    const response = await fetch(`${base}/api/export/history.csv`, { headers: { 'accept-encoding': encoding } });
    const text = await response.text();
    const ms = performance.now() - t0;
    const lines = text.split('\n').length - 2;
    rows.push([`long-form export of the whole history (${lines.toLocaleString('en')} rows, ${editionsCount} editions, all measured), ${encoding === 'identity' ? 'plain' : 'gzip'}`, `${Math.round(lines / (ms / 1000)).toLocaleString('en')} rows/s`, 'target ≥ 200,000 rows/s']);
  }
}
rows.push(...(await benchSpaces(hdb, base)));
rows.push(...(await benchDashboard(base)));
server.kill('SIGTERM');
await closeDatabase(hdb);

rows.push(['peak memory of this process (RSS; Chromium is separate)', `${Math.round(process.resourceUsage().maxRSS / 1024)} MB`, '']);

rmSync(dir, { recursive: true, force: true });

const width = Math.max(...rows.map((r) => r[0].length));
console.log(`\nObservatoire benchmark (${new Date().toISOString()}, ${process.platform} ${process.arch}, node ${process.version})\n`);
for (const [name, value, note] of rows) console.log(`${name.padEnd(width)}  ${value.padStart(12)}  ${note}`);

// Earlier runs stay in a dated history file, newest last: the README's table shows the latest.
const historyFile = join(import.meta.dirname, '..', 'docs', 'bench-history.md');
if (!existsSync(historyFile)) writeFileSync(historyFile, '# Benchmark history\n\nEvery `npm run bench`, appended: date, machine, and each figure as printed.\n');
appendFileSync(
  historyFile,
  `\n## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC — ${process.platform} ${process.arch}, node ${process.version}, ${cpus().length} cores\n\n| what | measured | notes |\n| --- | --- | --- |\n${rows.map((r) => `| ${r.map((cell) => cell.trim().replace(/\|/g, '\\|')).join(' | ')} |`).join('\n')}\n`,
);
console.log(`\nAppended to ${historyFile}`);
