/**
 * The schema-generated editor's model: what control a JSON Schema (2020-12, the definition schema's subset) calls
 * for, words for property names, the checks made as the configurator types, new values, and copy-on-write edits of
 * a definition at a path. No Lit here, so it is tested in Node.
 */

/** A schema node. */
export type Schema = Record<string, unknown>;

/** The definition schema's named shapes (`$defs`). */
export interface SchemaRoot { $defs: Record<string, Schema> }

/** A path into a definition: property names and array indexes. */
export type Path = (string | number)[];

/** One property of an object shape. */
export interface PropertyShape { key: string; schema: Schema; required: boolean }

/** One alternative of a `oneOf`/`anyOf`. */
export interface ChoiceOption { label: string; schema: Schema }

/** The control a schema node is edited with. */
export type Shape =
  | { type: 'object'; properties: PropertyShape[]; entries: Schema | null }
  | { type: 'array'; items: Schema }
  | { type: 'string' | 'number' | 'integer' | 'boolean' }
  | { type: 'enum'; options: unknown[] }
  | { type: 'const'; value: unknown }
  | { type: 'choice'; options: ChoiceOption[] }
  | { type: 'json' };

/**
 * Shapes edited as JSON: conditions get their own builder; until it replaces this fallback a condition is a small
 * JSON text area, and so is anything whose shape depends on `if`/`then` or is left open.
 */
const JSON_SHAPES = new Set(['condition', 'allCondition', 'anyCondition', 'notCondition', 'leafCondition']);

/** The `$defs` name a `$ref` points at, or null. */
export function refName(schema: Schema): string | null {
  const ref = schema.$ref;
  return typeof ref === 'string' && ref.startsWith('#/$defs/') ? ref.slice('#/$defs/'.length) : null;
}

/**
 * Follow `$ref`s to the shape they name. Keywords next to a `$ref` (a description, a narrower pattern) win over the
 * shape's own, as in 2020-12 where both apply and the nearer description is the more specific help.
 */
export function resolve(root: SchemaRoot, schema: Schema): Schema {
  let out: Schema = schema;
  for (let hops = 0; hops < 32; hops++) {
    const name = refName(out);
    if (!name || JSON_SHAPES.has(name)) return out;
    const target = root.$defs[name];
    if (!target) return out;
    const { $ref: _ignored, ...near } = out;
    out = { ...target, ...near, 'x-shape': (out['x-shape'] as string | undefined) ?? name };
  }
  return out;
}

/** The control `schema` calls for. */
export function shapeOf(root: SchemaRoot, schema: Schema): Shape {
  if (JSON_SHAPES.has(refName(schema) ?? '')) return { type: 'json' };
  const s = resolve(root, schema);
  if ('const' in s) return { type: 'const', value: s.const };
  if (Array.isArray(s.enum)) return { type: 'enum', options: s.enum };
  const alternatives = (s.oneOf ?? s.anyOf) as Schema[] | undefined;
  if (Array.isArray(alternatives)) {
    return { type: 'choice', options: alternatives.map((a) => ({ label: optionLabel(root, a), schema: a })) };
  }
  const type = s.type;
  if (type === 'object' || (type === undefined && s.properties)) {
    const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
    const props = (s.properties ?? {}) as Record<string, Schema>;
    const properties = Object.entries(props).map(([key, p]) => ({ key, schema: p, required: required.has(key) }));
    const extra = s.additionalProperties;
    const entries = !properties.length && extra && typeof extra === 'object' ? extra as Schema : null;
    if (!properties.length && !entries) return { type: 'json' };
    return { type: 'object', properties, entries };
  }
  if (type === 'array' && s.items && typeof s.items === 'object') return { type: 'array', items: s.items as Schema };
  if (type === 'string' || type === 'number' || type === 'integer' || type === 'boolean') return { type };
  return { type: 'json' };
}

const TYPE_WORDS: Record<string, string> = {
  string: 'Text', number: 'Number', integer: 'Whole number', boolean: 'Yes or no', array: 'List', object: 'Group',
};

/** The words a `oneOf`/`anyOf` alternative is offered under. */
function optionLabel(root: SchemaRoot, option: Schema): string {
  const s = resolve(root, option);
  if ('const' in s) return `Exactly ${JSON.stringify(s.const)}`;
  const name = refName(option);
  if (name) return words(name);
  if (s.type === 'array' && s.items && typeof s.items === 'object') {
    const item = resolve(root, s.items as Schema);
    return `List of ${(TYPE_WORDS[String(item.type)] ?? 'values').toLowerCase()}s`;
  }
  return TYPE_WORDS[String(s.type)] ?? 'Other value';
}

/** Whether `value` is of `schema`'s basic type (to tell which alternative of a choice a value is). */
export function fitsType(root: SchemaRoot, schema: Schema, value: unknown): boolean {
  const s = resolve(root, schema);
  if ('const' in s) return JSON.stringify(s.const) === JSON.stringify(value);
  if (Array.isArray(s.enum)) return s.enum.some((e) => JSON.stringify(e) === JSON.stringify(value));
  switch (s.type) {
    case 'string': return typeof value === 'string';
    case 'integer': return Number.isInteger(value);
    case 'number': return typeof value === 'number';
    case 'boolean': return typeof value === 'boolean';
    case 'array': return Array.isArray(value);
    case 'object': return isObject(value);
    default: return true;
  }
}

/** The alternative of a choice that `value` is (the first it fully passes, else the first of its type), or -1. */
export function choiceIndex(root: SchemaRoot, options: ChoiceOption[], value: unknown): number {
  const valid = options.findIndex((o) => fitsType(root, o.schema, value) && !checkValue(root, o.schema, value));
  return valid >= 0 ? valid : options.findIndex((o) => fitsType(root, o.schema, value));
}

/** A property name as words: "defaultForm" and "default_form" both read "Default form". */
export function words(name: string): string {
  const spaced = name
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .trim()
    .toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** The help text of a schema node (its nearest description). */
export function hintOf(root: SchemaRoot, schema: Schema): string {
  const d = schema.description ?? resolve(root, schema).description;
  return typeof d === 'string' ? d : '';
}

/** The words of an item of a list: its group's shape name ("Table grant"), else the list's name ("Capabilities"). */
export function itemWords(root: SchemaRoot, items: Schema, listName: string): string {
  const resolved = resolve(root, items);
  const name = resolved['x-shape'] as string | undefined;
  return name && resolved.type === 'object' ? words(name) : words(listName);
}

/**
 * What is wrong with `value` for `schema`, in words, or '' when nothing is. Only what can be seen at one control:
 * type, lengths, pattern, choices, bounds, list sizes. The server checks the rest (and everything again) on save.
 */
export function checkValue(root: SchemaRoot, schema: Schema, value: unknown): string {
  const s = resolve(root, schema);
  if (value === undefined) return '';
  if (Array.isArray(s.enum) && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    return `Choose one of: ${s.enum.map((e) => String(e)).join(', ')}.`;
  }
  if (s.type === 'string') {
    if (typeof value !== 'string') return 'Enter text.';
    if (typeof s.minLength === 'number' && value.length < s.minLength) {
      return s.minLength === 1 ? 'Enter a value.' : `Enter at least ${s.minLength} characters.`;
    }
    if (typeof s.maxLength === 'number' && value.length > s.maxLength) return `Enter at most ${s.maxLength} characters.`;
    if (typeof s.pattern === 'string' && !safeTest(s.pattern, value)) {
      const examples = Array.isArray(s.examples) ? s.examples.map((e) => `"${String(e)}"`).join(' or ') : '';
      return examples ? `This is not in the expected form, e.g. ${examples}.` : 'This is not in the expected form: see the hint.';
    }
    if (s.format === 'email' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) return 'Enter an e-mail address, like name@example.com.';
  }
  if (s.type === 'integer' || s.type === 'number') {
    if (typeof value !== 'number' || !Number.isFinite(value)) return 'Enter a number.';
    if (s.type === 'integer' && !Number.isInteger(value)) return 'Enter a whole number.';
    if (typeof s.minimum === 'number' && value < s.minimum) return `Enter ${s.minimum} or more.`;
    if (typeof s.maximum === 'number' && value > s.maximum) return `Enter ${s.maximum} or less.`;
  }
  if (s.type === 'array' && Array.isArray(value)) {
    if (typeof s.minItems === 'number' && value.length < s.minItems) {
      return s.minItems === 1 ? 'Add at least one.' : `Add at least ${s.minItems}.`;
    }
    if (typeof s.maxItems === 'number' && value.length > s.maxItems) return `Give at most ${s.maxItems}.`;
    if (s.uniqueItems && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) return 'Each value may be given only once.';
  }
  return '';
}

function safeTest(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(value);
  } catch {
    // A pattern the browser cannot compile is left to the server.
    return true;
  }
}

/** A new value for `schema`: what an added property or list item starts as (required parts filled in). */
export function newValue(root: SchemaRoot, schema: Schema, depth = 0): unknown {
  const shape = shapeOf(root, schema);
  switch (shape.type) {
    case 'const': return shape.value;
    case 'enum': return shape.options[0];
    case 'string': return '';
    case 'integer':
    case 'number': {
      const s = resolve(root, schema);
      return typeof s.default === 'number' ? s.default : typeof s.minimum === 'number' ? s.minimum : 0;
    }
    case 'boolean': return true;
    case 'array': return [];
    case 'choice': return newValue(root, shape.options[0]!.schema, depth + 1);
    case 'object': {
      const out: Record<string, unknown> = {};
      // Deep required chains are rare; the cut-off only guards against a schema that refers to itself.
      if (depth < 6) for (const p of shape.properties) if (p.required) out[p.key] = newValue(root, p.schema, depth + 1);
      return out;
    }
    // A condition starts as "all of nothing", the one every condition builder can open.
    case 'json': return JSON_SHAPES.has(refName(schema) ?? '') ? { all: [] } : {};
  }
}

/** A JSON pointer (RFC 6901) for a path. */
export function pointerOf(path: Path): string {
  return path.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** An element id for a path, unique per path (every character outside [A-Za-z0-9] is escaped). */
export function idOf(prefix: string, path: Path): string {
  return prefix + pointerOf(path).replace(/[^A-Za-z0-9]/g, (c) => `_${c.charCodeAt(0).toString(16)}_`);
}

/** The value at a path, or undefined. */
export function valueAt(root: unknown, path: Path): unknown {
  let v = root;
  for (const seg of path) {
    if (Array.isArray(v) && typeof seg === 'number') v = v[seg];
    else if (isObject(v) && typeof seg === 'string') v = v[seg];
    else return undefined;
  }
  return v;
}

/** A copy of `root` with the value at `path` set (undefined removes a property or an array item). */
export function setAt<T>(root: T, path: Path, value: unknown): T {
  if (!path.length) return value as T;
  const [head, ...rest] = path;
  if (Array.isArray(root) && typeof head === 'number') {
    const copy = [...root] as unknown[];
    const next = setAt(copy[head], rest, value);
    if (next === undefined && !rest.length) copy.splice(head, 1);
    else copy[head] = next;
    return copy as T;
  }
  const copy: Record<string, unknown> = isObject(root) ? { ...root } : {};
  const next = setAt(copy[head as string], rest, value);
  if (next === undefined && !rest.length) delete copy[head as string];
  else copy[head as string] = next;
  return copy as T;
}

/** A copy of `root` with the list at `path` having item `index` moved by `delta` (kept when it would leave the list). */
export function moveAt<T>(root: T, path: Path, index: number, delta: number): T {
  const list = valueAt(root, path);
  if (!Array.isArray(list)) return root;
  const to = index + delta;
  if (to < 0 || to >= list.length) return root;
  const copy = [...list] as unknown[];
  const [item] = copy.splice(index, 1);
  copy.splice(to, 0, item);
  return setAt(root, path, copy);
}

/** A copy of `root` with the map at `path` having key `from` renamed to `to`, in place (key order kept). */
export function renameKeyAt<T>(root: T, path: Path, from: string, to: string): T {
  const map = valueAt(root, path);
  if (!isObject(map) || from === to) return root;
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(map)) copy[k === from ? to : k] = v;
  return setAt(root, path, copy);
}

/** Whether a value is a plain JSON object. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
