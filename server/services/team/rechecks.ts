import { and, desc, eq, inArray } from 'drizzle-orm';
import { first, transaction, type Db } from '../../../db/client.ts';
import { rechecks } from '../../../db/schema/index.ts';
import type { User } from '../../auth/accounts.ts';
import { DomainError } from '../../../contracts/errors.ts';
import { assertProcedureAccess } from './access.ts';

// A team's "measure it again now": one queue, its limits, its history.

/** One re-check of a procedure per 10 minutes, and 20 re-checks an hour per account. */
export const RECHECK_INTERVAL_MS = 10 * 60_000;
export const RECHECKS_PER_HOUR = 20;

export type Recheck = typeof rechecks.$inferSelect;

export function recheckView(r: Recheck) {
  return {
    id: r.id,
    procedureId: r.procedureId,
    status: r.status,
    requestedAt: r.requestedAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    results: r.results ?? null,
    error: r.error,
  };
}

/** A refused re-check: when the next one is possible, in seconds (`retry-after`). */
export class RateLimited extends DomainError {
  constructor(
    code: 'recheck.too_soon' | 'recheck.hourly_limit',
    message: string,
    readonly retryAfterSeconds: number,
    params: Record<string, number> = {},
  ) {
    super(code, message, { ...params, retryAfterSeconds });
  }
}

/**
 * Queues a re-check. A procedure already queued or running answers that one (no duplicate);
 * a procedure re-checked less than 10 minutes ago, or an account past 20 an hour, waits.
 */
export async function requestRecheck(db: Db, user: User, procedureId: number, now = new Date()): Promise<{ recheck: Recheck; created: boolean }> {
  await assertProcedureAccess(db, user, procedureId);
  return transaction(db, async (tx) => {
    const pending = await first(tx.select().from(rechecks).where(and(eq(rechecks.procedureId, procedureId), inArray(rechecks.status, ['queued', 'running']))));
    if (pending) return { recheck: pending, created: false };
    const last = await first(tx.select().from(rechecks).where(eq(rechecks.procedureId, procedureId)).orderBy(desc(rechecks.requestedAt)));
    const since = last ? now.getTime() - last.requestedAt.getTime() : Infinity;
    if (since < RECHECK_INTERVAL_MS) {
      const wait = Math.ceil((RECHECK_INTERVAL_MS - since) / 1000);
      throw new RateLimited('recheck.too_soon', `This procedure was re-checked less than ${RECHECK_INTERVAL_MS / 60_000} minutes ago: ask again in ${wait} s.`, wait, { minutes: RECHECK_INTERVAL_MS / 60_000 });
    }
    const hourAgo = new Date(now.getTime() - 3600_000);
    const mine = await tx.select({ at: rechecks.requestedAt }).from(rechecks).where(eq(rechecks.requestedBy, user.id)).orderBy(desc(rechecks.requestedAt)).limit(RECHECKS_PER_HOUR);
    if (mine.length >= RECHECKS_PER_HOUR && mine[RECHECKS_PER_HOUR - 1]!.at > hourAgo) {
      const wait = Math.ceil((mine[RECHECKS_PER_HOUR - 1]!.at.getTime() + 3600_000 - now.getTime()) / 1000);
      throw new RateLimited('recheck.hourly_limit', `You asked for ${RECHECKS_PER_HOUR} re-checks within an hour: ask again in ${wait} s.`, wait, { limit: RECHECKS_PER_HOUR });
    }
    const recheck = (await first(tx.insert(rechecks).values({ procedureId, requestedBy: user.id, status: 'queued', requestedAt: now }).returning()))!;
    return { recheck, created: true };
  });
}

/** When the procedure can be re-checked again (its last request plus the interval), or null if it can now. */
export async function nextRecheckAt(db: Db, procedureId: number, now = new Date()): Promise<Date | null> {
  const last = await first(db.select({ at: rechecks.requestedAt }).from(rechecks).where(eq(rechecks.procedureId, procedureId)).orderBy(desc(rechecks.requestedAt)));
  const next = last ? new Date(last.at.getTime() + RECHECK_INTERVAL_MS) : null;
  return next && next > now ? next : null;
}

export async function procedureRechecks(db: Db, procedureId: number, limit = 10): Promise<Recheck[]> {
  return db.select().from(rechecks).where(eq(rechecks.procedureId, procedureId)).orderBy(desc(rechecks.requestedAt), desc(rechecks.id)).limit(limit);
}

export async function findRecheck(db: Db, id: number): Promise<Recheck | undefined> {
  return first(db.select().from(rechecks).where(eq(rechecks.id, id)));
}
