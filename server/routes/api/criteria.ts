import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { currentMethodology } from '../../../methodology/index.ts';
import { CriteriaAnswer, errorResponses } from '../../../contracts/index.ts';

const criteria: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/criteria',
    {
      schema: {
        tags: ['methodology'],
        summary: 'The current methodology: criteria and their level tables',
        response: {
          200: CriteriaAnswer,
          429: errorResponses[429], 500: errorResponses[500],
        },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=3600');
      return currentMethodology;
    },
  );
};

export default criteria;
