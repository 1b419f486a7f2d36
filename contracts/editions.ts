import { Type, type Static } from 'typebox';
import { CHANGES } from '../methodology/change.ts';
import { currentMethodology } from '../methodology/index.ts';
import { SOURCES, VALUE_STATES } from '../methodology/types.ts';
import { AUDIENCES, ProcedureIdentity } from './catalogue.ts';
import { DateTime, GroupSlug, Nullable, Obj, OneOf, Value } from './common.ts';

// Published editions: their table, their syntheses by group, a group's history.

/** One criterion's value for one procedure in an edition. */
export const ScoreCell = Obj({
  status: OneOf(VALUE_STATES),
  value: Value,
  level: Nullable(Type.String()),
  goal: Nullable(Type.Boolean()),
  source: Nullable(OneOf(SOURCES)),
  reason: Nullable(Type.String(), { description: 'Why the value is not measured or not applicable.' }),
  change: Nullable(OneOf(CHANGES), { description: 'Since the previous edition.' }),
  observationId: Nullable(Type.Integer(), { description: 'The observation (evidence) behind the value.' }),
  declarationId: Nullable(Type.Integer()),
});
export type ScoreCell = Static<typeof ScoreCell>;

/** What a badge reads of a value: an edition's cell, a value measured now, a re-check's result. */
export type CellView = Pick<ScoreCell, 'status' | 'value' | 'level' | 'goal' | 'reason'>;

const EditionSummaryProperties = {
  slug: Type.String(),
  periodStart: DateTime(),
  periodEnd: DateTime(),
  methodologyVersion: Type.Integer(),
  publishedAt: Nullable(DateTime()),
  coverage: Type.Record(Type.String(), Nullable(Type.Number()), { description: 'Share of measured values by criterion.' }),
};
export const EditionSummary = Obj(EditionSummaryProperties);
export type EditionSummary = Static<typeof EditionSummary>;

export const EditionList = Obj({ items: Type.Array(EditionSummary) });

export const GroupScore = Obj({
  criterion: Type.String(),
  total: Type.Integer(),
  notOnline: Type.Integer(),
  notApplicable: Type.Integer(),
  unmeasurable: Type.Integer(),
  measured: Type.Integer(),
  reachingGoal: Type.Integer(),
  levels: Type.Record(Type.String(), Type.Integer(), { description: 'Measured procedures per level, best level first.' }),
  share: Nullable(Type.Number(), { description: 'Share of measured procedures reaching the goal.' }),
  coverage: Nullable(Type.Number()),
  targetReached: Nullable(Type.Boolean(), { description: 'share >= the 80 % target.' }),
  previousShare: Nullable(Type.Number()),
  trend: Nullable(Type.Number(), { description: 'share minus the previous edition’s share.' }),
});
export type GroupScore = Static<typeof GroupScore>;

export const GroupSynthesis = Obj({
  slug: Type.String(),
  name: Type.String(),
  procedures: Type.Integer(),
  scores: Type.Array(GroupScore),
});
export type GroupSynthesis = Static<typeof GroupSynthesis>;

export const EditionDetail = Obj({ ...EditionSummaryProperties, previous: Nullable(Type.String()), procedures: Type.Integer(), observatory: GroupSynthesis });
export type EditionDetail = Static<typeof EditionDetail>;

/**
 * A cell of an edition's table as the list carries it: the value, its level, source, reason and
 * change, without the evidence behind it (observationId, declarationId), which the procedure's
 * page (`/api/procedures/{id}`) gives with the observation itself. The table's answer is the
 * busiest of the API: 30 % lighter once compressed without them and the start URL.
 */
export const TableCell = Obj(Type.Omit(ScoreCell, ['observationId', 'declarationId']).properties);
export type TableCell = Static<typeof TableCell>;

/** A row of an edition's table: what the table shows of a procedure (its service's address is on its page), and a cell per criterion. */
export const EditionRow = Obj({ ...Type.Omit(ProcedureIdentity, ['startUrl']).properties, scores: Type.Record(Type.String(), TableCell) });
export type EditionRow = Static<typeof EditionRow>;

export const ProceduresAnswer = Obj({
  edition: Type.String(),
  total: Type.Integer({ description: 'Rows matching the filters, before pagination.' }),
  limit: Type.Integer(),
  offset: Type.Integer(),
  items: Type.Array(EditionRow),
});
export type ProceduresAnswer = Static<typeof ProceduresAnswer>;

export const GROUP_KINDS = ['ministry', 'administration'] as const;
export type GroupKind = (typeof GROUP_KINDS)[number];

export const GroupsAnswer = Obj({ edition: Type.String(), by: OneOf(GROUP_KINDS), target: Type.Number(), items: Type.Array(GroupSynthesis) });
export type GroupsAnswer = Static<typeof GroupsAnswer>;

export const GroupHistory = Obj({
  by: OneOf(['ministry', 'administration', 'observatory']),
  slug: Type.String(),
  name: Type.String(),
  target: Type.Number(),
  editions: Type.Array(Obj({ edition: Type.String(), procedures: Type.Integer(), scores: Type.Array(GroupScore) })),
});
export type GroupHistory = Static<typeof GroupHistory>;

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

export const DataColumn = Obj({ name: Type.String(), type: Type.String(), description: Type.String() });
export type DataColumn = Static<typeof DataColumn>;

export const DataDictionary = Obj({ methodologyVersion: Type.Integer(), wide: Type.Array(DataColumn), long: Type.Array(DataColumn) });
export type DataDictionary = Static<typeof DataDictionary>;



const DataResource = Obj({
  name: Type.String(),
  path: Type.String({ format: 'uri' }),
  format: Type.Literal('csv'),
  mediatype: Type.Literal('text/csv'),
  encoding: Type.Literal('utf-8'),
  schema: Obj({ fields: Type.Array(DataColumn) }),
});

/** The Frictionless tabular data package describing the CSV exports. */
export const DataPackage = Obj({
  profile: Type.Literal('tabular-data-package'),
  name: Type.String(),
  title: Type.String(),
  version: Type.String(),
  licenses: Type.Array(Obj({ name: Type.String(), title: Type.String() })),
  resources: Type.Array(DataResource),
});
