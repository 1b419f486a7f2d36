import { Type, type Static } from 'typebox';
import { CHANGES } from '../methodology/change.ts';
import { VALUE_STATES } from '../methodology/types.ts';
import { DateTime, Named, Nullable, Obj, OneOf, Value } from './common.ts';
import { ScoreCell } from './editions.ts';
import { PublicDeclaration } from './procedure.ts';

// The ministry teams' space (operators see every procedure): /api/me/…

const NullableString = Nullable(Type.String());

/** A value as measured (or declared) now: an edition cell without its change, dated — probes by the days they cover. */
export const CurrentCell = Obj({
  ...Type.Omit(ScoreCell, ['change']).properties,
  observedAt: Nullable(DateTime()),
  period: Type.Optional(Obj({ from: Type.String({ format: 'date' }), to: Type.String({ format: 'date' }) }, { description: 'Probed criteria (uptime, response time): the days of probes the value covers.' })),
});
export type CurrentCell = Static<typeof CurrentCell>;

export const TrackedCriterion = Obj({
  criterion: Type.String(),
  edition: Nullable(ScoreCell),
  current: Nullable(CurrentCell),
  change: Nullable(OneOf(CHANGES), { description: 'How the current value moved against the edition compared with.' }),
});
export type TrackedCriterion = Static<typeof TrackedCriterion>;

export const TrackedProcedure = Obj({
  id: Type.Integer(),
  title: Type.String(),
  ministry: Named,
  administration: Named,
  yearlyVolume: Type.Integer(),
  watched: Type.Boolean(),
  regressions: Type.Integer(),
  improvements: Type.Integer(),
  criteria: Type.Array(TrackedCriterion),
});
export type TrackedProcedure = Static<typeof TrackedProcedure>;

/** Which edition a team's current values are compared with, and how recent they are. */
const TrackedHeaderProperties = {
  edition: Nullable(Type.String(), { description: 'The edition compared with; null when none is published.' }),
  latestEdition: Nullable(Type.String(), { description: 'The latest published edition, when it is not the one compared with.' }),
  measuredUntil: Nullable(DateTime('The latest measurement in the scope (crawl or probe).')),
};
export const TrackedHeader = Obj(TrackedHeaderProperties);
export type TrackedHeader = Static<typeof TrackedHeader>;

export const TrackedList = Obj({ ...TrackedHeaderProperties, items: Type.Array(TrackedProcedure) });
export type TrackedList = Static<typeof TrackedList>;

/** A declaration as its team sees it: the public one, signed by name, with its place in the history. */
export const Declaration = Obj({
  ...Type.Omit(PublicDeclaration, ['declaredBy']).properties,
  declaredBy: Type.String({ description: 'Who declared it: name and e-mail address.' }),
  supersededAt: Nullable(DateTime()),
  inForce: Type.Boolean(),
  previous: Nullable(Obj({ value: Value, answers: Nullable(Type.Integer()), declaredAt: DateTime() }), { description: 'The declaration this one replaced.' }),
});
export type Declaration = Static<typeof Declaration>;

export const DECLARABLE_KINDS = ['count', 'percent', 'proactive', 'score'] as const;

/** A criterion a team may declare, with what the form asks. */
export const Declarable = Obj({
  criterion: Type.String(),
  label: Type.String(),
  kind: OneOf(DECLARABLE_KINDS),
  min: Type.Optional(Type.Number()),
  max: Type.Optional(Type.Number()),
  help: Type.String({ description: 'What the team states, in the form’s words.' }),
});
export type Declarable = Static<typeof Declarable>;

export const JUSTIFICATION_MIN = 10;
export const JUSTIFICATION_MAX = 2000;

export const DeclarationInput = Obj({
  criterion: Type.String(),
  value: Type.Union([Type.Number(), Type.String({ maxLength: 40 })]),
  answers: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000_000 })),
  justification: Type.String({ minLength: JUSTIFICATION_MIN, maxLength: JUSTIFICATION_MAX, description: 'Where the value comes from; published with it.' }),
});
export type DeclarationInput = Static<typeof DeclarationInput>;

export const RecheckResult = Obj({
  criterion: Type.String(),
  status: OneOf(VALUE_STATES),
  value: Value,
  level: NullableString,
  goal: Nullable(Type.Boolean()),
  reason: NullableString,
  observationId: Type.Integer({ description: 'The observation behind the value, with its evidence.' }),
});
export type RecheckResult = Static<typeof RecheckResult>;

export const RECHECK_STATUSES = ['queued', 'running', 'done', 'failed'] as const;

export const Recheck = Obj({
  id: Type.Integer(),
  procedureId: Type.Integer(),
  status: OneOf(RECHECK_STATUSES),
  requestedAt: DateTime(),
  startedAt: Nullable(DateTime()),
  finishedAt: Nullable(DateTime()),
  results: Nullable(Type.Array(RecheckResult), { description: 'What the re-check measured, criterion by criterion, with the observation behind each value.' }),
  error: NullableString,
});
export type Recheck = Static<typeof Recheck>;

export const RecheckRequested = Obj({
  recheck: Recheck,
  created: Type.Boolean({ description: 'false: the procedure was already queued or running, and this is that re-check.' }),
  nextRecheckAt: Nullable(DateTime('Before this moment a new request is refused (one per 10 minutes).')),
});
export type RecheckRequested = Static<typeof RecheckRequested>;

export const TrackedDetail = Obj({
  ...TrackedHeaderProperties,
  procedure: TrackedProcedure,
  declarations: Type.Array(Declaration),
  rechecks: Type.Array(Recheck),
  nextRecheckAt: Nullable(DateTime('Before this moment a re-check request is refused (one per 10 minutes).')),
  declarable: Type.Array(Declarable),
});
export type TrackedDetail = Static<typeof TrackedDetail>;

export const WEBHOOK_SCOPES = ['ministry', 'administration'] as const;
export const WebhookScope = Obj({ kind: OneOf(WEBHOOK_SCOPES), slug: Type.String({ pattern: '^[a-z0-9-]{1,80}$' }) });

export const Deliveries = Obj({ pending: Type.Integer(), delivered: Type.Integer(), dead: Type.Integer() });

export const Webhook = Obj({
  id: Type.Integer(),
  url: Type.String(),
  scope: WebhookScope,
  createdAt: DateTime(),
  deliveries: Deliveries,
  lastError: NullableString,
  secret: Type.Optional(Type.String({ description: 'Shown once, at creation: the HMAC-SHA256 key of the signatures.' })),
});
export type Webhook = Static<typeof Webhook>;

export const WebhookList = Obj({ items: Type.Array(Webhook) });

export const WebhookInput = Obj({ url: Type.String({ minLength: 8, maxLength: 2000 }), scope: WebhookScope });
export type WebhookInput = Static<typeof WebhookInput>;
