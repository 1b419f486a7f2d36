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
            demoHistory: Type.Optional(
              Type.Object(
                {
                  state: Type.Union([Type.Literal('building'), Type.Literal('done'), Type.Literal('failed')]),
                  published: Type.Integer({ description: 'Demo editions published so far.' }),
                  total: Type.Integer({ description: 'Demo editions the history holds when complete.' }),
                  current: Type.Union([Type.Object({ quarter: Type.String(), step: Type.String(), done: Type.Optional(Type.Integer()), of: Type.Optional(Type.Integer()) }), Type.Null()]),
                  browser: Type.Boolean({ description: 'Chromium is installed: without it, the browser checks are not measurable (no_browser).' }),
                },
                { description: 'Demo mode only: the background build of the demo history.' },
              ),
            ),
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
      // The response schema keeps the fields it declares (the error stays in the server's log).
      ...(fastify.appInfo.demoHistory ? { demoHistory: fastify.appInfo.demoHistory() } : {}),
      time: new Date().toISOString(),
    }),
  );
};

export default health;
