/**
 * Importing an export (platform/studio/export.ts) into this database: a plan of what would change, and applying it
 * as one new version through the publish path (validated like files, schema synced additively, atomic).
 *
 * Each definition of the bundle is compared with this database's own layer entry for it. Equal to what already
 * runs: unchanged. Otherwise this database's entry (or its absence) must be one the exporting database had between
 * the export's base and the version exported (the manifest's `history`): then this database is only behind, and the
 * import moves it on. Any other entry is a **conflict**: this database changed the definition itself since, and the
 * import would silently overwrite that change; applying refuses conflicts unless forced. A file in the bundle that
 * the manifest does not list (a hand-written definition) conflicts only with a layer entry this database has.
 *
 * A definition equal to this database's definition file leaves the layer (the file serves it again) rather than
 * being copied into it; a removal takes the entry out of the layer, and a table only the layer declared is then
 * hidden with its data, as a deletion published from a change set is.
 */
import { loadDefinitionFiles } from '../definitions/loader.js';
import type { DefinitionLayer, LayerEntry } from '../definitions/overlay.js';
import type { RegistryHolder } from '../definitions/registry.js';
import type { Formwork } from '../context.js';
import { fail } from '../errors.js';
import { describeRefusal, planSchemaSync } from '../records/schema-sync.js';
import type { Actor } from '../records/types.js';
import { diffJson, fileDefinitions } from './diff.js';
import { contentHash, MANIFEST_FILE, type ExportManifest, type ManifestEntry } from './export.js';
import { canonical, fetchPublishedLayer } from './layer.js';
import { publishLayer, type PublishPlan } from './publish.js';
import { fetchHidden, fetchLayer, fetchVersions, type VersionRow } from './store.js';
import type { ImportConflict, ImportPlanView } from './types.js';

/** A bundle read and checked: its manifest (when it has one) and its definitions. */
export interface ParsedBundle {
  manifest: ExportManifest | null;
  documents: { file: string; kind: string; name: string; definition: Record<string, unknown> }[];
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const keyOf = (kind: string, name: string) => `${kind}:${name}`;

function isEntryList(v: unknown): v is ManifestEntry[] {
  return Array.isArray(v) && v.every((e) => isObject(e) && typeof e.kind === 'string' && typeof e.name === 'string'
    && Array.isArray(e.history) && e.history.every((h) => h === null || typeof h === 'string'));
}

/**
 * Check a bundle's shape: `{files: {path: definition}}`, each definition an object with a kind and name, none twice,
 * and a manifest (when present) as exports write it. Errors: invalid_payload, every problem listed by file.
 */
export function parseBundle(bundle: unknown): ParsedBundle {
  if (!isObject(bundle) || !isObject(bundle.files)) {
    fail('invalid_payload', 'Send the bundle as a JSON object {"files": {"tables/x.json": {…definition…}, …}}.');
  }
  const problems: { field: string; code: string; message: string }[] = [];
  const documents: ParsedBundle['documents'] = [];
  const seen = new Map<string, string>();
  let manifest: ExportManifest | null = null;
  for (const [file, value] of Object.entries(bundle.files)) {
    if (file === MANIFEST_FILE) {
      const m = value as Partial<ExportManifest> | null;
      if (!isObject(m) || m.format !== 1 || !Number.isInteger(m.version) || !Number.isInteger(m.base)
        || !isEntryList(m.definitions) || !isEntryList(m.removed)) {
        problems.push({ field: file, code: 'manifest', message: `${file} is not an export manifest of format 1 (version, base, definitions, removed).` });
      } else manifest = m as ExportManifest;
      continue;
    }
    if (!isObject(value) || typeof value.kind !== 'string' || typeof value.name !== 'string') {
      problems.push({ field: file, code: 'definition', message: `${file} must hold one definition: a JSON object with a kind and a name.` });
      continue;
    }
    const key = keyOf(value.kind, value.name);
    const prior = seen.get(key);
    if (prior) {
      problems.push({ field: file, code: 'duplicate', message: `${file} declares ${value.kind} "${value.name}" again (already in ${prior}).` });
      continue;
    }
    seen.set(key, file);
    documents.push({ file, kind: value.kind, name: value.name, definition: value });
  }
  for (const r of manifest?.removed ?? []) {
    if (seen.has(keyOf(r.kind, r.name))) {
      problems.push({ field: MANIFEST_FILE, code: 'removed_and_present', message: `${r.kind} "${r.name}" is listed as removed and has a file (${seen.get(keyOf(r.kind, r.name))}).` });
    }
  }
  if (problems.length) fail('invalid_payload', problems.map((p) => p.message).join(' '), { fieldErrors: problems });
  return { manifest, documents };
}

/** A plan and the layer it would publish. */
interface Planned {
  view: ImportPlanView;
  candidate: DefinitionLayer;
  /** Tables the import takes out of the layer that no file declares: hidden with their data. */
  removedTables: Set<string>;
}

/** The version of this database that last changed a definition's layer entry, newest first. */
async function changedIn(fw: Formwork, key: string, versions: VersionRow[], cache: Map<number, DefinitionLayer>): Promise<ImportConflict['changedIn']> {
  const layer = async (n: number) => {
    if (!cache.has(n)) cache.set(n, await fetchLayer(fw.db.knex, n));
    return cache.get(n)!;
  };
  const entry = async (n: number) => {
    const e = (await layer(n)).entries.find((x) => keyOf(x.kind, x.name) === key);
    return canonical(e?.definition ?? null);
  };
  for (const v of versions) {
    if (await entry(v.number) !== await entry(v.number - 1)) return { version: v.number, author: v.author_name, at: v.created_at };
  }
  return null;
}

/** What importing `bundle` over the `published` layer would do. */
async function plan(fw: Formwork, holder: RegistryHolder, bundle: ParsedBundle, published: DefinitionLayer): Promise<Planned> {
  const files = fileDefinitions((await loadDefinitionFiles(fw.config.definitionRoots)).documents);
  const entries = new Map<string, LayerEntry>(published.entries.map((e) => [keyOf(e.kind, e.name), e]));
  const histories = new Map((bundle.manifest?.definitions ?? []).map((d) => [keyOf(d.kind, d.name), d.history]));
  const m = bundle.manifest;
  const view: ImportPlanView = {
    source: m ? { version: m.version, base: m.base, exportedAt: m.exportedAt } : null,
    added: [], changed: [], removed: [], unchanged: 0, conflicts: [], errors: [], schemaChanges: [], hidden: [], refused: [],
  };
  const conflicting: string[] = [];
  const removedTables = new Set<string>();
  const isBehind = (key: string, history: readonly (string | null)[]) => {
    const mine = entries.get(key)?.definition;
    return history.includes(mine === undefined || mine === null ? null : contentHash(mine));
  };

  for (const doc of bundle.documents) {
    const key = keyOf(doc.kind, doc.name);
    const running = entries.get(key)?.definition ?? files.get(key);
    if (canonical(running ?? null) === canonical(doc.definition)) { view.unchanged += 1; continue; }
    if (!isBehind(key, histories.get(key) ?? [null])) conflicting.push(key);
    if (running === undefined) view.added.push({ kind: doc.kind, name: doc.name });
    else view.changed.push({ kind: doc.kind, name: doc.name, changes: diffJson(running, doc.definition) });
    // Back to the file's own definition: the layer lets go of it rather than holding a copy.
    if (files.has(key) && canonical(files.get(key)) === canonical(doc.definition)) entries.delete(key);
    else entries.set(key, { kind: doc.kind, name: doc.name, definition: doc.definition, source: 'import' });
  }
  for (const r of bundle.manifest?.removed ?? []) {
    const key = keyOf(r.kind, r.name);
    const mine = entries.get(key)?.definition;
    if (mine === undefined || mine === null) continue;
    if (!isBehind(key, r.history)) conflicting.push(key);
    entries.delete(key);
    if (files.has(key)) {
      view.changed.push({ kind: r.kind, name: r.name, toFile: true, changes: diffJson(mine, files.get(key)) });
    } else {
      view.removed.push({ kind: r.kind, name: r.name });
      if (r.kind === 'table') removedTables.add(r.name);
    }
  }

  if (conflicting.length) {
    const versions = await fetchVersions(fw.db.knex);
    const cache = new Map<number, DefinitionLayer>();
    for (const key of conflicting) {
      const [kind, ...rest] = key.split(':');
      view.conflicts.push({ kind: kind!, name: rest.join(':'), changedIn: await changedIn(fw, key, versions, cache) });
    }
  }
  const candidate: DefinitionLayer = { version: published.version, entries: [...entries.values()] };
  const built = await holder.prepare(fw.config.definitionRoots, candidate);
  view.errors = built.errors;
  if (built.registry) {
    const hidden = await fetchHidden(fw.db.knex);
    for (const c of await planSchemaSync(fw.db, built.registry)) {
      if (c.additive) view.schemaChanges.push({ kind: c.kind, table: c.table, field: c.field ?? null });
      else if (hidden(c)) continue;
      else if (c.kind === 'drop_table' && removedTables.has(c.table)) view.hidden.push(c.table);
      else view.refused.push(describeRefusal(c));
    }
  }
  return { view, candidate, removedTables };
}

const hasChanges = (v: ImportPlanView) => v.added.length + v.changed.length + v.removed.length > 0;

/** The plan of importing `bundle` here; nothing is written. Errors: invalid_payload (the bundle's shape). */
export async function planImport(fw: Formwork, holder: RegistryHolder, bundle: unknown): Promise<ImportPlanView> {
  return (await plan(fw, holder, parseBundle(bundle), await fetchPublishedLayer(fw.db.knex))).view;
}

function conflictMessage(conflicts: readonly ImportConflict[]): string {
  const list = conflicts.map((c) => `${c.kind} "${c.name}"${c.changedIn ? ` (changed here in version ${c.changedIn.version} by ${c.changedIn.author})` : ''}`);
  return `This database changed ${list.join(', ')} since the export's base: importing would overwrite those changes. `
    + 'Export them from here, merge, and import again, or import with force to let the export win.';
}

/**
 * Apply an import as one new version (nothing written when the plan changes nothing). The plan is made again under
 * the publish lock, so a version published meanwhile is taken into account. Errors: invalid_payload, conflict (the
 * conflicts in `conflicts`, unless `force`), definition_invalid, schema_change_refused.
 */
export async function applyImport(
  fw: Formwork, holder: RegistryHolder, actor: Actor, bundle: unknown, options: { force?: boolean; comment?: string },
): Promise<{ plan: ImportPlanView; version: VersionRow | null }> {
  const parsed = parseBundle(bundle);
  let planned = await plan(fw, holder, parsed, await fetchPublishedLayer(fw.db.knex));
  if (!hasChanges(planned.view)) return { plan: planned.view, version: null };
  const source = parsed.manifest ? `version ${parsed.manifest.version} exported ${parsed.manifest.exportedAt}` : 'definition files';
  const publish: PublishPlan = {
    actor,
    comment: options.comment ?? `Import of ${source}`,
    compose: async (published) => {
      planned = await plan(fw, holder, parsed, published);
      const { conflicts } = planned.view;
      if (conflicts.length && !options.force) fail('conflict', conflictMessage(conflicts), { extra: { conflicts } });
      if (!hasChanges(planned.view)) fail('invalid_state', 'A version published meanwhile already holds these definitions: there is nothing to import.');
      // The version's comment (written after composing) keeps what a forced import overwrote, for the audit trail.
      if (conflicts.length) publish.comment = `${publish.comment} (forced over changes made here to ${conflicts.map((c) => `${c.kind} "${c.name}"`).join(', ')})`;
      return planned.candidate;
    },
    mayHide: (c) => c.kind === 'drop_table' && planned.removedTables.has(c.table),
  };
  const row = await publishLayer(fw, holder, publish);
  return { plan: planned.view, version: row };
}
