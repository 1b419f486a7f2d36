import { isMainThread, parentPort, workerData, type Worker } from 'node:worker_threads';
import { once } from 'node:events';
import { startModuleThread } from '../jobs/thread.ts';
import type { DemoProgress } from './demo.ts';

interface QuarterJob {
  demoQuarterThread: true;
  /**
   * The SQLite file (the thread writes through a connection of its own: WAL, busy timeout), or
   * the PostgreSQL URL, password included (a pool of its own).
   */
  location: string;
  contactUrl: string;
  quarter: string;
  withBrowser: boolean;
}

type Message = { ready: true } | { progress: { step: DemoProgress['step']; done?: number; of?: number } } | { done: true } | { error: string };

/**
 * One demo quarter's crawl in a thread of its own: its parsing, its browser's page traffic and its
 * writes run beside the probes and the server instead of on their event loop (on two cores the
 * main thread was busy 82 % of the history's build, the server with it). Same measurements, same
 * database, as `crawlDemoQuarter` here.
 */
export async function measureInThread(job: Omit<QuarterJob, 'demoQuarterThread'>, progress: (step: DemoProgress['step'], done?: number, of?: number) => void): Promise<void> {
  const { worker } = await startModuleThread<Message>(import.meta.url, { ...job, demoQuarterThread: true } satisfies QuarterJob);
  const exited = once(worker, 'exit');
  try {
    await new Promise<void>((resolve, reject) => {
      worker.on('message', (m: Message) => {
        if ('progress' in m) progress(m.progress.step, m.progress.done, m.progress.of);
        else if ('done' in m) resolve();
        else if ('error' in m) reject(new Error(m.error));
      });
      worker.on('error', reject);
      worker.on('exit', (code) => reject(new Error(`the thread measuring ${job.quarter} stopped (exit code ${code})`)));
    });
  } finally {
    await terminate(worker, exited);
  }
}

async function terminate(worker: Worker, exited: Promise<unknown>): Promise<void> {
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
  await worker.terminate();
}

// Not awaited at the top level: this module is evaluated before demo.ts, which imports it, so a
// top-level await of demo.ts here would wait for itself.
if (!isMainThread && parentPort && (workerData as Partial<QuarterJob> | undefined)?.demoQuarterThread) void runQuarter(workerData as QuarterJob);

async function runQuarter(job: QuarterJob): Promise<void> {
  const post = (m: Message) => parentPort!.postMessage(m);
  post({ ready: true });
  const { closeDatabase, openDatabase } = await import('../db/client.ts');
  const { crawlDemoQuarter } = await import('./demo.ts');
  const { parseQuarter } = await import('../methodology/quarters.ts');
  const db = openDatabase(job.location);
  try {
    await crawlDemoQuarter(db, job.contactUrl, parseQuarter(job.quarter)!, job.withBrowser, (step, done, of) => post({ progress: { step, done, of } }));
    post({ done: true });
  } catch (err) {
    post({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  } finally {
    await closeDatabase(db);
  }
}
