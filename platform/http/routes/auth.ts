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
import { readCookie } from '../cookies.js';
import { compileBody, NO_QUERY, param, readBody, readQuery } from '../input.js';
import { methodNotAllowed } from '../middleware/method-not-allowed.js';

// The identity services check credentials, codes and profile members themselves, and answer a wrong one with the
// same error whatever was wrong (invalid_credentials, mfa_failed): these bodies declare only their shape.
const SIGN_IN_BODY = compileBody<{ username?: unknown; password?: unknown }>({ type: 'object' });
const CODE_BODY = compileBody<{ code?: unknown }>({ type: 'object' });
const PASSWORD_BODY = compileBody<{ current?: unknown; new?: unknown }>({ type: 'object' });
const PROFILE_BODY = compileBody<Record<string, unknown>>({ type: 'object' });
const TOKEN_BODY = compileBody<{ name?: string; expiresAt?: string }>({
  type: 'object',
  properties: {
    name: { ...param.text, expected: 'text' },
    expiresAt: { type: 'string', format: 'timestamp', expected: 'an ISO 8601 date-time' },
  },
  additionalProperties: true,
});

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
  // Roles, organisations, party codes and capabilities: the facts the browser's UI policies evaluate `user.*` with
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
      const body = readBody(req, SIGN_IN_BODY);
      const username = typeof body.username === 'string' ? body.username : null;
      res.locals.accessEvent = { event: 'sign_in_failed', signIn: true, username, description: 'Sign-in refused' };
      readQuery(req, NO_QUERY);
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
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
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
    readQuery(req, NO_QUERY);
    const done = await completeMfa(fw, s, method, readBody(req, CODE_BODY).code);
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
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
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
      readQuery(req, NO_QUERY);
      const body = readBody(req, PASSWORD_BODY);
      const changed = await changePassword(fw, session(res), body.current, body.new);
      res.locals.accessEvent = { event: 'api', description: 'Password changed; other sessions ended' };
      res.json({ data: await sessionSummary(fw, changed.session, changed.user) });
    })
    .all(methodNotAllowed(['POST']));

  router.route('/auth/profile')
    .get(async (req, res) => {
      readQuery(req, NO_QUERY);
      const user = await fetchUser(fw, session(res).user_id);
      if (!user) fail('unauthenticated', 'Sign in again.');
      res.json({
        data: {
          first_name: user.first_name, last_name: user.last_name, email: user.email, phone: user.phone,
          confirmed: user.profile_confirmed,
        },
      });
    })
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
      const saved = await confirmProfile(fw, session(res), readBody(req, PROFILE_BODY));
      const u = saved.user;
      res.json({
        data: await sessionSummary(fw, saved.session, u),
        profile: { first_name: u.first_name, last_name: u.last_name, email: u.email, phone: u.phone },
        // The person sees that their details were recorded.
        message: `Thank you, ${u.first_name}. Your details have been saved: ${u.first_name} ${u.last_name}, ${u.email}, ${u.phone}.`,
      });
    })
    .all(methodNotAllowed(['GET', 'POST']));

  router.route('/auth/session')
    .get(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: await sessionSummary(fw, session(res)) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/auth/session/extend')
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
      const extended = await touchSession(fw, session(res), true);
      res.json({ data: await sessionSummary(fw, extended) });
    })
    .all(methodNotAllowed(['POST']));

  router.route('/auth/sign-out')
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
      await revokeSession(fw, session(res).id, 'signed_out');
      res.clearCookie(cookieName(), sessionCookieOptions(fw.config));
      res.locals.accessEvent = { event: 'sign_out', description: 'Signed out' };
      res.status(204).end();
    })
    .all(methodNotAllowed(['POST']));

  router.route('/auth/tokens')
    .get(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: await listApiTokens(fw, res.locals.actor.id!) });
    })
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
      const body = readBody(req, TOKEN_BODY);
      const expiresAt = body.expiresAt === undefined ? null : new Date(body.expiresAt).toISOString();
      const created = await createApiToken(fw, res.locals.actor.id!, { name: body.name, expiresAt });
      res.status(201).location(`${req.baseUrl}/auth/tokens/${created.id}`).json({ data: created });
    })
    .all(methodNotAllowed(['GET', 'POST']));

  router.route('/auth/tokens/:id')
    .delete(async (req, res) => {
      readQuery(req, NO_QUERY);
      await revokeApiToken(fw, res.locals.actor.id!, req.params.id);
      res.status(204).end();
    })
    .all(methodNotAllowed(['DELETE']));

  return router;
}
