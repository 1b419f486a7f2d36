import { setTimeout as sleep } from 'node:timers/promises';
import PQueue from 'p-queue';

/**
 * One queue per host (one request at a time, a pause between the end of one and the start of the
 * next) under a global cap: the crawler never hammers a site, and many sites are visited at once.
 * The HTTP checks' requests and the browser's page loads share it (see Crawler).
 */
export class HostScheduler {
  private readonly global: PQueue;
  private readonly hosts = new Map<string, { queue: PQueue; readyAt: number }>();

  constructor(
    private readonly options: { globalConcurrency: number; perHostDelayMs: number },
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
      try {
        return await this.global.add(task);
      } finally {
        entry.readyAt = Date.now() + delayMs;
      }
    }) as Promise<T>;
  }
}
