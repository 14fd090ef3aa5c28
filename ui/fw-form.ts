import { html, nothing, type PropertyValues } from 'lit';
import { consume } from '@lit/context';
import { Task, initialState } from '@lit/task';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from './light-element.js';
import { ApiError, tablePath, type ApiClient } from './api/client.js';
import type { FieldMeta, FormMeta, RecordData, SessionInfo } from './api/types.js';
import { RecordChangedEvent, type AttachmentsChangedEvent, type FieldChangeEvent, type FieldProblemEvent } from './events.js';
import type { FieldProps } from './fields/field-parts.js';
import { renderWidget } from './fields/widget.js';
import { focusBanner } from './form/banner.js';
import { clearInapplicable } from './form/choices.js';
import { checkFields, FieldEdits, literalDefaults, sectionFieldNames, stateOf } from './form/fields.js';
import { evaluateFormPolicies, mustBeFilled, type FieldState, type PolicyOutcome } from './form/policies.js';
import { renderSections } from './form/sections.js';
import { isEmptyValue, sameValue } from './form/values.js';
import { lowerFirst } from './format.js';
import { FormProblems } from './form-problems.js';
import './fw-error-summary.js';
import { userFacts } from './session-state.js';
import { apiContext, sessionContext } from './contexts.js';

type Notice = { kind: 'success' | 'info'; text: string } | { kind: 'conflict' };

/**
 * Renders any form definition: sections as headed regions (with `sectionTabs`, a long form's titled sections as
 * tabs; an error summary's link opens the tab of its field), columns as a CSS grid, one widget per field type, help
 * text as hints. UI policies are evaluated on every change by the server's own function (applyPolicies, through
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
  /** Show a long form's titled sections as tabs (form/sections.ts), keeping a record page a few screens high. */
  @property({ type: Boolean }) accessor sectionTabs = false;
  /** A preview (the studio's): submitting runs the browser's checks, then says nothing was saved; it never writes. */
  @property({ type: Boolean }) accessor preview = false;

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
  /** The section shown as the selected tab, when sections are tabs. */
  @state() private accessor sectionTab = '';

  /** The values loaded, unparseable texts, values set by policies, the dirty flag and the widgets' props. */
  #edits = new FieldEdits(this);

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

  /** The values in the form now, as a submit would start from them. */
  get currentValues(): RecordData {
    return { ...this.values };
  }

  /** Whether the form holds changes not yet saved. */
  get dirty(): boolean {
    return this.#edits.dirty.value;
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('form')) {
      // Another form's outcome says nothing about this one: wait for its own first evaluation.
      this.policies = null;
      this.ready = false;
      this.sectionTab = '';
    }
    if (changed.has('form') || changed.has('record') || changed.has('initialValues')) this.#reset();
  }

  override render() {
    if (!this.form) return nothing;
    if (!this.ready) return html`<p class="fw-body">Loading the form…</p>`;
    const tabs = this.sectionTabs ? {
      selected: this.sectionTab, select: (key: string) => { this.sectionTab = key; },
      problems: (names: string[]) => names.filter((n) => this.#submission.error(n)).length,
    } : undefined;
    return html`<form class="fw-form" novalidate @submit=${this.#onSubmit} @fw-field-change=${this.#onFieldChange}
      @fw-attachments-changed=${this.#onAttachmentsChanged} @fw-field-problem=${this.#onFieldProblem} @click=${this.#revealTarget}>
      ${this.#renderNotice()}
      <fw-error-summary .items=${this.#submission.items}></fw-error-summary>
      <p class="fw-visually-hidden" role="status" data-announcement>${this.announcement}</p>
      ${renderSections(this.form, { idPrefix: this.idPrefix, isShown: (n) => this.#isShown(n), renderField: (n) => this.#renderField(n), tabs })}
      ${this.#editable() ? html`<div class="fw-button-group">
        <button type="submit" class="fw-button" ?disabled=${this.#submission.busy}>
          ${this.record ? 'Save changes' : `Create ${lowerFirst(this.form.tableLabel)}`}
        </button>
      </div>` : nothing}
    </form>`;
  }

  /** Whether there is anything to save: a new record, or a field shown that the person may change. */
  #editable(): boolean {
    return !this.record || Object.entries(this.form.fields).some(([n, f]) => this.#isShown(n) && !this.#state(n, f).readOnly);
  }

  /**
   * An error summary's link to a field in a section tab not shown: show that tab first — now, not on the next render,
   * as the summary moves focus to the field as soon as this (capturing) listener returns.
   */
  #revealTarget = {
    capture: true,
    handleEvent: (e: Event) => {
      const link = (e.target as Element | null)?.closest?.('fw-error-summary a[href^="#"]');
      const id = link?.getAttribute('href')?.slice(1);
      const panel = id ? this.querySelector(`#${CSS.escape(id)}`)?.closest<HTMLElement>('.fw-tabs__panel[data-tab]') : null;
      if (!panel?.hidden) return;
      for (const other of panel.parentElement!.querySelectorAll<HTMLElement>(':scope > .fw-tabs__panel')) other.hidden = other !== panel;
      this.sectionTab = panel.dataset.tab!;
    },
  };

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
    return renderWidget(this.#props(name, field, state));
  }

  /** A field's state: from the policies' outcome, which covers every non-system field; else from its metadata. */
  #state(name: string, field: FieldMeta): FieldState {
    return stateOf(this.policies, name, field);
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
      table: this.#table(),
      record: this.record ? { table: this.#table(), id: String(this.record.id) } : null,
      revision: this.revision,
      ...(field.dependsOn ? { controlling: this.values[field.dependsOn] ?? null } : {}),
    };
    return this.#edits.widgetProps.reuse(name, next);
  }

  #inputId(name: string) {
    return `${this.idPrefix}-${name}`;
  }

  #table() {
    return this.table || this.form.table;
  }

  /** Every field the form's sections name, once, in order. */
  #fieldNames(): string[] {
    return sectionFieldNames(this.form);
  }

  #reset() {
    if (!this.form) return;
    const values: RecordData = {};
    if (this.record) {
      Object.assign(values, this.record);
      for (const [name, f] of Object.entries(this.form.fields)) if (f.type === 'journal') values[name] = null;
    } else {
      Object.assign(values, literalDefaults(this.#fieldNames().map((n) => this.form.fields[n]!)));
      for (const [name, v] of Object.entries(this.initialValues)) if (this.form.fields[name]) values[name] = v;
    }
    this.values = values;
    this.announcement = '';
    this.#submission.clear();
    this.#edits.reset(values);
    this.#runPolicies();
  }

  #runPolicies() {
    void this.#policyRun.run([this.form, this.values, this.record, userFacts(this.session)]);
  }

  /** The policies' outcome: the values they set (sent even when read-only), then the fields' states. */
  #applyPolicies(outcome: PolicyOutcome) {
    const values = this.#edits.takePolicies(outcome, this.values);
    if (values) {
      this.values = values;
      this.#updateDirty();
    }
    this.policies = outcome;
    this.ready = true;
  }

  #onFieldChange = (e: FieldChangeEvent) => {
    e.stopPropagation();
    if (!this.form.fields[e.field]) return;
    this.#edits.take(e.field, e.problem);
    const { values, said } = clearInapplicable(this.form.fields, { ...this.values, [e.field]: e.value }, e.field);
    this.values = values;
    if (said) this.announcement = said;
    this.#updateDirty();
    this.#runPolicies();
    this.#fetchInto(e.field, e.value);
  };

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
    this.#edits.original = { ...this.#edits.original, [e.field]: e.value };
    this.#submission.dismiss(e.field);
  };

  /** A widget's refused action (an upload) is shown like a submit's field error: inline and in the summary. */
  #onFieldProblem = async (e: FieldProblemEvent) => {
    e.stopPropagation();
    if (!this.form.fields[e.field]) return;
    await this.#submission.show({ fields: new Map([...this.#submission.problems.fields, [e.field, e.problem]]), general: [] });
  };

  #updateDirty() {
    this.#edits.dirty.set(this.#fieldNames().some((n) => !sameValue(this.values[n], this.#edits.original[n])));
  }

  /** The browser's checks over the fields on screen (see checkFields). */
  #check(): Map<string, string> {
    const names = this.#fieldNames().filter((n) => this.#isShown(n));
    const { fields } = this.form;
    return checkFields({ names, fields, state: (n, f) => this.#state(n, f), values: this.values, problems: this.#edits.problems });
  }

  /** What to send: on create every non-empty value, on edit what changed (cleared values as null). */
  #payload(): RecordData {
    const payload: RecordData = {};
    for (const name of this.#fieldNames()) {
      const field = this.form.fields[name]!;
      if (field.system || field.type === 'attachment' || !this.#isShown(name)) continue;
      if (this.#state(name, field).readOnly && !this.#edits.policySet.has(name)) continue;
      const v = this.values[name];
      if (field.type === 'journal') {
        if (typeof v === 'string' && v.trim() !== '') payload[name] = v;
      } else if (!this.record) {
        if (!isEmptyValue(v)) payload[name] = v;
      } else if (!sameValue(v, this.#edits.original[name])) {
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
    if (this.preview) {
      await this.#clearProblems();
      await this.#showNotice({ kind: 'info', text: 'This is a preview: nothing was saved.' });
      return;
    }
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
      this.#edits.dirty.set(false);
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
    await focusBanner(this);
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
