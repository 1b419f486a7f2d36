import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { currentMethodology } from '../../../methodology/index.ts';
import { Criterion, errorResponses } from '../../schemas.ts';

const criteria: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/criteria',
    {
      schema: {
        tags: ['methodology'],
        summary: 'The current methodology: criteria and their level tables',
        response: {
          200: Type.Object({
            version: Type.Integer(),
            groupTarget: Type.Number({ description: 'Share of measured procedures reaching the goal a group should reach.' }),
            surveyMinAnswers: Type.Optional(Type.Integer({ description: 'Answers every survey-based value needs in a quarter (methodology v2 on).' })),
            criteria: Type.Array(Criterion),
          }),
          500: errorResponses[500],
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
