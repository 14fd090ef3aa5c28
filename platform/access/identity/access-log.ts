/**
 * The access log: every sign-in, sign-out, failure, session expiry, and page or API request, with
 * user, organisation, time, URL, description and a sign-in flag. Rows are written in the background: a slow or
 * failing write never delays or fails the request it describes (it is logged instead).
 */
import { v7 as uuidv7 } from 'uuid';
import type { AccessEvent, AccessLog, AccessLogEntry, Clock } from '../../context.js';
import type { Database } from '../../db/connection.js';
import type { Logger } from '../../log.js';

/** The entry and log shapes are declared with the engine context, which holds the log. */
export type { AccessEvent, AccessLog, AccessLogEntry };

const clip = (v: string | null | undefined, n: number) => (v == null ? null : v.length > n ? v.slice(0, n) : v);

/** Query parameters whose values are never stored (tokens, codes, passwords in URLs). */
const SECRET_PARAM = /token|password|secret|code|key|sig/i;

/** The URL as logged: path plus query, with the values of secret-looking parameters replaced by `***`. */
export function loggableUrl(originalUrl: string): string {
  const q = originalUrl.indexOf('?');
  if (q < 0) return originalUrl;
  const params = new URLSearchParams(originalUrl.slice(q + 1));
  for (const key of [...new Set(params.keys())]) {
    if (SECRET_PARAM.test(key)) params.set(key, '***');
  }
  const query = params.toString();
  return originalUrl.slice(0, q) + (query ? `?${query}` : '');
}

/** Rows are written in batches: at most this many per batch, and no later than {@link BATCH_DELAY_MS} after queueing. */
const BATCH_ROWS = 200;
const BATCH_DELAY_MS = 50;
/**
 * A batch is inserted in chunks of these sizes (largest first: 75 rows = 64 + 4 + 4 + 1 + 1 + 1), so the INSERT statements
 * take a few shapes that the database keeps prepared, rather than one shape per batch size.
 */
const CHUNK_ROWS = [64, 16, 4, 1];

/** `rows` split into chunks of the {@link CHUNK_ROWS} sizes. */
export function chunksOf<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  let i = 0;
  for (const size of CHUNK_ROWS) {
    while (rows.length - i >= size) {
      out.push(rows.slice(i, i + size));
      i += size;
    }
  }
  return out;
}

/**
 * The access log of a database. Rows queue in memory and are inserted in batches (one transaction of multi-row
 * INSERTs per 50 ms or 200 rows), so a busy server does not pay a write per request; `flush()` (tests, shutdown) waits for
 * the entries still being worked out, writes what is queued and waits for every write in flight. A clean shutdown
 * (the server drained, then the engine closed) therefore loses no row; a crash loses what was queued: at most the
 * last 50 ms of requests, up to 200 rows, plus any batch whose INSERT had not committed.
 */
export function createAccessLog(db: Database, clock: Clock, log: Logger): AccessLog {
  let queue: Record<string, unknown>[] = [];
  let timer: NodeJS.Timeout | null = null;
  const inFlight = new Set<Promise<void>>();
  /** Entries whose content is still being worked out (a page request's user, from its session). */
  const pending = new Set<Promise<void>>();

  const write = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!queue.length) return;
    const rows = queue;
    queue = [];
    const p: Promise<void> = db.knex.transaction(async (trx) => {
      for (const chunk of chunksOf(rows)) await trx('sys_access_log').insert(chunk);
    }).then(
      () => undefined,
      (e: unknown) => { log.error('writing the access log failed', { rows: rows.length, error: (e as Error)?.message ?? String(e) }); },
    ).finally(() => { inFlight.delete(p); });
    inFlight.add(p);
  };

  let closed = false;
  const enqueue = (entry: AccessLogEntry) => {
    if (closed) {
      log.warn('an access-log row came after the log was closed and is not written', { url: entry.url ?? null, event: entry.event });
      return;
    }
    queue.push({
      id: uuidv7(),
      at: (entry.at ?? clock.now()).toISOString(),
      user_id: entry.userId ?? null,
      username: clip(entry.username, 100),
      org_id: entry.orgId ?? null,
      event: entry.event,
      sign_in: entry.signIn === true,
      method: clip(entry.method, 10),
      url: clip(entry.url, 500),
      status: entry.status ?? null,
      description: clip(entry.description, 500),
      ip: clip(entry.ip, 64),
    });
    if (queue.length >= BATCH_ROWS) write();
    else if (!timer) {
      timer = setTimeout(write, BATCH_DELAY_MS);
      // A queued row must not keep the process alive; close() flushes explicitly.
      timer.unref();
    }
  };

  async function flush(): Promise<void> {
    while (pending.size) await Promise.all([...pending]);
    write();
    while (inFlight.size) await Promise.all([...inFlight]);
  }

  return {
    record(entry) {
      if (!(entry instanceof Promise)) {
        enqueue(entry);
        return;
      }
      const p: Promise<void> = entry.then(enqueue, (e: unknown) => {
        log.error('recording an access failed', { error: (e as Error)?.message ?? String(e) });
      }).finally(() => { pending.delete(p); });
      pending.add(p);
    },
    flush,
    async close() {
      await flush();
      closed = true;
    },
  };
}
