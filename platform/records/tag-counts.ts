/**
 * The tags in use in a tags field, counted over the records a reader may read: what a tag input suggests. The
 * count is one SQL statement over the list's own restriction (class and row condition of the reader's grants), so a
 * tag used only on records the reader cannot see is never suggested.
 */
import type { Knex } from 'knex';
import type { Dialect } from '../db/dialects/types.js';
import { unstorableText } from '../db/storage-types.js';
import type { ResolvedTable } from '../definitions/types.js';
import { fail } from '../errors.js';
import type { ReadScope, RecordReader } from './record-reader.js';
import type { TagCount, TagCountOptions } from './types.js';

/** The most tags one answer lists. */
export const MAX_TAG_SUGGESTIONS = 50;
/** How many tags an answer lists when the caller does not say. */
export const DEFAULT_TAG_SUGGESTIONS = 10;

const ALIAS = 'fw_tag';

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The tags of `fieldName` most used first, then by tag. Errors: unknown_field (no such field, or one the reader may
 * not read or that is masked record by record), invalid_query (not a tags field, or a bad limit).
 */
export async function fetchTagCounts(
  knex: Knex | Knex.Transaction, dialect: Dialect, reader: RecordReader, table: ResolvedTable, fieldName: string,
  scope: ReadScope, options: TagCountOptions = {},
): Promise<TagCount[]> {
  const field = table.fields.get(fieldName);
  // A field shown on some records only could tell its hidden values through the counts: as for filters, refused.
  const usable = field && field.column !== null && scope.access.readable.has(fieldName)
    && !(field.readableWhen && !scope.access.unrestricted);
  if (!usable) {
    fail('unknown_field', `Table "${table.name}" has no field "${fieldName}".`, {
      fieldErrors: [{ field: fieldName, code: 'unknown_field', message: `There is no field "${fieldName}" here.` }],
    });
  }
  if (field.type !== 'tags') fail('invalid_query', `Field "${fieldName}" of table "${table.name}" is ${field.type}, not tags.`);
  const limit = options.limit ?? DEFAULT_TAG_SUGGESTIONS;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_TAG_SUGGESTIONS) {
    fail('invalid_query', `limit must be a whole number from 1 to ${MAX_TAG_SUGGESTIONS}; got ${limit}.`);
  }
  const column = `${table.physical}.${field.column}`;
  const join = dialect.jsonArrayElementsJoin(column, ALIAS);
  const value = `${ALIAS}.value`;
  const qb = reader.restrict(reader.scope(knex(table.physical), table), table, scope)
    .joinRaw(join.sql, join.bindings as string[])
    .select({ tag: value })
    .count({ count: '*' })
    .whereNotNull(column)
    .groupBy(value)
    .orderBy([{ column: 'count', order: 'desc' }, { column: 'tag', order: 'asc' }])
    .limit(limit);
  const prefix = options.prefix?.replace(/\s+/g, ' ').trim();
  const what = prefix ? unstorableText(prefix) : null;
  if (what) fail('invalid_query', `The tag prefix must not contain ${what}.`);
  if (prefix) qb.whereRaw("lower(??) like ? escape '\\'", [value, `${escapeLike(prefix.toLowerCase())}%`]);
  const rows = await qb as { tag: string; count: number | string }[];
  return rows.map((r) => ({ tag: r.tag, count: Number(r.count) }));
}
