import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorResponse } from '../../contracts/index.ts';

// Every answer of the app under test is checked against the response schema its route declares,
// before the serializer sees it (the serializer would drop an undeclared field without a word)
// and for the answers served pre-serialized from the edition cache. A mismatch fails the request
// with a 500 naming the route and the fields: every API test is a contract test too.

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
ajv.addSchema(ErrorResponse, 'ErrorResponse');
const compiled = new WeakMap<object, ValidateFunction>();

/** Schemas a route declared by status (an exact code, then its class, "2xx"…). */
function schemaFor(request: FastifyRequest, status: number): object | undefined {
  const responses = (request.routeOptions.schema as { response?: Record<string, object> } | undefined)?.response;
  if (!responses) return undefined;
  return responses[String(status)] ?? responses[`${String(status)[0]}xx`] ?? responses['default'];
}

export class ContractViolation extends Error {
  readonly statusCode = 500;
}

function check(request: FastifyRequest, reply: FastifyReply, payload: unknown): void {
  const schema = schemaFor(request, reply.statusCode);
  if (!schema) {
    if (request.url.startsWith('/api/') && request.routeOptions.url !== undefined && !(request.routeOptions.schema as { hide?: boolean } | undefined)?.hide) {
      throw new ContractViolation(`${request.method} ${request.routeOptions.url} answered ${reply.statusCode}, a status its schema does not declare`);
    }
    return;
  }
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (!validate(payload)) {
    const errors = ajv.errorsText(validate.errors, { separator: '; ' });
    throw new ContractViolation(`${request.method} ${request.routeOptions.url} ${reply.statusCode} breaks its contract: ${errors}`);
  }
}

const checked = new WeakSet<FastifyRequest>();

/** Adds the checks to an app before it is ready. */
export function checkAnswersAgainstContracts(fastify: FastifyInstance): void {
  fastify.addHook('preSerialization', async (request, reply, payload) => {
    if (checked.has(request)) return payload;
    checked.add(request);
    check(request, reply, payload);
    return payload;
  });
  fastify.addHook('onSend', async (request, reply, payload) => {
    if (checked.has(request) || reply.statusCode === 204 || reply.statusCode === 304) return payload;
    const type = String(reply.getHeader('content-type') ?? '');
    if (!type.startsWith('application/json')) return payload;
    const encoding = reply.getHeader('content-encoding');
    if (encoding && encoding !== 'identity') return payload;
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    // Checked once: the 500 that reports a violation is not checked in turn.
    checked.add(request);
    check(request, reply, JSON.parse(payload.toString()));
    return payload;
  });
}
