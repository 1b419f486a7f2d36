import { Type, type Static } from 'typebox';
import { DateTime, Nullable, Obj, OneOf } from './common.ts';

// Accounts and the session: who is logged in, and the token a state-changing request sends back.

export const CSRF_HEADER = 'x-csrf-token';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
/** The longest e-mail address a mailbox can have (RFC 5321). */
const EMAIL_MAX_LENGTH = 254;

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

// Bodies.

export const LoginInput = Obj({ email: Type.String({ minLength: 3, maxLength: EMAIL_MAX_LENGTH }), password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH }) });
export type LoginInput = Static<typeof LoginInput>;

export const PasswordChange = Obj({ current: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH }), next: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH }) });
export type PasswordChange = Static<typeof PasswordChange>;

const PartialScope = Type.Partial(Scope, { additionalProperties: false });
const NewPassword = Type.Optional(Type.String({ maxLength: PASSWORD_MAX_LENGTH }));
const UserName = Type.String({ minLength: 1, maxLength: 200 });

/** An account an operator creates; without a password, one is generated and returned once. */
export const UserInput = Obj({ email: Type.String({ minLength: 3, maxLength: EMAIL_MAX_LENGTH }), name: UserName, role: OneOf(ROLES), scope: Type.Optional(PartialScope), password: NewPassword });
export type UserInput = Static<typeof UserInput>;

/** An operator's changes to an account. */
export const UserUpdate = Obj({
  name: Type.Optional(UserName),
  scope: Type.Optional(PartialScope),
  disabled: Type.Optional(Type.Boolean()),
  unlock: Type.Optional(Type.Boolean()),
  password: NewPassword,
  resetPassword: Type.Optional(Type.Boolean({ description: 'Generate a new password, returned once in `password`.' })),
});
export type UserUpdate = Static<typeof UserUpdate>;
