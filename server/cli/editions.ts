import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { desc } from 'drizzle-orm';
import { closeDatabase, databaseLocation, openMigratedDatabase } from '../../db/client.ts';
import { editions } from '../../db/schema/index.ts';
import { closeEdition, publishEdition } from '../../jobs/editions/close.ts';
import { loadConfig } from '../config.ts';
import { buildDemoHistory, demoStatus, type DemoProgress } from '../demo.ts';
import { contactUrl } from '../crawling.ts';
import { countActiveProcedures } from '../services/catalogue.ts';
import { importDemoCatalogue } from '../services/demo-catalogue.ts';
import { count } from '../words.ts';

const STEP_LABELS: Record<DemoProgress['step'], string> = {
  crawling: 'passage des robots',
  probing: 'sondes',
  survey: 'enquête relevée',
  measured: 'mesuré (passage des robots, sondes, enquête)',
  published: 'édition publiée',
  skipped: 'déjà publiée',
};

export function describeDemoProgress(p: DemoProgress): string {
  const count = p.done !== undefined && p.of !== undefined ? ` ${p.done}/${p.of}` : '';
  return `  [${p.index}/${p.total}] ${p.quarter} : ${STEP_LABELS[p.step]}${count}`;
}

/**
 * The demo history's progress in the terminal: on a TTY a bar per quarter (procedures measured
 * out of 250, probe rounds, survey); otherwise plain lines (a quarter's steps, the crawl every 50).
 */
export function demoProgressPrinter(stream: NodeJS.WriteStream = process.stdout): { update: (p: DemoProgress) => void; stop: () => void } {
  if (!stream.isTTY) {
    return {
      update: (p) => {
        const line = p.step === 'crawling' ? (p.done! % 50 === 0 || p.done === p.of ? describeDemoProgress(p) : null) : p.step === 'probing' ? (p.done === p.of ? describeDemoProgress(p) : null) : describeDemoProgress(p);
        if (line) stream.write(`${line}\n`);
      },
      stop: () => undefined,
    };
  }
  // Quarters are measured two at a time: one bar each, in one block that redraws in place.
  // Fits 80 columns: "[5/6] 2026-T2 ████████ 250/250 · sondes 8/8 · enquête ✓ · publiée".
  const multi = new cliProgress.MultiBar({ format: '  {quarter} {bar} {value}/{total} · sondes {probes} · enquête {survey}{published}', barsize: 16, stream, hideCursor: true, clearOnComplete: false }, cliProgress.Presets.shades_classic);
  const bars = new Map<string, { bar: cliProgress.SingleBar; payload: { quarter: string; probes: string; survey: string; published: string } }>();
  const barOf = (p: DemoProgress) => {
    let entry = bars.get(p.quarter);
    if (!entry) {
      const payload = { quarter: `[${p.index}/${p.total}] ${p.quarter}`, probes: '0/8', survey: '…', published: '' };
      entry = { bar: multi.create(250, 0, payload), payload };
      bars.set(p.quarter, entry);
    }
    return entry;
  };
  return {
    update: (p) => {
      if (p.step === 'crawling') {
        const { bar, payload } = barOf(p);
        bar.setTotal(p.of!);
        bar.update(p.done!, payload);
      } else if (p.step === 'probing') {
        const { bar, payload } = barOf(p);
        payload.probes = `${p.done}/${p.of}`;
        bar.update(payload);
      } else if (p.step === 'survey') {
        const { bar, payload } = barOf(p);
        payload.survey = '✓';
        bar.update(payload);
      } else if (p.step === 'published' || p.step === 'skipped') {
        const entry = bars.get(p.quarter);
        if (entry) {
          if (p.step === 'published') entry.payload.published = ' · publiée';
          entry.bar.update(entry.payload);
          entry.bar.stop();
        } else multi.log(`${describeDemoProgress(p)}\n`);
      }
    },
    stop: () => multi.stop(),
  };
}

export function registerEditionCommands(program: Command): void {
  const edition = program.command('edition').description('éditions trimestrielles : clôture, publication, liste');
  edition
    .command('close')
    .description('construit (ou reconstruit) le brouillon de l\'édition d\'un trimestre à partir des mesures')
    .argument('<trimestre>', 'par exemple 2026-T3')
    .option('--empty', 'clôt aussi un trimestre sans aucune mesure (sinon refusé : une faute de frappe publiée ne s’efface plus)')
    .action(async (slug: string, flags: { empty?: boolean }) => {
      const db = await openMigratedDatabase(databaseLocation(loadConfig()));
      try {
        const s = await closeEdition(db, slug, { allowEmpty: flags.empty === true });
        const coverage = Object.entries(s.coverage).map(([k, v]) => `${k} ${v === null ? '—' : `${Math.round(v * 100)} %`}`).join(', ');
        console.log(`Brouillon ${s.slug} : ${s.procedures} démarches. Couverture : ${coverage}.`);
        console.log(`Évolutions : ${Object.entries(s.changes).map(([k, v]) => `${k} ${v}`).join(', ') || 'aucune édition précédente'}.`);
      } finally {
        await closeDatabase(db);
      }
    });
  edition
    .command('publish')
    .description('publie un brouillon : l\'édition est figée et ne changera plus')
    .argument('<trimestre>', 'par exemple 2026-T3')
    .action(async (slug: string) => {
      const db = await openMigratedDatabase(databaseLocation(loadConfig()));
      try {
        await publishEdition(db, slug);
        console.log(`Édition ${slug} publiée.`);
      } finally {
        await closeDatabase(db);
      }
    });
  edition
    .command('list')
    .description('liste les éditions, brouillons compris')
    .action(async () => {
      const db = await openMigratedDatabase(databaseLocation(loadConfig()));
      try {
        const rows = await db.select().from(editions).orderBy(desc(editions.periodStart));
        if (rows.length === 0) console.log('Aucune édition.');
        for (const e of rows) {
          console.log(`${e.slug}  ${e.status === 'published' ? `publiée le ${e.publishedAt!.toISOString().slice(0, 10)}` : 'brouillon'}  méthodologie v${e.methodologyVersion}`);
        }
      } finally {
        await closeDatabase(db);
      }
    });

  program
    .command('demo')
    .description("construit (ou complète) l'historique de démonstration : mesure l'univers de démonstration sur les 6 derniers trimestres et publie leurs éditions")
    .option('--status', "dit seulement où en est l'historique (trimestres publiés, en brouillon, absents)")
    .action(async (options: { status?: boolean }) => {
      const config = loadConfig();
      const location = databaseLocation(config);
      const db = await openMigratedDatabase(location);
      try {
        if (options.status) {
          const status = await demoStatus(db);
          for (const q of status.quarters) console.log(`${q.slug}  ${q.status === 'published' ? 'publiée' : q.status === 'draft' ? 'brouillon (à publier)' : 'absente (à mesurer)'}`);
          console.log(status.complete ? `Historique complet : ${status.published} éditions sur ${status.total}.` : `Historique incomplet : ${status.published} éditions sur ${status.total} ; « observatoire demo » ou le prochain démarrage le complète.`);
          if (!status.complete) process.exitCode = 3;
          return;
        }
        if ((await countActiveProcedures(db)) === 0) await importDemoCatalogue(db);
        const started = Date.now();
        const printer = demoProgressPrinter();
        const { published } = await buildDemoHistory(db, { contactUrl: contactUrl(config), onProgress: printer.update, location }).finally(printer.stop);
        console.log(`Historique prêt en ${Math.round((Date.now() - started) / 1000)} s : ${count(published.length, 'édition publiée')}.`);
      } finally {
        await closeDatabase(db);
      }
    });
}
