/**
 * Fact names and the structural walk of conditions, shared by the evaluator, the SQL compiler and the definition
 * lint. No Node dependency (the browser bundle imports it).
 */
import {
  CHANGE_OPERATORS, MAX_RELATIVE_AMOUNT, MEMORY_ONLY_OPERATORS, OPERATOR_NAMES, RELATIVE_OPERATORS, RELATIVE_UNITS, VALUELESS_OPERATORS,
  isRelativeSpan,
} from './operators.js';
import type { Condition, FactContext, LeafCondition } from './types.js';

export type FactRoot = 'record' | 'previous' | 'user' | 'now';
export const FACT_ROOTS: readonly FactRoot[] = ['record', 'previous', 'user', 'now'];

/** Attributes of the `user` fact. */
export const USER_FACTS = ['id', 'username', 'roles', 'orgs', 'orgId', 'userIds', 'capabilities'];

export interface ParsedFact { root: FactRoot; path: string[]; name: string }

const FACT_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * Parse a fact name. `record.priority`, `previous.state`, `user.orgs`, `now`; a bare `priority` is shorthand for
 * `record.priority`. Returns null for a name that is not a fact at all.
 */
export function parseFact(fact: unknown): ParsedFact | null {
  if (typeof fact !== 'string' || !FACT_NAME.test(fact)) return null;
  const parts = fact.split('.');
  const head = parts[0]!;
  if (head === 'now') return parts.length === 1 ? { root: 'now', path: [], name: 'now' } : null;
  if (head === 'record' || head === 'previous' || head === 'user') {
    if (parts.length < 2) return null;
    return { root: head, path: parts.slice(1), name: fact };
  }
  return { root: 'record', path: parts, name: `record.${fact}` };
}

export const isLeaf = (c: Condition): c is LeafCondition => typeof c === 'object' && c !== null && 'fact' in c;

/** A `value` that refers to another fact: `{ "fact": "user.orgs" }`. */
export function factRef(value: unknown): ParsedFact | null | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value) || !('fact' in value)) return undefined;
  return parseFact((value as { fact: unknown }).fact);
}

/** Look a parsed fact up in an evaluation context (missing → null). */
export function factValue(ctx: FactContext, fact: ParsedFact): unknown {
  if (fact.root === 'now') return ctx.now ?? new Date().toISOString();
  let cur: unknown = ctx[fact.root];
  for (const p of fact.path) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return null;
    if (!Object.prototype.hasOwnProperty.call(cur, p)) return null;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur === undefined ? null : cur;
}

export interface ConditionProblem {
  /** JSON pointer inside the condition ('' for the condition itself). */
  pointer: string;
  message: string;
  expected?: string;
}

export interface CheckOptions {
  /** Whether a `record.*` / `previous.*` field exists (and how it may be used). */
  hasField(name: string): boolean;
  /** The condition will be compiled to SQL (list filters, ACL rows, reports): memory-only operators are errors. */
  compilable?: boolean;
  /** `previous.*` and the change operators are meaningful (rules, workflow guards). Default: !compilable. */
  allowPrevious?: boolean;
}

/**
 * Check a condition's structure, facts and operators without evaluating it. Returns every problem found; an
 * empty list means the condition can be evaluated (and, when `compilable`, compiled).
 */
export function checkCondition(condition: unknown, options: CheckOptions, pointer = ''): ConditionProblem[] {
  const problems: ConditionProblem[] = [];
  const allowPrevious = options.allowPrevious ?? !options.compilable;
  const walk = (c: unknown, at: string) => {
    if (!c || typeof c !== 'object' || Array.isArray(c)) {
      problems.push({ pointer: at, message: 'A condition must be an object.', expected: 'all, any, not or fact/operator/value' });
      return;
    }
    const o = c as Record<string, unknown>;
    if ('all' in o || 'any' in o) {
      const key = 'all' in o ? 'all' : 'any';
      const list = o[key];
      if (!Array.isArray(list)) problems.push({ pointer: `${at}/${key}`, message: `"${key}" must be an array of conditions.` });
      else list.forEach((x, i) => walk(x, `${at}/${key}/${i}`));
      return;
    }
    if ('not' in o) { walk(o.not, `${at}/not`); return; }
    if (!('fact' in o)) {
      problems.push({ pointer: at, message: 'A condition needs "all", "any", "not" or "fact".', expected: 'all, any, not or fact/operator/value' });
      return;
    }
    const fact = parseFact(o.fact);
    const op = o.operator;
    if (!fact) {
      problems.push({ pointer: `${at}/fact`, message: `"${String(o.fact)}" is not a fact.`, expected: `record.<field>, previous.<field>, user.<${USER_FACTS.join('|')}> or now` });
    } else {
      checkFactUse(fact, `${at}/fact`);
    }
    if (typeof op !== 'string' || !OPERATOR_NAMES.includes(op)) {
      problems.push({ pointer: `${at}/operator`, message: `Unknown operator "${String(op)}".`, expected: OPERATOR_NAMES.join(', ') });
      return;
    }
    if (options.compilable && MEMORY_ONLY_OPERATORS.has(op)) {
      problems.push({ pointer: `${at}/operator`, message: `Operator "${op}" cannot be used in a query (it is evaluated in memory only).` });
    }
    if (CHANGE_OPERATORS.has(op) && !allowPrevious) {
      problems.push({ pointer: `${at}/operator`, message: `Operator "${op}" compares with the previous record, which only rules and workflow guards have.` });
    }
    // `path` narrows the fact's value in memory only; the change operators and queries would ignore it.
    if (o.path !== undefined && (options.compilable || CHANGE_OPERATORS.has(op))) {
      problems.push({ pointer: `${at}/path`, message: options.compilable ? '"path" cannot be used in a query.' : `"path" cannot be used with operator "${op}".`, expected: 'no "path"' });
    }
    if (CHANGE_OPERATORS.has(op) && fact && fact.root !== 'record') {
      problems.push({ pointer: `${at}/fact`, message: `Operator "${op}" applies to a record field.`, expected: 'record.<field>' });
    }
    const value = o.value;
    const ref = factRef(value);
    if (ref === null) problems.push({ pointer: `${at}/value/fact`, message: `"${String((value as { fact: unknown }).fact)}" is not a fact.` });
    else if (ref) checkFactUse(ref, `${at}/value/fact`);
    else checkValue(op, value, `${at}/value`, fact?.name ?? 'record.<field>');
  };
  const checkFactUse = (fact: ParsedFact, at: string) => {
    if (fact.root === 'record' || fact.root === 'previous') {
      if (fact.root === 'previous' && !allowPrevious) {
        problems.push({ pointer: at, message: `"${fact.name}" is not available here: only rules and workflow guards see the previous record.` });
      }
      if (!options.hasField(fact.path[0]!)) problems.push({ pointer: at, message: `Unknown field "${fact.path[0]}" in fact "${fact.name}".` });
      else if (options.compilable && fact.path.length > 1) problems.push({ pointer: at, message: `"${fact.name}": nested paths cannot be used in a query.` });
    } else if (fact.root === 'user' && !USER_FACTS.includes(fact.path[0]!)) {
      problems.push({ pointer: at, message: `Unknown user fact "${fact.name}".`, expected: USER_FACTS.map((u) => `user.${u}`).join(', ') });
    }
  };
  const checkValue = (op: string, value: unknown, at: string, factName: string) => {
    const problem = valueProblem(op, value, factName);
    if (problem) problems.push({ pointer: at, ...problem });
  };
  walk(condition, pointer);
  return problems;
}

/** Operators comparing with one value: an array or object there would never match (or match by accident). */
const SCALAR_OPERATORS = new Set([
  'equal', 'notEqual', 'lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive', 'before', 'after',
  'contains', 'doesNotContain', 'startsWith', 'endsWith', 'changesTo', 'changesFrom',
]);

const isScalar = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);
const show = (v: unknown) => (v === undefined ? 'nothing' : JSON.stringify(v));

/** What an operator with a scalar value may have meant when given a list. */
function listAdvice(op: string, fact: string): string {
  const f = JSON.stringify(fact);
  if (op === 'changesTo' || op === 'changesFrom') {
    const side = op === 'changesTo' ? f : JSON.stringify(fact.replace(/^(record\.)?/, 'previous.'));
    return `a single value; for "changes to one of several values" write { "all": [{ "fact": ${f}, "operator": "changes" }, { "fact": ${side}, "operator": "in", "value": [ … ] }] }`;
  }
  if (op === 'equal' || op === 'notEqual') return `a single value; for one of several values use "${op === 'equal' ? 'in' : 'notIn'}" with the list`;
  if (op === 'contains' || op === 'doesNotContain') return 'a single value; for several, combine conditions with "all" or "any"';
  return 'a single value (text, number, date or true/false)';
}

/**
 * Whether a literal `value` has the shape operator `op` needs (a value given as `{ "fact": … }` is not literal and
 * is not checked here). The evaluator, the SQL compiler and the lint all refuse the same shapes through this, so a
 * condition that would silently never match is refused everywhere, at validation first. `fact` names the leaf's
 * fact, for the suggested rewrite. Null when the value fits.
 */
export function valueProblem(op: string, value: unknown, fact = 'record.<field>'): { message: string; expected: string } | null {
  if (RELATIVE_OPERATORS.has(op)) {
    if (isRelativeSpan(value)) return null;
    const { unit, amount } = (value ?? {}) as { unit?: unknown; amount?: unknown };
    const expected = `{ "amount": <whole number from 0 to ${MAX_RELATIVE_AMOUNT}>, "unit": "${RELATIVE_UNITS.join('|')}" }`;
    if (typeof unit === 'string' && !RELATIVE_UNITS.includes(unit)) return { message: `Operator "${op}" needs a relative span; unit "${unit}" is not a unit.`, expected };
    if (typeof amount === 'number' && (!Number.isInteger(amount) || amount < 0 || amount > MAX_RELATIVE_AMOUNT)) {
      return { message: `Operator "${op}" needs a whole number of ${typeof unit === 'string' ? unit : 'units'} from 0 to ${MAX_RELATIVE_AMOUNT}; got ${show(amount)}.`, expected };
    }
    return { message: `Operator "${op}" needs a relative span; got ${show(value)}.`, expected };
  }
  if (op === 'in' || op === 'notIn') {
    if (!Array.isArray(value)) return { message: `Operator "${op}" needs a list of values; got ${show(value)}.`, expected: `an array, e.g. [${isScalar(value) && value !== undefined ? JSON.stringify(value) : '"a", "b"'}]` };
    if (!value.every(isScalar)) return { message: `Operator "${op}" compares with single values; the list holds a list or an object.`, expected: 'an array of text, numbers, dates or true/false' };
    return null;
  }
  if (op === 'between') {
    if (Array.isArray(value) && value.length === 2 && value.every((v) => isScalar(v) && v !== null)) return null;
    return { message: `Operator "between" needs [low, high]; got ${show(value)}.`, expected: 'an array of two values, e.g. [1, 5] or ["2025-01-01", "2025-12-31"]' };
  }
  if (op === 'matches') {
    if (typeof value !== 'string') return { message: `Operator "matches" needs a regular expression string; got ${show(value)}.`, expected: 'a regular expression, e.g. "^[A-Z]{2}\\d+$"' };
    try { new RegExp(value, 'u'); } catch (e) { return { message: `Invalid regular expression: ${(e as Error).message}`, expected: 'a valid regular expression' }; }
    return null;
  }
  if (op === 'changes') {
    return value === undefined ? null : { message: `Operator "changes" takes no value; got ${show(value)}.`, expected: 'no "value" (or "changesTo" / "changesFrom" to compare with one)' };
  }
  if (VALUELESS_OPERATORS.has(op)) {
    return value === undefined || typeof value === 'boolean' ? null : { message: `Operator "${op}" takes no value (or true / false); got ${show(value)}.`, expected: 'no "value", or true / false' };
  }
  if (value === undefined) return { message: `Operator "${op}" needs a value.`, expected: listAdvice(op, fact) };
  if (SCALAR_OPERATORS.has(op) && !isScalar(value)) {
    return { message: `Operator "${op}" compares with a single value; got ${Array.isArray(value) ? 'a list' : 'an object'} (${show(value)}), which never matches.`, expected: listAdvice(op, fact) };
  }
  return null;
}

/**
 * The capability names a (structurally valid) condition compares `user.capabilities` with (`contains`,
 * `doesNotContain`, `in`, `notIn` literals), with their pointers: the lint checks that some role grants them.
 */
export function capabilityNames(condition: unknown, pointer = ''): { name: string; at: string }[] {
  const out: { name: string; at: string }[] = [];
  const walk = (c: unknown, at: string) => {
    if (!c || typeof c !== 'object') return;
    const o = c as Record<string, unknown>;
    if (Array.isArray(o.all)) o.all.forEach((x, i) => walk(x, `${at}/all/${i}`));
    else if (Array.isArray(o.any)) o.any.forEach((x, i) => walk(x, `${at}/any/${i}`));
    else if ('not' in o) walk(o.not, `${at}/not`);
    else if (o.fact === 'user.capabilities') {
      if (typeof o.value === 'string') out.push({ name: o.value, at: `${at}/value` });
      else if (Array.isArray(o.value)) o.value.forEach((v, i) => { if (typeof v === 'string') out.push({ name: v, at: `${at}/value/${i}` }); });
    }
  };
  walk(condition, pointer);
  return out;
}
