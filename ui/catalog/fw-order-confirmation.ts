import { html, nothing, type PropertyValues } from 'lit';
import { consume } from '@lit/context';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { fetchRequest, type RequestDetail } from '../api/catalog.js';
import type { ApiClient } from '../api/client.js';
import { apiContext } from '../contexts.js';
import { loadErrorText, loadingState, loadProblem } from '../page-state.js';
import { catalogRequestUrl, recordUrl } from '../router.js';
import { announceCatalogPage } from './parts.js';

const TITLE = 'Order placed';

/**
 * The confirmation of an order (/catalog/confirmation): a panel with the request's number as a link to its page and
 * its requested items, or (`?table=&record=&number=`) the record a record producer made, linked to its page.
 *
 * @fires fw-page - title and breadcrumb
 */
@customElement('fw-order-confirmation')
export class FwOrderConfirmation extends LightElement {
  /** `request` (the request's id), or `table`, `record` and `number` (a created record). */
  @property({ attribute: false }) accessor params = new URLSearchParams();

  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor request: RequestDetail | null = null;
  @state() private accessor error = '';

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('params')) void this.#load();
  }

  override render() {
    const requestId = this.params.get('request');
    if (!requestId) return this.#renderRecord();
    const r = this.request;
    if (this.error) return html`<h1 class="fw-heading-l">${TITLE}</h1>${loadProblem('The request cannot be shown', this.error)}
      <p class="fw-body"><a class="fw-link" href=${catalogRequestUrl(requestId)}>View your request</a></p>`;
    if (!r) return loadingState();
    return html`<div class="fw-panel">
        <h1 class="fw-panel__title">${TITLE}</h1>
        <div class="fw-panel__body">Your request number<br><strong><a class="fw-link fw-panel__link" href=${catalogRequestUrl(r.id)}>${r.number}</a></strong></div>
      </div>
      ${r.items.length ? html`<h2 class="fw-heading-m">What you ordered</h2>
        <ul class="fw-list">${r.items.map((i) => html`<li><a class="fw-link" href=${catalogRequestUrl(r.id)}>${i.number}</a>: ${i.title}${i.quantity && i.quantity > 1 ? ` (${i.quantity})` : ''}</li>`)}</ul>` : nothing}
      <h2 class="fw-heading-m">What happens next</h2>
      <p class="fw-body">You can follow your request, add information to it or cancel it from its page. You will find it under
        <a class="fw-link" href="/catalog/requests">My requests</a>.</p>
      <p class="fw-body"><a class="fw-link" href="/catalog">Order something else</a></p>`;
  }

  #renderRecord() {
    const table = this.params.get('table');
    const id = this.params.get('record');
    const number = this.params.get('number');
    return html`<div class="fw-panel">
        <h1 class="fw-panel__title">Submitted</h1>
        ${number ? html`<div class="fw-panel__body">Your reference number<br><strong>${table && id ? html`<a class="fw-link fw-panel__link" href=${recordUrl(table, id)}>${number}</a>` : number}</strong></div>` : nothing}
      </div>
      ${!number && table && id ? html`<p class="fw-body"><a class="fw-link" href=${recordUrl(table, id)}>View what you submitted</a></p>` : nothing}
      <p class="fw-body"><a class="fw-link" href="/catalog">Order something else</a></p>`;
  }

  async #load() {
    const id = this.params.get('request');
    this.request = null;
    this.error = '';
    if (id) {
      try {
        this.request = await fetchRequest(this.api, id);
      } catch (e) {
        this.error = loadErrorText(e, 'Your request was placed but cannot be shown now.');
      }
    }
    await this.updateComplete;
    announceCatalogPage(this, id ? TITLE : 'Submitted');
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-order-confirmation': FwOrderConfirmation;
  }
}
