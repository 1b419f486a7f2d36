import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { getProcedure, listProcedures, unknownGroup, type ProcedureListItem } from '../../services/catalogue.ts';
import { latestObservations, procedureHistory, publishedDeclarations } from '../../services/procedure-detail.ts';
import { Procedure, errorResponses } from '../../schemas.ts';

const Observation = Type.Object({
  id: Type.Integer(),
  criterion: Type.String(),
  observedAt: Type.String({ format: 'date-time' }),
  status: Type.String(),
  value: Type.Union([Type.Number(), Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  answers: Type.Union([Type.Integer(), Type.Null()]),
  evidence: Type.Object({}, { additionalProperties: true, description: 'What the check saw: URL, final URL, HTTP status, snippet, tool and version, details.' }),
});

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
      const unknown = unknownGroup(fastify.db, { ministry, administration });
      if (unknown) return reply.notFound(unknown);
      const items = listProcedures(fastify.db, { ministry, administration, includeRetired: retired }).map(toApi);
      return { total: items.length, items };
    },
  );

  fastify.get(
    '/procedures/:id',
    {
      schema: {
        tags: ['catalogue'],
        summary: "A procedure: identity, its scores in every published edition, its latest observations with their evidence",
        params: Type.Object({ id: Type.Integer({ minimum: 1, description: 'The procedure id.' }) }),
        response: {
          200: Type.Object({
            ...Procedure.properties,
            editions: Type.Array(Type.Object({ edition: Type.String(), scores: Type.Record(Type.String(), Type.Object({}, { additionalProperties: true })) })),
            observations: Type.Object({
              latest: Type.Array(Observation, { description: 'The latest observation of each criterion.' }),
              recent: Type.Array(Observation, { description: 'The 30 most recent observations.' }),
            }),
            declarations: Type.Array(
              Type.Object({
                id: Type.Integer(),
                criterion: Type.String(),
                value: Type.Union([Type.Number(), Type.String(), Type.Null()]),
                answers: Type.Union([Type.Integer(), Type.Null()]),
                justification: Type.String(),
                declaredAt: Type.String({ format: 'date-time' }),
                declaredBy: Type.String({ description: '"équipe ministérielle" or "observatoire": people are not named publicly.' }),
              }),
              { description: 'The declarations behind published scores (source "declared"), with their justification; a score links to one by declarationId.' },
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const procedure = getProcedure(fastify.db, request.params.id);
      if (!procedure) return reply.notFound(`no procedure with id ${request.params.id}`);
      return { ...toApi(procedure), editions: procedureHistory(fastify.db, procedure.id), observations: latestObservations(fastify.db, procedure.id), declarations: publishedDeclarations(fastify.db, procedure.id) };
    },
  );
};

export default proceduresRoutes;
