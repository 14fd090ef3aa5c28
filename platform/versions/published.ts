/**
 * The published content of records of versioned tables, for the places that must show what readers see rather than
 * the working copy (the search index and search results). As readers are shown (hook.ts): a record with a version
 * shows its latest version's content fields (equal to the working copy while it is published, the last published
 * content while a revision is in draft); a record never published shows its working copy.
 */
import type { Knex } from 'knex';
import type { Registry, ResolvedTable } from '../definitions/types.js';
import type { RecordData } from '../records/types.js';
import { fetchLatestVersions, versionsOf } from './store.js';

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
