/**
 * Compile a condition to a parameterised knex `where`. Identifiers come from the caller's field resolver (never
 * from the condition text) and go through `??` bindings; every value is a `?` binding. The result matches the
 * in-memory evaluator row for row, including NULLs: each comparison is made two-valued (`col is not null and …`,
 * `col is null or …`), so `not` over a missing value behaves as it does in memory.
 */
import type { Knex } from 'knex';
import type { Dialect } from '../db/dialects/types.js';
import { INTEGER_RANGE, YEAR_RANGE, isCalendarDay, unstorableText } from '../db/storage-types.js';
import { fail } from '../errors.js';
import { factRef, factValue, isLeaf, parseFact, valueProblem, type ParsedFact } from './facts.js';
import { MEMORY_ONLY_OPERATORS, OPERATORS, OPERATOR_NAMES, RELATIVE_OPERATORS, isMissing, isRelativeSpan, relativeRange } from './operators.js';
import type { CompileField, CompileOptions, Condition, LeafCondition } from './types.js';

export interface SqlCompileOptions extends CompileOptions {
  dialect: Dialect;
}

type Where = (qb: Knex.QueryBuilder) => void;

// Rich text compares as its stored (sanitised) HTML, as the in-memory evaluator sees it: `contains` may match markup.
const TEXT_TYPES = new Set(['string', 'text', 'richtext', 'choice', 'email', 'phone', 'url', 'postcode']);
const NUMBER_TYPES = new Set(['integer', 'decimal', 'currency']);
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function invalid(message: string): never {
  fail('invalid_query', message);
}

/** A filter value that does not fit: invalid_query naming the field (or fact) it was compared with. */
function invalidValue(field: string, message: string): never {
  fail('invalid_query', message, { fieldErrors: [{ field, code: 'invalid_value', message }] });
}

/** A calendar date of years 0001–9999 (what every database stores): `2025-02-30` and `0000-01-01` are not. */
function isCalendarDate(v: string): boolean {
  if (!DATE_ONLY.test(v)) return false;
  const [y, m, d] = v.split('-').map(Number) as [number, number, number];
  return y >= YEAR_RANGE.min && isCalendarDay(y, m, d);
}

/** An ISO 8601 date-time with a zone whose instant falls in years 0001–9999 (UTC), as that instant's ISO string. */
function instantOf(v: string): string | null {
  if (!DATE_TIME.test(v) || !isCalendarDate(v.slice(0, 10))) return null;
  const t = Date.parse(v);
  if (Number.isNaN(t)) return null;
  const iso = new Date(t).toISOString();
  return /^\d{4}-/.test(iso) && !iso.startsWith('0000') ? iso : null;
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Check a value against a field's type and convert it to what the column compares with. */
function typedValue(name: string, field: CompileField, op: string, v: unknown): unknown {
  if (isMissing(v)) return null;
  const type = field.multiple ? 'choice' : field.type;
  const bad = (expected: string): never =>
    invalidValue(name, `The value for "${name}" with operator "${op}" must be ${expected}; got ${JSON.stringify(v)}.`);
  // PostgreSQL types the parameter as the column's integer: a value past it, or a fraction, would fail there.
  if (type === 'integer') {
    const fits = Number.isInteger(v) && (v as number) >= INTEGER_RANGE.min && (v as number) <= INTEGER_RANGE.max;
    return fits ? v : bad(`a whole number from ${INTEGER_RANGE.min} to ${INTEGER_RANGE.max}`);
  }
  if (NUMBER_TYPES.has(type)) return typeof v === 'number' && Number.isFinite(v) ? v : bad('a number');
  if (type === 'boolean') return typeof v === 'boolean' ? v : bad('true or false');
  if (type === 'date') return typeof v === 'string' && isCalendarDate(v) ? v : bad('a date (YYYY-MM-DD) from 0001-01-01 to 9999-12-31');
  if (type === 'datetime') {
    return (typeof v === 'string' ? instantOf(v) : null) ?? bad('an ISO 8601 date-time with a time zone, in years 0001 to 9999');
  }
  if (type === 'uuid' || type === 'reference') return typeof v === 'string' && UUID.test(v) ? v.toLowerCase() : bad('an id (UUID)');
  if (TEXT_TYPES.has(type)) {
    if (typeof v !== 'string') bad('a string');
    const what = unstorableText(v as string);
    return what ? bad(`text without ${what}`) : v;
  }
  return invalid(`Field "${name}" (${type}) cannot be compared in a filter.`);
}

class Compiler {
  constructor(private readonly o: SqlCompileOptions) {}

  compile(c: Condition): Where {
    if (!c || typeof c !== 'object' || Array.isArray(c)) invalid('A filter condition must be an object.');
    if ('all' in c) {
      if (!Array.isArray(c.all)) invalid('"all" must be an array of conditions.');
      const parts = c.all.map((x) => this.compile(x));
      return (qb) => { for (const p of parts) qb.where(function () { p(this); }); };
    }
    if ('any' in c) {
      if (!Array.isArray(c.any)) invalid('"any" must be an array of conditions.');
      const parts = c.any.map((x) => this.compile(x));
      // json-rules-engine treats an empty `any` as true; so do we.
      return (qb) => { for (const p of parts) qb.orWhere(function () { p(this); }); };
    }
    if ('not' in c) {
      const inner = this.compile(c.not);
      return (qb) => { qb.whereNot(function () { inner(this); }); };
    }
    if (isLeaf(c)) return this.leaf(c);
    return invalid('A filter condition needs "all", "any", "not" or "fact".');
  }

  #constant(fact: ParsedFact): unknown {
    if (fact.root === 'record' || fact.root === 'previous') invalid(`Comparing two record fields ("${fact.name}") is not supported in a filter.`);
    return factValue(this.o.context, fact);
  }

  #column(name: string, fact: ParsedFact): { column: string; field: CompileField } {
    if (fact.root === 'previous') invalid(`"${fact.name}" cannot be used in a query: there is no previous record.`);
    if (fact.path.length > 1) invalid(`"${fact.name}": nested paths cannot be used in a query.`);
    const field = this.o.resolveField(fact.path[0]!);
    if (!field) {
      fail('unknown_field', `Unknown field "${fact.path[0]}" in the filter.`, {
        fieldErrors: [{ field: fact.path[0]!, code: 'unknown_field', message: `There is no field "${fact.path[0]}" to filter on.` }],
      });
    }
    const column = this.o.alias ? `${this.o.alias}.${field.column.split('.').pop()}` : field.column;
    return { column, field };
  }

  leaf(c: LeafCondition): Where {
    const op = String(c.operator);
    if (!OPERATOR_NAMES.includes(op)) {
      fail('unknown_operator', `Unknown operator "${op}".`, { extra: { operator: op, allowed: OPERATOR_NAMES.filter((x) => !MEMORY_ONLY_OPERATORS.has(x)) } });
    }
    if (MEMORY_ONLY_OPERATORS.has(op)) invalid(`Operator "${op}" cannot be used in a query.`);
    if (c.path !== undefined) invalid('"path" cannot be used in a query.');
    const fact = parseFact(c.fact);
    if (!fact) {
      fail('unknown_field', `Unknown field "${String(c.fact)}" in the filter.`, {
        fieldErrors: [{ field: String(c.fact), code: 'unknown_field', message: `There is no field "${String(c.fact)}" to filter on.` }],
      });
    }

    // The value side: a literal, or a user / now fact bound as a parameter.
    let raw: unknown = c.value;
    const ref = factRef(c.value);
    if (ref === null) invalid(`"${String((c.value as { fact: unknown }).fact)}" is not a fact.`);
    // Errors about the value name the field it is compared with (or the fact, for user.* and now).
    const subject = fact.root === 'record' ? fact.path[0]! : fact.name;
    if (ref) raw = this.#constant(ref);
    else {
      const problem = valueProblem(op, c.value, String(c.fact));
      if (problem) invalidValue(subject, `${problem.message} Expected: ${problem.expected}.`);
    }

    if (RELATIVE_OPERATORS.has(op) && !isRelativeSpan(c.value)) {
      invalidValue(subject, `Operator "${op}" needs a value like { "amount": 7, "unit": "days" }.`);
    }
    const relative = RELATIVE_OPERATORS.has(op) ? { now: this.o.context.now ?? new Date().toISOString(), span: c.value } : undefined;

    // A leaf about the user or the time only: fold it to a constant with the in-memory operator.
    if (fact.root === 'user' || fact.root === 'now') {
      const result = OPERATORS[op]!(this.#constant(fact), relative ?? raw);
      return (qb) => { qb.whereRaw(result ? '1 = 1' : '1 = 0'); };
    }

    const { column, field } = this.#column(String(c.fact), fact);
    const name = fact.path[0]!;
    const d = this.o.dialect;
    const bind = (v: unknown) => d.toDb(field.type === 'choice' || field.multiple ? 'string' : field.type, v);
    const one = (v: unknown) => bind(typedValue(name, field, op, v));
    const list = (v: unknown) => {
      if (!Array.isArray(v)) invalid(`Operator "${op}" on "${name}" needs an array of values.`);
      return v.filter((x) => !isMissing(x)).map(one);
    };
    const raw2 = (sql: string, bindings: unknown[]): Where => (qb) => { qb.whereRaw(sql, bindings as Knex.RawBinding[]); };
    const isText = TEXT_TYPES.has(field.type) && !field.multiple;

    if (field.multiple) {
      switch (op) {
        case 'contains': case 'doesNotContain': {
          const v = raw;
          if (isMissing(v)) return raw2(op === 'contains' ? '1 = 0' : '1 = 1', []);
          if (typeof v !== 'string') invalid(`The value for "${name}" with operator "${op}" must be a string.`);
          typedValue(name, { ...field, multiple: false, type: 'string' }, op, v);
          const inner = d.jsonArrayContains(column, v);
          return op === 'contains'
            ? raw2(`(?? is not null and ${inner.sql})`, [column, ...inner.bindings])
            : raw2(`(?? is null or not (${inner.sql}))`, [column, ...inner.bindings]);
        }
        case 'isEmpty': case 'isNotEmpty': {
          const empty = (op === 'isEmpty') === (raw !== false);
          return empty ? raw2('(?? is null or ?? = ?)', [column, column, '[]']) : raw2('(?? is not null and ?? <> ?)', [column, column, '[]']);
        }
        default:
          return invalid(`Operator "${op}" cannot be used on the multiple-choice or tags field "${name}"; use contains, doesNotContain or isEmpty.`);
      }
    }

    const like = (pattern: (s: string) => string, negate: boolean): Where => {
      if (!isText) invalid(`Operator "${op}" needs a text field; "${name}" is ${field.type}.`);
      if (isMissing(raw)) return raw2(negate ? '1 = 1' : '1 = 0', []);
      if (typeof raw !== 'string') invalid(`The value for "${name}" with operator "${op}" must be a string.`);
      typedValue(name, field, op, raw);
      const p = pattern(escapeLike(raw.toLowerCase()));
      return negate
        ? raw2("(?? is null or not (lower(??) like ? escape '\\'))", [column, column, p])
        : raw2("(?? is not null and lower(??) like ? escape '\\')", [column, column, p]);
    };
    const compare = (sqlOp: string): Where => {
      const v = one(raw);
      if (v === null) return raw2('1 = 0', []);
      return raw2(`(?? is not null and ?? ${sqlOp} ?)`, [column, column, v]);
    };

    switch (op) {
      case 'equal': {
        const v = one(raw);
        return v === null ? raw2('?? is null', [column]) : raw2('(?? is not null and ?? = ?)', [column, column, v]);
      }
      case 'notEqual': {
        const v = one(raw);
        return v === null ? raw2('?? is not null', [column]) : raw2('(?? is null or ?? <> ?)', [column, column, v]);
      }
      case 'lessThan': case 'before': return compare('<');
      case 'lessThanInclusive': return compare('<=');
      case 'greaterThan': case 'after': return compare('>');
      case 'greaterThanInclusive': return compare('>=');
      case 'in': case 'notIn': {
        const values = list(raw);
        if (values.length === 0) return raw2(op === 'in' ? '1 = 0' : '1 = 1', []);
        return op === 'in'
          ? (qb) => { qb.where((b) => { b.whereNotNull(column).whereIn(column, values as Knex.Value[]); }); }
          : (qb) => { qb.where((b) => { b.whereNull(column).orWhereNotIn(column, values as Knex.Value[]); }); };
      }
      case 'between': {
        if (!Array.isArray(raw) || raw.length !== 2) invalid(`Operator "between" on "${name}" needs [low, high].`);
        const lo = one(raw[0]);
        const hi = one(raw[1]);
        if (lo === null || hi === null) return raw2('1 = 0', []);
        return raw2('(?? is not null and ?? >= ? and ?? <= ?)', [column, column, lo, column, hi]);
      }
      case 'contains': return like((s) => `%${s}%`, false);
      case 'doesNotContain': return like((s) => `%${s}%`, true);
      case 'startsWith': return like((s) => `${s}%`, false);
      case 'endsWith': return like((s) => `%${s}`, false);
      case 'isEmpty': case 'isNotEmpty': {
        const empty = (op === 'isEmpty') === (raw !== false);
        if (isText) return empty ? raw2("(?? is null or ?? = '')", [column, column]) : raw2("(?? is not null and ?? <> '')", [column, column]);
        return raw2(empty ? '?? is null' : '?? is not null', [column]);
      }
      case 'inLast': case 'inNext': case 'notInLast': {
        if (field.type !== 'date' && field.type !== 'datetime') invalid(`Operator "${op}" needs a date or date-time field; "${name}" is ${field.type}.`);
        const range = relativeRange(new Date(relative!.now), relative!.span as never, op === 'inNext' ? 'next' : 'last');
        const [lo, hi] = field.type === 'date' ? [range[0].slice(0, 10), range[1].slice(0, 10)] : range;
        return op === 'notInLast'
          ? raw2('(?? is null or not (?? >= ? and ?? <= ?))', [column, column, lo, column, hi])
          : raw2('(?? is not null and ?? >= ? and ?? <= ?)', [column, column, lo, column, hi]);
      }
      default:
        return invalid(`Operator "${op}" cannot be used in a query.`);
    }
  }
}

/**
 * Compile a condition to a knex where-callback: `query.where(compileToSql(condition, options))`.
 * Throws FormworkError `unknown_field`, `unknown_operator` or `invalid_query` (all 400) naming the culprit.
 */
export function compileToSql(condition: Condition, options: SqlCompileOptions): (qb: Knex.QueryBuilder) => void {
  const where = new Compiler(options).compile(condition);
  return function (this: Knex.QueryBuilder, qb?: Knex.QueryBuilder) { where(qb ?? this); };
}
