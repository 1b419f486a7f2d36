import type { Criterion, Methodology } from './types.ts';
import { PRECISION } from './rounding.ts';
import { methodologyV1 } from './v1.ts';

/** Fewer answers than this in a quarter and a survey-based value is not measurable, whatever the criterion. */
export const SURVEY_MIN_ANSWERS = 100;

// Methodology v2 changes two rules of v1, nothing else (criteria, thresholds and labels are v1's):
// - every survey-based criterion needs 100 answers (v1 asked it of satisfaction and clarity only,
//   so "Aide joignable" and "Aide efficace" could rest on 3 answers, or none);
// - a value is rounded to its published precision (round half up: 79,45 % → 79,5 %, 7,25/10 →
//   7,3/10) before its level is read, so the figure a visitor reads is the one the level comes from.
const rewritten: Record<string, string> = {
  satisfaction: "Note moyenne sur 10 donnée par les usagers dans l'enquête « Je donne mon avis », sur le trimestre.",
  simplicity: "Note moyenne sur 10 de compréhension dans l'enquête usagers, sur le trimestre.",
};

export const methodologyV2: Methodology = {
  ...methodologyV1,
  version: 2,
  surveyMinAnswers: SURVEY_MIN_ANSWERS,
  criteria: methodologyV1.criteria.map((c): Criterion => {
    const { minAnswers: _v1, ...rest } = c;
    return {
      ...rest,
      method: rewritten[c.slug] ?? c.method,
      precision: PRECISION[c.unit],
      ...(c.sources.includes('survey') ? { minAnswers: SURVEY_MIN_ANSWERS } : {}),
    };
  }),
};
