/**
 * UI policies in the browser: each policy's condition is compiled once (per form definition) with the same
 * evaluator the server uses (platform/conditions/browser.ts) and evaluated against the form's current values.
 *
 * Semantics, in definition order (a later policy overrides an earlier one on the same field):
 *   condition true  → apply the actions (visible / mandatory / readOnly / value);
 *   condition false → when `reverse` is not false, apply the opposite of the visible / mandatory / readOnly
 *                     actions; values are never reversed (ServiceNow does the same).
 * A field required by its table stays mandatory, and a system or read-only field stays read-only, whatever a
 * policy says; the server enforces both anyway.
 */
import { compileEvaluator, type Evaluator, type FactContext } from '../../platform/conditions/browser.js';
import type { FieldMeta, RecordData, UiPolicy } from '../api/types.js';

export interface FieldState {
  visible: boolean;
  mandatory: boolean;
  readOnly: boolean;
}

export interface PolicyOutcome {
  /** The state of every field the form shows or a policy names. */
  states: Map<string, FieldState>;
  /** Values set by `value` actions (field → value); the caller merges them into the record. */
  values: Map<string, unknown>;
  /** Policies whose condition could not be compiled or evaluated (skipped), by index. */
  failed: number[];
}

interface CompiledPolicy {
  policy: UiPolicy;
  evaluate: Evaluator | null;
}

/** How many times value actions may feed back into conditions before the result is taken as final. */
const MAX_PASSES = 5;

export class PolicyRunner {
  readonly #policies: CompiledPolicy[];

  constructor(policies: readonly UiPolicy[] = []) {
    this.#policies = policies.map((policy) => {
      try {
        return { policy, evaluate: compileEvaluator(policy.condition) };
      } catch {
        return { policy, evaluate: null };
      }
    });
  }

  get size(): number {
    return this.#policies.length;
  }

  /**
   * Evaluate every policy against `record` and derive each field's state. Value actions are applied to a copy
   * of the record and the policies evaluated again (up to {@link MAX_PASSES}), so a value one policy sets can
   * trigger another.
   */
  async run(fields: Record<string, FieldMeta>, record: RecordData, context: Omit<FactContext, 'record'>): Promise<PolicyOutcome> {
    const values = new Map<string, unknown>();
    let current: RecordData = record;
    let results: boolean[] = [];
    const failed: number[] = [];
    for (let pass = 0; pass < MAX_PASSES; pass += 1) {
      failed.length = 0;
      results = await Promise.all(this.#policies.map(async (p, i) => {
        if (!p.evaluate) {
          failed.push(i);
          return false;
        }
        try {
          return await p.evaluate({ ...context, record: current });
        } catch {
          failed.push(i);
          return false;
        }
      }));
      let changed = false;
      const next: RecordData = { ...current };
      this.#policies.forEach((p, i) => {
        if (!results[i]) return;
        for (const action of p.policy.actions) {
          if (action.value === undefined) continue;
          if (JSON.stringify(next[action.field] ?? null) !== JSON.stringify(action.value)) {
            next[action.field] = action.value;
            values.set(action.field, action.value);
            changed = true;
          }
        }
      });
      current = next;
      if (!changed) break;
    }
    return { states: this.#states(fields, results), values, failed };
  }

  #states(fields: Record<string, FieldMeta>, results: boolean[]): Map<string, FieldState> {
    const states = new Map<string, FieldState>();
    for (const [name, meta] of Object.entries(fields)) {
      states.set(name, { visible: true, mandatory: meta.required, readOnly: meta.readOnly });
    }
    this.#policies.forEach((p, i) => {
      const on = results[i] === true;
      if (!on && p.policy.reverse === false) return;
      for (const action of p.policy.actions) {
        const meta = fields[action.field];
        const state = states.get(action.field);
        if (!meta || !state) continue;
        if (action.visible !== undefined) state.visible = on ? action.visible : !action.visible;
        if (action.mandatory !== undefined) state.mandatory = meta.required || (on ? action.mandatory : !action.mandatory);
        if (action.readOnly !== undefined) state.readOnly = meta.readOnly || (on ? action.readOnly : !action.readOnly);
      }
    });
    return states;
  }
}
