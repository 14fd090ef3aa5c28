/**
 * The published content of records of versioned tables, for the places that must show what readers see rather than
 * the working copy (the search index and search results). As readers are shown (hook.ts): a record with a version
 * shows its latest version's content fields (equal to the working copy while it is published, the last published
 * content while a revision is in draft); a record never published shows its working copy.
 */
import type { Knex } from 'knex';
import type { Registry, ResolvedTable } from '../definitions/types.js';
import type { RecordData } from '../records/types.js';
import { fetchLatestVersions, VERSION_TABLE, versionsOf } from './store.js';

/** Whether `table` or a table sharing its physical table keeps versions (one memoised check). */
export function hasVersionedClass(registry: Registry, table: ResolvedTable): boolean {
  return registry.memo(`versioned-physical:${table.physical}`, () =>
    [...registry.tables.values()].some((t) => t.physical === table.physical && versionsOf(registry, t) !== undefined));
}

/**
 * The published values of `fields` for each record (its id and its class, a table of one physical table) that has a
 * published version: only the content fields of its class, a field published before it was content being null (as
 * readers see it). Records without a version are absent. One statement, none when no class keeps versions.
 */
export async function publishedContent(
  knex: Knex | Knex.Transaction, registry: Registry, records: { id: string; table: ResolvedTable }[], fields: readonly string[],
): Promise<Map<string, RecordData>> {
  const out = new Map<string, RecordData>();
  const content = new Map<string, readonly string[]>();
  for (const r of records) {
    const versions = versionsOf(registry, r.table);
    const wanted = versions ? fields.filter((f) => versions.fields.includes(f)) : [];
    if (wanted.length) content.set(r.id, wanted);
  }
  if (!content.size) return out;
  const physical = records[0]!.table.physical;
  for (const [id, version] of await fetchLatestVersions(knex, physical, [...content.keys()])) {
    out.set(id, Object.fromEntries(content.get(id)!.map((f) => [f, version.values[f] ?? null])));
  }
  return out;
}

/** Whether `field` is content of `table` or of a table sharing its physical table (memoised per registry). */
export function isContentField(registry: Registry, table: ResolvedTable, field: string): boolean {
  return registry.memo(`content-fields:${table.physical}`, () => new Set([...registry.tables.values()]
    .filter((t) => t.physical === table.physical).flatMap((t) => versionsOf(registry, t)?.fields ?? []))).has(field);
}

/**
 * SQL true when a record's published list value of content field `field` (its working copy's `column` when it was
 * never published) holds `value`: search's tag filter, which must not find a draft's tags. Names and values are
 * bindings; `column` and `idColumn` are qualified columns of the record's physical table.
 */
export function publishedListContains(
  dialect: 'sqlite' | 'postgres', physical: string, idColumn: string, column: string, field: string, value: string,
): { sql: string; bindings: unknown[] } {
  const idCast = dialect === 'postgres' ? '::text' : '';
  const where = `from ${VERSION_TABLE} as cv where cv.table_name = ? and cv.record_id = ??${idCast}`;
  const latest = `${where} order by cv.number desc limit 1`;
  if (dialect === 'sqlite') {
    return {
      sql: `(case when exists (select 1 ${where})`
        + ` then exists (select 1 from json_each((select json_extract(cv."values", ?) ${latest})) as je where je.value = ?)`
        + ' else exists (select 1 from json_each(??) as je where je.value = ?) end)',
      bindings: [physical, idColumn, `$.${field}`, physical, idColumn, value, column, value],
    };
  }
  return {
    sql: `(case when exists (select 1 ${where}) then coalesce((select (cv."values"::jsonb -> ?::text) ${latest}) @> ?::jsonb, false)`
      + ' else ?? @> ?::jsonb end)',
    bindings: [physical, idColumn, field, physical, idColumn, JSON.stringify([value]), column, JSON.stringify([value])],
  };
}
