/**
 * Which operators the condition builder offers for a field, in words, and what value each takes. Two modes: a list
 * filter offers only what compiles to a database query on the record alone; a definition's condition also offers the
 * operators that compare with the record before the change.
 */
import type { FieldMeta } from '../api/types.js';

/** Where the condition is used: a list's filter (compiled to SQL) or a definition's condition (evaluated). */
export type BuilderMode = 'filter' | 'condition';

/** Every operator the builder can show, in words. */
export const OPERATOR_LABELS: Record<string, string> = {
  contains: 'contains',
  doesNotContain: 'does not contain',
  equal: 'is',
  notEqual: 'is not',
  in: 'is one of',
  notIn: 'is none of',
  startsWith: 'starts with',
  endsWith: 'ends with',
  matches: 'matches the pattern',
  greaterThan: 'is more than',
  greaterThanInclusive: 'is at least',
  lessThan: 'is less than',
  lessThanInclusive: 'is at most',
  between: 'is between',
  before: 'is before',
  after: 'is after',
  inLast: 'is in the last',
  notInLast: 'is not in the last',
  inNext: 'is in the next',
  isEmpty: 'is empty',
  isNotEmpty: 'is not empty',
  changes: 'changes',
  changesTo: 'changes to',
  changesFrom: 'changes from',
};

/** The units of a relative span, in words (singular, plural). */
export const SPAN_UNITS: Record<string, [string, string]> = {
  minutes: ['minute', 'minutes'], hours: ['hour', 'hours'], days: ['day', 'days'], weeks: ['week', 'weeks'], months: ['month', 'months'],
};

const VALUELESS = new Set(['isEmpty', 'isNotEmpty', 'changes']);
const RELATIVE = new Set(['inLast', 'notInLast', 'inNext']);
const LISTS = new Set(['in', 'notIn']);
const EMPTINESS = ['isEmpty', 'isNotEmpty'];
const CHANGES = ['changes', 'changesTo', 'changesFrom'];

/** System fields not worth filtering on (ids and bookkeeping), and types no operator suits. */
const NOT_FILTERABLE = new Set(['id', 'class', 'version']);
const NOT_FILTERABLE_TYPES = new Set(['journal', 'attachment', 'json', 'uuid']);

/** The fields a condition can test. */
export function filterableFields(fields: FieldMeta[]): FieldMeta[] {
  return fields.filter((f) => f.queryable !== false && !NOT_FILTERABLE.has(f.name) && !NOT_FILTERABLE_TYPES.has(f.type));
}

const isNumeric = (f: FieldMeta) => f.type === 'integer' || f.type === 'decimal' || f.type === 'currency';

/** The operators a field offers in a mode, in the order shown (the first is the default). */
export function operatorsFor(field: FieldMeta | undefined, mode: BuilderMode = 'filter'): string[] {
  if (!field) return [];
  const more = mode === 'condition';
  switch (field.type) {
    case 'integer':
    case 'decimal':
    case 'currency':
      return ['equal', 'notEqual', 'greaterThan', 'greaterThanInclusive', 'lessThan', 'lessThanInclusive',
        ...(more ? ['between'] : []), ...EMPTINESS, ...(more ? CHANGES : [])];
    case 'date':
      return ['equal', 'before', 'after', 'inLast', 'inNext', ...(more ? ['notInLast'] : []), ...EMPTINESS, ...(more ? CHANGES : [])];
    case 'datetime':
      return ['before', 'after', 'inLast', 'inNext', ...(more ? ['notInLast'] : []), ...EMPTINESS, ...(more ? ['changes'] : [])];
    case 'boolean':
      return ['equal', ...(more ? CHANGES : [])];
    case 'choice':
      if (field.multiple) return ['contains', 'doesNotContain', ...EMPTINESS, ...(more ? ['changes'] : [])];
      return ['equal', 'notEqual', 'in', 'notIn', ...EMPTINESS, ...(more ? CHANGES : [])];
    case 'tags':
      return ['contains', 'doesNotContain', ...EMPTINESS, ...(more ? ['changes'] : [])];
    case 'reference':
      return ['equal', 'notEqual', ...EMPTINESS, ...(more ? CHANGES : [])];
    default:
      return ['contains', 'doesNotContain', 'equal', 'notEqual', 'startsWith', 'endsWith', ...(more ? ['matches'] : []),
        ...EMPTINESS, ...(more ? CHANGES : [])];
  }
}

/** Whether the operator compares with a value at all. */
export const takesValue = (operator: string) => !VALUELESS.has(operator);
/** Whether the value is a span of time ("7 days"). */
export const isRelative = (operator: string) => RELATIVE.has(operator);
/** Whether the value is a list of values. */
export const isList = (operator: string) => LISTS.has(operator);
/** Whether the value is a pair (low and high). */
export const isRange = (operator: string) => operator === 'between';
/** Whether the field's values are numbers. */
export { isNumeric };
