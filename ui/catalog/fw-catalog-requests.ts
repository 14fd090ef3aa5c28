import { html, nothing, type PropertyValues } from 'lit';
import { consume } from '@lit/context';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { fetchRequests, type RequestSummary } from '../api/catalog.js';
import type { ApiClient } from '../api/client.js';
import { apiContext } from '../contexts.js';
import { formatDateTime } from '../format.js';
import { loadErrorText, loadingState, loadProblem } from '../page-state.js';
import { catalogRequestUrl } from '../router.js';
import { announceCatalogPage } from './parts.js';

const TABS = [
  { scope: 'mine', label: 'My requests', href: '/catalog/requests' },
  { scope: 'org', label: 'My organisation’s requests', href: '/catalog/requests?scope=org' },
] as const;

/**
 * The person's requests (/catalog/requests) and, as a second tab (`?scope=org`), their organisation's: number (a
 * link to the request's page), what was asked for, status, when and by whom it was raised, and the last thing that
 * happened to it.
 *
 * @fires fw-page - title and breadcrumb
 */
@customElement('fw-catalog-requests')
export class FwCatalogRequests extends LightElement {
  /** The page's query (`scope`: `mine`, the default, or `org`). */
  @property({ attribute: false }) accessor params = new URLSearchParams();

  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor requests: RequestSummary[] | null = null;
  @state() private accessor error = '';

  get #scope(): 'mine' | 'org' {
    return this.params.get('scope') === 'org' ? 'org' : 'mine';
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('params')) void this.#load();
  }

  override render() {
    const scope = this.#scope;
    const tab = TABS.find((t) => t.scope === scope)!;
    return html`<h1 class="fw-heading-l">${tab.label}</h1>
      <nav class="fw-sub-nav" aria-label="Whose requests">
        <ul class="fw-sub-nav__list">${TABS.map((t) => html`<li class="fw-sub-nav__item">
          <a class="fw-sub-nav__link" href=${t.href} aria-current=${t.scope === scope ? 'page' : nothing}>${t.label}</a></li>`)}</ul>
      </nav>
      ${loadProblem('The requests cannot be shown', this.error)}
      ${this.#table(scope)}`;
  }

  #table(scope: 'mine' | 'org') {
    const list = this.requests;
    if (!list) return this.error ? nothing : loadingState();
    if (!list.length) {
      return html`<p class="fw-body">${scope === 'mine' ? 'You have not made any requests yet.' : 'Nobody in your organisation has made a request yet.'}
        <a class="fw-link" href="/catalog">Go to the service catalogue</a></p>`;
    }
    return html`<div class="fw-table-wrapper"><table class="fw-table fw-catalog-requests">
      <caption class="fw-table__caption fw-visually-hidden">${TABS.find((t) => t.scope === scope)!.label}, newest first</caption>
      <thead class="fw-table__head"><tr class="fw-table__row">
        <th scope="col" class="fw-table__header">Number</th>
        <th scope="col" class="fw-table__header">Request</th>
        <th scope="col" class="fw-table__header">Status</th>
        <th scope="col" class="fw-table__header">Raised</th>
        ${scope === 'org' ? html`<th scope="col" class="fw-table__header">Raised by</th>` : nothing}
        <th scope="col" class="fw-table__header">Last action</th>
      </tr></thead>
      <tbody class="fw-table__body">${list.map((r) => html`<tr class="fw-table__row">
        <td class="fw-table__cell fw-table__cell--nowrap"><a class="fw-link" href=${catalogRequestUrl(r.id)}>${r.number}</a></td>
        <td class="fw-table__cell">${r.shortDescription ?? ''}</td>
        <td class="fw-table__cell"><strong class="fw-tag ${r.closedAt ? 'fw-tag--grey' : 'fw-tag--blue'}">${r.stateLabel ?? r.state ?? ''}</strong></td>
        <td class="fw-table__cell">${r.openedAt ? formatDateTime(r.openedAt) : ''}</td>
        ${scope === 'org' ? html`<td class="fw-table__cell">${r.requestedBy ?? ''}</td>` : nothing}
        <td class="fw-table__cell">${r.lastAction ?? ''}</td>
      </tr>`)}</tbody>
    </table></div>`;
  }

  async #load() {
    const scope = this.#scope;
    this.requests = null;
    this.error = '';
    try {
      const list = await fetchRequests(this.api, scope);
      if (scope !== this.#scope) return;
      this.requests = list;
    } catch (e) {
      this.error = loadErrorText(e, 'The requests could not be loaded. Try again later.');
    }
    await this.updateComplete;
    announceCatalogPage(this, TABS.find((t) => t.scope === scope)!.label);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-catalog-requests': FwCatalogRequests;
  }
}
