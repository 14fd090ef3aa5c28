/**
 * What the versions API answers: a record's published versions (for people who may update it), one version's
 * values, the difference between two versions, and which version a reader is shown. Access is the record API's: a
 * record the person cannot read is `not_found`; the versions of one they can read but not update are `forbidden`.
 */
import { accessFacts, accessFor, assertCanOperate } from '../access/index.js';
import { personNameSql } from '../access/identity/index.js';
import type { Formwork } from '../context.js';
import type { ResolvedTable } from '../definitions/types.js';
import { fail } from '../errors.js';
import { humanise } from '../records/display-values.js';
import { RecordReader } from '../records/record-reader.js';
import { hiddenFieldsOf } from '../records/row-masking.js';
import { FieldSealer } from '../records/sealing.js';
import type { Actor, RecordData } from '../records/types.js';
import { diffSegments, plainValue } from './diff.js';
import type { FieldDiff, FieldName, VersionDiff, VersionStatus, VersionSummary } from './types.js';
import { sameValue } from './hook.js';
import { fetchLatestVersions, fetchVersions, versionsOf, type StoredVersion } from './store.js';

interface Target {
  table: ResolvedTable;
  /** The content fields the person may read. */
  fields: string[];
  editor: boolean;
}

/** The versions API's service (see the module comment); one per engine. */
export class ContentVersions {
  readonly #fw: Formwork;
  readonly #reader: RecordReader;

  constructor(fw: Formwork) {
    this.#fw = fw;
    this.#reader = new RecordReader(fw.db, new FieldSealer(fw.keys));
  }

  /** Which version the person is shown (any reader of the record). Errors: table_not_found, forbidden, not_found. */
  async status(tableName: string, id: string, actor: Actor): Promise<VersionStatus> {
    const target = await this.#target(tableName, id, actor);
    const latest = (await fetchLatestVersions(this.#fw.db.reader, target.table.physical, [id])).get(id);
    return { editor: target.editor, published: latest ? { number: latest.number, publishedAt: latest.createdAt } : null };
  }

  /** The record's versions, newest first. Errors: table_not_found, not_found, forbidden (not an editor). */
  async list(tableName: string, id: string, actor: Actor): Promise<VersionSummary[]> {
    const target = await this.#editorTarget(tableName, id, actor);
    const versions = await fetchVersions(this.#fw.db.reader, target.table.physical, id);
    const names = await this.#names(versions);
    return versions.map((v, i) => ({
      number: v.number, publishedAt: v.createdAt, publishedBy: names.get(v.number) ?? 'System',
      changed: target.fields
        .filter((f) => (i === 0 ? !sameValue(v.values[f], null) : !sameValue(v.values[f], versions[i - 1]!.values[f])))
        .map((f) => this.#name(target.table, f)),
    })).reverse();
  }

  /** One version's values (the content fields the person may read). Errors: as list(), and not_found for the version. */
  async one(tableName: string, id: string, n: number, actor: Actor): Promise<VersionSummary & { values: RecordData }> {
    const target = await this.#editorTarget(tableName, id, actor);
    const versions = await fetchVersions(this.#fw.db.reader, target.table.physical, id);
    const v = this.#version(target, versions, n, id);
    const before = versions.find((x) => x.number === n - 1);
    const names = await this.#names([v]);
    return {
      number: v.number, publishedAt: v.createdAt, publishedBy: names.get(v.number) ?? 'System',
      changed: target.fields
        .filter((f) => !sameValue(v.values[f], before ? before.values[f] : null)).map((f) => this.#name(target.table, f)),
      values: Object.fromEntries(target.fields.map((f) => [f, v.values[f] ?? null])),
    };
  }

  /**
   * The word-level difference from version `against` (default: the one before; for version 1, nothing) to version `n`,
   * per content field. Errors: as one(); `invalid_query` when `against` names the version itself.
   */
  async diff(tableName: string, id: string, n: number, against: number | undefined, actor: Actor): Promise<VersionDiff> {
    const target = await this.#editorTarget(tableName, id, actor);
    const versions = await fetchVersions(this.#fw.db.reader, target.table.physical, id);
    const newer = this.#version(target, versions, n, id);
    if (against === n) {
      fail('invalid_query', `Compare version ${n} with another version, not with itself.`, {
        fieldErrors: [{ field: 'against', code: 'invalid', message: 'Choose a different version to compare with.' }],
      });
    }
    const base = against !== undefined ? this.#version(target, versions, against, id) : versions.find((x) => x.number === n - 1);
    const fields = target.fields.map((f): FieldDiff => {
      const field = target.table.fields.get(f);
      const older = plainValue(field, base?.values[f]);
      const now = plainValue(field, newer.values[f]);
      const unchanged = now ? [{ text: now }] : [];
      return { ...this.#name(target.table, f), changed: older !== now, segments: older === now ? unchanged : diffSegments(older, now) };
    });
    return { number: newer.number, against: base?.number ?? null, fields };
  }

  #version(target: Target, versions: StoredVersion[], n: number, id: string): StoredVersion {
    const v = versions.find((x) => x.number === n);
    if (!v) fail('not_found', `Record "${id}" of table "${target.table.name}" has no version ${n}.`);
    return v;
  }

  #name(table: ResolvedTable, f: string): FieldName {
    return { field: f, label: table.fields.get(f)?.label ?? humanise(f) };
  }

  /** Authors by version number: display name where the account still exists, else the username kept with the version. */
  async #names(versions: StoredVersion[]): Promise<Map<number, string>> {
    const knex = this.#fw.db.reader;
    const ids = [...new Set(versions.map((v) => v.createdBy).filter((x): x is string => x !== null))];
    const rows: { id: string; name: string }[] = ids.length
      ? await knex('sys_user as u').select('u.id', personNameSql(knex, 'u', 'name')).whereIn('u.id', ids)
      : [];
    const byId = new Map(rows.map((r) => [r.id, r.name]));
    return new Map(versions.map((v) => [
      v.number, (v.createdBy && byId.get(v.createdBy)) || (v.createdByName === 'system' ? 'System' : v.createdByName),
    ]));
  }

  async #editorTarget(tableName: string, id: string, actor: Actor): Promise<Target> {
    const target = await this.#target(tableName, id, actor);
    if (!target.editor) fail('forbidden', `${actor.username} may not see the versions of record "${id}" of table "${target.table.name}": only people who may change it can.`);
    return target;
  }

  /** The versioned table, with the record read through the person's read access (else not_found) and whether they may update it. */
  async #target(tableName: string, id: string, actor: Actor): Promise<Target> {
    const registry = this.#fw.registry.current;
    const table = registry.getTable(tableName);
    const read = assertCanOperate(registry, actor, table.name, 'read');
    const facts = accessFacts(registry, actor, this.#fw.clock.now());
    const knex = this.#fw.db.reader;
    const columns = table.fields.has('class') ? ['id', 'class'] : ['id'];
    const [found] = await this.#reader.readMany(knex, table, [id], { access: read, facts }, { columns });
    if (!found) fail('not_found', `Record "${id}" of table "${table.name}" does not exist.`);
    const cls = typeof found.class === 'string' ? registry.tables.get(found.class) ?? table : table;
    const versions = versionsOf(registry, cls);
    if (!versions) fail('not_found', `Table "${cls.name}" keeps no versions of its records.`);
    const update = accessFor(registry, actor, table.name, 'update');
    let editor = update.allowed;
    if (editor && update.rowCondition !== null) {
      editor = (await this.#reader.readMany(knex, table, [id], { access: update, facts }, { columns: ['id'] })).length > 0;
    }
    let fields = versions.fields.filter((f) => read.unrestricted || read.readable.has(f));
    if (!read.unrestricted && fields.some((f) => cls.fields.get(f)?.readableWhen)) {
      // A field masked for this person on this record (`readableWhen`, decided on the working copy as record reads
      // are) stays out of its versions too.
      const all = [...cls.fields.values()].filter((f) => f.column !== null);
      const row = await knex(cls.physical).select(all.map((f) => f.column!)).where('id', id).first() as RecordData | undefined;
      const hidden = row ? await hiddenFieldsOf(cls, false, facts, this.#reader.fromRow(all, row)) : new Set<string>();
      fields = fields.filter((f) => !hidden.has(f));
    }
    return { table: cls, fields, editor };
  }
}
