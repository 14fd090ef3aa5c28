import { html, nothing, type PropertyValues } from 'lit';
import { consume } from '@lit/context';
import { Task, initialState } from '@lit/task';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from './light-element.js';
import { choiceApplies, controllingKey } from '../platform/records/dependent-choices.js';
import { ApiError, tablePath, type ApiClient } from './api/client.js';
import type { FieldMeta, FormMeta, RecordData, SessionInfo } from './api/types.js';
import {
  DirtyEvent, RecordChangedEvent, type AttachmentsChangedEvent, type FieldChangeEvent, type FieldProblemEvent,
} from './events.js';
import type { FieldProps } from './fields/field-parts.js';
import './fields/fw-attachment-field.js';
import './fields/fw-boolean-field.js';
import './fields/fw-choice-field.js';
import './fields/fw-date-field.js';
import './fields/fw-journal-field.js';
import './fields/fw-json-field.js';
import './fields/fw-number-field.js';
import './fields/fw-reference-field.js';
import './fields/fw-text-field.js';
import { evaluateFormPolicies, fieldState, mustBeFilled, type FieldState, type PolicyOutcome } from './form/policies.js';
import { isEmptyValue, requiredMessage, sameValue } from './form/values.js';
import { lowerFirst } from './format.js';
import { FormProblems } from './form-problems.js';
import './fw-error-summary.js';
import { userFacts } from './session-state.js';
import { apiContext, sessionContext } from './contexts.js';

type Notice = { kind: 'success' | 'info'; text: string } | { kind: 'conflict' };

/** Whether a value leaves a mandatory field unfilled, as the server judges it (a journal needs a non-blank entry). */
function isUnfilled(field: FieldMeta, value: unknown): boolean {
  return isEmptyValue(value) || (field.type === 'journal' && typeof value === 'string' && value.trim() === '');
}

/**
 * Renders any form definition: sections as headed regions, columns as a CSS grid, one widget per field type,
 * help text as hints. UI policies are evaluated on every change by the server's own function (applyPolicies, through
 * form/policies.ts). Submitting checks mandatory fields first, then POSTs (create) or PATCHes with If-Match (edit),
 * naming the form (`?form=`) unless it was generated, so the server enforces this form's policies too; problems — the
 * browser's, the server's field errors, or a business rule's refusal (`rule_aborted`, a 422 whose message is the
 * problem's detail) — show as a GOV.UK error summary that takes focus and links to inline errors. A stale If-Match
 * (412) offers to reload the record.
 *
 * Only fields the user can see and change are sent: fields hidden by a policy are left out (the server discards
 * them too), as are read-only fields unless a policy set their value.
 *
 * @fires fw-dirty - unsaved changes appeared or went away
 * @fires fw-error-state - the error summary appeared or went away
 * @fires fw-record-changed - the record was created, updated, or reloaded after a conflict
 */
@customElement('fw-form')
export class FwForm extends LightElement {
  /** The form definition with its fields' metadata (GET /api/meta/forms/:form). */
  @property({ attribute: false }) accessor form!: FormMeta;
  /** The table records are written to (default: the form's table). */
  @property() accessor table = '';
  /** The record being edited; null to create one. */
  @property({ attribute: false }) accessor record: RecordData | null = null;
  /** The ETag the record was read with; sent as If-Match. */
  @property({ attribute: false }) accessor etag: string | null = null;
  /** Values to start a new record with (e.g. the parent of a related record), by field name. */
  @property({ attribute: false }) accessor initialValues: RecordData = {};
  /** Prefix of the controls' ids (unique per page). */
  @property() accessor idPrefix = 'field';

  /** The signed-in person's session. */
  @consume({ context: sessionContext, subscribe: true }) @state() private accessor session: SessionInfo | null = null;
  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor values: RecordData = {};
  /** The last evaluation of the form's UI policies (null until the first one). */
  @state() private accessor policies: PolicyOutcome | null = null;
  @state() private accessor notice: Notice | null = null;
  @state() private accessor ready = false;
  @state() private accessor revision = 0;
  /** Said by the polite live region: a dependent choice cleared because it stopped applying. */
  @state() private accessor announcement = '';

  /** Values as loaded, to tell what changed. */
  #original: RecordData = {};
  /** Text that cannot become a value (a number field holding "12x"), by field. */
  #problems = new Map<string, string>();
  /** Fields whose value a policy set (sent even when read-only). */
  #policySet = new Set<string>();
  #dirty = false;
  #propsCache = new Map<string, FieldProps>();

  /** Submit state and problems, shared with every form: fields are those shown now, in order. */
  #submission = new FormProblems(this, { fields: () => this.#fieldNames().filter((n) => this.#isShown(n)), prefix: () => this.idPrefix });

  /**
   * An evaluation of the form's UI policies, run by hand on every change (not on every render: a policy's value
   * action changes the values again). A newer evaluation drops an older one's outcome.
   */
  #policyRun = new Task(this, {
    autoRun: false,
    task: ([form, values, previous, user]: readonly [FormMeta, RecordData, RecordData | null, Record<string, unknown>]) =>
      evaluateFormPolicies(form, values, { user, now: new Date().toISOString(), previous }),
    onComplete: (outcome) => this.#applyPolicies(outcome),
  });

  /**
   * The record a reference field now names, read for the fields that fetch from it (`fetchFrom`); run by hand when
   * such a field changes. A newer read drops an older one's answer; a failed read leaves them to the server.
   */
  #fetchRun = new Task(this, {
    autoRun: false,
    task: async ([api, name, value, reference, fields]: readonly [ApiClient, string, unknown, string, string], { signal }) => {
      const source = isEmptyValue(value)
        ? {}
        : (await api.get<RecordData>(tablePath(reference, String(value)), { query: { fields }, signal })).data;
      // A policy may have set the reference meanwhile: its copies then follow that value instead.
      return sameValue(this.values[name], value) ? { name, source } : initialState;
    },
    onComplete: ({ name, source }) => {
      const copies = Object.values(this.form.fields).filter((f) => f.fetchFrom?.startsWith(`${name}.`));
      const copied = copies.map((f) => [f.name, source[f.fetchFrom!.slice(name.length + 1)] ?? null]);
      this.values = { ...this.values, ...Object.fromEntries(copied) };
      this.#updateDirty();
      this.#runPolicies();
    },
  });

  /** Whether the form holds changes not yet saved. */
  get dirty(): boolean {
    return this.#dirty;
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('form')) {
      // Another form's outcome says nothing about this one: wait for its own first evaluation.
      this.policies = null;
      this.ready = false;
    }
    if (changed.has('form') || changed.has('record') || changed.has('initialValues')) this.#reset();
  }

  override render() {
    if (!this.form) return nothing;
    if (!this.ready) return html`<p class="fw-body">Loading the form…</p>`;
    const columns = (n: number) => `fw-form-columns fw-form-columns--${Math.min(Math.max(n, 1), 3)}`;
    return html`<form class="fw-form" novalidate @submit=${this.#onSubmit} @fw-field-change=${this.#onFieldChange}
      @fw-attachments-changed=${this.#onAttachmentsChanged} @fw-field-problem=${this.#onFieldProblem}>
      ${this.#renderNotice()}
      <fw-error-summary .items=${this.#submission.items}></fw-error-summary>
      <p class="fw-visually-hidden" role="status" data-announcement>${this.announcement}</p>
      ${this.form.sections.map((section, i) => {
        const visible = section.columns.some((c) => c.some((name) => this.#isShown(name)));
        if (!visible) return nothing;
        const headingId = `${this.idPrefix}-section-${i}`;
        return html`<section class="fw-form-section" aria-labelledby=${section.title ? headingId : nothing}>
          ${section.title ? html`<h2 class="fw-heading-m" id=${headingId}>${section.title}</h2>` : nothing}
          ${section.description ? html`<p class="fw-body">${section.description}</p>` : nothing}
          <div class=${columns(section.columns.length)}>
            ${section.columns.map((col) => html`<div class="fw-form-column">${col.map((name) => this.#renderField(name))}</div>`)}
          </div>
        </section>`;
      })}
      <div class="fw-button-group">
        <button type="submit" class="fw-button" ?disabled=${this.#submission.busy}>
          ${this.record ? 'Save changes' : `Create ${lowerFirst(this.form.tableLabel)}`}
        </button>
      </div>
    </form>`;
  }

  #renderNotice() {
    const n = this.notice;
    if (!n) return nothing;
    if (n.kind === 'conflict') {
      return html`<div class="fw-notification-banner fw-notification-banner--warning" role="alert" tabindex="-1">
        <div class="fw-notification-banner__header"><h2 class="fw-notification-banner__title">Important</h2></div>
        <div class="fw-notification-banner__content">
          <p class="fw-notification-banner__heading">Someone else changed this record after you opened it.</p>
          <p class="fw-body">Your changes have not been saved. Reload the record to see the latest version, then make your changes again.</p>
          <button type="button" class="fw-button fw-button--secondary" @click=${this.#reload}>Reload the record</button>
        </div>
      </div>`;
    }
    return html`<div class="fw-notification-banner ${n.kind === 'success' ? 'fw-notification-banner--success' : ''}" role="alert" tabindex="-1">
      <div class="fw-notification-banner__header"><h2 class="fw-notification-banner__title">${n.kind === 'success' ? 'Success' : 'Important'}</h2></div>
      <div class="fw-notification-banner__content"><p class="fw-notification-banner__heading">${n.text}</p></div>
    </div>`;
  }

  #renderField(name: string) {
    const field = this.form.fields[name];
    if (!field || !this.#isShown(name)) return nothing;
    const state = this.#state(name, field);
    const props = this.#props(name, field, state);
    switch (field.type) {
      case 'integer':
      case 'decimal':
      case 'currency':
        return html`<fw-number-field .props=${props}></fw-number-field>`;
      case 'boolean':
        return html`<fw-boolean-field .props=${props}></fw-boolean-field>`;
      case 'date':
      case 'datetime':
        return html`<fw-date-field .props=${props}></fw-date-field>`;
      case 'choice':
        return html`<fw-choice-field .props=${props}></fw-choice-field>`;
      case 'reference':
        return html`<fw-reference-field .props=${props}></fw-reference-field>`;
      case 'journal':
        return html`<fw-journal-field .props=${props}></fw-journal-field>`;
      case 'attachment':
        return html`<fw-attachment-field .props=${props}></fw-attachment-field>`;
      case 'json':
        return html`<fw-json-field .props=${props}></fw-json-field>`;
      default:
        return html`<fw-text-field .props=${props}></fw-text-field>`;
    }
  }

  /** A field's state: from the policies' outcome, which covers every non-system field; else from its metadata. */
  #state(name: string, field: FieldMeta): FieldState {
    const outcome = this.policies;
    if (outcome && Object.prototype.hasOwnProperty.call(outcome.visible, name)) return fieldState(outcome, name);
    return { visible: true, mandatory: field.required, readOnly: field.readOnly };
  }

  /** Whether a field is on screen: known, visible by policy, and not a system field of a record still to be created. */
  #isShown(name: string): boolean {
    const field = this.form.fields[name];
    if (!field) return false;
    if (field.system && !this.record) return false;
    return this.#state(name, field).visible;
  }

  /** The widget's props, reusing the previous object when nothing changed so the widget does not re-render. */
  #props(name: string, field: FieldMeta, state: FieldState): FieldProps {
    const next: FieldProps = {
      field,
      value: this.values[name] ?? null,
      mandatory: mustBeFilled(state),
      readOnly: state.readOnly,
      error: this.#submission.error(name),
      inputId: this.#inputId(name),
      record: this.record ? { table: this.#table(), id: String(this.record.id) } : null,
      revision: this.revision,
      ...(field.dependsOn ? { controlling: this.values[field.dependsOn] ?? null } : {}),
    };
    const prev = this.#propsCache.get(name);
    if (prev && prev.field === next.field && prev.value === next.value
      && prev.mandatory === next.mandatory && prev.readOnly === next.readOnly
      && prev.error === next.error && prev.inputId === next.inputId && prev.revision === next.revision
      && prev.record?.id === next.record?.id && prev.record?.table === next.record?.table && prev.controlling === next.controlling) {
      return prev;
    }
    this.#propsCache.set(name, next);
    return next;
  }

  #inputId(name: string) {
    return `${this.idPrefix}-${name}`;
  }

  #table() {
    return this.table || this.form.table;
  }

  /** Every field the form's sections name, once, in order. */
  #fieldNames(): string[] {
    const names = new Set<string>();
    for (const s of this.form.sections) for (const c of s.columns) for (const n of c) if (this.form.fields[n]) names.add(n);
    return [...names];
  }

  #reset() {
    if (!this.form) return;
    const values: RecordData = {};
    if (this.record) {
      Object.assign(values, this.record);
      for (const [name, f] of Object.entries(this.form.fields)) if (f.type === 'journal') values[name] = null;
    } else {
      for (const name of this.#fieldNames()) {
        const f = this.form.fields[name]!;
        // "$now" and similar tokens are filled in by the server.
        if (f.default !== undefined && !(typeof f.default === 'string' && f.default.startsWith('$'))) values[name] = f.default;
      }
      for (const [name, v] of Object.entries(this.initialValues)) if (this.form.fields[name]) values[name] = v;
    }
    this.values = values;
    this.#original = { ...values };
    this.announcement = '';
    this.#problems.clear();
    this.#policySet.clear();
    this.#submission.clear();
    this.#setDirty(false);
    this.#runPolicies();
  }

  #runPolicies() {
    void this.#policyRun.run([this.form, this.values, this.record, userFacts(this.session)]);
  }

  /** The policies' outcome: the values they set (sent even when read-only), then the fields' states. */
  #applyPolicies(outcome: PolicyOutcome) {
    const set = Object.entries(outcome.values);
    for (const [k] of set) {
      // Sent even when read-only: the server sets the same value (a value action), whatever the client sends.
      this.#policySet.add(k);
      this.#problems.delete(k);
    }
    if (set.some(([k, v]) => !sameValue(this.values[k], v))) {
      this.values = { ...this.values, ...outcome.values };
      this.#updateDirty();
    }
    this.policies = outcome;
    this.ready = true;
  }

  #onFieldChange = (e: FieldChangeEvent) => {
    e.stopPropagation();
    if (!this.form.fields[e.field]) return;
    this.values = { ...this.values, [e.field]: e.value };
    if (e.problem) this.#problems.set(e.field, e.problem);
    else this.#problems.delete(e.field);
    this.#policySet.delete(e.field);
    this.#clearInapplicable(e.field);
    this.#updateDirty();
    this.#runPolicies();
    this.#fetchInto(e.field, e.value);
  };

  /**
   * Clear the values of dependent choice fields (`dependsOn`, through chains of them) that stopped applying when
   * field `changed` changed, as the server would refuse them, and say so through the live region.
   */
  #clearInapplicable(changed: string) {
    const said: string[] = [];
    const next = { ...this.values };
    const queue = [changed];
    while (queue.length) {
      const control = queue.shift()!;
      for (const [name, f] of Object.entries(this.form.fields)) {
        if (f.dependsOn !== control || f.type !== 'choice' || isEmptyValue(next[name])) continue;
        const held = Array.isArray(next[name]) ? (next[name] as unknown[]).map(String) : [String(next[name])];
        const dropped = (f.choices ?? []).filter((c) => held.includes(c.value) && !choiceApplies(c, next[control]));
        if (!dropped.length) continue;
        const kept = held.filter((v) => !dropped.some((c) => c.value === v));
        next[name] = f.multiple ? kept : null;
        queue.push(name);
        const controlField = this.form.fields[control];
        const key = controllingKey(next[control]);
        const shown = controlField?.choices?.find((c) => c.value === key)?.label ?? key;
        said.push(`${f.label}: ${dropped.map((c) => `"${c.label}"`).join(', ')} ${dropped.length > 1 ? 'were cleared, as they do' : 'was cleared, as it does'} not apply when ${controlField?.label ?? control} is "${shown}".`);
      }
    }
    if (!said.length) return;
    this.values = next;
    this.announcement = said.join(' ');
  }

  /**
   * Fill in the fields that fetch from reference field `name` (`fetchFrom`) from the record it now names, as the
   * server will when the record is saved; a cleared reference clears them. A failed read leaves them to the server.
   */
  #fetchInto(name: string, value: unknown) {
    const reference = this.form.fields[name]?.reference;
    const copies = Object.values(this.form.fields).filter((f) => f.fetchFrom?.startsWith(`${name}.`));
    if (!reference || !copies.length) return;
    const fields = [...new Set(copies.map((f) => f.fetchFrom!.slice(name.length + 1)))].join(',');
    void this.#fetchRun.run([this.api, name, value, reference, fields]);
  }

  /**
   * An attachment widget stored or removed a file: that wrote the record, so its new version becomes the If-Match of
   * the next save, and the field's value is taken as saved (not a change of the form's own).
   */
  #onAttachmentsChanged = (e: AttachmentsChangedEvent) => {
    if (!this.form.fields[e.field]) return;
    if (e.etag) this.etag = e.etag;
    this.values = { ...this.values, [e.field]: e.value };
    this.#original = { ...this.#original, [e.field]: e.value };
    this.#submission.dismiss(e.field);
  };

  /** A widget's refused action (an upload) is shown like a submit's field error: inline and in the summary. */
  #onFieldProblem = async (e: FieldProblemEvent) => {
    e.stopPropagation();
    if (!this.form.fields[e.field]) return;
    await this.#submission.show({ fields: new Map([...this.#submission.problems.fields, [e.field, e.problem]]), general: [] });
  };

  #updateDirty() {
    this.#setDirty(this.#fieldNames().some((n) => !sameValue(this.values[n], this.#original[n])));
  }

  #setDirty(dirty: boolean) {
    if (dirty === this.#dirty) return;
    this.#dirty = dirty;
    this.dispatchEvent(new DirtyEvent(dirty));
  }

  /**
   * The browser's checks: text that is not a value, and fields that must be filled (mustBeFilled: mandatory, shown
   * and editable) left empty — attachments excepted, as on the server (they are uploaded separately).
   */
  #check(): Map<string, string> {
    const errors = new Map<string, string>();
    for (const name of this.#fieldNames()) {
      if (!this.#isShown(name)) continue;
      const field = this.form.fields[name]!;
      const state = this.#state(name, field);
      if (state.readOnly) continue;
      const problem = this.#problems.get(name);
      if (problem) errors.set(name, problem);
      else if (mustBeFilled(state) && field.type !== 'attachment' && isUnfilled(field, this.values[name])) errors.set(name, requiredMessage(field));
    }
    return errors;
  }

  /** What to send: on create every non-empty value, on edit what changed (cleared values as null). */
  #payload(): RecordData {
    const payload: RecordData = {};
    for (const name of this.#fieldNames()) {
      const field = this.form.fields[name]!;
      if (field.system || field.type === 'attachment' || !this.#isShown(name)) continue;
      if (this.#state(name, field).readOnly && !this.#policySet.has(name)) continue;
      const v = this.values[name];
      if (field.type === 'journal') {
        if (typeof v === 'string' && v.trim() !== '') payload[name] = v;
      } else if (!this.record) {
        if (!isEmptyValue(v)) payload[name] = v;
      } else if (!sameValue(v, this.#original[name])) {
        payload[name] = isEmptyValue(v) ? null : v;
      }
    }
    return payload;
  }

  #onSubmit = async (e: Event) => {
    e.preventDefault();
    if (this.#submission.busy) return;
    this.notice = null;
    if (await this.#submission.check({ fields: this.#check(), general: [] })) return;
    const payload = this.#payload();
    if (this.record && Object.keys(payload).length === 0) {
      await this.#clearProblems();
      await this.#showNotice({ kind: 'info', text: 'There are no changes to save.' });
      return;
    }
    await this.#submission.submit(async () => {
      const table = this.#table();
      const query = { form: this.form.generated ? undefined : this.form.name };
      const res = this.record
        ? await this.api.patch<RecordData>(tablePath(table, String(this.record.id)), payload, { headers: this.etag ? { 'if-match': this.etag } : {}, query })
        : await this.api.post<RecordData>(tablePath(table), payload, { query });
      const created = !this.record;
      await this.#clearProblems();
      this.revision += 1;
      this.etag = res.etag;
      // Setting the record resets the form to it (willUpdate), clearing journal texts; the dirty flag is cleared
      // now, before listeners of the event below navigate away.
      this.record = res.data;
      this.#setDirty(false);
      this.dispatchEvent(new RecordChangedEvent(table, res.data, created ? 'created' : 'updated'));
      if (!created) await this.#showNotice({ kind: 'success', text: 'Your changes have been saved.' });
    }, this.#recover);
  };

  /**
   * A refused save or reload: a stale If-Match (412, or a conflict) offers to reload the record instead of problems;
   * anything else becomes the problems (field errors on fields shown, the rest — a business rule's refusal
   * (`rule_aborted`, a 422 whose message is the problem's detail), a refused access — as general problems).
   */
  #recover = (err: unknown): null | undefined => {
    if (!(err instanceof ApiError && (err.code === 'precondition_failed' || err.code === 'conflict'))) return undefined;
    void this.#clearProblems().then(() => this.#showNotice({ kind: 'conflict' }));
    return null;
  };

  async #clearProblems() {
    if (!this.#submission.shown) return;
    this.#submission.clear();
    await this.updateComplete;
  }

  async #showNotice(notice: Notice) {
    this.notice = notice;
    await this.updateComplete;
    const banner = this.querySelector<HTMLElement>('.fw-notification-banner');
    banner?.focus();
    banner?.scrollIntoView({ block: 'start' });
  }

  #reload = async () => {
    const record = this.record;
    if (!record) return;
    const table = this.#table();
    await this.#submission.submit(async () => {
      const res = await this.api.get<RecordData>(tablePath(table, String(record.id)));
      this.notice = null;
      this.etag = res.etag;
      this.record = res.data;
      this.revision += 1;
      this.dispatchEvent(new RecordChangedEvent(table, res.data, 'reloaded'));
      await this.updateComplete;
      await this.#showNotice({ kind: 'info', text: 'The record has been reloaded. It now shows the latest version.' });
    }, this.#recover);
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-form': FwForm;
  }
}
