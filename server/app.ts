import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
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
import { DomainError, ErrorResponse, kindOfStatus } from '../contracts/index.ts';
import health from './routes/api/health.ts';
import criteria from './routes/api/criteria.ts';
import proceduresRoutes from './routes/api/procedures.ts';
import editionsRoutes from './routes/api/editions.ts';
import exportsRoutes from './routes/api/exports.ts';
import groupsRoutes from './routes/api/groups.ts';
import etag from '@fastify/etag';
import compress from '@fastify/compress';
import rateLimit from '@fastify/rate-limit';
import auth, { routePath } from './auth/plugin.ts';
import sessionRoutes from './routes/api/session.ts';
import teamRoutes from './routes/api/team.ts';
import adminRoutes from './routes/api/admin.ts';
import feedsRoutes from './routes/api/feeds.ts';

/** Work done elsewhere that a request can wake: RecheckQueue and WebhookOutbox in process, or a job for the workers. */
export interface Wakeable {
  kick(): Promise<unknown>;
}
import type { DemoBuildState } from './demo.ts';
import siteRoutes, { type SiteInfo } from './routes/site.ts';
import { pageHead, withHead } from './page-head.ts';
import { RENDER_HEADER, serverPages } from './ssr.ts';
import { sendAnswer } from './routes/api/answer.ts';
import { DEFAULT_SITE } from './config.ts';

export interface AppInfo {
  version: string;
  demo: boolean;
  /** In demo mode, where the background build of the demo history stands. */
  demoHistory?: () => DemoBuildState;
}

export interface AuthSettings {
  /** The dashboard's public address: links in feeds and webhooks; https makes cookies Secure. */
  publicUrl: string;
  /** Webhooks may target loopback and private addresses, over http (demo, tests). */
  allowPrivateWebhooks: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    appInfo: AppInfo;
    authOptions: AuthSettings;
    /** Wakes the re-check worker (this process's, or on PostgreSQL the crawl workers'); absent, re-checks wait for a server that has one. */
    rechecks: Wakeable | null;
    /** Wakes the webhook outbox (same). */
    outbox: Wakeable | null;
    site: SiteInfo;
  }
}

export interface AppOptions {
  db: Db;
  appInfo: AppInfo;
  /** Folder of the built dashboard; the API works without it. */
  webRoot?: string;
  /** The dashboard's server renderer (dist/ssr/server.js); without it, the browser draws every page. */
  ssrFile?: string;
  /** API requests per minute per client; 0 or absent: no limit (login stays limited). */
  rateLimitPerMinute?: number;
  /** Clients exempt from that limit (OBSERVATOIRE_RATE_LIMIT_EXEMPT); never from login's. */
  rateLimitExempt?: (address: string) => boolean;
  auth?: Partial<AuthSettings>;
  rechecks?: Wakeable;
  outbox?: Wakeable;
  /** Publisher and contact, for the legal pages; a demo default otherwise. */
  site?: Partial<SiteInfo>;
}

export const DEFAULT_WEB_ROOT = join(import.meta.dirname, '..', 'dist', 'web');

/** The whole application as one plugin: infrastructure, then services, then routes. */
const app: FastifyPluginAsync<AppOptions> = async (fastify, opts) => {
  fastify.decorate('db', opts.db);
  fastify.decorate('appInfo', opts.appInfo);
  const authOptions: AuthSettings = { publicUrl: opts.auth?.publicUrl ?? 'http://127.0.0.1:3000', allowPrivateWebhooks: opts.auth?.allowPrivateWebhooks ?? opts.appInfo.demo };
  fastify.decorate('authOptions', authOptions);
  fastify.decorate('rechecks', opts.rechecks ?? null);
  fastify.decorate('outbox', opts.outbox ?? null);
  fastify.decorate('site', { ...DEFAULT_SITE, ...opts.site });

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
  // The server renderer's own API requests carry this process's secret: a page drawn on the
  // server is one visit, not five requests against the visitor's limit.
  const renderSecret = randomBytes(18).toString('base64url');
  // Always registered: login and password change carry their own limit even when the API has none.
  {
    await fastify.register(rateLimit, {
      global: !!opts.rateLimitPerMinute,
      max: opts.rateLimitPerMinute || 1000,
      timeWindow: '1 minute',
      // Only the API is limited; the dashboard's static files are not. By route, not raw URL.
      // Exempt clients (a monitoring probe, a load test) skip it; login and password change
      // declare their own allowList, which exempts nobody.
      allowList: (request) =>
        !routePath(request).startsWith('/api/') || request.headers[RENDER_HEADER] === renderSecret || (opts.rateLimitExempt?.(request.ip) ?? false),
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
        { name: 'alerts', description: 'Public Atom feeds of regressions and publications, per ministry' },
        { name: 'accounts', description: 'Log in and out (httpOnly session cookie), change password; every state-changing request carries the x-csrf-token header' },
        { name: 'ministry teams', description: "A team's procedures, declarations, watchlist, re-checks and webhooks (login required)" },
        { name: 'operators', description: 'Accounts, drafts, publication, crawl runs (operator role)' },
      ],
    },
  });
  await fastify.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  setErrorHandling(fastify);
  await fastify.register(auth, { secureCookies: authOptions.publicUrl.startsWith('https:') });

  await fastify.register(
    async (api) => {
      await api.register(health);
      await api.register(criteria);
      await api.register(proceduresRoutes);
      await api.register(editionsRoutes);
      await api.register(exportsRoutes);
      await api.register(groupsRoutes);
      await api.register(feedsRoutes);
      await api.register(sessionRoutes);
      await api.register(teamRoutes);
      await api.register(adminRoutes);
      await api.register(import('./routes/api/bench.ts')); // the bench's baseline: only with OBSERVATOIRE_BENCH_BASELINE=1
      api.get('/openapi.json', { schema: { hide: true } }, async () => fastify.swagger());
    },
    { prefix: '/api' },
  );

  await fastify.register(siteRoutes);

  const webRoot = opts.webRoot ?? DEFAULT_WEB_ROOT;
  const hasDashboard = existsSync(join(webRoot, 'index.html'));
  if (hasDashboard) {
    await fastify.register(fastifyStatic, {
      root: webRoot,
      wildcard: false,
      // The home page is a page like the others (drawn on the server below), not a file.
      index: false,
      preCompressed: true,
      // Built assets carry a content hash in their name: cache them for good. The page itself is
      // revalidated, so a new build reaches visitors at once.
      setHeaders: (reply, path) => {
        reply.header('cache-control', path.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }

  const pages = hasDashboard ? await serverPages(fastify, renderSecret, opts.ssrFile) : null;
  let indexHtml: string | undefined;
  fastify.setNotFoundHandler(async (request, reply) => {
    // A page path has no file extension; a missing asset (an old hashed name) is a 404, not the app.
    const path = request.url.split('?')[0]!;
    const wantsPage = request.method === 'GET' && !path.startsWith('/api/') && !path.startsWith('/assets/') && !/\.[a-z0-9]+$/i.test(path);
    if (wantsPage && hasDashboard) {
      // The dashboard routes in the browser: any page path gets the app, which shows its own 404;
      // a known page gets its own title, description and Open Graph tags. A public page is drawn
      // on the server (server/ssr.ts), so it shows before any script runs; one drawn before is
      // served without reading its head again.
      const shell = async (): Promise<string | null> => {
        const head = await pageHead(fastify.db, path);
        if (!head) return null;
        indexHtml ??= readFileSync(join(webRoot, 'index.html'), 'utf8');
        return withHead(indexHtml, head, `${fastify.authOptions.publicUrl.replace(/\/+$/, '')}${path}`);
      };
      reply.header('cache-control', 'no-cache');
      const drawn = pages?.draws(path) ? await pages.render(request, shell) : null;
      // Drawn for a phone or a wider screen (the request says which); kept compressed.
      if (drawn) return sendAnswer(request, reply, drawn, { type: 'text/html; charset=utf-8', vary: 'accept-encoding, sec-ch-ua-mobile, user-agent' });
      const page = await shell();
      if (!page) return reply.type('text/html').sendFile('index.html');
      return reply.type('text/html; charset=utf-8').send(page);
    }
    if (wantsPage) {
      return reply.code(404).type('text/plain; charset=utf-8').send('Tableau de bord non construit : lancez « npm run build ».');
    }
    throw new DomainError('route.not_found', `no route ${request.method} ${request.url.split('?')[0]}`);
  });
};

/** One error handler, where a refusal becomes HTTP: client errors keep their message and code, server errors are logged and hidden. */
function setErrorHandling(fastify: FastifyInstance): void {
  fastify.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const statusCode = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (statusCode >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.code(statusCode).send({ statusCode, error: STATUS_CODES[statusCode] ?? 'Error', code: 'internal', message: 'Internal server error.' });
    }
    const answer = { statusCode, error: STATUS_CODES[statusCode] ?? 'Error' };
    // A domain refusal says its code and what the message names; any other (validation, body
    // limits, the rate limit) says its kind.
    if (error instanceof DomainError) return reply.code(statusCode).send({ ...answer, code: error.code, message: error.message, ...(Object.keys(error.params).length ? { params: error.params } : {}) });
    return reply.code(statusCode).send({ ...answer, code: kindOfStatus(statusCode), message: validationMessage(error) ?? error.message });
  });
}

type ValidationIssue = { keyword: string; instancePath: string; message?: string; params: { allowedValues?: unknown[] } };

/** A value outside a list says once which values are allowed: "querystring/sort must be one of: volume, title, …". */
function validationMessage(error: Error & { validation?: ValidationIssue[]; validationContext?: string }): string | null {
  const issues = error.validation;
  if (!issues?.some((i) => i.keyword === 'enum')) return null;
  return issues
    .map((i) => `${error.validationContext ?? 'request'}${i.instancePath} ${i.keyword === 'enum' ? `must be one of: ${(i.params.allowedValues ?? []).join(', ')}` : (i.message ?? 'is invalid')}`)
    .join(', ');
}

export default fp(app, { name: 'observatoire' });
