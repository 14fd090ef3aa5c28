import { html, nothing, type PropertyValues } from 'lit';
import { consume } from '@lit/context';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { addToCart, fetchItem, orderItem, type CatalogItem, type OrderPayload } from '../api/catalog.js';
import type { ApiClient } from '../api/client.js';
import { apiContext } from '../contexts.js';
import type { Crumb } from '../events.js';
import { queryValues } from '../form/query-values.js';
import type { RecordData } from '../api/types.js';
import { loadErrorText, loadingState, loadProblem } from '../page-state.js';
import { catalogCategoryUrl } from '../router.js';
import type { OrderAction, OrderOutcome } from './fw-order-form.js';
import './fw-order-form.js';
import { announceCatalogPage, confirmationUrl, paragraphs } from './parts.js';
import { costText, deliveryText } from './words.js';

const REQUEST_ACTIONS: OrderAction[] = [{ intent: 'order', label: 'Order now' }, { intent: 'cart', label: 'Add to cart', secondary: true }];
const RECORD_ACTIONS: OrderAction[] = [{ intent: 'order', label: 'Submit' }];

/**
 * An item's page (/catalog/items/:name): its title, description, price and delivery time in words, and the order
 * form generated from its variables (fw-order-form). "Order now" orders it and opens the confirmation; "Add to
 * cart" puts it in the cart and offers the form afresh. An item the person may not see is "not found".
 *
 * @fires fw-page - title and breadcrumb
 */
@customElement('fw-catalog-item')
export class FwCatalogItem extends LightElement {
  /** The item's name. */
  @property() accessor item = '';
  /** The URL query: answers to start from, by variable name (a form link's prefill). */
  @property({ attribute: false }) accessor params = new URLSearchParams();

  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor loaded: CatalogItem | null = null;
  @state() private accessor error = '';
  /** The answers from the URL, read once per item so the form is not reset on every render. */
  #initial: RecordData = {};

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('item')) void this.#load();
  }

  override render() {
    const it = this.loaded;
    if (this.error) return html`<h1 class="fw-heading-l">Service not found</h1>${loadProblem('The service cannot be shown', this.error)}
      <p class="fw-body"><a class="fw-link" href="/catalog">Go to the service catalogue</a></p>`;
    if (!it) return loadingState();
    const cost = costText(it.price, it.recurringPrice);
    return html`<span class="fw-caption-l">Service catalogue</span>
      <h1 class="fw-heading-l">${it.title}</h1>
      ${it.shortDescription ? html`<p class="fw-body">${it.shortDescription}</p>` : nothing}
      ${paragraphs(it.description)}
      ${cost || it.deliveryTime ? html`<dl class="fw-summary-list">
        ${cost ? html`<div class="fw-summary-list__row"><dt class="fw-summary-list__key">Price</dt><dd class="fw-summary-list__value">${cost}</dd></div>` : nothing}
        ${it.deliveryTime ? html`<div class="fw-summary-list__row"><dt class="fw-summary-list__key">Delivery time</dt>
          <dd class="fw-summary-list__value">${deliveryText(it.deliveryTime)}</dd></div>` : nothing}
      </dl>` : nothing}
      <fw-order-form .item=${it} .initialValues=${this.#initial} .actions=${it.creates === 'record' ? RECORD_ACTIONS : REQUEST_ACTIONS} .action=${this.#act}></fw-order-form>`;
  }

  async #load() {
    const name = this.item;
    this.loaded = null;
    this.error = '';
    try {
      const item = await fetchItem(this.api, name);
      if (name !== this.item) return;
      this.#initial = queryValues(item.form.fields, this.params);
      this.loaded = item;
      await this.updateComplete;
      const crumbs: Crumb[] = item.category ? [{ label: item.category.title, href: catalogCategoryUrl(item.category.name) }] : [];
      announceCatalogPage(this, item.title, crumbs);
    } catch (e) {
      if (name !== this.item) return;
      this.error = loadErrorText(e, 'There is no such service, or you may not order it.');
      await this.updateComplete;
      announceCatalogPage(this, 'Service not found');
    }
  }

  #act = async (intent: string, payload: OrderPayload): Promise<OrderOutcome> => {
    const it = this.loaded!;
    if (intent === 'cart') {
      await addToCart(this.api, it.name, payload);
      return { notice: `${it.title} has been added to your cart.` };
    }
    return { navigate: confirmationUrl(await orderItem(this.api, it.name, payload)) };
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-catalog-item': FwCatalogItem;
  }
}
