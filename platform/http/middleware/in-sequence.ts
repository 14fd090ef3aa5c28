import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Several middleware functions mounted as one: each runs in turn, as they would mounted one after the other —
 * an error passed to `next`, thrown, or a rejected promise skips the rest and goes to the error handlers — without
 * the router matching each of them against the path on the way.
 */
export function inSequence(...handlers: RequestHandler[]): RequestHandler {
  return function sequence(req: Request, res: Response, next: NextFunction) {
    let i = 0;
    const step = (err?: unknown): void => {
      if (err !== undefined && err !== null && err !== false) {
        next(err);
        return;
      }
      const handler = handlers[i++];
      if (!handler) {
        next();
        return;
      }
      try {
        const returned = handler(req, res, step) as unknown;
        // As express does for a handler that returns a promise: its rejection is the request's error.
        if (returned instanceof Promise) returned.then(undefined, (e: unknown) => next(e ?? new Error('Rejected promise')));
      } catch (e) {
        next(e);
      }
    };
    step();
  };
}
