import { Type } from '@fastify/type-provider-typebox';
import { AUDIENCES } from '../db/schema/procedures.ts';
import { currentMethodology } from '../methodology/index.ts';
import { SOURCES, UNITS } from '../methodology/types.ts';

// Response shapes shared by several routes; each route still declares its own full schema.

export const ErrorResponse = Type.Object(
  {
    statusCode: Type.Integer(),
    error: Type.String(),
    message: Type.String(),
  },
  { $id: 'ErrorResponse', description: 'Every error answer: the HTTP status, its name and what went wrong.' },
);

export const errorResponses = {
  400: Type.Ref('ErrorResponse'),
  404: Type.Ref('ErrorResponse'),
  500: Type.Ref('ErrorResponse'),
};

const Named = Type.Object({ slug: Type.String(), name: Type.String() });

export const Procedure = Type.Object({
  id: Type.Integer({ description: 'Stable id from the catalogue: never re-used, survives renames.' }),
  title: Type.String(),
  ministry: Named,
  administration: Named,
  audiences: Type.Array(Type.Union(AUDIENCES.map((a) => Type.Literal(a)))),
  yearlyVolume: Type.Integer({ description: 'Procedures carried out per year.' }),
  startUrl: Type.String({ format: 'uri' }),
  surveyId: Type.Union([Type.Integer(), Type.Null()]),
  retired: Type.Boolean({ description: 'Left the catalogue; its history stays.' }),
});

const Level = Type.Object({
  label: Type.String(),
  goal: Type.Boolean({ description: 'Reaching this level meets the goal.' }),
  min: Type.Optional(Type.Union([Type.Number(), Type.Null()], { description: 'Reached when value >= min; null: every other value.' })),
  below: Type.Optional(Type.Union([Type.Number(), Type.Null()], { description: 'Reached when value < below; null: every other value.' })),
});

export const Criterion = Type.Object({
  slug: Type.String(),
  label: Type.String(),
  method: Type.String(),
  sources: Type.Array(Type.Union(SOURCES.map((s) => Type.Literal(s)))),
  unit: Type.Union(UNITS.map((u) => Type.Literal(u))),
  scale: Type.Object({
    kind: Type.Union([Type.Literal('labels'), Type.Literal('higher'), Type.Literal('lower'), Type.Literal('none')]),
    levels: Type.Optional(Type.Array(Level)),
  }),
  minAnswers: Type.Optional(Type.Integer({ description: 'Answers a survey-based value needs in the quarter; fewer and it is not measurable.' })),
  precision: Type.Optional(Type.Integer({ description: 'Decimals the published value is rounded to (half up) before its level is read.' })),
  notApplicableLabels: Type.Optional(Type.Array(Type.String())),
});

export const EditionSlug = Type.String({ pattern: '^(latest|\\d{4}-T[1-4])$', description: 'A quarter, e.g. 2026-T3, or "latest".' });

export const ScoreCell = Type.Object({
  status: Type.Union([Type.Literal('measured'), Type.Literal('not_applicable'), Type.Literal('unmeasurable')]),
  value: Type.Union([Type.Number(), Type.String(), Type.Null()]),
  level: Type.Union([Type.String(), Type.Null()]),
  goal: Type.Union([Type.Boolean(), Type.Null()]),
  source: Type.Union([Type.Literal('crawl'), Type.Literal('survey'), Type.Literal('declared'), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()], { description: 'Why the value is not measured or not applicable.' }),
  change: Type.Union([Type.Literal('improved'), Type.Literal('regressed'), Type.Literal('unchanged'), Type.Literal('new'), Type.Null()], { description: 'Since the previous edition.' }),
  observationId: Type.Union([Type.Integer(), Type.Null()], { description: 'The observation (evidence) behind the value.' }),
  declarationId: Type.Union([Type.Integer(), Type.Null()]),
});

export const EditionSummary = Type.Object({
  slug: Type.String(),
  periodStart: Type.String({ format: 'date-time' }),
  periodEnd: Type.String({ format: 'date-time' }),
  methodologyVersion: Type.Integer(),
  publishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  coverage: Type.Record(Type.String(), Type.Union([Type.Number(), Type.Null()]), { description: 'Share of measured values by criterion.' }),
});

export const GroupScoreSchema = Type.Object({
  criterion: Type.String(),
  total: Type.Integer(),
  notOnline: Type.Integer(),
  notApplicable: Type.Integer(),
  unmeasurable: Type.Integer(),
  measured: Type.Integer(),
  reachingGoal: Type.Integer(),
  levels: Type.Record(Type.String(), Type.Integer(), { description: 'Measured procedures per level, best level first.' }),
  share: Type.Union([Type.Number(), Type.Null()], { description: 'Share of measured procedures reaching the goal.' }),
  coverage: Type.Union([Type.Number(), Type.Null()]),
  targetReached: Type.Union([Type.Boolean(), Type.Null()], { description: 'share >= the 80 % target.' }),
  previousShare: Type.Union([Type.Number(), Type.Null()]),
  trend: Type.Union([Type.Number(), Type.Null()], { description: 'share minus the previous edition’s share.' }),
});

export const GroupSynthesisSchema = Type.Object({
  slug: Type.String(),
  name: Type.String(),
  procedures: Type.Integer(),
  scores: Type.Array(GroupScoreSchema),
});

export const GroupSlug = Type.String({ pattern: '^[a-z0-9-]{1,80}$' });

/**
 * A string from a list, as one enum rather than a union of constants: a bad value gets one
 * message naming the allowed ones (see the error handler), not one "must be equal to constant" per value.
 */
export function OneOf<const T extends readonly string[]>(values: T, options: { default?: T[number]; description?: string } = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}
const SORTS = ['volume', 'title', 'ministry', 'administration', ...currentMethodology.criteria.map((c) => c.slug)];

/** The filters and sort of an edition's table; the CSV export takes the same ones, so a view exports as shown. */
export const ProcedureFilters = {
  ministry: Type.Optional(GroupSlug),
  administration: Type.Optional(GroupSlug),
  audience: Type.Optional(OneOf(AUDIENCES)),
  q: Type.Optional(Type.String({ maxLength: 100, description: 'Words to find in the title, administration or ministry, ignoring case and accents.' })),
  sort: Type.Optional(OneOf(SORTS, { default: 'volume' })),
  dir: Type.Optional(OneOf(['asc', 'desc'], { default: 'desc' })),
};

export const authErrors = {
  400: Type.Ref('ErrorResponse'),
  401: Type.Ref('ErrorResponse'),
  403: Type.Ref('ErrorResponse'),
  404: Type.Ref('ErrorResponse'),
  409: Type.Ref('ErrorResponse'),
  429: Type.Ref('ErrorResponse'),
  500: Type.Ref('ErrorResponse'),
};

export const ScopeSchema = Type.Object({
  ministries: Type.Array(Type.String(), { description: 'Ministry slugs.' }),
  administrations: Type.Array(Type.String(), { description: 'Administration slugs.' }),
});

export const UserSchema = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  name: Type.String(),
  role: Type.Union([Type.Literal('operator'), Type.Literal('team')]),
  scope: ScopeSchema,
  lockedUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  disabled: Type.Boolean(),
  lastLoginAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});
