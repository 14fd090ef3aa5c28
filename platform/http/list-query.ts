/**
 * The query of a record list (`GET /tables/:table`, its CSV export, a queue's items): `filter` (a condition in JSON),
 * `sort` (`-priority,number`), `limit`, `offset`, `fields` (comma-separated) and `total`: `true` (the default) counts
 * the matches exactly, `estimate` counts exactly up to TOTAL_CAP (10,000) matches and estimates past it, `false` counts
 * nothing. Routes spread {@link LIST_PARAMS} into their own query schema, turn what {@link readQuery} gave them into a
 * QuerySpec with {@link toQuerySpec} and answer `meta` with {@link listMeta}. The record service checks the names
 * (fields, sort fields, operators) and the page size.
 */
import type { Condition } from '../conditions/types.js';
import { fail } from '../errors.js';
import type { DisplayMode } from '../records/types.js';
import type { QueryResult, QuerySpec, SortSpec } from '../records/types.js';
import type { ListMeta } from './api-types.js';
import { param, type InputSchema } from './input.js';
import { assertSafeJson } from './safe-json.js';

/** The list parameters, as read by {@link readQuery}. */
export interface ListParams {
  filter?: string;
  sort?: string;
  limit?: number;
  offset?: number;
  fields?: string;
  total?: 'true' | 'false' | 'estimate';
}

/** The schemas of the list parameters, to spread into a route's query schema. */
export const LIST_PARAMS = {
  filter: { type: 'string', expected: 'a condition in JSON' },
  sort: { type: 'string', expected: 'a comma-separated list of field names, each with an optional "-" for descending' },
  limit: param.wholeNumber,
  offset: param.wholeNumber,
  fields: { type: 'string', expected: 'a comma-separated list of field names' },
  total: { type: 'string', enum: ['true', 'false', 'estimate'], expected: 'true, false or estimate' },
} satisfies Record<keyof ListParams, InputSchema>;

/**
 * `display`: `true` answers labels in place of stored values (references, choices, booleans, people), `all` each such
 * field as `{ value, display, link? }`, `false` (the default) the stored values (platform/records/display-values.ts).
 * Any other value is invalid_query.
 */
export const DISPLAY_PARAM = {
  type: 'string', enum: ['true', 'false', 'all'], expected: 'true, false or all',
} satisfies InputSchema;

/** The display mode `display` asks for, or null for stored values. */
export function displayModeOf(display: string | undefined): DisplayMode | null {
  return display === 'true' || display === 'all' ? display : null;
}

/**
 * The QuerySpec of validated list parameters (only those given; an exact total unless `total` says otherwise).
 * Errors: invalid_query (a filter that is not a JSON condition object, an empty item in `fields` or `sort`).
 */
export function toQuerySpec(params: ListParams): QuerySpec {
  const spec: QuerySpec = { withTotal: params.total === 'estimate' ? 'estimate' : params.total !== 'false' };
  if (params.filter !== undefined) spec.filter = parseFilter(params.filter);
  if (params.sort !== undefined) spec.sort = parseSort(params.sort);
  if (params.limit !== undefined) spec.limit = params.limit;
  if (params.offset !== undefined) spec.offset = params.offset;
  if (params.fields !== undefined) spec.fields = parseNames('fields', params.fields);
  return spec;
}

/** The `meta` of a list response for a query result. */
export function listMeta(result: QueryResult): ListMeta {
  return { total: result.total, totalKind: result.totalKind, limit: result.limit, offset: result.offset };
}

/** A comma-separated list, each item trimmed and non-empty. */
export function parseNames(name: string, text: string): string[] {
  const items = text.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) fail('invalid_query', `Query parameter "${name}" must be a comma-separated list of field names; got "${text}".`);
  return items;
}

/** `sort=-priority,number`: a leading `-` sorts descending (a leading `+` is allowed and means ascending). */
function parseSort(text: string): SortSpec[] {
  return parseNames('sort', text).map((item) => {
    const desc = item.startsWith('-');
    const field = desc || item.startsWith('+') ? item.slice(1) : item;
    if (!field) fail('invalid_query', `Query parameter "sort" has an empty field name in "${item}".`);
    return { field, direction: desc ? 'desc' : 'asc' };
  });
}

function parseFilter(text: string): Condition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    fail('invalid_query', `Query parameter "filter" must be a condition in JSON: ${(e as Error).message}.`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    fail('invalid_query', 'Query parameter "filter" must be a condition object ({"all": […]}, {"any": […]}, {"not": …} or {"fact", "operator", "value"}).');
  }
  assertSafeJson(parsed, 'invalid_query', 'filter');
  return parsed as Condition;
}
