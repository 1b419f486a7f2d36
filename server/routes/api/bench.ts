import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { OneOf } from '../../../contracts/index.ts';
import { acceptedEncodings, type Encoding } from '../../services/response-cache.ts';

// The benchmark's baseline, registered only with OBSERVATOIRE_BENCH_BASELINE=1 (never in normal
// serving): GET /api/bench/constant?bytes=N&encoding=br answers N bytes made once, with the
// headers of a cached edition answer, through the same hooks as every API route (rate limit,
// security headers, ETag, compression). What the server costs for a request that does nothing
// but write bytes is the limit of this server on this machine: `npm run bench` measures the
// editions' table against it, URL for URL at the same size.

/** Bodies made, by encoding and size: the bench asks for a few hundred. */
const bodies = new Map<string, { bytes: Buffer; etag: string }>();

/** A JSON text whose encoded form is exactly `size` bytes (or the nearest below when none is). */
function constantBody(size: number, encoding: Encoding): Buffer {
  // Text that compression barely shrinks, the same at every call: a seeded pseudo-random base64.
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const text = (length: number) => {
    let out = '';
    let x = 17; // xorshift32
    for (let i = 0; i < length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      out += alphabet[(x >>> 0) % 64];
    }
    return Buffer.from(`{"bench":"${out}"}`);
  };
  const encode = (body: Buffer) => (encoding === 'br' ? brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }) : encoding === 'gzip' ? gzipSync(body, { level: 6 }) : body);
  if (encoding === 'identity') return text(Math.max(0, size - 12));
  // The encoded size grows with the text's length, by a byte or none at a time: the smallest
  // length whose encoding reaches `size`, searched by halves.
  let [low, high] = [0, 2 * size];
  while (low < high) {
    const mid = (low + high) >> 1;
    if (encode(text(mid)).length < size) low = mid + 1;
    else high = mid;
  }
  for (let length = low; length >= 0; length--) {
    const encoded = encode(text(length));
    if (encoded.length <= size) return encoded;
  }
  return encode(text(0));
}

const benchRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  if (process.env['OBSERVATOIRE_BENCH_BASELINE'] !== '1') return;
  fastify.get(
    '/bench/constant',
    {
      schema: {
        hide: true,
        querystring: Type.Object(
          {
            bytes: Type.Integer({ minimum: 16, maximum: 16 * 1024 * 1024 }),
            encoding: Type.Optional(OneOf(['identity', 'gzip', 'br'], { default: 'identity' })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { bytes: size, encoding: asked = 'identity' } = request.query;
      // Claimed only if the client takes it, as an edition's answer would be.
      const accept = request.headers['accept-encoding'];
      const encoding = asked !== 'identity' && accept && acceptedEncodings(accept).has(asked) ? asked : 'identity';
      const key = `${encoding}|${size}`;
      let body = bodies.get(key);
      if (!body) {
        const bytes = constantBody(size, encoding);
        body = { bytes, etag: `"${createHash('sha1').update(bytes).digest('base64url')}"` };
        if (bodies.size < 2000) bodies.set(key, body);
      }
      reply.header('etag', body.etag).header('vary', 'accept-encoding').header('cache-control', 'public, max-age=60').header('x-cache', 'hit').type('application/json; charset=utf-8');
      if (encoding !== 'identity') reply.header('content-encoding', encoding);
      return reply.send(body.bytes);
    },
  );
};

export default benchRoutes;
