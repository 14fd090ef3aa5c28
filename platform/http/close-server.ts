import type { Server } from 'node:http';

/** How often idle keep-alive connections are closed while the server drains. */
const IDLE_SWEEP_MS = 25;

/**
 * Close an HTTP server without cutting requests short: stop accepting connections, let the requests in flight
 * finish, close each keep-alive connection once it is idle (else a client's open connection holds the server for
 * its keep-alive timeout), and after `graceMs` cut whatever is left. Resolves once every connection is closed, so
 * what runs next (the access log's flush, closing the database) sees every request's work done.
 */
export function closeServer(server: Server, graceMs = 10_000): Promise<void> {
  return new Promise((resolve) => {
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}
