/** Cross-site request forgery protection for cookie-authenticated writes. */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { safeEqual } from '../../access/crypto.js';
import type { Formwork } from '../../context.js';
import { fail } from '../../errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Cross-site request forgery protection, after {@link actorMiddleware}. A cookie-authenticated POST, PUT, PATCH
 * or DELETE must send `X-CSRF-Token` equal to its session's token (constant-time comparison); requests with an
 * API token are exempt (a browser never adds one by itself). Sign-in has no session yet: it relies on the
 * JSON-only body rule, which a cross-site form cannot meet. With PUBLIC_URL set, an `Origin` header naming
 * another origin is refused on every unsafe request. Errors: csrf_failed.
 */
export function csrfProtection(fw: Formwork): RequestHandler {
  return function csrf(req: Request, res: Response, next: NextFunction) {
    if (SAFE_METHODS.has(req.method)) {
      next();
      return;
    }
    const expectedOrigin = fw.config.publicUrl ? new URL(fw.config.publicUrl).origin : null;
    const origin = req.get('origin');
    if (expectedOrigin && origin !== undefined && origin !== expectedOrigin) {
      fail('csrf_failed', `Requests from origin "${origin}" are not accepted; this server is ${expectedOrigin}.`);
    }
    if (res.locals.credential === 'session') {
      const given = req.get('x-csrf-token');
      if (!given || !safeEqual(given, res.locals.session!.csrf_token)) {
        fail('csrf_failed', given ? 'The X-CSRF-Token header does not match the session.' : 'Send the session\'s CSRF token in the X-CSRF-Token header.');
      }
    }
    next();
  };
}
