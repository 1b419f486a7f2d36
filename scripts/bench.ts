// npm run bench: speed and memory of the crawler against the demo universe, of the API, and of
// the dashboard (scripts/bench-dashboard.ts) on this machine.
// Prints figures; targets are in the issues, not asserted here (machines are noisy).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMigratedDatabase } from '../db/client.ts';
import { readCatalogueFile, DEMO_CATALOGUE } from '../server/catalogue/file.ts';
import { importCatalogue } from '../server/catalogue/import.ts';
import { Universe } from '../fixtures/universe/server.ts';
import { Crawler } from '../jobs/crawler.ts';
import { crawl } from '../jobs/crawl.ts';
import { CHECKS } from '../jobs/checks/index.ts';
import { probeRound } from '../jobs/probe.ts';
import { closeEdition, publishEdition } from '../jobs/editions/close.ts';
import { previousQuarter, quarterOf } from '../methodology/quarters.ts';
import { spawn } from 'node:child_process';
import { benchDashboard } from './bench-dashboard.ts';
import { buildDemoHistory, MEASURED_AT_ONCE } from '../server/demo.ts';
import { benchSpaces, createBenchAccounts } from './bench-spaces.ts';

const dir = mkdtempSync(join(tmpdir(), 'observatoire-bench-'));
const db = openMigratedDatabase(join(dir, 'bench.sqlite'));
importCatalogue(db, (await readCatalogueFile(DEMO_CATALOGUE)).rows);
// The universe as the demo runs it: real response times, random outages on flaky sites, hostile sites.
const universe = await Universe.start();
const newCrawler = () => new Crawler({ contactUrl: 'http://127.0.0.1:3000/methodologie#robot', demoPort: universe.port });
const rows: [string, string, string][] = [];
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

interface LoadResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
}

/** Runs the autocannon command in a child process and reads its JSON report. */
function loadTest(url: string, args: string[]): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['node_modules/autocannon/autocannon.js', '--json', ...args, url], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`autocannon exited ${code}`))));
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
  await crawler.close();
}
await universe.close();

// --- Editions and the API: the quarter just crawled becomes an edition. ---
const current = quarterOf(new Date());
closeEdition(db, current.slug);
publishEdition(db, current.slug);
{
  // History for the export: fifteen more quarters (mostly "not measurable": no measurements then).
  let q = previousQuarter(current);
  for (let i = 0; i < 15; i++, q = previousQuarter(q)) {
    closeEdition(db, q.slug, { now: q.end });
    publishEdition(db, q.slug, q.end);
  }
}
await createBenchAccounts(db);
// The server runs in its own process, as in production: the load generator must not share its thread.
const server = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'serve', '--port', '0'], {
  env: { ...process.env, OBSERVATOIRE_DB: join(dir, 'bench.sqlite'), OBSERVATOIRE_DEMO: 'off', OBSERVATOIRE_SCHEDULE: 'off', OBSERVATOIRE_RATE_LIMIT: '0', LOG_LEVEL: 'warn' },
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
  // autocannon in its own process too: the bench process holds a large heap, and its GC pauses
  // would land in the measured latencies.
  const url = `${base}/api/editions/${current.slug}/procedures?limit=50&sort=satisfaction`;
  await loadTest(url, ['-c', '20', '-d', '2']); // warm-up
  const result = await loadTest(url, ['-c', '20', '-d', '10', '-R', '1000']);
  rows.push(['procedures list at 1,000 requests/s (10 s, 20 connections)', `${Math.round(result.requests.average)} req/s`, `${result.non2xx} non-2xx`]);
  rows.push(['  latency p50 / p99', `${result.latency.p50} / ${result.latency.p99} ms`, 'target p99 ≤ 10 ms']);
  const burst = await loadTest(url, ['-c', '20', '-d', '5']);
  rows.push(['procedures list, as fast as it goes (5 s, 20 connections)', `${Math.round(burst.requests.average)} req/s`, `p99 ${burst.latency.p99} ms`]);
}
for (const encoding of ['identity', 'gzip']) {
  // As a script reads it (plain), and as a browser does (compressed on the fly).
  const t0 = performance.now();
  const response = await fetch(`${base}/api/export/history.csv`, { headers: { 'accept-encoding': encoding } });
  const text = await response.text();
  const ms = performance.now() - t0;
  const lines = text.split('\n').length - 2;
  rows.push([`long-form export of the whole history (${lines} rows, 16 editions), ${encoding === 'identity' ? 'plain' : 'gzip'}`, `${Math.round(lines / (ms / 1000)).toLocaleString('en')} rows/s`, 'target ≥ 200,000 rows/s']);
}
rows.push(...(await benchSpaces(db, base)));
rows.push(...(await benchDashboard(base)));
server.kill('SIGTERM');

// --- Closing a quarter whose probes were taken every 5 minutes: about 6.5 million rows. ---
{
  // A quarter older than the published history: its edition is still to be built.
  let q = current;
  for (let i = 0; i < 20; i++) q = previousQuarter(q);
  const start = q.start.getTime();
  const every = 5 * 60_000;
  const samples = Math.floor((q.end.getTime() - start) / every);
  const t0 = performance.now();
  db.$client.exec('BEGIN');
  db.$client
    .prepare(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       INSERT INTO probes (procedure_id, at, ok, http_status, duration_ms, failure)
       SELECT p.id, ? + n.i * ?, (abs(random()) % 1000) >= 3, 200, 80 + abs(random()) % 400, NULL FROM procedures p, n`,
    )
    .run(samples - 1, start, every);
  db.$client.exec(`DELETE FROM probe_daily WHERE day >= '${q.start.toISOString().slice(0, 10)}' AND day < '${q.end.toISOString().slice(0, 10)}'`);
  db.$client.exec(
    `INSERT INTO probe_daily (procedure_id, day, samples, failures, duration_sum_ms, failures_by_type)
     SELECT procedure_id, date(at / 1000, 'unixepoch'), count(*), sum(1 - ok), sum(CASE WHEN ok THEN duration_ms ELSE 0 END), '{}'
       FROM probes WHERE at >= ${start} AND at < ${q.end.getTime()} GROUP BY 1, 2`,
  );
  db.$client.exec('COMMIT');
  const generated = db.$client.prepare('SELECT count(*) FROM probes WHERE at >= ? AND at < ?').pluck().get(start, q.end.getTime()) as number;
  rows.push([`probes generated for ${q.slug} (every 5 min, 250 procedures, with daily roll-up)`, `${(generated / 1e6).toFixed(2)} M rows`, seconds(performance.now() - t0)]);
  const [, closeMs] = await timed(async () => closeEdition(db, q.slug, { now: new Date() }));
  rows.push([`closing ${q.slug} over those probes`, seconds(closeMs), 'target ≤ 5 s']);
}

// --- The demo history of a first start, against the same history measured one quarter at a time. ---
{
  const history = async (atOnce: number) => {
    const historyDir = mkdtempSync(join(tmpdir(), 'observatoire-bench-history-'));
    const historyDb = openMigratedDatabase(join(historyDir, 'history.sqlite'));
    importCatalogue(historyDb, (await readCatalogueFile(DEMO_CATALOGUE)).rows);
    const [, ms] = await timed(() => buildDemoHistory(historyDb, { contactUrl: 'http://127.0.0.1:3000/methodologie#robot', atOnce }));
    historyDb.$client.close();
    rmSync(historyDir, { recursive: true, force: true });
    return ms;
  };
  const shipped = await history(MEASURED_AT_ONCE);
  const baseline = await history(1);
  rows.push([`demo history, 6 quarters (${MEASURED_AT_ONCE} measured at once, as shipped)`, seconds(shipped), `baseline one at a time ${seconds(baseline)}; ratio ${(shipped / baseline).toFixed(2)}; target ≤ 90 s`]);
}
rows.push(['peak memory of this process (RSS; Chromium is separate)', `${Math.round(process.resourceUsage().maxRSS / 1024)} MB`, '']);

db.$client.close();
rmSync(dir, { recursive: true, force: true });

const width = Math.max(...rows.map((r) => r[0].length));
console.log(`\nObservatoire benchmark (${new Date().toISOString()}, ${process.platform} ${process.arch}, node ${process.version})\n`);
for (const [name, value, note] of rows) console.log(`${name.padEnd(width)}  ${value.padStart(12)}  ${note}`);
