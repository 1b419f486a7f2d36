import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { currentMethodology } from '../../../methodology/index.ts';
import { editionTable, findPublishedEdition, queryRows, notPublished } from '../../services/editions.ts';
import { unknownGroup } from '../../services/catalogue.ts';
import { csvStream, dataPackage, LONG_COLUMNS, longRowsOfHistory, longRowsOfTable, wideColumns, wideRows } from '../../services/exports.ts';
import { DataDictionary, DataPackage, EditionSlug, OneOf, ProcedureFilters, errorResponses } from '../../../contracts/index.ts';

const Query = {
  ministry: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,80}$', description: 'Only this ministry.' })),
  sep: Type.Optional(OneOf(['comma', 'semicolon'], { default: 'comma', description: 'semicolon: ";", decimal comma and a BOM, for spreadsheets in French locales.' })),
};
const csvResponse = { 200: Type.String({ description: 'CSV (text/csv; charset=utf-8).' }), ...errorResponses };

const exportsRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/editions/:slug/export.csv',
    {
      schema: {
        tags: ['data'],
        summary: 'An edition as CSV: wide (one row per procedure) or long (procedure × criterion)',
        description: 'Takes the filters and sort of `/editions/{slug}/procedures`, so the dashboard exports the view the visitor sees. Without them: every procedure, largest yearly volume first.',
        params: Type.Object({ slug: EditionSlug }),
        querystring: Type.Object({ format: Type.Optional(OneOf(['wide', 'long'], { default: 'wide' })), ...Query, ...ProcedureFilters }, { additionalProperties: false }),
        response: csvResponse,
      },
    },
    async (request, reply) => {
      const { format = 'wide', sep = 'comma', ...filters } = request.query;
      const { ministry } = filters;
      const edition = await findPublishedEdition(fastify.db, request.params.slug);
      if (!edition) throw notPublished(request.params.slug);
      const unknown = await unknownGroup(fastify.db, filters);
      if (unknown) throw unknown;
      const table = await editionTable(fastify.db, edition);
      const rows = queryRows(table, filters);
      const stream = format === 'wide' ? csvStream(wideColumns(table.methodology), wideRows(table, rows), { sep }) : csvStream(LONG_COLUMNS, longRowsOfTable(table, rows), { sep });
      // A view narrower than a ministry is named "selection": the file name cannot hold a search.
      const narrowed = filters.administration || filters.audience || filters.q;
      // The spreadsheet variant has a name of its own: both can sit side by side in a download folder.
      const name = `observatoire-${edition.slug}-${format}${ministry ? `-${ministry}` : ''}${narrowed ? '-selection' : ''}${sep === 'semicolon' ? '-tableur' : ''}`;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}.csv"`)
        .header('cache-control', 'public, max-age=3600')
        .send(stream);
    },
  );

  fastify.get(
    '/export/history.csv',
    {
      schema: {
        tags: ['data'],
        summary: 'Every published edition, long form (edition × procedure × criterion)',
        querystring: Type.Object(Query, { additionalProperties: false }),
        response: csvResponse,
      },
    },
    async (request, reply) => {
      const { ministry, sep = 'comma' } = request.query;
      const unknown = await unknownGroup(fastify.db, { ministry });
      if (unknown) throw unknown;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="observatoire-historique${ministry ? `-${ministry}` : ''}${sep === 'semicolon' ? '-tableur' : ''}.csv"`)
        .send(csvStream(LONG_COLUMNS, longRowsOfHistory(fastify.db, ministry), { sep }));
    },
  );

  fastify.get(
    '/data-dictionary',
    {
      schema: {
        tags: ['data'],
        summary: 'The columns of the CSV exports, with their meaning',
        response: { 200: DataDictionary, 429: errorResponses[429], 500: errorResponses[500] },
      },
    },
    async () => ({ methodologyVersion: currentMethodology.version, wide: wideColumns(currentMethodology), long: LONG_COLUMNS }),
  );

  fastify.get(
    '/datapackage.json',
    { schema: { tags: ['data'], summary: 'Frictionless data package describing the exports', response: { 200: DataPackage, 429: errorResponses[429], 500: errorResponses[500] } } },
    // Links from the configured public address, never from the request's Host header.
    async () => dataPackage(currentMethodology, fastify.authOptions.publicUrl.replace(/\/+$/, '')),
  );
};

export default exportsRoutes;
