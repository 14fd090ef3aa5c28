/**
 * Time-based one-time passwords (RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps, ±1 step accepted) with the
 * otpauth library. The secret is stored encrypted with the platform key ring. A code is accepted once: the step
 * it belongs to is recorded, and a code of the same or an older step is refused — by a conditional UPDATE, so two
 * requests racing with one code cannot both win.
 */
import * as OTPAuth from 'otpauth';
import type { Formwork } from '../../context.js';
import { fail } from '../../errors.js';

export const TOTP_PERIOD = 30;
export const TOTP_DIGITS = 6;
export const TOTP_WINDOW = 1;
const ISSUER = 'Formwork';

function totpOf(secretBase32: string, label: string): OTPAuth.TOTP {
  return new OTPAuth.TOTP({
    issuer: ISSUER, label, algorithm: 'SHA1', digits: TOTP_DIGITS, period: TOTP_PERIOD,
    secret: OTPAuth.Secret.fromBase32(secretBase32),
  });
}

export interface TotpEnrolment {
  /** `otpauth://totp/…` for authenticator apps. */
  otpauthUri: string;
  /** The same URI as a QR code: a `data:image/png;base64,…` URL. */
  qr: string;
  /** The base32 secret, for typing in when the QR code cannot be scanned. */
  secret: string;
}

/**
 * Start (or restart) TOTP enrolment: a new 160-bit secret, stored encrypted and pending until the first code is
 * verified. Refused with `forbidden` once an authenticator is enrolled (re-enrolment would bypass it).
 */
export async function beginTotpEnrolment(fw: Formwork, userId: string): Promise<TotpEnrolment> {
  const user = await fw.db.knex('sys_user').where({ id: userId }).first('username', 'totp_enrolled_at');
  if (!user) fail('not_found', `User "${userId}" does not exist.`);
  if (user.totp_enrolled_at) fail('forbidden', 'An authenticator app is already enrolled; sign in with a code from it.');
  const secret = new OTPAuth.Secret({ size: 20 }).base32;
  const totp = totpOf(secret, user.username as string);
  await fw.db.knex('sys_user').where({ id: userId }).whereNull('totp_enrolled_at').update({
    totp_secret: fw.keys.encrypt(secret), totp_last_step: null, updated_at: fw.clock.now().toISOString(),
  });
  const otpauthUri = totp.toString();
  // Loaded on first enrolment, not at start: most requests never draw a QR code.
  const { default: QRCode } = await import('qrcode');
  const qr = await QRCode.toDataURL(otpauthUri, { errorCorrectionLevel: 'M', margin: 2 });
  return { otpauthUri, qr, secret };
}

/** The RFC 6238 time step of an instant. */
export function totpStep(at: Date): number {
  return Math.floor(at.getTime() / 1000 / TOTP_PERIOD);
}

/**
 * Check a TOTP code for a user at the clock's time. Accepts the current step ±1, and only a step later than the
 * last accepted one; on success the step is recorded (and a pending enrolment completes). Returns false for a
 * wrong, malformed, stale or replayed code, or when the user has no secret.
 */
export async function verifyTotp(fw: Formwork, userId: string, code: unknown): Promise<boolean> {
  if (typeof code !== 'string' || !/^\d{6}$/.test(code)) return false;
  const user = await fw.db.knex('sys_user').where({ id: userId }).first('username', 'totp_secret', 'totp_enrolled_at');
  if (!user?.totp_secret) return false;
  const now = fw.clock.now();
  const secret = fw.keys.decrypt(user.totp_secret as string);
  const delta = OTPAuth.TOTP.validate({
    token: code, secret: OTPAuth.Secret.fromBase32(secret), algorithm: 'SHA1', digits: TOTP_DIGITS,
    period: TOTP_PERIOD, timestamp: now.getTime(), window: TOTP_WINDOW,
  });
  if (delta === null) return false;
  const step = totpStep(now) + delta;
  const patch: Record<string, unknown> = { totp_last_step: step, updated_at: now.toISOString() };
  if (!user.totp_enrolled_at) Object.assign(patch, { totp_enrolled_at: now.toISOString(), mfa_method: 'totp' });
  const updated = await fw.db.knex('sys_user')
    .where({ id: userId })
    .andWhere((q) => q.whereNull('totp_last_step').orWhere('totp_last_step', '<', step))
    .update(patch);
  return updated === 1;
}
