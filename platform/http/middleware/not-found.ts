/** The last handler of the app. */
import type { Request, RequestHandler } from 'express';
import { fail } from '../../errors.js';

/** The last handler: nothing matched. */
export function notFound(): RequestHandler {
  return function notFoundHandler(req: Request) {
    fail('not_found', `Nothing is served at ${req.method} ${req.path}.`);
  };
}
