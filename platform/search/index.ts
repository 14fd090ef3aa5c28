/**
 * Full-text search over declared searchable tables (SQLite FTS5, PostgreSQL tsvector): the query language, the
 * per-table indexes kept in step with writes and schema sync, and the searches the API serves.
 */
export { parseSearchQuery, MAX_QUERY_LENGTH, MAX_TERMS, type SearchQuery, type SearchTerm } from './query.js';
export { searchFieldsOf, SEARCHABLE_TYPES, WEIGHTS, type SearchField, type SearchWeight, type SearchableItem } from './fields.js';
export { syncSearchIndexes, rebuildSearchIndexes, searchRecordHook, indexShapes } from './indexes.js';
export { searchRecords, suggestRecords, listTextSearch, type SearchOptions } from './search.js';
export type { SearchAnswer, SearchResult } from '../http/api-types.js';
