/**
 * Build immutable registry snapshots from definition files, and hold the one in force. An invalid set of
 * definitions never replaces the registry in force.
 */
import { createHash } from 'node:crypto';
import { fail } from '../errors.js';
import type { RegistrySource } from '../context.js';
import { lintDefinitions } from './lint.js';
import { loadDefinitionFiles, type LoadedDocument } from './loader.js';
import { validateAgainstSchema } from './schema.js';
import { resolveTables } from './tables.js';
import type {
  DataFile, DefinitionError, DefinitionSource, FormDef, GenericDef, MenuDef, PhysicalTable, Registry, ResolvedTable,
  RoleDef, TableDef,
} from './types.js';

class Snapshot implements Registry {
  constructor(
    readonly version: string,
    readonly tables: ReadonlyMap<string, ResolvedTable>,
    readonly physicalTables: ReadonlyMap<string, PhysicalTable>,
    readonly forms: ReadonlyMap<string, FormDef>,
    readonly menus: ReadonlyMap<string, MenuDef>,
    readonly roles: ReadonlyMap<string, RoleDef>,
    readonly others: ReadonlyMap<string, GenericDef>,
    readonly data: readonly DataFile[],
    readonly sources: ReadonlyMap<string, DefinitionSource>,
  ) {}

  getTable(name: string): ResolvedTable {
    const t = this.tables.get(name);
    if (!t) fail('table_not_found', `There is no table "${name}".`, { extra: { table: name } });
    return t;
  }

  getForm(name: string): FormDef {
    const f = this.forms.get(name);
    if (!f) fail('not_found', `There is no form "${name}".`, { extra: { form: name } });
    return f;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export interface BuildResult {
  registry?: Registry;
  errors: DefinitionError[];
}

/** Validate (schema, then cross references) and resolve documents into a registry snapshot. */
export function buildRegistry(documents: LoadedDocument[], priorErrors: DefinitionError[] = []): BuildResult {
  const errors = [...priorErrors];
  const schema = validateAgainstSchema(documents);
  errors.push(...schema.errors);

  const sources = new Map<string, DefinitionSource>();
  const declared = new Map<string, Set<string>>();
  const valid: { doc: LoadedDocument; def: { kind: string; name: string } }[] = [];
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
    if (!declared.has(def.kind)) declared.set(def.kind, new Set());
    declared.get(def.kind)!.add(def.name);
    if (!schema.invalid.has(doc)) valid.push({ doc, def: def as { kind: string; name: string } });
  }

  const tableDefs = new Map<string, TableDef>();
  const forms = new Map<string, FormDef>();
  const menus = new Map<string, MenuDef>();
  const roles = new Map<string, RoleDef>();
  const others = new Map<string, GenericDef>();
  const data: { def: DataFile; source: DefinitionSource }[] = [];
  for (const { doc, def } of valid) {
    switch (def.kind) {
      case 'table': tableDefs.set(def.name, def as TableDef); break;
      case 'form': forms.set(def.name, def as FormDef); break;
      case 'menu': menus.set(def.name, def as MenuDef); break;
      case 'role': roles.set(def.name, def as RoleDef); break;
      case 'data': data.push({ def: def as DataFile, source: { file: doc.file, pointer: doc.pointer } }); break;
      default: others.set(`${def.kind}:${def.name}`, def as GenericDef);
    }
  }

  const resolved = resolveTables(tableDefs, sources);
  errors.push(...resolved.errors);
  errors.push(...lintDefinitions({
    tables: resolved.tables,
    declaredTables: declared.get('table') ?? new Set(),
    forms, declaredForms: declared.get('form') ?? new Set(),
    menus, roles, declaredRoles: declared.get('role') ?? new Set(),
    others, data, sources,
  }));
  if (errors.length) return { errors };

  const hash = createHash('sha256');
  for (const { doc } of [...valid].sort((a, b) => `${a.doc.file}${a.doc.pointer}`.localeCompare(`${b.doc.file}${b.doc.pointer}`))) {
    hash.update(doc.file).update('\0').update(doc.pointer).update('\0').update(JSON.stringify(doc.value)).update('\0');
  }
  const registry = new Snapshot(
    hash.digest('hex'),
    resolved.tables, resolved.physical, forms,
    // Menus without an order come after those with one, then by name.
    new Map([...menus].sort((a, b) => (a[1].order ?? Number.MAX_SAFE_INTEGER) - (b[1].order ?? Number.MAX_SAFE_INTEGER) || a[0].localeCompare(b[0]))),
    roles, others, data.map((d) => d.def), sources,
  );
  // Definitions are shared by every request: freeze them so no code path can alter the snapshot in force.
  for (const { doc } of valid) deepFreeze(doc.value);
  return { registry: Object.freeze(registry), errors: [] };
}

/** Load, validate and build from definition folders. */
export async function loadRegistry(roots: string[]): Promise<BuildResult> {
  const loaded = await loadDefinitionFiles(roots);
  return buildRegistry(loaded.documents, loaded.errors);
}

/** Every definition error under the roots (empty when valid). */
export async function validateDefinitions(roots: string[]): Promise<DefinitionError[]> {
  return (await loadRegistry(roots)).errors;
}

/**
 * Holds the registry in force. `prepare` builds a candidate without touching it; `swap` replaces it atomically
 * (readers take `current` once per operation and keep a consistent snapshot).
 */
export class RegistryHolder implements RegistrySource {
  #current: Registry | undefined;

  get current(): Registry {
    if (!this.#current) fail('internal_error', 'No definitions are loaded.');
    return this.#current;
  }

  get loaded(): boolean { return this.#current !== undefined; }

  prepare(roots: string[]): Promise<BuildResult> {
    return loadRegistry(roots);
  }

  swap(registry: Registry): void {
    this.#current = registry;
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
