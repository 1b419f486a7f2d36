import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, inject } from 'vitest';

const BIN = new URL('../../bin/observatoire.js', import.meta.url).pathname;

export type WorkerProcess = ChildProcess & { output: string[] };

const started: ChildProcess[] = [];
afterAll(() => {
  for (const w of started) if (w.exitCode === null) w.kill('SIGKILL');
});

/**
 * A real `observatoire worker` process on this PostgreSQL database, its demo hosts routed to the
 * run's shared universe; resolves once it says it is ready. Killed at the end of the file.
 */
export async function startWorkerProcess(url: string, concurrency: number, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [BIN, 'worker', '--concurrency', String(concurrency), '--demo-port', String(inject('universePort'))], {
    env: { ...process.env, ...env, OBSERVATOIRE_DATABASE_URL: url, OBSERVATOIRE_DEMO: 'off' },
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as WorkerProcess;
  started.push(child);
  child.output = [];
  child.stdout!.on('data', (d: Buffer) => child.output.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => child.output.push(d.toString()));
  for (let i = 0; i < 300 && !child.output.join('').includes('prêt'); i++) {
    if (child.exitCode !== null) throw new Error(`worker exited: ${child.output.join('')}`);
    await sleep(100);
  }
  if (!child.output.join('').includes('prêt')) throw new Error(`worker not ready: ${child.output.join('')}`);
  return child;
}
