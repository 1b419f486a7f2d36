import type { Db } from '../../../db/client.ts';
import { canAccessProcedure, type User } from '../../auth/accounts.ts';
import { DomainError } from '../../../contracts/errors.ts';
import { getProcedure } from '../catalogue.ts';

/** 404 when the procedure does not exist, 403 when it is not the user's. */
export async function assertProcedureAccess(db: Db, user: User, procedureId: number): Promise<void> {
  if (!(await getProcedure(db, procedureId))) throw new DomainError('procedure.not_found', `No procedure ${procedureId}.`, { id: procedureId });
  if (!(await canAccessProcedure(db, user, procedureId))) throw new DomainError('procedure.out_of_scope', `Procedure ${procedureId} is outside your scope.`, { id: procedureId });
}
