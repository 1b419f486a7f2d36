import { eq } from 'drizzle-orm';
import { WRITE, type Db } from '../../db/client.ts';
import { administrations, ministries, procedures } from '../../db/schema/index.ts';
import type { CatalogueRow } from './parse.ts';
import { administrationSlug, ministrySlug } from './slugs.ts';

export interface ImportSummary {
  added: number[];
  updated: number[];
  restored: number[];
  retired: number[];
  unchanged: number;
  ministriesAdded: number;
  administrationsAdded: number;
}

/** Thrown inside the transaction to undo a dry run. */
class DryRunRollback extends Error {}

/**
 * Applies a validated catalogue in one transaction: procedures are matched by their stable id
 * (a new title is a rename, history kept); a procedure absent from the file is retired, never
 * deleted; one that comes back is restored. Importing the same file twice changes nothing.
 */
export function importCatalogue(
  db: Db,
  rows: readonly CatalogueRow[],
  options: { now?: Date; dryRun?: boolean } = {},
): ImportSummary {
  const now = options.now ?? new Date();
  let summary: ImportSummary | undefined;
  try {
    db.transaction((tx) => {
      summary = apply(tx as unknown as Db, rows, now);
      if (options.dryRun) throw new DryRunRollback();
    }, WRITE);
  } catch (err) {
    if (!(err instanceof DryRunRollback)) throw err;
  }
  return summary!;
}

function apply(db: Db, rows: readonly CatalogueRow[], now: Date): ImportSummary {
  const summary: ImportSummary = {
    added: [],
    updated: [],
    restored: [],
    retired: [],
    unchanged: 0,
    ministriesAdded: 0,
    administrationsAdded: 0,
  };

  const ministryIds = new Map(db.select().from(ministries).all().map((m) => [m.slug, m]));
  const administrationIds = new Map(db.select().from(administrations).all().map((a) => [a.slug, a]));
  const existing = new Map(db.select().from(procedures).all().map((p) => [p.id, p]));

  const ministryId = (name: string): number => {
    const slug = ministrySlug(name);
    const known = ministryIds.get(slug);
    if (known) {
      if (known.name !== name) db.update(ministries).set({ name }).where(eq(ministries.id, known.id)).run();
      return known.id;
    }
    const created = db.insert(ministries).values({ slug, name }).returning().get();
    ministryIds.set(slug, created);
    summary.ministriesAdded++;
    return created.id;
  };

  const administrationId = (name: string, ministry: string): number => {
    const slug = administrationSlug(name);
    const mId = ministryId(ministry);
    const known = administrationIds.get(slug);
    if (known) {
      if (known.name !== name || known.ministryId !== mId) {
        db.update(administrations).set({ name, ministryId: mId }).where(eq(administrations.id, known.id)).run();
        administrationIds.set(slug, { ...known, name, ministryId: mId });
      }
      return known.id;
    }
    const created = db.insert(administrations).values({ slug, name, ministryId: mId }).returning().get();
    administrationIds.set(slug, created);
    summary.administrationsAdded++;
    return created.id;
  };

  const seen = new Set<number>();
  for (const row of rows) {
    seen.add(row.id);
    const fields = {
      title: row.title,
      administrationId: administrationId(row.administration, row.ministry),
      audiences: row.audiences,
      yearlyVolume: row.yearlyVolume,
      startUrl: row.startUrl,
      surveyId: row.surveyId,
      keywords: row.keywords,
    };
    const before = existing.get(row.id);
    if (!before) {
      db.insert(procedures)
        .values({ id: row.id, ...fields, createdAt: now, updatedAt: now })
        .run();
      summary.added.push(row.id);
      continue;
    }
    const changed =
      before.title !== fields.title ||
      before.administrationId !== fields.administrationId ||
      before.audiences.join('|') !== fields.audiences.join('|') ||
      before.yearlyVolume !== fields.yearlyVolume ||
      before.startUrl !== fields.startUrl ||
      before.surveyId !== fields.surveyId ||
      before.keywords.join('|') !== fields.keywords.join('|');
    const wasRetired = before.retiredAt !== null;
    if (!changed && !wasRetired) {
      summary.unchanged++;
      continue;
    }
    db.update(procedures)
      .set({ ...fields, retiredAt: null, updatedAt: now })
      .where(eq(procedures.id, row.id))
      .run();
    if (wasRetired) summary.restored.push(row.id);
    else summary.updated.push(row.id);
  }

  for (const [id, p] of existing) {
    if (seen.has(id) || p.retiredAt !== null) continue;
    db.update(procedures).set({ retiredAt: now, updatedAt: now }).where(eq(procedures.id, id)).run();
    summary.retired.push(id);
  }
  return summary;
}
