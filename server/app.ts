import { existsSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { join, sep } from 'node:path';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import sensible from '@fastify/sensible';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import type { Db } from '../db/client.ts';
import { ErrorResponse } from './schemas.ts';
import health from './routes/api/health.ts';
import criteria from './routes/api/criteria.ts';
import proceduresRoutes from './routes/api/procedures.ts';
import editionsRoutes from './routes/api/editions.ts';
import exportsRoutes from './routes/api/exports.ts';
import groupsRoutes from './routes/api/groups.ts';
import etag from '@fastify/etag';
import compress from '@fastify/compress';
import rateLimit from '@fastify/rate-limit';

export interface AppInfo {
  version: string;
  demo: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    appInfo: AppInfo;
  }
}

export interface AppOptions {
  db: Db;
  appInfo: AppInfo;
  /** Folder of the built dashboard; the API works without it. */
  webRoot?: string;
  /** API requests per minute per client; 0 or absent: no limit. */
  rateLimitPerMinute?: number;
}

export const DEFAULT_WEB_ROOT = join(import.meta.dirname, '..', 'dist', 'web');

/** The whole application as one plugin: infrastructure, then services, then routes. */
const app: FastifyPluginAsync<AppOptions> = async (fastify, opts) => {
  fastify.decorate('db', opts.db);
  fastify.decorate('appInfo', opts.appInfo);

  await fastify.register(sensible);
  await fastify.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        // Served over plain HTTP on loopback by default: upgrading would break the page.
        upgradeInsecureRequests: null,
        // DSFR draws its icons with data: URIs.
        imgSrc: ["'self'", 'data:'],
      },
    },
  });
  fastify.addSchema(ErrorResponse);
  await fastify.register(etag, { weak: true });
  // Answers built per request (the catalogue, a procedure's page, CSV exports) are compressed on
  // the fly; cached edition answers and built assets arrive compressed already and are left alone.
  await fastify.register(compress, { global: true, encodings: ['br', 'gzip'], threshold: 1024 });
  if (opts.rateLimitPerMinute) {
    await fastify.register(rateLimit, {
      max: opts.rateLimitPerMinute,
      timeWindow: '1 minute',
      // Only the API is limited; the dashboard's static files are not.
      allowList: (request) => !request.url.startsWith('/api/'),
      errorResponseBuilder: (_request, context) => ({ statusCode: 429, error: 'Too Many Requests', message: `rate limit: ${context.max} requests per minute, retry in ${context.after}` }),
    });
  }
  await fastify.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Observatoire de la qualité des démarches en ligne — API',
        description: 'Catalogue, methodology and (from the first edition on) published scores, with the evidence behind them.',
        version: opts.appInfo.version,
      },
      tags: [
        { name: 'service', description: 'Health of the service' },
        { name: 'methodology', description: 'Criteria and level tables' },
        { name: 'catalogue', description: 'The procedures the observatory follows' },
        { name: 'editions', description: 'Published quarterly editions: tables and syntheses' },
        { name: 'data', description: 'CSV exports, data dictionary, data package' },
      ],
    },
  });
  await fastify.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  setErrorHandling(fastify);

  await fastify.register(
    async (api) => {
      await api.register(health);
      await api.register(criteria);
      await api.register(proceduresRoutes);
      await api.register(editionsRoutes);
      await api.register(exportsRoutes);
      await api.register(groupsRoutes);
      api.get('/openapi.json', { schema: { hide: true } }, async () => fastify.swagger());
    },
    { prefix: '/api' },
  );

  const webRoot = opts.webRoot ?? DEFAULT_WEB_ROOT;
  const hasDashboard = existsSync(join(webRoot, 'index.html'));
  if (hasDashboard) {
    await fastify.register(fastifyStatic, {
      root: webRoot,
      wildcard: false,
      index: 'index.html',
      preCompressed: true,
      // Built assets carry a content hash in their name: cache them for good. The page itself is
      // revalidated, so a new build reaches visitors at once.
      setHeaders: (reply, path) => {
        reply.header('cache-control', path.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }

  fastify.setNotFoundHandler((request, reply) => {
    // A page path has no file extension; a missing asset (an old hashed name) is a 404, not the app.
    const path = request.url.split('?')[0]!;
    const wantsPage = request.method === 'GET' && !path.startsWith('/api/') && !path.startsWith('/assets/') && !/\.[a-z0-9]+$/i.test(path);
    if (wantsPage && hasDashboard) {
      // The dashboard routes in the browser: any page path gets the app, which shows its own 404.
      return reply.type('text/html').header('cache-control', 'no-cache').sendFile('index.html');
    }
    if (wantsPage) {
      return reply.code(404).type('text/plain; charset=utf-8').send('Tableau de bord non construit : lancez « npm run build ».');
    }
    return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no route ${request.method} ${request.url.split('?')[0]}` });
  });
};

/** One error handler: client errors keep their message, server errors are logged and hidden. */
function setErrorHandling(fastify: FastifyInstance): void {
  fastify.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const statusCode = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (statusCode >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.code(statusCode).send({ statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message: 'Erreur interne du serveur.' });
    }
    return reply.code(statusCode).send({ statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message: error.message });
  });
}

export default fp(app, { name: 'observatoire' });
