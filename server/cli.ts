import { TOOL_VERSION } from '../jobs/version.ts';
import { Command, Option } from 'commander';
import { existsSync } from 'node:fs';
import { closeDatabase, databaseLocation, openMigratedDatabase, redactUrl, type Db } from '../db/client.ts';
import { copySqliteToPostgres } from '../db/copy.ts';
import { isPostgresUrl } from '../db/engine.ts';
import { addressMatcher, loadConfig, type Config } from './config.ts';
import { readCatalogueFile, DEMO_CATALOGUE } from './catalogue/file.ts';
import { importDemoCatalogue } from './services/demo-catalogue.ts';
import { demoProgressPrinter, registerEditionCommands } from './cli/editions.ts';
import { importCatalogue, type ImportSummary } from './catalogue/import.ts';
import type { CatalogueIssue } from './catalogue/parse.ts';
import { countActiveProcedures } from './services/catalogue.ts';
import { buildServer } from './server.ts';
import { registerCrawlingCommands } from './cli/crawling.ts';
import { count } from './words.ts';
import { registerUserCommands } from './cli/users.ts';
import { RecheckQueue } from '../jobs/rechecks.ts';
import { WebhookOutbox } from '../jobs/outbox.ts';
import { DEMO_ACCOUNTS, DemoHistoryBuild, ensureDemoAccounts } from './demo.ts';
import { contactUrl, demoMode, openCrawling } from './crawling.ts';
import { Scheduler } from '../jobs/scheduler.ts';
import { observatoryJobs } from '../jobs/registry.ts';
import { openQueue, QUEUES, type QueueName } from '../jobs/queue/queue.ts';
import { SchedulerElection } from '../jobs/queue/leader.ts';

// The `observatoire` command: what operators run. Messages speak French, like the dashboard.

const version = TOOL_VERSION;

function openDb(config: Config): Promise<Db> {
  return openMigratedDatabase(databaseLocation(config));
}

function printIssues(file: string, errors: CatalogueIssue[]): void {
  for (const e of errors) console.error(`${file}:${e.line}: ${e.message}`);
  const lines = new Set(errors.map((e) => e.line)).size;
  console.error(`\n${count(errors.length, 'erreur')} sur ${count(lines, 'ligne')} : le fichier est refusé en entier, rien n'a été importé.`);
}

function describeImport(s: ImportSummary, dryRun: boolean): string {
  const verb = dryRun ? 'serait' : 'a été';
  const parts = [
    count(s.added.length, 'ajoutée'),
    count(s.updated.length, 'modifiée'),
    count(s.restored.length, 'rétablie'),
    count(s.retired.length, 'retirée'),
    count(s.unchanged, 'inchangée'),
  ];
  const retired = s.retired.length > 0 ? `\nRetirées (historique conservé) : ${s.retired.join(', ')}` : '';
  return `Le catalogue ${verb} importé : ${parts.join(', ')}.${retired}`;
}

/**
 * The first start on an empty database imports the demo catalogue; the demo history (six
 * quarters measured on the demo universe) is built after the server answers (see `serve`).
 */
async function ensureDemo(db: Db, config: Config): Promise<boolean> {
  if ((await countActiveProcedures(db)) === 0 && config.OBSERVATOIRE_DEMO !== 'off') {
    console.log(`Base vide : import du catalogue de démonstration (${DEMO_CATALOGUE})…`);
    const summary = await importDemoCatalogue(db);
    console.log(`  ${summary.added.length} démarches, ${summary.ministriesAdded} ministères, ${summary.administrationsAdded} administrations.`);
  }
  const demo = await demoMode(config, db);
  return demo;
}

export function buildCli(): Command {
  const program = new Command('observatoire')
    .description('Observatoire de la qualité des démarches en ligne : catalogue, mesures, éditions, tableau de bord.')
    .version(version, '-V, --version', 'affiche la version')
    .addHelpCommand('help [commande]', "affiche l'aide d'une commande")
    .showHelpAfterError()
    .addHelpText(
      'after',
      '\nConfiguration (variables d\'environnement) : OBSERVATOIRE_DB, PORT, HOST, OBSERVATOIRE_DEMO, LOG_LEVEL (voir README).',
    );

  const db = program.command('db').description('base de données (SQLite, ou PostgreSQL avec OBSERVATOIRE_DATABASE_URL)');
  db.command('migrate')
    .description('crée la base si besoin et applique les migrations')
    .action(async () => {
      const config = loadConfig();
      const database = await openDb(config);
      await closeDatabase(database);
      console.log(`Base à jour : ${database.location}`);
    });
  db.command('copy')
    .description("copie un observatoire SQLite vers une base PostgreSQL vide (créée ou migrée ici), tout ou rien, puis compare table par table le nombre de lignes et une somme de contrôle")
    .requiredOption('--to <url>', 'la base PostgreSQL cible, postgres://…')
    .option('--from <fichier>', 'le fichier SQLite source (défaut : OBSERVATOIRE_DB)')
    .action(async (options: { to: string; from?: string }) => {
      const source = options.from ?? loadConfig().OBSERVATOIRE_DB;
      if (!isPostgresUrl(options.to)) throw new Error(`--to attend une URL postgres://… (reçu : ${options.to})`);
      if (!existsSync(source)) throw new Error(`pas de base SQLite à ${source}`);
      console.log(`Copie de ${source} vers ${redactUrl(options.to)}…`);
      const report = await copySqliteToPostgres(source, options.to, (table, rows) => console.log(`  ${table} : ${rows} lignes copiées`));
      const width = Math.max(...report.map((r) => r.table.length));
      console.log(`\n${'table'.padEnd(width)}  ${'source'.padStart(9)}  ${'copie'.padStart(9)}  somme de contrôle (SHA-256, source = copie)`);
      for (const r of report) console.log(`${r.table.padEnd(width)}  ${String(r.sourceRows).padStart(9)}  ${String(r.targetRows).padStart(9)}  ${r.sourceChecksum} ${r.ok ? '=' : '≠'} ${r.targetChecksum}`);
      const rows = report.reduce((n, r) => n + r.targetRows, 0);
      console.log(`\nCopie complète : ${report.length} tables, ${rows} lignes, toutes identiques à la source. Lancez maintenant l'observatoire avec OBSERVATOIRE_DATABASE_URL=${redactUrl(options.to)}.`);
    });

  const catalogue = program
    .command('catalogue')
    .description('catalogue des démarches suivies');
  catalogue
    .command('validate')
    .description('vérifie un fichier de catalogue (.csv ou .json) sans rien importer ; code de sortie 1 si une ligne est invalide')
    .argument('<fichier>', 'catalogue .csv ou .json')
    .action(async (file: string) => {
      const parsed = await readCatalogueFile(file);
      if (parsed.errors.length > 0) {
        printIssues(file, parsed.errors);
        process.exitCode = 1;
        return;
      }
      const ministries = new Set(parsed.rows.map((r) => r.ministry)).size;
      const administrations = new Set(parsed.rows.map((r) => r.administration)).size;
      console.log(`${file} est valide : ${parsed.rows.length} démarches, ${ministries} ministères, ${administrations} administrations.`);
    });
  catalogue
    .command('import')
    .description(
      'importe un catalogue en une transaction : démarches ajoutées, renommées (même identifiant), retirées si absentes du fichier ; un fichier avec une seule ligne invalide est refusé en entier',
    )
    .argument('<fichier>', 'catalogue .csv ou .json')
    .option('--dry-run', "montre ce qui changerait, sans rien écrire")
    .action(async (file: string, options: { dryRun?: boolean }) => {
      const parsed = await readCatalogueFile(file);
      if (parsed.errors.length > 0) {
        printIssues(file, parsed.errors);
        process.exitCode = 1;
        return;
      }
      const database = await openDb(loadConfig());
      try {
        console.log(describeImport(await importCatalogue(database, parsed.rows, { dryRun: options.dryRun }), options.dryRun ?? false));
      } finally {
        await closeDatabase(database);
      }
    });

  registerCrawlingCommands(program);
  registerEditionCommands(program);
  registerUserCommands(program);

  program
    .command('serve')
    .description("démarre l'API, le tableau de bord (PORT, HOST) et la planification des passages ; importe le catalogue de démonstration si la base est vide et sert l'univers de démonstration")
    .addOption(new Option('-p, --port <port>', 'port d\'écoute (défaut : PORT ou 3000)'))
    .action(async (options: { port?: string }) => {
      const config = loadConfig(options.port ? { ...process.env, PORT: options.port } : process.env);
      const location = databaseLocation(config);
      const database = await openMigratedDatabase(location);
      console.log(`Base : ${database.location} (migrations appliquées)`);
      const demo = await ensureDemo(database, config);
      // The demo history is measured in the background: the dashboard shows what exists so far.
      const history = demo ? await DemoHistoryBuild.open(database, { contactUrl: contactUrl(config), onProgress: (p) => printer?.update(p), location }) : null;
      const printer = history && history.state.state === 'building' ? demoProgressPrinter() : null;
      const crawling = await openCrawling(config, demo);
      // SQLite: re-checks asked by teams, and the webhook outbox, are worked in this process.
      // PostgreSQL: they are jobs for the crawl workers (observatoire worker), like the crawls.
      const boss = database.engine === 'postgres' ? await openQueue(location) : undefined;
      const rechecks = boss ? null : new RecheckQueue(database, { newCrawler: () => crawling.newCrawler() });
      const outbox = boss ? null : new WebhookOutbox(database, { publicUrl: config.OBSERVATOIRE_PUBLIC_URL, allowPrivate: demo });
      const wake = (queue: QueueName) => ({ kick: () => boss!.send(queue, {}) });
      const server = await buildServer({
        db: database,
        appInfo: { version, demo, demoHistory: history ? () => history.state : undefined },
        logLevel: config.LOG_LEVEL,
        rateLimitPerMinute: config.OBSERVATOIRE_RATE_LIMIT,
        rateLimitExempt: addressMatcher(config.OBSERVATOIRE_RATE_LIMIT_EXEMPT),
        auth: { publicUrl: config.OBSERVATOIRE_PUBLIC_URL, allowPrivateWebhooks: demo },
        site: { publisher: config.OBSERVATOIRE_PUBLISHER, contactEmail: config.OBSERVATOIRE_CONTACT_EMAIL },
        rechecks: rechecks ?? wake(QUEUES.recheck),
        outbox: outbox ?? wake(QUEUES.outbox),
      });
      if (demo && (await ensureDemoAccounts(database))) {
        console.log('Comptes de démonstration créés (à ne pas garder hors démonstration) :');
        for (const a of DEMO_ACCOUNTS) console.log(`  ${a.label} : ${a.email} / ${a.password}`);
      }
      if (crawling.universe) console.log(`Univers de démonstration (${crawling.universe.quarterSlug}) sur le port ${crawling.universe.port}.`);
      const scheduler = new Scheduler(observatoryJobs({ db: database, newCrawler: () => crawling.newCrawler(), surveyUrl: config.OBSERVATOIRE_SURVEY_URL, queue: boss }));
      // Several `serve` on one PostgreSQL: one schedules, elected (an advisory lock); the others stand by.
      const election = boss
        ? new SchedulerElection(location, {
            elected: () => {
              console.log('Planification : ce processus est élu (les autres « serve » attendent).');
              scheduler.start();
            },
            deposed: () => scheduler.stop(),
          })
        : null;
      if (config.OBSERVATOIRE_SCHEDULE === 'on') {
        if (election) await election.start();
        else scheduler.start();
      }
      const stop = async (signal: string) => {
        console.log(`\n${signal} reçu : arrêt.`);
        scheduler.stop();
        await election?.stop();
        await server.close();
        await rechecks?.stop();
        await outbox?.stop();
        await boss?.stop({ graceful: false, wait: true });
        await crawling.close();
        await closeDatabase(database);
        process.exit(0);
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
      await server.listen({ port: config.PORT, host: config.HOST });
      outbox?.start();
      void rechecks?.kick();
      const address = server.server.address();
      const port = typeof address === 'object' && address ? address.port : config.PORT;
      const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
      console.log(
        `Observatoire prêt : http://${host}:${port}/ — ${await countActiveProcedures(database)} démarches${demo ? ' (mode démonstration)' : ''}. API : http://${host}:${port}/api/docs`,
      );
      if (history && history.state.state === 'building') {
        if (!history.state.browser) console.log('Chromium absent : les contrôles « Adapté au mobile » et « Accessibilité (automatique) » seront « non mesurables — navigateur absent » (apt-get install chromium, ou CHROMIUM_PATH).');
        console.log(`Historique de démonstration en construction en arrière-plan (${history.state.published} éditions sur ${history.state.total}) : le tableau de bord montre ce qui existe déjà.`);
        const started = Date.now();
        history.start().then(
          () => {
            printer?.stop();
            console.log(`Historique de démonstration prêt en ${Math.round((Date.now() - started) / 1000)} s : ${history.state.published} éditions publiées.`);
          },
          (err: unknown) => {
            printer?.stop();
            console.error(`L'historique de démonstration s'est arrêté : ${err instanceof Error ? err.message : String(err)} — le prochain démarrage le complétera.`);
          },
        );
      }
      console.log(
        config.OBSERVATOIRE_SCHEDULE === 'on'
          ? 'Planification : sondes toutes les 5 minutes, passage complet à 3 h, enquête à 4 h 30, clôture du trimestre le 1er jour du suivant.'
          : 'Planification arrêtée (OBSERVATOIRE_SCHEDULE=off).',
      );
    });

  frenchHelp(program);
  return program;
}

function frenchHelp(command: Command): void {
  command.helpOption('-h, --help', "affiche l'aide");
  command.commands.forEach(frenchHelp);
}

try {
  await buildCli().parseAsync(process.argv);
} catch (err) {
  console.error(`observatoire : ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
