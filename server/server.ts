import Fastify, { type FastifyInstance } from 'fastify';
import { AjvCompiler } from '@fastify/ajv-compiler';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import app, { type AppOptions } from './app.ts';

/** Builds the Fastify instance with the app registered; the caller listens (serve) or injects (tests). */
export async function buildServer(options: AppOptions & { logLevel?: string; logStream?: NodeJS.WritableStream }): Promise<FastifyInstance> {
  const { logLevel = 'info', logStream, ...appOptions } = options;
  const fastify = Fastify({
    // Nothing secret in logs: request lines carry method and URL only (no header, no body), and
    // should a header ever be logged, cookies and tokens are masked.
    logger: {
      level: logLevel,
      ...(logStream ? { stream: logStream } : {}),
      redact: { paths: ['req.headers.cookie', 'req.headers["x-csrf-token"]', 'req.headers.authorization', 'res.headers["set-cookie"]', '*.password', '*.passwordHash'], censor: '[masqué]' },
    },
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false } },
    // Query strings and path parameters are text: "?limit=20" is coerced to a number. A JSON body
    // already has its types and is taken as sent: null is not 0, "0x1F" is not 31.
    schemaController: {
      compilersFactory: {
        buildValidator: (externalSchemas, ajvOptions) => {
          const options = ajvOptions as { customOptions: Record<string, unknown> };
          const coercing = AjvCompiler()(externalSchemas, options as never);
          const strict = AjvCompiler()(externalSchemas, { ...options, customOptions: { ...options.customOptions, coerceTypes: false } } as never);
          return (route) => (route.httpPart === 'body' ? strict : coercing)(route);
        },
      },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // Request lines ("incoming request", "request completed") are info-level: keep them for debugging only.
  const verbose = logLevel === 'debug' || logLevel === 'trace';
  await fastify.register(app, { ...appOptions, logLevel: verbose ? logLevel : 'warn' });
  return fastify;
}
