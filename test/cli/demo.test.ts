import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { demoQuarters } from '../../server/demo.ts';
import { parseQuarter } from '../../methodology/quarters.ts';
import { universeProfiles } from '../../server/universe/server.ts';
import { hasOutage } from '../../server/universe/profiles.ts';
import { axeViolations, connectBrowser, describeViolations } from '../helpers/browser.ts';

// The demo history on a fresh machine: built in the background while the server answers,
// without Chromium if there is none, and completed by the next start after any interruption.
// A catalogue of the demo's first twelve procedures keeps each history to seconds.

const BIN = new URL('../../bin/observatoire.js', import.meta.url).pathname;
const CATALOGUE = new URL('../../fixtures/catalogue.csv', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'observatoire-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const small = join(dir, 'small.csv');
writeFileSync(small, readFileSync(CATALOGUE, 'utf8').split('\n').slice(0, 13).join('\n') + '\n');
// No browser: the browser checks say so instead of stopping the history.
const NO_BROWSER = { CHROMIUM_PATH: join(dir, 'pas-de-chromium'), OBSERVATOIRE_SCHEDULE: 'off', LOG_LEVEL: 'warn' };

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, timeout: 120_000 }, (err, stdout, stderr) => {
      const e = err as (Error & { code?: number; signal?: string }) | null;
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: e?.signal ?? null, stdout, stderr });
    });
  });
}

function editionsIn(file: string): { slug: string; status: string }[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('select slug, status from editions order by slug').all() as { slug: string; status: string }[];
  } finally {
    db.close();
  }
}

const quarters = demoQuarters(new Date()).map((q) => q.slug);

describe('the demo history', () => {
  it('is completed by the next run after being killed after a crawl and in the middle of a publication, never duplicating an edition', async () => {
    const db = join(dir, 'interrupted.sqlite');
    const env = { ...NO_BROWSER, OBSERVATOIRE_DB: db };
    expect((await run(['catalogue', 'import', small], env)).code).toBe(0);

    // Killed (SIGKILL) once the second quarter's measurements are in, a crawl maybe under way.
    const first = await run(['demo'], { ...env, OBSERVATOIRE_DEMO_KILL: `measured:${quarters[1]}` });
    expect(first.signal).toBe('SIGKILL');
    const afterFirst = await run(['demo', '--status'], env);
    expect(afterFirst.code).toBe(3);
    expect(afterFirst.stdout).toMatch(new RegExp(`${quarters[0]}\\s+publiée`));
    expect(afterFirst.stdout).toMatch(/Historique incomplet : 1 éditions sur 6/);

    // Killed between closing a quarter's draft and publishing it.
    const second = await run(['demo'], { ...env, OBSERVATOIRE_DEMO_KILL: `closed:${quarters[3]}` });
    expect(second.signal).toBe('SIGKILL');
    expect(editionsIn(db)).toEqual(quarters.slice(0, 4).map((slug, i) => ({ slug, status: i < 3 ? 'published' : 'draft' })));

    const third = await run(['demo'], env);
    expect(third.code).toBe(0);
    expect(editionsIn(db)).toEqual(quarters.map((slug) => ({ slug, status: 'published' })));
    const status = await run(['demo', '--status'], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/Historique complet : 6 éditions sur 6/);

    const dbh = new Database(db, { readonly: true });
    try {
      // The interrupted crawls are marked so; the browser checks say why they are missing.
      expect(dbh.prepare("select count(*) n from crawl_runs where status = 'running'").get()).toEqual({ n: 0 });
      const mobile = dbh.prepare("select distinct s.reason from edition_scores s join editions e on e.id = s.edition_id where e.slug = ? and s.criterion = 'mobile'").all(quarters[5]);
      expect(mobile).toEqual([{ reason: 'no_browser' }]);

      // Uptime as a real probe schedule gives it: at least 100 samples a quarter (a step of at
      // most one point), and under 90 % only where the site's profile says it is unreliable.
      for (const quarter of quarters) {
        const q = parseQuarter(quarter)!;
        const profiles = new Map(universeProfiles(quarter).map((p) => [p.procedureId, p]));
        const samples = new Map(
          (dbh.prepare('select procedure_id id, sum(samples) - sum(coalesce(json_extract(failures_by_type, \'$.blocked\'), 0)) n from probe_daily where day >= ? and day < ? group by procedure_id').all(q.start.toISOString().slice(0, 10), q.end.toISOString().slice(0, 10)) as { id: number; n: number }[]).map((r) => [r.id, r.n]),
        );
        const uptime = dbh.prepare("select s.procedure_id id, s.value_num value from edition_scores s join editions e on e.id = s.edition_id where e.slug = ? and s.criterion = 'uptime' and s.status = 'measured'").all(quarter) as { id: number; value: number }[];
        expect(uptime.length, quarter).toBeGreaterThan(0);
        for (const u of uptime) {
          expect(samples.get(u.id), `${quarter} #${u.id} samples`).toBeGreaterThanOrEqual(100);
          if (u.value < 90) expect(hasOutage(profiles.get(u.id)!), `${quarter} #${u.id} uptime ${u.value} %`).toBe(true);
        }
        // The demo teams declare their usage rate for most of their procedures.
        const usage = dbh.prepare("select count(*) filter (where s.status = 'measured') measured, count(*) total from edition_scores s join editions e on e.id = s.edition_id where e.slug = ? and s.criterion = 'usage'").get(quarter) as { measured: number; total: number };
        expect(usage.measured / usage.total, `${quarter} usage`).toBeGreaterThanOrEqual(0.5);
      }
    } finally {
      dbh.close();
    }
  }, 150_000);

  it('is built in the background: the server answers at once, says how far it is, and the dashboard shows it accessibly', async () => {
    const db = join(dir, 'serve.sqlite');
    const port = await freePort();
    const env = { ...NO_BROWSER, OBSERVATOIRE_DB: db, OBSERVATOIRE_DEMO: 'on', PORT: String(port) };
    expect((await run(['catalogue', 'import', small], env)).code).toBe(0);
    const started = Date.now();
    const server = spawn(process.execPath, [BIN, 'serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    server.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    try {
      await until(() => /Observatoire prêt/.test(out), 20_000);
      const health = await (await fetch(`http://127.0.0.1:${port}/api/health`)).json();
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(health.demoHistory).toMatchObject({ state: 'building', total: 6, browser: false });
      expect(out).toMatch(/Chromium absent : les contrôles « Adapté au mobile » et « Accessibilité \(automatique\) » seront « non mesurables — navigateur absent »/);

      // The dashboard, while the history is built: the notice, no axe-core violation.
      const browser = await connectBrowser();
      try {
        const page = await browser.newPage({ viewport: { width: 375, height: 800 }, locale: 'fr-FR' });
        await page.goto(`http://127.0.0.1:${port}/`, { waitUntil: 'networkidle' });
        const notice = page.locator('[role=status].obs-demo-notice');
        await expect.poll(() => notice.textContent(), { timeout: 10_000 }).toMatch(/Historique de démonstration en construction : \d édition(s)? sur 6/);
        const violations = await axeViolations(page);
        expect(violations, describeViolations(violations)).toEqual([]);

        await until(async () => (await (await fetch(`http://127.0.0.1:${port}/api/health`)).json()).demoHistory.state === 'done', 90_000);
        const editions = await (await fetch(`http://127.0.0.1:${port}/api/editions`)).json();
        expect(editions.items.map((e: { slug: string }) => e.slug)).toEqual([...quarters].reverse());
        // The notice goes away once the history is complete.
        await expect.poll(() => notice.textContent(), { timeout: 10_000 }).toMatch(/^\s*$/);
      } finally {
        await browser.close();
      }
      expect(out).toMatch(/Historique de démonstration prêt en \d+ s : 6 éditions publiées/);
    } finally {
      await stop(server);
    }
  }, 150_000);
});

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
