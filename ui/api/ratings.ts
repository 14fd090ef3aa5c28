/** A record's ratings and views: /api/tables/:t/:id/rating and /view (platform/http/routes/ratings.ts). */
import { tablePath, type ApiClient } from './client.js';

/** GET/PUT/DELETE …/rating: the record's ratings and the person's own. */
export interface RatingSummary {
  scale: 'useful' | 'stars';
  comments: boolean;
  count: number;
  /** The share of "yes" (0..1) for "useful", 1..5 for stars; null before the first rating. */
  average: number | null;
  yes?: number;
  no?: number;
  mine: { value: number; comment: string | null } | null;
}

/** GET the record's ratings. Rejects with ApiError. */
export async function fetchRating(api: ApiClient, table: string, id: string, signal?: AbortSignal): Promise<RatingSummary> {
  return (await api.request<unknown>('GET', tablePath(table, id, 'rating'), { signal })).body as unknown as RatingSummary;
}

/** PUT the person's rating (and comment). Rejects with ApiError (validation_failed with field problems). */
export async function saveRating(api: ApiClient, table: string, id: string, value: number, comment?: string): Promise<RatingSummary> {
  const body = comment === undefined ? { value } : { value, comment };
  return (await api.request<unknown>('PUT', tablePath(table, id, 'rating'), { body })).body as unknown as RatingSummary;
}

/** DELETE the person's rating. Rejects with ApiError. */
export async function removeRating(api: ApiClient, table: string, id: string): Promise<RatingSummary> {
  return (await api.request<unknown>('DELETE', tablePath(table, id, 'rating'))).body as unknown as RatingSummary;
}

/** POST one view of the record (the server counts at most one per person and day). Rejects with ApiError. */
export async function recordView(api: ApiClient, table: string, id: string): Promise<void> {
  await api.post(tablePath(table, id, 'view'));
}
