/**
 * The one place errors become HTTP responses: RFC 9457 problem documents (`application/problem+json`).
 * FormworkErrors map through the error catalogue; body-parser's errors map to their catalogue codes; anything
 * else is an `internal_error` whose real cause is logged and never shown to the client.
 */
import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import type { Formwork } from '../context.js';
import { ERROR_CODES, FormworkError, isFormworkError, type ErrorCode } from '../errors.js';

export const PROBLEM_TYPE_BASE = 'https://formwork.dev/problems/';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  instance: string;
  requestId?: string;
  errors?: { field: string; code: string; message: string }[];
  [extension: string]: unknown;
}

/** Members an error's `extra` may not overwrite. */
const RESERVED = new Set(['type', 'title', 'status', 'code', 'detail', 'instance', 'requestId', 'errors']);

/** Headers a handler may have set for the success it expected; they do not describe the problem. */
const SUCCESS_HEADERS = ['ETag', 'Location', 'Last-Modified', 'Content-Disposition'];

/** The shape of the errors body-parser and raw-body raise (http-errors with a `type`, and what it names). */
interface HttpParserError { status?: number; statusCode?: number; type?: string; message?: string; charset?: string; encoding?: string }

/** The content codings body-parser decompresses on every Node we run on (zstd only from Node 22.15, so not named). */
const CODINGS = 'gzip, deflate or br';

function asParserError(e: unknown): HttpParserError | null {
  if (e === null || typeof e !== 'object') return null;
  const h = e as HttpParserError;
  const status = h.status ?? h.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? h : null;
}

/** body-parser's and raw-body's refusals by their `type` (and a bare 413 or 415), or null for any other error. */
function parserProblem(h: HttpParserError, e: unknown): FormworkError | null {
  switch (h.type) {
    case 'entity.too.large':
      return new FormworkError('payload_too_large', 'The request body is larger than this server accepts.', { cause: e });
    case 'entity.parse.failed':
      return new FormworkError('invalid_payload', `The request body is not valid JSON: ${h.message ?? 'it could not be parsed'}.`, { cause: e });
    case 'charset.unsupported':
      return new FormworkError('unsupported_media_type',
        `The request body's charset${h.charset ? ` "${h.charset}"` : ''} is not supported; send UTF-8 JSON.`, { cause: e });
    case 'encoding.unsupported':
      return new FormworkError('unsupported_media_type',
        `The request body's Content-Encoding${h.encoding ? ` "${h.encoding}"` : ''} is not supported; send the body uncompressed or as ${CODINGS}.`,
        { cause: e });
    case 'request.aborted':
    case 'request.size.invalid':
    case 'entity.verify.failed':
      return new FormworkError('invalid_payload', `The request body could not be read: ${h.message ?? h.type}.`, { cause: e });
    default:
      break;
  }
  const status = h.status ?? h.statusCode;
  if (status === 413) return new FormworkError('payload_too_large', 'The request body is larger than this server accepts.', { cause: e });
  if (status === 415) return new FormworkError('unsupported_media_type', 'The content type is not supported.', { cause: e });
  return null;
}

/**
 * Translate what reached the error handler into a FormworkError, or null when it is not the client's fault.
 * body-parser's errors carry a `type`; the router's own 4xx (e.g. an undecodable `%` in a path) carry only a status.
 */
export function toFormworkError(e: unknown): FormworkError | null {
  if (isFormworkError(e)) return e;
  const h = asParserError(e);
  if (!h) return null;
  const parsed = parserProblem(h, e);
  if (parsed) return parsed;
  if ((h.status ?? h.statusCode) === 404) return new FormworkError('not_found', 'The resource does not exist.', { cause: e });
  return new FormworkError('invalid_query', `The request URL is not valid: ${h.message ?? 'it could not be decoded'}.`, { cause: e });
}

/**
 * What the JSON body parser passed on, as an error about the request body (the parser reads nothing else, so none of
 * it is about the URL). Its typed refusals map as in {@link toFormworkError}; a body that does not decompress as its
 * `contentEncoding` says (zlib's "incorrect header check", a truncated stream) is invalid_payload. An error that is
 * not the client's fault is returned unchanged, for the handler to log as internal.
 */
export function bodyError(e: unknown, contentEncoding?: string): unknown {
  const h = isFormworkError(e) ? null : asParserError(e);
  if (!h) return e;
  const parsed = parserProblem(h, e);
  if (parsed) return parsed;
  const coding = contentEncoding?.trim().toLowerCase();
  const what = coding && coding !== 'identity'
    ? `does not decompress as its Content-Encoding "${coding}" says`
    : 'could not be read';
  return new FormworkError('invalid_payload', `The request body ${what}: ${h.message ?? 'it is malformed'}.`, { cause: e });
}

/** The problem document of a FormworkError for a request path. */
export function problemDocument(error: FormworkError, instance: string, requestId?: string): ProblemDocument {
  const doc: ProblemDocument = {
    type: `${PROBLEM_TYPE_BASE}${error.code}`,
    title: ERROR_CODES[error.code].title,
    status: error.status,
    code: error.code,
    detail: error.message,
    instance,
  };
  if (requestId) doc.requestId = requestId;
  if (error.fieldErrors.length) {
    doc.errors = error.fieldErrors.map(({ field, code, message }) => ({ field, code, message }));
  }
  for (const [key, value] of Object.entries(error.extra)) {
    if (!RESERVED.has(key)) doc[key] = value;
  }
  return doc;
}

/** Express error middleware; install last in app.ts. */
export function problemHandler(fw: Formwork): ErrorRequestHandler {
  return function problemMiddleware(err: unknown, req: Request, res: Response, next: NextFunction) {
    const requestId = typeof res.locals.requestId === 'string' ? res.locals.requestId : undefined;
    if (res.headersSent) {
      // Too late for a problem document; express closes the connection.
      fw.log.error('error after the response started', { requestId, method: req.method, path: req.path, error: describe(err) });
      next(err);
      return;
    }
    let error = toFormworkError(err);
    if (!error) {
      fw.log.error('unhandled error', { requestId, method: req.method, path: req.originalUrl, error: describe(err) });
      error = new FormworkError('internal_error',
        `Something went wrong on the server${requestId ? `; quote request id ${requestId} when reporting it` : ''}.`);
    }
    for (const h of SUCCESS_HEADERS) res.removeHeader(h);
    const instance = req.originalUrl.split('?')[0] ?? req.path;
    res.status(error.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problemDocument(error, instance, requestId)));
  };
}

function describe(err: unknown): Record<string, unknown> {
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack };
  return { value: String(err) };
}
