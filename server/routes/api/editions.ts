import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  editionTable,
  findPublishedEdition,
  groupSyntheses,
  listPublishedEditions,
  queryRows,
  notPublished,
  type Edition,
} from '../../services/editions.ts';
import { ResponseCache } from '../../services/response-cache.ts';
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

const editionsRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const load = (slug: string) => findPublishedEdition(fastify.db, slug);
  // One cache per app (per database): it lives and dies with the server that built its answers.
  const responses = new ResponseCache();

  /** Sends a cached serialization (keyed by edition and query), with its ETag, compressed once if the client accepts it. */
  const sendCached = async (request: FastifyRequest, reply: FastifyReply, slug: string, key: string, build: () => unknown): Promise<FastifyReply> => {
    cacheable(reply, slug);
    return sendAnswer(request, reply, await responses.get(key, build));
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
      const edition = await load(request.params.slug);
      if (!edition) throw notPublished(request.params.slug);
      return sendCached(request, reply, request.params.slug, `edition|${edition.id}`, async () => {
        const previous = await previousPublishedEdition(fastify.db, edition.periodStart);
        const table = await editionTable(fastify.db, edition);
        const [observatory] = groupSyntheses(table, previous && (await editionTable(fastify.db, previous)), 'observatory');
        return { ...summary(edition), previous: previous?.slug ?? null, procedures: table.rows.length, observatory: observatory! };
      });
    },
  );

  fastify.get(
    '/editions/:slug/procedures',
    {
      schema: {
        tags: ['editions'],
        summary: 'An edition’s table: one row per procedure with every criterion’s score',
        description:
          'Filters combine. `q` matches title, administration and ministry, ignoring case and accents. `sort` is volume, title, ministry, administration or a criterion slug; on a criterion, `desc` lists the best first and not-measured or not-applicable values come last either way.',
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
      const edition = await load(request.params.slug);
      if (!edition) throw notPublished(request.params.slug);
      const unknown = await unknownGroup(fastify.db, request.query);
      if (unknown) throw unknown;
      const { limit = 50, offset = 0, ...query } = request.query;
      return sendCached(request, reply, request.params.slug, `procedures|${edition.id}|${JSON.stringify(request.query)}`, async () => {
        const rows = queryRows(await editionTable(fastify.db, edition), query);
        return {
          edition: edition.slug,
          total: rows.length,
          limit,
          offset,
          items: rows.slice(offset, offset + limit).map(({ searchText: _s, ...row }) => row),
        };
      });
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
      const edition = await load(request.params.slug);
      if (!edition) throw notPublished(request.params.slug);
      return sendCached(request, reply, request.params.slug, `groups|${edition.id}|${request.query.by}`, async () => {
        const previous = await previousPublishedEdition(fastify.db, edition.periodStart);
        const table = await editionTable(fastify.db, edition);
        return {
          edition: edition.slug,
          by: request.query.by,
          target: table.methodology.groupTarget,
          items: groupSyntheses(table, previous && (await editionTable(fastify.db, previous)), request.query.by),
        };
      });
    },
  );
};

export default editionsRoutes;
