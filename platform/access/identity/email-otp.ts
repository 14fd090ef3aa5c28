/**
 * One-time sign-in codes by email: the MFA fallback for organisations that allow it. Six random digits, stored
 * only as a hash, valid 10 minutes, single use, a limited number of attempts; issuing a code supersedes every
 * earlier one, so only the latest is ever valid.
 */
import { randomInt } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { Formwork } from '../../context.js';
import { fail } from '../../errors.js';
import { safeEqual, sha256 } from '../crypto.js';
import { assertRateLimit } from './rate-limit.js';

export const EMAIL_CODE_MINUTES = 10;
export const EMAIL_CODE_MAX_ATTEMPTS = 5;
/** Codes a user may ask for per window, so the fallback cannot be used to flood a mailbox. */
const ISSUE_LIMIT = 5;
const ISSUE_WINDOW_SECONDS = 600;

// The code id salts the hash, so equal codes of different users or times never share a digest.
const digest = (id: string, code: string) => sha256(`${id}:${code}`);

/**
 * Create a code for the user, supersede earlier ones, and mail it. Errors: validation_failed (no email address),
 * rate_limited, mail_unavailable.
 */
export async function issueEmailCode(
  fw: Formwork, user: { id: string; email: string | null; username: string },
): Promise<{ expiresAt: string }> {
  if (!user.email) fail('validation_failed', 'There is no email address on your account to send a code to; use your authenticator app or ask an administrator.');
  await assertRateLimit(fw, `mfa_email:${user.id}`, ISSUE_LIMIT, ISSUE_WINDOW_SECONDS, 'sign-in codes requested');
  const now = fw.clock.now();
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const id = uuidv7();
  const expiresAt = new Date(now.getTime() + EMAIL_CODE_MINUTES * 60_000).toISOString();
  await fw.db.knex.transaction(async (trx) => {
    await trx('sys_email_otp').where({ user_id: user.id }).whereNull('used_at').whereNull('superseded_at')
      .update({ superseded_at: now.toISOString() });
    await trx('sys_email_otp').insert({
      id, user_id: user.id, code_hash: digest(id, code), created_at: now.toISOString(), expires_at: expiresAt, attempts: 0,
    });
  });
  await fw.mailer.send({
    to: user.email,
    subject: 'Your sign-in code',
    text: `Your Formwork sign-in code is ${code}.\n\nIt is valid for ${EMAIL_CODE_MINUTES} minutes and can be used once. `
      + 'If you did not try to sign in, ignore this message and tell your administrator.\n',
  });
  return { expiresAt };
}

/**
 * Check an emailed code: only the latest unused, unexpired code with attempts left matches, once. A wrong code
 * uses up an attempt. Returns whether the code was accepted.
 */
export async function verifyEmailCode(fw: Formwork, userId: string, code: unknown): Promise<boolean> {
  if (typeof code !== 'string' || !/^\d{6}$/.test(code)) return false;
  const now = fw.clock.now().toISOString();
  const latest = await fw.db.knex('sys_email_otp').where({ user_id: userId }).whereNull('used_at').whereNull('superseded_at')
    .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).first();
  if (!latest || latest.expires_at <= now || Number(latest.attempts) >= EMAIL_CODE_MAX_ATTEMPTS) return false;
  if (!safeEqual(digest(latest.id as string, code), latest.code_hash as string)) {
    await fw.db.knex('sys_email_otp').where({ id: latest.id }).increment('attempts', 1);
    return false;
  }
  // Conditional: of two requests racing with the right code, one marks it used and the other changes nothing.
  const used = await fw.db.knex('sys_email_otp')
    .where({ id: latest.id }).whereNull('used_at').whereNull('superseded_at').where('attempts', '<', EMAIL_CODE_MAX_ATTEMPTS)
    .update({ used_at: now });
  return used === 1;
}
