/**
 * The semantics of UI policies, in one place: the browser runs them live as the user types, the server runs them
 * again on every write (platform/rules/data-policy.ts). No Node imports — the UI bundle imports this module.
 *
 * Policies are taken in definition order; each condition is evaluated with the one condition language over the
 * facts `{ record, user, now }` (`record` being the values as they would be saved).
 *
 *  - condition true: the policy's actions apply — `visible`, `mandatory`, `readOnly` set the field's state to the
 *    given boolean; `value` sets the field's value.
 *  - condition false and `reverse` not false: the opposite of each `visible` / `mandatory` / `readOnly` action
 *    applies (visible:true → hidden, mandatory:true → optional, readOnly:true → editable). `value` actions never
 *    reverse. With `reverse: false` a false policy does nothing.
 *  - A later policy overrides an earlier one on the same field and property.
 *  - Value actions feed back: after they are applied to the record the policies are evaluated again, up to
 *    {@link MAX_PASSES} times, until no value changes; the states come from the last evaluation.
 *  - Fields given in `context.fields` start from their table definition: visible, mandatory when `required`,
 *    read-only when `readOnly`; a policy cannot make a required field optional nor a read-only field editable.
 *    Without `fields`, the outcome covers exactly the fields the policies name, starting visible, optional and
 *    editable. With `fields`, actions on fields not listed are ignored.
 *  - A policy whose condition cannot be compiled or evaluated counts as false, and is listed in `failed`.
 *
 * What the outcome means for a submitted record ({@link mustBeFilled}): a hidden field is not submitted (the server
 * discards values sent for it), a read-only field may not be changed, and a mandatory field must have a value —
 * unless it is hidden or read-only, when nobody could fill it in.
 */
import { compileEvaluator, type Evaluator, type FactContext } from '../conditions/browser.js';
import type { UiPolicy } from '../forms/types.js';

/** What a field's table definition says before any policy (required, readOnly). */
export interface PolicyFieldBase {
  required?: boolean;
  readOnly?: boolean;
}

export interface PolicyContext {
  user?: FactContext['user'];
  now?: string;
  /** The stored record when editing one (conditions of UI policies cannot use it; carried for completeness). */
  previous?: FactContext['previous'];
  /** The fields of the form with their table definition; see the module comment. */
  fields?: Readonly<Record<string, PolicyFieldBase>>;
}

export interface FieldState {
  visible: boolean;
  mandatory: boolean;
  readOnly: boolean;
}

export interface PolicyOutcome {
  /** field → shown. */
  visible: Record<string, boolean>;
  /** field → mandatory (see {@link mustBeFilled} for whether that is enforced). */
  mandatory: Record<string, boolean>;
  /** field → read-only. */
  readOnly: Record<string, boolean>;
  /** Values set by value actions of policies that hold (field → value). */
  values: Record<string, unknown>;
  /** The record with those values applied. */
  record: Record<string, unknown>;
  /** Per policy (definition order): whether its condition held in the last evaluation. */
  active: boolean[];
  /** Indexes of policies whose condition could not be compiled or evaluated (taken as false). */
  failed: number[];
}

/** How many times value actions may feed back into conditions before the result is taken as final. */
export const MAX_PASSES = 5;

const compiled = new WeakMap<object, Evaluator | null>();

function evaluatorOf(policy: UiPolicy): Evaluator | null {
  let fn = compiled.get(policy.condition);
  if (fn === undefined) {
    try {
      fn = compileEvaluator(policy.condition);
    } catch {
      fn = null;
    }
    compiled.set(policy.condition, fn);
  }
  return fn;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** Evaluate UI policies against a record: the single implementation of their semantics (module comment). */
export async function applyPolicies(
  policies: readonly UiPolicy[] | undefined, record: Record<string, unknown>, context: PolicyContext = {},
): Promise<PolicyOutcome> {
  const list = policies ?? [];
  const facts: FactContext = { user: context.user, now: context.now ?? new Date().toISOString(), previous: context.previous ?? null };
  const values: Record<string, unknown> = {};
  let current: Record<string, unknown> = { ...record };
  let active: boolean[] = [];
  let failed: number[] = [];
  for (let pass = 0; pass < MAX_PASSES; pass += 1) {
    const failures = new Set<number>();
    active = await Promise.all(list.map(async (policy, i) => {
      const evaluate = evaluatorOf(policy);
      if (!evaluate) { failures.add(i); return false; }
      try {
        return await evaluate({ ...facts, record: current });
      } catch {
        failures.add(i);
        return false;
      }
    }));
    failed = [...failures].sort((a, b) => a - b);
    let changed = false;
    const next = { ...current };
    list.forEach((policy, i) => {
      if (!active[i]) return;
      for (const action of policy.actions) {
        if (action.value === undefined) continue;
        if (context.fields && !Object.prototype.hasOwnProperty.call(context.fields, action.field)) continue;
        values[action.field] = action.value;
        if (!same(next[action.field], action.value)) {
          next[action.field] = action.value;
          changed = true;
        }
      }
    });
    current = next;
    if (!changed) break;
  }

  const states = new Map<string, FieldState>();
  const base = (name: string): PolicyFieldBase | undefined =>
    context.fields ? (Object.prototype.hasOwnProperty.call(context.fields, name) ? context.fields[name] : undefined) : {};
  const start = (meta: PolicyFieldBase): FieldState => ({
    visible: true, mandatory: Boolean(meta.required), readOnly: Boolean(meta.readOnly),
  });
  if (context.fields) {
    for (const [name, f] of Object.entries(context.fields)) states.set(name, start(f));
  } else {
    // The outcome covers every field a policy names, whether its policy holds or not.
    for (const policy of list) for (const action of policy.actions) if (!states.has(action.field)) states.set(action.field, start({}));
  }
  list.forEach((policy, i) => {
    const on = active[i] === true;
    if (!on && policy.reverse === false) return;
    for (const action of policy.actions) {
      const meta = base(action.field);
      const state = states.get(action.field);
      if (!meta || !state) continue;
      if (action.visible !== undefined) state.visible = on ? action.visible : !action.visible;
      if (action.mandatory !== undefined) state.mandatory = Boolean(meta.required) || (on ? action.mandatory : !action.mandatory);
      if (action.readOnly !== undefined) state.readOnly = Boolean(meta.readOnly) || (on ? action.readOnly : !action.readOnly);
    }
  });

  const outcome: PolicyOutcome = { visible: {}, mandatory: {}, readOnly: {}, values, record: current, active, failed };
  for (const [name, s] of states) {
    outcome.visible[name] = s.visible;
    outcome.mandatory[name] = s.mandatory;
    outcome.readOnly[name] = s.readOnly;
  }
  return outcome;
}

/** The state of one field in an outcome (a field the outcome does not cover is visible, optional and editable). */
export function fieldState(outcome: PolicyOutcome, field: string): FieldState {
  return {
    visible: outcome.visible[field] ?? true,
    mandatory: outcome.mandatory[field] ?? false,
    readOnly: outcome.readOnly[field] ?? false,
  };
}

/** Whether a field must have a value: mandatory, and shown and editable (a hidden or read-only field cannot be filled). */
export function mustBeFilled(state: FieldState): boolean {
  return state.mandatory && state.visible && !state.readOnly;
}
