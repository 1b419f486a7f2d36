import { desc, eq } from 'drizzle-orm';
import type { Db } from './client.ts';
import { editions } from './schema/index.ts';

// The published editions, kept in memory per database: the editions API resolves a slug
// ('latest' or '2026-T3') on every request, and a published edition never changes, so a request
// answered from the edition cache needs no query at all. What can change is the list itself: a
// new edition is published — by this process (seen at once: publishEdition says so), by a demo
// thread on its own connection or by another server on PostgreSQL (seen within a second: the
// list is read again when it is older than that).

export type PublishedEdition = typeof editions.$inferSelect;

/** How long a read of the list is trusted: another process's publication shows within this. */
export const PUBLISHED_STALE_AFTER_MS = 1000;

export class PublishedEditions {
  private readonly bySlug: Map<string, PublishedEdition>;

  constructor(
    /** Newest first (period start), as listPublishedEditions orders them. */
    readonly editions: readonly PublishedEdition[],
    /** performance.now() of the read. */
    readonly readAt: number,
  ) {
    this.bySlug = new Map(editions.map((e) => [e.slug, e]));
  }

  /** A published edition by slug; 'latest' is the newest. */
  find(slug: string): PublishedEdition | undefined {
    return slug === 'latest' ? this.editions[0] : this.bySlug.get(slug);
  }
}

interface Slot {
  index?: PublishedEditions;
  loading?: Promise<PublishedEditions>;
  /** Bumped by forgetPublishedEditions: a read started before it is not trusted after it. */
  generation: number;
}

/**
 * Per database, by its driver (the SQLite connection or the PostgreSQL pool): a SQLite
 * transaction's handle shares its connection's slot. An edition id means something only in its
 * own database, so two databases in one process (the tests) never share a list.
 */
const slots = new WeakMap<object, Slot>();

function slotOf(db: Db): Slot {
  const key: object = db.sqlite ?? db.pool ?? db;
  let slot = slots.get(key);
  if (!slot) slots.set(key, (slot = { generation: 0 }));
  return slot;
}

/** The list as last read, when that read is recent enough to answer without the database; else undefined. */
export function publishedEditionsIfFresh(db: Db, now = performance.now()): PublishedEditions | undefined {
  const index = slotOf(db).index;
  return index && now - index.readAt < PUBLISHED_STALE_AFTER_MS ? index : undefined;
}

/** The list, read again when it is stale; concurrent requests share one read. */
export function publishedEditions(db: Db): Promise<PublishedEditions> {
  const fresh = publishedEditionsIfFresh(db);
  if (fresh) return Promise.resolve(fresh);
  const slot = slotOf(db);
  if (slot.loading) return slot.loading;
  const generation = slot.generation;
  const loading = (async () => {
    const readAt = performance.now();
    const list = await db.select().from(editions).where(eq(editions.status, 'published')).orderBy(desc(editions.periodStart));
    // A publication said while this read was on its way may be missing from it: answer with it
    // (it is what the database said) but keep it for no one.
    const index = new PublishedEditions(list, generation === slot.generation ? readAt : -Infinity);
    if (generation === slot.generation) slot.index = index;
    return index;
  })();
  slot.loading = loading;
  const settled = () => {
    if (slot.loading === loading) slot.loading = undefined;
  };
  loading.then(settled, settled);
  return loading;
}

/** Says that the published editions changed through this database: the next request reads them again. */
export function forgetPublishedEditions(db: Db): void {
  const slot = slotOf(db);
  slot.generation++;
  slot.index = undefined;
  slot.loading = undefined;
}
