/**
 * The sign-in flow: password → MFA (TOTP, or a code by email where the organisation allows it) → forced password
 * change → first-sign-in profile → active. Each step is a function over the session it advances.
 *
 * Unknown user, wrong password, disabled, deleted and locked accounts all get `invalid_credentials` after the
 * same work: an unknown user's attempt is verified against a dummy hash of today's parameters.
 */
import type { Formwork } from '../../context.js';
import { fail, FormworkError } from '../../errors.js';
import { sha256 } from '../crypto.js';
import { activityColumns, cancelMootMail } from './activity.js';
import { issueEmailCode, verifyEmailCode } from './email-otp.js';
import { dummyHash, needsRehash, hashPassword, verifyPassword, assertPasswordPolicy, PASSWORD_MAX } from './passwords.js';
import { assertRateLimit } from './rate-limit.js';
import {
  createSession, firstStage, revokeUserSessions, rotateSession, setSessionStage, stageAfterMfa,
  type NewSession, type SessionRow,
} from './sessions.js';
import { verifyTotp } from './totp.js';
import { fetchOrg, fetchUser, fetchUserByUsername, isUsable, type UserRow } from './users.js';

const RATE_WINDOW_SECONDS = 60;

/** The one answer to every failed password step. */
function invalidCredentials(): never {
  fail('invalid_credentials', 'The username or password is not correct, or the account cannot sign in.');
}

/**
 * Count a failed password or MFA attempt; at config.lockoutThreshold consecutive failures the account locks
 * (locked_at) and its sessions still waiting for MFA end. Returns whether the account is now locked.
 */
export async function registerFailure(fw: Formwork, userId: string): Promise<boolean> {
  const now = fw.clock.now().toISOString();
  await fw.db.knex('sys_user').where({ id: userId }).increment('failed_attempts', 1);
  const locked = await fw.db.knex('sys_user').where({ id: userId }).whereNull('locked_at')
    .where('failed_attempts', '>=', fw.config.lockoutThreshold).update({ locked_at: now, updated_at: now });
  if (locked) await revokeUserSessions(fw, userId, 'locked', { stages: ['mfa', 'mfa_enrol'] });
  return locked === 1;
}

export interface SignInInput {
  username: unknown;
  password: unknown;
  ip?: string | null;
  userAgent?: string | null;
}

/**
 * The password step. Rate-limited per IP and per username (config.signInRateLimit a minute each, counted in the
 * database so every instance shares the budget). On success opens a session at the MFA stage.
 * Errors: invalid_payload, rate_limited (extra.retryAfter), invalid_credentials.
 */
export async function signIn(fw: Formwork, input: SignInInput): Promise<NewSession & { user: UserRow }> {
  if (typeof input.username !== 'string' || typeof input.password !== 'string' || !input.username || input.username.length > 200) {
    fail('invalid_payload', 'Send {"username": "…", "password": "…"}.');
  }
  const limit = fw.config.signInRateLimit;
  await assertRateLimit(fw, `sign_in:ip:${input.ip ?? 'unknown'}`, limit, RATE_WINDOW_SECONDS, 'sign-in attempts from this address');
  // Hashed: the key column is bounded, and the username may be anything a client sent.
  await assertRateLimit(fw, `sign_in:user:${sha256(input.username.toLowerCase())}`, limit, RATE_WINDOW_SECONDS, 'sign-in attempts for this username');

  const user = await fetchUserByUsername(fw, input.username);
  // Same work on every path: a real or a dummy hash is always verified, and an overlong password still costs
  // one verification (of a truncated copy) rather than answering early.
  const hash = user?.password_hash ?? await dummyHash(fw.config.scryptLog2N);
  const matches = await verifyPassword(input.password.slice(0, PASSWORD_MAX * 4), hash);
  const ok = matches && user !== null && user.password_hash !== null && input.password.length <= PASSWORD_MAX * 4;
  if (!ok || !user || !isUsable(user)) {
    // Every refusal takes the same path, also for an unknown username (whose update matches no row).
    await registerFailure(fw, user?.id ?? '');
    invalidCredentials();
  }

  if (needsRehash(user.password_hash!, fw.config.scryptLog2N)) {
    await fw.db.knex('sys_user').where({ id: user.id })
      .update({ password_hash: await hashPassword(input.password, fw.config.scryptLog2N) });
  }
  const org = user.org_id ? await fetchOrg(fw, user.org_id) : null;
  const created = await createSession(fw, { userId: user.id, stage: firstStage(user, org), ip: input.ip, userAgent: input.userAgent });
  return { ...created, user };
}

/** Which MFA methods a user may use now. */
export async function mfaMethods(fw: Formwork, user: UserRow): Promise<{ totp: boolean; totpEnrolled: boolean; email: boolean }> {
  const org = user.org_id ? await fetchOrg(fw, user.org_id) : null;
  return { totp: user.totp_secret !== null, totpEnrolled: user.totp_enrolled_at !== null, email: org?.mfa_email_fallback === true };
}

/**
 * The MFA step: check a TOTP or emailed code for the session's user. On success the session gets a new id, is
 * authenticated (absolute expiry starts now), moves to the next stage, the failure count resets, the sign-in
 * time is recorded and — with config.singleSession — the user's other sessions end ('superseded').
 * Errors: mfa_failed (wrong, stale, replayed or raced code; counts towards lockout), forbidden (email fallback
 * not allowed).
 */
export async function completeMfa(fw: Formwork, session: SessionRow, method: 'totp' | 'email', code: unknown): Promise<NewSession & { user: UserRow }> {
  let user = await fetchUser(fw, session.user_id);
  if (!user || !isUsable(user)) fail('mfa_failed', 'The code is not valid.');
  if (method === 'email' && !(await mfaMethods(fw, user)).email) {
    fail('forbidden', 'Your organisation does not allow sign-in codes by email.');
  }
  const accepted = method === 'totp' ? await verifyTotp(fw, user.id, code) : await verifyEmailCode(fw, user.id, code);
  if (!accepted) {
    const locked = await registerFailure(fw, user.id);
    fail('mfa_failed', locked ? 'The code is not valid, and too many attempts have failed: the account is locked.' : 'The code is not valid or was already used.');
  }
  const now = fw.clock.now();
  user = (await fetchUser(fw, user.id))!;
  const stage = stageAfterMfa(user);
  return fw.db.knex.transaction(async (trx) => {
    const rotated = await rotateSession(fw, session, {
      stage, authenticated_at: now.toISOString(), last_seen_at: now.toISOString(),
      expires_at: new Date(now.getTime() + fw.config.sessionAbsoluteMinutes * 60_000).toISOString(),
    }, trx);
    if (!rotated) fail('mfa_failed', 'This sign-in has already moved on; start again.');
    await trx('sys_user').where({ id: user.id }).update({ failed_attempts: 0, last_sign_in_at: now.toISOString(), ...activityColumns(fw, now.toISOString()) });
    await cancelMootMail(trx, user.id);
    if (fw.config.singleSession) await revokeUserSessions(fw, user.id, 'superseded', { exceptId: rotated.session.id, trx });
    return { ...rotated, user: { ...user, failed_attempts: 0, last_sign_in_at: now.toISOString() } };
  });
}

/** Send an emailed code to the session's user. Errors: forbidden (not allowed), validation_failed, rate_limited, mail_unavailable. */
export async function sendEmailCode(fw: Formwork, session: SessionRow): Promise<{ expiresAt: string }> {
  const user = await fetchUser(fw, session.user_id);
  if (!user) fail('unauthenticated', 'Sign in again.');
  if (!(await mfaMethods(fw, user)).email) fail('forbidden', 'Your organisation does not allow sign-in codes by email.');
  return issueEmailCode(fw, user);
}

/**
 * Change the password: the current one must match, the new one meet the policy and differ. Clears a forced
 * change, ends the user's other sessions, and moves a session at 'change_password' on.
 * Errors: validation_failed (fieldErrors on `current` / `new`).
 */
export async function changePassword(
  fw: Formwork, session: SessionRow, current: unknown, next: unknown,
): Promise<{ session: SessionRow; user: UserRow }> {
  const user = await fetchUser(fw, session.user_id);
  if (!user) fail('unauthenticated', 'Sign in again.');
  if (typeof current !== 'string' || !user.password_hash || !(await verifyPassword(current.slice(0, PASSWORD_MAX * 4), user.password_hash))) {
    fail('validation_failed', 'The current password is not correct.', {
      fieldErrors: [{ field: 'current', code: 'incorrect', message: 'The current password is not correct.' }],
    });
  }
  assertPasswordPolicy(next, user.username, 'new');
  if (next === current) {
    fail('validation_failed', 'Choose a new password that differs from the current one.', {
      fieldErrors: [{ field: 'new', code: 'unchanged', message: 'The new password must differ from the current one.' }],
    });
  }
  const now = fw.clock.now().toISOString();
  const hash = await hashPassword(next, fw.config.scryptLog2N);
  return fw.db.knex.transaction(async (trx) => {
    await trx('sys_user').where({ id: user.id }).update({ password_hash: hash, password_changed_at: now, must_change_password: false, updated_at: now });
    await revokeUserSessions(fw, user.id, 'password_changed', { exceptId: session.id, trx });
    const updated = { ...user, password_hash: hash, must_change_password: false };
    const moved = session.stage === 'change_password' ? await setSessionStage(fw, session, stageAfterMfa(updated), trx) : session;
    return { session: moved, user: updated };
  });
}

export interface ProfileInput { first_name?: unknown; last_name?: unknown; email?: unknown; phone?: unknown }

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,189}\.[^\s@]{1,63}$/;
const PHONE = /^\+?[0-9 ()-]{6,40}$/;

/**
 * Save and confirm the first-sign-in profile: first and last name, email and phone, all required.
 * Moves a session at 'profile' to 'active'. Errors: validation_failed (per field).
 */
export async function confirmProfile(
  fw: Formwork, session: SessionRow, input: ProfileInput,
): Promise<{ session: SessionRow; user: UserRow }> {
  const problems: { field: string; code: string; message: string }[] = [];
  const text = (field: keyof ProfileInput, label: string, max: number, pattern?: RegExp) => {
    const v = input[field];
    if (typeof v !== 'string' || !v.trim()) {
      problems.push({ field, code: 'required', message: `Enter your ${label}.` });
      return '';
    }
    const s = v.trim();
    if (s.length > max) problems.push({ field, code: 'too_long', message: `Your ${label} must be at most ${max} characters.` });
    else if (pattern && !pattern.test(s)) problems.push({ field, code: 'pattern', message: `Enter a valid ${label}.` });
    return s;
  };
  const first = text('first_name', 'first name', 100);
  const last = text('last_name', 'last name', 100);
  const email = text('email', 'email address', 254, EMAIL);
  const phone = text('phone', 'phone number', 40, PHONE);
  if (problems.length) {
    throw new FormworkError('validation_failed', problems.map((p) => p.message).join(' '), { fieldErrors: problems });
  }
  const user = await fetchUser(fw, session.user_id);
  if (!user) fail('unauthenticated', 'Sign in again.');
  const now = fw.clock.now().toISOString();
  const patch = { first_name: first, last_name: last, email, phone, display_name: `${first} ${last}`, profile_confirmed: true, updated_at: now };
  return fw.db.knex.transaction(async (trx) => {
    await trx('sys_user').where({ id: user.id }).update(patch);
    const updated = { ...user, ...patch };
    const moved = session.stage === 'profile' ? await setSessionStage(fw, session, stageAfterMfa(updated), trx) : session;
    return { session: moved, user: updated };
  });
}
