/** The access log: one row per request, written once its response has finished or was cut short. */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { fetchSession, loggableUrl, sessionCookieName, type AccessLogEntry } from '../../access/identity/index.js';
import type { Formwork } from '../../context.js';
import type { Actor } from '../../records/types.js';
import { readCookie } from '../cookies.js';
import { isApiPath } from '../paths.js';

/** Write the access-log row of a finished request (see {@link accessLogger}); `cut` describes one cut short. */
function recordAccess(fw: Formwork, req: Request, res: Response, at: Date, api: boolean, cut: string | null): void {
  const given = res.locals.accessEvent;
  const actor = res.locals.actor as Actor | undefined;
  const sessionUser = res.locals.session?.user;
  const entry: AccessLogEntry = {
    event: given?.event ?? (api ? 'api' : 'page'),
    signIn: given?.signIn ?? false,
    userId: given?.userId ?? actor?.id ?? sessionUser?.id ?? null,
    username: given?.username ?? actor?.username ?? sessionUser?.username ?? null,
    orgId: given?.orgId ?? actor?.orgId ?? sessionUser?.org_id ?? null,
    description: given?.description ?? cut,
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
  // Handed over as a promise: the log's flush (at shutdown) waits for it.
  fw.accessLog.record(fetchSession(fw, value).then((s) => {
    const live = s && !s.revoked_at && s.stage === 'active';
    return live ? { ...entry, userId: s.user.id, username: s.user.username, orgId: s.user.org_id } : entry;
  }, () => entry));
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
    // 'finish' for a response sent in full; 'close' alone for one cut short (the client left mid-download, or a
    // stream failed), which is recorded too, saying so.
    let recorded = false;
    const done = () => {
      if (recorded) return;
      recorded = true;
      try {
        recordAccess(fw, req, res, at, api, res.writableFinished ? null : 'The response was cut short before it was complete.');
      } catch (e) {
        // The response is out already; a broken access log must not turn into an unhandled exception.
        fw.log.error('recording an access failed', { error: (e as Error)?.message ?? String(e) });
      }
    };
    res.on('finish', done);
    res.on('close', done);
    next();
  };
}
