// What can go wrong, said once: every refusal the API makes has a code, the code a kind, and the
// kind an HTTP status (here, nowhere else). Messages are English, like the field names; the
// dashboard says each code in its own French words (web/src/lib/errors.ts must word every code:
// the type below makes a missing one a compile error).

export const ERROR_KINDS = {
  invalid: 400,
  unauthorised: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported: 415,
  rate_limited: 429,
  internal: 500,
} as const;
export type ErrorKind = keyof typeof ERROR_KINDS;

/** Every specific code, with its kind. A generic refusal (a malformed query string) has its kind as code. */
export const ERROR_CODES = {
  // public answers
  'edition.not_published': 'not_found',
  'group.unknown': 'not_found',
  'procedure.not_found': 'not_found',
  'route.not_found': 'not_found',
  // session and accounts
  'session.login_refused': 'unauthorised',
  'session.required': 'unauthorised',
  'session.operators_only': 'forbidden',
  'session.csrf': 'forbidden',
  'session.login_csrf': 'forbidden',
  'session.cross_origin': 'forbidden',
  'password.too_short': 'invalid',
  'password.too_long': 'invalid',
  'password.repetitive': 'invalid',
  'password.contains_login': 'invalid',
  'password.current_wrong': 'forbidden',
  'password.unchanged': 'invalid',
  'account.invalid_email': 'invalid',
  'account.name_required': 'invalid',
  'account.unknown_groups': 'invalid',
  'account.team_without_scope': 'invalid',
  'account.exists': 'conflict',
  'account.not_found': 'not_found',
  'account.disable_self': 'conflict',
  // the teams' space
  'procedure.out_of_scope': 'forbidden',
  'procedure.retired': 'not_found',
  'declaration.not_declarable': 'invalid',
  'declaration.justification_too_short': 'invalid',
  'declaration.justification_too_long': 'invalid',
  'declaration.proactive_only': 'invalid',
  'declaration.value_empty': 'invalid',
  'declaration.value_not_number': 'invalid',
  'declaration.value_out_of_range': 'invalid',
  'declaration.value_not_integer': 'invalid',
  'declaration.answers_required': 'invalid',
  'declaration.none_in_force': 'not_found',
  'recheck.too_soon': 'rate_limited',
  'recheck.hourly_limit': 'rate_limited',
  'recheck.not_found': 'not_found',
  'webhook.invalid_url': 'invalid',
  'webhook.not_http': 'invalid',
  'webhook.credentials': 'invalid',
  'webhook.not_https': 'invalid',
  'webhook.private_address': 'invalid',
  'webhook.group_out_of_scope': 'forbidden',
  'webhook.limit': 'conflict',
  'webhook.not_found': 'not_found',
  'webhook.out_of_scope': 'forbidden',
  // the operator's editions
  'edition.not_a_quarter': 'invalid',
  'edition.not_started': 'conflict',
  'edition.empty_quarter': 'conflict',
  'edition.published': 'conflict',
  'edition.no_draft': 'conflict',
  'edition.not_found': 'not_found',
} as const satisfies Record<string, ErrorKind>;
export type ErrorCode = keyof typeof ERROR_CODES;

/** What a message is made of, for a client to say it in its own words. */
export type ErrorParams = Record<string, string | number>;

/** The code an answer carries: a specific one, or the kind of a generic refusal. */
export type AnswerCode = ErrorCode | ErrorKind;

/** A refusal of the domain: its code says the kind, the kind the HTTP status. */
export class DomainError extends Error {
  override name = 'DomainError';
  readonly kind: ErrorKind;
  readonly statusCode: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly params: ErrorParams = {},
  ) {
    super(message);
    this.kind = ERROR_CODES[code];
    this.statusCode = ERROR_KINDS[this.kind];
  }
}

/** The kind of an HTTP status, for refusals made outside the domain (validation, body limits, the rate limit). */
export function kindOfStatus(status: number): ErrorKind {
  const kind = (Object.keys(ERROR_KINDS) as ErrorKind[]).find((k) => ERROR_KINDS[k] === status);
  return kind ?? (status >= 500 ? 'internal' : 'invalid');
}
