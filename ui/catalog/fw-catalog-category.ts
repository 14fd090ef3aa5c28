import { html, nothing, type PropertyValues } from 'lit';
import { consume } from '@lit/context';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { fetchCatalogues, fetchItems, type CatalogCategory, type Catalogue, type ItemSummary } from '../api/catalog.js';
import type { ApiClient } from '../api/client.js';
import { apiContext } from '../contexts.js';
import type { Crumb } from '../events.js';
import { loadErrorText, loadingState, loadProblem } from '../page-state.js';
import { catalogCategoryUrl } from '../router.js';
import { announceCatalogPage, byOrder, categoryCards, itemCards } from './parts.js';

interface Loaded { catalogue: Catalogue; category: CatalogCategory; items: ItemSummary[] }

/**
 * A category's page (/catalog/categories/:name): its sub-categories as cards, then the items and guides shelved in
 * it; the breadcrumb runs through its catalogue's parent categories. A category the person may not see is "not
 * found", like one that does not exist.
 *
 * @fires fw-page - title and breadcrumb
 */
@customElement('fw-catalog-category')
export class FwCatalogCategory extends LightElement {
  /** The category's name. */
  @property() accessor category = '';

  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor loaded: Loaded | null = null;
  @state() private accessor error = '';

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('category')) void this.#load();
  }

  override render() {
    const l = this.loaded;
    if (this.error) return html`<h1 class="fw-heading-l">Category not found</h1>${loadProblem('The category cannot be shown', this.error)}
      <p class="fw-body"><a class="fw-link" href="/catalog">Go to the service catalogue</a></p>`;
    if (!l) return loadingState();
    const subs = byOrder(l.catalogue.categories.filter((c) => c.parent === l.category.name));
    return html`<span class="fw-caption-l">${l.catalogue.title}</span>
      <h1 class="fw-heading-l">${l.category.title}</h1>
      ${l.category.description ? html`<p class="fw-body">${l.category.description}</p>` : nothing}
      ${subs.length ? html`<section aria-labelledby="category-subs">
        <h2 class="fw-heading-m" id="category-subs">Categories in ${l.category.title}</h2>
        ${categoryCards(subs)}
      </section>` : nothing}
      <section aria-labelledby="category-items">
        <h2 class="fw-heading-m" id="category-items">Services you can order</h2>
        ${l.items.length ? itemCards(l.items) : html`<p class="fw-body">There is nothing to order in this category yet.</p>`}
      </section>`;
  }

  async #load() {
    const name = this.category;
    this.loaded = null;
    this.error = '';
    try {
      const [catalogues, items] = await Promise.all([fetchCatalogues(this.api), fetchItems(this.api, { category: name })]);
      if (name !== this.category) return;
      const catalogue = catalogues.find((c) => c.categories.some((k) => k.name === name));
      const category = catalogue?.categories.find((k) => k.name === name);
      if (!catalogue || !category) throw new Error('not found');
      this.loaded = { catalogue, category, items };
      await this.updateComplete;
      announceCatalogPage(this, category.title, parents(catalogue, category));
    } catch (e) {
      if (name !== this.category) return;
      this.error = loadErrorText(e, 'There is no such category, or you may not see it.');
      await this.updateComplete;
      announceCatalogPage(this, 'Category not found');
    }
  }
}

/** The crumbs of a category's parents, outermost first. */
function parents(catalogue: Catalogue, category: CatalogCategory): Crumb[] {
  const crumbs: Crumb[] = [];
  const seen = new Set<string>([category.name]);
  let parent = category.parent ? catalogue.categories.find((c) => c.name === category.parent) : undefined;
  while (parent && !seen.has(parent.name)) {
    seen.add(parent.name);
    crumbs.unshift({ label: parent.title, href: catalogCategoryUrl(parent.name) });
    parent = parent.parent ? catalogue.categories.find((c) => c.name === parent!.parent) : undefined;
  }
  return crumbs;
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-catalog-category': FwCatalogCategory;
  }
}
