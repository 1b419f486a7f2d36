import { and, eq, isNull } from 'drizzle-orm';
import PQueue from 'p-queue';
import { first, transaction, type Db } from '../db/client.ts';
import { declarations, editions, ministries, procedures, users } from '../db/schema/index.ts';
import { createUser } from './auth/accounts.ts';
import { previousQuarter, quarterOf, type Quarter } from '../methodology/quarters.ts';
import { UniverseThread } from './universe/thread.ts';
import { universeProfiles } from './universe/server.ts';
import { Crawler } from '../jobs/crawler.ts';
import { browserAvailable } from '../jobs/browser.ts';
import { crawl } from '../jobs/crawl.ts';
import { CHECKS } from '../jobs/checks/index.ts';
import { probeRounds } from '../jobs/probe.ts';
import { ProbeThread } from '../jobs/probe-thread.ts';
import { pullSurveys } from '../jobs/survey.ts';
import { closeEdition, publishEdition } from '../jobs/editions/close.ts';
import { measureInThread } from './demo-thread.ts';

// The demo history: the crawler really measures the demo universe at simulated dates, quarter
// after quarter, and the editions are closed and published from those measurements. Time is
// compressed: one crawl and a hundred probe rounds per quarter instead of a crawl a day and a
// probe every five minutes; and the browser checks (mobile, a11y_auto), the slow part, run for the
// two latest quarters only. A first start serves the dashboard at once and has its six editions in
// about four minutes on a 2-core machine (crawls and probes pipelined: see buildDemoHistory).

export const DEMO_QUARTERS = 6;
/** A hundred samples a quarter: an uptime moves by one point per failed probe, as a real one nearly does. */
export const PROBE_ROUNDS_PER_QUARTER = 100;
/**
 * Probes in flight at most, every round of the quarter overlapping: each probe goes out when its
 * site has a free connection, on that connection alone, so it still times the site alone. Kept
 * low enough for the universe to answer in its sites' own time while a crawl runs beside: at
 * 1,250 in flight the answers queued (mean probe 0.53 s instead of 0.26 s alone) and, beside a
 * crawl, a third of the probes timed out; at 400, of the history's 1,476 uptime values one only
 * falls under 90 % without an outage in its site's profile (87 %).
 */
export const PROBES_IN_FLIGHT = 400;
/**
 * Connections per site: a site that always times out (3 s) gets its hundred probes through in
 * fifteen seconds, a healthy one in a few, while the others' probes keep going.
 */
export const PROBES_PER_SITE = 20;
export const BROWSER_QUARTERS = 2;
/**
 * Requests in flight for one quarter's crawl (one per site at most, with its pause): at 12 the
 * crawl waited on the sites' response times more than it worked; 32 halves its time.
 */
export const CRAWL_CONCURRENCY = 32;

export interface DemoProgress {
  quarter: string;
  /** `crawling` and `probing` come with done / of; the others end a quarter's step. */
  step: 'crawling' | 'probing' | 'survey' | 'measured' | 'published' | 'skipped';
  index: number;
  total: number;
  done?: number;
  of?: number;
}

/** The past quarters the demo publishes, oldest first (the current quarter is measured, not published). */
export function demoQuarters(now: Date, count = DEMO_QUARTERS): Quarter[] {
  const quarters: Quarter[] = [];
  let q = previousQuarter(quarterOf(now));
  for (let i = 0; i < count; i++, q = previousQuarter(q)) quarters.unshift(q);
  return quarters;
}

export interface DemoStatus {
  quarters: { slug: string; status: 'published' | 'draft' | 'missing' }[];
  published: number;
  total: number;
  complete: boolean;
}

/** Which of the demo's quarters are published, in draft, or not there yet. */
export async function demoStatus(db: Db, now = new Date(), count = DEMO_QUARTERS): Promise<DemoStatus> {
  const quarters = await Promise.all(
    demoQuarters(now, count).map(async (q) => {
      const edition = await first(db.select({ status: editions.status }).from(editions).where(eq(editions.slug, q.slug)));
      return { slug: q.slug, status: edition ? (edition.status === 'published' ? ('published' as const) : ('draft' as const)) : ('missing' as const) };
    }),
  );
  const published = quarters.filter((q) => q.status === 'published').length;
  return { quarters, published, total: quarters.length, complete: published === quarters.length };
}

/**
 * Measures and publishes the demo's quarters that are not published yet, oldest first. Safe to
 * interrupt anywhere (Ctrl-C, kill -9, a crash): a quarter is published in one transaction, a
 * draft left behind is closed again from its measurements, a quarter interrupted while measured
 * is measured again — the next run completes the history, never duplicating an edition.
 */
export async function buildDemoHistory(
  db: Db,
  options: {
    now?: Date;
    quarters?: number;
    contactUrl: string;
    onProgress?: (p: DemoProgress) => void;
    /** `sequential`: one quarter's crawl, then its probes, then the next quarter's (the bench's baseline). */
    schedule?: 'pipelined' | 'sequential';
    /**
     * The location the database was opened with, password included: on PostgreSQL the crawl
     * threads connect by it (`db.location` hides the password). Without it they crawl in-process.
     */
    location?: string;
  },
): Promise<{ published: string[] }> {
  const now = options.now ?? new Date();
  const quarters = demoQuarters(now, options.quarters);
  const published: string[] = [];
  const progressOf = (quarter: Quarter, i: number) => (step: DemoProgress['step'], done?: number, of?: number) =>
    options.onProgress?.({ quarter: quarter.slug, step, index: i + 1, total: quarters.length, done, of });
  // Two pipelines, oldest quarter first, each on a universe of its own playing that quarter: the
  // crawls (and survey pulls) one quarter after another, in a thread of their own, and the probe
  // rounds one quarter after another beside them. Never more than one crawl and one quarter's
  // probes at a time: a probe must time its site, not a machine busy with three other quarters
  // (measured with three quarters at once: probes took 0.5-0.7 s longer than their sites, and 4 %
  // timed out; one crawl beside them adds about 50 ms, see the bench). Editions are closed and
  // published oldest first, each as soon as both its pipelines are done with it.
  const measuring = new Map<string, Promise<unknown>>();
  const crawls = new PQueue({ concurrency: 1 });
  const probing = options.schedule === 'sequential' ? crawls : new PQueue({ concurrency: 1 });
  const location = db.engine === 'postgres' ? (options.location ?? null) : db.sqlite!.memory ? null : db.sqlite!.name;
  for (const [i, quarter] of quarters.entries()) {
    if (await first(db.select({ id: editions.id }).from(editions).where(eq(editions.slug, quarter.slug)))) continue;
    const withBrowser = i >= quarters.length - BROWSER_QUARTERS;
    const progress = progressOf(quarter, i);
    // The crawl in a thread of its own when the database is a file (or a PostgreSQL URL) the thread can open too.
    const crawled = crawls.add(() =>
      location
        ? measureInThread({ location, contactUrl: options.contactUrl, quarter: quarter.slug, withBrowser }, progress)
        : crawlDemoQuarter(db, options.contactUrl, quarter, withBrowser, progress),
    );
    const probed = probing.add(() => probeDemoQuarter(db, options.contactUrl, quarter, progress));
    const run = Promise.all([crawled, probed]);
    run.catch(() => undefined); // awaited below, in order
    measuring.set(quarter.slug, run);
  }
  try {
    for (const [i, quarter] of quarters.entries()) {
      const progress = progressOf(quarter, i);
      const edition = await first(db.select().from(editions).where(eq(editions.slug, quarter.slug)));
      if (edition?.status === 'published') {
        progress('skipped');
        continue;
      }
      // No measuring under way means a draft: the quarter was measured and closed before an
      // interruption, so it is closed again from its measurements.
      const measured = measuring.get(quarter.slug);
      if (measured) {
        await measured;
        progress('measured');
        failPoint('measured', quarter.slug);
      }
      await declareDemoUsage(db, quarter);
      await closeEdition(db, quarter.slug, { now: atDay(quarter, 92) });
      failPoint('closed', quarter.slug);
      await publishEdition(db, quarter.slug, atDay(quarter, 95));
      published.push(quarter.slug);
      progress('published');
    }
  } finally {
    await Promise.allSettled(measuring.values());
  }
  return { published };
}

/**
 * The demo teams' declarations of a quarter: the "Taux de recours au numérique" that no robot can
 * measure, declared near the quarter's end for the procedures whose team keeps the figure (about
 * six in ten). Written once: a quarter closed again after an interruption finds them there.
 */
export async function declareDemoUsage(db: Db, quarter: Quarter): Promise<number> {
  const at = atDay(quarter, 80);
  const known = new Set((await db.select({ id: procedures.id }).from(procedures)).map((r) => r.id));
  const declared = universeProfiles(quarter.slug).filter((p) => p.usageDeclared !== null && known.has(p.procedureId));
  return transaction(db, async (tx) => {
    if (await first(tx.select({ id: declarations.id }).from(declarations).where(and(eq(declarations.criterion, 'usage'), eq(declarations.declaredAt, at))))) return 0;
    for (const p of declared) {
      const current = and(eq(declarations.procedureId, p.procedureId), eq(declarations.criterion, 'usage'), isNull(declarations.supersededAt));
      await tx.update(declarations).set({ supersededAt: at }).where(current);
      await tx.insert(declarations)
        .values({
          procedureId: p.procedureId,
          criterion: 'usage',
          valueNum: p.usageDeclared,
          justification: `Statistiques de la démarche : part des demandes déposées en ligne sur le trimestre ${quarter.slug} (données de démonstration).`,
          declaredBy: `Équipe ${p.administration} (démonstration)`,
          userId: null,
          declaredAt: at,
        });
    }
    return declared.length;
  });
}

/**
 * For the tests of an interrupted history: OBSERVATOIRE_DEMO_KILL=measured:2026-T1 kills the
 * process (SIGKILL, nothing cleaned up) at that point, as a crash or kill -9 would.
 */
function failPoint(step: string, quarter: string): void {
  if (process.env['OBSERVATOIRE_DEMO_KILL'] === `${step}:${quarter}`) process.kill(process.pid, 'SIGKILL');
}

/** One quarter's crawl and survey pull, at simulated dates, on a universe playing that quarter. */
export async function crawlDemoQuarter(
  db: Db,
  contactUrl: string,
  quarter: Quarter,
  withBrowser: boolean,
  progress: (step: DemoProgress['step'], done?: number, of?: number) => void,
): Promise<void> {
  const universe = await UniverseThread.start({ quarter: quarter.slug });
  const crawler = new Crawler({ contactUrl, demoPort: universe.port, browserConcurrency: 6, globalConcurrency: CRAWL_CONCURRENCY });
  try {
    await Promise.all([
      crawl(db, crawler, { trigger: 'demo', checks: withBrowser ? CHECKS : CHECKS.filter((c) => c.kind === 'http'), now: atDay(quarter, 45), onProgress: (done, total) => progress('crawling', done, total) }),
      pullSurveys(db, crawler, { now: atDay(quarter, 89), trigger: 'demo' }).then(() => progress('survey')),
    ]);
  } finally {
    await crawler.close().finally(() => universe.close());
  }
}

/** One quarter's probe rounds at their simulated moments, on a universe playing that quarter, from a thread of their own. */
export async function probeDemoQuarter(db: Db, contactUrl: string, quarter: Quarter, progress: (step: DemoProgress['step'], done?: number, of?: number) => void): Promise<void> {
  const universe = await UniverseThread.start({ quarter: quarter.slug });
  let prober: ProbeThread | undefined;
  try {
    prober = await ProbeThread.start({ contactUrl, demoPort: universe.port, connectionsPerHost: PROBES_PER_SITE });
    const span = quarter.end.getTime() - quarter.start.getTime();
    const rounds = Array.from({ length: PROBE_ROUNDS_PER_QUARTER }, (_, r) => new Date(quarter.start.getTime() + ((r + 0.5) * span) / PROBE_ROUNDS_PER_QUARTER));
    await probeRounds(db, prober, rounds, { inFlight: PROBES_IN_FLIGHT, perSite: PROBES_PER_SITE, onRound: (done, of) => progress('probing', done, of) });
  } finally {
    await (prober?.close() ?? Promise.resolve()).finally(() => universe.close());
  }
}

function atDay(quarter: Quarter, day: number): Date {
  return new Date(quarter.start.getTime() + day * 86_400_000);
}

/** Where the background build of the demo history stands: the API's health and the dashboard's notice read it. */
export interface DemoBuildState {
  state: 'building' | 'done' | 'failed';
  published: number;
  total: number;
  /** The quarter being measured, and how far. */
  current: { quarter: string; step: DemoProgress['step']; done?: number; of?: number } | null;
  /** Whether Chromium is there: without it the browser checks are "not measurable — no browser". */
  browser: boolean;
  error?: string;
}

export interface DemoHistoryBuildOptions {
  contactUrl: string;
  now?: Date;
  onProgress?: (p: DemoProgress) => void;
  /** The location the database was opened with (see buildDemoHistory's). */
  location?: string;
}

/** The demo history built in the background while the server already answers. */
export class DemoHistoryBuild {
  readonly state: DemoBuildState;
  private running?: Promise<void>;

  private constructor(
    private readonly db: Db,
    private readonly options: DemoHistoryBuildOptions,
    status: DemoStatus,
  ) {
    this.state = { state: status.complete ? 'done' : 'building', published: status.published, total: status.total, current: null, browser: browserAvailable() };
  }

  /** Where the history stands, read from the database, ready to `start`. */
  static async open(db: Db, options: DemoHistoryBuildOptions): Promise<DemoHistoryBuild> {
    return new DemoHistoryBuild(db, options, await demoStatus(db, options.now));
  }

  start(): Promise<void> {
    this.running ??= (async () => {
      if (this.state.state === 'done') return;
      try {
        await buildDemoHistory(this.db, {
          contactUrl: this.options.contactUrl,
          now: this.options.now,
          location: this.options.location,
          onProgress: (p) => {
            this.state.current = p.step === 'published' || p.step === 'skipped' ? null : { quarter: p.quarter, step: p.step, done: p.done, of: p.of };
            if (p.step === 'published') this.state.published++; // one more of the quarters the status counted unpublished
            this.options.onProgress?.(p);
          },
        });
        this.state.published = (await demoStatus(this.db, this.options.now)).published;
        this.state.state = 'done';
      } catch (err) {
        this.state.state = 'failed';
        this.state.error = err instanceof Error ? err.message : String(err);
        throw err;
      } finally {
        this.state.current = null;
      }
    })();
    return this.running;
  }
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
  if (await first(db.select({ id: users.id }).from(users).limit(1))) return false;
  // A team account for a ministry the catalogue does not hold (a reduced catalogue) is left out.
  const known = new Set((await db.select({ slug: ministries.slug }).from(ministries)).map((m) => m.slug));
  for (const a of DEMO_ACCOUNTS) {
    if ((a.scope.ministries ?? []).every((m) => known.has(m))) await createUser(db, a);
  }
  return true;
}
