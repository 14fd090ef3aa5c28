/**
 * The HTTP middleware of the API, one factory per concern, each returning a named function. The order they run
 * in is fixed in app.ts. None of them writes an error response: they fail with a FormworkError and problem.ts
 * turns it into application/problem+json.
 */
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { safeEqual } from '../access/crypto.js';
import {
  actorFromMemberships, fetchSession, isExpired, loggableUrl, resolveApiToken, revokeSession, sessionCookieName,
  sessionCookieOptions, touchSession, type AccessLogEntry, type SessionRow, type SessionStage, type SessionUser, type Membership,
} from '../access/identity/index.js';
import type { Formwork } from '../context.js';
import { fail } from '../errors.js';
import type { Actor } from '../records/types.js';

declare global {
  namespace Express {
    interface Locals {
      /**
       * Who the request acts as (set by {@link actorMiddleware} for an active session or an API token; unset on
       * public routes and for sessions still signing in).
       */
      actor: Actor;
      /** The X-Request-Id of this request, echoed or generated. */
      requestId: string;
      /** The session the request's cookie names, at whatever stage (set by {@link actorMiddleware}). */
      session?: SessionRow & { user: SessionUser };
      /** How the request authenticated. */
      credential?: 'session' | 'token';
      /** What the access log should record for this request instead of a plain 'api' or 'page' row. */
      accessEvent?: Omit<AccessLogEntry, 'method' | 'url' | 'status' | 'ip' | 'at'>;
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

/** Which credential a path of the API needs, and at which session stages. */
interface AccessRule {
  /** Reachable without any credential. */
  public?: boolean;
  /** Session stages that may reach the path. */
  stages: readonly SessionStage[];
  /** Whether an API token may reach it (session-only paths drive the sign-in of a browser). */
  token: boolean;
}

const ALL_STAGES: readonly SessionStage[] = ['mfa', 'mfa_enrol', 'change_password', 'profile', 'active'];
const PUBLIC: AccessRule = { public: true, stages: [], token: false };
const SIGNING_IN: AccessRule = { stages: ALL_STAGES, token: false };
const API: AccessRule = { stages: ['active'], token: true };

/**
 * The access rule of an API path (relative to /api). Deny by default: everything not listed needs an active
 * session or a token. A session still signing in reaches only the auth endpoints of its stage, so skipping MFA
 * (or the forced password change) reaches nothing else. Express matches paths case-insensitively and ignores a
 * trailing slash, so the rule does too.
 */
export function accessRuleFor(path: string): AccessRule {
  const p = normalisePath(path);
  if (p === '/health' || p === '/auth/sign-in') return PUBLIC;
  if (p === '/auth/session' || p === '/auth/session/extend' || p === '/auth/sign-out') return SIGNING_IN;
  if (p === '/auth/mfa' || p.startsWith('/auth/mfa/')) return { stages: ['mfa', 'mfa_enrol'], token: false };
  if (p === '/auth/password') return { stages: ['change_password', 'active'], token: false };
  if (p === '/auth/profile') return { stages: ['profile', 'active'], token: false };
  return API;
}

/** A path as express matches it: case-insensitive, trailing slashes ignored. */
function normalisePath(path: string): string {
  return path.toLowerCase().replace(/\/+$/, '') || '/';
}

/** The value of cookie `name` in the request's Cookie header, or null. */
export function readCookie(req: Request, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}

/**
 * The open session the request's cookie names. A missing, unknown or ended session fails with
 * `unauthenticated`; one past its idle or absolute expiry is ended (recorded once as 'session_expired') and fails
 * with `session_expired`. Either way the cookie is cleared.
 */
async function requireSession(fw: Formwork, req: Request, res: Response): Promise<SessionRow & { user: SessionUser; memberships: readonly Membership[] }> {
  const name = sessionCookieName(fw.config);
  const value = readCookie(req, name);
  if (!value) fail('unauthenticated', 'Sign in first: this request carries no session or API token.');
  const session = await fetchSession(fw, value);
  const clear = () => res.clearCookie(name, sessionCookieOptions(fw.config));
  if (!session) {
    clear();
    fail('unauthenticated', 'The session does not exist; sign in again.');
  }
  if (session.revoked_at) {
    clear();
    if (session.revoked_reason === 'expired') fail('session_expired', 'The session has expired; sign in again.');
    fail('unauthenticated', 'The session has ended; sign in again.');
  }
  if (isExpired(fw.config, session, fw.clock.now())) {
    if (await revokeSession(fw, session.id, 'expired')) {
      res.locals.accessEvent = {
        event: 'session_expired', userId: session.user.id, username: session.user.username, orgId: session.user.org_id,
        description: `Session expired (${fw.clock.now().getTime() >= new Date(session.expires_at).getTime() ? 'absolute' : 'idle'} time-out)`,
      };
    }
    clear();
    fail('session_expired', 'The session has expired; sign in again.');
  }
  if (session.user.status !== 'active') {
    clear();
    fail('unauthenticated', 'The account can no longer sign in.');
  }
  return session;
}

/**
 * Authenticates the API request and stores who it acts as (`res.locals.actor`, `session`, `credential`):
 * `Authorization: Bearer fw_…` → the token's owner (no MFA: machine clients); else the session cookie, whose
 * stage must be allowed on the path ({@link accessRuleFor}); public paths pass without either. Activity is
 * recorded at most every 30 s, and never by GET /auth/session, which a page polls to warn of the idle time-out.
 * Errors: unauthenticated, session_expired.
 */
export function actorMiddleware(fw: Formwork): RequestHandler {
  return async function actor(req: Request, res: Response, next: NextFunction) {
    const rule = accessRuleFor(req.path);
    if (rule.public) {
      next();
      return;
    }
    const authorization = req.get('authorization');
    if (authorization !== undefined) {
      if (!rule.token) fail('unauthenticated', `${req.method} ${req.baseUrl}${req.path} needs a signed-in browser session, not an API token.`);
      const bearer = /^Bearer +(\S+)$/i.exec(authorization)?.[1];
      const resolved = bearer ? await resolveApiToken(fw, bearer) : null;
      if (!resolved) fail('unauthenticated', 'The API token is not valid: it is malformed, unknown, expired or revoked, or its owner cannot sign in.');
      res.locals.credential = 'token';
      res.locals.actor = resolved.actor;
      next();
      return;
    }
    const { memberships, ...current } = await requireSession(fw, req, res);
    let session = current;
    if (!rule.stages.includes(session.stage)) {
      fail('unauthenticated', session.stage === 'active'
        ? 'This step of signing in is already done.'
        : `Finish signing in first (next step: ${session.stage}); nothing else is reachable until then.`);
    }
    res.locals.credential = 'session';
    // Polling the session (to warn of the idle time-out) is not activity; anything else is.
    if (!(req.method === 'GET' && normalisePath(req.path) === '/auth/session')) {
      session = { ...(await touchSession(fw, session)), user: session.user };
    }
    res.locals.session = session;
    if (session.stage === 'active') res.locals.actor = await actorFromMemberships(fw, session.user, memberships, { sessionId: session.id, via: 'session' });
    next();
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Cross-site request forgery protection, after {@link actorMiddleware}. A cookie-authenticated POST, PUT, PATCH
 * or DELETE must send `X-CSRF-Token` equal to its session's token (constant-time comparison); requests with an
 * API token are exempt (a browser never adds one by itself). Sign-in has no session yet: it relies on the
 * JSON-only body rule, which a cross-site form cannot meet. With PUBLIC_URL set, an `Origin` header naming
 * another origin is refused on every unsafe request. Errors: csrf_failed.
 */
export function csrfProtection(fw: Formwork): RequestHandler {
  return function csrf(req: Request, res: Response, next: NextFunction) {
    if (SAFE_METHODS.has(req.method)) {
      next();
      return;
    }
    const expectedOrigin = fw.config.publicUrl ? new URL(fw.config.publicUrl).origin : null;
    const origin = req.get('origin');
    if (expectedOrigin && origin !== undefined && origin !== expectedOrigin) {
      fail('csrf_failed', `Requests from origin "${origin}" are not accepted; this server is ${expectedOrigin}.`);
    }
    if (res.locals.credential === 'session') {
      const given = req.get('x-csrf-token');
      if (!given || !safeEqual(given, res.locals.session!.csrf_token)) {
        fail('csrf_failed', given ? 'The X-CSRF-Token header does not match the session.' : 'Send the session\'s CSRF token in the X-CSRF-Token header.');
      }
    }
    next();
  };
}

/** Write the access-log row of a finished request (see {@link accessLogger}). */
function recordAccess(fw: Formwork, req: Request, res: Response, at: Date, api: boolean): void {
  const given = res.locals.accessEvent;
  const actor = res.locals.actor as Actor | undefined;
  const sessionUser = res.locals.session?.user;
  const entry: AccessLogEntry = {
    event: given?.event ?? (api ? 'api' : 'page'),
    signIn: given?.signIn ?? false,
    userId: given?.userId ?? actor?.id ?? sessionUser?.id ?? null,
    username: given?.username ?? actor?.username ?? sessionUser?.username ?? null,
    orgId: given?.orgId ?? actor?.orgId ?? sessionUser?.org_id ?? null,
    description: given?.description ?? null,
    method: req.method, url: loggableUrl(req.originalUrl), status: res.statusCode, ip: req.ip ?? null, at,
  };
  if (api || entry.userId) {
    fw.accessLog.record(entry);
    return;
  }
  // A page request passes no API middleware: find its user from the session cookie, without touching it.
  const value = readCookie(req, sessionCookieName(fw.config));
  if (!value) {
    fw.accessLog.record(entry);
    return;
  }
  fetchSession(fw, value).then((s) => {
    const live = s && !s.revoked_at && s.stage === 'active';
    fw.accessLog.record(live ? { ...entry, userId: s.user.id, username: s.user.username, orgId: s.user.org_id } : entry);
  }, () => fw.accessLog.record(entry)).catch((e: unknown) => {
    fw.log.error('recording an access failed', { error: (e as Error)?.message ?? String(e) });
  });
}

/**
 * Records every request in the access log once its response has finished (never delaying or failing it): an
 * 'api' row for API requests, a 'page' row for others, or the event a route or middleware named (sign-in,
 * failures, sign-out, expiry). The health check and the app's static files are not recorded.
 */
export function accessLogger(fw: Formwork): RequestHandler {
  return function accessLog(req: Request, res: Response, next: NextFunction) {
    const at = fw.clock.now();
    const api = isApiPath(req.path);
    // The health check (polled by load balancers) and the app's static files (a page load fetches several; the
    // page itself is the access) are not recorded.
    if (req.path === '/api/health' || req.path.startsWith('/ui/') || req.path === '/favicon.ico') {
      next();
      return;
    }
    res.on('finish', () => {
      try {
        recordAccess(fw, req, res, at, api);
      } catch (e) {
        // The response is out already; a broken access log must not turn into an unhandled exception.
        fw.log.error('recording an access failed', { error: (e as Error)?.message ?? String(e) });
      }
    });
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
