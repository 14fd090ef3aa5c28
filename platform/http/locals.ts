/**
 * What the middleware leaves on `res.locals` for the routes after it. Type declarations only.
 */
import type { AccessLogEntry, SessionRow, SessionUser } from '../access/identity/index.js';
import type { Actor } from '../records/types.js';

declare global {
  namespace Express {
    interface Locals {
      /**
       * Who the request acts as (set by the actor middleware for an active session or an API token; unset on
       * public routes and for sessions still signing in).
       */
      actor: Actor;
      /** The X-Request-Id of this request, echoed or generated. */
      requestId: string;
      /** The session the request's cookie names, at whatever stage (set by the actor middleware). */
      session?: SessionRow & { user: SessionUser };
      /** How the request authenticated. */
      credential?: 'session' | 'token';
      /** What the access log should record for this request instead of a plain 'api' or 'page' row. */
      accessEvent?: Omit<AccessLogEntry, 'method' | 'url' | 'status' | 'ip' | 'at'>;
    }
  }
}

export {};
