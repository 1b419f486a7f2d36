import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/client.ts';
import { buildServer } from '../../server/server.ts';

/** The real app on an ephemeral loopback port, for browser tests. */
export async function startServer(db: Db): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildServer({ db, appInfo: { version: 'test', demo: true }, logLevel: 'warn' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('server has no port');
  return { app, url: `http://127.0.0.1:${address.port}` };
}

/** The real app for inject() tests. */
export function buildTestApp(db: Db): Promise<FastifyInstance> {
  return buildServer({ db, appInfo: { version: 'test', demo: true }, logLevel: 'silent' });
}
