import { pipeline, Transform, type Readable } from 'node:stream';
import { promisify } from 'node:util';
import { brotliCompress, constants, createBrotliCompress, createGzip, gzip } from 'node:zlib';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { currentMethodology } from '../../../methodology/index.ts';
import { editionTable, findPublishedEdition, queryRows, notPublished } from '../../services/editions.ts';
import { catalogueNames, unknownGroup } from '../../services/catalogue.ts';
import { csvStream, dataPackage, historyCsvStream, LONG_COLUMNS, longRowsOfTable, wideColumns, wideRows } from '../../services/exports.ts';
import { cachedAnswer, negotiateEncoding, type CachedAnswer } from '../../services/response-cache.ts';
import { publishedEditions } from '../../../db/published.ts';
import { sendAnswer } from './answer.ts';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

const CSV_ANSWER = { type: 'text/csv; charset=utf-8', vary: 'accept-encoding' };
import { DataDictionary, DataPackage, EditionSlug, OneOf, ProcedureFilters, errorResponses } from '../../../contracts/index.ts';

const Query = {
  ministry: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,80}$', description: 'Only this ministry.' })),
  sep: Type.Optional(OneOf(['comma', 'semicolon'], { default: 'comma', description: 'semicolon: ";", decimal comma and a BOM, for spreadsheets in French locales.' })),
};
const csvResponse = { 200: Type.String({ description: 'CSV (text/csv; charset=utf-8).' }), ...errorResponses };

/**
 * Sends CSV compressed as it is written, in the encoding the client prefers, at levels that keep
 * pace with the writer: on the whole history (3.9 MB), gzip level 3 and brotli quality 2 take
 * half the time of the levels the compression plugin uses (gzip 6, brotli 4: 32 and 21 ms against
 * 15 and 11) for a file 14 % (gzip) or 7 % (brotli) larger. Answers already encoded are left
 * alone by that plugin.
 */
function sendCsv(request: FastifyRequest, reply: FastifyReply, csv: Readable): FastifyReply {
  reply.type('text/csv; charset=utf-8').header('vary', 'accept-encoding');
  const encoding = negotiateEncoding(request.headers['accept-encoding'], Number.POSITIVE_INFINITY);
  if (encoding === 'identity') return reply.send(csv);
  const compress = encoding === 'br' ? createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 2, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } }) : createGzip({ level: 3 });
  // A failure on either side destroys both; fastify ends the answer and logs it.
  return reply.header('content-encoding', encoding).send(pipeline(csv, compress, () => {}));
}

/** The largest history kept written in memory; a longer one is written again for each download. */
const MAX_KEPT_HISTORY_BYTES = 16 * 1024 * 1024;
/** Histories kept (by ministry and dialect), the oldest going first. */
const MAX_KEPT_HISTORIES = 4;

/**
 * Passes the CSV through and keeps a copy while it stays under the limit; `done` gets the whole
 * text once it has all gone through, or nothing if it was too long or failed.
 */
function keeping(csv: Readable, done: (bytes: Buffer) => void): Readable {
  const chunks: Buffer[] = [];
  let size = 0;
  let overflow = false;
  const copy = new Transform({
    transform(chunk: Buffer | string, _encoding, callback) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += bytes.length;
      if (size > MAX_KEPT_HISTORY_BYTES) overflow = true;
      else chunks.push(bytes);
      callback(null, bytes);
    },
    flush(callback) {
      if (!overflow) done(Buffer.concat(chunks, size));
      callback();
    },
  });
  return pipeline(csv, copy, () => {});
}

const exportsRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  /**
   * The history of the published editions, as written: it changes only when an edition is
   * published or the catalogue renames something (the key holds the published editions' ids and a
   * digest of the names), so it is written once and then served as bytes, compressed once per
   * encoding — the download costs a write and a read of the names, not a read of every score.
   */
  const histories = new Map<string, CachedAnswer>();
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
      return sendCsv(request, reply.header('content-disposition', `attachment; filename="${name}.csv"`).header('cache-control', 'public, max-age=3600'), stream);
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
      // What the history is made of: the published editions (frozen) and the catalogue's names.
      const version = async () => `${(await publishedEditions(fastify.db)).editions.map((e) => e.id).join(',')}|${await catalogueNames(fastify.db)}`;
      const key = `${await version()}|${ministry ?? ''}|${sep}`;
      reply.header('content-disposition', `attachment; filename="observatoire-historique${ministry ? `-${ministry}` : ''}${sep === 'semicolon' ? '-tableur' : ''}.csv"`);
      const kept = histories.get(key);
      if (kept) return sendAnswer(request, reply, kept, CSV_ANSWER);
      const unknown = await unknownGroup(fastify.db, { ministry });
      if (unknown) throw unknown;
      const csv = keeping(historyCsvStream(fastify.db, { sep }, ministry), (bytes) => {
        // Compressed off the event loop (a long history would hold it for a second), then kept
        // under its key if no edition was published meanwhile.
        void (async () => {
          const [gzip, br] = await Promise.all([gzipAsync(bytes, { level: 6 }), brotliAsync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } })]);
          if (!key.startsWith(`${await version()}|`)) return;
          const encoded = { identity: bytes, gzip, br };
          histories.delete(key);
          if (histories.size >= MAX_KEPT_HISTORIES) histories.delete(histories.keys().next().value!);
          histories.set(key, { ...cachedAnswer(bytes), hit: true, encoded: (encoding) => encoded[encoding] });
        })().catch((err: unknown) => request.log.warn({ err }, 'history export not kept'));
      });
      return sendCsv(request, reply, csv);
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
