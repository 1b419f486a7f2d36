import type { FastifyReply, FastifyRequest } from 'fastify';
import { negotiateEncoding, type CachedAnswer } from '../../services/response-cache.ts';

/** Sends a cached JSON answer with its ETag, in the encoding the client prefers (compressed once, kept). */
export function sendAnswer(request: FastifyRequest, reply: FastifyReply, answer: CachedAnswer): FastifyReply {
  const encoding = negotiateEncoding(request.headers['accept-encoding'], answer.body.length);
  reply.header('etag', answer.etag).header('vary', 'accept-encoding').type('application/json; charset=utf-8');
  if (encoding !== 'identity') reply.header('content-encoding', encoding);
  // Whether the answer came from the edition cache: for operators and the benchmark's hit share.
  if (answer.hit !== undefined) reply.header('x-cache', answer.hit ? 'hit' : 'miss');
  return reply.send(answer.encoded(encoding));
}
