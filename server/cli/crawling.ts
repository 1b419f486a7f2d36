import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import PQueue from 'p-queue';
import { closeDatabase, databaseLocation, first, openMigratedDatabase, type Db } from '../../db/client.ts';
import { CHECKS, checkByName } from '../../jobs/checks/index.ts';
import { crawl } from '../../jobs/crawl.ts';
import { probeRound } from '../../jobs/probe.ts';
import { pullSurveys } from '../../jobs/survey.ts';
import { DEMO_HOST_SUFFIX } from '../../jobs/http/dispatcher.ts';
import { Universe } from '../universe/server.ts';
import { criterionBySlug, currentMethodology } from '../../methodology/index.ts';
import { loadConfig, type Config } from '../config.ts';
import { contactUrl, demoMode, openCrawling } from '../crawling.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { eq } from 'drizzle-orm';
import { ENGINE } from '../../db/engine.ts';
import { crawlRuns } from '../../db/schema/index.ts';
import { enqueueCrawlRun, queuedRunProgress } from '../../jobs/queue/crawl-jobs.ts';
import { openQueue } from '../../jobs/queue/queue.ts';
import { startWorker } from '../../jobs/queue/worker.ts';
import { WORKER_NAME } from '../../jobs/queue/host-gate.ts';
import type { Check } from '../../jobs/checks/index.ts';
import type { CheckOutcome, Crawler } from '../../jobs/crawler.ts';

// Crawl commands: check one URL, crawl the catalogue, probe, pull the survey, serve the demo universe.

const PUBLIC_DETAILS: Record<string, string[]> = {
  handicap: ['statement', 'state', 'statementUrl', 'statementDate', 'auditDate', 'expired', 'rgaaVersion'],
  dlnuf: ['fields'],
  a11y_auto: ['rules'],
};

export function checkJson(outcome: CheckOutcome): Record<string, unknown> {
  const out: Record<string, unknown> = { status: outcome.status };
  if (outcome.value !== undefined) out['value'] = outcome.value;
  // The statement's rate is its value: null when the statement gives none (never an invented 0).
  else if (outcome.check === 'handicap' && outcome.status === 'measured') out['value'] = null;
  if (outcome.reason !== undefined) out['reason'] = outcome.reason;
  for (const key of PUBLIC_DETAILS[outcome.check] ?? []) {
    if (outcome.details && key in outcome.details) out[key] = outcome.details[key];
  }
  return out;
}

function describe(outcome: CheckOutcome): string {
  if (outcome.status === 'not_applicable') return `non applicable (${outcome.reason ?? ''})`;
  if (outcome.status === 'unmeasurable') return `non mesurable : ${outcome.reason ?? ''} — ${String(outcome.evidence.snippet ?? '')}`;
  const extra = outcome.check === 'handicap' ? ` (${String(outcome.details?.['state'] ?? 'sans mention')}, déclaration du ${String(outcome.details?.['statementDate'] ?? '?')}${outcome.reason ? `, ${outcome.reason}` : ''})`
    : outcome.check === 'dlnuf' ? ` : ${(outcome.details?.['fields'] as string[] | undefined)?.join(', ') || 'aucune'}`
    : outcome.check === 'a11y_auto' ? ` ${(outcome.details?.['rules'] as string[] | undefined)?.join(', ') ?? ''}`
    : '';
  const value = outcome.value === undefined ? (outcome.check === 'handicap' ? 'sans taux' : '—') : `${String(outcome.value)}${outcome.check === 'handicap' ? ' %' : ''}`;
  return `${value}${extra}`;
}

export function registerCrawlingCommands(program: Command): void {
  program
    .command('check')
    .description("mesure une ou plusieurs URL avec tous les contrôles de page (sans rien enregistrer)")
    .argument('<url...>', 'adresse de la page de départ (plusieurs : un objet JSON par ligne avec --json)')
    .option('--json', 'un objet JSON sur la sortie standard (une ligne par URL quand il y en a plusieurs)')
    .option('--allow-private', 'autorise les adresses privées et locales (refusées par défaut)')
    .action(async (urls: string[], options: { json?: boolean; allowPrivate?: boolean }) => {
      const parsed = urls.map((url) => {
        try {
          return new URL(url);
        } catch {
          throw new Error(`URL invalide : ${url}`);
        }
      });
      const config = loadConfig();
      const demo = parsed.some((u) => u.hostname.endsWith(DEMO_HOST_SUFFIX)) && config.OBSERVATOIRE_DEMO !== 'off';
      const env = await openCrawling(config, demo);
      const crawler = env.newCrawler({ allowPrivate: options.allowPrivate });
      try {
        // Several sites at once (each host still gets one request at a time); one Chromium for all.
        const queue = new PQueue({ concurrency: 4 });
        const results = parsed.map((u) => queue.add(() => checkOne(crawler, u.href)));
        for (const pending of results) {
          const { result, outcomes, start } = (await pending)!;
          if (options.json) {
            process.stdout.write(`${JSON.stringify(result, null, parsed.length > 1 ? undefined : 2)}\n`);
            continue;
          }
          console.log(`${result.url} → ${result.finalUrl ?? 'injoignable'}${start ? ` (HTTP ${start.status}, ${start.durationMs} ms)` : ''}`);
          for (const o of outcomes) {
            const label = criterionBySlug(currentMethodology, o.criterion)?.label ?? o.criterion;
            console.log(`  ${label.padEnd(38)} ${describe(o)}`);
          }
        }
      } finally {
        await crawler.close();
        await env.close();
      }
    });

  program
    .command('crawl')
    .description('passe les contrôles de page sur le catalogue et enregistre les observations (un passage)')
    .option('--procedure <id...>', 'seulement ces démarches (identifiants)')
    .option('--check <nom...>', `seulement ces contrôles (${CHECKS.map((c) => c.name).join(', ')})`)
    .option('--in-process', 'sur PostgreSQL : passer les contrôles ici plutôt que de confier un travail par démarche aux processus `observatoire worker`')
    .option('--no-wait', 'sur PostgreSQL : mettre les travaux en file et rendre la main sans attendre la fin du passage')
    .action(async (options: { procedure?: string[]; check?: string[]; inProcess?: boolean; wait: boolean }) => {
      const checks = options.check?.map((name) => checkByName(name) ?? fail(`contrôle inconnu : ${name} (parmi ${CHECKS.map((c) => c.name).join(', ')})`));
      const ids = options.procedure?.map((id) => (/^\d+$/.test(id) ? Number(id) : fail(`identifiant de démarche invalide : ${id}`)));
      if (ENGINE === 'postgres' && !options.inProcess) {
        await crawlThroughQueue({ checks, procedureIds: ids, wait: options.wait });
        return;
      }
      await withCrawler(async (db, crawler) => {
        const bar = process.stderr.isTTY ? new cliProgress.SingleBar({ format: 'Passage {bar} {value}/{total} démarches | {eta_formatted} s restantes', stream: process.stderr }, cliProgress.Presets.shades_classic) : null;
        let started = false;
        try {
          const summary = await crawl(db, crawler, {
            trigger: 'cli',
            checks,
            procedureIds: ids,
            onProgress: (done, total) => {
              if (bar) {
                if (!started) bar.start(total, 0);
                started = true;
                bar.update(done);
              } else if (done % 25 === 0 || done === total) console.error(`${done}/${total} démarches`);
            },
          });
          bar?.stop();
          console.log(
            `Passage n° ${summary.runId} terminé en ${(summary.durationMs / 1000).toFixed(1)} s : ${summary.procedures} démarches, ${summary.observations} observations (${summary.measured} mesurées, ${summary.notApplicable} non applicables, ${summary.unmeasurable} non mesurables).`,
          );
          if (Object.keys(summary.failures).length > 0) console.log(`Non mesurables, par cause : ${Object.entries(summary.failures).map(([k, v]) => `${k} ${v}`).join(', ')}`);
        } finally {
          bar?.stop();
        }
      });
    });

  program
    .command('worker')
    .description('sur PostgreSQL : prend les travaux de la file (une démarche d’un passage, une tournée de sondes) et les fait, sur n’importe quelle machine qui atteint la base ; lancez-en autant que voulu')
    .option('--concurrency <n>', 'travaux menés à la fois par ce processus', '4')
    .option('--demo-port <port>', 'envoyer les noms d’hôte de démonstration vers un univers déjà lancé sur ce port (sinon : le sien en mode démo)')
    .action(async (options: { concurrency: string; demoPort?: string }) => {
      const concurrency = /^\d+$/.test(options.concurrency) && Number(options.concurrency) >= 1 ? Number(options.concurrency) : fail(`--concurrency attend un entier positif (reçu : ${options.concurrency})`);
      if (ENGINE !== 'postgres') fail('observatoire worker prend ses travaux dans PostgreSQL : définissez OBSERVATOIRE_DATABASE_URL=postgres://… (sur SQLite, « serve » et « crawl » font le travail eux-mêmes).');
      const config = loadConfig();
      const url = databaseLocation(config);
      const db = await openMigratedDatabase(url, { poolSize: concurrency + 4 });
      const demo = options.demoPort ? undefined : await openCrawling(config, await demoMode(config, db));
      const demoPort = options.demoPort ? Number(options.demoPort) : demo?.universe?.port;
      const worker = await startWorker({
        db,
        url,
        concurrency,
        crawler: { contactUrl: contactUrl(config), demoPort },
        outbox: { publicUrl: config.OBSERVATOIRE_PUBLIC_URL, allowPrivate: demoPort !== undefined },
      });
      console.log(`Processus ${WORKER_NAME} prêt : ${concurrency} travaux à la fois, sur ${db.location}.`);
      await new Promise<void>((resolve) => {
        for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
      });
      console.log('Arrêt : les travaux en cours se terminent…');
      await worker.stop();
      await demo?.close();
      await closeDatabase(db);
      console.log(`Arrêté. Travaux faits : ${JSON.stringify(worker.done)}.`);
    });

  program
    .command('probe')
    .description('une tournée de sondes : disponibilité et temps de réponse de chaque démarche')
    .action(() =>
      withCrawler(async (db, crawler) => {
        const s = await probeRound(db, crawler);
        console.log(`${s.probes} sondes en ${(s.durationMs / 1000).toFixed(1)} s : ${s.ok} réussies${Object.keys(s.failures).length ? `, échecs : ${Object.entries(s.failures).map(([k, v]) => `${k} ${v}`).join(', ')}` : ''}.`);
      }),
    );

  const survey = program.command('survey').description("enquête de satisfaction des usagers");
  survey
    .command('pull')
    .description("récupère les statistiques du trimestre en cours pour chaque démarche qui a une enquête")
    .action(() =>
      withCrawler(async (db, crawler, config) => {
        const s = await pullSurveys(db, crawler, { baseUrl: config.OBSERVATOIRE_SURVEY_URL });
        console.log(`${s.procedures} enquêtes lues, ${s.measured} valeurs enregistrées${Object.keys(s.failures).length ? `, échecs : ${JSON.stringify(s.failures)}` : ''}.`);
      }),
    );

  program
    .command('universe')
    .description('sert seul l\'univers de démonstration (250 sites sous leurs noms *.demarches.test, et l\'enquête)')
    .option('-p, --port <port>', 'port d\'écoute', '4000')
    .option('--quarter <trimestre>', 'trimestre simulé, par exemple 2026-T3')
    .action(async (options: { port: string; quarter?: string }) => {
      const universe = await Universe.start({ port: Number(options.port), quarter: options.quarter });
      console.log(`Univers de démonstration (${universe.quarterSlug}) sur http://127.0.0.1:${universe.port}/ — envoyez l'en-tête Host d'un site, ou faites pointer *.demarches.test vers cette adresse.`);
      const stop = () => void universe.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}

/** Every page check on one start URL, as `check --json` prints it. */
async function checkOne(crawler: Crawler, url: string) {
  const visit = crawler.visit(url);
  const outcomes = await crawler.runChecks(url, CHECKS, new Date(), visit);
  const start = await visit.start().catch(() => null);
  const performance = start && start.status >= 200 && start.status < 300
    ? { status: 'measured', value: start.durationMs }
    : { status: 'unmeasurable', reason: outcomes[0]?.reason ?? 'http' };
  const result = {
    url,
    finalUrl: start?.finalUrl ?? null,
    httpStatus: start?.status ?? null,
    fetchedAt: (start?.fetchedAt ?? new Date()).toISOString(),
    checks: { ...Object.fromEntries(outcomes.map((o) => [o.check, checkJson(o)])), performance },
  };
  return { result, outcomes, start };
}

/** On PostgreSQL: the run as one job per procedure for the workers, followed until it completes. */
async function crawlThroughQueue(options: { checks?: Check[]; procedureIds?: number[]; wait: boolean }): Promise<void> {
  const config = loadConfig();
  const url = databaseLocation(config);
  const db = await openMigratedDatabase(url, { poolSize: 2 });
  const boss = await openQueue(url);
  try {
    const { runId, procedures } = await enqueueCrawlRun(db, boss, { trigger: 'cli', checks: options.checks, procedureIds: options.procedureIds });
    console.log(`Passage n° ${runId} : ${procedures} travaux en file pour les processus « observatoire worker ».`);
    if (!options.wait) return;
    let last = -1;
    for (;;) {
      const p = await queuedRunProgress(db, runId);
      if (p.done !== last) console.error(`${p.done}/${p.total} démarches`);
      last = p.done;
      if (p.status !== 'running') {
        const run = await first(db.select().from(crawlRuns).where(eq(crawlRuns.id, runId)));
        const s = (run?.summary ?? {}) as { measured?: number; notApplicable?: number; unmeasurable?: number; observations?: number; workers?: number };
        console.log(`Passage n° ${runId} ${p.status === 'completed' ? 'terminé' : p.status} : ${p.done} démarches, ${s.observations ?? 0} observations (${s.measured ?? 0} mesurées, ${s.notApplicable ?? 0} non applicables, ${s.unmeasurable ?? 0} non mesurables), par ${s.workers ?? 0} processus.`);
        return;
      }
      await sleep(1000);
    }
  } finally {
    await boss.stop({ graceful: false, wait: true });
    await closeDatabase(db);
  }
}

/** Opens the database and the crawling environment (the demo universe in demo mode), runs, closes all. */
async function withCrawler(use: (db: Db, crawler: Crawler, config: Config) => Promise<void>): Promise<void> {
  const config = loadConfig();
  const db = await openMigratedDatabase(databaseLocation(config));
  const env = await openCrawling(config, await demoMode(config, db));
  const crawler = env.newCrawler();
  try {
    await use(db, crawler, config);
  } finally {
    await crawler.close();
    await env.close();
    await closeDatabase(db);
  }
}

function fail(message: string): never {
  throw new Error(message);
}
