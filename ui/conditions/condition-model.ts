/**
 * The condition builder's model: a tree of groups (all / any, possibly negated), leaves on the table's fields and
 * "JSON" leaves, converted to and from the condition language.
 *
 * The conversion is exact: a condition read into the tree and written back is the same JSON. A leaf the builder
 * cannot show as field, operator and value (a fact other than the record's field, a value that is another fact, a
 * value the controls would rewrite) is kept as a JSON leaf, edited as text, never dropped. A group the condition
 * did not write (a bare leaf at the top, `not` of a leaf) is remembered as such, so it is written back the same way.
 */
import type { Condition, LeafCondition } from '../../platform/conditions/browser.js';
import type { FieldMeta } from '../api/types.js';
import { isoToLocalInput, localInputToIso } from '../form/values.js';
import {
  isList, isNumeric, isRange, isRelative, operatorsFor, takesValue, type BuilderMode,
} from './condition-operators.js';

/** Deepest nesting of groups the builder offers (the top group is depth 1). */
export const MAX_DEPTH = 4;

/** A comparison of one field with a value, as the controls hold it. */
export interface LeafNode {
  type: 'leaf';
  /** Stable key for rendering and ids. */
  key: number;
  field: string;
  operator: string;
  /** The value control's text (a choice value, "true"/"false", a record id, a number, a date, an amount of time). */
  value: string;
  /** The upper bound of "is between". */
  value2: string;
  /** The values of "is one of". */
  values: string[];
  /** The unit of a relative span ("days"). */
  unit: string;
  /** How the fact names the field: "record." in definitions, "" in list filters. */
  prefix: string;
  /** Properties of the leaf the controls do not edit (e.g. `ref`), written back as they were. */
  extra: Record<string, unknown>;
}

/** A condition kept as JSON text. */
export interface RawNode {
  type: 'raw';
  key: number;
  text: string;
  /** The condition as last read: kept in force while the text is being edited and does not parse. */
  last?: Condition;
}

/** All or any of its children, possibly negated ("not all", "none"). */
export interface GroupNode {
  type: 'group';
  key: number;
  match: 'all' | 'any';
  negated: boolean;
  /** Not written in the condition: with one child, it is written back as that child (under `not` when negated). */
  implied: boolean;
  children: ConditionNode[];
  /** Properties kept as they were: of the all/any object, and of the `not` around it. */
  extra: Record<string, unknown>;
  notExtra: Record<string, unknown>;
}

export type ConditionNode = LeafNode | RawNode | GroupNode;

/** What reading and writing a condition needs. */
export interface ModelOptions {
  fields: FieldMeta[];
  mode: BuilderMode;
  nextKey: () => number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const without = (o: Record<string, unknown>, keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

/** Structural equality of JSON values (key order ignored). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  }
  if (!isObject(a) || !isObject(b)) return false;
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => sameJson(a[k], b[k]));
}

/** A new empty leaf. */
export function emptyLeaf(key: number, mode: BuilderMode): LeafNode {
  return { type: 'leaf', key, field: '', operator: '', value: '', value2: '', values: [], unit: 'days', prefix: mode === 'condition' ? 'record.' : '', extra: {} };
}

/** A new group with one empty leaf. */
export function emptyGroup(nextKey: () => number, mode: BuilderMode, match: 'all' | 'any' = 'all'): GroupNode {
  return { type: 'group', key: nextKey(), match, negated: false, implied: false, children: [emptyLeaf(nextKey(), mode)], extra: {}, notExtra: {} };
}

/** A field name from a fact: `state` or `record.state`; null for other facts. */
function splitFact(fact: string): { prefix: string; name: string } | null {
  const prefix = fact.startsWith('record.') ? 'record.' : '';
  const name = fact.slice(prefix.length);
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? { prefix, name } : null;
}

function textOf(v: unknown, field: FieldMeta): string | null {
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return null;
  return field.type === 'datetime' ? isoToLocalInput(v) : String(v);
}

/** A leaf as controls, or null when the controls cannot hold it exactly. */
function leafNode(leaf: LeafCondition, opts: ModelOptions, byName: Map<string, FieldMeta>): LeafNode | null {
  const split = splitFact(leaf.fact);
  const field = split ? byName.get(split.name) : undefined;
  const op = String(leaf.operator);
  if (!split || !field || !operatorsFor(field, opts.mode).includes(op) || leaf.path !== undefined) return null;
  const node: LeafNode = { ...emptyLeaf(opts.nextKey(), opts.mode), field: field.name, operator: op, prefix: split.prefix };
  node.extra = without(leaf as unknown as Record<string, unknown>, ['fact', 'operator', 'value']);
  const v = leaf.value;
  if (!takesValue(op)) {
    if (v !== undefined) node.extra.value = v;
  } else if (isRelative(op)) {
    if (!isObject(v) || typeof v.amount !== 'number') return null;
    node.value = String(v.amount);
    node.unit = String(v.unit);
  } else if (isList(op)) {
    if (!Array.isArray(v)) return null;
    const texts = v.map((x) => textOf(x, field));
    if (texts.some((t) => t === null)) return null;
    node.values = texts as string[];
  } else if (isRange(op)) {
    if (!Array.isArray(v) || v.length !== 2) return null;
    const [a, b] = v.map((x) => textOf(x, field));
    if (a === null || b === null) return null;
    node.value = a;
    node.value2 = b;
  } else {
    const t = textOf(v, field);
    if (t === null) return null;
    node.value = t;
  }
  // The controls must give back exactly what the condition says, or it is kept as JSON.
  return sameJson(leafOf(node, field), leaf) ? node : null;
}

const rawNode = (c: Condition, key: number): RawNode => ({ type: 'raw', key, text: JSON.stringify(c, null, 2), last: c });

function nodeOf(c: Condition, opts: ModelOptions, byName: Map<string, FieldMeta>): ConditionNode {
  if (isObject(c) && Array.isArray((c as { all?: unknown }).all)) return groupOf(c, 'all', opts, byName);
  if (isObject(c) && Array.isArray((c as { any?: unknown }).any)) return groupOf(c, 'any', opts, byName);
  if (isObject(c) && isObject((c as { not?: unknown }).not)) {
    const inner = (c as { not: Condition }).not;
    const notExtra = without(c as unknown as Record<string, unknown>, ['not']);
    const n = nodeOf(inner, opts, byName);
    if (n.type === 'group' && !n.negated && !n.implied) return { ...n, negated: true, notExtra };
    return { type: 'group', key: opts.nextKey(), match: 'all', negated: true, implied: true, children: [n], extra: {}, notExtra };
  }
  if (isObject(c) && typeof (c as { fact?: unknown }).fact === 'string') {
    return leafNode(c as LeafCondition, opts, byName) ?? rawNode(c, opts.nextKey());
  }
  return rawNode(c, opts.nextKey());
}

function groupOf(c: Condition, match: 'all' | 'any', opts: ModelOptions, byName: Map<string, FieldMeta>): GroupNode {
  const list = (c as unknown as Record<string, Condition[]>)[match];
  return {
    type: 'group', key: opts.nextKey(), match, negated: false, implied: false, children: list.map((x) => nodeOf(x, opts, byName)),
    extra: without(c as unknown as Record<string, unknown>, [match]), notExtra: {},
  };
}

/** The tree of a condition; always a group at the top (an empty one when there is no condition). */
export function treeOf(condition: Condition | null | undefined, opts: ModelOptions): GroupNode {
  if (condition === null || condition === undefined) return { ...emptyGroup(opts.nextKey, opts.mode), children: [] };
  const byName = new Map(opts.fields.map((f) => [f.name, f]));
  const n = nodeOf(condition, opts, byName);
  if (n.type === 'group') return n;
  return { type: 'group', key: opts.nextKey(), match: 'all', negated: false, implied: true, children: [n], extra: {}, notExtra: {} };
}

function valueOf(text: string, field: FieldMeta): unknown {
  const v = text.trim();
  if (isNumeric(field)) return v === '' ? v : Number(v.replace(/,/g, ''));
  if (field.type === 'boolean') return v === 'true';
  if (field.type === 'datetime') return localInputToIso(v) ?? v;
  return v;
}

/** The condition of one leaf whose field is known. */
export function leafOf(node: LeafNode, field: FieldMeta): LeafCondition {
  const leaf: LeafCondition = { ...node.extra, fact: `${node.prefix}${field.name}`, operator: node.operator };
  if (!takesValue(node.operator)) return leaf;
  if (isRelative(node.operator)) leaf.value = { amount: Number(node.value.trim()), unit: node.unit };
  else if (isList(node.operator)) leaf.value = node.values.map((v) => valueOf(v, field));
  else if (isRange(node.operator)) leaf.value = [valueOf(node.value, field), valueOf(node.value2, field)];
  else leaf.value = valueOf(node.value, field);
  return leaf;
}

/** A leaf the configurator has not started (no field chosen, nothing typed). */
export const isBlank = (n: ConditionNode) => n.type === 'leaf' && n.field === '' && n.value === '';

/** The parsed JSON of a JSON leaf, or undefined when its text is not JSON. */
export function rawCondition(n: RawNode): Condition | undefined {
  try {
    return JSON.parse(n.text) as Condition;
  } catch {
    return undefined;
  }
}

/**
 * The condition of a tree: blank leaves and groups of only blank leaves left out; a JSON leaf whose text does not
 * parse stays as it last read (the builder reports the text). Null when nothing is left.
 */
export function conditionOf(node: ConditionNode, fields: FieldMeta[]): Condition | null {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const walk = (n: ConditionNode): Condition | null => {
    if (n.type === 'raw') return rawCondition(n) ?? n.last ?? null;
    if (n.type === 'leaf') {
      const f = byName.get(n.field);
      return f && n.operator ? leafOf(n, f) : null;
    }
    const children = n.children.map(walk).filter((c): c is Condition => c !== null);
    if (!children.length && n.children.length) return null;
    let c: Condition;
    if (n.implied && children.length === 1) c = children[0]!;
    else c = { ...n.extra, [n.match]: children } as unknown as Condition;
    return n.negated ? { ...n.notExtra, not: c } as Condition : c;
  };
  return walk(node);
}

/** Why a leaf cannot become a condition, or null. `n` is its number in words ("condition 2"). */
export function leafProblem(node: LeafNode, field: FieldMeta | undefined, n: number): string | null {
  if (!field) return `Select a field for condition ${n}`;
  if (!takesValue(node.operator)) return null;
  if (isList(node.operator)) return node.values.length ? null : `Select at least one value for condition ${n}`;
  const texts = isRange(node.operator) ? [node.value, node.value2] : [node.value];
  for (const t of texts.map((x) => x.trim())) {
    if (t === '') return field.type === 'choice' || field.type === 'boolean' ? `Select a value for condition ${n}` : `Enter a value for condition ${n}`;
    if (isRelative(node.operator)) {
      if (!/^[1-9]\d{0,4}$/.test(t)) return `Enter a whole number of ${node.unit || 'days'} for condition ${n}`;
    } else if (isNumeric(field) && Number.isNaN(Number(t.replace(/,/g, '')))) return `Enter a number for condition ${n}`;
  }
  return null;
}

/** Why a JSON leaf cannot become a condition, or null. */
export function rawProblem(node: RawNode, n: number): string | null {
  const c = rawCondition(node);
  return isObject(c) ? null : `Enter condition ${n} as a JSON object`;
}

/** Leaves and JSON leaves in reading order, each with its number ("Condition 3"). */
export function numberedLeaves(root: GroupNode): (LeafNode | RawNode)[] {
  const out: (LeafNode | RawNode)[] = [];
  const walk = (n: ConditionNode) => {
    if (n.type === 'group') n.children.forEach(walk);
    else out.push(n);
  };
  walk(root);
  return out;
}

/** The problems of a tree, by node key, leaving out blank leaves. */
export function treeProblems(root: GroupNode, fields: FieldMeta[]): Map<number, string> {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const problems = new Map<number, string>();
  numberedLeaves(root).forEach((n, i) => {
    const p = n.type === 'raw' ? rawProblem(n, i + 1) : isBlank(n) ? null : leafProblem(n, byName.get(n.field), i + 1);
    if (p) problems.set(n.key, p);
  });
  return problems;
}

/** `a` AND `b`, either of which may be missing. */
export function andConditions(a: Condition | null, b: Condition | null): Condition | null {
  if (!a) return b;
  if (!b) return a;
  return { all: [a, b] };
}
