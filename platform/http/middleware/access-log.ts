/** The access log: one row per request, written once its response has finished. */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { fetchSession, loggableUrl, sessionCookieName, type AccessLogEntry } from '../../access/identity/index.js';
import type { Formwork } from '../../context.js';
import type { Actor } from '../../records/types.js';
import { readCookie } from '../cookies.js';
import { isApiPath } from '../paths.js';

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
