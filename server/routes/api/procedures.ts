import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { getProcedure, listMinistries, listProcedures, unknownGroup, type ProcedureListItem } from '../../services/catalogue.ts';
import { latestObservations, procedureHistory, publishedDeclarations } from '../../services/procedure-detail.ts';
import { DomainError, GroupSlug, Id, MinistryList, ProcedureDetail, ProcedureList, errorResponses } from '../../../contracts/index.ts';


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
            ministry: Type.Optional(GroupSlug),
            administration: Type.Optional(GroupSlug),
            retired: Type.Optional(Type.Boolean({ default: false, description: 'Include retired procedures.' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: ProcedureList,
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { ministry, administration, retired } = request.query;
      const unknown = await unknownGroup(fastify.db, { ministry, administration });
      if (unknown) throw unknown;
      const items = (await listProcedures(fastify.db, { ministry, administration, includeRetired: retired })).map(toApi);
      return { total: items.length, items };
    },
  );

  fastify.get(
    '/ministries',
    {
      schema: {
        tags: ['catalogue'],
        summary: 'Ministries and their administrations that have procedures in the catalogue, by name',
        description: 'What the table’s filters offer: a few kilobytes, where the catalogue is a hundred.',
        response: { 200: MinistryList, 429: errorResponses[429], 500: errorResponses[500] },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return listMinistries(fastify.db);
    },
  );

  fastify.get(
    '/procedures/:id',
    {
      schema: {
        tags: ['catalogue'],
        summary: "A procedure: identity, its scores in every published edition, its latest observations with their evidence",
        params: Id('The procedure id.'),
        response: {
          200: ProcedureDetail,
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const procedure = await getProcedure(fastify.db, request.params.id);
      if (!procedure) throw new DomainError('procedure.not_found', `no procedure with id ${request.params.id}`, { id: request.params.id });
      const [editions, observations, declarations] = await Promise.all([procedureHistory(fastify.db, procedure.id), latestObservations(fastify.db, procedure.id), publishedDeclarations(fastify.db, procedure.id)]);
      return { ...toApi(procedure), editions, observations, declarations };
    },
  );
};

export default proceduresRoutes;
