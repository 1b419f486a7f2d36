import { Type, type Static } from 'typebox';
import { DateTime, Nullable, Obj, OneOf } from './common.ts';

// Accounts and the session: who is logged in, and the token a state-changing request sends back.

export const CSRF_HEADER = 'x-csrf-token';

export const Scope = Obj({
  ministries: Type.Array(Type.String(), { description: 'Ministry slugs.' }),
  administrations: Type.Array(Type.String(), { description: 'Administration slugs.' }),
});
export type Scope = Static<typeof Scope>;

export const ROLES = ['operator', 'team'] as const;
export type Role = (typeof ROLES)[number];

const UserProperties = {
  id: Type.Integer(),
  email: Type.String(),
  name: Type.String(),
  role: OneOf(ROLES),
  scope: Scope,
  lockedUntil: Nullable(DateTime()),
  disabled: Type.Boolean(),
  lastLoginAt: Nullable(DateTime()),
  createdAt: DateTime(),
};
export const User = Obj(UserProperties);
export type User = Static<typeof User>;

export const SessionAnswer = Obj({
  user: Nullable(User),
  csrfToken: Type.String({ description: `Send it back in the \`${CSRF_HEADER}\` header of every state-changing request.` }),
});
export type SessionAnswer = Static<typeof SessionAnswer>;

/** A generated password is shown once, in the answer that made it. */
const Password = Type.Optional(Type.String({ description: 'The generated password, shown this once.' }));

export const CreatedUser = Obj({ user: User, password: Password });
export type CreatedUser = Static<typeof CreatedUser>;

export const UpdatedUser = Obj({ ...UserProperties, password: Password });
export type UpdatedUser = Static<typeof UpdatedUser>;

export const UserList = Obj({ items: Type.Array(User) });
