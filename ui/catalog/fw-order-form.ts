import { html, nothing, type PropertyValues } from 'lit';
import { consume } from '@lit/context';
import { Task } from '@lit/task';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import type { CatalogItem, OrderPayload, StagedAttachment } from '../api/catalog.js';
import type { FieldMeta, FormMeta, RecordData, SessionInfo } from '../api/types.js';
import { sessionContext } from '../contexts.js';
import { NavigateEvent, type FieldChangeEvent, type FieldProblemEvent } from '../events.js';
import type { FieldProps } from '../fields/field-parts.js';
import { renderWidget } from '../fields/widget.js';
import { focusBanner } from '../form/banner.js';
import { clearInapplicable } from '../form/choices.js';
import { checkFields, FieldEdits, literalDefaults, sectionFieldNames, stateOf } from '../form/fields.js';
import { evaluateFormPolicies, mustBeFilled, type FieldState, type PolicyOutcome } from '../form/policies.js';
import { renderSections } from '../form/sections.js';
import { isEmptyValue, requiredMessage, sameValue } from '../form/values.js';
import { FormProblems, problemsOf } from '../form-problems.js';
import '../fw-error-summary.js';
import { userFacts } from '../session-state.js';
import type { RowsChangeEvent, StagedChangeEvent } from './catalog-events.js';
import './fw-multi-row.js';
import { ATTACHMENTS } from './fw-order-attachments.js';
import './fw-order-attachments.js';
import { cellKey, parseCellKey, serverProblems } from './cells.js';

/** The name the order's problems use for the quantity. */
const QUANTITY = 'quantity';

/** One button of the form: what it asks for (passed to `action`) and its words. */
export interface OrderAction { intent: string; label: string; secondary?: boolean }

/** What the page did with a submitted order: a success banner to show (the form starts afresh), or a page to go to. */
export interface OrderOutcome { notice?: string; navigate?: string }

/**
 * The order form of a catalogue item or an order guide, generated from its variables: sections and columns as on
 * record forms, one field widget per variable (ui/fields/), its UI policies evaluated on every change by the
 * server's own function (form/policies.ts), dependent choices cleared when they stop applying, then the multi-row
 * sets (fw-multi-row), the quantity and the attachments (fw-order-attachments), and a button per action.
 *
 * Submitting checks the answers the browser can (text that is not a value, mandatory answers left empty, rows
 * required); then `action` runs with the answers. Its refusal (a 422 naming variables, `set[2].field` cells, the
 * quantity or the attachments) is shown inline and in the GOV.UK error summary, which takes focus.
 *
 * Only answers the person can see are sent: hidden ones are left out (the server discards them too).
 *
 * @fires fw-dirty - unsaved answers appeared or went away
 * @fires fw-error-state - the error summary appeared or went away
 * @fires fw-navigate - the page's action asked to go elsewhere
 */
@customElement('fw-order-form')
export class FwOrderForm extends LightElement {
  /** The item or guide with its form (GET /api/catalog/items/:name). */
  @property({ attribute: false }) accessor item!: CatalogItem;
  /** Answers to start from (a guide's cascaded answers), over the item's defaults. */
  @property({ attribute: false }) accessor initialValues: RecordData = {};
  /** The buttons, first one primary. */
  @property({ attribute: false }) accessor actions: OrderAction[] = [];
  /** What a button does with the answers; a rejection becomes the form's problems. */
  @property({ attribute: false }) accessor action: ((intent: string, payload: OrderPayload) => Promise<OrderOutcome | void>) | null = null;
  /** Prefix of the controls' ids (unique per page). */
  @property() accessor idPrefix = 'order';

  @consume({ context: sessionContext, subscribe: true }) @state() private accessor session: SessionInfo | null = null;

  @state() private accessor values: RecordData = {};
  @state() private accessor rows: Record<string, RecordData[]> = {};
  @state() private accessor quantity = '1';
  @state() private accessor staged: StagedAttachment[] = [];
  @state() private accessor policies: PolicyOutcome | null = null;
  @state() private accessor notice = '';
  /** Said by the polite live region: a dependent choice cleared because it stopped applying. */
  @state() private accessor announcement = '';

  /** The answers started with, unparseable texts (by variable or cell key), policies' values, dirty flag, props. */
  #edits = new FieldEdits(this);

  #submission = new FormProblems(this, { fields: () => this.#problemKeys(), prefix: () => this.idPrefix });

  #policyRun = new Task(this, {
    autoRun: false,
    task: ([form, values, user]: readonly [FormMeta, RecordData, Record<string, unknown>]) =>
      evaluateFormPolicies(form, values, { user, now: new Date().toISOString(), previous: null }),
    onComplete: (outcome) => this.#applyPolicies(outcome),
  });

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('item') || changed.has('initialValues')) this.#reset();
  }

  override render() {
    if (!this.item) return nothing;
    if (!this.policies) return html`<p class="fw-body" role="status">Loading the form…</p>`;
    const form = this.item.form;
    return html`<form class="fw-form fw-order-form" novalidate @submit=${this.#onSubmit} @fw-field-change=${this.#onFieldChange}
      @fw-field-problem=${this.#onFieldProblem} @fw-rows-change=${this.#onRowsChange} @fw-staged-change=${this.#onStagedChange}>
      ${this.notice ? html`<div class="fw-notification-banner fw-notification-banner--success" role="alert" tabindex="-1">
        <div class="fw-notification-banner__header"><h2 class="fw-notification-banner__title">Success</h2></div>
        <div class="fw-notification-banner__content"><p class="fw-notification-banner__heading">${this.notice}</p>
          <p class="fw-body"><a class="fw-notification-banner__link" href="/catalog/cart">View your cart</a></p></div>
      </div>` : nothing}
      <fw-error-summary .items=${this.#submission.items}></fw-error-summary>
      <p class="fw-visually-hidden" role="status">${this.announcement}</p>
      ${renderSections(form, { idPrefix: this.idPrefix, isShown: (n) => this.#isShown(n), renderField: (n) => this.#renderField(n) })}
      ${(this.item.multiRow ?? []).map((set) => html`<fw-multi-row .set=${set} .rows=${this.rows[set.name] ?? []} idPrefix=${this.idPrefix}
        .errors=${this.#setErrors(set.name)}></fw-multi-row>`)}
      ${this.item.quantity ? this.#renderQuantity(this.item.quantity.max) : nothing}
      ${this.item.attachments ? html`<fw-order-attachments item=${this.item.name} .rule=${this.item.attachments} .files=${this.staged}
        inputId=${`${this.idPrefix}-${ATTACHMENTS}`} .error=${this.#submission.error(ATTACHMENTS)}></fw-order-attachments>` : nothing}
      <div class="fw-button-group">
        ${this.actions.map((a) => html`<button type="submit" value=${a.intent} class="fw-button ${a.secondary ? 'fw-button--secondary' : ''}"
          ?disabled=${this.#submission.busy}>${a.label}</button>`)}
      </div>
    </form>`;
  }

  #renderQuantity(max: number) {
    const id = `${this.idPrefix}-${QUANTITY}`;
    const error = this.#submission.error(QUANTITY);
    return html`<div class="fw-form-group ${error ? 'fw-form-group--error' : ''}">
      <label class="fw-label" for=${id}>Quantity</label>
      <div class="fw-hint" id=${`${id}-hint`}>A whole number from 1 to ${max}.</div>
      ${error ? html`<p class="fw-error-message" id=${`${id}-error`}><span class="fw-visually-hidden">Error:</span> ${error}</p>` : nothing}
      <input class="fw-input fw-input--width-3 ${error ? 'fw-input--error' : ''}" id=${id} name="quantity" type="text" inputmode="numeric"
        aria-describedby=${error ? `${id}-hint ${id}-error` : `${id}-hint`} aria-invalid=${error ? 'true' : 'false'}
        .value=${this.quantity} @input=${(e: Event) => { this.quantity = (e.target as HTMLInputElement).value; }}>
    </div>`;
  }

  #renderField(name: string) {
    const field = this.item.form.fields[name];
    if (!field || !this.#isShown(name)) return nothing;
    const width = (field as FieldMeta & { width?: string }).width;
    const widget = renderWidget(this.#props(name, field, this.#state(name, field)));
    // A narrow question shares its row with the next narrow ones (wide screens only: see styles.css).
    return width === 'half' || width === 'third' ? html`<div class="fw-order-field fw-order-field--${width}">${widget}</div>` : widget;
  }

  #state(name: string, field: FieldMeta): FieldState {
    return stateOf(this.policies, name, field);
  }

  #isShown(name: string): boolean {
    const field = this.item.form.fields[name];
    return !!field && !field.system && this.#state(name, field).visible;
  }

  /** The widget's props, reused while nothing changed so the widget does not re-render. */
  #props(name: string, field: FieldMeta, state: FieldState): FieldProps {
    const next: FieldProps = {
      field, value: this.values[name] ?? null, mandatory: mustBeFilled(state), readOnly: state.readOnly,
      error: this.#submission.error(name), inputId: `${this.idPrefix}-${name}`,
      ...(field.dependsOn ? { controlling: this.values[field.dependsOn] ?? null } : {}),
    };
    return this.#edits.widgetProps.reuse(name, next);
  }

  /** The variables the sections name, once, in order. */
  #fieldNames(): string[] {
    return sectionFieldNames(this.item.form);
  }

  /** Every name a problem may carry, in page order: shown variables, each set and its cells, quantity, attachments. */
  #problemKeys(): string[] {
    const keys = this.#fieldNames().filter((n) => this.#isShown(n));
    for (const set of this.item.multiRow ?? []) {
      keys.push(set.name);
      (this.rows[set.name] ?? []).forEach((_, i) => { for (const f of set.fields) keys.push(cellKey(set.name, i, f.name)); });
    }
    if (this.item.quantity) keys.push(QUANTITY);
    if (this.item.attachments) keys.push(ATTACHMENTS);
    return keys;
  }

  /** The problems of one multi-row set, by cell key or the set's name. */
  #setErrors(set: string): ReadonlyMap<string, string> {
    const mine = new Map<string, string>();
    for (const [key, text] of this.#submission.problems.fields) if (key === set || parseCellKey(key)?.set === set) mine.set(key, text);
    return mine;
  }

  #reset() {
    if (!this.item) return;
    // "$now" and the orderer's facts are resolved by the server, in `defaults`.
    const values = { ...literalDefaults(this.#fieldNames().map((n) => this.item.form.fields[n]!)), ...this.item.defaults };
    for (const [name, v] of Object.entries(this.initialValues)) if (this.item.form.fields[name]) values[name] = v;
    const rows: Record<string, RecordData[]> = {};
    for (const set of this.item.multiRow ?? []) {
      const given = this.initialValues[set.name] ?? this.item.defaults?.[set.name];
      rows[set.name] = Array.isArray(given) ? (given as RecordData[]) : [];
    }
    this.values = values;
    this.rows = rows;
    this.quantity = '1';
    this.staged = [];
    this.#edits.widgetProps.clear();
    this.#submission.clear();
    this.announcement = '';
    this.#edits.reset(values);
    this.#runPolicies();
  }

  #runPolicies() {
    void this.#policyRun.run([this.item.form as FormMeta, this.values, userFacts(this.session)]);
  }

  #applyPolicies(outcome: PolicyOutcome) {
    const values = this.#edits.takePolicies(outcome, this.values);
    if (values) this.values = values;
    this.policies = outcome;
  }

  #onFieldChange = (e: FieldChangeEvent) => {
    e.stopPropagation();
    if (!this.item.form.fields[e.field]) return;
    this.#edits.take(e.field, e.problem);
    const { values, said } = clearInapplicable(this.item.form.fields, { ...this.values, [e.field]: e.value }, e.field);
    this.values = values;
    if (said) this.announcement = said;
    this.#changed();
    this.#runPolicies();
  };

  #onRowsChange = (e: RowsChangeEvent) => {
    e.stopPropagation();
    this.rows = { ...this.rows, [e.set]: e.rows };
    const problems = this.#edits.problems;
    for (const key of [...problems.keys()]) if (parseCellKey(key)?.set === e.set) problems.delete(key);
    for (const [key, text] of e.problems) problems.set(key, text);
    this.#changed();
  };

  #onStagedChange = (e: StagedChangeEvent) => {
    e.stopPropagation();
    this.staged = e.files;
    this.#submission.dismiss(ATTACHMENTS);
    this.#changed();
  };

  /** A widget's refused action (an upload) shows like a submit's problem: inline and in the summary. */
  #onFieldProblem = async (e: FieldProblemEvent) => {
    e.stopPropagation();
    await this.#submission.show({ fields: new Map([...this.#submission.problems.fields, [e.field, e.problem]]), general: [] });
  };

  #changed() {
    const rowsGiven = Object.values(this.rows).some((r) => r.length > 0);
    const { original } = this.#edits;
    this.#edits.dirty.set(rowsGiven || this.staged.length > 0 || this.#fieldNames().some((n) => !sameValue(this.values[n], original[n])));
  }

  /** The browser's checks: unparseable text, mandatory answers left empty, rows, quantity and attachments. */
  #check(): Map<string, string> {
    const names = this.#fieldNames().filter((n) => this.#isShown(n));
    const fields = this.item.form.fields;
    const errors = checkFields({ names, fields, state: (n, f) => this.#state(n, f), values: this.values, problems: this.#edits.problems });
    for (const set of this.item.multiRow ?? []) {
      const rows = this.rows[set.name] ?? [];
      if (rows.length < set.minRows) errors.set(set.name, `Add at least ${set.minRows} ${set.minRows === 1 ? 'row' : 'rows'} to ${set.title}`);
      rows.forEach((row, i) => {
        for (const f of set.fields) {
          const key = cellKey(set.name, i, f.name);
          const problem = this.#edits.problems.get(key);
          if (problem) errors.set(key, `${problem} (row ${i + 1})`);
          else if (f.required && !f.readOnly && isEmptyValue(row[f.name])) errors.set(key, `${requiredMessage(f)} in row ${i + 1}`);
        }
      });
    }
    if (this.item.quantity) {
      const n = Number(this.quantity.trim());
      if (!/^\d+$/.test(this.quantity.trim()) || n < 1 || n > this.item.quantity.max) {
        errors.set(QUANTITY, `Quantity must be a whole number from 1 to ${this.item.quantity.max}`);
      }
    }
    if (this.item.attachments?.required && !this.staged.length) errors.set(ATTACHMENTS, 'Attach at least one file');
    return errors;
  }

  /** The answers to send: shown, non-empty, and editable unless a policy set them; then each set's rows. */
  #payload(): OrderPayload {
    const variables: RecordData = {};
    for (const name of this.#fieldNames()) {
      const field = this.item.form.fields[name]!;
      if (!this.#isShown(name)) continue;
      if (this.#state(name, field).readOnly && !this.#edits.policySet.has(name)) continue;
      const v = this.values[name];
      if (!isEmptyValue(v)) variables[name] = v;
    }
    for (const set of this.item.multiRow ?? []) {
      const rows = this.rows[set.name] ?? [];
      variables[set.name] = rows.map((row) => Object.fromEntries(Object.entries(row).filter(([, v]) => !isEmptyValue(v))));
    }
    const payload: OrderPayload = { variables };
    if (this.item.quantity) payload.quantity = Number(this.quantity.trim());
    if (this.item.attachments) payload.attachments = this.staged.map((f) => f.id);
    return payload;
  }

  #onSubmit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (this.#submission.busy || !this.action) return;
    const intent = (e.submitter as HTMLButtonElement | null)?.value || this.actions[0]?.intent || '';
    this.notice = '';
    if (await this.#submission.check({ fields: this.#check(), general: [] })) return;
    const payload = this.#payload();
    const action = this.action;
    await this.#submission.submit(async () => {
      const outcome = await action(intent, payload);
      this.#submission.clear();
      // The answers were used (ordered, put in the cart, or taken by a guide): nothing is left unsaved.
      this.#edits.dirty.set(false);
      if (outcome?.navigate) {
        this.dispatchEvent(new NavigateEvent(outcome.navigate));
        return;
      }
      if (outcome?.notice) {
        this.#reset();
        this.notice = outcome.notice;
        await focusBanner(this);
      }
    }, (err) => problemsOf(serverProblems(err), this.#problemKeys()));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-order-form': FwOrderForm;
  }
}
