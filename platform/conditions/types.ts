/**
 * The one condition language: json-rules-engine's condition JSON.
 *
 * Facts are dotted names rooted in the evaluation context:
 *   `record.<field>`   the record being evaluated (a bare `<field>` is shorthand for it in list filters)
 *   `previous.<field>` the record before the change (rules, workflow guards)
 *   `user.<attr>`      the actor: `user.id`, `user.roles`, `user.orgs`
 *   `now`              the evaluation time (ISO 8601)
 * A `value` may itself be `{ "fact": "user.orgs" }` to compare with another fact.
 */
export type Operator =
  | 'equal' | 'notEqual'
  | 'lessThan' | 'lessThanInclusive' | 'greaterThan' | 'greaterThanInclusive'
  | 'in' | 'notIn' | 'contains' | 'doesNotContain' | 'startsWith' | 'endsWith'
  | 'isEmpty' | 'isNotEmpty' | 'between' | 'matches'
  | 'changes' | 'changesTo' | 'changesFrom'
  | 'inLast' | 'notInLast' | 'inNext' | 'before' | 'after';

export interface FactRef { fact: string; path?: string }

export interface LeafCondition {
  fact: string;
  operator: Operator | string;
  value?: unknown;
  path?: string;
}

export interface AllCondition { all: Condition[] }
export interface AnyCondition { any: Condition[] }
export interface NotCondition { not: Condition }

export type Condition = LeafCondition | AllCondition | AnyCondition | NotCondition;

/** A relative duration used by inLast / inNext: `{ "amount": 7, "unit": "days" }`. */
export interface RelativeSpan {
  amount: number;
  unit: 'minutes' | 'hours' | 'days' | 'weeks' | 'months';
}

/** What the evaluator sees. */
export interface FactContext {
  record?: Record<string, unknown>;
  previous?: Record<string, unknown> | null;
  user?: { id?: string | null; roles?: string[]; orgs?: string[]; [k: string]: unknown };
  now?: string;
}

/** What the SQL compiler needs to know about a table's columns. */
export interface CompileField {
  /** Physical column name. */
  column: string;
  /** Field type, as in FieldDef.type, plus system types. */
  type: string;
  multiple?: boolean;
}

export interface CompileOptions {
  /** Resolve a field name to its column, or undefined when the field does not exist (or is masked). */
  resolveField(name: string): CompileField | undefined;
  /** Values for `user.*` and `now` facts (they compile to bound parameters). */
  context: FactContext;
  /** Table alias to qualify columns with, if any. */
  alias?: string;
}
