import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import PQueue from 'p-queue';

/**
 * Politeness shared by several processes (crawl workers on PostgreSQL, jobs/queue/host-gate.ts):
 * `acquire` resolves once this process may send the host its next request (no other holder, the
 * host's pause over), with the function that gives the host back and starts its next pause.
 */
export interface HostGate {
  acquire(host: string): Promise<(pauseMs: number) => Promise<void>>;
}

/** The host whose turn the current request holds, if any. */
const holding = new AsyncLocalStorage<string>();

/**
 * One queue per host (one request at a time, a pause between the end of one and the start of the
 * next) under a global cap: the crawler never hammers a site, and many sites are visited at once.
 * The HTTP checks' requests and the browser's page loads share it (see Crawler).
 */
export class HostScheduler {
  private readonly global: PQueue;
  private readonly hosts = new Map<string, { queue: PQueue; readyAt: number }>();

  constructor(
    private readonly options: { globalConcurrency: number; perHostDelayMs: number; gate?: HostGate },
  ) {
    this.global = new PQueue({ concurrency: options.globalConcurrency });
  }

  run<T>(url: string, task: () => Promise<T>, delayMs = this.options.perHostDelayMs): Promise<T> {
    const name = new URL(url).host;
    let host = this.hosts.get(name);
    if (!host) {
      host = { queue: new PQueue({ concurrency: 1 }), readyAt: 0 };
      this.hosts.set(name, host);
    }
    const entry = host;
    return entry.queue.add(async () => {
      // A fixed-window rate (p-queue's interval) lets two requests start a millisecond apart
      // across a window's edge: the pause is kept from the previous request's end instead.
      const wait = entry.readyAt - Date.now();
      if (wait > 0) await sleep(wait);
      const release = this.options.gate && (await this.options.gate.acquire(name));
      try {
        return await this.global.add(() => holding.run(name, task));
      } finally {
        entry.readyAt = Date.now() + delayMs;
        await release?.(delayMs);
      }
    }) as Promise<T>;
  }

  /**
   * A request outside the host's queue (robots.txt, read before the host's first request) that
   * still takes the shared gate. Made while another host's turn is held (a redirect to a new
   * site), it does not wait for the gate: waiting there could wait on a worker waiting on us.
   */
  async outOfQueue<T>(url: string, task: () => Promise<T>): Promise<T> {
    if (!this.options.gate || holding.getStore() !== undefined) return task();
    const release = await this.options.gate.acquire(new URL(url).host);
    try {
      return await task();
    } finally {
      await release(this.options.perHostDelayMs);
    }
  }
}
