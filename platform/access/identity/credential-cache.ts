/**
 * A cache of credential reads (a session or API token row with its user's memberships), so that a request's
 * authentication usually costs no database round trip. On SQLite's single connection a request's cost follows its
 * statement count, and the credential read was half of a get-by-id.
 *
 * Correctness comes first: a revoked token, a locked user, a removed role or a rescinded consent must apply to the
 * very next request. Rather than trusting every write path to remember an invalidation call, the cache watches
 * the database connection it reads through:
 *
 * - every statement that writes one of the identity tables ({@link IDENTITY_TABLES}) bumps a generation counter
 *   when it is issued, and marks its connection "dirty";
 * - when a dirty connection goes back to the pool — after its autocommit statement finished or its transaction
 *   committed or rolled back — the generation is bumped again and the mark cleared;
 * - an entry is served only if it was stored under the current generation, and an entry is stored only if the
 *   generation did not move while it was being read and no identity write was in flight (so a read that raced a
 *   commit is never kept).
 *
 * Writes made by another process (a second server instance on the same PostgreSQL, the CLI) cannot be seen
 * here: entries therefore also expire after `ttlMs` (IDENTITY_CACHE_MS, default 1000; 0 turns the cache off).
 * Unknown credentials are never cached, so random bearer values cannot fill memory; the cache holds at most
 * `maxEntries` credentials and drops the oldest first.
 */
import type { Knex } from 'knex';

/** Tables whose rows a credential read depends on. */
export const IDENTITY_TABLES: ReadonlySet<string> = new Set([
  'sys_user', 'sys_user_role', 'sys_user_org', 'sys_user_party_code', 'sys_party_code', 'sys_access_grant',
  'sys_consent', 'sys_org', 'sys_api_token', 'sys_session',
]);

// insert into / update / delete from, with optional quoting and schema: "insert into `sys_user_role`",
// 'update "public"."sys_user" set', 'delete from sys_access_grant'. Global: a statement may write several.
const WRITE_TARGET = /\b(?:insert\s+(?:or\s+\w+\s+)?into|update|delete\s+from)\s+(?:[`"]?\w+[`"]?\s*\.\s*)?[`"]?(\w+)/gi;

/** Whether a SQL statement writes one of the identity tables. */
export function writesIdentity(sql: string): boolean {
  for (const m of sql.matchAll(WRITE_TARGET)) {
    if (IDENTITY_TABLES.has(m[1]!.toLowerCase())) return true;
  }
  return false;
}

interface Entry<T> { value: T; generation: number; storedAt: number }

/** Options of a {@link CredentialCache}. */
export interface CredentialCacheOptions {
  /** At most this many credentials are held; the oldest is dropped first (default 10,000). */
  maxEntries?: number;
  /**
   * The time `ttlMs` is measured on, in milliseconds (default `performance.now`: monotonic, so a wall-clock step
   * neither keeps an entry alive nor drops it early). Tests pass a clock they move instead of waiting.
   */
  now?: () => number;
}

export class CredentialCache<T> {
  private generation = 0;
  private readonly dirty = new Set<string>();
  private readonly entries = new Map<string, Entry<T>>();
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(private readonly ttlMs: number, options: CredentialCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? (() => performance.now());
  }

  /** Follow the writes made through `knex` (see the module comment). Without a pool to watch, nothing is cached. */
  watch(knex: Knex): this {
    const pool = (knex.client as { pool?: { on(event: 'release', listener: (resource: { __knexUid?: string }) => void): void } }).pool;
    if (!pool || this.ttlMs <= 0) {
      this.disabled = true;
      return this;
    }
    knex.on('query', (q: { sql?: string; __knexUid?: string }) => {
      if (typeof q.sql !== 'string' || !writesIdentity(q.sql)) return;
      this.generation += 1;
      this.dirty.add(q.__knexUid ?? '?');
    });
    pool.on('release', (resource) => {
      const uid = resource?.__knexUid ?? '?';
      if (this.dirty.delete(uid) || (uid !== '?' && this.dirty.delete('?'))) this.generation += 1;
    });
    return this;
  }

  private disabled = false;

  /** The value for `key` from the cache when current, else from `load` (stored when it is safe to). */
  async read(key: string, load: () => Promise<T | null>): Promise<T | null> {
    if (this.disabled) return load();
    const now = this.now();
    const hit = this.entries.get(key);
    if (hit && hit.generation === this.generation && this.dirty.size === 0 && now - hit.storedAt < this.ttlMs) return hit.value;
    if (hit) this.entries.delete(key);
    const generation = this.generation;
    const quiet = this.dirty.size === 0;
    const value = await load();
    if (value !== null && quiet && this.dirty.size === 0 && generation === this.generation) {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, { value, generation, storedAt: now });
    }
    return value;
  }

  /** Forget everything (e.g. after changes made outside the watched connection). */
  clear(): void {
    this.entries.clear();
    this.generation += 1;
  }
}
