import type { Db } from '../../../db/client.ts';
import { AccountError, canAccessProcedure, type User } from '../../auth/accounts.ts';
import { getProcedure } from '../catalogue.ts';

/** 404 when the procedure does not exist, 403 when it is not the user's. */
export function assertProcedureAccess(db: Db, user: User, procedureId: number): void {
  if (!getProcedure(db, procedureId)) throw new AccountError(`Aucune démarche n° ${procedureId}.`, 404);
  if (!canAccessProcedure(db, user, procedureId)) throw new AccountError(`La démarche n° ${procedureId} ne relève pas de votre périmètre.`, 403);
}
