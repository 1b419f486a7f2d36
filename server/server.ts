import Fastify, { type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import app, { type AppOptions } from './app.ts';

/** Builds the Fastify instance with the app registered; the caller listens (serve) or injects (tests). */
export async function buildServer(options: AppOptions & { logLevel?: string }): Promise<FastifyInstance> {
  const { logLevel = 'info', ...appOptions } = options;
  const fastify = Fastify({
    logger: { level: logLevel },
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // Request lines ("incoming request", "request completed") are info-level: keep them for debugging only.
  const verbose = logLevel === 'debug' || logLevel === 'trace';
  await fastify.register(app, { ...appOptions, logLevel: verbose ? logLevel : 'warn' });
  return fastify;
}
