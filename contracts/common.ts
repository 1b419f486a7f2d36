import { Type, type Static, type TProperties, type TSchema, type TObjectOptions } from 'typebox';
import { ERROR_CODES, ERROR_KINDS, type ErrorCode, type ErrorKind } from './errors.ts';

// Building blocks of the API's contracts. Every answer is a closed object: a field the server
// adds without saying so here fails the route sweep instead of reaching clients unannounced.

/** A closed object: no property beyond the ones listed. */
export const Obj = <P extends TProperties>(properties: P, options: TObjectOptions = {}) => Type.Object(properties, { additionalProperties: false, ...options });

export const Nullable = <T extends TSchema>(schema: T, options: { description?: string } = {}) => Type.Union([schema, Type.Null()], options);

export const DateTime = (description?: string) => Type.String({ format: 'date-time', ...(description ? { description } : {}) });

/** A value as published: a number, a label ("Oui", "FranceConnect"…) or nothing. */
export const Value = Type.Union([Type.Number(), Type.String(), Type.Null()]);

export const Named = Obj({ slug: Type.String(), name: Type.String() });
export type Named = Static<typeof Named>;

/**
 * A string from a list, as one enum rather than a union of constants: a bad value gets one
 * message naming the allowed ones (see the error handler), not one "must be equal to constant" per value.
 */
export function OneOf<const T extends readonly string[]>(values: T, options: { default?: T[number]; description?: string } = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

export const ErrorResponse = Obj(
  {
    statusCode: Type.Integer(),
    error: Type.String({ description: 'The HTTP status’s name.' }),
    code: OneOf([...Object.keys(ERROR_CODES), ...Object.keys(ERROR_KINDS)] as (ErrorCode | ErrorKind)[], {
      description: 'What went wrong, for a program: a specific code (e.g. declaration.value_out_of_range), or the kind of a generic refusal (invalid, not_found, rate_limited…).',
    }),
    message: Type.String({ description: 'What went wrong, in English.' }),
    params: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]), { description: 'The values the message names, for a client to word it itself.' })),
  },
  { $id: 'ErrorResponse', description: 'Every error answer: the HTTP status, its name, a code and what went wrong.' },
);
export type ErrorResponse = Static<typeof ErrorResponse>;

/** The public routes' errors; 429 when a client passes the API's rate limit. */
export const errorResponses = {
  400: Type.Ref('ErrorResponse'),
  404: Type.Ref('ErrorResponse'),
  429: Type.Ref('ErrorResponse'),
  500: Type.Ref('ErrorResponse'),
};

/** The session's and spaces' errors too: a login, a permission, a conflict, a body too large or not JSON. */
export const authErrors = {
  ...errorResponses,
  401: Type.Ref('ErrorResponse'),
  403: Type.Ref('ErrorResponse'),
  409: Type.Ref('ErrorResponse'),
  413: Type.Ref('ErrorResponse'),
  415: Type.Ref('ErrorResponse'),
};

export const GroupSlug = Type.String({ pattern: '^[a-z0-9-]{1,80}$', description: 'A slug, as listed in the answers.' });

export const EditionSlug = Type.String({ pattern: '^(latest|\\d{4}-T[1-4])$', description: 'A quarter, e.g. 2026-T3, or "latest".' });

export const Quarter = Type.String({ pattern: '^\\d{4}-T[1-4]$', description: 'A quarter, e.g. 2026-T4.' });

/** A positive integer id in a path. */
export const Id = (description: string) => Obj({ id: Type.Integer({ minimum: 1, description }) });
