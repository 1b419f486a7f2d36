// npm run bench: speed and memory of the crawler against the demo universe on this machine.
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

const dir = mkdtempSync(join(tmpdir(), 'observatoire-bench-'));
const db = openMigratedDatabase(join(dir, 'bench.sqlite'));
importCatalogue(db, (await readCatalogueFile(DEMO_CATALOGUE)).rows);
// The universe as the demo runs it: real response times, random outages on flaky sites, hostile sites.
const universe = await Universe.start();
const newCrawler = () => new Crawler({ contactUrl: 'http://127.0.0.1:3000/methodologie#robot', demoPort: universe.port });
const rows: [string, string, string][] = [];
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

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
rows.push(['peak memory of this process (RSS; Chromium is separate)', `${Math.round(process.resourceUsage().maxRSS / 1024)} MB`, '']);

await universe.close();
db.$client.close();
rmSync(dir, { recursive: true, force: true });

const width = Math.max(...rows.map((r) => r[0].length));
console.log(`\nObservatoire benchmark (${new Date().toISOString()}, ${process.platform} ${process.arch}, node ${process.version})\n`);
for (const [name, value, note] of rows) console.log(`${name.padEnd(width)}  ${value.padStart(12)}  ${note}`);
