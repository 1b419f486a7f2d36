import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { currentMethodology } from '../../../methodology/index.ts';
import { countActiveProcedures } from '../../services/catalogue.ts';
import { Health, errorResponses } from '../../../contracts/index.ts';

const health: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/health',
    {
      schema: {
        tags: ['service'],
        summary: 'Liveness and readiness',
        response: {
          200: Health,
          429: errorResponses[429], 500: errorResponses[500],
        },
      },
    },
    async () => ({
      status: 'ok' as const,
      version: fastify.appInfo.version,
      methodologyVersion: currentMethodology.version,
      procedures: await countActiveProcedures(fastify.db),
      demo: fastify.appInfo.demo,
      // The response schema keeps the fields it declares (the error stays in the server's log).
      ...(fastify.appInfo.demoHistory ? { demoHistory: fastify.appInfo.demoHistory() } : {}),
      time: new Date().toISOString(),
    }),
  );
};

export default health;
