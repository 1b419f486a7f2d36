import type { Command } from 'commander';
import { desc } from 'drizzle-orm';
import { openMigratedDatabase } from '../../db/client.ts';
import { editions } from '../../db/schema/index.ts';
import { closeEdition, publishEdition } from '../../jobs/editions/close.ts';
import { loadConfig } from '../config.ts';
import { buildDemoHistory, type DemoProgress } from '../demo.ts';
import { contactUrl } from '../crawling.ts';
import { countActiveProcedures } from '../services/catalogue.ts';
import { importDemoCatalogue } from '../services/demo-catalogue.ts';

const STEP_LABELS: Record<DemoProgress['step'], string> = {
  measured: 'mesuré (passage des robots, sondes, enquête)',
  published: 'édition publiée',
  skipped: 'déjà publiée',
};

export function describeDemoProgress(p: DemoProgress): string {
  return `  [${p.index}/${p.total}] ${p.quarter} : ${STEP_LABELS[p.step]}`;
}

export function registerEditionCommands(program: Command): void {
  const edition = program.command('edition').description('éditions trimestrielles : clôture, publication, liste');
  edition
    .command('close')
    .description('construit (ou reconstruit) le brouillon de l\'édition d\'un trimestre à partir des mesures')
    .argument('<trimestre>', 'par exemple 2026-T3')
    .action((slug: string) => {
      const db = openMigratedDatabase(loadConfig().OBSERVATOIRE_DB);
      try {
        const s = closeEdition(db, slug);
        const coverage = Object.entries(s.coverage).map(([k, v]) => `${k} ${v === null ? '—' : `${Math.round(v * 100)} %`}`).join(', ');
        console.log(`Brouillon ${s.slug} : ${s.procedures} démarches. Couverture : ${coverage}.`);
        console.log(`Évolutions : ${Object.entries(s.changes).map(([k, v]) => `${k} ${v}`).join(', ') || 'aucune édition précédente'}.`);
      } finally {
        db.$client.close();
      }
    });
  edition
    .command('publish')
    .description('publie un brouillon : l\'édition est figée et ne changera plus')
    .argument('<trimestre>', 'par exemple 2026-T3')
    .action((slug: string) => {
      const db = openMigratedDatabase(loadConfig().OBSERVATOIRE_DB);
      try {
        publishEdition(db, slug);
        console.log(`Édition ${slug} publiée.`);
      } finally {
        db.$client.close();
      }
    });
  edition
    .command('list')
    .description('liste les éditions, brouillons compris')
    .action(() => {
      const db = openMigratedDatabase(loadConfig().OBSERVATOIRE_DB);
      try {
        const rows = db.select().from(editions).orderBy(desc(editions.periodStart)).all();
        if (rows.length === 0) console.log('Aucune édition.');
        for (const e of rows) {
          console.log(`${e.slug}  ${e.status === 'published' ? `publiée le ${e.publishedAt!.toISOString().slice(0, 10)}` : 'brouillon'}  méthodologie v${e.methodologyVersion}`);
        }
      } finally {
        db.$client.close();
      }
    });

  program
    .command('demo')
    .description("construit l'historique de démonstration : mesure l'univers de démonstration sur les 6 derniers trimestres et publie leurs éditions")
    .action(async () => {
      const config = loadConfig();
      const db = openMigratedDatabase(config.OBSERVATOIRE_DB);
      try {
        if (countActiveProcedures(db) === 0) await importDemoCatalogue(db);
        const started = Date.now();
        const { published } = await buildDemoHistory(db, { contactUrl: contactUrl(config), onProgress: (p) => console.log(describeDemoProgress(p)) });
        console.log(`Historique prêt en ${Math.round((Date.now() - started) / 1000)} s : ${published.length} édition(s) publiée(s).`);
      } finally {
        db.$client.close();
      }
    });
}
