/** Security headers on every response, and the API's own stricter ones. */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { isApiPath } from '../paths.js';

/** The API returns data, never documents: nothing may be framed, sniffed, scripted or cached. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Security headers on every response; the strict CSP and `no-store` on the API. */
export function securityHeaders(): RequestHandler {
  return function securityHeadersMiddleware(req: Request, res: Response, next: NextFunction) {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    if (isApiPath(req.path)) {
      res.setHeader('Content-Security-Policy', API_CSP);
      res.setHeader('Cache-Control', 'no-store');
    }
    next();
  };
}
