/**
 * The record hook of content versions (a table's `versions` option). On write: whenever a create or update leaves a
 * record with `publishedWhen` true and content fields unlike its latest version (or with none yet), a new version is
 * stored in the write's transaction. So while a record is published its latest version equals its working copy, and
 * once a revision starts (publishedWhen false) the latest version is the last published content.
 *
 * On read: people who may not update a record (readers) get the latest version's content fields in place of the
 * working copy's. That is exact for published records (the two are equal) and shows the last published content while a
 * revision is in draft; a record never published shows its working copy. Lists substitute after fetching their page
 * (one statement for the page's latest versions), so their other fields are the working copy's; a reader's filters on
 * content fields, which would run on the working copy, are refused, and their sorts use the published values
 * (guardedContent). A reader's field history of such a record leaves out the changes of content fields made after the
 * latest published version (recorded with it as the record's version). The search index holds the published content
 * too (platform/search).
 */
import { v7 as uuidv7 } from 'uuid';
import { accessFacts, accessFor } from '../access/index.js';
import { evaluateCondition } from '../conditions/index.js';
import type { Registry, ResolvedField, ResolvedTable } from '../definitions/types.js';
import type { GuardedField, RecordHook, RecordHookContext, RecordReadContext } from '../records/hooks.js';
import type { Actor, HistoryEntry, RecordData } from '../records/types.js';
import { originalActor } from '../rules/chain.js';
import { deleteVersions, fetchLatestVersions, insertVersion, VERSION_TABLE, versionsOf } from './store.js';

/** Equal values as stored: JSON-equal, with a missing value the same as null. */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** The content fields' values of `record` (null where it has none). */
function contentOf(fields: readonly string[], record: RecordData): RecordData {
  return Object.fromEntries(fields.map((f) => [f, record[f] ?? null]));
}

async function publishIfChanged(ctx: RecordHookContext, record: RecordData): Promise<void> {
  const versions = versionsOf(ctx.registry, ctx.table);
  if (!versions) return;
  const published = await evaluateCondition(versions.publishedWhen, { ...accessFacts(ctx.registry, ctx.actor, ctx.now), record });
  if (!published) return;
  const id = record.id as string;
  const physical = ctx.table.physical;
  const latest = (await fetchLatestVersions(ctx.trx, physical, [id])).get(id);
  const values = contentOf(versions.fields, record);
  if (latest && versions.fields.every((f) => sameValue(latest.values[f], values[f]))) return;
  // The person behind a rule's or workflow's write is its author (the system actor has no account: "system").
  const person = originalActor(ctx.actor);
  await insertVersion(ctx.trx, physical, id, {
    rowId: uuidv7(), number: (latest?.number ?? 0) + 1, values, recordVersion: Number(record.version),
    at: ctx.now.toISOString(), by: person.id, byName: person.username,
  });
}

async function showPublished(ctx: RecordReadContext, records: RecordData[]): Promise<void> {
  const { registry, table } = ctx;
  // Nothing to do unless the table or a table extending it keeps versions (the common case costs this one check).
  if (!table.classes.some((c) => versionsOf(registry, registry.tables.get(c)))) return;
  const byId = new Map<string, { record: RecordData; fields: readonly string[] }>();
  for (const record of records) {
    const cls = typeof record.class === 'string' ? registry.tables.get(record.class) : table;
    const versions = versionsOf(registry, cls);
    if (versions && typeof record.id === 'string') byId.set(record.id, { record, fields: versions.fields });
  }
  if (!byId.size) return;
  const editable = await ctx.updatable([...byId.keys()]);
  const readers = [...byId.keys()].filter((id) => !editable.has(id));
  const latest = await fetchLatestVersions(ctx.knex, table.physical, readers);
  for (const [id, version] of latest) {
    const { record, fields } = byId.get(id)!;
    // Only fields the reader was given: a field they may not read stays absent.
    for (const f of fields) if (f in record) record[f] = version.values[f] ?? null;
  }
}

/**
 * A reader's field history of a record under revision: changes of content fields after its latest published version
 * are the draft's, so they are left out (the record shows them the published content, its history must not tell the
 * draft either).
 */
async function publishedHistory(ctx: RecordReadContext, id: string, entries: HistoryEntry[]): Promise<HistoryEntry[]> {
  const { registry, table } = ctx;
  let versions = versionsOf(registry, table);
  if (!versions && table.classes.length > 1 && table.fields.has('class')) {
    // Read through a table it extends: the record's own class decides.
    const row = await ctx.knex(table.physical).first('class').where('id', id) as { class?: string } | undefined;
    versions = versionsOf(registry, registry.tables.get(row?.class ?? ''));
  }
  if (!versions || (await ctx.updatable([id])).has(id)) return entries;
  const latest = (await fetchLatestVersions(ctx.knex, table.physical, [id])).get(id);
  if (!latest) return entries;
  const content = new Set(versions.fields);
  return entries.filter((e) => !content.has(e.field) || e.version <= latest.recordVersion);
}

/** PostgreSQL types to compare a content value as, by field type (JSON text otherwise, as a string column sorts). */
const PG_SORT_TYPES: Record<string, string> = {
  integer: 'numeric', decimal: 'numeric', currency: 'numeric', number: 'numeric', date: 'date', datetime: 'timestamptz', boolean: 'boolean',
};

/**
 * The value a reader's sort on content field `field` orders by: the latest published version's value where the record
 * has one, else the stored value (a record never published). Keys and table names are bindings, never SQL text.
 */
function publishedSort(physical: string, field: ResolvedField) {
  return (dialect: 'sqlite' | 'postgres', column: string, idColumn: string) => {
    // PostgreSQL keeps ids as uuid and versions' record ids as text: compared as text (the stored form, lower case).
    const latest = `from ${VERSION_TABLE} as cv where cv.table_name = ? and cv.record_id = ??${dialect === 'postgres' ? '::text' : ''}`;
    if (dialect === 'sqlite') {
      return {
        sql: `(case when exists (select 1 ${latest}) then (select json_extract(cv."values", ?) ${latest} order by cv.number desc limit 1) else ?? end)`,
        bindings: [physical, idColumn, `$.${field.name}`, physical, idColumn, column],
      };
    }
    const type = PG_SORT_TYPES[field.type] ?? 'text';
    return {
      sql: `(case when exists (select 1 ${latest}) then (select (cv."values"::jsonb ->> ?::text)::${type} ${latest} order by cv.number desc limit 1) else ??::${type} end)`,
      bindings: [physical, idColumn, field.name, physical, idColumn, column],
    };
  };
}

/**
 * What a list reader who may not update every record may do with content fields (of the table and those extending
 * it): sorts order by the published content (publishedSort); filters are refused. Filters compare stored values, so on
 * a record under revision they would tell its draft by what matches; refused whatever the records' state, since a
 * refusal only while some record is in revision would itself tell that one is, and make the same list work one day
 * and fail the next. Search matches the published content and serves readers. People who may update every record
 * filter and sort the working copy they see.
 */
function guardedContent(ctx: RecordReadContext): ReadonlyMap<string, GuardedField> {
  const { registry, table, actor } = ctx;
  const out = new Map<string, GuardedField>();
  for (const name of unfilterableContent(registry, table, actor)) {
    const field = table.fields.get(name);
    if (!field) continue;
    out.set(name, {
      message: `Field "${name}" of table "${table.name}" holds content that may be in draft: only people who may change every record can filter or count by it. Search its published content instead.`,
      sortBy: publishedSort(table.physical, field),
    });
  }
  return out;
}

/**
 * The content fields `actor` may not filter by in lists of `table` (see guardedContent): none for people who may
 * update every record. The metadata marks them so that filter builders do not offer them.
 */
export function unfilterableContent(registry: Registry, table: ResolvedTable, actor: Actor): Set<string> {
  const fields = new Set<string>();
  for (const c of table.classes) for (const f of versionsOf(registry, registry.tables.get(c))?.fields ?? []) fields.add(f);
  if (!fields.size) return fields;
  const update = accessFor(registry, actor, table.name, 'update');
  return update.allowed && update.rowCondition === null ? new Set() : fields;
}

/** The content-versions hook: register once per engine (platform/engine.ts). */
export function contentVersionsRecordHook(): RecordHook {
  return {
    name: 'content-versions',
    async after(ctx, record) {
      if (ctx.operation === 'delete') {
        if (versionsOf(ctx.registry, ctx.table)) await deleteVersions(ctx.trx, ctx.table.physical, record.id as string);
        return;
      }
      await publishIfChanged(ctx, record);
    },
    read: showPublished,
    readHistory: publishedHistory,
    guardedFields: guardedContent,
  };
}
