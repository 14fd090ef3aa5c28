/** The request id: every response carries one, so a client's report can be matched with the server's log. */
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** A client's id is echoed only when it is short and plain, so it cannot smuggle anything into headers or logs. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Echo a plain `X-Request-Id` from the client, or generate one; every response carries it. */
export function requestId(): RequestHandler {
  return function requestIdMiddleware(req: Request, res: Response, next: NextFunction) {
    const given = req.get('x-request-id');
    const id = given && CLIENT_REQUEST_ID.test(given) ? given : randomUUID();
    res.locals.requestId = id;
    res.setHeader('X-Request-Id', id);
    next();
  };
}
