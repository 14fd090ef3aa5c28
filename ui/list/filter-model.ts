/**
 * The filter builder's model: which operators each field type offers, and the conversion between builder rows
 * and the condition language (`{ all | any: [{ fact, operator, value }] }`, bare field names as facts).
 */
import type { Condition, LeafCondition } from '../../platform/conditions/browser.js';
import type { FieldMeta } from '../api/types.js';
import { isoToLocalInput, localInputToIso } from '../form/values.js';

export interface FilterRow {
  /** Stable key for rendering and ids. */
  key: number;
  field: string;
  operator: string;
  /** What the value control holds (text, a choice value, "true"/"false", a record id, a number of days). */
  value: string;
}

export type Match = 'all' | 'any';

export const OPERATOR_LABELS: Record<string, string> = {
  contains: 'contains',
  doesNotContain: 'does not contain',
  equal: 'is',
  notEqual: 'is not',
  startsWith: 'starts with',
  endsWith: 'ends with',
  greaterThan: 'is more than',
  greaterThanInclusive: 'is at least',
  lessThan: 'is less than',
  lessThanInclusive: 'is at most',
  before: 'is before',
  after: 'is after',
  inLast: 'is in the last (days)',
  inNext: 'is in the next (days)',
  isEmpty: 'is empty',
  isNotEmpty: 'is not empty',
};

const VALUELESS = new Set(['isEmpty', 'isNotEmpty']);
const RELATIVE = new Set(['inLast', 'inNext']);
const EMPTINESS = ['isEmpty', 'isNotEmpty'];

/** System fields not worth filtering on (ids and bookkeeping). */
const NOT_FILTERABLE = new Set(['id', 'class', 'version']);
const NOT_FILTERABLE_TYPES = new Set(['journal', 'attachment', 'json', 'uuid']);

export function filterableFields(fields: FieldMeta[]): FieldMeta[] {
  return fields.filter((f) => f.queryable !== false && !NOT_FILTERABLE.has(f.name) && !NOT_FILTERABLE_TYPES.has(f.type));
}

/** The operators a field offers, in the order shown. */
export function operatorsFor(field: FieldMeta | undefined): string[] {
  if (!field) return [];
  switch (field.type) {
    case 'integer':
    case 'decimal':
    case 'currency':
      return ['equal', 'notEqual', 'greaterThan', 'greaterThanInclusive', 'lessThan', 'lessThanInclusive', ...EMPTINESS];
    case 'date':
      return ['equal', 'before', 'after', 'inLast', 'inNext', ...EMPTINESS];
    case 'datetime':
      return ['before', 'after', 'inLast', 'inNext', ...EMPTINESS];
    case 'boolean':
      return ['equal'];
    case 'choice':
      return field.multiple ? ['contains', 'doesNotContain', ...EMPTINESS] : ['equal', 'notEqual', ...EMPTINESS];
    case 'reference':
      return ['equal', 'notEqual', ...EMPTINESS];
    default:
      return ['contains', 'doesNotContain', 'equal', 'notEqual', 'startsWith', 'endsWith', ...EMPTINESS];
  }
}

export const takesValue = (operator: string) => !VALUELESS.has(operator);
export const isRelative = (operator: string) => RELATIVE.has(operator);

/** A field name from a fact: `state` or `record.state`; null for other facts. */
function fieldOfFact(fact: string): string | null {
  const name = fact.startsWith('record.') ? fact.slice(7) : fact;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : null;
}

function isLeaf(c: Condition): c is LeafCondition {
  return typeof c === 'object' && c !== null && 'fact' in c;
}

/** A leaf as a row, or null when the builder cannot show it. */
function rowOf(leaf: LeafCondition, fields: Map<string, FieldMeta>, key: number): FilterRow | null {
  const name = fieldOfFact(leaf.fact);
  const field = name ? fields.get(name) : undefined;
  if (!field || !operatorsFor(field).includes(String(leaf.operator)) || leaf.path !== undefined) return null;
  const op = String(leaf.operator);
  let value = '';
  if (!takesValue(op)) {
    if (leaf.value !== undefined && leaf.value !== true) return null;
  } else if (isRelative(op)) {
    const span = leaf.value as { amount?: unknown; unit?: unknown } | null;
    if (!span || typeof span.amount !== 'number' || span.unit !== 'days') return null;
    value = String(span.amount);
  } else if (typeof leaf.value === 'string' || typeof leaf.value === 'number' || typeof leaf.value === 'boolean') {
    value = field.type === 'datetime' ? isoToLocalInput(leaf.value) : String(leaf.value);
  } else {
    return null;
  }
  return { key, field: field.name, operator: op, value };
}

/**
 * The rows and match of a condition the builder can show (a leaf, or `all` / `any` of leaves on known fields);
 * null when it cannot.
 */
export function rowsOf(
  condition: Condition | null, fields: FieldMeta[], nextKey: () => number,
): { rows: FilterRow[]; match: Match } | null {
  if (!condition) return { rows: [], match: 'all' };
  const byName = new Map(fields.map((f) => [f.name, f]));
  let match: Match = 'all';
  let leaves: Condition[];
  if ('all' in condition) leaves = condition.all;
  else if ('any' in condition) {
    leaves = condition.any;
    match = 'any';
  } else leaves = [condition];
  const rows: FilterRow[] = [];
  for (const c of leaves) {
    if (!isLeaf(c)) return null;
    const row = rowOf(c, byName, nextKey());
    if (!row) return null;
    rows.push(row);
  }
  return { rows, match };
}

/** Why a row cannot become a condition, or null. */
export function rowProblem(row: FilterRow, field: FieldMeta | undefined, n: number): string | null {
  if (!field) return `Select a field for condition ${n}`;
  if (!takesValue(row.operator)) return null;
  const v = row.value.trim();
  if (v === '') return field.type === 'choice' || field.type === 'boolean' ? `Select a value for condition ${n}` : `Enter a value for condition ${n}`;
  if (isRelative(row.operator)) return /^\d{1,5}$/.test(v) ? null : `Enter a whole number of days for condition ${n}`;
  if ((field.type === 'integer' || field.type === 'decimal' || field.type === 'currency') && Number.isNaN(Number(v.replace(/,/g, '')))) {
    return `Enter a number for condition ${n}`;
  }
  return null;
}

/** The condition of one complete row. */
export function leafOf(row: FilterRow, field: FieldMeta): LeafCondition {
  const leaf: LeafCondition = { fact: field.name, operator: row.operator };
  if (!takesValue(row.operator)) return leaf;
  const v = row.value.trim();
  if (isRelative(row.operator)) leaf.value = { amount: Number(v), unit: 'days' };
  else if (field.type === 'integer' || field.type === 'decimal' || field.type === 'currency') leaf.value = Number(v.replace(/,/g, ''));
  else if (field.type === 'boolean') leaf.value = v === 'true';
  else if (field.type === 'datetime') leaf.value = localInputToIso(v) ?? v;
  else leaf.value = v;
  return leaf;
}

/** The condition of complete rows, or null when there are none. */
export function conditionOf(rows: FilterRow[], match: Match, fields: FieldMeta[]): Condition | null {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const leaves = rows.flatMap((r) => {
    const f = byName.get(r.field);
    return f ? [leafOf(r, f)] : [];
  });
  if (!leaves.length) return null;
  return match === 'any' ? { any: leaves } : { all: leaves };
}

/** `a` AND `b`, either of which may be missing. */
export function andConditions(a: Condition | null, b: Condition | null): Condition | null {
  if (!a) return b;
  if (!b) return a;
  return { all: [a, b] };
}
