import { Type, type Static } from 'typebox';
import { VALUE_STATES } from '../methodology/types.ts';
import { Procedure } from './catalogue.ts';
import { DateTime, Nullable, Obj, OneOf, Value } from './common.ts';
import { ScoreCell } from './editions.ts';

// A procedure's public page: its scores in every edition, its observations with their evidence.

const Num = Type.Number();
const Text = Type.String();
const NullableText = Nullable(Type.String());

/**
 * What a check saw. The first fields are every check's; the others are what one check adds
 * (docs/check-json.md). The one open object of the API, on purpose: evidence is stored as
 * measured and never rewritten, and a closed schema would make the serializer drop, without a
 * word, whatever a check writes that is not listed here — the evidence behind a badge must reach
 * the reader whole.
 */
export const Evidence = Type.Object(
  {
    url: Type.String({ description: 'The page the check asked for.' }),
    finalUrl: Type.Optional(Type.String({ description: 'Where the redirects ended.' })),
    httpStatus: Type.Optional(Type.Integer()),
    snippet: Type.Optional(Type.String({ description: 'The words the reading rests on.' })),
    tool: Type.String(),
    toolVersion: Type.String(),
    failure: Type.Optional(Type.String({ description: 'Why the page could not be seen: http, network, timeout, dns, tls, parse, blocked, too_large, redirects.' })),
    renderedBy: Type.Optional(Type.String({ description: 'The page was read after Chromium ran its scripts.' })),
    // online
    callToAction: Type.Optional(Nullable(Type.Record(Type.String(), Type.Unknown()), { description: 'online: the link or button that starts the procedure.' })),
    // auth
    foundOn: Type.Optional(Type.String({ description: 'auth: the page the login offer was found on.' })),
    // handicap
    statement: Type.Optional(Type.String({ description: 'handicap: found, missing or unreachable.' })),
    statementStatus: Type.Optional(Type.Integer({ description: 'handicap: the HTTP status of the statement page.' })),
    state: Type.Optional(NullableText),
    mention: Type.Optional(NullableText),
    statementUrl: Type.Optional(NullableText),
    statementDate: Type.Optional(NullableText),
    auditDate: Type.Optional(NullableText),
    rgaaVersion: Type.Optional(NullableText),
    rate: Type.Optional(Nullable(Num)),
    expired: Type.Optional(Type.Boolean()),
    // dlnuf
    formUrl: Type.Optional(Text),
    fields: Type.Optional(Type.Array(Type.Unknown(), { description: 'dlnuf: the State-held data the form asks for.' })),
    // mobile
    viewport: Type.Optional(NullableText),
    scrollWidth: Type.Optional(Num),
    innerWidth: Type.Optional(Num),
    // a11y_auto
    axeVersion: Type.Optional(Text),
    rules: Type.Optional(Type.Array(Type.String())),
    byImpact: Type.Optional(Type.Record(Type.String(), Num)),
    violations: Type.Optional(Type.Array(Type.Unknown())),
    // survey
    answers: Type.Optional(Type.Integer({ description: 'survey: answers the value rests on.' })),
  },
  { additionalProperties: true, description: 'What the check saw: URL, final URL, HTTP status, snippet, tool and version, and what each check adds.' },
);
export type Evidence = Static<typeof Evidence>;

export const Observation = Obj({
  id: Type.Integer(),
  criterion: Type.String(),
  observedAt: DateTime(),
  status: OneOf(VALUE_STATES),
  value: Value,
  reason: NullableText,
  answers: Nullable(Type.Integer()),
  evidence: Evidence,
});
export type Observation = Static<typeof Observation>;

/** A declaration behind a published score: shown with « déclaré », its justification and date. */
export const PublicDeclaration = Obj({
  id: Type.Integer(),
  criterion: Type.String(),
  value: Value,
  answers: Nullable(Type.Integer()),
  justification: Type.String(),
  declaredAt: DateTime(),
  declaredBy: Type.String({ description: '"équipe ministérielle" or "observatoire": people are not named publicly.' }),
});
export type PublicDeclaration = Static<typeof PublicDeclaration>;

export const ProcedureDetail = Obj({
  ...Procedure.properties,
  editions: Type.Array(Obj({ edition: Type.String(), scores: Type.Record(Type.String(), ScoreCell) })),
  observations: Obj({
    latest: Type.Array(Observation, { description: 'The latest observation of each criterion.' }),
    recent: Type.Array(Observation, { description: 'The 30 most recent observations.' }),
  }),
  declarations: Type.Array(PublicDeclaration, {
    description: 'The declarations behind published scores (source "declared"), with their justification; a score links to one by declarationId.',
  }),
});
export type ProcedureDetail = Static<typeof ProcedureDetail>;
