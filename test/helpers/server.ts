import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/client.ts';
import { buildServer } from '../../server/server.ts';
import { checkAnswersAgainstContracts } from './contracts.ts';

/** The real app on an ephemeral loopback port, for browser tests. */
export async function startServer(db: Db): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildServer({ db, appInfo: { version: 'test', demo: true }, logLevel: 'warn' });
  checkAnswersAgainstContracts(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('server has no port');
  return { app, url: `http://127.0.0.1:${address.port}` };
}

/** The real app for inject() tests; every answer is checked against its route's contract. */
export async function buildTestApp(db: Db): Promise<FastifyInstance> {
  const app = await buildServer({ db, appInfo: { version: 'test', demo: true }, logLevel: 'silent' });
  checkAnswersAgainstContracts(app);
  return app;
}

/** buildServer with any options, every answer checked against its route's contract. */
export async function buildCheckedServer(options: Parameters<typeof buildServer>[0]): Promise<FastifyInstance> {
  const app = await buildServer(options);
  checkAnswersAgainstContracts(app);
  return app;
}
