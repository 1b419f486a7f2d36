import { Type, type Static } from 'typebox';
import { OBTAINED_BY, SOURCES, UNITS } from '../methodology/types.ts';
import { Named, Nullable, Obj, OneOf } from './common.ts';

// The catalogue and the methodology's criteria.

/** Who a procedure is for. */
export const AUDIENCES = ['particuliers', 'professionnels', 'associations', 'collectivites'] as const;
export type Audience = (typeof AUDIENCES)[number];

const ProcedureProperties = {
  id: Type.Integer({ description: 'Stable id from the catalogue: never re-used, survives renames.' }),
  title: Type.String(),
  ministry: Named,
  administration: Named,
  audiences: Type.Array(OneOf(AUDIENCES)),
  yearlyVolume: Type.Integer({ description: 'Procedures carried out per year.' }),
  startUrl: Type.String({ format: 'uri' }),
};

/** What every answer says about a procedure. */
export const ProcedureIdentity = Obj(ProcedureProperties);
export type ProcedureIdentity = Static<typeof ProcedureIdentity>;

export const Procedure = Obj({
  ...ProcedureProperties,
  surveyId: Nullable(Type.Integer()),
  retired: Type.Boolean({ description: 'Left the catalogue; its history stays.' }),
});
export type Procedure = Static<typeof Procedure>;

export const ProcedureList = Obj({ total: Type.Integer(), items: Type.Array(Procedure) });
export type ProcedureList = Static<typeof ProcedureList>;

const LabelLevel = { label: Type.String(), goal: Type.Boolean({ description: 'Reaching this level meets the goal.' }) };

/** How a value reads as a level: a table of labels, thresholds (higher or lower is better), or none. */
export const Scale = Type.Union([
  Obj({ kind: Type.Literal('labels'), levels: Type.Array(Obj(LabelLevel)) }),
  Obj({ kind: Type.Literal('higher'), levels: Type.Array(Obj({ ...LabelLevel, min: Nullable(Type.Number(), { description: 'Reached when value >= min; null: every other value.' }) })) }),
  Obj({ kind: Type.Literal('lower'), levels: Type.Array(Obj({ ...LabelLevel, below: Nullable(Type.Number(), { description: 'Reached when value < below; null: every other value.' }) })) }),
  Obj({ kind: Type.Literal('none') }),
]);

/** A criterion as the methodology defines it. */
export const Criterion = Obj({
  slug: Type.String(),
  label: Type.String(),
  method: Type.String(),
  obtainedBy: OneOf(OBTAINED_BY, { description: 'check: a page check of the crawler; survey: the users’ survey; probe: the start page’s probes; declaration: a team’s declaration only.' }),
  sources: Type.Array(OneOf(SOURCES)),
  unit: OneOf(UNITS),
  scale: Scale,
  minAnswers: Type.Optional(Type.Integer({ description: 'Answers a survey-based value needs in the quarter; fewer and it is not measurable.' })),
  precision: Type.Optional(Type.Integer({ description: 'Decimals the published value is rounded to (half up) before its level is read.' })),
  notApplicableLabels: Type.Optional(Type.Array(Type.String(), { description: 'Text values that mean the criterion does not apply.' })),
  flagLevels: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'Flags that put a measured value at a level whatever the value (an expired statement: "Non").' })),
  textLevels: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'Text readings that stand for a level when no number was read.' })),
});
export type Criterion = Static<typeof Criterion>;

export const CriteriaAnswer = Obj({
  version: Type.Integer(),
  groupTarget: Type.Number({ description: 'Share of measured procedures reaching the goal a group should reach.' }),
  surveyMinAnswers: Type.Optional(Type.Integer({ description: 'Answers every survey-based value needs in a quarter (methodology v2 on).' })),
  criteria: Type.Array(Criterion),
});
export type CriteriaAnswer = Static<typeof CriteriaAnswer>;

/** The ministries and, under each, its administrations that have procedures in the catalogue: what the table's filters offer. */
export const MinistryList = Obj({
  items: Type.Array(Obj({ slug: Type.String(), name: Type.String(), administrations: Type.Array(Named) })),
  administrations: Type.Array(Named, { description: 'Every administration of the list, by name: the filter without a ministry chosen.' }),
});
export type MinistryList = Static<typeof MinistryList>;
