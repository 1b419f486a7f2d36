import { eq } from 'drizzle-orm';
import { first, transaction, type Db } from '../../db/client.ts';
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
export async function importCatalogue(
  db: Db,
  rows: readonly CatalogueRow[],
  options: { now?: Date; dryRun?: boolean } = {},
): Promise<ImportSummary> {
  const now = options.now ?? new Date();
  let summary: ImportSummary | undefined;
  try {
    await transaction(db, async (tx) => {
      summary = await apply(tx, rows, now);
      if (options.dryRun) throw new DryRunRollback();
    });
  } catch (err) {
    if (!(err instanceof DryRunRollback)) throw err;
  }
  return summary!;
}

async function apply(db: Db, rows: readonly CatalogueRow[], now: Date): Promise<ImportSummary> {
  const summary: ImportSummary = {
    added: [],
    updated: [],
    restored: [],
    retired: [],
    unchanged: 0,
    ministriesAdded: 0,
    administrationsAdded: 0,
  };

  const ministryIds = new Map((await db.select().from(ministries)).map((m) => [m.slug, m]));
  const administrationIds = new Map((await db.select().from(administrations)).map((a) => [a.slug, a]));
  const existing = new Map((await db.select().from(procedures)).map((p) => [p.id, p]));

  const ministryId = async (name: string): Promise<number> => {
    const slug = ministrySlug(name);
    const known = ministryIds.get(slug);
    if (known) {
      if (known.name !== name) await db.update(ministries).set({ name }).where(eq(ministries.id, known.id));
      return known.id;
    }
    const created = (await first(db.insert(ministries).values({ slug, name }).returning()))!;
    ministryIds.set(slug, created);
    summary.ministriesAdded++;
    return created.id;
  };

  const administrationId = async (name: string, ministry: string): Promise<number> => {
    const slug = administrationSlug(name);
    const mId = await ministryId(ministry);
    const known = administrationIds.get(slug);
    if (known) {
      if (known.name !== name || known.ministryId !== mId) {
        await db.update(administrations).set({ name, ministryId: mId }).where(eq(administrations.id, known.id));
        administrationIds.set(slug, { ...known, name, ministryId: mId });
      }
      return known.id;
    }
    const created = (await first(db.insert(administrations).values({ slug, name, ministryId: mId }).returning()))!;
    administrationIds.set(slug, created);
    summary.administrationsAdded++;
    return created.id;
  };

  const seen = new Set<number>();
  for (const row of rows) {
    seen.add(row.id);
    const fields = {
      title: row.title,
      administrationId: await administrationId(row.administration, row.ministry),
      audiences: row.audiences,
      yearlyVolume: row.yearlyVolume,
      startUrl: row.startUrl,
      surveyId: row.surveyId,
      keywords: row.keywords,
    };
    const before = existing.get(row.id);
    if (!before) {
      await db.insert(procedures)
        .values({ id: row.id, ...fields, createdAt: now, updatedAt: now });
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
    await db.update(procedures)
      .set({ ...fields, retiredAt: null, updatedAt: now })
      .where(eq(procedures.id, row.id));
    if (wasRetired) summary.restored.push(row.id);
    else summary.updated.push(row.id);
  }

  for (const [id, p] of existing) {
    if (seen.has(id) || p.retiredAt !== null) continue;
    await db.update(procedures).set({ retiredAt: now, updatedAt: now }).where(eq(procedures.id, id));
    summary.retired.push(id);
  }
  return summary;
}
