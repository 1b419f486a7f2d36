import { createHash, randomBytes } from 'node:crypto';
import { and, asc, eq, inArray, isNull, lt, lte, ne, or, sql } from 'drizzle-orm';
import { first, transaction, type Db } from '../../db/client.ts';
import { administrations, ministries, procedures, sessions, users, type Role, type Scope } from '../../db/schema/index.ts';
import { DECOY_HASH, hashPassword, passwordProblem, verifyPassword } from './passwords.ts';
import { DomainError } from '../../contracts/errors.ts';

export const MAX_FAILED_LOGINS = 10;
export const LOCK_MS = 15 * 60_000;
/** A session ends after 2 hours without a request, and 12 hours after login whatever happens. */
export const SESSION_IDLE_MS = 2 * 3600_000;
export const SESSION_MAX_MS = 12 * 3600_000;


export type User = typeof users.$inferSelect;

/** What the API and the dashboard see of an account: never its hash. */
export interface PublicUser {
  id: number;
  email: string;
  name: string;
  role: Role;
  scope: Scope;
  lockedUntil: string | null;
  disabled: boolean;
  lastLoginAt: string | null;
  createdAt: string;
}

export function publicUser(u: User): PublicUser {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    scope: u.scope,
    lockedUntil: u.lockedUntil ? u.lockedUntil.toISOString() : null,
    disabled: u.disabledAt !== null,
    lastLoginAt: u.lastLoginAt ? u.lastLoginAt.toISOString() : null,
    createdAt: u.createdAt.toISOString(),
  };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  scope?: Partial<Scope>;
  password: string;
}

/** Checks that every scope slug names a ministry or administration; a team member needs one. */
export async function checkScope(db: Db, role: Role, scope: Partial<Scope> = {}): Promise<Scope> {
  const result: Scope = { ministries: [...new Set(scope.ministries ?? [])], administrations: [...new Set(scope.administrations ?? [])] };
  const known = async (table: typeof ministries | typeof administrations, slugs: string[]) =>
    new Set(slugs.length ? (await db.select({ slug: table.slug }).from(table).where(inArray(table.slug, slugs))).map((r) => r.slug) : []);
  const ministriesFound = await known(ministries, result.ministries);
  const administrationsFound = await known(administrations, result.administrations);
  const unknownMinistries = result.ministries.filter((s) => !ministriesFound.has(s));
  const unknownAdministrations = result.administrations.filter((s) => !administrationsFound.has(s));
  if (unknownMinistries.length + unknownAdministrations.length) {
    const names = [...unknownMinistries.map((s) => `ministry "${s}"`), ...unknownAdministrations.map((s) => `administration "${s}"`)];
    throw new DomainError('account.unknown_groups', `Unknown: ${names.join(', ')}.`, { ministries: unknownMinistries.join(', '), administrations: unknownAdministrations.join(', ') });
  }
  if (role === 'team' && result.ministries.length + result.administrations.length === 0) throw new DomainError('account.team_without_scope', 'A team member belongs to at least one ministry or administration.');
  if (role === 'operator') return { ministries: [], administrations: [] };
  return result;
}

export async function createUser(db: Db, input: NewUser, now = new Date()): Promise<User> {
  const email = input.email.trim().toLowerCase();
  if (!EMAIL.test(email)) throw new DomainError('account.invalid_email', `Not an e-mail address: "${input.email}".`, { email: input.email });
  const name = input.name.trim();
  if (!name) throw new DomainError('account.name_required', 'A name is required.');
  const problem = passwordProblem(input.password, email);
  if (problem) throw problem;
  const scope = await checkScope(db, input.role, input.scope);
  if (await first(db.select({ id: users.id }).from(users).where(eq(users.email, email)))) throw new DomainError('account.exists', `An account exists for ${email} already.`, { email });
  const passwordHash = await hashPassword(input.password);
  return (await first(db.insert(users).values({ email, name, role: input.role, scope, passwordHash, createdAt: now, passwordChangedAt: now }).returning()))!;
}

export type LoginOutcome = { ok: true; user: User } | { ok: false; reason: 'invalid' | 'locked' | 'disabled'; lockedUntil?: Date };

/**
 * Checks a password. Ten wrong ones in a row lock the account for 15 minutes; during the lock
 * even the right password is refused. An unknown e-mail costs the same time as a known one.
 */
export async function authenticate(db: Db, email: string, password: string, now = new Date()): Promise<LoginOutcome> {
  const user = await first(db.select().from(users).where(eq(users.email, email.trim().toLowerCase())));
  if (!user) {
    await verifyPassword(password, DECOY_HASH);
    return { ok: false, reason: 'invalid' };
  }
  // The attempt is counted before the password is hashed, in one statement: guesses sent in
  // parallel each take a numbered place, and the ones past the tenth are refused unheard.
  const place = await first(
    db
      .update(users)
      .set({ failedLogins: sql`${users.failedLogins} + 1` })
      .where(and(eq(users.id, user.id), or(isNull(users.lockedUntil), lte(users.lockedUntil, now))))
      .returning({ failedLogins: users.failedLogins }),
  );
  if (!place || place.failedLogins > MAX_FAILED_LOGINS) {
    // Locked (or about to be by the guesses ahead): same work, same answer time as a real check.
    await verifyPassword(password, DECOY_HASH);
    const lockedUntil = await lock(db, user.id, now);
    return { ok: false, reason: 'locked', lockedUntil };
  }
  const matches = await verifyPassword(password, user.passwordHash);
  if (!matches) {
    if (place.failedLogins >= MAX_FAILED_LOGINS) return { ok: false, reason: 'locked', lockedUntil: await lock(db, user.id, now) };
    return { ok: false, reason: 'invalid' };
  }
  if (user.disabledAt) return { ok: false, reason: 'disabled' };
  await db.update(users).set({ failedLogins: 0, lockedUntil: null, lastLoginAt: now }).where(eq(users.id, user.id));
  return { ok: true, user };
}

/** Locks the account from now (keeping a lock already running), and restarts the count for after it. */
async function lock(db: Db, userId: number, now: Date): Promise<Date> {
  const until = new Date(now.getTime() + LOCK_MS);
  const later =
    db.engine === 'postgres'
      ? sql`greatest(coalesce(${users.lockedUntil}, to_timestamp(0)), ${until.toISOString()}::timestamptz)`
      : sql`max(coalesce(${users.lockedUntil}, 0), ${until.getTime()})`;
  const row = await first(
    db
      .update(users)
      .set({ failedLogins: 0, lockedUntil: later })
      .where(eq(users.id, userId))
      .returning({ lockedUntil: users.lockedUntil }),
  );
  return row?.lockedUntil ?? until;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createSession(db: Db, userId: number, now = new Date()): Promise<{ token: string; csrfToken: string }> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  // Expired sessions go when someone logs in: the table stays small without a job.
  await db.delete(sessions).where(or(lt(sessions.lastSeenAt, new Date(now.getTime() - SESSION_IDLE_MS)), lt(sessions.createdAt, new Date(now.getTime() - SESSION_MAX_MS))));
  await db.insert(sessions).values({ tokenHash: hashToken(token), userId, csrfToken, createdAt: now, lastSeenAt: now });
  return { token, csrfToken };
}

/** The session's user, if the session is alive and the account usable; touches the session. */
export async function findSession(db: Db, token: string, now = new Date()): Promise<{ user: User; csrfToken: string; tokenHash: string } | null> {
  const tokenHash = hashToken(token);
  const row = await first(db.select().from(sessions).innerJoin(users, eq(users.id, sessions.userId)).where(eq(sessions.tokenHash, tokenHash)));
  if (!row) return null;
  const expired = now.getTime() - row.sessions.lastSeenAt.getTime() > SESSION_IDLE_MS || now.getTime() - row.sessions.createdAt.getTime() > SESSION_MAX_MS;
  if (expired || row.users.disabledAt) {
    await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
    return null;
  }
  // Written at most once a minute: reading pages does not turn into a write per request.
  if (now.getTime() - row.sessions.lastSeenAt.getTime() > 60_000) await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.tokenHash, tokenHash));
  return { user: row.users, csrfToken: row.sessions.csrfToken, tokenHash };
}

export async function endSession(db: Db, tokenHash: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
}

/** Changes a password after checking the current one; every other session of the account ends. */
export async function changePassword(db: Db, user: User, current: string, next: string, keepSession: string, now = new Date()): Promise<void> {
  if (!(await verifyPassword(current, user.passwordHash))) throw new DomainError('password.current_wrong', 'The current password is wrong.');
  const problem = passwordProblem(next, user.email);
  if (problem) throw problem;
  if (current === next) throw new DomainError('password.unchanged', 'The new password is the current one.');
  const passwordHash = await hashPassword(next);
  await transaction(db, async (tx) => {
    await tx.update(users).set({ passwordHash, passwordChangedAt: now }).where(eq(users.id, user.id));
    await tx.delete(sessions).where(and(eq(sessions.userId, user.id), ne(sessions.tokenHash, keepSession)));
  });
}

export interface UserChanges {
  name?: string;
  scope?: Partial<Scope>;
  disabled?: boolean;
  unlock?: boolean;
  password?: string;
}

/** An operator's changes to an account; disabling or resetting a password ends its sessions. */
export async function updateUser(db: Db, id: number, changes: UserChanges, now = new Date()): Promise<User> {
  const user = await first(db.select().from(users).where(eq(users.id, id)));
  if (!user) throw new DomainError('account.not_found', `No account ${id}.`, { id });
  const set: Partial<User> = {};
  if (changes.name !== undefined) {
    if (!changes.name.trim()) throw new DomainError('account.name_required', 'A name is required.');
    set.name = changes.name.trim();
  }
  if (changes.scope) set.scope = await checkScope(db, user.role, changes.scope);
  if (changes.disabled !== undefined) set.disabledAt = changes.disabled ? (user.disabledAt ?? now) : null;
  if (changes.unlock) Object.assign(set, { lockedUntil: null, failedLogins: 0 });
  if (changes.password !== undefined) {
    const problem = passwordProblem(changes.password, user.email);
    if (problem) throw problem;
    Object.assign(set, { passwordHash: await hashPassword(changes.password), passwordChangedAt: now, lockedUntil: null, failedLogins: 0 });
  }
  return transaction(db, async (tx) => {
    const updated = Object.keys(set).length ? (await first(tx.update(users).set(set).where(eq(users.id, id)).returning()))! : user;
    if (changes.disabled || changes.password !== undefined) await tx.delete(sessions).where(eq(sessions.userId, id));
    return updated;
  });
}

export async function listUsers(db: Db): Promise<User[]> {
  return db.select().from(users).orderBy(asc(users.role), asc(users.email));
}

/** The procedures (ids) a user answers for: all of them for an operator. */
export async function procedureIdsInScope(db: Db, user: User): Promise<number[]> {
  const query = db
    .select({ id: procedures.id })
    .from(procedures)
    .innerJoin(administrations, eq(administrations.id, procedures.administrationId))
    .innerJoin(ministries, eq(ministries.id, administrations.ministryId));
  if (user.role === 'operator') return (await query).map((r) => r.id);
  const { ministries: m, administrations: a } = user.scope;
  const conditions = [m.length ? inArray(ministries.slug, m) : undefined, a.length ? inArray(administrations.slug, a) : undefined].filter((c) => c !== undefined);
  if (conditions.length === 0) return [];
  return (await query.where(or(...conditions))).map((r) => r.id);
}

export async function canAccessProcedure(db: Db, user: User, procedureId: number): Promise<boolean> {
  if (user.role === 'operator') return true;
  const row = await first(
    db
      .select({ ministry: ministries.slug, administration: administrations.slug })
      .from(procedures)
      .innerJoin(administrations, eq(administrations.id, procedures.administrationId))
      .innerJoin(ministries, eq(ministries.id, administrations.ministryId))
      .where(eq(procedures.id, procedureId)),
  );
  return !!row && (user.scope.ministries.includes(row.ministry) || user.scope.administrations.includes(row.administration));
}
