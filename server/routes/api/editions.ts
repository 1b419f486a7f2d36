import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  editionTable,
  fold,
  groupSyntheses,
  listPublishedEditions,
  listRow,
  queryRows,
  notPublished,
  type Edition,
  type ProcedureQuery,
} from '../../services/editions.ts';
import { ResponseCache, type CachedAnswer } from '../../services/response-cache.ts';
import { publishedEditions, publishedEditionsIfFresh } from '../../../db/published.ts';
import { previousPublishedEdition } from '../../../db/read.ts';
import { unknownGroup } from '../../services/catalogue.ts';
import { sendAnswer } from './answer.ts';
import { EditionDetail, EditionList, EditionSlug, GROUP_KINDS, GroupsAnswer, OneOf, ProcedureFilters, ProceduresAnswer, errorResponses } from '../../../contracts/index.ts';


function summary(e: Edition) {
  return {
    slug: e.slug,
    periodStart: e.periodStart.toISOString(),
    periodEnd: e.periodEnd.toISOString(),
    methodologyVersion: e.methodologyVersion,
    publishedAt: e.publishedAt?.toISOString() ?? null,
    coverage: e.coverage,
  };
}

/** A published edition never changes: caches may keep it (the ETag plugin answers 304s). */
function cacheable(reply: FastifyReply, slug: string): void {
  reply.header('cache-control', slug === 'latest' ? 'public, max-age=60' : 'public, max-age=3600');
}

/**
 * The procedures list's query in one form, as the cache key reads it: defaults filled in, the
 * search as the words it looks for (folded, single-spaced). Two URLs that ask the same thing
 * share one answer.
 */
function canonicalQuery(query: ProcedureQuery & { limit?: number; offset?: number }): string {
  const words = query.q ? fold(query.q).split(/\s+/).filter(Boolean).join(' ') : '';
  return JSON.stringify([query.ministry ?? '', query.administration ?? '', query.audience ?? '', words, query.sort ?? 'volume', query.dir ?? 'desc', query.limit ?? 50, query.offset ?? 0]);
}

const editionsRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const db = fastify.db;
  // One cache per app (per database): it lives and dies with the server that built its answers.
  const responses = new ResponseCache();

  /**
   * The published edition a slug names, from the list kept in memory (db/published.ts): no query
   * while it is fresh. Awaited only when the list is a second old.
   */
  const edition = (slug: string): Edition | Promise<Edition> => {
    const fresh = publishedEditionsIfFresh(db);
    if (fresh) return fresh.find(slug) ?? Promise.reject(notPublished(slug));
    return publishedEditions(db).then((index) => index.find(slug) ?? Promise.reject(notPublished(slug)));
  };

  /** Sends a cached serialization with its ETag, compressed once if the client accepts it. */
  const sendCached = (request: FastifyRequest, reply: FastifyReply, slug: string, answer: CachedAnswer): FastifyReply => {
    cacheable(reply, slug);
    return sendAnswer(request, reply, answer);
  };

  fastify.get(
    '/editions',
    {
      schema: {
        tags: ['editions'],
        summary: 'Published editions, newest first',
        response: { 200: EditionList, 429: errorResponses[429], 500: errorResponses[500] },
      },
    },
    async (_request, reply) => {
      // While the demo history is being built, editions appear one after the other.
      reply.header('cache-control', fastify.appInfo.demoHistory?.().state === 'building' ? 'no-store' : 'public, max-age=60');
      return { items: (await listPublishedEditions(fastify.db)).map(summary) };
    },
  );

  fastify.get(
    '/editions/:slug',
    {
      schema: {
        tags: ['editions'],
        summary: 'One published edition with the whole observatory’s scores and their trend',
        params: Type.Object({ slug: EditionSlug }),
        response: {
          200: EditionDetail,
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { slug } = request.params;
      const published = await edition(slug);
      const key = `edition|${published.id}`;
      const answer =
        responses.peek(key) ??
        (await responses.get(key, async () => {
          const previous = await previousPublishedEdition(db, published.periodStart);
          const table = await editionTable(db, published);
          const [observatory] = groupSyntheses(table, previous && (await editionTable(db, previous)), 'observatory');
          return { ...summary(published), previous: previous?.slug ?? null, procedures: table.rows.length, observatory: observatory! };
        }));
      return sendCached(request, reply, slug, answer);
    },
  );

  fastify.get(
    '/editions/:slug/procedures',
    {
      schema: {
        tags: ['editions'],
        summary: 'An edition’s table: one row per procedure with every criterion’s score',
        description:
          'Filters combine. `q` matches title, administration and ministry, ignoring case and accents. `sort` is volume, title, ministry, administration or a criterion slug; on a criterion, `desc` lists the best first and not-measured or not-applicable values come last either way. Each row carries what the table shows; the evidence behind a score (`observationId`, `declarationId`) and the procedure’s start URL are on `/procedures/{id}`.',
        params: Type.Object({ slug: EditionSlug }),
        querystring: Type.Object(
          {
            ...ProcedureFilters,
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 250, default: 50 })),
            offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: ProceduresAnswer,
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      // A published edition's answer is found by the edition's id and the query: a hit costs no
      // query (the list of editions is in memory), a lookup and the write of compressed bytes.
      const { slug } = request.params;
      const published = await edition(slug);
      const key = `procedures|${published.id}|${canonicalQuery(request.query)}`;
      const cached = responses.peek(key);
      if (cached) return sendCached(request, reply, slug, cached);
      // A miss: the groups named are checked (an unknown one is a 404, never cached), then the answer built.
      const unknown = await unknownGroup(db, request.query);
      if (unknown) throw unknown;
      const { limit = 50, offset = 0, ...query } = request.query;
      const answer = await responses.get(key, async () => {
        const rows = queryRows(await editionTable(db, published), query);
        return { edition: published.slug, total: rows.length, limit, offset, items: rows.slice(offset, offset + limit).map(listRow) };
      });
      return sendCached(request, reply, slug, answer);
    },
  );

  fastify.get(
    '/editions/:slug/groups',
    {
      schema: {
        tags: ['editions'],
        summary: 'Syntheses by ministry or administration: share reaching the goal per criterion, coverage, trend',
        params: Type.Object({ slug: EditionSlug }),
        querystring: Type.Object({ by: OneOf(GROUP_KINDS, { default: 'ministry' }) }, { additionalProperties: false }),
        response: { 200: GroupsAnswer, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { slug } = request.params;
      const { by } = request.query;
      const published = await edition(slug);
      const key = `groups|${published.id}|${by}`;
      const answer =
        responses.peek(key) ??
        (await responses.get(key, async () => {
          const previous = await previousPublishedEdition(db, published.periodStart);
          const table = await editionTable(db, published);
          return { edition: published.slug, by, target: table.methodology.groupTarget, items: groupSyntheses(table, previous && (await editionTable(db, previous)), by) };
        }));
      return sendCached(request, reply, slug, answer);
    },
  );
};

export default editionsRoutes;
