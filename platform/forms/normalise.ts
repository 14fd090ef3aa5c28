/**
 * Expand a form's sugar into what the meta route, the browser (ui/form/policies.ts) and the server's data policies
 * (platform/rules/data-policy.ts) already understand, so none of them knows the sugar exists:
 *
 *  - a column entry `{ field, visibleWhen, mandatoryWhen, readOnlyWhen }` becomes the plain field name, and each
 *    condition a UI policy on that field (`reverse: true`: undone when the condition stops holding), appended after
 *    the declared policies in the order the entries appear — a later policy wins on the same field and property, so
 *    a field's own conditions have the last word over a form-wide policy;
 *  - a policy action naming `fields` becomes one action per field.
 */
import type { Condition } from '../conditions/types.js';
import type { FormColumnEntry, FormDef, FormFieldEntry, FormSource, UiPolicy, UiPolicyAction, UiPolicyActionSource } from './types.js';

/** Each condition of a field entry: the policy property it sets, and the suffix of the generated policy's name. */
export const FIELD_CONDITIONS = [
  { key: 'visibleWhen', property: 'visible', suffix: 'visible_when' },
  { key: 'mandatoryWhen', property: 'mandatory', suffix: 'mandatory_when' },
  { key: 'readOnlyWhen', property: 'readOnly', suffix: 'read_only_when' },
] as const;

/** The field a column entry places. */
export function entryField(entry: FormColumnEntry): string {
  return typeof entry === 'string' ? entry : entry.field;
}

/** Every field placed on a form, in order (plain names and entries with conditions alike). */
export function placedFields(form: FormSource): string[] {
  return form.sections.flatMap((s) => s.columns.flat().map(entryField));
}

/** The UI policies a field entry stands for. */
export function entryPolicies(entry: FormFieldEntry): UiPolicy[] {
  const out: UiPolicy[] = [];
  for (const { key, property, suffix } of FIELD_CONDITIONS) {
    const condition: Condition | undefined = entry[key];
    if (condition === undefined) continue;
    out.push({ name: `${entry.field}_${suffix}`, condition, actions: [{ field: entry.field, [property]: true }], reverse: true });
  }
  return out;
}

function expandAction(action: UiPolicyActionSource): UiPolicyAction[] {
  const { field, fields, ...rest } = action;
  return (fields ?? [field!]).map((f) => ({ field: f, ...rest }));
}

/** The form as the runtime uses it (see the module comment). */
export function normaliseForm(form: FormSource): FormDef {
  const generated: UiPolicy[] = [];
  const sections = form.sections.map((s) => ({
    ...s,
    columns: s.columns.map((column) => column.map((entry) => {
      if (typeof entry !== 'string') generated.push(...entryPolicies(entry));
      return entryField(entry);
    })),
  }));
  const declared = (form.uiPolicies ?? []).map((p): UiPolicy => ({ ...p, actions: p.actions.flatMap(expandAction) }));
  const out: FormDef = { ...form, sections, uiPolicies: [...declared, ...generated] };
  if (!out.uiPolicies!.length) delete out.uiPolicies;
  return out;
}
