import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { currentMethodology } from '../../../methodology/index.ts';
import { countActiveProcedures } from '../../services/catalogue.ts';
import { errorResponses } from '../../schemas.ts';

const health: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/health',
    {
      schema: {
        tags: ['service'],
        summary: 'Liveness and readiness',
        response: {
          200: Type.Object({
            status: Type.Literal('ok'),
            version: Type.String(),
            methodologyVersion: Type.Integer(),
            procedures: Type.Integer({ description: 'Procedures in the catalogue (retired ones excluded).' }),
            demo: Type.Boolean(),
            time: Type.String({ format: 'date-time' }),
          }),
          500: errorResponses[500],
        },
      },
    },
    async () => ({
      status: 'ok' as const,
      version: fastify.appInfo.version,
      methodologyVersion: currentMethodology.version,
      procedures: countActiveProcedures(fastify.db),
      demo: fastify.appInfo.demo,
      time: new Date().toISOString(),
    }),
  );
};

export default health;
