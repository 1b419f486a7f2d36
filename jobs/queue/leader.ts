import pg from 'pg';

/** The advisory lock the scheduling `serve` holds (any number: the same in every process). */
const SCHEDULER_LOCK = 4_242_002;

/**
 * One scheduler among several `serve` processes on PostgreSQL: the one holding a session-level
 * advisory lock schedules; the others try again every `retryMs`. The lock lives as long as the
 * holder's connection: a holder that dies (or loses its connection) frees it, and another takes
 * over within `retryMs`. Never two schedulers at once: PostgreSQL grants the lock to one session.
 */
export class SchedulerElection {
  private client?: pg.Client;
  private timer?: NodeJS.Timeout;
  private leading = false;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly on: { elected: () => void; deposed: () => void },
    private readonly retryMs = 15_000,
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  /** Tries now, then every `retryMs` while not elected; resolves after the first try. */
  async start(): Promise<void> {
    await this.attempt();
    this.timer = setInterval(() => void this.attempt(), this.retryMs);
    this.timer.unref();
  }

  private async attempt(): Promise<void> {
    if (this.leading || this.stopped) return;
    try {
      this.client ??= await this.connect();
      const { rows } = await this.client.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [SCHEDULER_LOCK]);
      if (rows[0]?.ok && !this.stopped) {
        this.leading = true;
        this.on.elected();
      }
    } catch {
      this.drop();
    }
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'observatoire-scheduler' });
    client.on('error', () => this.drop());
    await client.connect();
    return client;
  }

  /** The connection is gone, and the lock with it: stop scheduling, try again later. */
  private drop(): void {
    const client = this.client;
    this.client = undefined;
    void client?.end().catch(() => undefined);
    if (this.leading) {
      this.leading = false;
      this.on.deposed();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    if (this.leading) {
      this.leading = false;
      this.on.deposed();
    }
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }
}
