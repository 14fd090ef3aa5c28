import { LitElement, html, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ApiError } from '../api/client.js';
import { fetchFormForTable, fetchFormMeta } from '../api/meta.js';
import type { FormMeta, RecordData } from '../api/types.js';
import { NavigateEvent, PageEvent, type RecordChangedEvent } from '../events.js';
import { setFlash } from '../flash.js';
import { lowerFirst } from '../format.js';
import '../fw-form.js';
import { listUrl, recordUrl } from '../router.js';

/**
 * The page to create a record: a named form (`/forms/:form/new`) or a table's form (`/tables/:table/new`), with
 * values from the URL query for fields on the form (a related list's "New" passes the parent). Once created, the
 * user goes to the record's page.
 *
 * @fires fw-page - the page's title and breadcrumb
 * @fires fw-navigate - to the new record
 */
@customElement('fw-new-record')
export class FwNewRecord extends LitElement {
  /** The table (when no form is named). */
  @property() accessor table = '';
  /** The form to use. */
  @property() accessor formName = '';
  /** The URL query: initial values by field name. */
  @property({ attribute: false }) accessor params = new URLSearchParams();

  @state() private accessor form: FormMeta | null = null;
  @state() private accessor error = '';
  /** Computed once per form, so the form is not reset on every render. */
  #initial: RecordData = {};

  #seq = 0;

  protected override createRenderRoot() {
    return this;
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('table') || changed.has('formName')) void this.#load();
  }

  override render() {
    if (this.error) return html`<h1 class="fw-heading-l">Page not found</h1><p class="fw-body">${this.error}</p>`;
    if (!this.form) return html`<p class="fw-body">Loading…</p>`;
    return html`<h1 class="fw-heading-l">${this.#title()}</h1>
      <fw-form .form=${this.form} .initialValues=${this.#initial} idPrefix="new" @fw-record-changed=${this.#onCreated}></fw-form>`;
  }

  #title(): string {
    return `New ${lowerFirst(this.form?.label ?? this.form?.tableLabel ?? 'record')}`;
  }

  #initialValues(form: FormMeta): RecordData {
    const values: RecordData = {};
    for (const [k, v] of this.params) {
      const f = form.fields[k];
      if (!f || f.system) continue;
      if (f.type === 'integer' || f.type === 'decimal' || f.type === 'currency') values[k] = Number(v);
      else if (f.type === 'boolean') values[k] = v === 'true';
      else if (f.type === 'choice' && f.multiple) values[k] = v.split(',');
      else values[k] = v;
    }
    return values;
  }

  async #load() {
    const seq = ++this.#seq;
    this.form = null;
    this.error = '';
    try {
      const form = this.formName ? await fetchFormMeta(this.formName) : await fetchFormForTable(this.table);
      if (seq !== this.#seq) return;
      if (!form) throw new ApiError(404, 'not_found', `There is no form "${this.formName}".`);
      this.#initial = this.#initialValues(form);
      this.form = form;
      this.dispatchEvent(new PageEvent(this.#title(), [
        { label: 'Home', href: '/' },
        { label: form.tablePluralLabel, href: listUrl(form.table) },
        { label: this.#title() },
      ]));
    } catch (e) {
      if (seq !== this.#seq) return;
      this.error = e instanceof ApiError && e.status !== 404 ? e.message : 'There is no such form, or you do not have access to it.';
      this.dispatchEvent(new PageEvent('Page not found', [{ label: 'Home', href: '/' }, { label: 'Page not found' }]));
    }
  }

  #onCreated = (e: RecordChangedEvent) => {
    if (e.kind !== 'created') return;
    e.stopPropagation();
    const r = e.record;
    const name = typeof r.number === 'string' && r.number ? `${this.form?.tableLabel ?? 'Record'} ${r.number}` : `The ${lowerFirst(this.form?.tableLabel ?? 'record')}`;
    setFlash(`${name} has been created.`);
    const table = typeof r.class === 'string' && r.class ? r.class : e.table;
    this.dispatchEvent(new NavigateEvent(recordUrl(table, String(r.id))));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-new-record': FwNewRecord;
  }
}
