import { and, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { watchlist } from '../../../db/schema/index.ts';
import type { User } from '../../auth/accounts.ts';
import { assertProcedureAccess } from './access.ts';

/** Follows a procedure (its alerts, first in the list) or stops following it. */
export async function setWatched(db: Db, user: User, procedureId: number, watched: boolean, now = new Date()): Promise<void> {
  await assertProcedureAccess(db, user, procedureId);
  if (watched) await db.insert(watchlist).values({ userId: user.id, procedureId, createdAt: now }).onConflictDoNothing();
  else await db.delete(watchlist).where(and(eq(watchlist.userId, user.id), eq(watchlist.procedureId, procedureId)));
}
