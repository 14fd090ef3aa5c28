import { html, nothing, type PropertyValues } from 'lit';
import { consume } from '@lit/context';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { fetchCatalogues, fetchItems, type Catalogue, type ItemSummary } from '../api/catalog.js';
import type { ApiClient } from '../api/client.js';
import { apiContext } from '../contexts.js';
import { NavigateEvent, PageEvent } from '../events.js';
import { loadErrorText, loadingState, loadProblem } from '../page-state.js';
import { catalogUrl } from '../router.js';
import { byOrder, categoryCards, CATALOGUE_CRUMB, itemCards } from './parts.js';

const TITLE = 'Service catalogue';

/**
 * The catalogue home (/catalog): a search box (titles, descriptions and keywords, `?q=`), then each catalogue the
 * person may see with its top categories as cards; with a search, the matching items and guides, or a message
 * saying nothing matches. Links to the cart and the person's requests.
 *
 * @fires fw-page - title and breadcrumb
 * @fires fw-navigate - a search was made
 */
@customElement('fw-catalog-home')
export class FwCatalogHome extends LightElement {
  /** The page's query (`q`: the search). */
  @property({ attribute: false }) accessor params = new URLSearchParams();

  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor catalogues: Catalogue[] | null = null;
  @state() private accessor results: ItemSummary[] | null = null;
  @state() private accessor error = '';

  #loadedQuery: string | null = null;

  get #query(): string {
    return (this.params.get('q') ?? '').trim();
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('params') && this.#query !== this.#loadedQuery) void this.#load();
  }

  override render() {
    const q = this.#query;
    return html`<h1 class="fw-heading-l">${TITLE}</h1>
      <p class="fw-body">Find a service to order. <a class="fw-link" href="/catalog/cart">Your cart</a> ·
        <a class="fw-link" href="/catalog/requests">My requests</a></p>
      <form class="fw-search fw-catalog-search" role="search" aria-label="Service catalogue" @submit=${this.#onSearch}>
        <div class="fw-form-group">
          <label class="fw-label" for="catalog-search">Search the catalogue</label>
          <div class="fw-hint" id="catalog-search-hint">Searches names, descriptions and keywords.</div>
          <input class="fw-input fw-input--width-20" id="catalog-search" name="q" type="search" .value=${q} aria-describedby="catalog-search-hint">
          <button type="submit" class="fw-button fw-button--secondary">Search</button>
        </div>
      </form>
      <p class="fw-visually-hidden" role="status">${this.#said()}</p>
      ${loadProblem('The catalogue cannot be shown', this.error)}
      ${q ? this.#renderResults(q) : this.#renderCatalogues()}`;
  }

  /** What the live region says once a search answered (the page stays, focus stays in the search box). */
  #said(): string {
    const r = this.results;
    if (!this.#query || !r) return '';
    return r.length ? `${r.length} ${r.length === 1 ? 'service matches' : 'services match'} your search.` : 'Nothing matches your search.';
  }

  #renderResults(q: string) {
    const r = this.results;
    if (!r) return loadingState();
    return html`<section aria-labelledby="catalog-results">
      <h2 class="fw-heading-m" id="catalog-results">Search results for “${q}”</h2>
      <p class="fw-body">${r.length ? `${r.length} ${r.length === 1 ? 'service matches' : 'services match'} your search.` : ''}</p>
      ${r.length ? itemCards(r) : html`<p class="fw-body">Nothing matches “${q}”. Check the spelling, try fewer or other words,
        or <a class="fw-link" href="/catalog">browse the categories</a>.</p>`}
    </section>`;
  }

  #renderCatalogues() {
    const list = this.catalogues;
    if (!list) return this.error ? nothing : loadingState();
    if (!list.length) return html`<p class="fw-body">There is nothing you can order here yet.</p>`;
    return html`${byOrder(list).map((c) => {
      const top = byOrder(c.categories.filter((k) => !k.parent));
      const id = `catalog-${c.name}`;
      return html`<section class="fw-catalog" aria-labelledby=${id}>
        <h2 class="fw-heading-m" id=${id}>${c.title}</h2>
        ${c.description ? html`<p class="fw-body">${c.description}</p>` : nothing}
        ${top.length ? categoryCards(top) : html`<p class="fw-body">This catalogue has no categories yet.</p>`}
      </section>`;
    })}`;
  }

  async #load() {
    const q = this.#query;
    this.#loadedQuery = q;
    this.results = null;
    try {
      if (q) {
        const results = await fetchItems(this.api, { q });
        if (this.#loadedQuery === q) this.results = results;
      } else {
        this.catalogues = await fetchCatalogues(this.api);
      }
      this.error = '';
    } catch (e) {
      this.error = loadErrorText(e, 'The catalogue could not be loaded. Try again later.');
    }
    if (this.#loadedQuery !== q) return;
    await this.updateComplete;
    const title = q ? `Search results for “${q}”` : TITLE;
    this.dispatchEvent(new PageEvent(title, q ? [{ label: 'Home', href: '/' }, CATALOGUE_CRUMB, { label: 'Search results' }] : [{ label: 'Home', href: '/' }, { label: TITLE }]));
  }

  #onSearch = (e: Event) => {
    e.preventDefault();
    const q = ((e.target as HTMLFormElement).elements.namedItem('q') as HTMLInputElement).value.trim();
    this.dispatchEvent(new NavigateEvent(catalogUrl(q || undefined)));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-catalog-home': FwCatalogHome;
  }
}
