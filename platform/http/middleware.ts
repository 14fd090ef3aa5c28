/**
 * The HTTP middleware of the API, one factory per concern, each returning a named function. The order they run
 * in is fixed in app.ts. None of them writes an error response: they fail with a FormworkError and problem.ts
 * turns it into application/problem+json.
 */
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Formwork } from '../context.js';
import { fail } from '../errors.js';
import type { Actor } from '../records/types.js';

declare global {
  namespace Express {
    interface Locals {
      /** Who the request acts as (set by {@link actorMiddleware}). */
      actor: Actor;
      /** The X-Request-Id of this request, echoed or generated. */
      requestId: string;
    }
  }
}

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

export function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}

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

/** Keys that would reach an object's prototype if any later merge honoured them (JSON.parse makes them own keys). */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Record bodies are flat with JSON fields; deeper nesting is refused rather than walked by every later step. */
const MAX_DEPTH = 64;

/** RFC 6901 JSON pointer of a path. */
function pointer(path: readonly string[]): string {
  return path.map((p) => '/' + p.replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/**
 * Throws `invalid_payload` (or `code`) when any key anywhere in `body` is `__proto__`, `constructor` or
 * `prototype` (naming its JSON pointer), or when it nests deeper than {@link MAX_DEPTH}. Iterative, so hostile
 * nesting cannot overflow the stack.
 *
 * @param what names the document in messages ("request body", "filter")
 */
export function assertSafeJson(body: unknown, code: 'invalid_payload' | 'invalid_query' = 'invalid_payload', what = 'request body'): void {
  const stack: { value: unknown; path: string[] }[] = [{ value: body, path: [] }];
  while (stack.length) {
    const { value, path } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (path.length >= MAX_DEPTH) fail(code, `The ${what} nests deeper than ${MAX_DEPTH} levels at "${pointer(path)}".`);
    if (Array.isArray(value)) {
      value.forEach((v, i) => stack.push({ value: v, path: [...path, String(i)] }));
      continue;
    }
    for (const key of Object.keys(value)) {
      const at = [...path, key];
      if (FORBIDDEN_KEYS.has(key)) {
        fail(code, `The ${what} may not contain the key "${key}" (at "${pointer(at)}").`, {
          fieldErrors: [{ field: pointer(at), code: 'forbidden_key', message: `The key "${key}" is not allowed.` }],
        });
      }
      stack.push({ value: (value as Record<string, unknown>)[key], path: at });
    }
  }
}

/** Refuses bodies holding prototype-polluting keys (see {@link assertSafeJson}); runs after the JSON parser. */
export function rejectUnsafeKeys(): RequestHandler {
  return function rejectUnsafeKeysMiddleware(req: Request, _res: Response, next: NextFunction) {
    if (req.body !== undefined) assertSafeJson(req.body);
    next();
  };
}

/**
 * Who a request acts as. Until the identity issue lands every request is the system actor: this one function is
 * what that issue replaces (sessions, MFA, `unauthenticated`).
 */
export async function resolveActor(fw: Formwork, _req: Request): Promise<Actor> {
  return fw.systemActor;
}

/** Stores the actor of the request on `res.locals.actor`. */
export function actorMiddleware(fw: Formwork): RequestHandler {
  return async function actor(req: Request, res: Response, next: NextFunction) {
    res.locals.actor = await resolveActor(fw, req);
    next();
  };
}

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

/** The last handler: nothing matched. */
export function notFound(): RequestHandler {
  return function notFoundHandler(req: Request) {
    fail('not_found', `Nothing is served at ${req.method} ${req.path}.`);
  };
}
