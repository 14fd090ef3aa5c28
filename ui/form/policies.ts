/**
 * UI policies in the browser. Their semantics live in one place, platform/rules/ui-policy.ts ({@link applyPolicies}),
 * which the server runs again on every write (platform/rules/data-policy.ts); this module only says which facts and
 * fields the form passes to it, so that the browser sees what the server will enforce:
 *  - the form's fields that are not system fields, each starting from its metadata (`required`, and `readOnly`, which
 *    also covers fields this user may not write): the server starts from the table's non-system fields likewise;
 *  - the values as they would be saved, the signed-in user's facts (the server's own `user` facts) and now.
 */
import {
  applyPolicies, fieldState, mustBeFilled, type FieldState, type PolicyContext, type PolicyFieldBase, type PolicyOutcome,
} from '../../platform/rules/ui-policy.js';
import type { FormMeta, RecordData } from '../api/types.js';

export { fieldState, mustBeFilled, type FieldState, type PolicyOutcome };

export interface FormPolicyFacts {
  /** The `user` fact (session-state.ts, userFacts). */
  user: PolicyContext['user'];
  /** ISO 8601. */
  now: string;
  /** The stored record when editing one. */
  previous?: RecordData | null;
}

const baseFields = new WeakMap<FormMeta, Record<string, PolicyFieldBase>>();

/** The fields a form's policies act on, with what their metadata says before any policy (cached per form). */
export function policyFields(form: FormMeta): Record<string, PolicyFieldBase> {
  let fields = baseFields.get(form);
  if (!fields) {
    fields = {};
    for (const [name, f] of Object.entries(form.fields)) if (!f.system) fields[name] = { required: f.required, readOnly: f.readOnly };
    baseFields.set(form, fields);
  }
  return fields;
}

/** Evaluate the form's UI policies against its current values. */
export function evaluateFormPolicies(form: FormMeta, values: RecordData, facts: FormPolicyFacts): Promise<PolicyOutcome> {
  return applyPolicies(form.uiPolicies, values, {
    user: facts.user, now: facts.now, previous: facts.previous ?? null, fields: policyFields(form),
  });
}
