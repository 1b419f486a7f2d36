import cron from 'node-cron';

// The scheduler's jobs: a registry of { name, schedule, run }, no overlapping runs, one summary
// line per run, and a clock the tests control.

export interface Job {
  name: string;
  /** A cron expression (minute hour day month weekday), in the server's time zone. */
  schedule: string;
  run(now: Date): Promise<string>;
}

export type Clock = () => Date;

export interface JobRunResult {
  job: string;
  status: 'completed' | 'failed' | 'skipped';
  summary: string;
  startedAt: Date;
  durationMs: number;
}

export class Scheduler {
  private readonly running = new Set<string>();
  private readonly tasks: { stop: () => void }[] = [];

  constructor(
    private readonly jobs: readonly Job[],
    private readonly options: { clock?: Clock; log?: (line: string) => void } = {},
  ) {
    for (const job of jobs) {
      if (!cron.validate(job.schedule)) throw new Error(`job ${job.name}: invalid schedule "${job.schedule}"`);
    }
  }

  start(): void {
    for (const job of this.jobs) {
      this.tasks.push(cron.schedule(job.schedule, () => void this.trigger(job.name), { name: job.name, noOverlap: false }));
    }
  }

  stop(): void {
    for (const task of this.tasks.splice(0)) task.stop();
  }

  /** Runs a job now unless it is already running (a slow crawl never stacks up). */
  async trigger(name: string): Promise<JobRunResult> {
    const job = this.jobs.find((j) => j.name === name);
    if (!job) throw new Error(`no job named ${name}`);
    const startedAt = (this.options.clock ?? (() => new Date()))();
    if (this.running.has(name)) {
      return this.report({ job: name, status: 'skipped', summary: 'previous run still going', startedAt, durationMs: 0 });
    }
    this.running.add(name);
    const t0 = Date.now();
    try {
      const summary = await job.run(startedAt);
      return this.report({ job: name, status: 'completed', summary, startedAt, durationMs: Date.now() - t0 });
    } catch (err) {
      return this.report({ job: name, status: 'failed', summary: err instanceof Error ? err.message : String(err), startedAt, durationMs: Date.now() - t0 });
    } finally {
      this.running.delete(name);
    }
  }

  isRunning(name: string): boolean {
    return this.running.has(name);
  }

  private report(result: JobRunResult): JobRunResult {
    (this.options.log ?? console.log)(`[${result.startedAt.toISOString()}] job ${result.job} ${result.status} in ${result.durationMs} ms: ${result.summary}`);
    return result;
  }
}
