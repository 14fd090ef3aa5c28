/**
 * Where a definition, or a field of a table, is used: every definition that refers to it, with the JSON pointer of
 * the reference and a sentence in words ("Form 'Contact' shows it in section 'Details'").
 *
 * Generic over kinds: each definition is walked beside its kind's schema (the assembled definition schema), and a
 * string whose schema is one of the common shapes that name something — `name` (under a property that says which
 * kind it names), `fieldName`, `fieldPath`, `roleNames`, `template` — or a condition's `fact` is a reference. Field
 * references belong to the table in scope: the nearest object above with a `table`, else the definition's own table.
 * Only the words of a few parts are specific (a form's section, a rule's action); a new kind is indexed as it comes.
 *
 * The index is built once per registry snapshot (`registry.memo`), on the first question after a switch.
 */
import { parseFact } from '../conditions/facts.js';
import type { Registry } from '../definitions/types.js';
import { fail } from '../errors.js';
import { definitionSchema } from '../kinds.js';
import { templatePaths } from '../notify/templates.js';
import type { DefinitionUse, UsesView } from './types.js';

export type { DefinitionUse, UsesView } from './types.js';

type Schema = Record<string, unknown>;
type Json = unknown;

/** Each kind in words, for the sentences (a kind not listed is spelt from its name). */
const KIND_WORDS: Record<string, string> = {
  table: 'Table', form: 'Form', rule: 'Business rule', workflow: 'Workflow', sla: 'Service level', role: 'Role',
  notification: 'Notification', job: 'Scheduled job', menu: 'Menu', data: 'Data file', catalog: 'Catalogue',
  catalogCategory: 'Catalogue category', catalogItem: 'Catalogue item', variableSet: 'Variable set', orderGuide: 'Order guide',
  choiceList: 'Choice list', schedule: 'Schedule', holidaySet: 'Holiday set',
};

/** Which kind a `name` under each property names (the property's own name says it: `table`, `form`, `roles`…). */
const NAMED_KIND: Record<string, string> = {
  table: 'table', extends: 'table', reference: 'table', form: 'form', role: 'role', roles: 'role', includes: 'role',
  notification: 'notification', schedule: 'schedule', holidaySets: 'holidaySet', catalog: 'catalog',
  categories: 'catalogCategory', parent: 'catalogCategory', variableSets: 'variableSet', item: 'catalogItem',
  choiceList: 'choiceList', columns: 'field',
};

/** The named parts of definitions, for "in section 'Details'": the collection, its words, the property naming one. */
const PARTS: Record<string, [string, string[]]> = {
  sections: ['section', ['label', 'title']], uiPolicies: ['UI policy', ['description', 'name']],
  relatedLists: ['related list', ['label', 'table']], transitions: ['transition', ['label', 'name']],
  states: ['state', ['label', 'name']], approvals: ['approval', ['label', 'name']], timers: ['timer', ['label', 'name']],
  assignmentRules: ['assignment rule', ['label', 'name']], items: ['item', ['label', 'title', 'name']],
  fields: ['field', ['label']], actions: ['action', ['label']], triggers: ['trigger', ['label']],
  variables: ['variable', ['label', 'name']],
};

/** Properties holding a condition: a reference in one is read, not shown or set. */
const CONDITION_KEYS = new Set([
  'condition', 'visibleWhen', 'mandatoryWhen', 'readOnlyWhen', 'readableWhen', 'filter', 'start', 'pause', 'stop', 'reset',
  'when', 'availableFor', 'notAvailableFor', 'visibleTo',
]);

const words = (name: string) => {
  const spaced = name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/_/g, ' ').toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
};
const kindWords = (kind: string) => KIND_WORDS[kind] ?? words(kind);
const escapeSegment = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** The schema's shapes: follow `$ref`s, and gather the properties and items every branch allows. */
class SchemaView {
  readonly #defs: Record<string, Schema>;
  readonly #props = new Map<Schema, Map<string, Schema>>();
  readonly #items = new Map<Schema, Schema[]>();
  readonly #refs = new Map<Schema, Set<string>>();

  constructor(schema: Schema) {
    this.#defs = (schema.$defs ?? {}) as Record<string, Schema>;
  }

  kind(kind: string): Schema | undefined { return this.#defs[kind]; }

  /** The node and every node it stands for through `$ref`, `oneOf`, `anyOf`, `allOf`, `then`, `else`. */
  #branches(node: Schema, seen = new Set<Schema>()): Schema[] {
    if (seen.has(node)) return [];
    seen.add(node);
    const out = [node];
    const ref = typeof node.$ref === 'string' ? this.#defs[node.$ref.split('/').pop()!] : undefined;
    if (ref) out.push(...this.#branches(ref, seen));
    for (const k of ['oneOf', 'anyOf', 'allOf']) for (const b of (node[k] as Schema[] | undefined) ?? []) out.push(...this.#branches(b, seen));
    for (const k of ['then', 'else']) if (node[k] && typeof node[k] === 'object') out.push(...this.#branches(node[k] as Schema, seen));
    return out;
  }

  /** The `$defs` names a node refers to directly or through its branches (`fieldName`, `name`, `condition`…). */
  refs(node: Schema): Set<string> {
    let out = this.#refs.get(node);
    if (!out) {
      out = new Set(this.#branches(node).map((b) => (typeof b.$ref === 'string' ? b.$ref.split('/').pop()! : '')).filter(Boolean));
      this.#refs.set(node, out);
    }
    return out;
  }

  /** The schema of property `key` of an object of this shape (a map's value shape for any key). */
  property(node: Schema, key: string): Schema | undefined {
    let props = this.#props.get(node);
    if (!props) {
      props = new Map();
      for (const b of this.#branches(node)) {
        for (const [k, v] of Object.entries((b.properties ?? {}) as Record<string, Schema>)) if (!props.has(k)) props.set(k, v);
        if (b.additionalProperties && typeof b.additionalProperties === 'object' && !props.has('*')) props.set('*', b.additionalProperties as Schema);
        for (const v of Object.values((b.patternProperties ?? {}) as Record<string, Schema>)) if (!props.has('*')) props.set('*', v);
      }
      this.#props.set(node, props);
    }
    return props.get(key) ?? props.get('*');
  }

  /** The schema of an item of an array of this shape. */
  item(node: Schema): Schema | undefined {
    let items = this.#items.get(node);
    if (!items) {
      items = this.#branches(node).map((b) => b.items).filter((i): i is Schema => !!i && typeof i === 'object' && !Array.isArray(i));
      this.#items.set(node, items);
    }
    return items[0];
  }
}

interface Reference {
  /** `kind/name`, or `field/<table>/<field>`. */
  target: string;
  use: DefinitionUse;
}

/** Where a reference sits: the definition, the pointer, the key holding it, the table in scope. */
interface Place {
  kind: string;
  name: string;
  def: Record<string, Json>;
  segments: string[];
  table: string | undefined;
}

/** The label of a named part on the way to a reference: "section 'Details'", "UI policy 'A complex gadget…'". */
function partWords(def: Json, segments: readonly string[], registry: Registry, table: string | undefined): string {
  let node = def;
  let found = '';
  let outer = '';
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    node = node && typeof node === 'object' ? (node as Record<string, Json>)[seg] : undefined;
    const part = PARTS[segments[i - 1] ?? ''];
    if (!part || !node || typeof node !== 'object' || i === segments.length - 1) continue;
    // The outermost part says most ("UI policy 'X'", not its "action 1"); a part inside one of its kind (a menu's
    // item in an item) is the more precise.
    if (outer && outer !== segments[i - 1]) continue;
    outer = segments[i - 1]!;
    const by = part[1].find((k) => typeof (node as Record<string, Json>)[k] === 'string');
    const raw = by ? (node as Record<string, Json>)[by] as string : undefined;
    // A machine name is put in words; a label or description is shown as written.
    const named = raw !== undefined && (by === 'name' || by === 'table') ? words(raw) : raw;
    if (segments[i - 1] === 'fields' && table) {
      found = `${part[0]} '${registry.tables.get(table)?.fields.get(seg)?.label ?? words(seg)}'`;
    } else {
      found = named ? `${part[0]} '${named}'` : /^\d+$/.test(seg) ? `${part[0]} ${Number(seg) + 1}` : `${part[0]} '${words(seg)}'`;
    }
  }
  return found;
}

/** What a definition does with what it refers to, in words. */
function verb(place: Place, how: 'name' | 'field' | 'fact' | 'template', target: string): string {
  const { kind, segments } = place;
  const last = segments.at(-1) ?? '';
  const key = /^\d+$/.test(last) ? segments.at(-2) ?? '' : last;
  const inCondition = segments.some((s) => CONDITION_KEYS.has(s));
  if (how === 'fact' || inCondition) return 'reads it in a condition';
  if (how === 'template') return 'uses it in its text';
  if (how === 'field') {
    if (segments.includes('sections') || segments.includes('columns')) return 'shows it';
    if (kind === 'rule' && segments.includes('actions')) return 'sets it';
    if (segments.includes('uiPolicies')) return 'changes it';
    if (segments.includes('requiredFields')) return 'requires it';
    return 'refers to it';
  }
  const targetKind = target.split('/')[0];
  if (targetKind === 'table' && segments.length === 1) {
    const byKind: Record<string, string> = {
      workflow: 'runs this table', rule: 'runs on this table', form: 'shows records of this table', sla: 'measures records of this table',
      notification: 'notifies about records of this table', data: 'loads records into this table',
    };
    if (key === 'table' && byKind[kind]) return byKind[kind];
    if (key === 'extends') return 'extends this table';
  }
  if (kind === 'menu' && (key === 'table' || key === 'form')) return 'links to it';
  if (kind === 'role' && segments[0] === 'tables') return 'grants access to it';
  if (kind === 'role' && key === 'includes') return 'includes it';
  if (targetKind === 'role' && (key === 'roles' || key === 'role')) return 'lets it act';
  if (key === 'reference') return 'refers to it';
  if (segments.includes('sweep') || kind === 'job') return 'works on it';
  if (kind === 'catalogItem' && segments.includes('creates')) return 'creates records in it';
  return 'refers to it';
}

/** The record paths a template reads (`{{record.x}}`); none for one that does not parse. */
function templateFields(source: string): string[][] {
  try {
    return templatePaths(source);
  } catch {
    return [];
  }
}

/** Build every reference in one definition. */
function definitionReferences(view: SchemaView, registry: Registry, kind: string, name: string, def: Record<string, Json>): Reference[] {
  const out: Reference[] = [];
  const label = [def.label, def.title].find((v) => typeof v === 'string') as string | undefined ?? words(name);
  const add = (place: Place, how: 'name' | 'field' | 'fact' | 'template', target: string, pointer: string) => {
    const part = partWords(def, place.segments, registry, place.table);
    const description = `${kindWords(kind)} '${label}' ${verb(place, how, target)}${part ? ` in ${part}` : ''}`;
    out.push({ target, use: { kind, name, label, pointer, description } });
  };
  /** A field path (`a.b`) from a table: each segment a field, a reference field leading on to its table. */
  const addFieldPath = (place: Place, how: 'field' | 'fact' | 'template', path: readonly string[], pointer: string) => {
    let table = place.table;
    for (const segment of path) {
      const field = table ? registry.tables.get(table)?.fields.get(segment) : undefined;
      if (!table || !field) return;
      for (const t of new Set([table, field.declaredBy || table])) add(place, how, `field/${t}/${segment}`, pointer);
      table = field.reference;
    }
  };
  const walk = (value: Json, schema: Schema | undefined, place: Place) => {
    const pointer = place.segments.map((s) => `/${escapeSegment(s)}`).join('');
    const key = place.segments.at(-1) ?? '';
    if (typeof value === 'string') {
      const refs = schema ? view.refs(schema) : new Set<string>();
      // An item of a list is named by the list's property (`roles/0` names a role).
      const holder = /^\d+$/.test(key) ? place.segments.at(-2) ?? '' : key;
      if (key === 'fact') {
        const fact = parseFact(value);
        if (fact && (fact.root === 'record' || fact.root === 'previous')) addFieldPath(place, 'fact', fact.path, pointer);
      } else if (refs.has('fieldName') || refs.has('fieldPath') || (refs.has('name') && NAMED_KIND[holder] === 'field')) {
        addFieldPath(place, 'field', value.split('.'), pointer);
      } else if (refs.has('template')) {
        for (const path of templateFields(value)) {
          if (path[0] === 'record' || path[0] === 'previous') addFieldPath(place, 'template', path.slice(1), pointer);
        }
      } else if (refs.has('name')) {
        // A definition's own `name` names no other.
        const target = NAMED_KIND[holder];
        if (target && target !== 'field') add(place, 'name', `${target}/${value}`, pointer);
      }
      return;
    }
    if (Array.isArray(value)) {
      const item = schema ? view.item(schema) : undefined;
      value.forEach((v, i) => walk(v, item, { ...place, segments: [...place.segments, String(i)] }));
      return;
    }
    if (!value || typeof value !== 'object') return;
    const obj = value as Record<string, Json>;
    const scoped = typeof obj.table === 'string' && registry.tables.has(obj.table) ? obj.table : place.table;
    for (const [k, v] of Object.entries(obj)) {
      walk(v, schema ? view.property(schema, k) : undefined, { ...place, table: scoped, segments: [...place.segments, k] });
    }
  };
  const table = kind === 'table' ? name : undefined;
  walk(def, view.kind(kind), { kind, name, def, segments: [], table });
  return out;
}

const byDefinition = (a: DefinitionUse, b: DefinitionUse) =>
  a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name) || a.pointer.localeCompare(b.pointer);

/** Every reference of a registry, by what it refers to. */
function buildIndex(registry: Registry): Map<string, DefinitionUse[]> {
  const view = new SchemaView(definitionSchema());
  const index = new Map<string, DefinitionUse[]>();
  for (const key of registry.sources.keys()) {
    const i = key.indexOf(':');
    const kind = key.slice(0, i);
    const name = key.slice(i + 1);
    const def = registry.get(kind as Parameters<Registry['get']>[0], name) as unknown as Record<string, Json>;
    for (const r of definitionReferences(view, registry, kind, name, def)) {
      const list = index.get(r.target) ?? [];
      if (!list.some((u) => u.kind === r.use.kind && u.name === r.use.name && u.pointer === r.use.pointer)) list.push(r.use);
      index.set(r.target, list);
    }
  }
  for (const list of index.values()) {
    list.sort(byDefinition);
  }
  return index;
}

/**
 * Where a definition (`kind`/`name`), or a field of a table (`field`, with kind `table`), is used. Errors:
 * not_found for a definition the registry does not hold, table_not_found, invalid_query for a field on another kind
 * or a field the table does not have.
 */
export function findUses(registry: Registry, kind: string, name: string, field?: string): UsesView {
  if (!registry.sources.has(`${kind}:${name}`)) fail('not_found', `There is no ${kindWords(kind).toLowerCase()} "${name}".`);
  const index = registry.memo('studio.uses', buildIndex);
  const label = registry.get(kind as Parameters<Registry['get']>[0], name) as { label?: unknown; title?: unknown };
  const title = `${kindWords(kind)} '${[label.label, label.title].find((v) => typeof v === 'string') ?? name}'`;
  if (field === undefined) {
    const uses = index.get(`${kind}/${name}`) ?? [];
    if (kind !== 'table') return { kind, name, field: null, title, uses };
    const fields = [...registry.getTable(name).fields.values()].filter((f) => !f.system)
      .map((f) => ({ name: f.name, label: f.label ?? words(f.name) }));
    return { kind, name, field: null, title, uses, fields };
  }
  if (kind !== 'table') {
    fail('invalid_query', `Only a table has fields; got the ${kindWords(kind).toLowerCase()} "${name}".`, {
      fieldErrors: [{ field: 'field', code: 'invalid', message: 'Only a table has fields.' }],
    });
  }
  const f = registry.getTable(name).fields.get(field);
  if (!f) {
    fail('invalid_query', `Table "${name}" has no field "${field}".`, {
      fieldErrors: [{ field: 'field', code: 'invalid', message: `Table "${name}" has no field "${field}".` }],
    });
  }
  // A use on a parent table (a workflow of the parent, say) applies to this table's records too.
  const uses = new Map<string, DefinitionUse>();
  for (const t of [name, ...registry.getTable(name).ancestors]) {
    if (!registry.tables.get(t)?.fields.has(field)) continue;
    for (const u of index.get(`field/${t}/${field}`) ?? []) uses.set(`${u.kind}/${u.name}${u.pointer}`, u);
  }
  const of = `${title.charAt(0).toLowerCase()}${title.slice(1)}`;
  return { kind, name, field, title: `Field '${f.label ?? words(field)}' of ${of}`, uses: [...uses.values()].sort(byDefinition) };
}
