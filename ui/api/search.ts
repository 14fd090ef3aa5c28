/**
 * Search across every searchable table the person may read (/api/search) and the header's suggestions
 * (/api/search/suggest). Titles, summaries and snippet parts are plain text: bind them as text, never as HTML.
 */
import type { ApiClient } from './client.js';

export type { SearchGroup, SearchReason, SnippetPart, SearchSnippet, SearchResult, SearchAnswer } from '../../platform/http/api-types.js';
import type { SearchAnswer } from '../../platform/http/api-types.js';

/** What to search for: the text, optionally only some tables and only records carrying all of some tags. */
export interface SearchRequest {
  q: string;
  tables?: string[];
  tags?: string[];
  limit?: number;
  offset?: number;
}

/** One suggestion of the header's search box. */
export interface Suggestion {
  table: string;
  tableLabel: string;
  id: string;
  title: string;
}

/**
 * The API sends its answer either as the whole body or wrapped in `data` (like every other endpoint); both are
 * accepted so that the page does not depend on which.
 */
function unwrap<T>(data: T | undefined, body: Record<string, unknown>): T {
  return (data ?? body) as T;
}

/** A page of search results. Rejects with ApiError (`invalid_query` for a query the search cannot take). */
export async function fetchSearch(api: ApiClient, r: SearchRequest, signal?: AbortSignal): Promise<SearchAnswer> {
  const { data, body } = await api.get<SearchAnswer>('/search', {
    signal,
    query: {
      q: r.q,
      tables: r.tables?.length ? r.tables.join(',') : undefined,
      tags: r.tags?.length ? r.tags.join(',') : undefined,
      limit: r.limit,
      offset: r.offset || undefined,
    },
  });
  const answer = unwrap(data, body);
  return {
    query: answer.query ?? r.q,
    total: answer.total ?? 0,
    groups: answer.groups ?? [],
    results: answer.results ?? [],
    meta: answer.meta ?? { limit: r.limit ?? 20, offset: r.offset ?? 0 },
  };
}

/** Up to `limit` records whose titles start like the text typed (its last word as a prefix). */
export async function fetchSuggestions(
  api: ApiClient, q: string, options: { limit?: number; signal?: AbortSignal } = {},
): Promise<Suggestion[]> {
  const { data, body } = await api.get<{ suggestions: Suggestion[] }>('/search/suggest', {
    signal: options.signal,
    query: { q, limit: options.limit },
  });
  return unwrap(data, body).suggestions ?? [];
}
