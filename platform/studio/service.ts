/**
 * The studio's service: change sets and their definition edits (optimistic concurrency on each edit's revision,
 * every write audited in its transaction), checks of a change set, publishing, versions, diffs and rollbacks.
 * Routes hold the `platform.studio` capability; nothing here checks the actor beyond naming it in the audit.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Knex } from 'knex';
import { v7 as uuidv7 } from 'uuid';
import type { Formwork } from '../context.js';
import { loadDefinitionFiles } from '../definitions/loader.js';
import { layerFileName, type DefinitionLayer } from '../definitions/overlay.js';
import type { RegistryHolder } from '../definitions/registry.js';
import type { DefinitionBase, DefinitionError, Registry } from '../definitions/types.js';
import type { KindName } from '../definitions/kinds.js';
import { fail, FormworkError } from '../errors.js';
import { writeAudit } from '../records/audit.js';
import { describeRefusal, planSchemaSync } from '../records/schema-sync.js';
import type { Actor } from '../records/types.js';
import { diffLayers, fileDefinitions } from './diff.js';
import { buildExport, type ExportBundle } from './export.js';
import { applyImport, planImport } from './import.js';
import { assertNoConflicts, composeLayer, fetchPublishedLayer } from './layer.js';
import { StudioPreview } from './preview.js';
import { publishLayer } from './publish.js';
import {
  fetchChangeSet, fetchChangeSets, fetchCurrentVersion, fetchHidden, fetchItem, fetchItems, fetchLayer, fetchLayerSizes, fetchVersion,
  fetchVersions, type ChangeSetRow, type ItemRow, type VersionRow,
} from './store.js';
import type {
  ChangeSetItemView, ChangeSetView, DefinitionListEntry, DiffView, ImportPlanView, ImportResultView, StudioService, ValidationView,
  VersionView,
} from './types.js';

const changeSetView = (r: ChangeSetRow): ChangeSetView => ({
  id: r.id, name: r.name, status: r.status, comment: r.comment, author: r.author_name, createdAt: r.created_at, updatedAt: r.updated_at,
  publishedVersion: r.published_version,
});

const itemView = (r: ItemRow): ChangeSetItemView => ({
  kind: r.kind, name: r.name, definition: r.deleted || r.definition === null ? null : JSON.parse(r.definition), deleted: r.deleted,
  revision: r.revision, baseVersion: r.base_version, origin: 'draft', updatedBy: r.updated_by, updatedAt: r.updated_at,
});

/** The pack a definition file belongs to: the folder under definitions/, `catalog` for catalogue files. */
function packOf(file: string): string {
  if (file.startsWith('studio:')) return 'studio';
  const pack = /(?:^|\/)definitions\/([^/]+)\//.exec(file);
  if (pack) return pack[1]!;
  if (/(?:^|\/)catalog\//.test(file)) return 'catalog';
  return file.split('/')[0] ?? file;
}

/** The studio service of a running engine; `holder` is the registry holder the engine serves from. */
export class DefinitionStudio implements StudioService {
  readonly #fw: Formwork;
  readonly #holder: RegistryHolder;
  readonly preview: StudioPreview;

  constructor(fw: Formwork, holder: RegistryHolder) {
    this.#fw = fw;
    this.#holder = holder;
    this.preview = new StudioPreview(fw, holder);
  }

  get #knex(): Knex { return this.#fw.db.knex; }

  #assertKind(kind: string): void {
    const kinds = this.#holder.kinds.map((k) => k.kind as string);
    if (!kinds.includes(kind)) {
      fail('validation_failed', `There is no definition kind "${kind}".`, {
        fieldErrors: [{ field: 'kind', code: 'unknown_kind', message: `Kind must be one of ${kinds.join(', ')}; got "${kind}".` }],
      });
    }
  }

  async #changeSet(id: string, draft = false): Promise<ChangeSetRow> {
    const cs = await fetchChangeSet(this.#knex, id);
    if (!cs) fail('not_found', `There is no change set "${id}".`);
    if (draft && cs.status !== 'draft') fail('invalid_state', `Change set "${cs.name}" is ${cs.status}: only a draft can be changed or published.`);
    return cs;
  }

  /** The running definition as written (before the registry's normalising), from the published layer or its file. */
  async #running(registry: Registry, kind: string, name: string): Promise<{ definition: unknown; origin: 'file' | 'studio' } | null> {
    const source = registry.sources.get(`${kind}:${name}`);
    if (!source) return null;
    const entry = this.#holder.layer?.entries.find((e) => e.kind === kind && e.name === name);
    if (entry && source.file.startsWith('studio:')) return { definition: entry.definition, origin: 'studio' };
    try {
      return { definition: JSON.parse(await readFile(resolve(source.file), 'utf8')), origin: 'file' };
    } catch {
      // The file changed or went since it was loaded: the registry's copy is what runs.
      return { definition: registry.get(kind as KindName, name), origin: 'file' };
    }
  }

  /** Errors of the change set as it stands, built over the layer published last. */
  async #check(cs: ChangeSetRow): Promise<{ errors: DefinitionError[]; registry?: Registry; items: ItemRow[] }> {
    const items = await fetchItems(this.#knex, cs.id);
    const candidate = composeLayer(await fetchPublishedLayer(this.#knex), items, cs.name);
    const built = await this.#holder.prepare(this.#fw.config.definitionRoots, candidate);
    return { errors: built.errors, registry: built.registry, items };
  }

  listDefinitions(filter: { kind?: string; pack?: string; q?: string }): DefinitionListEntry[] {
    const registry = this.#holder.current;
    const q = filter.q?.toLowerCase();
    const out: DefinitionListEntry[] = [];
    for (const [key, source] of registry.sources) {
      const [kind, ...rest] = key.split(':');
      const name = rest.join(':');
      if (filter.kind && kind !== filter.kind) continue;
      const pack = packOf(source.file);
      if (filter.pack && pack !== filter.pack) continue;
      // Most kinds are labelled; catalogue kinds have titles.
      const def = registry.get(kind as KindName, name) as DefinitionBase & { label?: unknown; title?: unknown };
      const label = typeof def.label === 'string' ? def.label : typeof def.title === 'string' ? def.title : null;
      if (q && !name.toLowerCase().includes(q) && !(label ?? '').toLowerCase().includes(q)) continue;
      out.push({ kind: kind!, name, label, pack, origin: source.file.startsWith('studio:') ? 'studio' : 'file', file: source.file });
    }
    return out.sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
  }

  async createChangeSet(actor: Actor, input: { name: string; comment?: string }): Promise<ChangeSetView> {
    const at = this.#fw.clock.now().toISOString();
    const row: ChangeSetRow = {
      id: uuidv7(), name: input.name, status: 'draft', comment: input.comment ?? null, author_id: actor.id, author_name: actor.username,
      created_at: at, updated_at: at, published_version: null,
    };
    await this.#knex.transaction(async (trx) => {
      await trx('sys_studio_change_set').insert(row);
      await writeAudit(trx, actor, at, [{
        table: 'sys_studio_change_set', recordId: row.id, operation: 'insert', version: 1,
        changes: { name: [null, row.name], comment: [null, row.comment], status: [null, 'draft'] },
      }]);
    });
    return changeSetView(row);
  }

  async listChangeSets(): Promise<ChangeSetView[]> {
    return (await fetchChangeSets(this.#knex)).map(changeSetView);
  }

  async getChangeSet(id: string): Promise<ChangeSetView> {
    const cs = await this.#changeSet(id);
    return { ...changeSetView(cs), definitions: (await fetchItems(this.#knex, cs.id)).map(itemView) };
  }

  async getDefinition(csId: string, kind: string, name: string): Promise<ChangeSetItemView> {
    this.#assertKind(kind);
    const cs = await this.#changeSet(csId);
    const item = await fetchItem(this.#knex, cs.id, kind, name);
    if (item) return itemView(item);
    const running = await this.#running(this.#holder.current, kind, name);
    if (!running) fail('not_found', `There is no ${kind} "${name}".`);
    return {
      kind, name, definition: running.definition, deleted: false, revision: 0, baseVersion: await fetchCurrentVersion(this.#knex),
      origin: running.origin, updatedBy: null, updatedAt: null,
    };
  }

  /** Write one item (an edit or a deletion) under its revision, audited; answers the item as written. */
  async #write(
    actor: Actor, cs: ChangeSetRow, kind: string, name: string, definition: unknown, expectedRevision?: number,
  ): Promise<ItemRow> {
    const at = this.#fw.clock.now().toISOString();
    const deleted = definition === null;
    const text = deleted ? null : JSON.stringify(definition);
    return this.#knex.transaction(async (trx) => {
      const existing = await fetchItem(trx, cs.id, kind, name);
      let row: ItemRow;
      if (existing) {
        if (expectedRevision === undefined) {
          fail('conflict', `${kind} "${name}" was already edited in this change set (revision ${existing.revision}): send If-Match with the revision you edited.`, {
            extra: { currentRevision: existing.revision },
          });
        }
        row = { ...existing, definition: text, deleted, revision: existing.revision + 1, updated_by: actor.username, updated_at: at };
        const updated = await trx('sys_studio_item').where({ change_set_id: cs.id, kind, name, revision: expectedRevision })
          .update({ definition: text, deleted, revision: row.revision, updated_by: actor.username, updated_at: at });
        if (!updated) staleRevision(kind, name, existing.revision, expectedRevision);
      } else {
        if (expectedRevision !== undefined && expectedRevision !== 0) staleRevision(kind, name, 0, expectedRevision);
        row = {
          change_set_id: cs.id, kind, name, definition: text, deleted, base_version: await fetchCurrentVersion(trx), revision: 1,
          updated_by: actor.username, updated_at: at,
        };
        await trx('sys_studio_item').insert(row);
      }
      await trx('sys_studio_change_set').where({ id: cs.id }).update({ updated_at: at });
      await writeAudit(trx, actor, at, [{
        table: 'sys_studio_change_set', recordId: cs.id, operation: 'update', version: row.revision,
        changes: { [`${kind}/${name}`]: [existing ? itemView(existing).definition : null, deleted ? null : definition] },
      }]);
      return row;
    }).catch(async (e) => {
      // Two first saves of one definition at once: the second insert meets the first's key.
      if (e instanceof FormworkError || !/unique|duplicate|constraint/i.test((e as Error)?.message ?? '') || expectedRevision !== undefined) throw e;
      const now = await fetchItem(this.#knex, cs.id, kind, name);
      if (!now) throw e;
      return fail('conflict', `${kind} "${name}" was saved meanwhile (revision ${now.revision}): open it again.`, { extra: { currentRevision: now.revision } });
    });
  }

  async saveDefinition(
    actor: Actor, csId: string, kind: string, name: string, body: unknown, expectedRevision?: number,
  ): Promise<ChangeSetItemView> {
    this.#assertKind(kind);
    const cs = await this.#changeSet(csId, true);
    if (!body || typeof body !== 'object' || Array.isArray(body)) fail('invalid_payload', `Send the ${kind} definition as one JSON object.`);
    const given = body as { kind?: unknown; name?: unknown };
    const wrong = [
      given.kind !== undefined && given.kind !== kind ? { field: 'kind', code: 'mismatch', message: `Kind must be "${kind}", as in the address; got ${JSON.stringify(given.kind)}.` } : null,
      given.name !== undefined && given.name !== name ? { field: 'name', code: 'mismatch', message: `Name must be "${name}", as in the address; got ${JSON.stringify(given.name)}.` } : null,
    ].filter((e) => e !== null);
    if (wrong.length) fail('validation_failed', wrong.map((e) => e.message).join(' '), { fieldErrors: wrong });
    const definition = { ...given, kind, name };
    const row = await this.#write(actor, cs, kind, name, definition, expectedRevision);
    const file = layerFileName({ kind, name, source: cs.name });
    const { errors } = await this.#check(cs);
    return { ...itemView(row), errors: errors.filter((e) => e.file === file) };
  }

  async deleteDefinition(
    actor: Actor, csId: string, kind: string, name: string, expectedRevision?: number,
  ): Promise<ChangeSetItemView | null> {
    this.#assertKind(kind);
    const cs = await this.#changeSet(csId, true);
    const item = await fetchItem(this.#knex, cs.id, kind, name);
    const published = (await fetchPublishedLayer(this.#knex)).entries.some((e) => e.kind === kind && e.name === name);
    const files = fileDefinitions((await loadDefinitionFiles(this.#fw.config.definitionRoots)).documents);
    if (files.has(`${kind}:${name}`)) {
      fail('validation_failed', `${kind} "${name}" is declared in a definition file: a file definition can be changed in the studio, not deleted.`, {
        fieldErrors: [{ field: 'name', code: 'file_definition', message: `${kind} "${name}" comes from a file and cannot be deleted here.` }],
      });
    }
    if (!published) {
      if (!item) fail('not_found', `There is no ${kind} "${name}".`);
      // Created in this draft only: deleting it drops the edit, there is nothing published to take out.
      if (expectedRevision !== undefined && expectedRevision !== item.revision) staleRevision(kind, name, item.revision, expectedRevision);
      await this.#knex.transaction(async (trx) => {
        await trx('sys_studio_item').where({ change_set_id: cs.id, kind, name }).delete();
        await writeAudit(trx, actor, this.#fw.clock.now().toISOString(), [{
          table: 'sys_studio_change_set', recordId: cs.id, operation: 'update', version: item.revision + 1,
          changes: { [`${kind}/${name}`]: [itemView(item).definition, null] },
        }]);
      });
      return null;
    }
    return itemView(await this.#write(actor, cs, kind, name, null, expectedRevision ?? (item ? undefined : 0)));
  }

  async validate(csId: string): Promise<ValidationView> {
    const cs = await this.#changeSet(csId);
    const { errors, registry, items } = await this.#check(cs);
    if (!registry) return { valid: false, errors, schemaChanges: [], refused: [] };
    const hidden = await fetchHidden(this.#knex);
    const deletedTables = new Set(items.filter((i) => i.kind === 'table' && i.deleted).map((i) => i.name));
    const changes = await planSchemaSync(this.#fw.db, registry);
    const refused = changes.filter((c) => !c.additive && !hidden(c) && !(c.kind === 'drop_table' && deletedTables.has(c.table)));
    return {
      valid: refused.length === 0, errors: [],
      schemaChanges: changes.filter((c) => c.additive).map((c) => ({ kind: c.kind, table: c.table, field: c.field ?? null })),
      refused: refused.map(describeRefusal),
    };
  }

  async publish(actor: Actor, csId: string, comment?: string): Promise<VersionView> {
    const cs = await this.#changeSet(csId, true);
    let items: ItemRow[] = [];
    const row = await publishLayer(this.#fw, this.#holder, {
      actor, comment: comment ?? cs.comment, changeSet: cs,
      compose: async (published) => {
        // Read under the lock: an edit saved while an earlier publish waited is part of this one.
        items = await fetchItems(this.#knex, cs.id);
        if (!items.length) fail('invalid_state', `Change set "${cs.name}" has no changes to publish.`);
        await assertNoConflicts(this.#knex, items, published);
        return composeLayer(published, items, cs.name);
      },
      mayHide: (c) => c.kind === 'drop_table' && items.some((i) => i.kind === 'table' && i.deleted && i.name === c.table),
    });
    return this.#versionView(row);
  }

  async rollback(actor: Actor, version: number, comment?: string): Promise<VersionView> {
    if (version !== 0 && !(await fetchVersion(this.#knex, version))) fail('not_found', `There is no version ${version}.`);
    const row = await publishLayer(this.#fw, this.#holder, {
      actor, comment: comment ?? `Rollback to version ${version}`, rollbackOf: version,
      compose: async (published: DefinitionLayer) => {
        if (published.version === version) fail('invalid_state', `Version ${version} is the version in force: there is nothing to roll back.`);
        return fetchLayer(this.#knex, version);
      },
      // Rolling back never drops data: what only the layer declared is hidden, its table or column kept.
      mayHide: () => true,
    });
    return this.#versionView(row);
  }

  async #versionView(row: VersionRow, sizes?: Map<number, number>, names?: Map<string, string>): Promise<VersionView> {
    const size = sizes?.get(row.number) ?? (await fetchLayerSizes(this.#knex)).get(row.number) ?? 0;
    const csName = row.change_set_id
      ? names?.get(row.change_set_id) ?? (await fetchChangeSet(this.#knex, row.change_set_id))?.name
      : undefined;
    return {
      number: row.number, author: row.author_name, createdAt: row.created_at, comment: row.comment,
      changeSet: row.change_set_id ? { id: row.change_set_id, name: csName ?? '' } : null, rollbackOf: row.rollback_of,
      definitions: size, current: (this.#holder.layer?.version ?? 0) === row.number,
    };
  }

  async listVersions(): Promise<VersionView[]> {
    const [rows, sizes, sets] = await Promise.all([fetchVersions(this.#knex), fetchLayerSizes(this.#knex), fetchChangeSets(this.#knex)]);
    const names = new Map(sets.map((s) => [s.id, s.name]));
    return Promise.all(rows.map((r) => this.#versionView(r, sizes, names)));
  }

  async discardChangeSet(actor: Actor, csId: string, comment?: string): Promise<ChangeSetView> {
    const cs = await this.#changeSet(csId, true);
    const at = this.#fw.clock.now().toISOString();
    await this.#knex.transaction(async (trx) => {
      // Only while still a draft: a publish that got there first keeps its change set published.
      const updated = await trx('sys_studio_change_set').where({ id: cs.id, status: 'draft' }).update({ status: 'discarded', updated_at: at });
      if (!updated) fail('invalid_state', `Change set "${cs.name}" is no longer a draft: it was published or discarded meanwhile.`);
      await writeAudit(trx, actor, at, [{
        table: 'sys_studio_change_set', recordId: cs.id, operation: 'update', version: 1,
        changes: { status: ['draft', 'discarded'], ...(comment ? { discard_comment: [null, comment] } : {}) },
      }]);
    });
    return changeSetView({ ...cs, status: 'discarded', updated_at: at });
  }

  exportLayer(since?: number): Promise<ExportBundle> {
    return buildExport(this.#knex, { since, now: this.#fw.clock.now() });
  }

  planImport(bundle: unknown): Promise<ImportPlanView> {
    return planImport(this.#fw, this.#holder, bundle);
  }

  async applyImport(actor: Actor, bundle: unknown, options: { force?: boolean; comment?: string }): Promise<ImportResultView> {
    const { plan, version } = await applyImport(this.#fw, this.#holder, actor, bundle, options);
    return { plan, version: version ? await this.#versionView(version) : null };
  }

  async diff(from: number, to: number): Promise<DiffView> {
    for (const v of [from, to]) if (v !== 0 && !(await fetchVersion(this.#knex, v))) fail('not_found', `There is no version ${v}.`);
    const files = fileDefinitions((await loadDefinitionFiles(this.#fw.config.definitionRoots)).documents);
    const [a, b] = await Promise.all([fetchLayer(this.#knex, from), fetchLayer(this.#knex, to)]);
    return { from, to, definitions: diffLayers(files, a, b) };
  }
}

/** 412: the If-Match revision is not the edit's revision now. */
function staleRevision(kind: string, name: string, current: number, sent: number): never {
  fail('precondition_failed', `${kind} "${name}" is at revision ${current} in this change set; If-Match "${sent}" does not match it.`, {
    extra: { currentRevision: current },
  });
}
