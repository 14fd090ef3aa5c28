/**
 * Where a definition holds conditions: its kind's schema is walked alongside its values (following `$ref`s, arrays,
 * objects, maps and schema branches) and every value whose schema is the condition shape is a place, named in words
 * from the labels along the way ("UI policy 'Require a reason' — condition").
 */
import type { DefinitionSchema } from '../../api/studio.js';
import type { Definition } from './contract.js';
import { words } from './schema-model.js';

const CONDITION_REF = '#/$defs/condition';

type Schema = Record<string, unknown>;

/** One condition of a definition. */
export interface ConditionPlace {
  /** Where it is: the property names and indexes from the definition's top. */
  path: (string | number)[];
  /** Its name in words. */
  title: string;
  /** The condition now; undefined where the schema allows one and none is set. */
  value: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** "uiPolicies" → "UI policy"; "assignmentRules" → "Assignment rule". */
export function singularWords(name: string): string {
  const w = words(name).toLowerCase();
  const one = w.replace(/ies$/, 'y').replace(/([^s])s$/, '$1');
  const text = one.replace(/^ui\b/, 'UI');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const PROPERTY_WORDS: Record<string, string> = {
  condition: 'condition', when: 'applies when', visibleWhen: 'shown when', mandatoryWhen: 'required when', readOnlyWhen: 'read-only when',
  readableWhen: 'readable when', start: 'starts when', pause: 'pauses when', stop: 'stops when', reset: 'starts again when', filter: 'filter',
  visibleTo: 'visible to', availableFor: 'available for', notAvailableFor: 'not available for',
};

/** What an element of a list is called where the list's name in the singular does not say it. */
const ELEMENT_NAMES: Record<string, string> = { columns: 'Field' };

/** Where a property's usual words do not fit its container: "<container>.<property>". */
const CONTAINED_WORDS: Record<string, string> = { 'uiPolicies.condition': 'applies when', 'transitions.condition': 'guard' };

/** A property name in words ("mandatoryWhen" → "required when"), inside the list or map `container`. */
export const propertyWords = (name: string, container = '') =>
  CONTAINED_WORDS[`${container}.${name}`] ?? PROPERTY_WORDS[name] ?? singularWords(name).toLowerCase();

/** What names an element of a list or map, for people. */
function itemName(value: unknown, fallback: string): string {
  if (isObject(value)) {
    for (const k of ['label', 'title', 'description', 'name', 'field', 'to']) if (typeof value[k] === 'string' && value[k]) return String(value[k]);
  }
  if (typeof value === 'string') return value;
  return fallback;
}

/** Resolve a local `$ref` ("#/$defs/x") in the schema. */
function resolve(schema: DefinitionSchema, node: Schema): Schema {
  let n = node;
  for (let i = 0; i < 20 && typeof n.$ref === 'string' && n.$ref !== CONDITION_REF; i++) {
    const name = n.$ref.replace(/^#\/\$defs\//, '');
    const target = schema.$defs[name];
    if (!target) break;
    n = { ...target, ...Object.fromEntries(Object.entries(n).filter(([k]) => k !== '$ref')) };
  }
  return n;
}

/**
 * Every condition of `definition` of `kind`, in the order of the definition. `kindTitle` is the kind in words and
 * `label` the definition's name for people. Places the schema allows but the definition leaves out are listed
 * only at the top level (an optional condition of the definition itself, such as a rule's).
 */
export function conditionPlaces(
  schema: DefinitionSchema, kind: string, definition: Definition, kindTitle: string, label: string,
): ConditionPlace[] {
  const root = schema.$defs[kind];
  if (!root) return [];
  const out: ConditionPlace[] = [];
  const seen = new Set<string>();
  const walk = (node: Schema, value: unknown, path: (string | number)[], owner: string, depth: number, container = '') => {
    if (depth > 12) return;
    if (node.$ref === CONDITION_REF) {
      const key = JSON.stringify(path);
      if (seen.has(key) || (value === undefined && path.length > 1)) return;
      seen.add(key);
      const last = path[path.length - 1];
      out.push({ path, title: `${owner} — ${typeof last === 'string' ? propertyWords(last, container) : 'condition'}`, value });
      return;
    }
    const n = resolve(schema, node);
    for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
      if (Array.isArray(n[k])) (n[k] as Schema[]).forEach((b) => walk(b, value, path, owner, depth + 1, container));
    }
    for (const k of ['then', 'else'] as const) if (isObject(n[k])) walk(n[k] as Schema, value, path, owner, depth + 1, container);
    if (Array.isArray(value) && isObject(n.items)) {
      // A list of lists (a section's columns of fields) is named after the nearest property.
      const prop = [...path].reverse().find((p) => typeof p === 'string') ?? '';
      value.forEach((v, i) => {
        const what = ELEMENT_NAMES[prop] ?? (prop ? singularWords(prop) : 'Item');
        walk(n.items as Schema, v, [...path, i], `${what} '${itemName(v, String(i + 1))}'`, depth + 1, String(prop));
      });
    }
    if (isObject(value) || (value === undefined && path.length === 0)) {
      const obj = (value ?? {}) as Record<string, unknown>;
      const props = isObject(n.properties) ? n.properties as Record<string, Schema> : {};
      for (const [k, sub] of Object.entries(props)) walk(sub, obj[k], [...path, k], owner, depth + 1, container);
      if (isObject(n.additionalProperties)) {
        const prop = path[path.length - 1];
        for (const [k, v] of Object.entries(obj)) {
          if (k in props) continue;
          const what = typeof prop === 'string' ? singularWords(prop) : 'Item';
          walk(n.additionalProperties as Schema, v, [...path, k], `${what} '${itemName(v, k)}'`, depth + 1, String(prop));
        }
      }
    }
  };
  walk(root, definition, [], `${kindTitle} '${label}'`, 0);
  return out;
}

/** Whether a kind's schema holds a condition anywhere. */
export function kindHasConditions(schema: DefinitionSchema, kind: string): boolean {
  const seen = new Set<string>();
  const has = (node: unknown): boolean => {
    if (Array.isArray(node)) return node.some(has);
    if (!isObject(node)) return false;
    if (node.$ref === CONDITION_REF) return true;
    if (typeof node.$ref === 'string') {
      const name = node.$ref.replace(/^#\/\$defs\//, '');
      if (seen.has(name)) return false;
      seen.add(name);
      if (has(schema.$defs[name])) return true;
    }
    return Object.entries(node).some(([k, v]) => k !== '$ref' && has(v));
  };
  return has(schema.$defs[kind]);
}

/** The definition with the value at `path` replaced (a copy; the original is not changed). */
export function replaceAt(definition: Definition, path: (string | number)[], value: unknown): Definition {
  const set = (target: unknown, i: number): unknown => {
    if (i === path.length) return value;
    const k = path[i]!;
    if (Array.isArray(target)) return target.map((x, j) => (j === k ? set(x, i + 1) : x));
    const obj = isObject(target) ? target : {};
    return { ...obj, [k]: set(obj[k as string], i + 1) };
  };
  return set(definition, 0) as Definition;
}
