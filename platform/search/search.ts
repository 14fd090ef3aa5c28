/**
 * Searching records: across every searchable table the caller may read (grouped, counted, ranked and paged), for
 * suggestions, and inside one table's list (`GET /api/tables/:t?q=`). Each table's search is one statement on its
 * physical table joined to its index, carrying the list's own class and row conditions (RecordReader.scope and
 * restrict), so search follows access exactly as lists do; fields the caller may not read are neither matched nor
 * shown.
 */
import type { Knex } from 'knex';
import type { Formwork } from '../context.js';
import type { ResolvedField, ResolvedTable } from '../definitions/model.js';
import type { Registry } from '../definitions/types.js';
import { fail, isFormworkError } from '../errors.js';
import type { ReadScope, RecordReader, TextSearch } from '../records/record-reader.js';
import { KnexRecordService } from '../records/record-service.js';
import type { Actor, RecordData } from '../records/types.js';
import { hasVersionedClass, publishedContent } from '../versions/published.js';
import { MARK_CLOSE, MARK_OPEN, type IndexShape } from './dialects/types.js';
import { indexTextOf, searchFieldsOf, type SearchField } from './fields.js';
import { backendOf, indexShapes } from './indexes.js';
import { asSuggestion, isEmptyQuery, parseSearchQuery, type SearchQuery } from './query.js';
import { snippetOf, type SnippetPart } from './snippets.js';

export interface SearchOptions {
  q: string;
  /** Table names to search (default: every searchable table the caller may read). */
  tables?: string[];
  /** Only records carrying every one of these tags. */
  tags?: string[];
  limit?: number;
  offset?: number;
}

export interface SearchResult {
  table: string;
  tableLabel: string;
  id: string;
  number?: string;
  title: string;
  summary: string;
  tags?: string[];
  score: number;
  reasons: { field: string; label: string }[];
  snippets: { field: string; label: string; parts: SnippetPart[] }[];
}

export interface SearchAnswer {
  query: string;
  total: number;
  groups: { table: string; label: string; pluralLabel: string; count: number }[];
  results: SearchResult[];
  meta: { limit: number; offset: number };
}

export const MAX_SEARCH_LIMIT = 100;
const SUMMARY_LENGTH = 200;

/** The fields of `table` this reader may match: searched, readable, and not guarded per record (unless unrestricted). */
function permittedFields(registry: Registry, table: ResolvedTable, scope: ReadScope): SearchField[] {
  return searchFieldsOf(registry, table).filter((f) => scope.access.unrestricted
    || (scope.access.readable.has(f.name) && !f.field.readableWhen));
}

const labelOf = (f: ResolvedField) => f.label ?? f.name;

/** A table search: the matching rows of `table` (restricted as its list) joined to the index. */
interface TableSearch {
  table: ResolvedTable;
  scope: ReadScope;
  fields: SearchField[];
  shape: IndexShape;
  base: Knex.QueryBuilder;
  reader: RecordReader;
  match: ReturnType<ReturnType<typeof backendOf>['match']>;
}

function tableSearch(
  fw: Formwork, actor: Actor, table: ResolvedTable, query: SearchQuery, exclude: string[], tags?: string[],
): TableSearch | null {
  const registry = fw.registry.current;
  const shape = indexShapes(registry).get(table.physical);
  if (!shape) return null;
  const service = recordService(fw);
  const { scope, reader } = service.listScope(table.name, actor);
  const fields = permittedFields(registry, table, scope);
  if (!fields.length) return null;
  const knex = fw.db.reader;
  const base = reader.restrict(reader.scope(knex(table.physical), table), table, scope);
  if (exclude.length) base.whereNotIn(`${table.physical}.class`, exclude);
  if (tags?.length) {
    const field = tagsFieldOf(table, scope);
    if (!field) return null;
    for (const tag of tags) {
      const part = fw.db.dialect.jsonArrayContains(`${table.physical}.${field.column!}`, tag);
      base.whereRaw(part.sql, part.bindings as Knex.RawBinding[]);
    }
  }
  const match = backendOf(fw.db).match(base, shape, query, fields);
  return { table, scope, fields, shape, base, reader, match };
}

function tagsFieldOf(table: ResolvedTable, scope: ReadScope): ResolvedField | undefined {
  return [...table.fields.values()].find((f) => (f.type as string) === 'tags' && f.column !== null
    && (scope.access.unrestricted || (scope.access.readable.has(f.name) && !f.readableWhen)));
}

function recordService(fw: Formwork): KnexRecordService {
  if (!(fw.records instanceof KnexRecordService)) fail('internal_error', 'Search needs the database record service.');
  return fw.records;
}

/**
 * The tables a search covers and, for each, the classes below it that are searched on their own (left out of it,
 * so no record comes twice). Unknown, unreadable and unsearchable names are invalid_query, all with one message.
 */
function chosenTables(fw: Formwork, actor: Actor, names?: string[]): { table: ResolvedTable; exclude: string[] }[] {
  const registry = fw.registry.current;
  const readable = (t: ResolvedTable) => {
    try {
      recordService(fw).listScope(t.name, actor);
      return true;
    } catch (e) {
      if (isFormworkError(e) && (e.code === 'forbidden' || e.code === 'table_not_found')) return false;
      throw e;
    }
  };
  let tables: ResolvedTable[];
  if (names?.length) {
    tables = names.map((n) => {
      const t = registry.tables.get(n);
      if (!t || !searchFieldsOf(registry, t).length || !readable(t)) {
        fail('invalid_query', `"${n}" is not a table you can search.`, { fieldErrors: [{ field: 'tables', code: 'invalid_query', message: `"${n}" is not a table you can search.` }] });
      }
      return t;
    });
  } else {
    tables = [...registry.tables.values()].filter((t) => !t.def.abstract && t.def.searchable !== undefined && readable(t));
  }
  return tables.map((t) => {
    const below = tables.filter((u) => u.ancestors.includes(t.name));
    return { table: t, exclude: t.classes.filter((c) => below.some((u) => u.classes.includes(c))) };
  });
}

/**
 * Search records: across the searchable tables the actor may read (or `tables`), grouped by table with counts,
 * ranked and paged. Errors: invalid_query (bad `q` — too long, too many terms, NUL bytes —, a bad limit or offset,
 * or a table that cannot be searched). A query of only operators or stop words answers nothing.
 */
export async function searchRecords(fw: Formwork, actor: Actor, opts: SearchOptions): Promise<SearchAnswer> {
  return runSearch(fw, actor, opts, parseSearchQuery(opts.q));
}

async function runSearch(fw: Formwork, actor: Actor, opts: SearchOptions, query: SearchQuery): Promise<SearchAnswer> {
  const limit = opts.limit ?? 20;
  const offset = opts.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_LIMIT) fail('invalid_query', `limit must be a whole number from 1 to ${MAX_SEARCH_LIMIT}; got ${limit}.`);
  if (!Number.isInteger(offset) || offset < 0) fail('invalid_query', `offset must be a whole number of 0 or more; got ${offset}.`);
  const chosen = chosenTables(fw, actor, opts.tables);
  const answer: SearchAnswer = { query: opts.q, total: 0, groups: [], results: [], meta: { limit, offset } };
  if (isEmptyQuery(query)) return answer;
  const searches = chosen.map((c) => tableSearch(fw, actor, c.table, query, c.exclude, opts.tags))
    .filter((s): s is TableSearch => s !== null);
  const hits: (SearchResult & { order: number })[] = [];
  for (const s of searches) {
    const count = Number(((await s.base.clone().count({ n: '*' }).first()) as { n: unknown }).n);
    if (!count) continue;
    const label = s.table.def.label ?? s.table.name;
    answer.groups.push({ table: s.table.name, label, pluralLabel: s.table.def.pluralLabel ?? label, count });
    answer.total += count;
    hits.push(...await pageOf(fw, s, offset + limit));
  }
  hits.sort((a, b) => b.score - a.score || a.order - b.order);
  answer.results = hits.slice(offset, offset + limit).map(({ order: _order, ...r }) => r);
  return answer;
}

/** The best `n` results of one table search, with titles, summaries, reasons and snippets. */
async function pageOf(fw: Formwork, s: TableSearch, n: number): Promise<(SearchResult & { order: number })[]> {
  const { table, match } = s;
  const p = table.physical;
  const title = visible(s, table.fields.get(table.displayField));
  const numberField = visible(s, table.numberPrefix ? table.fields.get('number') : undefined);
  const summaryField = visible(s, table.fields.get((table.def as { summaryField?: string }).summaryField ?? ''))
    ?? s.fields.find((f) => f.name !== table.displayField)?.field;
  const tags = tagsFieldOf(table, s.scope);
  const shown = [title, numberField, summaryField, tags].filter((f): f is ResolvedField => f !== undefined && f.column !== null);
  const knex = fw.db.reader;
  const qb = s.base.clone().select(`${p}.id`, ...[...new Set(shown)].map((f) => `${p}.${f.column!} as c_${f.name}`))
    .select(knex.raw(`${match.score.sql} as score`, match.score.bindings as Knex.RawBinding[]));
  for (const f of s.fields) {
    const m = match.marked(f.name);
    qb.select(knex.raw(`${m.sql} as ??`, [...m.bindings, `m_${f.name}`] as Knex.RawBinding[]));
  }
  qb.orderByRaw(match.order.sql, match.order.bindings as Knex.RawBinding[]).orderBy(`${p}.id`, 'desc').limit(n);
  const registry = fw.registry.current;
  const versioned = hasVersionedClass(registry, table);
  if (versioned && table.fields.has('class')) qb.select(`${p}.class as c__class`);
  const rows: RecordData[] = await qb;
  // Titles, summaries and tags as readers see them (the index holds the published content too), never a draft's.
  const published = versioned
    ? await publishedContent(knex, registry, rows.map((row) => ({
      id: String(row.id), table: registry.tables.get(String(row.c__class)) ?? table,
    })), [...new Set(shown)].map((f) => f.name))
    : new Map<string, RecordData>();
  const { reader } = s;
  const label = table.def.label ?? table.name;
  return rows.map((row, i) => {
    const own = published.get(String(row.id));
    const value = (f: ResolvedField | undefined) => {
      if (!f) return undefined;
      return own && f.name in own ? own[f.name] : reader.fromRow([{ ...f, column: `c_${f.name}` }], row)[f.name];
    };
    const text = (f: ResolvedField | undefined) => (f ? indexTextOf(f, value(f)) ?? '' : '');
    const reasons: SearchResult['reasons'] = [];
    const snippets: SearchResult['snippets'] = [];
    for (const f of s.fields) {
      const cell = row[`m_${f.name}`];
      if (typeof cell !== 'string') continue;
      let marked = cell;
      const matched = marked.startsWith(MARK_CLOSE);
      if (matched) marked = marked.slice(1);
      if (!matched && !marked.includes(MARK_OPEN)) continue;
      reasons.push({ field: f.name, label: labelOf(f.field) });
      snippets.push({ field: f.name, label: labelOf(f.field), parts: snippetOf(marked, MARK_OPEN, MARK_CLOSE) });
    }
    const number = numberField ? value(numberField) : undefined;
    const summary = text(summaryField);
    const result: SearchResult & { order: number } = {
      table: table.name, tableLabel: label, id: String(row.id),
      ...(typeof number === 'string' ? { number } : {}),
      title: text(title) || (typeof number === 'string' ? number : label),
      summary: summary.length > SUMMARY_LENGTH ? `${summary.slice(0, SUMMARY_LENGTH).replace(/\s+\S*$/, '')}…` : summary,
      ...(tags ? { tags: (value(tags) as string[] | null) ?? [] } : {}),
      score: Number(row.score), reasons, snippets, order: i,
    };
    return result;
  });
}

function visible(s: TableSearch, f: ResolvedField | undefined): ResolvedField | undefined {
  if (!f || f.column === null || f.encrypted) return undefined;
  if (s.scope.access.unrestricted) return f;
  return s.scope.access.readable.has(f.name) && !f.readableWhen ? f : undefined;
}

/**
 * Suggestions while typing: records whose searched text matches `q` with its last word as a prefix, best first.
 * Errors: as {@link searchRecords}.
 */
export async function suggestRecords(
  fw: Formwork, actor: Actor, q: string, limit = 8,
): Promise<{ suggestions: { table: string; tableLabel: string; id: string; title: string }[] }> {
  const query = asSuggestion(parseSearchQuery(q), q);
  const answer = await runSearch(fw, actor, { q, limit }, query);
  return { suggestions: answer.results.map((r) => ({ table: r.table, tableLabel: r.tableLabel, id: r.id, title: r.title })) };
}

/**
 * The list search of the record service (`QuerySpec.search`): the index of the table restricted to the fields the
 * reader may match. Errors: invalid_query (a bad query; a table that is not searchable or has no field the reader
 * may search).
 */
export function listTextSearch(fw: Formwork): TextSearch {
  return (qb, table, scope, text) => {
    const registry = fw.registry.current;
    const shape = indexShapes(registry).get(table.physical);
    const fields = permittedFields(registry, table, scope);
    if (!shape || !fields.length) {
      const message = `Table "${table.name}" is not searchable.`;
      fail('invalid_query', message, { fieldErrors: [{ field: 'q', code: 'invalid_query', message }] });
    }
    const query = parseSearchQuery(text);
    if (isEmptyQuery(query)) {
      qb.whereRaw('1 = 0');
      return { sql: '1', bindings: [] };
    }
    return backendOf(fw.db).match(qb, shape, query, fields).order;
  };
}
