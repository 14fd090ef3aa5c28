/**
 * Searching records: across every searchable table the caller may read (grouped, counted, ranked and paged), for
 * suggestions, and inside one table's list (`GET /api/tables/:t?q=`). Each table's search is one statement on its
 * physical table joined to its index, carrying the list's own class and row conditions (RecordReader.scope and
 * restrict), so search follows access exactly as lists do; fields the caller may not read are neither matched nor
 * shown.
 */
import type { Knex } from 'knex';
import type { Formwork } from '../context.js';
import type { SearchAnswer, SearchResult } from '../http/api-types.js';
import type { ResolvedField, ResolvedTable } from '../definitions/model.js';
import type { Registry } from '../definitions/types.js';
import { fail, isFormworkError } from '../errors.js';
import type { ReadScope, RecordReader, TextSearch } from '../records/record-reader.js';
import { KnexRecordService } from '../records/record-service.js';
import type { Actor, RecordData } from '../records/types.js';
import { hasVersionedClass, isContentField, publishedContent, publishedListContains } from '../versions/published.js';
import { MARK_CLOSE, MARK_OPEN, type IndexShape } from './dialects/types.js';
import { indexTextOf, searchFieldsOf, type SearchField } from './fields.js';
import { backendOf, indexShapes } from './indexes.js';
import { asSuggestion, isEmptyQuery, parseSearchQuery, type SearchQuery } from './query.js';
import { snippetOf } from './snippets.js';

export interface SearchOptions {
  q: string;
  /** Table names to search (default: every searchable table the caller may read). */
  tables?: string[];
  /** Only records carrying every one of these tags. */
  tags?: string[];
  limit?: number;
  offset?: number;
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
  query: SearchQuery;
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
    const column = `${table.physical}.${field.column!}`;
    // Tags that are versioned content: the published ones, as the index holds (a draft's tags are not found).
    const published = isContentField(registry, table, field.name);
    for (const tag of tags) {
      const part = published
        ? publishedListContains(fw.db.dialect.name, table.physical, `${table.physical}.id`, column, field.name, tag)
        : fw.db.dialect.jsonArrayContains(column, tag);
      base.whereRaw(part.sql, part.bindings as Knex.RawBinding[]);
    }
  }
  const match = backendOf(fw.db).match(base, shape, query, fields);
  return { table, scope, fields, shape, base, reader, query, match };
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

async function runSearch(fw: Formwork, actor: Actor, opts: SearchOptions, query: SearchQuery, marked = true): Promise<SearchAnswer> {
  const limit = opts.limit ?? 20;
  const offset = opts.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_LIMIT) fail('invalid_query', `limit must be a whole number from 1 to ${MAX_SEARCH_LIMIT}; got ${limit}.`);
  if (!Number.isInteger(offset) || offset < 0) fail('invalid_query', `offset must be a whole number of 0 or more; got ${offset}.`);
  const chosen = chosenTables(fw, actor, opts.tables);
  const answer: SearchAnswer = { query: opts.q, total: 0, groups: [], results: [], meta: { limit, offset } };
  if (isEmptyQuery(query)) return answer;
  const searches = chosen.map((c) => tableSearch(fw, actor, c.table, query, c.exclude, opts.tags))
    .filter((s): s is TableSearch => s !== null);
  const hits: Hit[] = [];
  for (const s of searches) {
    const { count, page } = await pageOf(fw, s, offset + limit);
    if (!count) continue;
    const label = s.table.def.label ?? s.table.name;
    answer.groups.push({ table: s.table.name, label, pluralLabel: s.table.def.pluralLabel ?? label, count });
    answer.total += count;
    hits.push(...page);
  }
  hits.sort((a, b) => b.score - a.score || a.order - b.order);
  const shown = hits.slice(offset, offset + limit);
  // Suggestions show titles only: their reasons and snippets are never read.
  if (marked) await markPage(fw, shown);
  answer.results = shown.map(({ order: _order, search: _search, ...r }) => r);
  return answer;
}

/** A result on its way to the page: its table search and its rank within that table. */
type Hit = SearchResult & { order: number; search: TableSearch };

/**
 * The best `n` results of one table search, with titles and summaries, and the number of its matches, in one
 * statement: the count is a window over the rows the ranking reads anyway, so the access-checked join runs once.
 */
async function pageOf(fw: Formwork, s: TableSearch, n: number): Promise<{ count: number; page: Hit[] }> {
  const { table, match } = s;
  const p = table.physical;
  const title = visible(s, table.fields.get(table.displayField));
  const numberField = visible(s, table.numberPrefix ? table.fields.get('number') : undefined);
  const summaryField = visible(s, table.fields.get((table.def as { summaryField?: string }).summaryField ?? ''))
    ?? s.fields.find((f) => f.name !== table.displayField)?.field;
  const tags = tagsFieldOf(table, s.scope);
  const shown = [title, numberField, summaryField, tags].filter((f): f is ResolvedField => f !== undefined && f.column !== null);
  const knex = fw.db.reader;
  const registry = fw.registry.current;
  const versioned = hasVersionedClass(registry, table);
  const inner = s.base.clone().select(`${p}.id as id`, ...[...new Set(shown)].map((f) => `${p}.${f.column!} as c_${f.name}`))
    .select(knex.raw(`${match.score.sql} as score`, match.score.bindings as Knex.RawBinding[]));
  if (versioned && table.fields.has('class')) inner.select(`${p}.class as c__class`);
  // The score is a column of the inner query: FTS5's ranking functions cannot be called beside a window function.
  const rows: RecordData[] = await knex.select('h.*', knex.raw('count(*) over () as ??', ['n__count'])).from(inner.as('h'))
    .orderBy('h.score', 'desc').orderBy('h.id', 'desc').limit(n);
  const count = rows.length ? Number(rows[0]!.n__count) : 0;
  // Titles, summaries and tags as readers see them (the index holds the published content too), never a draft's.
  const classed = rows.map((row) => ({ id: String(row.id), table: registry.tables.get(String(row.c__class)) ?? table }));
  const published = versioned
    ? await publishedContent(knex, registry, classed, [...new Set(shown)].map((f) => f.name))
    : new Map<string, RecordData>();
  const { reader } = s;
  const label = table.def.label ?? table.name;
  const page = rows.map((row, i) => {
    const own = published.get(String(row.id));
    const value = (f: ResolvedField | undefined) => {
      if (!f) return undefined;
      return own && f.name in own ? own[f.name] : reader.fromRow([{ ...f, column: `c_${f.name}` }], row)[f.name];
    };
    const text = (f: ResolvedField | undefined) => (f ? indexTextOf(f, value(f)) ?? '' : '');
    const number = numberField ? value(numberField) : undefined;
    const summary = text(summaryField);
    const result: Hit = {
      table: table.name, tableLabel: label, id: String(row.id),
      ...(typeof number === 'string' ? { number } : {}),
      title: text(title) || (typeof number === 'string' ? number : label),
      summary: summary.length > SUMMARY_LENGTH ? `${summary.slice(0, SUMMARY_LENGTH).replace(/\s+\S*$/, '')}…` : summary,
      ...(tags ? { tags: (value(tags) as string[] | null) ?? [] } : {}),
      score: Number(row.score), reasons: [], snippets: [], order: i, search: s,
    };
    return result;
  });
  return { count, page };
}

/** Match reasons and snippets of the results shown, one statement per table: only these rows' text is marked. */
async function markPage(fw: Formwork, hits: Hit[]): Promise<void> {
  const byTable = new Map<TableSearch, Hit[]>();
  for (const h of hits) byTable.set(h.search, [...byTable.get(h.search) ?? [], h]);
  const backend = backendOf(fw.db);
  for (const [s, list] of byTable) {
    const marks = await backend.marks(fw.db.reader, s.shape, s.query, s.fields, list.map((h) => h.id));
    for (const h of list) {
      const row = marks.get(h.id);
      if (!row) continue;
      for (const f of s.fields) {
        const cell = row[`m_${f.name}`];
        if (typeof cell !== 'string') continue;
        let marked = cell;
        const matched = marked.startsWith(MARK_CLOSE);
        if (matched) marked = marked.slice(1);
        if (!matched && !marked.includes(MARK_OPEN)) continue;
        h.reasons.push({ field: f.name, label: labelOf(f.field) });
        h.snippets.push({ field: f.name, label: labelOf(f.field), parts: snippetOf(marked, MARK_OPEN, MARK_CLOSE) });
      }
    }
  }
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
  const answer = await runSearch(fw, actor, { q, limit }, query, false);
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
