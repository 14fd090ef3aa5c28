import { html, nothing, type PropertyValues } from 'lit';
import { consume } from '@lit/context';
import { customElement, property, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import { LightElement } from '../light-element.js';
import { addRequestUpdate, cancelRequest, fetchRequest, type RequestAnswer, type RequestDetail, type RequestItem } from '../api/catalog.js';
import type { ApiClient } from '../api/client.js';
import type { Metadata } from '../api/meta.js';
import { apiContext, metaContext } from '../contexts.js';
import { describedBy, errorMessage, groupClass, hint, radioGroup, type ChoiceOption } from '../fields/field-parts.js';
import { focusBanner } from '../form/banner.js';
import { formatDate, formatDateTime } from '../format.js';
import { FormProblems } from '../form-problems.js';
import '../fw-error-summary.js';
import { loadErrorText, loadingState, loadProblem } from '../page-state.js';
import { announceCatalogPage } from './parts.js';

/** The table of a request's updates, whose `type` choices are the update types offered. */
const UPDATES_TABLE = 'catalog_request_update';
/** The update type that cancels: offered as its own button instead. */
const CANCEL_TYPE = 'cancel_request';
/** The update types the API takes (besides cancelling), for people who may not read the update table's metadata. */
const FALLBACK_TYPES: ChoiceOption[] = [
  { value: 'comment', label: 'Comment' }, { value: 'more_information', label: 'More information' }, { value: 'chase', label: 'Chase' },
];
const APPROVAL_WORDS: Record<string, string> = {
  pending: 'Waiting for a decision', requested: 'Waiting for a decision', approved: 'Approved', rejected: 'Rejected',
  cancelled: 'Cancelled', skipped: 'Not needed',
};

/** "more_information" → "More information": for a status the server sent no label for. */
const words = (s: string) => (s ? s.charAt(0).toUpperCase() + s.slice(1).replace(/_/g, ' ') : '');

/**
 * A request's page (/catalog/requests/:id): its status and who raised it when, each requested item with its
 * answers (labels and values as people read them), the approvals, the updates with their type and text, a form to
 * add an update, and — while it is not yet fulfilled — "Cancel request" with a confirmation step.
 *
 * @fires fw-page - title and breadcrumb
 * @fires fw-error-state - the error summary appeared or went away
 */
@customElement('fw-catalog-request')
export class FwCatalogRequest extends LightElement {
  /** The request's id. */
  @property() accessor requestId = '';

  @consume({ context: apiContext }) private accessor api!: ApiClient;
  @consume({ context: metaContext, subscribe: true }) private accessor metadata!: Metadata;

  @state() private accessor request: RequestDetail | null = null;
  @state() private accessor error = '';
  @state() private accessor types: ChoiceOption[] = FALLBACK_TYPES;
  @state() private accessor type = '';
  @state() private accessor text = '';
  @state() private accessor confirming = false;
  @state() private accessor notice = '';

  #form = new FormProblems(this, { fields: ['type', 'text'], prefix: 'update', fallback: 'The update could not be added. Try again.' });

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('requestId')) void this.#load(true);
  }

  override render() {
    const r = this.request;
    if (this.error) return html`<h1 class="fw-heading-l">Request not found</h1>${loadProblem('The request cannot be shown', this.error)}
      <p class="fw-body"><a class="fw-link" href="/catalog/requests">Go to my requests</a></p>`;
    if (!r) return loadingState();
    return html`<span class="fw-caption-l">Request</span>
      <h1 class="fw-heading-l">${r.number}</h1>
      ${this.notice ? html`<div class="fw-notification-banner fw-notification-banner--success" role="alert" tabindex="-1">
        <div class="fw-notification-banner__header"><h2 class="fw-notification-banner__title">Success</h2></div>
        <div class="fw-notification-banner__content"><p class="fw-notification-banner__heading">${this.notice}</p></div>
      </div>` : nothing}
      <fw-error-summary .items=${this.#form.items}></fw-error-summary>
      <dl class="fw-summary-list">
        ${row('Request', r.shortDescription ?? '')}
        ${row('Status', html`<strong class="fw-tag ${r.closedAt ? 'fw-tag--grey' : 'fw-tag--blue'}">${r.stateLabel ?? words(r.state ?? '')}</strong>`)}
        ${row('Raised', [r.openedAt ? formatDateTime(r.openedAt) : '', r.requestedBy ? `by ${r.requestedBy}` : ''].filter(Boolean).join(' '))}
        ${r.lastAction ? row('Last action', [r.lastAction, r.lastActionAt ? `(${formatDateTime(r.lastActionAt)})` : ''].filter(Boolean).join(' ')) : nothing}
      </dl>
      <h2 class="fw-heading-m" id="request-items">What was requested</h2>
      ${r.items.length ? r.items.map((i) => this.#item(i)) : html`<p class="fw-body">This request has no items.</p>`}
      ${this.#approvals(r)}
      ${this.#updates(r)}
      ${r.cancellable ? this.#cancel() : nothing}`;
  }

  #item(i: RequestItem) {
    const id = `item-${i.id}`;
    return html`<section class="fw-section fw-catalog-request__item" aria-labelledby=${id}>
      <h3 class="fw-heading-s" id=${id}>${i.title} (${i.number})</h3>
      <dl class="fw-summary-list">
        ${row('Status', html`<strong class="fw-tag fw-tag--blue">${i.stateLabel ?? words(i.state ?? '')}</strong>`)}
        ${i.quantity ? row('Quantity', String(i.quantity)) : nothing}
        ${i.answers.map((a) => row(answerLabel(a), answerText(a)))}
      </dl>
    </section>`;
  }

  #approvals(r: RequestDetail) {
    const list = r.items.flatMap((i) => (i.approvals ?? []).map((a) => ({ item: i, a })));
    return html`<h2 class="fw-heading-m">Approvals</h2>
      ${list.length ? html`<div class="fw-table-wrapper"><table class="fw-table">
        <caption class="fw-table__caption fw-visually-hidden">Approvals of this request</caption>
        <thead class="fw-table__head"><tr class="fw-table__row">
          <th scope="col" class="fw-table__header">Item</th><th scope="col" class="fw-table__header">Approver</th>
          <th scope="col" class="fw-table__header">Decision</th><th scope="col" class="fw-table__header">Decided</th>
          <th scope="col" class="fw-table__header">Comment</th>
        </tr></thead>
        <tbody class="fw-table__body">${list.map(({ item, a }) => html`<tr class="fw-table__row">
          <td class="fw-table__cell">${item.number}</td>
          <td class="fw-table__cell">${a.approver ?? ''}</td>
          <td class="fw-table__cell">${APPROVAL_WORDS[a.status ?? ''] ?? words(a.status ?? '')}</td>
          <td class="fw-table__cell">${a.decidedAt ? `${formatDateTime(a.decidedAt)}${a.decidedBy ? ` by ${a.decidedBy}` : ''}` : ''}</td>
          <td class="fw-table__cell">${a.comment ?? ''}</td>
        </tr>`)}</tbody>
      </table></div>` : html`<p class="fw-body">No approval is needed, or none has been asked for yet.</p>`}`;
  }

  #updates(r: RequestDetail) {
    const textId = 'update-text';
    const textError = this.#form.error('text');
    return html`<h2 class="fw-heading-m">Updates</h2>
      ${r.updates.length ? html`<ol class="fw-timeline">${r.updates.map((u) => html`<li class="fw-timeline__item">
        <h3 class="fw-timeline__title">${u.typeLabel ?? words(u.type)}</h3>
        <p class="fw-timeline__meta">${[u.author ? `By ${u.author}` : '', u.createdAt ? formatDateTime(u.createdAt) : ''].filter(Boolean).join(', ')}</p>
        <p class="fw-body">${u.text}</p>
      </li>`)}</ol>` : html`<p class="fw-body">There are no updates yet.</p>`}
      <form class="fw-form" novalidate @submit=${this.#onAdd} aria-labelledby="update-heading">
        <h3 class="fw-heading-s" id="update-heading">Add an update</h3>
        ${radioGroup({ id: 'update-type', name: 'type', legend: 'Type of update', options: this.types, value: this.type,
          error: this.#form.error('type'), mandatory: true, inline: true, onChange: (v) => { this.type = v; } })}
        <div class=${groupClass(textError)}>
          <label class="fw-label" for=${textId}>Your update <span class="fw-required">(required)</span></label>
          ${hint(textId, 'Say what has changed or what you need.')}
          ${errorMessage(textId, textError)}
          <textarea class="fw-textarea ${textError ? 'fw-textarea--error' : ''}" id=${textId} name="text" rows="4"
            aria-describedby=${ifDefined(describedBy(textId, true, textError))} aria-invalid=${textError ? 'true' : 'false'} aria-required="true"
            .value=${live(this.text)} @input=${(e: Event) => { this.text = (e.target as HTMLTextAreaElement).value; }}></textarea>
        </div>
        <button type="submit" class="fw-button fw-button--secondary" ?disabled=${this.#form.busy}>Add update</button>
      </form>`;
  }

  #cancel() {
    return html`<h2 class="fw-heading-m">Cancel this request</h2>
      ${this.confirming ? html`<div class="fw-warning-text" role="group" aria-labelledby="cancel-question">
          <span class="fw-warning-text__icon" aria-hidden="true">!</span>
          <p class="fw-warning-text__text" id="cancel-question" tabindex="-1"><span class="fw-visually-hidden">Warning</span>
            Cancelling stops work on every item of this request. You cannot undo it.</p>
        </div>
        <div class="fw-button-group">
          <button type="button" class="fw-button fw-button--warning" id="cancel-confirm" ?disabled=${this.#form.busy} @click=${this.#onCancel}>Yes, cancel the request</button>
          <button type="button" class="fw-button fw-button--secondary" @click=${this.#keep}>No, keep it</button>
        </div>`
        : html`<p class="fw-body">You can cancel it while it has not been fulfilled.</p>
          <button type="button" class="fw-button fw-button--warning" id="cancel-start" @click=${this.#askCancel}>Cancel request</button>`}`;
  }

  async #load(announce = false) {
    const id = this.requestId;
    try {
      const types = announce ? this.#updateTypes() : Promise.resolve(this.types);
      const [request, offered] = await Promise.all([fetchRequest(this.api, id), types]);
      if (id !== this.requestId) return;
      this.request = request;
      this.types = offered;
      this.error = '';
    } catch (e) {
      if (id !== this.requestId) return;
      this.request = null;
      this.error = loadErrorText(e, 'There is no such request, or you may not see it.');
    }
    if (!announce) return;
    await this.updateComplete;
    announceCatalogPage(this, this.request ? `Request ${this.request.number}` : 'Request not found', [{ label: 'My requests', href: '/catalog/requests' }]);
  }

  /** The update types people may add: the update table's `type` choices but cancelling, else the API's own list. */
  async #updateTypes(): Promise<ChoiceOption[]> {
    try {
      const meta = await this.metadata.table(UPDATES_TABLE);
      const choices = meta.fields.find((f) => f.name === 'type')?.choices?.filter((c) => !c.inactive && c.value !== CANCEL_TYPE) ?? [];
      return choices.length ? choices.map((c) => ({ value: c.value, label: c.label })) : FALLBACK_TYPES;
    } catch {
      return FALLBACK_TYPES;
    }
  }

  #onAdd = async (e: Event) => {
    e.preventDefault();
    const problems = new Map<string, string>();
    if (!this.type) problems.set('type', 'Select the type of update');
    if (!this.text.trim()) problems.set('text', 'Enter your update');
    if (await this.#form.check({ fields: problems, general: [] })) return;
    await this.#form.submit(async () => {
      await addRequestUpdate(this.api, this.requestId, { type: this.type, text: this.text.trim() });
      this.#form.clear();
      this.type = '';
      this.text = '';
      await this.#load();
      await this.#showNotice('Your update has been added.');
    });
  };

  #askCancel = async () => {
    this.confirming = true;
    await this.updateComplete;
    this.querySelector<HTMLElement>('#cancel-question')?.focus();
  };

  #keep = async () => {
    this.confirming = false;
    await this.updateComplete;
    this.querySelector<HTMLElement>('#cancel-start')?.focus();
  };

  #onCancel = async () => {
    await this.#form.submit(async () => {
      await cancelRequest(this.api, this.requestId);
      this.#form.clear();
      this.confirming = false;
      await this.#load();
      await this.#showNotice('Your request has been cancelled.');
    });
  };

  async #showNotice(text: string) {
    this.notice = text;
    await focusBanner(this);
  }
}

function row(key: string, value: unknown) {
  return html`<div class="fw-summary-list__row"><dt class="fw-summary-list__key">${key}</dt><dd class="fw-summary-list__value">${value}</dd></div>`;
}

/** A multi-row cell's label names its row ("Serial number, row 2"; stored answers count rows from 1). */
function answerLabel(a: RequestAnswer): string {
  return a.row !== null && a.row !== undefined ? `${a.label}, row ${a.row}` : a.label;
}

/** Dates as words; everything else the server already gave as people read it. */
function answerText(a: RequestAnswer): string {
  if (a.type === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(a.value)) return formatDate(a.value);
  if (a.type === 'datetime' && a.value) return formatDateTime(a.value);
  return a.value;
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-catalog-request': FwCatalogRequest;
  }
}
