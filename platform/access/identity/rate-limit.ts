/**
 * Fixed-window rate limits counted in sys_rate_limit, so every instance shares them. One upsert per hit
 * increments and reads back the window's count.
 */
import type { Formwork } from '../../context.js';
import { fail } from '../../errors.js';

export interface RateLimitResult {
  allowed: boolean;
  count: number;
  /** Seconds until the window ends (for Retry-After). */
  retryAfter: number;
}

/** Count one hit of `key` in the current window of `windowSeconds`; allowed while the count is ≤ `limit`. */
export async function hitRateLimit(fw: Formwork, key: string, limit: number, windowSeconds: number): Promise<RateLimitResult> {
  const now = fw.clock.now().getTime();
  const windowMs = windowSeconds * 1000;
  const start = Math.floor(now / windowMs) * windowMs;
  const windowStart = new Date(start).toISOString();
  const k = fw.db.knex;
  const rows = await k('sys_rate_limit')
    .insert({ key, window_start: windowStart, count: 1 })
    .onConflict(['key', 'window_start'])
    .merge({ count: k.raw('?? + 1', ['sys_rate_limit.count']) })
    .returning('count') as unknown as { count: unknown }[];
  // Earlier windows of this key are spent: drop them so the table stays small.
  await k('sys_rate_limit').where({ key }).andWhere('window_start', '<', windowStart).delete();
  const count = Number(rows[0]?.count ?? 1);
  return { allowed: count <= limit, count, retryAfter: Math.max(1, Math.ceil((start + windowMs - now) / 1000)) };
}

/** {@link hitRateLimit} that fails with `rate_limited` (extra.retryAfter in seconds) when over the limit. */
export async function assertRateLimit(fw: Formwork, key: string, limit: number, windowSeconds: number, what: string): Promise<void> {
  const r = await hitRateLimit(fw, key, limit, windowSeconds);
  if (!r.allowed) {
    fail('rate_limited', `Too many ${what}; try again in ${r.retryAfter} seconds.`, { extra: { retryAfter: r.retryAfter } });
  }
}
