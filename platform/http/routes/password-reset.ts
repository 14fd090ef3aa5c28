/**
 * Following a mailed set-password link: /api/auth/reset/:token. Public — the person has no session yet — so it is
 * mounted before the API's actor middleware, with its own body handling (JSON only, size limit, unsafe keys) and
 * the same Origin check as other unsafe requests. Rate limited per address. The token is a credential: the access
 * log and problem documents see the path with it replaced by `***`.
 *
 *   GET  /auth/reset/:token             → {data: {valid: true, username, expiresAt}}; 404 when not valid
 *   POST /auth/reset/:token {password}  → 200 {data: {username}}: password set, link used, sessions ended; the
 *                                         person then signs in with the password and MFA
 */
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { assertRateLimit } from '../../access/identity/rate-limit.js';
import { completePasswordLink, inspectPasswordLink } from '../../access/identity/index.js';
import type { Formwork } from '../../context.js';
import { isFormworkError } from '../../errors.js';
import { csrfProtection, methodNotAllowed, rejectUnsafeKeys, requireJson } from '../middleware/index.js';
import { compileBody, NO_QUERY, readBody, readQuery } from '../input.js';

const RATE_WINDOW_SECONDS = 60;
/** The new password; completePasswordLink checks it (length, not the username). */
const PASSWORD_BODY = compileBody<{ password?: unknown }>({ type: 'object', properties: { password: {} } });

export function passwordResetRouter(fw: Formwork): Router {
  const router = Router();

  router.use('/auth/reset', function redactToken(req: Request, _res: Response, next: NextFunction) {
    // The access log writes req.originalUrl when the response finishes; it must not keep a usable link.
    req.originalUrl = req.originalUrl.replace(/^(\/api\/auth\/reset\/)[^/?#]+/i, '$1***');
    next();
  });
  router.use('/auth/reset', csrfProtection(fw), requireJson(), express.json({ limit: fw.config.bodyLimit, strict: true }), rejectUnsafeKeys());
  router.use('/auth/reset', async function rateLimit(req: Request, res: Response, next: NextFunction) {
    try {
      // Shares the sign-in budget per address: links are 256-bit secrets, so this only stops a flood.
      await assertRateLimit(fw, `password_link:ip:${req.ip ?? 'unknown'}`, fw.config.signInRateLimit, RATE_WINDOW_SECONDS, 'password-link requests from this address');
    } catch (e) {
      if (isFormworkError(e) && typeof e.extra.retryAfter === 'number') res.setHeader('Retry-After', String(e.extra.retryAfter));
      throw e;
    }
    next();
  });

  router.route('/auth/reset/:token')
    .get(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: await inspectPasswordLink(fw, req.params.token) });
    })
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
      const body = readBody(req, PASSWORD_BODY);
      const done = await completePasswordLink(fw, req.params.token, body.password);
      res.locals.accessEvent = { event: 'api', username: done.username, description: 'Password set with a one-time link; sessions ended' };
      res.json({ data: { username: done.username } });
    })
    .all(methodNotAllowed(['GET', 'POST']));

  return router;
}
