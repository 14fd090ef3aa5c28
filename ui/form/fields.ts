/**
 * The bookkeeping every generated form keeps per field — record forms (fw-form) and the catalogue's order form
 * alike: which fields its sections name, each field's state under the UI policies, the widgets' props (reused while
 * nothing changed), the values a new form starts with, and the browser's checks before submitting.
 */
import type { FieldMeta, FormMeta, RecordData } from '../api/types.js';
import type { FieldProps } from '../fields/field-parts.js';
import { DirtyFlag } from './dirty.js';
import { fieldState, mustBeFilled, type FieldState, type PolicyOutcome } from './policies.js';
import { isEmptyValue, requiredMessage, sameValue } from './values.js';

/** The part of a form definition the bookkeeping reads. */
export type FormLayout = Pick<FormMeta, 'sections' | 'fields'>;

/** Every field the form's sections name, once, in order (names without a field are skipped). */
export function sectionFieldNames(form: FormLayout): string[] {
  const names = new Set<string>();
  for (const s of form.sections) for (const c of s.columns) for (const n of c) if (form.fields[n]) names.add(n);
  return [...names];
}

/**
 * A field's state: from the policies' outcome, which covers every field the policies evaluated; else (before the
 * first evaluation, or a field they do not cover) from its metadata.
 */
export function stateOf(outcome: PolicyOutcome | null, name: string, field: FieldMeta): FieldState {
  if (outcome && Object.prototype.hasOwnProperty.call(outcome.visible, name)) return fieldState(outcome, name);
  return { visible: true, mandatory: field.required, readOnly: field.readOnly };
}

/** The literal defaults of `fields`: "$now" and similar tokens are left for the server to fill in. */
export function literalDefaults(fields: Iterable<FieldMeta>): RecordData {
  const values: RecordData = {};
  for (const f of fields) if (f.default !== undefined && !(typeof f.default === 'string' && f.default.startsWith('$'))) values[f.name] = f.default;
  return values;
}

/** Whether a value leaves a mandatory field unfilled, as the server judges it (a journal needs a non-blank entry). */
export function isUnfilled(field: FieldMeta, value: unknown): boolean {
  return isEmptyValue(value) || (field.type === 'journal' && typeof value === 'string' && value.trim() === '');
}

/**
 * Take the values a policy evaluation set: each is marked as set by a policy (sent even when read-only: the server
 * sets the same value, whatever the client sends) and its unparseable text dropped. Returns the values with them,
 * or null when none changed.
 */
export function takePolicyValues(
  outcome: PolicyOutcome, values: RecordData, policySet: Set<string>, problems: Map<string, string>,
): RecordData | null {
  const set = Object.entries(outcome.values);
  for (const [k] of set) {
    policySet.add(k);
    problems.delete(k);
  }
  return set.some(([k, v]) => !sameValue(values[k], v)) ? { ...values, ...outcome.values } : null;
}

/** What the browser's checks read of a form. */
export interface CheckInput {
  /** The fields on screen, in order. */
  names: string[];
  fields: Record<string, FieldMeta>;
  state: (name: string, field: FieldMeta) => FieldState;
  values: RecordData;
  /** Text that cannot become a value, by field. */
  problems: ReadonlyMap<string, string>;
}

/**
 * The browser's checks over the fields on screen: text that is not a value, and fields that must be filled
 * (mustBeFilled: mandatory, shown and editable) left empty — attachments excepted, as on the server (they are
 * uploaded separately). Read-only fields are not the person's to fix, so they are never reported.
 */
export function checkFields(input: CheckInput): Map<string, string> {
  const errors = new Map<string, string>();
  for (const name of input.names) {
    const field = input.fields[name]!;
    const state = input.state(name, field);
    if (state.readOnly) continue;
    const problem = input.problems.get(name);
    if (problem) errors.set(name, problem);
    else if (mustBeFilled(state) && field.type !== 'attachment' && isUnfilled(field, input.values[name])) errors.set(name, requiredMessage(field));
  }
  return errors;
}

/**
 * The widgets' props by field, handing back the previous object while nothing in it changed, so a widget is not
 * rendered again for another field's change (Lit compares properties by identity).
 */
export class WidgetProps {
  #cache = new Map<string, FieldProps>();

  /** `next`, or the equal props given last time for `name`. */
  reuse(name: string, next: FieldProps): FieldProps {
    const prev = this.#cache.get(name);
    if (prev && prev.field === next.field && prev.value === next.value
      && prev.mandatory === next.mandatory && prev.readOnly === next.readOnly
      && prev.error === next.error && prev.inputId === next.inputId && prev.revision === next.revision
      && prev.record?.id === next.record?.id && prev.record?.table === next.record?.table && prev.controlling === next.controlling) {
      return prev;
    }
    this.#cache.set(name, next);
    return next;
  }

  /** Forget every field's props (another form, or one started afresh). */
  clear(): void {
    this.#cache.clear();
  }
}

/**
 * What a form keeps beside its values between renders: the values it started from, the text that cannot become a
 * value, the fields a policy set, the unsaved-changes flag and the widgets' props. One object, so every form
 * starts afresh and takes a widget's change the same way.
 */
export class FieldEdits {
  /** The values as loaded (or started with), to tell what changed. */
  original: RecordData = {};
  /** Text that cannot become a value (a number field holding "12x"), by field (or a multi-row set's cell). */
  readonly problems = new Map<string, string>();
  /** Fields whose value a policy set: sent even when read-only. */
  readonly policySet = new Set<string>();
  /** Whether the form holds unsaved changes, told to the page as it flips. */
  readonly dirty: DirtyFlag;
  readonly widgetProps = new WidgetProps();

  /** `host`: the form element, which dispatches fw-dirty. */
  constructor(host: EventTarget) {
    this.dirty = new DirtyFlag(host);
  }

  /** Start afresh from `values`: nothing unparseable, nothing set by a policy, nothing unsaved. */
  reset(values: RecordData): void {
    this.original = { ...values };
    this.problems.clear();
    this.policySet.clear();
    this.dirty.set(false);
  }

  /** A widget changed `field`: its text's problem (or none) is kept, and a policy no longer holds its value. */
  take(field: string, problem: string | null | undefined): void {
    if (problem) this.problems.set(field, problem);
    else this.problems.delete(field);
    this.policySet.delete(field);
  }

  /** Take the values a policy evaluation set (see takePolicyValues): the new values, or null when none changed. */
  takePolicies(outcome: PolicyOutcome, values: RecordData): RecordData | null {
    return takePolicyValues(outcome, values, this.policySet, this.problems);
  }
}
