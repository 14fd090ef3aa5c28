/** The end of a route's handler chain: methods the route does not serve. */
import type { Request, RequestHandler, Response } from 'express';
import { fail } from '../../errors.js';

/**
 * For the end of a route's handler chain: OPTIONS gets 204 with `Allow`; any other method the route does not
 * handle fails with `method_not_allowed` (405), also with `Allow`.
 */
export function methodNotAllowed(allowed: readonly string[]): RequestHandler {
  const allow = [...new Set([...allowed, ...(allowed.includes('GET') ? ['HEAD'] : []), 'OPTIONS'])].join(', ');
  return function methodNotAllowedHandler(req: Request, res: Response) {
    res.setHeader('Allow', allow);
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    fail('method_not_allowed', `${req.method} is not allowed on ${req.baseUrl}${req.path}; allowed: ${allow}.`);
  };
}
