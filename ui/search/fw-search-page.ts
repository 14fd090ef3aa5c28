import { consume } from '@lit/context';
import { html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { ApiError, type ApiClient } from '../api/client.js';
import { fetchSearch, type SearchAnswer, type SearchGroup, type SearchResult } from '../api/search.js';
import { apiContext } from '../contexts.js';
import { ErrorStateEvent, NavigateEvent, PageEvent } from '../events.js';
import { loadErrorText, loadingState, loadProblem } from '../page-state.js';
import { recordUrl } from '../router.js';
import {
  foundIn, PAGE_SIZE, readSearchView, searchUrl, shortQuery, showingLine, tableFacets, tagFacets, toggled, totalLine, type SearchView,
} from './search-model.js';

const INPUT_ID = 'search-page-q';
const HEADING_ID = 'search-results-heading';
const QUERY_HINT = 'Use words, "an exact phrase", -word to leave a word out, or word* for words starting with it.';

/**
 * The search results page (/search?q=&tables=&tags=&offset=): a search form, the total ("12 results for “router
 * reset”", announced in a live region), filters by table (counts from the answer's groups) and by tag (the tags of
 * the results) as checkbox groups, and the results — each with its title linking to the record, its table, a
 * summary, the passages found with the words marked (<mark> around text parts, never HTML from the server), "Found
 * in: …" and its tags — a page of 20 at a time with Previous and Next. Nothing found and a query the search cannot
 * take each say what to do.
 *
 * Focus moves to the results heading when a new search or another page of results has arrived; ticking a filter
 * keeps focus on the checkbox (the live region says the new count).
 *
 * @fires fw-page - title and breadcrumb
 * @fires fw-error-state - the query cannot be searched
 * @fires fw-navigate - a search, a filter or another page of results
 */
@customElement('fw-search-page')
export class FwSearchPage extends LightElement {
  /** The page's URL query: `q`, `tables`, `tags`, `offset`. */
  @property({ attribute: false }) accessor params = new URLSearchParams();

  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor answer: SearchAnswer | null = null;
  @state() private accessor loading = false;
  /** The problem's message for `q` when the search cannot take the query. */
  @state() private accessor queryError = '';
  @state() private accessor error = '';
  @state() private accessor announcement = '';

  #view: SearchView = readSearchView(new URLSearchParams());
  #loadedKey: string | null = null;
  #request: AbortController | null = null;
  /** The groups of the last answer without a table filter, per query and tags: the tables a table filter hides. */
  #unfiltered: { key: string; groups: SearchGroup[] } | null = null;
  #firstLoad = true;

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.#request?.abort();
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (!changed.has('params')) return;
    const view = readSearchView(this.params);
    const key = searchUrl(view);
    if (key === this.#loadedKey) return;
    const before = this.#view;
    this.#view = view;
    this.#loadedKey = key;
    // A filter ticked keeps focus where it is; a new search or another page moves it to the results.
    const moveFocus = this.#firstLoad ? document.activeElement !== document.body : before.q !== view.q || before.offset !== view.offset;
    this.#firstLoad = false;
    void this.#load(view, moveFocus);
  }

  override render() {
    const v = this.#view;
    return html`<h1 class="fw-heading-l">Search</h1>
      ${this.queryError ? html`<div class="fw-error-summary" tabindex="-1" id="search-page-errors">
        <div role="alert"><h2 class="fw-error-summary__title">There is a problem</h2>
          <ul class="fw-list fw-error-summary__list"><li><a href=${`#${INPUT_ID}`}>${this.queryError}</a></li></ul></div>
      </div>` : nothing}
      <form class="fw-search fw-search-page__form" role="search" aria-label="Search records" @submit=${this.#onSearch}>
        <div class="fw-form-group ${this.queryError ? 'fw-form-group--error' : ''}">
          <label class="fw-label" for=${INPUT_ID}>Search for</label>
          <div class="fw-hint" id="search-page-q-hint">${QUERY_HINT}</div>
          ${this.queryError ? html`<p class="fw-error-message" id="search-page-q-error"><span class="fw-visually-hidden">Error:</span> ${this.queryError}</p>` : nothing}
          <input class="fw-input fw-input--width-20 ${this.queryError ? 'fw-input--error' : ''}" id=${INPUT_ID} name="q" type="search" .value=${v.q}
            aria-describedby=${this.queryError ? 'search-page-q-hint search-page-q-error' : 'search-page-q-hint'}
            aria-invalid=${this.queryError ? 'true' : 'false'}>
        </div>
        <button type="submit" class="fw-button">Search</button>
      </form>
      <p class="fw-visually-hidden fw-search-page__status" role="status" aria-live="polite">${this.announcement}</p>
      ${loadProblem('Search results cannot be shown', this.error)}
      ${v.q && !this.queryError ? this.#results(v) : nothing}`;
  }

  #results(v: SearchView) {
    const a = this.answer;
    if (!a) return this.error ? nothing : loadingState();
    const facets = tableFacets(a.groups, this.#unfiltered?.key === this.#facetKey(v) ? this.#unfiltered.groups : [], v.tables);
    const tags = tagFacets(a.results.map((r) => r.tags), v.tags);
    const filtered = v.tables.length > 0 || v.tags.length > 0;
    const showFilters = facets.length > 1 || tags.length > 0 || filtered;
    return html`<div class="fw-search-results ${showFilters ? 'fw-search-results--with-filters' : ''}">
      ${showFilters ? this.#filters(v, facets, tags) : nothing}
      <section class="fw-search-results__main" aria-labelledby=${HEADING_ID} aria-busy=${this.loading ? 'true' : 'false'}>
        <h2 class="fw-heading-m" id=${HEADING_ID} tabindex="-1">${totalLine(a.total, v.q)}</h2>
        ${a.results.length ? html`<p class="fw-body fw-search-results__showing">${showingLine(a.meta.offset, a.results.length, a.total)}</p>
          <ol class="fw-search-results__list">${a.results.map((r) => this.#result(r))}</ol>
          ${this.#pagination(a)}` : this.#none(v, filtered)}
      </section>
    </div>`;
  }

  #filters(v: SearchView, facets: ReturnType<typeof tableFacets>, tags: string[]) {
    return html`<div class="fw-search-results__filters">
      <h2 class="fw-heading-s">Filter the results</h2>
      ${facets.length ? html`<fieldset class="fw-fieldset fw-search-filter">
        <legend class="fw-fieldset__legend fw-fieldset__legend--s">Kind of record</legend>
        <div class="fw-checkboxes">${facets.map((f, i) => this.#checkbox(`search-table-${i}`, f.table, f.count === null ? f.label : `${f.label} (${f.count})`,
          v.tables.includes(f.table), (on) => this.#go({ ...v, tables: toggled(v.tables, f.table, on), offset: 0 })))}</div>
      </fieldset>` : nothing}
      ${tags.length ? html`<fieldset class="fw-fieldset fw-search-filter">
        <legend class="fw-fieldset__legend fw-fieldset__legend--s">Tags</legend>
        <div class="fw-checkboxes">${tags.map((t, i) => this.#checkbox(`search-tag-${i}`, t, t,
          v.tags.some((c) => c.toLowerCase() === t.toLowerCase()), (on) => this.#go({ ...v, tags: toggled(v.tags, t, on), offset: 0 })))}</div>
      </fieldset>` : nothing}
    </div>`;
  }

  #checkbox(id: string, value: string, label: string, checked: boolean, change: (on: boolean) => void) {
    return html`<div class="fw-checkboxes__item">
      <input class="fw-checkboxes__input" id=${id} type="checkbox" .value=${value} .checked=${checked}
        @change=${(e: Event) => change((e.target as HTMLInputElement).checked)}>
      <label class="fw-label fw-checkboxes__label" for=${id}>${label}</label>
    </div>`;
  }

  #result(r: SearchResult) {
    const reasons = foundIn(r.reasons);
    return html`<li class="fw-search-result">
      <h3 class="fw-heading-s fw-search-result__title"><a class="fw-link" href=${recordUrl(r.table, r.id)}>${r.title}</a></h3>
      <p class="fw-search-result__meta">${r.tableLabel}${r.number ? ` · ${r.number}` : ''}</p>
      ${r.summary ? html`<p class="fw-body fw-search-result__summary">${r.summary}</p>` : nothing}
      ${r.snippets.map((s) => html`<p class="fw-search-result__snippet"><span class="fw-search-result__snippet-label">${s.label}:</span>
        ${s.parts.map((p) => (p.match ? html`<mark>${p.text}</mark>` : p.text))}</p>`)}
      ${reasons ? html`<p class="fw-search-result__reasons">${reasons}</p>` : nothing}
      ${r.tags?.length ? html`<p class="fw-search-result__tags">Tags: ${r.tags.map((t) => html`<strong class="fw-tag fw-tag--grey">${t}</strong> `)}</p>` : nothing}
    </li>`;
  }

  #none(v: SearchView, filtered: boolean) {
    return html`<p class="fw-body">No results for “${v.q}” — check the spelling, use fewer words, or remove filters.</p>
      ${filtered ? html`<p class="fw-body"><a class="fw-link" href=${searchUrl({ q: v.q })}>Search again without filters</a></p>` : nothing}`;
  }

  #pagination(a: SearchAnswer) {
    const { offset } = a.meta;
    const limit = a.meta.limit || PAGE_SIZE;
    const hasPrev = offset > 0;
    const hasNext = offset + a.results.length < a.total;
    if (!hasPrev && !hasNext) return nothing;
    const link = (to: number, rel: 'prev' | 'next') => html`<a class="fw-pagination__link" rel=${rel}
      href=${searchUrl({ ...this.#view, offset: to })}>${rel === 'prev' ? 'Previous' : 'Next'}<span class="fw-visually-hidden"> page of results</span></a>`;
    return html`<nav class="fw-pagination" aria-label="Pages of results">
      ${hasPrev ? html`<div class="fw-pagination__prev">${link(Math.max(0, offset - limit), 'prev')}</div>` : nothing}
      ${hasNext ? html`<div class="fw-pagination__next">${link(offset + limit, 'next')}</div>` : nothing}
    </nav>`;
  }

  /** The query and tags a table filter keeps (the memory of the unfiltered groups is per these). */
  #facetKey(v: SearchView): string {
    return searchUrl({ q: v.q, tags: v.tags });
  }

  async #load(v: SearchView, moveFocus: boolean) {
    this.#request?.abort();
    this.dispatchEvent(new PageEvent(v.q ? `Search results for “${shortQuery(v.q)}”` : 'Search', [{ label: 'Home', href: '/' }, { label: 'Search' }]));
    if (!v.q) {
      this.answer = null;
      this.#setQueryError('');
      this.announcement = '';
      return;
    }
    const request = new AbortController();
    this.#request = request;
    this.loading = true;
    try {
      const query = { q: v.q, tables: v.tables, tags: v.tags, limit: PAGE_SIZE, offset: v.offset };
      const answer = await fetchSearch(this.api, query, request.signal);
      if (request.signal.aborted) return;
      if (!v.tables.length) this.#unfiltered = { key: this.#facetKey(v), groups: answer.groups };
      this.answer = answer;
      this.error = '';
      this.#setQueryError('');
      this.announcement = `${totalLine(answer.total, v.q)}.`;
    } catch (e) {
      if (request.signal.aborted) return;
      this.answer = null;
      if (e instanceof ApiError && e.code === 'invalid_query') {
        this.#setQueryError(e.errors.find((p) => p.field === 'q')?.message ?? e.message);
        this.error = '';
        this.announcement = '';
        await this.updateComplete;
        this.querySelector<HTMLElement>('#search-page-errors')?.focus();
        return;
      }
      this.#setQueryError('');
      this.error = loadErrorText(e, 'The search could not be made. Try again later.');
      this.announcement = '';
    } finally {
      if (this.#request === request) {
        this.#request = null;
        this.loading = false;
      }
    }
    if (!moveFocus || this.error) return;
    await this.updateComplete;
    this.querySelector<HTMLElement>(`#${HEADING_ID}`)?.focus();
  }

  #setQueryError(message: string) {
    if (message === this.queryError) return;
    this.queryError = message;
    this.dispatchEvent(new ErrorStateEvent(message !== ''));
  }

  #go(v: SearchView) {
    this.dispatchEvent(new NavigateEvent(searchUrl(v)));
  }

  #onSearch = (e: Event) => {
    e.preventDefault();
    const q = ((e.target as HTMLFormElement).elements.namedItem('q') as HTMLInputElement).value.trim();
    if (!q) {
      this.querySelector<HTMLInputElement>(`#${INPUT_ID}`)?.focus();
      return;
    }
    // A new text starts over: the filters chosen for the last one may not suit it, but the person chose them.
    const v = { ...this.#view, q, offset: 0 };
    if (searchUrl(v) === this.#loadedKey) {
      this.querySelector<HTMLElement>(`#${HEADING_ID}`)?.focus();
      return;
    }
    this.#go(v);
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-search-page': FwSearchPage;
  }
}
