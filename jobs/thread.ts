import { Worker } from 'node:worker_threads';
import { once } from 'node:events';

/**
 * A worker thread running one of our TypeScript modules: the thread registers tsx's loader first,
 * whoever started the process (`node --import tsx`, the CLI, vitest). `data` reaches the module as
 * `workerData`. Resolves once the module posted its first message (it is ready), with that message.
 */
export async function startModuleThread<Ready>(moduleUrl: string, data: object): Promise<{ worker: Worker; ready: Ready }> {
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(moduleUrl)}); })`;
  const worker = new Worker(boot, { eval: true, workerData: data });
  const [ready] = (await Promise.race([once(worker, 'message'), once(worker, 'error').then(([err]) => Promise.reject(err as Error))])) as [Ready];
  return { worker, ready };
}
