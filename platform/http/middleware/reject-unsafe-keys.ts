/** Prototype-polluting keys never get past the JSON parser. */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { assertSafeJson } from '../safe-json.js';

/** Refuses bodies holding prototype-polluting keys (see {@link assertSafeJson}); runs after the JSON parser. */
export function rejectUnsafeKeys(): RequestHandler {
  return function rejectUnsafeKeysMiddleware(req: Request, _res: Response, next: NextFunction) {
    if (req.body !== undefined) assertSafeJson(req.body);
    next();
  };
}
