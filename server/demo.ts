import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { editions, users } from '../db/schema/index.ts';
import { createUser } from './auth/accounts.ts';
import { previousQuarter, quarterOf, type Quarter } from '../methodology/quarters.ts';
import { Universe } from '../fixtures/universe/server.ts';
import { Crawler } from '../jobs/crawler.ts';
import { crawl } from '../jobs/crawl.ts';
import { CHECKS } from '../jobs/checks/index.ts';
import { probeRound } from '../jobs/probe.ts';
import { pullSurveys } from '../jobs/survey.ts';
import { closeEdition, publishEdition } from '../jobs/editions/close.ts';

// The demo history: the crawler really measures the demo universe at simulated dates, quarter
// after quarter, and the editions are closed and published from those measurements. Time is
// compressed: one crawl and a dozen probe rounds per quarter instead of a crawl a day and a probe
// every five minutes; and the browser checks (mobile, a11y_auto), the slow part, run for the two
// latest quarters only, so that a first start is ready in about two minutes.

export const DEMO_QUARTERS = 6;
export const PROBE_ROUNDS_PER_QUARTER = 8;
export const BROWSER_QUARTERS = 2;

export interface DemoProgress {
  quarter: string;
  step: 'measured' | 'published' | 'skipped';
  index: number;
  total: number;
}

/** The past quarters the demo publishes, oldest first (the current quarter is measured, not published). */
export function demoQuarters(now: Date, count = DEMO_QUARTERS): Quarter[] {
  const quarters: Quarter[] = [];
  let q = previousQuarter(quarterOf(now));
  for (let i = 0; i < count; i++, q = previousQuarter(q)) quarters.unshift(q);
  return quarters;
}

export async function buildDemoHistory(
  db: Db,
  options: { now?: Date; quarters?: number; contactUrl: string; onProgress?: (p: DemoProgress) => void },
): Promise<{ published: string[] }> {
  const now = options.now ?? new Date();
  const quarters = demoQuarters(now, options.quarters);
  const universe = await Universe.start({ quarter: quarters[0]!.slug });
  const published: string[] = [];
  try {
    for (const [i, quarter] of quarters.entries()) {
      const progress = (step: DemoProgress['step']) => options.onProgress?.({ quarter: quarter.slug, step, index: i + 1, total: quarters.length });
      if (db.select().from(editions).where(eq(editions.slug, quarter.slug)).get()?.status === 'published') {
        progress('skipped');
        continue;
      }
      universe.setQuarter(quarter.slug);
      const withBrowser = i >= quarters.length - BROWSER_QUARTERS;
      await measureQuarter(db, universe, options.contactUrl, quarter, withBrowser);
      progress('measured');
      closeEdition(db, quarter.slug, { now: atDay(quarter, 92) });
      publishEdition(db, quarter.slug, atDay(quarter, 95));
      published.push(quarter.slug);
      progress('published');
    }
  } finally {
    await universe.close();
  }
  return { published };
}

/** One quarter's measurements, at simulated dates: a crawl, probe rounds, the survey, all at once. */
async function measureQuarter(db: Db, universe: Universe, contactUrl: string, quarter: Quarter, withBrowser: boolean): Promise<void> {
  // A gentle crawl: it shares the process with the probes, whose timings it must not skew.
  const crawler = new Crawler({ contactUrl, demoPort: universe.port, browserConcurrency: 4, globalConcurrency: 12 });
  try {
    const span = quarter.end.getTime() - quarter.start.getTime();
    const rounds = Array.from({ length: PROBE_ROUNDS_PER_QUARTER }, (_, r) => new Date(quarter.start.getTime() + ((r + 0.5) * span) / PROBE_ROUNDS_PER_QUARTER));
    // Probe rounds one after the other, as a schedule runs them: rounds that overlapped would
    // time the universe's queue, not the sites.
    const probes = async () => {
      for (const at of rounds) await probeRound(db, crawler, { now: at });
    };
    await Promise.all([
      crawl(db, crawler, { trigger: 'demo', checks: withBrowser ? CHECKS : CHECKS.filter((c) => c.kind === 'http'), now: atDay(quarter, 45) }),
      probes(),
      pullSurveys(db, crawler, { now: atDay(quarter, 89), trigger: 'demo' }),
    ]);
  } finally {
    await crawler.close();
  }
}

function atDay(quarter: Quarter, day: number): Date {
  return new Date(quarter.start.getTime() + day * 86_400_000);
}

/**
 * Demo mode's accounts, so that the team and operator spaces can be tried at once. Their
 * passwords are public (README, console): they exist only when the demo catalogue is served.
 */
export const DEMO_ACCOUNTS = [
  { label: 'Opérateur', email: 'operateur@demo.observatoire.test', password: 'demo-pilotage-2026', name: 'Opérateur de démonstration', role: 'operator' as const, scope: {} },
  {
    label: 'Équipe du ministère de l’Intérieur',
    email: 'equipe.interieur@demo.observatoire.test',
    password: 'interieur-demo-2026',
    name: 'Équipe Intérieur (démonstration)',
    role: 'team' as const,
    scope: { ministries: ['interieur'] },
  },
];

/** Creates the demo accounts on a database without any account; true when it did. */
export async function ensureDemoAccounts(db: Db): Promise<boolean> {
  if (db.select({ id: users.id }).from(users).limit(1).get()) return false;
  for (const a of DEMO_ACCOUNTS) await createUser(db, a);
  return true;
}
