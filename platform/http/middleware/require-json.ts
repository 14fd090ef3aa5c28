/** The API speaks JSON only: a body of any other type is refused before it is read. */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { fail } from '../../errors.js';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** Whether the request announces a body (RFC 9112 §6.3: Transfer-Encoding, or a non-zero Content-Length). */
function hasBody(req: Request): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && length !== '0';
}

/**
 * Mount on /api. A POST, PUT or PATCH with a body must be `application/json`; anything else is refused with
 * `unsupported_media_type` (415) before a byte of it is read.
 */
export function requireJson(): RequestHandler {
  return function requireJsonMiddleware(req: Request, _res: Response, next: NextFunction) {
    if (BODY_METHODS.has(req.method) && hasBody(req) && !req.is('application/json')) {
      const type = req.get('content-type');
      fail('unsupported_media_type', `The request body must be application/json; got ${type ? `"${type}"` : 'no Content-Type'}.`);
    }
    next();
  };
}
