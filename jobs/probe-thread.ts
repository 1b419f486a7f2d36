import { isMainThread, parentPort, workerData, type Worker } from 'node:worker_threads';
import { once } from 'node:events';
import { startModuleThread } from './thread.ts';
import type { CrawlerOptions } from './crawler.ts';
import type { ProbeSample, ProbeTarget, RoundsOptions, Sampler } from './probe.ts';

type Request = { type: 'rounds'; id: number; targets: ProbeTarget[]; moments: number[]; options: RoundsOptions } | { type: 'close' };
type Reply = { id: number; round: number; samples: ProbeSample[] } | { id: number; done: true } | { id: number; error: string };

/**
 * Probes sent from a thread of their own: a probe's timing is the time its site took, not the
 * time a crawl parsing pages on the main event loop kept its answer waiting (a parse of 50 ms
 * stalls every probe in flight by as much). The samples come back round by round, to be written
 * by the caller.
 */
export class ProbeThread implements Sampler {
  private next = 0;
  private readonly pending = new Map<number, { onRound: (round: number, samples: ProbeSample[]) => void; resolve: () => void; reject: (err: Error) => void }>();

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: Reply) => {
      const call = this.pending.get(reply.id);
      if (!call) return;
      if ('samples' in reply) return call.onRound(reply.round, reply.samples);
      this.pending.delete(reply.id);
      if ('error' in reply) call.reject(new Error(reply.error));
      else call.resolve();
    });
    worker.on('error', (err) => {
      for (const call of this.pending.values()) call.reject(err);
      this.pending.clear();
    });
  }

  static async start(crawler: CrawlerOptions): Promise<ProbeThread> {
    const { worker } = await startModuleThread(import.meta.url, { probeThread: true, crawler });
    return new ProbeThread(worker);
  }

  sampleRounds(targets: ProbeTarget[], moments: Date[], options: RoundsOptions, onRound: (round: number, samples: ProbeSample[]) => void): Promise<void> {
    const id = ++this.next;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { onRound, resolve, reject });
      this.worker.postMessage({ type: 'rounds', id, targets, moments: moments.map((m) => m.getTime()), options } satisfies Request);
    });
  }

  async close(): Promise<void> {
    this.worker.postMessage({ type: 'close' } satisfies Request);
    await once(this.worker, 'exit');
  }
}

if (!isMainThread && parentPort && (workerData as { probeThread?: boolean } | undefined)?.probeThread) {
  const port = parentPort;
  const { Crawler } = await import('./crawler.ts');
  const { sampleRounds } = await import('./probe.ts');
  const crawler = new Crawler((workerData as { crawler: CrawlerOptions }).crawler);
  port.on('message', (request: Request) => {
    if (request.type === 'close') return void crawler.close().finally(() => process.exit(0));
    const reply = (r: Reply) => port.postMessage(r);
    sampleRounds(crawler, request.targets, request.moments.map((m) => new Date(m)), request.options, (round, samples) => reply({ id: request.id, round, samples })).then(
      () => reply({ id: request.id, done: true }),
      (err: unknown) => reply({ id: request.id, error: err instanceof Error ? err.message : String(err) }),
    );
  });
  port.postMessage({ ready: true });
}
