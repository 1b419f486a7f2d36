import { count, desc, eq } from 'drizzle-orm';
import { first, type Db } from '../../db/client.ts';
import { crawlRuns, editions, webhookDeliveries } from '../../db/schema/index.ts';
import { DomainError } from '../../contracts/errors.ts';
import { editionTable, groupSyntheses } from './editions.ts';
import { previousPublishedEdition } from '../../db/read.ts';

// The operator's space: drafts and their differences, crawl runs, the webhook outbox.

export async function listAllEditions(db: Db) {
  return (await db.select().from(editions).orderBy(desc(editions.periodStart))).map((e) => ({ slug: e.slug, status: e.status, closedAt: e.closedAt.toISOString(), publishedAt: e.publishedAt?.toISOString() ?? null, methodologyVersion: e.methodologyVersion }));
}

/** A draft against the previous published edition: the observatory's shares and every level that moved. */
export async function previewDraft(db: Db, slug: string) {
  const draft = await first(db.select().from(editions).where(eq(editions.slug, slug)));
  if (!draft) throw new DomainError('edition.not_found', `No edition ${slug}: close the quarter first.`, { slug });
  const table = await editionTable(db, draft);
  const previous = await previousPublishedEdition(db, draft.periodStart);
  const before = previous ? await editionTable(db, previous) : undefined;
  const beforeRows = new Map(before?.rows.map((r) => [r.id, r]) ?? []);
  const counts: Record<string, number> = { improved: 0, regressed: 0, unchanged: 0, new: 0 };
  const changes: {
    procedure: { id: number; title: string; ministry: string };
    criterion: string;
    change: 'improved' | 'regressed';
    before: { level: string | null; value: number | string | null } | null;
    after: { level: string | null; value: number | string | null; source: string | null };
  }[] = [];
  for (const row of table.rows) {
    for (const [criterion, cell] of Object.entries(row.scores)) {
      if (cell.change) counts[cell.change] = (counts[cell.change] ?? 0) + 1;
      if (cell.change !== 'improved' && cell.change !== 'regressed') continue;
      const old = beforeRows.get(row.id)?.scores[criterion];
      changes.push({
        procedure: { id: row.id, title: row.title, ministry: row.ministry.name },
        criterion,
        change: cell.change,
        before: old ? { level: old.level, value: old.value } : null,
        after: { level: cell.level, value: cell.value, source: cell.source },
      });
    }
  }
  changes.sort((a, b) => (a.change === b.change ? a.procedure.title.localeCompare(b.procedure.title, 'fr') : a.change === 'regressed' ? -1 : 1));
  const [observatory] = groupSyntheses(table, before, 'observatory');
  const nowIds = new Set(table.rows.map((r) => r.id));
  return {
    edition: { slug: draft.slug, status: draft.status, closedAt: draft.closedAt.toISOString(), publishedAt: draft.publishedAt?.toISOString() ?? null },
    previous: previous?.slug ?? null,
    procedures: { now: table.rows.length, before: before?.rows.length ?? 0, added: table.rows.filter((r) => !beforeRows.has(r.id)).length, removed: before ? before.rows.filter((r) => !nowIds.has(r.id)).length : 0 },
    counts,
    scores: observatory?.scores.map((s) => ({ criterion: s.criterion, share: s.share, previousShare: s.previousShare, trend: s.trend, coverage: s.coverage, measured: s.measured, total: s.total })) ?? [],
    changes,
  };
}

/** The latest crawl runs, and their failures by type added up. */
export async function recentCrawlRuns(db: Db, limit = 30) {
  const runs = await db.select().from(crawlRuns).orderBy(desc(crawlRuns.startedAt), desc(crawlRuns.id)).limit(limit);
  const failuresByType: Record<string, number> = {};
  const items = runs.map((r) => {
    const summary = (r.summary ?? {}) as { measured?: number; unmeasurable?: number; notApplicable?: number; failures?: Record<string, number>; error?: string; durationMs?: number };
    for (const [type, n] of Object.entries(summary.failures ?? {})) failuresByType[type] = (failuresByType[type] ?? 0) + n;
    return {
      id: r.id,
      trigger: r.trigger,
      status: r.status,
      checks: r.checks,
      procedures: r.procedureCount,
      startedAt: r.startedAt.toISOString(),
      finishedAt: r.finishedAt?.toISOString() ?? null,
      measured: summary.measured ?? null,
      notApplicable: summary.notApplicable ?? null,
      unmeasurable: summary.unmeasurable ?? null,
      failures: summary.failures ?? {},
      error: summary.error ?? null,
    };
  });
  const deliveries = Object.fromEntries((await db.select({ status: webhookDeliveries.status, n: count() }).from(webhookDeliveries).groupBy(webhookDeliveries.status)).map((d) => [d.status, d.n]));
  return {
    items,
    failuresByType: Object.entries(failuresByType).sort((a, b) => b[1] - a[1]).map(([type, n]) => ({ type, count: n })),
    webhookDeliveries: { pending: deliveries['pending'] ?? 0, delivered: deliveries['delivered'] ?? 0, dead: deliveries['dead'] ?? 0 },
  };
}

