/**
 * Sign-in and the session: /api/auth/…. Thin: parse, call the identity service, respond, and name the access-log
 * event. Which session stage may reach which path is decided before any of this runs (middleware.ts
 * `accessRuleFor`); the handlers still read only the session they were given.
 *
 *   POST /auth/sign-in {username, password}        → session at 'mfa' or 'mfa_enrol', cookie set
 *   POST /auth/mfa/enrol                            → {otpauthUri, qr, secret}
 *   POST /auth/mfa/verify {code}                    → TOTP; new session id, next stage
 *   POST /auth/mfa/email, /auth/mfa/email/verify    → the emailed-code fallback
 *   POST /auth/password {current, new}              → forced or voluntary change
 *   GET|POST /auth/profile                          → first-sign-in details and their confirmation
 *   GET /auth/session, POST /auth/session/extend, POST /auth/sign-out
 *   GET|POST /auth/tokens, DELETE /auth/tokens/:id  → the user's API tokens
 */
import { Router, type Request, type Response } from 'express';
import { sha256 } from '../../access/crypto.js';
import {
  actorForUser,
  beginTotpEnrolment, changePassword, completeMfa, confirmProfile, createApiToken, fetchUser, idleExpiresAt,
  listApiTokens, mfaMethods, PENDING_MFA, revokeApiToken, revokeSession, sendEmailCode, sessionCookieName,
  sessionCookieOptions, signIn, touchSession, type SessionRow, type UserRow,
} from '../../access/identity/index.js';
import type { Formwork } from '../../context.js';
import { fail, isFormworkError } from '../../errors.js';
import { methodNotAllowed, readCookie } from '../middleware.js';

/** The request body as an object; a missing body is an empty one. */
function bodyOf(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  if (body === undefined) return {};
  if (body === null || typeof body !== 'object' || Array.isArray(body)) fail('invalid_payload', 'Send a JSON object.');
  return body as Record<string, unknown>;
}

/** `a•••@example.com`: enough to recognise one's own address, not enough to learn someone else's. */
function maskEmail(email: string | null): string | null {
  if (!email) return null;
  const at = email.lastIndexOf('@');
  return at <= 0 ? '•••' : `${email[0]}•••${email.slice(at)}`;
}

/** The session as the client sees it. Before MFA it names the user only by username and masks the email. */
async function sessionSummary(fw: Formwork, session: SessionRow, knownUser?: UserRow) {
  const user = knownUser ?? (await fetchUser(fw, session.user_id));
  if (!user) fail('unauthenticated', 'Sign in again.');
  const idle = idleExpiresAt(fw.config, session).toISOString();
  const base = {
    stage: session.stage,
    expiresAt: session.expires_at,
    idleExpiresAt: idle < session.expires_at ? idle : session.expires_at,
    idleMinutes: fw.config.sessionIdleMinutes,
    csrfToken: session.csrf_token,
  };
  if (PENDING_MFA.includes(session.stage)) {
    return { ...base, user: { username: user.username, email: maskEmail(user.email) }, mfa: await mfaMethods(fw, user) };
  }
  // Roles, organisations, User IDs and capabilities: the facts the browser's UI policies evaluate `user.*` with
  // (the server evaluates the same conditions with the same facts).
  const actor = session.stage === 'active' ? await actorForUser(fw, user, { sessionId: session.id, via: 'session' }) : null;
  return {
    ...base,
    user: {
      id: user.id, username: user.username, displayName: user.display_name, firstName: user.first_name,
      lastName: user.last_name, email: user.email, phone: user.phone, orgId: user.org_id, lastSignInAt: user.last_sign_in_at,
      roles: actor?.roles ?? [], orgs: actor?.orgs ?? [], userIds: actor?.userIds ?? [], capabilities: actor?.capabilities ?? [],
    },
  };
}

/** Re-throw with `Retry-After` set when the error is `rate_limited`. */
function withRetryAfter(res: Response, e: unknown): never {
  if (isFormworkError(e) && e.code === 'rate_limited' && typeof e.extra.retryAfter === 'number') {
    res.setHeader('Retry-After', String(e.extra.retryAfter));
  }
  throw e;
}

export function authRouter(fw: Formwork): Router {
  const router = Router();
  const cookieName = () => sessionCookieName(fw.config);
  const setCookie = (res: Response, value: string, session: SessionRow) => {
    const maxAge = Math.max(0, new Date(session.expires_at).getTime() - fw.clock.now().getTime());
    res.cookie(cookieName(), value, sessionCookieOptions(fw.config, maxAge));
  };
  const session = (res: Response) => res.locals.session!;

  router.route('/auth/sign-in')
    .post(async (req, res) => {
      const body = bodyOf(req);
      const username = typeof body.username === 'string' ? body.username : null;
      res.locals.accessEvent = { event: 'sign_in_failed', signIn: true, username, description: 'Sign-in refused' };
      let result;
      try {
        result = await signIn(fw, { username: body.username, password: body.password, ip: req.ip, userAgent: req.get('user-agent') });
      } catch (e) {
        if (isFormworkError(e)) res.locals.accessEvent.description = `Sign-in refused: ${e.code}`;
        withRetryAfter(res, e);
      }
      // Session fixation: whatever session the client presented ends; the new one has an id it never saw.
      const presented = readCookie(req, cookieName());
      if (presented) await revokeSession(fw, sha256(presented), 'replaced');
      setCookie(res, result.cookieValue, result.session);
      res.locals.accessEvent = {
        event: 'api', userId: result.user.id, username: result.user.username, orgId: result.user.org_id,
        description: `Password accepted; next step ${result.session.stage}`,
      };
      res.json({ data: await sessionSummary(fw, result.session, result.user) });
    })
    .all(methodNotAllowed(['POST']));

  router.route('/auth/mfa/enrol')
    .post(async (_req, res) => {
      // Only where there is no other second factor: with the email fallback on offer, enrolling an app with the
      // password alone would step around the mailbox.
      if (session(res).stage !== 'mfa_enrol') fail('forbidden', 'Sign in with your second factor; an authenticator cannot be enrolled at this step.');
      res.json({ data: await beginTotpEnrolment(fw, session(res).user_id) });
    })
    .all(methodNotAllowed(['POST']));

  const verify = (method: 'totp' | 'email') => async (req: Request, res: Response) => {
    const s = session(res);
    const user = s.user;
    res.locals.accessEvent = {
      event: 'mfa_failed', signIn: true, userId: user.id, username: user.username, orgId: user.org_id,
      description: `MFA code refused (${method === 'totp' ? 'authenticator app' : 'email'})`,
    };
    const done = await completeMfa(fw, s, method, bodyOf(req).code);
    setCookie(res, done.cookieValue, done.session);
    res.locals.session = { ...done.session, user: s.user };
    res.locals.accessEvent = {
      event: 'sign_in', signIn: true, userId: user.id, username: user.username, orgId: user.org_id,
      description: `Signed in with password and ${method === 'totp' ? 'authenticator app' : 'emailed code'}`,
    };
    res.json({ data: await sessionSummary(fw, done.session, done.user) });
  };

  router.route('/auth/mfa/verify').post(verify('totp')).all(methodNotAllowed(['POST']));
  router.route('/auth/mfa/email/verify').post(verify('email')).all(methodNotAllowed(['POST']));

  router.route('/auth/mfa/email')
    .post(async (_req, res) => {
      const s = session(res);
      let sent;
      try {
        sent = await sendEmailCode(fw, s);
      } catch (e) {
        withRetryAfter(res, e);
      }
      const user = await fetchUser(fw, s.user_id);
      res.status(202).json({ data: { sentTo: maskEmail(user?.email ?? null), expiresAt: sent.expiresAt } });
    })
    .all(methodNotAllowed(['POST']));

  router.route('/auth/password')
    .post(async (req, res) => {
      const body = bodyOf(req);
      const changed = await changePassword(fw, session(res), body.current, body.new);
      res.locals.accessEvent = { event: 'api', description: 'Password changed; other sessions ended' };
      res.json({ data: await sessionSummary(fw, changed.session, changed.user) });
    })
    .all(methodNotAllowed(['POST']));

  router.route('/auth/profile')
    .get(async (_req, res) => {
      const user = await fetchUser(fw, session(res).user_id);
      if (!user) fail('unauthenticated', 'Sign in again.');
      res.json({ data: { first_name: user.first_name, last_name: user.last_name, email: user.email, phone: user.phone, confirmed: user.profile_confirmed } });
    })
    .post(async (req, res) => {
      const saved = await confirmProfile(fw, session(res), bodyOf(req));
      const u = saved.user;
      res.json({
        data: await sessionSummary(fw, saved.session, u),
        profile: { first_name: u.first_name, last_name: u.last_name, email: u.email, phone: u.phone },
        // SSI-FR-1a: the user sees that their details were recorded.
        message: `Thank you, ${u.first_name}. Your details have been saved: ${u.first_name} ${u.last_name}, ${u.email}, ${u.phone}.`,
      });
    })
    .all(methodNotAllowed(['GET', 'POST']));

  router.route('/auth/session')
    .get(async (_req, res) => {
      res.json({ data: await sessionSummary(fw, session(res)) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/auth/session/extend')
    .post(async (_req, res) => {
      const extended = await touchSession(fw, session(res), true);
      res.json({ data: await sessionSummary(fw, extended) });
    })
    .all(methodNotAllowed(['POST']));

  router.route('/auth/sign-out')
    .post(async (_req, res) => {
      await revokeSession(fw, session(res).id, 'signed_out');
      res.clearCookie(cookieName(), sessionCookieOptions(fw.config));
      res.locals.accessEvent = { event: 'sign_out', description: 'Signed out' };
      res.status(204).end();
    })
    .all(methodNotAllowed(['POST']));

  router.route('/auth/tokens')
    .get(async (_req, res) => {
      res.json({ data: await listApiTokens(fw, res.locals.actor.id!) });
    })
    .post(async (req, res) => {
      const body = bodyOf(req);
      if (body.name !== undefined && typeof body.name !== 'string') fail('validation_failed', 'name must be a string.', { fieldErrors: [{ field: 'name', code: 'type', message: 'Use text.' }] });
      if (body.expiresAt !== undefined && (typeof body.expiresAt !== 'string' || Number.isNaN(Date.parse(body.expiresAt)))) {
        fail('validation_failed', 'expiresAt must be an ISO 8601 date-time.', { fieldErrors: [{ field: 'expiresAt', code: 'type', message: 'Use an ISO 8601 date-time.' }] });
      }
      const expiresAt = typeof body.expiresAt === 'string' ? new Date(body.expiresAt).toISOString() : null;
      const created = await createApiToken(fw, res.locals.actor.id!, { name: body.name as string | undefined, expiresAt });
      res.status(201).location(`${req.baseUrl}/auth/tokens/${created.id}`).json({ data: created });
    })
    .all(methodNotAllowed(['GET', 'POST']));

  router.route('/auth/tokens/:id')
    .delete(async (req, res) => {
      await revokeApiToken(fw, res.locals.actor.id!, req.params.id);
      res.status(204).end();
    })
    .all(methodNotAllowed(['DELETE']));

  return router;
}
