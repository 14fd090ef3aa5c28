/**
 * Build immutable registry snapshots from definition files, and hold the one in force. An invalid set of
 * definitions never replaces the registry in force. The kinds a registry knows are passed in (platform/kinds.ts
 * lists them): a document of any other kind is refused.
 */
import { createHash } from 'node:crypto';
import { fail } from '../errors.js';
import type { AnyKindModule, DefOf, KindMaps, KindName, ReplacedForm } from './kinds.js';
import { lintDefinitions } from './lint.js';
import { loadDefinitionFiles, type LoadedDocument } from './loader.js';
import { overlayDocuments, type DefinitionLayer } from './overlay.js';
import { validateAgainstSchema } from './schema.js';
import { expectedNames } from './suggest.js';
import { resolveTables } from './tables.js';
import type { DefinitionBase, DefinitionError, DefinitionSource, PhysicalTable, Registry, ResolvedTable, SharedChoiceList, TableDef } from './types.js';

// The kinds' named maps (`rules`, `forms`…) are defined on each snapshot from the registered kinds.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
interface Snapshot extends KindMaps {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
class Snapshot implements Registry {
  readonly #byKind: ReadonlyMap<string, ReadonlyMap<string, DefinitionBase>>;
  readonly #memo = new Map<string, unknown>();

  constructor(
    readonly version: string,
    readonly tables: ReadonlyMap<string, ResolvedTable>,
    readonly physicalTables: ReadonlyMap<string, PhysicalTable>,
    readonly sources: ReadonlyMap<string, DefinitionSource>,
    kinds: readonly AnyKindModule[],
    byKind: ReadonlyMap<string, ReadonlyMap<string, DefinitionBase>>,
  ) {
    this.#byKind = byKind;
    for (const k of kinds) Object.defineProperty(this, k.map, { value: byKind.get(k.kind), enumerable: true });
  }

  getTable(name: string): ResolvedTable {
    const t = this.tables.get(name);
    if (!t) fail('table_not_found', `There is no table "${name}".`, { extra: { table: name } });
    return t;
  }

  get<K extends KindName>(kind: K, name: string): DefOf<K> {
    const d = this.#byKind.get(kind)?.get(name);
    if (!d) fail('not_found', `There is no ${kind} "${name}".`, { extra: { [kind]: name } });
    return d as DefOf<K>;
  }

  memo<T>(key: string, build: (registry: Registry) => T): T {
    if (this.#memo.has(key)) return this.#memo.get(key) as T;
    const value = build(this);
    this.#memo.set(key, value);
    return value;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Places in `value` matching a pointer pattern (`*` = any one segment), as pointers. */
function matchPointer(value: unknown, pattern: string): { pointer: string; value: unknown }[] {
  const segments = pattern.split('/').slice(1);
  const out: { pointer: string; value: unknown }[] = [];
  const walk = (v: unknown, i: number, at: string) => {
    if (i === segments.length) { out.push({ pointer: at, value: v }); return; }
    if (!v || typeof v !== 'object') return;
    const seg = segments[i]!;
    const keys = seg === '*' ? Object.keys(v) : Object.hasOwn(v, seg) ? [seg] : [];
    for (const k of keys) walk((v as Record<string, unknown>)[k], i + 1, `${at}/${k}`);
  };
  walk(value, 0, '');
  return out;
}

/** Old forms still written in a document, each with what replaced it. */
function replacedForms(doc: LoadedDocument, forms: readonly ReplacedForm[]): DefinitionError[] {
  const errors: DefinitionError[] = [];
  for (const form of forms) {
    for (const hit of matchPointer(doc.value, form.at)) {
      if (form.value !== undefined && JSON.stringify(hit.value) !== JSON.stringify(form.value)) continue;
      errors.push({ file: doc.file, pointer: doc.pointer + hit.pointer, message: `This form is no longer accepted: ${form.use}`, value: hit.value });
    }
  }
  return errors;
}

/** JSON with object keys sorted, so the same definition written in another key order or layout reads the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The registry's version: a hash of the definitions' content alone, in kind and name order. Where the files
 * live (another checkout, another root, a renamed file) does not count, so instances serving the same
 * definitions report the same version.
 */
function contentVersion(defs: readonly DefinitionBase[]): string {
  const hash = createHash('sha256');
  const key = (d: DefinitionBase) => `${d.kind}\0${d.name}`;
  for (const def of [...defs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))) {
    hash.update(canonicalJson(def)).update('\0');
  }
  return hash.digest('hex');
}

export interface BuildResult {
  registry?: Registry;
  errors: DefinitionError[];
}

/** Validate (kind, schema, then cross references) and resolve documents into a registry snapshot. */
export function buildRegistry(
  kinds: readonly AnyKindModule[], documents: LoadedDocument[], priorErrors: DefinitionError[] = [],
): BuildResult {
  const errors = [...priorErrors];
  const byName = new Map(kinds.map((k) => [k.kind as string, k]));

  // A kind nobody implements is refused outright: validating its shape would suggest it does something.
  const candidates: LoadedDocument[] = [];
  for (const doc of documents) {
    const kind = (doc.value as { kind?: unknown } | null)?.kind;
    const module = typeof kind === 'string' ? byName.get(kind) : undefined;
    if (typeof kind === 'string' && !module) {
      errors.push({
        file: doc.file, pointer: `${doc.pointer}/kind`, value: kind,
        message: `Kind "${kind}" is not supported yet: nothing would run it.`,
        expected: expectedNames(byName.keys(), kind),
      });
      continue;
    }
    const replaced = module?.replaced ? replacedForms(doc, module.replaced) : [];
    if (replaced.length) { errors.push(...replaced); continue; }
    candidates.push(doc);
  }

  const schema = validateAgainstSchema(kinds, candidates);
  const checked = new Set(candidates);
  errors.push(...schema.errors);

  const sources = new Map<string, DefinitionSource>();
  const valid: { doc: LoadedDocument; def: DefinitionBase }[] = [];
  for (const doc of documents) {
    const def = doc.value as { kind?: unknown; name?: unknown };
    if (!def || typeof def !== 'object' || typeof def.kind !== 'string' || typeof def.name !== 'string') continue;
    const key = `${def.kind}:${def.name}`;
    const prior = sources.get(key);
    if (prior) {
      errors.push({
        file: doc.file, pointer: `${doc.pointer}/name`, value: def.name,
        message: `Duplicate ${def.kind} "${def.name}": already declared in ${prior.file}${prior.pointer ? `#${prior.pointer}` : ''}.`,
        expected: `a ${def.kind} name not used elsewhere`,
      });
      continue;
    }
    sources.set(key, { file: doc.file, pointer: doc.pointer });
    if (checked.has(doc) && !schema.invalid.has(doc)) valid.push({ doc, def: def as DefinitionBase });
  }

  const byKind = new Map<string, Map<string, DefinitionBase>>(kinds.map((k) => [k.kind, new Map()]));
  for (const { def } of valid) byKind.get(def.kind)!.set(def.name, def);

  // Shared choice lists are resolved into the tables' fields, so lint and the runtime see plain `choices`.
  const resolved = resolveTables(byKind.get('table') as Map<string, TableDef> ?? new Map(), sources, byKind.get('choiceList') as Map<string, SharedChoiceList> | undefined);
  errors.push(...resolved.errors);
  errors.push(...lintDefinitions({ kinds, tables: resolved.tables, defs: byKind, sources }));
  if (errors.length) return { errors };

  // Sugar expanded and the maps put in their kind's order (default: by name).
  const ordered = new Map<string, ReadonlyMap<string, DefinitionBase>>();
  for (const k of kinds) {
    const normalise = { tables: resolved.tables };
    const defs = [...byKind.get(k.kind)!.values()].map((d) => (k.normalise ? k.normalise(d, normalise) : d) as DefinitionBase);
    defs.sort(k.compare ?? ((a, b) => a.name.localeCompare(b.name)));
    ordered.set(k.kind, new Map(defs.map((d) => [d.name, d])));
  }

  const registry = new Snapshot(contentVersion(valid.map((v) => v.def)), resolved.tables, resolved.physical, sources, kinds, ordered);
  // Definitions are shared by every request: freeze them so no code path can alter the snapshot in force.
  for (const defs of ordered.values()) for (const d of defs.values()) deepFreeze(d);
  return { registry: Object.freeze(registry), errors: [] };
}

/** Load, validate and build from definition folders, with a layer of definitions over the files when given. */
export async function loadRegistry(
  kinds: readonly AnyKindModule[], roots: string[], layer: DefinitionLayer | null = null,
): Promise<BuildResult> {
  const loaded = await loadDefinitionFiles(roots);
  const layered = overlayDocuments(loaded.documents, layer);
  return buildRegistry(kinds, layered.documents, [...loaded.errors, ...layered.errors]);
}

/** Every definition error under the roots (empty when valid). */
export async function validateDefinitions(kinds: readonly AnyKindModule[], roots: string[]): Promise<DefinitionError[]> {
  return (await loadRegistry(kinds, roots)).errors;
}

/** Where the running system reads the registry in force (the engine's `fw.registry`). */
export interface RegistrySource {
  readonly current: Registry;
  /** The version in force and the last refused change, when the source keeps them (the running engine's does). */
  status?(): DefinitionStatus;
}

/** What administrators see of the definitions: the version in force, since when, and the last change refused. */
export interface DefinitionStatus {
  version: string;
  /** When the version in force was swapped in (ISO 8601). */
  since: string;
  /** The last change refused since then (a later good change clears it): when, and every error. */
  rejected: { at: string; errors: DefinitionError[] } | null;
}

/**
 * Holds the registry in force. `prepare` builds a candidate without touching it; `swap` replaces it atomically
 * (readers take `current` once per operation and keep a consistent snapshot). A refused change is remembered
 * (`reject`) so administrators can see why their file is not in force while the last good version keeps serving.
 */
export class RegistryHolder implements RegistrySource {
  #current: Registry | undefined;
  #since = '';
  #rejected: DefinitionStatus['rejected'] = null;
  #layer: DefinitionLayer | null = null;
  #generation = 0;

  constructor(readonly kinds: readonly AnyKindModule[]) {}

  get current(): Registry {
    if (!this.#current) fail('internal_error', 'No definitions are loaded.');
    return this.#current;
  }

  get loaded(): boolean { return this.#current !== undefined; }

  /** The layer over the files in force (the studio's published definitions), null for the files alone. */
  get layer(): DefinitionLayer | null { return this.#layer; }

  /**
   * Counts swaps. A switch that prepared its candidate outside any lock compares it before swapping: when another
   * switch (a file reload, a publish, a poll) swapped meanwhile, the candidate was built on what is no longer in force.
   */
  get generation(): number { return this.#generation; }

  /** Build a candidate from the files and a layer (default: the layer in force) without touching the registry in force. */
  prepare(roots: string[], layer: DefinitionLayer | null = this.#layer): Promise<BuildResult> {
    return loadRegistry(this.kinds, roots, layer);
  }

  /** Put a registry in force; `layer` (when given) is the layer it was built with, kept for the next `prepare`. */
  swap(registry: Registry, at: string = new Date().toISOString(), layer?: DefinitionLayer | null): void {
    this.#current = registry;
    this.#generation += 1;
    this.#since = at;
    this.#rejected = null;
    if (layer !== undefined) this.#layer = layer;
  }

  /** Remember a refused change (the registry in force stays). */
  reject(errors: DefinitionError[], at: string = new Date().toISOString()): void {
    this.#rejected = { at, errors };
  }

  /** The version in force, since when, and the last refused change. */
  status(): DefinitionStatus {
    return { version: this.current.version, since: this.#since, rejected: this.#rejected };
  }

  /** Build and, when valid, swap in. The registry in force is untouched on error. */
  async reload(roots: string[]): Promise<BuildResult> {
    const result = await this.prepare(roots);
    if (result.registry) this.swap(result.registry);
    return result;
  }
}

/** One line per error: `file#/pointer: message (expected …; got …)`. */
export function formatDefinitionErrors(errors: DefinitionError[]): string {
  return errors.map((e) => {
    const where = `${e.file || '(definitions)'}${e.pointer ? `#${e.pointer}` : ''}`;
    const extra = [e.expected ? `expected ${e.expected}` : '', e.value !== undefined ? `got ${JSON.stringify(e.value)}` : '']
      .filter(Boolean).join('; ');
    return `  ${where}: ${e.message}${extra ? ` (${extra})` : ''}`;
  }).join('\n');
}
