import { Type, type Static } from 'typebox';
import { DateTime, Nullable, Obj, OneOf, Value } from './common.ts';
import { Deliveries } from './team.ts';

// The operator's space: /api/admin/…

export const EDITION_STATUSES = ['draft', 'published'] as const;
const EditionStatus = OneOf(EDITION_STATUSES);

export const EditionEntry = Obj({
  slug: Type.String(),
  status: EditionStatus,
  closedAt: DateTime(),
  publishedAt: Nullable(DateTime()),
  methodologyVersion: Type.Integer(),
});
export type EditionEntry = Static<typeof EditionEntry>;

export const EditionEntries = Obj({ items: Type.Array(EditionEntry) });

const Counts = Type.Record(Type.String(), Type.Integer());

/** What closing a quarter built: its draft, and how many values changed since the previous edition. */
export const CloseSummary = Obj({
  editionId: Type.Integer(),
  slug: Type.String(),
  procedures: Type.Integer(),
  coverage: Type.Record(Type.String(), Nullable(Type.Number()), { description: 'Share of measured values by criterion.' }),
  changes: Type.Record(Type.String(), Type.Integer(), { description: 'Values by change since the previous edition (improved, regressed, unchanged, new).' }),
});
export type CloseSummary = Static<typeof CloseSummary>;

export const Published = Obj({ slug: Type.String(), editionId: Type.Integer() });
export type Published = Static<typeof Published>;

const Reading = { level: Nullable(Type.String()), value: Value };

export const DraftPreview = Obj({
  edition: Obj({ slug: Type.String(), status: EditionStatus, closedAt: DateTime(), publishedAt: Nullable(DateTime()) }),
  previous: Nullable(Type.String(), { description: 'The published edition compared with.' }),
  procedures: Obj({ now: Type.Integer(), before: Type.Integer(), added: Type.Integer(), removed: Type.Integer() }),
  counts: Counts,
  scores: Type.Array(
    Obj({
      criterion: Type.String(),
      share: Nullable(Type.Number()),
      previousShare: Nullable(Type.Number()),
      trend: Nullable(Type.Number()),
      coverage: Nullable(Type.Number()),
      measured: Type.Integer(),
      total: Type.Integer(),
    }),
  ),
  changes: Type.Array(
    Obj({
      procedure: Obj({ id: Type.Integer(), title: Type.String(), ministry: Type.String() }),
      criterion: Type.String(),
      change: OneOf(['improved', 'regressed']),
      before: Nullable(Obj(Reading)),
      after: Obj({ ...Reading, source: Nullable(Type.String()) }),
    }),
    { description: 'Every level that moved, regressions first.' },
  ),
});
export type DraftPreview = Static<typeof DraftPreview>;

export const CrawlRun = Obj({
  id: Type.Integer(),
  trigger: Type.String({ description: 'cli, schedule, recheck or demo.' }),
  status: Type.String({ description: 'running, completed, interrupted or failed.' }),
  checks: Type.Array(Type.String(), { description: 'The checks the run was asked to perform.' }),
  procedures: Type.Integer(),
  startedAt: DateTime(),
  finishedAt: Nullable(DateTime()),
  measured: Nullable(Type.Integer()),
  notApplicable: Nullable(Type.Integer()),
  unmeasurable: Nullable(Type.Integer()),
  failures: Counts,
  error: Nullable(Type.String()),
});
export type CrawlRun = Static<typeof CrawlRun>;

export const CrawlRuns = Obj({
  items: Type.Array(CrawlRun),
  failuresByType: Type.Array(Obj({ type: Type.String(), count: Type.Integer() })),
  webhookDeliveries: Deliveries,
});
export type CrawlRuns = Static<typeof CrawlRuns>;
