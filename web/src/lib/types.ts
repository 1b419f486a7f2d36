// Shapes of the API answers the dashboard reads (see /api/openapi.json).
import type { Criterion, Source, Unit, ValueState } from '../../../methodology/types.ts';
import type { GroupScore as MethodologyGroupScore } from '../../../methodology/groups.ts';
import type { Change } from '../../../methodology/change.ts';

export type { Change, Criterion, Source, Unit, ValueState };

export interface Named {
  slug: string;
  name: string;
}

/** What every answer says about a procedure. */
export interface ProcedureIdentity {
  id: number;
  title: string;
  ministry: Named;
  administration: Named;
  audiences: string[];
  yearlyVolume: number;
  startUrl: string;
}

export interface ProcedureItem extends ProcedureIdentity {
  surveyId: number | null;
  retired: boolean;
}

export interface CriteriaAnswer {
  version: number;
  groupTarget: number;
  surveyMinAnswers?: number;
  criteria: Criterion[];
}

export interface EditionSummary {
  slug: string;
  periodStart: string;
  periodEnd: string;
  methodologyVersion: number;
  publishedAt: string | null;
  coverage: Record<string, number | null>;
}

/** One criterion's value for one procedure in an edition. */
export interface ScoreCell {
  status: ValueState;
  value: number | string | null;
  level: string | null;
  goal: boolean | null;
  source: Source | null;
  reason: string | null;
  change: Change | null;
  observationId: number | null;
  declarationId: number | null;
}

/** What a badge reads of a value: an edition's cell, a value measured now, a re-check's result. */
export type CellView = Pick<ScoreCell, 'status' | 'value' | 'level' | 'goal' | 'reason'>;

export interface EditionRow extends ProcedureIdentity {
  scores: Record<string, ScoreCell>;
}

export interface ProceduresAnswer {
  edition: string;
  total: number;
  limit: number;
  offset: number;
  items: EditionRow[];
}

/** The methodology's group score, with the change since the previous edition where the API adds it. */
export interface GroupScore extends MethodologyGroupScore {
  previousShare?: number | null;
  trend?: number | null;
}

export interface GroupSynthesis extends Named {
  procedures: number;
  scores: GroupScore[];
}

export interface EditionDetail extends EditionSummary {
  previous: string | null;
  procedures: number;
  observatory: GroupSynthesis;
}

export interface GroupsAnswer {
  edition: string;
  by: GroupKind;
  target: number;
  items: GroupSynthesis[];
}

export type GroupKind = 'ministry' | 'administration';

export interface GroupHistory extends Named {
  by: GroupKind | 'observatory';
  target: number;
  editions: { edition: string; procedures: number; scores: GroupScore[] }[];
}

export interface Evidence {
  url: string;
  finalUrl?: string;
  httpStatus?: number;
  snippet?: string;
  tool: string;
  toolVersion: string;
  failure?: string;
  [detail: string]: unknown;
}

export interface Observation {
  id: number;
  criterion: string;
  observedAt: string;
  status: ValueState;
  value: number | string | null;
  reason: string | null;
  answers: number | null;
  evidence: Evidence;
}

/** A declaration behind a published score: shown with « déclaré », its justification and date. */
export interface PublicDeclaration {
  id: number;
  criterion: string;
  value: number | string | null;
  answers: number | null;
  justification: string;
  declaredAt: string;
  declaredBy: string;
}

export interface ProcedureDetail extends ProcedureItem {
  editions: { edition: string; scores: Record<string, ScoreCell> }[];
  observations: { latest: Observation[]; recent: Observation[] };
  declarations: PublicDeclaration[];
}

export interface DataColumn {
  name: string;
  type: string;
  description: string;
}

export interface DataDictionary {
  methodologyVersion: number;
  wide: DataColumn[];
  long: DataColumn[];
}
