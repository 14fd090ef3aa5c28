import { html } from 'lit';
import { consume } from '@lit/context';
import { Task } from '@lit/task';
import { customElement, property } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { ApiError } from '../api/client.js';
import type { FormMeta } from '../api/types.js';
import { NavigateEvent, PageEvent, type RecordChangedEvent } from '../events.js';
import { setFlash } from '../flash.js';
import { lowerFirst } from '../format.js';
import '../fw-form.js';
import { queryValues } from '../form/query-values.js';
import { listUrl, recordUrl } from '../router.js';
import type { Metadata } from '../api/meta.js';
import { metaContext } from '../contexts.js';

/**
 * The page to create a record: a named form (`/forms/:form/new`) or a table's form (`/tables/:table/new`), with
 * values from the URL query for fields on the form (a related list's "New" passes the parent). Once created, the
 * user goes to the record's page.
 *
 * @fires fw-page - the page's title and breadcrumb
 * @fires fw-navigate - to the new record
 */
@customElement('fw-new-record')
export class FwNewRecord extends LightElement {
  /** The table (when no form is named). */
  @property() accessor table = '';
  /** The form to use. */
  @property() accessor formName = '';
  /** The URL query: initial values by field name. */
  @property({ attribute: false }) accessor params = new URLSearchParams();

  @consume({ context: metaContext, subscribe: true }) private accessor metadata!: Metadata;

  /**
   * The form, with the initial values from the URL (computed once per form, so the form is not reset on every
   * render); the answer for a page left meanwhile is dropped.
   */
  #form = new Task(this, {
    args: () => [this.metadata, this.table, this.formName] as const,
    task: async ([metadata, table, formName]) => {
      const form = formName ? await metadata.form(formName) : await metadata.formForTable(table);
      if (!form) throw new ApiError(404, 'not_found', `There is no form "${formName}".`);
      return { form, initial: queryValues(form.fields, this.params) };
    },
    onComplete: ({ form }) => this.dispatchEvent(new PageEvent(this.#title(form), [
      { label: 'Home', href: '/' },
      { label: form.tablePluralLabel, href: listUrl(form.table) },
      { label: this.#title(form) },
    ])),
    onError: () => this.dispatchEvent(new PageEvent('Page not found', [{ label: 'Home', href: '/' }, { label: 'Page not found' }])),
  });

  override render() {
    return this.#form.render({
      initial: () => html`<p class="fw-body">Loading…</p>`,
      pending: () => html`<p class="fw-body">Loading…</p>`,
      complete: ({ form, initial }) => html`<h1 class="fw-heading-l">${this.#title(form)}</h1>
        <fw-form .form=${form} .initialValues=${initial} idPrefix="new" @fw-record-changed=${this.#onCreated}></fw-form>`,
      error: (e) => html`<h1 class="fw-heading-l">Page not found</h1>
        <p class="fw-body">${e instanceof ApiError && e.status !== 404 ? e.message : 'There is no such form, or you do not have access to it.'}</p>`,
    });
  }

  #title(form: FormMeta): string {
    return `New ${lowerFirst(form.label ?? form.tableLabel)}`;
  }

  #onCreated = (e: RecordChangedEvent) => {
    if (e.kind !== 'created') return;
    e.stopPropagation();
    const r = e.record;
    const label = this.#form.value?.form.tableLabel;
    const name = typeof r.number === 'string' && r.number ? `${label ?? 'Record'} ${r.number}` : `The ${lowerFirst(label ?? 'record')}`;
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
