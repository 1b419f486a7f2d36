// Shapes of the API answers the dashboard reads: the server's contracts (contracts/), types only —
// nothing of the server reaches the browser bundle.
export type { Source, Unit, ValueState } from '../../../methodology/types.ts';
export type { Change } from '../../../methodology/change.ts';
export type {
  CellView,
  CriteriaAnswer,
  Criterion,
  DataColumn,
  DataDictionary,
  EditionDetail,
  EditionRow,
  EditionSummary,
  Evidence,
  GroupHistory,
  GroupKind,
  GroupScore,
  GroupSynthesis,
  GroupsAnswer,
  Named,
  Observation,
  ProcedureDetail,
  Procedure as ProcedureItem,
  ProcedureIdentity,
  ProceduresAnswer,
  PublicDeclaration,
  ScoreCell,
} from '../../../contracts/index.ts';
