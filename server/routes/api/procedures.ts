import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  administrationExists,
  getProcedure,
  listProcedures,
  ministryExists,
  type ProcedureListItem,
} from '../../services/catalogue.ts';
import { Procedure, errorResponses } from '../../schemas.ts';

const Slug = Type.String({ pattern: '^[a-z0-9-]{1,80}$', description: 'A slug, as listed in the answers.' });

function toApi(p: ProcedureListItem) {
  const { retiredAt, ...rest } = p;
  return { ...rest, retired: retiredAt !== null };
}

const proceduresRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/procedures',
    {
      schema: {
        tags: ['catalogue'],
        summary: 'The catalogue of procedures, by ministry then yearly volume',
        querystring: Type.Object(
          {
            ministry: Type.Optional(Slug),
            administration: Type.Optional(Slug),
            retired: Type.Optional(Type.Boolean({ default: false, description: 'Include retired procedures.' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ total: Type.Integer(), items: Type.Array(Procedure) }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { ministry, administration, retired } = request.query;
      if (ministry && !ministryExists(fastify.db, ministry)) {
        return reply.notFound(`unknown ministry "${ministry}"`);
      }
      if (administration && !administrationExists(fastify.db, administration)) {
        return reply.notFound(`unknown administration "${administration}"`);
      }
      const items = listProcedures(fastify.db, { ministry, administration, includeRetired: retired }).map(toApi);
      return { total: items.length, items };
    },
  );

  fastify.get(
    '/procedures/:id',
    {
      schema: {
        tags: ['catalogue'],
        summary: "A procedure's identity",
        params: Type.Object({ id: Type.Integer({ minimum: 1, description: 'The procedure id.' }) }),
        response: { 200: Procedure, ...errorResponses },
      },
    },
    async (request, reply) => {
      const procedure = getProcedure(fastify.db, request.params.id);
      if (!procedure) return reply.notFound(`no procedure with id ${request.params.id}`);
      return toApi(procedure);
    },
  );
};

export default proceduresRoutes;
