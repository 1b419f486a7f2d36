import type { FastifyReply, FastifyRequest } from 'fastify';
import { negotiateEncoding, type CachedAnswer } from '../../services/response-cache.ts';

/** Sends a cached JSON answer with its ETag, in the encoding the client prefers (compressed once, kept). */
export function sendAnswer(request: FastifyRequest, reply: FastifyReply, answer: CachedAnswer): FastifyReply {
  const encoding = negotiateEncoding(request.headers['accept-encoding'], answer.body.length);
  reply.header('etag', answer.etag).header('vary', 'accept-encoding').type('application/json; charset=utf-8');
  if (encoding !== 'identity') reply.header('content-encoding', encoding);
  return reply.send(answer.encoded(encoding));
}
