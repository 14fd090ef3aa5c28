/**
 * Database sessions, so any instance serves any request. The cookie carries 32 random bytes (base64url); the
 * table stores only their SHA-256 as the id, so a leaked table holds no usable session. A session passes stages
 * — 'mfa' or 'mfa_enrol' → 'change_password' → 'profile' → 'active' — and only an 'active' one reaches the API.
 * It ends at its absolute expiry (config.sessionAbsoluteMinutes after MFA), after config.sessionIdleMinutes
 * without activity, at sign-out, on a password change (the user's other sessions), by revocation, or when the
 * same user signs in again and config.singleSession is on.
 */
import type { Knex } from 'knex';
import type { Config } from '../../config.js';
import type { Formwork } from '../../context.js';
import { randomToken, sha256 } from '../crypto.js';
import { noteActivity } from './activity.js';
import { readCredentialWithMemberships, type Membership, type OrgRow, type UserRow } from './users.js';

export type SessionStage = 'mfa' | 'mfa_enrol' | 'change_password' | 'profile' | 'active';
export const PENDING_MFA: readonly SessionStage[] = ['mfa', 'mfa_enrol'];

export interface SessionRow {
  id: string;
  user_id: string;
  stage: SessionStage;
  csrf_token: string;
  created_at: string;
  authenticated_at: string | null;
  last_seen_at: string;
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
  revoked_at: string | null;
  revoked_reason: string | null;
}

/** Why a session ended (sys_session.revoked_reason). */
export type RevokeReason = 'signed_out' | 'expired' | 'superseded' | 'password_changed' | 'revoked' | 'replaced' | 'locked' | 'password_reset';

/** Activity is written at most this often, so a burst of requests costs one write. */
export const TOUCH_INTERVAL_MS = 30_000;

const minutes = (n: number) => n * 60_000;

/** `__Host-formwork_session` when Formwork is served over https (Secure, Path=/, no Domain), else `formwork_session`. */
export function sessionCookieName(config: Pick<Config, 'publicUrl'>): string {
  return isHttps(config) ? '__Host-formwork_session' : 'formwork_session';
}

export function isHttps(config: Pick<Config, 'publicUrl'>): boolean {
  return config.publicUrl !== null && config.publicUrl.toLowerCase().startsWith('https:');
}

/** The session cookie's attributes; `maxAge` in milliseconds (the cookie lives no longer than the session). */
export function sessionCookieOptions(config: Pick<Config, 'publicUrl'>, maxAge?: number) {
  return { httpOnly: true, sameSite: 'lax' as const, path: '/', secure: isHttps(config), ...(maxAge === undefined ? {} : { maxAge }) };
}

/** The step a user goes to once MFA is passed: a forced password change, then the profile, then in. */
export function stageAfterMfa(user: Pick<UserRow, 'must_change_password' | 'profile_confirmed'>): SessionStage {
  if (user.must_change_password) return 'change_password';
  if (!user.profile_confirmed) return 'profile';
  return 'active';
}

/** The MFA step after the password: a code from an enrolled authenticator or by email, else enrolment. */
export function firstStage(user: Pick<UserRow, 'totp_enrolled_at'>, org: Pick<OrgRow, 'mfa_email_fallback'> | null): SessionStage {
  return user.totp_enrolled_at || org?.mfa_email_fallback ? 'mfa' : 'mfa_enrol';
}

/** When the session ends for inactivity (last recorded activity + the idle time-out). */
export function idleExpiresAt(config: Pick<Config, 'sessionIdleMinutes'>, session: Pick<SessionRow, 'last_seen_at'>): Date {
  return new Date(new Date(session.last_seen_at).getTime() + minutes(config.sessionIdleMinutes));
}

/** Whether the session has passed its absolute or idle expiry at `now`. */
export function isExpired(config: Pick<Config, 'sessionIdleMinutes'>, session: Pick<SessionRow, 'last_seen_at' | 'expires_at'>, now: Date): boolean {
  return now.getTime() >= new Date(session.expires_at).getTime() || now.getTime() >= idleExpiresAt(config, session).getTime();
}

export interface NewSession {
  /** The cookie value: shown to the client once, never stored. */
  cookieValue: string;
  session: SessionRow;
}

/**
 * Open a session for a user who passed the password step. Until MFA is passed it lives at most one idle period.
 */
export async function createSession(
  fw: Formwork, input: { userId: string; stage: SessionStage; ip?: string | null; userAgent?: string | null },
): Promise<NewSession> {
  const now = fw.clock.now();
  const cookieValue = randomToken(32);
  const session: SessionRow = {
    id: sha256(cookieValue), user_id: input.userId, stage: input.stage, csrf_token: randomToken(32),
    created_at: now.toISOString(), authenticated_at: null, last_seen_at: now.toISOString(),
    expires_at: new Date(now.getTime() + minutes(fw.config.sessionIdleMinutes)).toISOString(),
    ip: input.ip?.slice(0, 64) ?? null, user_agent: input.userAgent?.slice(0, 300) ?? null, revoked_at: null, revoked_reason: null,
  };
  await fw.db.knex('sys_session').insert(session);
  return { cookieValue, session };
}

const SESSION_COLUMNS = ['id', 'user_id', 'stage', 'csrf_token', 'created_at', 'authenticated_at', 'last_seen_at', 'expires_at', 'ip', 'user_agent', 'revoked_at', 'revoked_reason'] as const;
const SESSION_HEAD = {
  sql: `select ${SESSION_COLUMNS.map((c) => `s.${c}`).join(', ')}, u.username as u_username, u.org_id as u_org_id, u.status as u_status,
        u.last_active_at as u_last_active_at
        from sys_session s join sys_user u on u.id = s.user_id where s.id = ?`,
  columns: [...SESSION_COLUMNS, 'u_username', 'u_org_id', 'u_status', 'u_last_active_at'],
};

/**
 * The session a cookie value names, with its user's sign-in state and memberships (for the Actor, see
 * actorFromMemberships) — one statement — or null.
 */
export async function fetchSession(
  fw: Formwork, cookieValue: string,
): Promise<(SessionRow & { user: SessionUser; memberships: readonly Membership[] }) | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(cookieValue)) return null;
  const hash = sha256(cookieValue);
  const read = await fw.credentials.read(`session:${hash}`, () => readCredentialWithMemberships(fw.db.knex, { ...SESSION_HEAD, bindings: [hash] }));
  if (!read) return null;
  const { u_username, u_org_id, u_status, u_last_active_at, ...session } = read.head;
  return {
    ...(session as SessionRow),
    user: {
      id: session.user_id, username: u_username, org_id: u_org_id ?? null, status: u_status, last_active_at: u_last_active_at ?? null,
    },
    memberships: read.memberships,
  };
}

/** What a request needs of the session's user without a second query. */
export interface SessionUser {
  id: string; username: string; org_id: string | null; status: string;
  /** When the person was last active as stored (see activity.ts). */
  last_active_at?: string | null;
}

/**
 * Record activity now, unless it was recorded less than {@link TOUCH_INTERVAL_MS} ago (`force` always writes). An
 * active session given with its user also counts as the person's activity (activity.ts, its own interval).
 */
export async function touchSession(fw: Formwork, session: SessionRow & { user?: SessionUser }, force = false): Promise<SessionRow> {
  const now = fw.clock.now();
  if (session.stage === 'active' && session.user) await noteActivity(fw, session.user.id, session.user.last_active_at);
  if (!force && now.getTime() - new Date(session.last_seen_at).getTime() < TOUCH_INTERVAL_MS) return session;
  await fw.db.knex('sys_session').where({ id: session.id }).whereNull('revoked_at').update({ last_seen_at: now.toISOString() });
  return { ...session, last_seen_at: now.toISOString() };
}

/**
 * Give a session a new id (and CSRF token) as it moves on from `session.stage`, with `patch` applied. One
 * conditional UPDATE: when two requests race, only the one that still finds the old id and stage wins; the
 * other gets null. The old cookie value names no session afterwards.
 */
export async function rotateSession(
  fw: Formwork, session: SessionRow, patch: Partial<SessionRow>, trx?: Knex.Transaction,
): Promise<NewSession | null> {
  const cookieValue = randomToken(32);
  const next = { ...patch, id: sha256(cookieValue), csrf_token: randomToken(32) };
  const n = await (trx ?? fw.db.knex)('sys_session').where({ id: session.id, stage: session.stage }).whereNull('revoked_at').update(next);
  return n === 1 ? { cookieValue, session: { ...session, ...next } } : null;
}

/** Move a session to `stage` (after the password change or the profile step). */
export async function setSessionStage(fw: Formwork, session: SessionRow, stage: SessionStage, trx?: Knex.Transaction): Promise<SessionRow> {
  await (trx ?? fw.db.knex)('sys_session').where({ id: session.id }).update({ stage });
  return { ...session, stage };
}

/** End one session; returns whether it was still open (so an ending is recorded once). */
export async function revokeSession(fw: Formwork, id: string, reason: RevokeReason, trx?: Knex.Transaction): Promise<boolean> {
  const n = await (trx ?? fw.db.knex)('sys_session').where({ id }).whereNull('revoked_at')
    .update({ revoked_at: fw.clock.now().toISOString(), revoked_reason: reason });
  return n === 1;
}

/**
 * End a user's open sessions, except `exceptId`; `stages` limits it to sessions at those stages. Returns how many.
 */
export async function revokeUserSessions(
  fw: Formwork, userId: string, reason: RevokeReason,
  options: { exceptId?: string; stages?: readonly SessionStage[]; trx?: Knex.Transaction } = {},
): Promise<number> {
  const q = (options.trx ?? fw.db.knex)('sys_session').where({ user_id: userId }).whereNull('revoked_at');
  if (options.exceptId) q.whereNot({ id: options.exceptId });
  if (options.stages) q.whereIn('stage', [...options.stages]);
  return q.update({ revoked_at: fw.clock.now().toISOString(), revoked_reason: reason });
}
