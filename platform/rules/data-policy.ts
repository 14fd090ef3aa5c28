/**
 * Data policies: the server side of form UI policies. The browser applies UI policies as the user types; the server
 * never trusts it and applies them again, with the same function ({@link applyPolicies}) over the same facts, to
 * every create and update made by a user (the system actor — seeding, jobs, rules, workflows — is trusted).
 *
 * Which forms apply:
 *  - always the table's default form: the form named like the record's table, else the table's only form (a table
 *    with several forms and none named like it has no default form);
 *  - and the form the client names (`form` option; `?form=` over HTTP), which must be a form of the record's table
 *    or of a table it extends.
 * Each applies on its own; a field is hidden, read-only or mandatory when any of them makes it so, and value actions
 * of both apply (the named form's last). Naming another form never escapes the default form's policies.
 *
 * Facts: `record` is the record as it would be saved — the stored record (update) or the table defaults (create)
 * with the client's values over it — plus `user` and `now`, exactly as the browser evaluates them.
 *
 * Outcomes, for the record as it would be saved:
 *  - a value sent for a field hidden by policy is discarded (create: the field gets its default, or null; update:
 *    the stored value stays) and listed in `discarded` (the write's answer says so); policies are then evaluated
 *    again on the record without it;
 *  - value actions set their field (whatever the client sent for it);
 *  - a field read-only by policy that the client changes (its normalised value differs from the stored value, or
 *    on create from the default) → field error `read_only`;
 *  - a field mandatory by policy, shown and editable, left empty → field error `required`. A journal field counts
 *    as filled when the submission adds an entry to it; attachment fields are not checked (they are uploaded
 *    separately).
 * Errors are reported with every other field error in one `validation_failed` (422).
 */
import type { FactContext } from '../conditions/types.js';
import type { Registry, ResolvedTable } from '../definitions/types.js';
import type { FormDef, UiPolicy } from '../forms/types.js';
import { fail, type FieldError } from '../errors.js';
import { checkFieldValue, isEmptyValue } from '../records/field-values.js';
import type { DiscardedValue, RecordData } from '../records/types.js';
import { applyPolicies, mustBeFilled, type PolicyFieldBase, type PolicyOutcome } from './ui-policy.js';

export interface DataPolicyInput {
  registry: Registry;
  /** The table of the record (its class). */
  table: ResolvedTable;
  /** What the client sent. */
  payload: RecordData;
  /** The stored record (update), or the table defaults with every other field null (create). */
  base: RecordData;
  /** Update (the stored record is `base`) or create. */
  existing: boolean;
  /** `user` and `now` facts. */
  facts: FactContext;
  /** The form the client names, if any. */
  form?: string;
}

export interface DataPolicyResult {
  /** The client payload without values of hidden fields and of fields a value action sets. */
  payload: RecordData;
  /** Values set by value actions: applied after the access checks (they come from definitions, not the client). */
  forced: RecordData;
  /** `required` and `read_only` field errors. */
  errors: FieldError[];
  /** Submitted values discarded because a policy hides their field (the write's answer says so: `meta.discarded`). */
  discarded: DiscardedValue[];
}

/** The table's default form: named like the table, else its only form; null when there is none. */
export function defaultFormOf(registry: Registry, table: string): FormDef | null {
  const byTable = registry.memo('forms.default', () => new Map<string, FormDef | null>());
  let form = byTable.get(table);
  if (form === undefined) {
    const named = registry.forms.get(table);
    if (named && named.table === table) form = named;
    else {
      const own = [...registry.forms.values()].filter((f) => f.table === table);
      form = own.length === 1 ? own[0]! : null;
    }
    byTable.set(table, form);
  }
  return form;
}

/** The forms whose policies apply to a write of a record of `table` (see the module comment). */
export function formsFor(registry: Registry, table: ResolvedTable, named?: string): FormDef[] {
  const out: FormDef[] = [];
  const def = defaultFormOf(registry, table.name);
  if (def) out.push(def);
  if (named !== undefined) {
    const form = typeof named === 'string' ? registry.forms.get(named) : undefined;
    if (!form) fail('invalid_query', `There is no form "${String(named)}".`, { extra: { form: named } });
    if (form.table !== table.name && !table.ancestors.includes(form.table)) {
      fail('invalid_query', `Form "${form.name}" is a form of table "${form.table}", not of "${table.name}".`, { extra: { form: named } });
    }
    if (form !== def) out.push(form);
  }
  return out;
}

const MAX_DISCARD_PASSES = 5;

/** Apply the data policies to one write (see the module comment). */
export async function enforceDataPolicies(input: DataPolicyInput): Promise<DataPolicyResult> {
  const { registry, table, base, existing, facts } = input;
  const forms = formsFor(registry, table, input.form).filter((f) => f.uiPolicies?.length);
  if (!forms.length) return { payload: input.payload, forced: {}, errors: [], discarded: [] };

  const fields: Record<string, PolicyFieldBase> = {};
  for (const f of table.fields.values()) if (!f.system) fields[f.name] = { required: f.required, readOnly: f.readOnly };
  const context = { user: facts.user, now: facts.now, fields };

  const payload: RecordData = { ...input.payload };
  const discarded: DiscardedValue[] = [];
  let outcomes: PolicyOutcome[] = [];
  let forced: RecordData = {};
  for (let pass = 0; pass < MAX_DISCARD_PASSES; pass += 1) {
    let record: RecordData = { ...base, ...payload };
    outcomes = [];
    forced = {};
    for (const form of forms) {
      const outcome = await applyPolicies(form.uiPolicies as UiPolicy[], record, context);
      outcomes.push(outcome);
      Object.assign(forced, outcome.values);
      record = outcome.record;
    }
    const hidden = Object.keys(payload).filter((k) => outcomes.some((o) => o.visible[k] === false));
    if (!hidden.length) break;
    for (const k of hidden) {
      delete payload[k];
      const form = forms[outcomes.findIndex((o) => o.visible[k] === false)]!.name;
      const label = table.fields.get(k)?.label ?? k;
      discarded.push({ field: k, reason: 'hidden', form, message: `"${label}" is hidden by a policy of form "${form}" for this record, so the value sent for it was not saved.` });
    }
  }
  for (const k of Object.keys(forced)) delete payload[k];

  const any = (prop: 'readOnly' | 'mandatory', name: string) => outcomes.some((o) => o[prop][name] === true);
  const hiddenBy = (name: string) => outcomes.some((o) => o.visible[name] === false);
  const errors: FieldError[] = [];
  for (const field of table.fields.values()) {
    if (field.system) continue;
    const name = field.name;
    const label = field.label ?? name;
    const sent = Object.prototype.hasOwnProperty.call(payload, name);
    const state = { visible: !hiddenBy(name), readOnly: any('readOnly', name), mandatory: any('mandatory', name) };
    if (sent && state.readOnly && state.visible && !field.readOnly) {
      const checked = checkFieldValue(field, payload[name], base[name]);
      const value = checked.ok ? checked.value : payload[name];
      const was = field.type === 'journal' ? null : base[name];
      const unchanged = (isEmptyValue(value) && isEmptyValue(was)) || JSON.stringify(value ?? null) === JSON.stringify(was ?? null);
      if (!unchanged) {
        errors.push({ field: name, code: 'read_only', message: `${label} is read-only ${existing ? 'on this record' : 'here'} and cannot be changed.` });
        continue;
      }
    }
    if (mustBeFilled(state) && field.type !== 'attachment') {
      const value = Object.prototype.hasOwnProperty.call(forced, name) ? forced[name]
        : sent ? payload[name]
          : field.type === 'journal' ? null : base[name];
      if (isEmptyValue(value) || (typeof value === 'string' && value.trim() === '' && field.type === 'journal')) {
        errors.push({ field: name, code: 'required', message: `${label} is required.` });
      }
    }
  }
  return { payload, forced, errors, discarded };
}
