// Shapes of the API answers the dashboard reads (see /api/openapi.json).
import type { Criterion, Unit } from '../../../methodology/types.ts';

export type { Criterion, Unit };

export interface Named {
  slug: string;
  name: string;
}

export interface ProcedureItem {
  id: number;
  title: string;
  ministry: Named;
  administration: Named;
  audiences: string[];
  yearlyVolume: number;
  startUrl: string;
  surveyId: number | null;
  retired: boolean;
}

export interface CriteriaAnswer {
  version: number;
  groupTarget: number;
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
