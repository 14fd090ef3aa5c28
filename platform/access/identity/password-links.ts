/**
 * One-time set-password links. A new account has no password: the person receives a link (24 hours, single use,
 * stored only as a SHA-256 hash) to choose one, then signs in with MFA as usual. An administrator's reset clears
 * the password, ends the person's sessions and mails a new link; issuing a link invalidates the earlier ones.
 * Following a link is public (the token is the credential).
 */
import type { Knex } from 'knex';
import { v7 as uuidv7 } from 'uuid';
import type { Formwork } from '../../context.js';
import { fail, FormworkError, isFormworkError } from '../../errors.js';
import type { Actor } from '../../records/types.js';
import { randomToken, sha256 } from '../crypto.js';
import { auditAccount } from './managed-account.js';
import { assertPasswordPolicy, hashPassword } from './passwords.js';
import { revokeUserSessions } from './sessions.js';

/** How long a set-password link stays valid. */
export const PASSWORD_LINK_HOURS = 24;

// 32 random bytes in base64url: anything else is not a link of ours, and is refused before any database read.
const LINK_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** Where the links an operation mails point. */
export interface LinkOptions {
  /** Where links point: PUBLIC_URL, else this server's own address. */
  baseUrl: string;
}

/** The base URL of mailed links for a configuration. */
export function linkBase(fw: Formwork): string {
  return (fw.config.publicUrl ?? `http://${fw.config.host}:${fw.config.port}`).replace(/\/+$/, '');
}

/** Create a link for the user (earlier open links stop working); returns the token, which is stored only hashed. */
export async function issueLink(
  fw: Formwork, actor: Actor, userId: string, trx: Knex.Transaction, now: Date,
): Promise<{ token: string; expiresAt: string }> {
  const at = now.toISOString();
  await trx('sys_password_reset').where({ user_id: userId }).whereNull('used_at').where('expires_at', '>', at).update({ expires_at: at });
  const token = randomToken(32);
  const expiresAt = new Date(now.getTime() + PASSWORD_LINK_HOURS * 3_600_000).toISOString();
  await trx('sys_password_reset').insert({
    id: uuidv7(), user_id: userId, token_hash: sha256(token), created_at: at, created_by: actor.id, expires_at: expiresAt, used_at: null,
  });
  return { token, expiresAt };
}

/** The page a link opens; the token travels in the fragment, so it never reaches a server log. */
export function passwordLinkUrl(base: string, token: string): string {
  return `${base}/reset-password#token=${token}`;
}

/**
 * Mail a welcome or reset link. Errors: mail_unavailable (the account change stands; `extra.userId` names the
 * account so the caller can offer a new link).
 */
export async function mailLink(fw: Formwork, to: string, username: string, url: string, kind: 'welcome' | 'reset', userId: string): Promise<void> {
  const subject = kind === 'welcome' ? 'Your new Formwork account: choose a password' : 'Reset your Formwork password';
  const intro = kind === 'welcome'
    ? `An administrator has created a Formwork account for you. Your username is ${username}.`
    : `An administrator has reset the password of your Formwork account (username ${username}).`;
  try {
    await fw.mailer.send({
      to, subject,
      text: `${intro}\n\nChoose your password here (the link works once, for ${PASSWORD_LINK_HOURS} hours):\n${url}\n\n`
        + 'Then sign in with your username, the new password and your second factor. If you did not expect this message, tell your administrator.\n',
    });
  } catch (e) {
    if (isFormworkError(e) && e.code === 'mail_unavailable') {
      throw new FormworkError('mail_unavailable', `${kind === 'welcome' ? 'The account was created, but' : 'The password was reset, but'} the link could not be mailed (${e.message}) Send a new link with "reset password" once mail works.`, {
        extra: { userId }, cause: e,
      });
    }
    throw e;
  }
}

/** The open link row of a well-formed, unused, unexpired token of an account that may still sign in; else null. */
async function openLink(knex: Knex | Knex.Transaction, token: unknown, now: string) {
  if (typeof token !== 'string' || !LINK_TOKEN.test(token)) return null;
  const row = await knex('sys_password_reset as r').join('sys_user as u', 'u.id', 'r.user_id')
    .where('r.token_hash', sha256(token)).whereNull('r.used_at').where('r.expires_at', '>', now)
    .whereIn('u.status', ['active', 'locked'])
    .first('r.id', 'r.expires_at', 'u.id as user_id', 'u.username');
  return row ?? null;
}

const invalidLink = (): never => fail('not_found', 'This link is not valid: it may have expired, been used already or been replaced by a newer one. Ask your administrator for a new one.');

/** What a set-password link is for (the username), while it is valid. Errors: not_found. */
export async function inspectPasswordLink(fw: Formwork, token: unknown): Promise<{ valid: true; username: string; expiresAt: string }> {
  const link = await openLink(fw.db.knex, token, fw.clock.now().toISOString());
  if (!link) invalidLink();
  return { valid: true, username: link.username, expiresAt: link.expires_at };
}

/**
 * Set the password with a link: checked against the policy, the link is used up (once, also when two requests
 * race), the forced change is cleared, every session of the person ends and their other open links stop working.
 * They then sign in with the new password and MFA as usual. Errors: not_found (link), validation_failed (password).
 */
export async function completePasswordLink(fw: Formwork, token: unknown, password: unknown): Promise<{ username: string }> {
  const now = fw.clock.now().toISOString();
  const link = await openLink(fw.db.knex, token, now);
  if (!link) invalidLink();
  assertPasswordPolicy(password, link.username, 'password');
  // Hashed before the transaction: scrypt takes a while, and SQLite's write lock should not wait for it.
  const hash = await hashPassword(password, fw.config.scryptLog2N);
  await fw.db.knex.transaction(async (trx) => {
    const used = await trx('sys_password_reset').where({ id: link.id }).whereNull('used_at').where('expires_at', '>', now).update({ used_at: now });
    if (used !== 1) invalidLink();
    await trx('sys_password_reset').where({ user_id: link.user_id }).whereNull('used_at').where('expires_at', '>', now).update({ expires_at: now });
    await trx('sys_user').where({ id: link.user_id }).update({ password_hash: hash, password_changed_at: now, must_change_password: false, updated_at: now });
    const ended = await revokeUserSessions(fw, link.user_id, 'password_reset', { trx });
    const self: Actor = { kind: 'user', id: link.user_id, username: link.username, roles: [], orgs: [] };
    await auditAccount(trx, self, link.user_id, 'update', {
      password: [null, '(set with a one-time link)'], ...(ended ? { sessions_revoked: [null, ended] } : {}),
    }, now);
  });
  return { username: link.username };
}
