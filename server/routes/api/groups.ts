import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { editionTable, groupSyntheses } from '../../services/editions.ts';
import { publishedEditions, publishedEditionsIfFresh } from '../../../db/published.ts';
import { ResponseCache } from '../../services/response-cache.ts';
import { sendAnswer } from './answer.ts';
import { DomainError, GroupHistory, GroupSlug, errorResponses } from '../../../contracts/index.ts';

/** What the cache holds for a group no published edition knows. */
const NOT_FOUND = Buffer.from('null');

/** One group (a ministry, an administration or the whole observatory) across the latest published editions. */
const groupsRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  // One cache per app (per database), like the editions' answers.
  const responses = new ResponseCache(200);
  fastify.get(
    '/groups/:by/:slug',
    {
      schema: {
        tags: ['editions'],
        summary: 'A ministry’s, an administration’s or the observatory’s scores over the latest published editions',
        description: 'Oldest edition first. `by=observatory` takes the slug `observatoire`. Each score carries its count of procedures per level, for stacked bars.',
        params: Type.Object({
          by: Type.Union([Type.Literal('ministry'), Type.Literal('administration'), Type.Literal('observatory')]),
          slug: GroupSlug,
        }),
        querystring: Type.Object({ editions: Type.Optional(Type.Integer({ minimum: 1, maximum: 40, default: 5 })) }, { additionalProperties: false }),
        response: {
          200: GroupHistory,
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { by, slug } = request.params;
      const count = request.query.editions ?? 5;
      // The published editions from memory (read again when a second old): a hit queries nothing.
      const index = publishedEditionsIfFresh(fastify.db) ?? (await publishedEditions(fastify.db));
      const published = index.editions.slice(0, count).reverse();
      const key = `${by}|${slug}|${published.map((e) => e.id).join(',')}`;
      const answer = responses.peek(key) ?? (await responses.get(key, async () => {
        let name: string | null = null;
        let target = 0.8;
        const history = [];
        for (const edition of published) {
          const table = await editionTable(fastify.db, edition);
          target = table.methodology.groupTarget;
          const group = groupSyntheses(table, undefined, by).find((g) => g.slug === slug);
          if (!group) continue;
          name = group.name;
          history.push({ edition: edition.slug, procedures: group.procedures, scores: group.scores });
        }
        return name === null ? null : { by, slug, name, target, editions: history };
      }));
      if (answer.body.equals(NOT_FOUND)) throw new DomainError('group.unknown', `no ${by} "${slug}" in the published editions`, { kind: by, slug });
      return sendAnswer(request, reply.header('cache-control', 'public, max-age=60'), answer);
    },
  );
};

export default groupsRoutes;
