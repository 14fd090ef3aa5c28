/**
 * The operators of the condition language, as plain synchronous functions of (fact value, condition value).
 * The same functions are registered with json-rules-engine (evaluate.ts) and used to fold constant leaves when
 * compiling to SQL (sql.ts), and their NULL semantics are the ones the SQL compiler reproduces:
 *
 *  - a missing value (null, undefined) never equals, compares, contains or starts with anything;
 *  - the negative operators (notEqual, notIn, doesNotContain, notInLast) are true for a missing value;
 *  - strings compare case-sensitively for equal / in, case-insensitively for contains / startsWith / endsWith;
 *  - dates (`YYYY-MM-DD`) compare as dates, datetimes (ISO 8601) as instants.
 *
 * This module has no Node dependency: the browser bundle imports it.
 */
import type { RelativeSpan } from './types.js';

export type OperatorFn = (fact: unknown, value: unknown) => boolean;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

export const isMissing = (v: unknown): v is null | undefined => v === null || v === undefined;

/** Comparable form of a scalar: instants for datetimes, the string itself for dates and text, numbers as is. */
function comparable(v: unknown): string | number | boolean | null {
  if (isMissing(v)) return null;
  if (typeof v === 'string' && DATE_TIME.test(v)) return Date.parse(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** -1, 0, 1, or null when the two cannot be ordered (a missing value, or a number against a string). */
export function compareValues(a: unknown, b: unknown): number | null {
  const x = comparable(a);
  const y = comparable(b);
  if (x === null || y === null) return null;
  if (typeof x !== typeof y) return null;
  return x < y ? -1 : x > y ? 1 : 0;
}

function same(a: unknown, b: unknown): boolean {
  if (isMissing(a) || isMissing(b)) return false;
  return compareValues(a, b) === 0;
}

const lower = (v: unknown) => String(v).toLowerCase();

function containsValue(fact: unknown, value: unknown): boolean {
  if (isMissing(fact) || isMissing(value)) return false;
  if (Array.isArray(fact)) return fact.some((x) => same(x, value));
  if (typeof fact !== 'string') return false;
  return lower(fact).includes(lower(value));
}

export function isEmptyValue(v: unknown): boolean {
  return isMissing(v) || v === '' || (Array.isArray(v) && v.length === 0);
}

const MS: Record<string, number> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000, weeks: 604_800_000 };

/**
 * The largest amount of a relative span, whatever its unit. A million months (about 83,000 years) from any date a
 * database holds still lies well inside the range of a JavaScript Date (±275,000 years around 1970), so shifting by a
 * span never makes an invalid date.
 */
export const MAX_RELATIVE_AMOUNT = 1_000_000;

/**
 * The instants a shifted date is clamped to: years 0001 to 9999, which every database stores and ISO 8601 writes with
 * four digits. A span reaching past them means "as far as dates go", and the bound stays comparable as text.
 */
const EARLIEST = Date.parse('0001-01-01T00:00:00.000Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

/** Shift an instant by a relative span (months are calendar months, in UTC), clamped to years 0001–9999. */
export function shift(now: Date, span: RelativeSpan, sign: 1 | -1): Date {
  let t: number;
  if (span.unit === 'months') {
    const d = new Date(now.getTime());
    d.setUTCMonth(d.getUTCMonth() + sign * span.amount);
    t = d.getTime();
  } else {
    t = now.getTime() + sign * span.amount * MS[span.unit]!;
  }
  return new Date(Math.min(LATEST, Math.max(EARLIEST, t)));
}

/** The units of a relative span. */
export const RELATIVE_UNITS: readonly string[] = ['minutes', 'hours', 'days', 'weeks', 'months'];

/** `{ amount, unit }` with a whole amount from 0 to {@link MAX_RELATIVE_AMOUNT} and a known unit. */
export function isRelativeSpan(v: unknown): v is RelativeSpan {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const s = v as Partial<RelativeSpan>;
  return Number.isInteger(s.amount) && (s.amount as number) >= 0 && (s.amount as number) <= MAX_RELATIVE_AMOUNT
    && typeof s.unit === 'string' && RELATIVE_UNITS.includes(s.unit);
}

/**
 * The inclusive [start, end] range, as ISO strings, of "in the last / next span" at `now` (a valid instant; the
 * span's amount within {@link MAX_RELATIVE_AMOUNT}).
 */
export function relativeRange(now: Date, span: RelativeSpan, direction: 'last' | 'next'): [string, string] {
  return direction === 'last'
    ? [shift(now, span, -1).toISOString(), now.toISOString()]
    : [now.toISOString(), shift(now, span, 1).toISOString()];
}

/** Whether a date or datetime value lies in an inclusive instant range; dates compare by calendar day. */
export function withinRange(fact: unknown, range: [string, string]): boolean {
  if (typeof fact !== 'string') return false;
  if (DATE_ONLY.test(fact)) return fact >= range[0].slice(0, 10) && fact <= range[1].slice(0, 10);
  if (!DATE_TIME.test(fact)) return false;
  const t = Date.parse(fact);
  return t >= Date.parse(range[0]) && t <= Date.parse(range[1]);
}

/**
 * Relative-date operators receive `[now, span]` as their value: the evaluator rewrites
 * `{ operator: "inLast", value: { amount: 7, unit: "days" } }` so the operator sees the evaluation time.
 */
type RelativeValue = { now: string; span: RelativeSpan };
const relative = (direction: 'last' | 'next'): OperatorFn => (fact, value) => {
  const v = value as RelativeValue;
  if (!v || !isRelativeSpan(v.span) || typeof v.now !== 'string') return false;
  // A `now` that is no instant (a browser's odd clock) matches nothing rather than throwing from toISOString.
  const now = new Date(v.now);
  if (Number.isNaN(now.getTime())) return false;
  return withinRange(fact, relativeRange(now, v.span, direction));
};

export const OPERATORS: Record<string, OperatorFn> = {
  equal: (f, v) => (isMissing(v) ? isMissing(f) : same(f, v)),
  notEqual: (f, v) => (isMissing(v) ? !isMissing(f) : !same(f, v)),
  lessThan: (f, v) => compareValues(f, v) === -1,
  lessThanInclusive: (f, v) => { const c = compareValues(f, v); return c === -1 || c === 0; },
  greaterThan: (f, v) => compareValues(f, v) === 1,
  greaterThanInclusive: (f, v) => { const c = compareValues(f, v); return c === 1 || c === 0; },
  in: (f, v) => Array.isArray(v) && v.some((x) => same(f, x)),
  notIn: (f, v) => !(Array.isArray(v) && v.some((x) => same(f, x))),
  contains: containsValue,
  doesNotContain: (f, v) => !containsValue(f, v),
  startsWith: (f, v) => typeof f === 'string' && !isMissing(v) && lower(f).startsWith(lower(v)),
  endsWith: (f, v) => typeof f === 'string' && !isMissing(v) && lower(f).endsWith(lower(v)),
  isEmpty: (f, v) => (v === false ? !isEmptyValue(f) : isEmptyValue(f)),
  isNotEmpty: (f, v) => (v === false ? isEmptyValue(f) : !isEmptyValue(f)),
  between: (f, v) => {
    if (!Array.isArray(v) || v.length !== 2) return false;
    const lo = compareValues(f, v[0]);
    const hi = compareValues(f, v[1]);
    return lo !== null && hi !== null && lo >= 0 && hi <= 0;
  },
  matches: (f, v) => {
    if (typeof f !== 'string' || typeof v !== 'string') return false;
    try { return new RegExp(v, 'u').test(f); } catch { return false; }
  },
  before: (f, v) => compareValues(f, v) === -1,
  after: (f, v) => compareValues(f, v) === 1,
  inLast: relative('last'),
  inNext: relative('next'),
  notInLast: (f, v) => !relative('last')(f, v),
};

/** Operators whose value is a relative span, rewritten to `{ now, span }` before evaluation. */
export const RELATIVE_OPERATORS = new Set(['inLast', 'notInLast', 'inNext']);

/** Operators that compare a record with its previous version: evaluated in memory only. */
export const CHANGE_OPERATORS = new Set(['changes', 'changesTo', 'changesFrom']);

/** Operators that cannot be compiled to SQL. */
export const MEMORY_ONLY_OPERATORS = new Set(['matches', ...CHANGE_OPERATORS]);

/** Every operator name the language knows. */
export const OPERATOR_NAMES: readonly string[] = [...Object.keys(OPERATORS), ...CHANGE_OPERATORS];

/** Operators that take no value. */
export const VALUELESS_OPERATORS = new Set(['isEmpty', 'isNotEmpty', 'changes']);
