import Fastify, { type FastifyInstance } from 'fastify';
import { AjvCompiler } from '@fastify/ajv-compiler';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import app, { type AppOptions } from './app.ts';

/** The largest request body any route takes: the API's bodies are a few hundred bytes. */
export const BODY_LIMIT_BYTES = 64 * 1024;
/** How deep a JSON body may nest: no route takes more than three levels. */
export const MAX_JSON_DEPTH = 8;

/**
 * How deep a JSON text nests, counted on the text before it is parsed (strings skipped), so that
 * a body of ten thousand brackets is refused before any parser or validator walks it.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

/** Builds the Fastify instance with the app registered; the caller listens (serve) or injects (tests). */
export async function buildServer(options: AppOptions & { logLevel?: string; logStream?: NodeJS.WritableStream }): Promise<FastifyInstance> {
  const { logLevel = 'info', logStream, ...appOptions } = options;
  const fastify = Fastify({
    bodyLimit: BODY_LIMIT_BYTES,
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
  // Fastify's own JSON parser (prototype poisoning refused), behind a depth limit.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (jsonDepth(body as string) > MAX_JSON_DEPTH) {
      return done(Object.assign(new Error(`JSON body nested deeper than ${MAX_JSON_DEPTH} levels`), { statusCode: 400 }), undefined);
    }
    return parseJson(request, body as string, done);
  });
  // Request lines ("incoming request", "request completed") are info-level: keep them for debugging only.
  const verbose = logLevel === 'debug' || logLevel === 'trace';
  await fastify.register(app, { ...appOptions, logLevel: verbose ? logLevel : 'warn' });
  return fastify;
}
