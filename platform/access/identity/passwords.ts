/**
 * Password hashing with scrypt from node:crypto (OWASP ASVS: N = 2^17, r = 8, p = 1, 16-byte salt, 32-byte key),
 * stored as `scrypt$ln=17,r=8,p=1$<salt>$<hash>` (base64, unpadded) so the parameters travel with the hash and a
 * sign-in can rehash when they change. Also the password policy and generated temporary passwords.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { fail, type FieldError } from '../../errors.js';
import { randomToken } from '../crypto.js';

const R = 8;
const P = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
const ENCODED = /^scrypt\$ln=(\d{1,2}),r=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

function derive(password: string, salt: Buffer, ln: number, r: number, p: number, length: number): Promise<Buffer> {
  const N = 2 ** ln;
  // node's default maxmem (32 MiB) is below what N = 2^17, r = 8 needs (128 · N · r bytes).
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, length, options, (e, key) => (e ? reject(e) : resolve(key)));
  });
}

const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');

/** Hash a password with N = 2^`log2N`. */
export async function hashPassword(password: string, log2N: number): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, log2N, R, P, KEY_BYTES);
  return `scrypt$ln=${log2N},r=${R},p=${P}$${b64(salt)}$${b64(key)}`;
}

/** Whether `password` matches `encoded` (constant-time comparison); false for a malformed hash. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const m = ENCODED.exec(encoded);
  if (!m) return false;
  // ENCODED has five capturing groups, all required: every one is a string when it matches.
  const [ln, r, p, salt, hash] = m.slice(1) as [string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64');
  if (expected.length < 16 || Number(ln) > 24) return false;
  const key = await derive(password, Buffer.from(salt, 'base64'), Number(ln), Number(r), Number(p), expected.length);
  return timingSafeEqual(key, expected);
}

/** Whether a stored hash was made with other parameters than today's (then a successful sign-in rehashes). */
export function needsRehash(encoded: string, log2N: number): boolean {
  const m = ENCODED.exec(encoded);
  return !m || Number(m[1]) !== log2N || Number(m[2]) !== R || Number(m[3]) !== P;
}

const dummies = new Map<number, Promise<string>>();

/**
 * A hash of a random password with today's parameters, made once: verifying against it when the username is
 * unknown costs the same as verifying a real user's password, so the answer's timing does not tell them apart.
 */
export function dummyHash(log2N: number): Promise<string> {
  let h = dummies.get(log2N);
  if (!h) {
    h = hashPassword(randomToken(16), log2N);
    dummies.set(log2N, h);
  }
  return h;
}

/** The problems of a new password (empty when it is acceptable): length 12–128, not the username. */
export function passwordProblems(password: unknown, username: string, field = 'new'): FieldError[] {
  if (typeof password !== 'string') return [{ field, code: 'required', message: 'Enter a new password.' }];
  const length = [...password].length;
  if (length < PASSWORD_MIN) return [{ field, code: 'too_short', message: `The password must be at least ${PASSWORD_MIN} characters; it has ${length}.` }];
  if (length > PASSWORD_MAX) return [{ field, code: 'too_long', message: `The password must be at most ${PASSWORD_MAX} characters; it has ${length}.` }];
  if (password.trim().toLowerCase() === username.trim().toLowerCase()) {
    return [{ field, code: 'same_as_username', message: 'The password must not be the username.' }];
  }
  return [];
}

/** Throws `validation_failed` naming the problem unless the password meets the policy. */
export function assertPasswordPolicy(password: unknown, username: string, field = 'new'): asserts password is string {
  const problems = passwordProblems(password, username, field);
  if (problems.length) fail('validation_failed', problems[0]!.message, { fieldErrors: problems });
}

/** A random temporary password (24 characters, 144 bits), shown once; it reaches only the change step. */
export function temporaryPassword(): string {
  return randomToken(18);
}
