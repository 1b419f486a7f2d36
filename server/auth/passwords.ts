import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { DomainError } from '../../contracts/errors.ts';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../contracts/session.ts';

// Passwords are hashed with scrypt, node's memory-hard KDF: N = 2^15, r = 8 (32 MiB a hash,
// about 0.1 s here), a 16-byte random salt. The parameters travel with the hash, so they can be
// raised later without invalidating stored hashes.

const PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH };

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 128 * params.N * params.r * 2 };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Constant-time comparison; a malformed stored hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash no password matches, verified against when the e-mail is unknown (same time spent). */
export const DECOY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/** What is wrong with a new password, or null. */
export function passwordProblem(password: string, email?: string): DomainError | null {
  if (password.length < PASSWORD_MIN_LENGTH) return new DomainError('password.too_short', `A password needs at least ${PASSWORD_MIN_LENGTH} characters.`, { min: PASSWORD_MIN_LENGTH });
  if (password.length > PASSWORD_MAX_LENGTH) return new DomainError('password.too_long', `A password has at most ${PASSWORD_MAX_LENGTH} characters.`, { max: PASSWORD_MAX_LENGTH });
  const login = email?.toLowerCase().split('@')[0] ?? '';
  if (login.length >= 4 && password.toLowerCase().includes(login)) return new DomainError('password.contains_login', 'A password must not contain the login.');
  if (new Set(password).size < 5) return new DomainError('password.repetitive', 'The password is too repetitive.');
  return null;
}

/** A random password for a new account (printed once by the CLI). */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url');
}
