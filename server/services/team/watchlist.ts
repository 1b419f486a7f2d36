import { and, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { watchlist } from '../../../db/schema/index.ts';
import type { User } from '../../auth/accounts.ts';
import { assertProcedureAccess } from './access.ts';

/** Follows a procedure (its alerts, first in the list) or stops following it. */
export function setWatched(db: Db, user: User, procedureId: number, watched: boolean, now = new Date()): void {
  assertProcedureAccess(db, user, procedureId);
  if (watched) db.insert(watchlist).values({ userId: user.id, procedureId, createdAt: now }).onConflictDoNothing().run();
  else db.delete(watchlist).where(and(eq(watchlist.userId, user.id), eq(watchlist.procedureId, procedureId))).run();
}
