import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Condition } from '../platform/conditions/browser.js';
import { ApiError, api, tablePath } from './api/client.js';
import { fetchFormForTable, fetchTableMeta } from './api/meta.js';
import type { FormCopy, FormMeta, RecordData, TableMeta } from './api/types.js';
import { PageEvent, type RecordChangedEvent } from './events.js';
import { takeFlash } from './flash.js';
import './fw-form.js';
import './fw-list.js';
import { formUrl, listUrl } from './router.js';
import './record/fw-activity.js';
import { fetchWorkflow } from './workflow/api.js';
import type { WorkflowChangedEvent, WorkflowLink } from './workflow/events.js';
import './workflow/fw-workflow-actions.js';

/**
 * A record's page: its number and display value as the heading, its workflow actions (state, the transitions the
 * person may make as buttons, approvals asked of them, queue and assignee; ui/workflow), the form in edit mode —
 * where a workflow's state field is read-only, as only transitions change it — the related lists the form declares
 * (each a list of the related table filtered by its reference to this record) and the activity stream. The form's
 * copy actions the person may use (the server lists only those) are links to a new record prefilled, through the
 * new-record page's query, with the values of the record they can read. A workflow action's success message links to
 * the records it created.
 *
 * @fires fw-page - the page's title and breadcrumb
 */
@customElement('fw-record')
export class FwRecord extends LitElement {
  /** The record's table. */
  @property() accessor table = '';
  /** The record's id. */
  @property() accessor recordId = '';

  @state() private accessor form: FormMeta | null = null;
  @state() private accessor meta: TableMeta | null = null;
  @state() private accessor record: RecordData | null = null;
  @state() private accessor etag: string | null = null;
  @state() private accessor error: { title: string; text: string } | null = null;
  @state() private accessor revision = 0;
  @state() private accessor flash: { text: string; links: WorkflowLink[] } | null = null;

  #seq = 0;
  /** The related lists' filters and "New" values, built once per record so the lists do not reload on every render. */
  #related: { table: string; label: string; columns: string[] | null; filter: Condition; params: URLSearchParams }[] = [];

  protected override createRenderRoot() {
    return this;
  }

  protected override willUpdate(changed: PropertyValues) {
    if (changed.has('table') || changed.has('recordId')) void this.#load();
  }

  protected override updated(changed: PropertyValues) {
    if (changed.has('flash') && this.flash) this.querySelector<HTMLElement>('.fw-notification-banner')?.focus();
  }

  override render() {
    if (this.error) return html`<h1 class="fw-heading-l">${this.error.title}</h1><p class="fw-body">${this.error.text}</p>`;
    if (!this.form || !this.record || !this.meta) return html`<p class="fw-body">Loading…</p>`;
    const id = String(this.record.id);
    return html`
      <h1 class="fw-heading-l"><span class="fw-caption-l">${this.#caption()}</span>${this.#heading()}</h1>
      ${this.flash ? html`<div class="fw-notification-banner fw-notification-banner--success" role="alert" tabindex="-1">
        <div class="fw-notification-banner__header"><h2 class="fw-notification-banner__title">Success</h2></div>
        <div class="fw-notification-banner__content"><p class="fw-notification-banner__heading">${this.flash.text}</p>
          ${this.flash.links.length ? html`<p class="fw-body">Created ${this.flash.links.map((l, i) => html`${i ? ', ' : ''}<a class="fw-notification-banner__link" href=${l.href}>${l.text}</a>`)}.</p>` : nothing}</div>
      </div>` : nothing}
      <fw-workflow-actions class="fw-record-actions" table=${this.table} recordId=${id} .record=${this.record}
        @fw-workflow-changed=${this.#onWorkflow}></fw-workflow-actions>
      ${this.form.copies?.length ? html`<div class="fw-button-group fw-record-copies" role="group" aria-label="Copy into a new record">
        ${this.form.copies.map((c) => html`<a class="fw-button fw-button--secondary" data-copy=${c.name} href=${this.#copyUrl(c)}>${c.label}</a>`)}
      </div>` : nothing}
      <fw-form .form=${this.form} table=${this.table} .record=${this.record} .etag=${this.etag} idPrefix="record"
        @fw-record-changed=${this.#onChanged} @fw-attachments-changed=${this.#onAttachments}></fw-form>
      ${this.#related.map((rl) => html`<section class="fw-related-list">
        <fw-list embedded table=${rl.table} heading=${rl.label} .columns=${rl.columns} .fixedFilter=${rl.filter}
          .newParams=${rl.params}></fw-list>
      </section>`)}
      <section class="fw-activity" aria-labelledby="activity-heading">
        <h2 class="fw-heading-m" id="activity-heading">Activity stream</h2>
        <fw-activity table=${this.table} recordId=${id} .fields=${this.meta.fields} .revision=${this.revision}></fw-activity>
      </section>`;
  }

  /** The new-record page of the copy's form, with the values of the copied fields the record shows. */
  #copyUrl(copy: FormCopy): string {
    const params = new URLSearchParams();
    for (const name of copy.fields) {
      const v = this.record?.[name];
      if (v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length)) continue;
      params.set(name, Array.isArray(v) ? v.map(String).join(',') : String(v));
    }
    const q = params.toString();
    return `${formUrl(copy.form ?? this.form!.name)}${q ? `?${q}` : ''}`;
  }

  #caption(): string {
    const number = this.record?.number;
    return `${this.meta?.label ?? this.table}${typeof number === 'string' && number ? ` ${number}` : ''}`;
  }

  #heading(): string {
    const v = this.record?.[this.meta?.displayField ?? ''];
    if (v !== null && v !== undefined && v !== '' && this.meta?.displayField !== 'number') return String(v);
    const number = this.record?.number;
    return typeof number === 'string' && number ? number : 'Untitled record';
  }

  #announcePage() {
    if (!this.meta) return;
    const number = typeof this.record?.number === 'string' ? this.record.number : '';
    const heading = this.#heading();
    const title = number && heading !== number ? `${number}: ${heading}` : heading;
    this.dispatchEvent(new PageEvent(title, [
      { label: 'Home', href: '/' },
      { label: this.meta.pluralLabel, href: listUrl(this.table) },
      { label: number || heading },
    ]));
  }

  async #load() {
    const seq = ++this.#seq;
    this.record = null;
    this.error = null;
    try {
      const [loadedForm, meta, res, workflow] = await Promise.all([
        fetchFormForTable(this.table),
        fetchTableMeta(this.table),
        api.get<RecordData>(tablePath(this.table, this.recordId)),
        fetchWorkflow(this.table),
      ]);
      // Only transitions change a workflow's state: the form shows it read-only.
      const stateField = workflow ? loadedForm.fields[workflow.stateField] : undefined;
      const form = stateField ? { ...loadedForm, fields: { ...loadedForm.fields, [stateField.name]: { ...stateField, readOnly: true } } } : loadedForm;
      if (seq !== this.#seq) return;
      const id = String(res.data.id);
      this.#related = (form.relatedLists ?? []).map((rl) => ({
        table: rl.table, label: rl.label ?? '', columns: rl.columns ?? null,
        filter: { fact: rl.field, operator: 'equal', value: id }, params: new URLSearchParams({ [rl.field]: id }),
      }));
      this.form = form;
      this.meta = meta;
      this.record = res.data;
      this.etag = res.etag;
      const flash = takeFlash();
      this.flash = flash ? { text: flash, links: [] } : null;
      this.#announcePage();
    } catch (e) {
      if (seq !== this.#seq) return;
      const missing = e instanceof ApiError && (e.status === 404 || e.status === 403);
      this.error = missing
        ? { title: 'Record not found', text: 'The record does not exist, or you do not have access to it.' }
        : { title: 'Sorry, there is a problem', text: e instanceof ApiError ? e.message : 'The record cannot be shown.' };
      this.dispatchEvent(new PageEvent(this.error.title, [{ label: 'Home', href: '/' }, { label: this.error.title }]));
    }
  }

  /** A file was attached or removed: the activity stream shows the change. */
  #onAttachments = () => {
    this.revision += 1;
  };

  /** A transition, approval or assignment changed the record: show its new version and say what happened. */
  #onWorkflow = (e: WorkflowChangedEvent) => {
    if (e.record.version === undefined) {
      // Out of the person's sight now (it moved to another organisation's queue): load what they may still see.
      void this.#load();
      return;
    }
    this.record = e.record;
    this.etag = e.etag ?? `W/"${String(e.record.version)}"`;
    this.revision += 1;
    this.flash = { text: e.message, links: e.links };
    this.#announcePage();
  };

  #onChanged = (e: RecordChangedEvent) => {
    this.record = e.record;
    this.revision += 1;
    this.flash = null;
    this.#announcePage();
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-record': FwRecord;
  }
}
