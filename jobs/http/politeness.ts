import PQueue from 'p-queue';

/**
 * One queue per host (one request at a time, a pause between two) under a global cap: the
 * crawler never hammers a site, and many sites are visited at once.
 */
export class HostScheduler {
  private readonly global: PQueue;
  private readonly hosts = new Map<string, PQueue>();

  constructor(
    private readonly options: { globalConcurrency: number; perHostDelayMs: number },
  ) {
    this.global = new PQueue({ concurrency: options.globalConcurrency });
  }

  run<T>(url: string, task: () => Promise<T>, delayMs = this.options.perHostDelayMs): Promise<T> {
    const host = new URL(url).host;
    let queue = this.hosts.get(host);
    if (!queue) {
      queue = new PQueue({ concurrency: 1, interval: Math.max(1, delayMs), intervalCap: 1 });
      this.hosts.set(host, queue);
    }
    return queue.add(() => this.global.add(task)) as Promise<T>;
  }
}
