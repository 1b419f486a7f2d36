import type { FastifyReply, FastifyRequest } from 'fastify';
import { negotiateEncoding, type CachedAnswer } from '../../services/response-cache.ts';

const JSON_ANSWER = { type: 'application/json; charset=utf-8', vary: 'accept-encoding' };

/**
 * Sends a cached answer with its ETag, in the encoding the client prefers (compressed once, kept):
 * JSON by default; a page drawn on the server says its type and what else it varies with.
 */
export function sendAnswer(request: FastifyRequest, reply: FastifyReply, answer: CachedAnswer, as: { type: string; vary: string } = JSON_ANSWER): FastifyReply {
  const encoding = negotiateEncoding(request.headers['accept-encoding'], answer.body.length);
  reply.header('etag', answer.etag).header('vary', as.vary).type(as.type);
  if (encoding !== 'identity') reply.header('content-encoding', encoding);
  // Whether the answer came from the edition cache: for operators and the benchmark's hit share.
  if (answer.hit !== undefined) reply.header('x-cache', answer.hit ? 'hit' : 'miss');
  return reply.send(answer.encoded(encoding));
}
