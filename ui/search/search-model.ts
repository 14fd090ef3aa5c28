/**
 * The search pages' words and URLs, apart from the components so they can be tested in Node: the results page's
 * query (`/search?q=&tables=&tags=&offset=`), the total and paging lines, "Found in", the header's suggestions
 * grouped by table, and which key presses open the search box.
 */
import type { SearchGroup, Suggestion } from '../api/search.js';

/** Results per page. */
export const PAGE_SIZE = 20;

/** What the results page shows, read from its URL. */
export interface SearchView {
  q: string;
  tables: string[];
  tags: string[];
  offset: number;
}

const NUMBER = new Intl.NumberFormat('en-GB');

/** A comma-separated list parameter as its distinct, non-empty values. */
function listParam(value: string | null): string[] {
  return [...new Set((value ?? '').split(',').map((s) => s.trim()).filter(Boolean))];
}

/** The results page's view from its URL query (an offset that is not a whole number reads as 0). */
export function readSearchView(params: URLSearchParams): SearchView {
  const offset = Number(params.get('offset') ?? '0');
  return {
    q: (params.get('q') ?? '').trim(),
    tables: listParam(params.get('tables')),
    tags: listParam(params.get('tags')),
    offset: Number.isInteger(offset) && offset > 0 ? offset : 0,
  };
}

/** The results page's URL for `view` (empty parts left out). */
export function searchUrl(view: Partial<SearchView> & { q: string }): string {
  const params = new URLSearchParams();
  params.set('q', view.q);
  if (view.tables?.length) params.set('tables', view.tables.join(','));
  if (view.tags?.length) params.set('tags', view.tags.join(','));
  if (view.offset) params.set('offset', String(view.offset));
  return `/search?${params.toString()}`;
}

/** "12 results for “router reset”", "1 result for …", "No results for …". */
export function totalLine(total: number, q: string): string {
  if (total === 0) return `No results for “${q}”`;
  return `${NUMBER.format(total)} ${total === 1 ? 'result' : 'results'} for “${q}”`;
}

/** The query as a page title shows it: cut to `max` characters with an ellipsis, so a long query leaves the title readable. */
export function shortQuery(q: string, max = 60): string {
  return q.length > max ? `${q.slice(0, max - 1).trimEnd()}…` : q;
}

/** "Showing 21–40 of 57" for a page of `shown` results starting at `offset`. */
export function showingLine(offset: number, shown: number, total: number): string {
  if (shown === 0) return '';
  return `Showing ${NUMBER.format(offset + 1)}–${NUMBER.format(offset + shown)} of ${NUMBER.format(total)}`;
}

/** "Found in: Title, Tags" from a result's reasons (each field named once), or '' without any. */
export function foundIn(reasons: readonly { label: string }[]): string {
  const labels = [...new Set(reasons.map((r) => r.label).filter(Boolean))];
  return labels.length ? `Found in: ${labels.join(', ')}` : '';
}

/** A table to filter by: its label for people and how many results it holds (null: not known for this search). */
export interface TableFacet {
  table: string;
  label: string;
  count: number | null;
}

/**
 * The tables to offer as filters: those of this answer's groups, then those remembered from the same search without
 * a table filter (so choosing one table does not hide the others), then the tables chosen that neither names.
 * Counts come from this answer when it has the table, else from the memory, else are unknown.
 */
export function tableFacets(groups: readonly SearchGroup[], remembered: readonly SearchGroup[], chosen: readonly string[]): TableFacet[] {
  const out = new Map<string, TableFacet>();
  for (const g of groups) out.set(g.table, { table: g.table, label: g.pluralLabel || g.label, count: g.count });
  for (const g of remembered) if (!out.has(g.table)) out.set(g.table, { table: g.table, label: g.pluralLabel || g.label, count: g.count });
  for (const t of chosen) if (!out.has(t)) out.set(t, { table: t, label: t, count: null });
  return [...out.values()];
}

/** The tags to offer as filters: those chosen first, then every tag of the results shown, each once (case kept). */
export function tagFacets(resultTags: readonly (readonly string[] | undefined)[], chosen: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const t of chosen) seen.set(t.toLowerCase(), t);
  for (const tags of resultTags) for (const t of tags ?? []) if (!seen.has(t.toLowerCase())) seen.set(t.toLowerCase(), t);
  return [...seen.values()];
}

/** `list` with `value` added (when `on`) or taken out. */
export function toggled(list: readonly string[], value: string, on: boolean): string[] {
  const rest = list.filter((v) => v !== value);
  return on ? [...rest, value] : rest;
}

/** Suggestions of one table, under its label. */
export interface SuggestionGroup {
  table: string;
  label: string;
  items: Suggestion[];
}

/** Suggestions grouped by table, groups in the order their first suggestion came (the API's ranking). */
export function groupSuggestions(list: readonly Suggestion[]): SuggestionGroup[] {
  const groups = new Map<string, SuggestionGroup>();
  for (const s of list) {
    let g = groups.get(s.table);
    if (!g) groups.set(s.table, g = { table: s.table, label: s.tableLabel, items: [] });
    g.items.push(s);
  }
  return [...groups.values()];
}

/** The key press as the search shortcut sees it. */
export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

/**
 * Whether a key press opens the search box: Ctrl+K or ⌘K anywhere, `/` only when the person is not typing
 * (`typing`: focus is in a text field, a list box or an editable area, where `/` is a character).
 */
export function isSearchShortcut(e: KeyPress, typing: boolean): boolean {
  if (e.altKey) return false;
  if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') return true;
  return e.key === '/' && !e.ctrlKey && !e.metaKey && !typing;
}
