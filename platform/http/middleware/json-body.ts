/** The JSON body parser of the API, whose every failure is reported as a problem with the request body. */
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { bodyError } from '../problem.js';

/**
 * express.json (strict: objects and arrays only) up to `limit` bytes. Anything the parser passes on is about the
 * body, never the URL: a body that does not decompress as its Content-Encoding says becomes invalid_payload, and
 * the parser's own refusals keep their status (413 too large, 415 unsupported charset or encoding).
 */
export function jsonBody(limit: string | number): RequestHandler {
  const parse = express.json({ limit, strict: true });
  return function jsonBodyMiddleware(req: Request, res: Response, next: NextFunction) {
    parse(req, res, (err?: unknown) => {
      if (err === undefined || err === null) next();
      else next(bodyError(err, req.get('content-encoding')));
    });
  };
}
