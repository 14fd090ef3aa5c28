/**
 * Who a request acts as: an API token's owner, or the user of the session its cookie names, at a session stage the
 * path allows. Deny by default (see {@link accessRuleFor}).
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import {
  actorFromMemberships, fetchSession, isExpired, resolveApiToken, revokeSession, sessionCookieName, sessionCookieOptions,
  touchSession, type Membership, type SessionRow, type SessionStage, type SessionUser,
} from '../../access/identity/index.js';
import type { Formwork } from '../../context.js';
import { fail } from '../../errors.js';
import { readCookie } from '../cookies.js';
// The res.locals members this file sets (actor, session, credential) are declared there.
import '../locals.js';
import { normalisePath } from '../paths.js';

/** Which credential a path of the API needs, and at which session stages. */
interface AccessRule {
  /** Reachable without any credential. */
  public?: boolean;
  /** Session stages that may reach the path. */
  stages: readonly SessionStage[];
  /** Whether an API token may reach it (session-only paths drive the sign-in of a browser). */
  token: boolean;
}

const ALL_STAGES: readonly SessionStage[] = ['mfa', 'mfa_enrol', 'change_password', 'profile', 'active'];
const PUBLIC: AccessRule = { public: true, stages: [], token: false };
const SIGNING_IN: AccessRule = { stages: ALL_STAGES, token: false };
const API: AccessRule = { stages: ['active'], token: true };

/**
 * The access rule of an API path (relative to /api). Deny by default: everything not listed needs an active
 * session or a token. A session still signing in reaches only the auth endpoints of its stage, so skipping MFA
 * (or the forced password change) reaches nothing else. Express matches paths case-insensitively and ignores a
 * trailing slash, so the rule does too.
 */
export function accessRuleFor(path: string): AccessRule {
  const p = normalisePath(path);
  if (p === '/health' || p === '/auth/sign-in') return PUBLIC;
  if (p === '/auth/session' || p === '/auth/session/extend' || p === '/auth/sign-out') return SIGNING_IN;
  if (p === '/auth/mfa' || p.startsWith('/auth/mfa/')) return { stages: ['mfa', 'mfa_enrol'], token: false };
  if (p === '/auth/password') return { stages: ['change_password', 'active'], token: false };
  if (p === '/auth/profile') return { stages: ['profile', 'active'], token: false };
  return API;
}

/**
 * The open session the request's cookie names. A missing, unknown or ended session fails with
 * `unauthenticated`; one past its idle or absolute expiry is ended (recorded once as 'session_expired') and fails
 * with `session_expired`. Either way the cookie is cleared.
 */
async function requireSession(
  fw: Formwork, req: Request, res: Response,
): Promise<SessionRow & { user: SessionUser; memberships: readonly Membership[] }> {
  const name = sessionCookieName(fw.config);
  const value = readCookie(req, name);
  if (!value) fail('unauthenticated', 'Sign in first: this request carries no session or API token.');
  const session = await fetchSession(fw, value);
  const clear = () => res.clearCookie(name, sessionCookieOptions(fw.config));
  if (!session) {
    clear();
    fail('unauthenticated', 'The session does not exist; sign in again.');
  }
  if (session.revoked_at) {
    clear();
    if (session.revoked_reason === 'expired') fail('session_expired', 'The session has expired; sign in again.');
    fail('unauthenticated', 'The session has ended; sign in again.');
  }
  if (isExpired(fw.config, session, fw.clock.now())) {
    if (await revokeSession(fw, session.id, 'expired')) {
      res.locals.accessEvent = {
        event: 'session_expired', userId: session.user.id, username: session.user.username, orgId: session.user.org_id,
        description: `Session expired (${fw.clock.now().getTime() >= new Date(session.expires_at).getTime() ? 'absolute' : 'idle'} time-out)`,
      };
    }
    clear();
    fail('session_expired', 'The session has expired; sign in again.');
  }
  if (session.user.status !== 'active') {
    clear();
    fail('unauthenticated', 'The account can no longer sign in.');
  }
  return session;
}

/**
 * Authenticates the API request and stores who it acts as (`res.locals.actor`, `session`, `credential`):
 * `Authorization: Bearer fw_…` → the token's owner (no MFA: machine clients); else the session cookie, whose
 * stage must be allowed on the path ({@link accessRuleFor}); public paths pass without either. Activity is
 * recorded at most every 30 s, and never by GET /auth/session, which a page polls to warn of the idle time-out.
 * Errors: unauthenticated, session_expired.
 */
export function actorMiddleware(fw: Formwork): RequestHandler {
  return async function actor(req: Request, res: Response, next: NextFunction) {
    const rule = accessRuleFor(req.path);
    if (rule.public) {
      next();
      return;
    }
    const authorization = req.get('authorization');
    if (authorization !== undefined) {
      if (!rule.token) fail('unauthenticated', `${req.method} ${req.baseUrl}${req.path} needs a signed-in browser session, not an API token.`);
      const bearer = /^Bearer +(\S+)$/i.exec(authorization)?.[1];
      const resolved = bearer ? await resolveApiToken(fw, bearer) : null;
      if (!resolved) fail('unauthenticated', 'The API token is not valid: it is malformed, unknown, expired or revoked, or its owner cannot sign in.');
      res.locals.credential = 'token';
      res.locals.actor = resolved.actor;
      next();
      return;
    }
    const { memberships, ...current } = await requireSession(fw, req, res);
    let session = current;
    if (!rule.stages.includes(session.stage)) {
      fail('unauthenticated', session.stage === 'active'
        ? 'This step of signing in is already done.'
        : `Finish signing in first (next step: ${session.stage}); nothing else is reachable until then.`);
    }
    res.locals.credential = 'session';
    // Polling the session (to warn of the idle time-out) is not activity; anything else is.
    if (!(req.method === 'GET' && normalisePath(req.path) === '/auth/session')) {
      session = { ...(await touchSession(fw, session)), user: session.user };
    }
    res.locals.session = session;
    if (session.stage === 'active') res.locals.actor = await actorFromMemberships(fw, session.user, memberships, { sessionId: session.id, via: 'session' });
    next();
  };
}
