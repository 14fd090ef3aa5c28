/**
 * The form kind's shapes (schema part: form.schema.json). `FormDef` is the form as the runtime sees it, after
 * `normalise` (platform/forms/normalise.ts); `FormSource` is what a file may say, with the sugar that expands into it:
 * field entries with conditions, and policy actions naming several fields.
 */
import type { Condition } from '../conditions/types.js';

export interface FormSection {
  title?: string;
  description?: string;
  /** One array of field names per column. */
  columns: string[][];
}

/**
 * A field placed on a form with conditions: each becomes a UI policy on that field (`visibleWhen` → shown while it
 * holds, `mandatoryWhen` → mandatory, `readOnlyWhen` → read-only; reversed when it stops holding).
 */
export interface FormFieldEntry {
  field: string;
  visibleWhen?: Condition;
  mandatoryWhen?: Condition;
  readOnlyWhen?: Condition;
}

/** A column entry as written: a field name (or dot-walked path), or a field with conditions. */
export type FormColumnEntry = string | FormFieldEntry;

export interface UiPolicyAction {
  field: string;
  visible?: boolean;
  mandatory?: boolean;
  readOnly?: boolean;
  value?: unknown;
}

export interface UiPolicy {
  name?: string;
  description?: string;
  condition: Condition;
  actions: UiPolicyAction[];
  /** Undo the actions when the condition becomes false again (default true). */
  reverse?: boolean;
}

export interface RelatedList {
  table: string;
  field: string;
  label?: string;
  columns?: string[];
}

/** A copy action of a form: a new record of the table prefilled with some of the viewed record's values. */
export interface FormCopy {
  name: string;
  label: string;
  fields: string[];
  /** The form the new record is created with (default: the declaring form). */
  form?: string;
  /** Offered only to holders of one of these roles (besides create access to the table). */
  roles?: string[];
}

/** Where a form link leads: one of a form's, a table's new-record page, or a catalogue item's order page. */
export type FormLinkTarget = { form: string } | { table: string } | { catalogItem: string };

/**
 * A link of a form to another table or a catalogue item: a new record (or an order) prefilled from the viewed record.
 * `set` maps a target field or variable to `"record.<field>"` (that field's value) or `"record"` (the record's id).
 */
export interface FormLink {
  name: string;
  label: string;
  to: FormLinkTarget;
  set: Record<string, string>;
  /** Offered only to holders of one of these roles (besides create access to the target). */
  roles?: string[];
  /** Shown only while this holds of the viewed record (record facts). */
  condition?: Condition;
}

export interface FormDef {
  kind: 'form';
  name: string;
  table: string;
  label?: string;
  sections: FormSection[];
  relatedLists?: RelatedList[];
  uiPolicies?: UiPolicy[];
  copies?: FormCopy[];
  links?: FormLink[];
}

/** A policy action as written: `field`, or `fields` for the same action on several fields. */
export type UiPolicyActionSource = Omit<UiPolicyAction, 'field'> & { field?: string; fields?: string[] };

export type UiPolicySource = Omit<UiPolicy, 'actions'> & { actions: UiPolicyActionSource[] };

export type FormSectionSource = Omit<FormSection, 'columns'> & { columns: FormColumnEntry[][] };

/** A form as a definition file may write it (every `FormDef` is one). */
export type FormSource = Omit<FormDef, 'sections' | 'uiPolicies'> & { sections: FormSectionSource[]; uiPolicies?: UiPolicySource[] };
