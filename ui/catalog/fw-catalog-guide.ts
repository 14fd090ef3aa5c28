import { html, nothing, type PropertyValues } from 'lit';
import { consume } from '@lit/context';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { addToCart, chooseGuideItems, fetchGuide, fetchItem, type CatalogItem, type OrderPayload } from '../api/catalog.js';
import type { ApiClient } from '../api/client.js';
import type { RecordData } from '../api/types.js';
import { apiContext } from '../contexts.js';
import { DirtyEvent, NavigateEvent } from '../events.js';
import { loadErrorText, loadingState, loadProblem } from '../page-state.js';
import type { OrderAction, OrderOutcome } from './fw-order-form.js';
import './fw-order-form.js';
import { announceCatalogPage, paragraphs } from './parts.js';

const CHOOSE: OrderAction[] = [{ intent: 'choose', label: 'Continue' }];

/** One service the guide chose, with the answers cascaded into it. */
interface Chosen { item: CatalogItem; variables: RecordData }

/**
 * An order guide (/catalog/guides/:name), in two steps. First its own questions (fw-order-form, policies live);
 * "Continue" asks the server which services the answers choose. Then each chosen service in turn, its form
 * prefilled with the answers cascaded into it, to check and add to the cart (or skip); after the last one the cart
 * opens. Each step's heading takes focus.
 *
 * @fires fw-page - title and breadcrumb
 * @fires fw-navigate - every chosen service was dealt with: to the cart
 */
@customElement('fw-catalog-guide')
export class FwCatalogGuide extends LightElement {
  /** The guide's name. */
  @property() accessor guide = '';

  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor loaded: CatalogItem | null = null;
  @state() private accessor error = '';
  /** The services chosen (null: still answering the guide's questions). */
  @state() private accessor chosen: Chosen[] | null = null;
  @state() private accessor index = 0;
  /** How many services went to the cart so far. */
  @state() private accessor added = 0;
  /** The guide's answers, kept to go back to them. */
  #answers: RecordData = {};

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('guide')) void this.#load();
  }

  override render() {
    const g = this.loaded;
    if (this.error) return html`<h1 class="fw-heading-l">Service not found</h1>${loadProblem('The guide cannot be shown', this.error)}
      <p class="fw-body"><a class="fw-link" href="/catalog">Go to the service catalogue</a></p>`;
    if (!g) return loadingState();
    return html`<span class="fw-caption-l">Order guide</span>
      <h1 class="fw-heading-l">${g.title}</h1>
      ${this.chosen ? this.#review(this.chosen) : html`${g.shortDescription ? html`<p class="fw-body">${g.shortDescription}</p>` : nothing}
        ${paragraphs(g.description)}
        <h2 class="fw-heading-m" id="guide-step" tabindex="-1">Step 1 of 2: answer a few questions</h2>
        <fw-order-form idPrefix="guide" .item=${g} .initialValues=${this.#answers} .actions=${CHOOSE} .action=${this.#choose}></fw-order-form>`}`;
  }

  #review(chosen: Chosen[]) {
    if (!chosen.length) {
      return html`<h2 class="fw-heading-m" id="guide-step" tabindex="-1">No service fits your answers</h2>
        <p class="fw-body">None of the services in this guide fits what you said.</p>
        <button type="button" class="fw-button fw-button--secondary" @click=${this.#back}>Change your answers</button>`;
    }
    const c = chosen[this.index]!;
    const last = this.index === chosen.length - 1;
    const actions: OrderAction[] = [{ intent: 'cart', label: last ? 'Add to cart and view your cart' : 'Add to cart and continue' }];
    return html`<h2 class="fw-heading-m" id="guide-step" tabindex="-1">Step 2 of 2: check service ${this.index + 1} of ${chosen.length}: ${c.item.title}</h2>
      <p class="fw-body">Your answers have been filled in. Check them, answer what is left, then add the service to your cart.</p>
      ${c.item.shortDescription ? html`<p class="fw-body">${c.item.shortDescription}</p>` : nothing}
      <fw-order-form idPrefix="guide-item" .item=${c.item} .initialValues=${c.variables} .actions=${actions} .action=${this.#add}></fw-order-form>
      <div class="fw-button-group">
        <button type="button" class="fw-button fw-button--secondary" @click=${this.#skip}>Skip this service</button>
        <button type="button" class="fw-link-button" @click=${this.#back}>Change your answers to the guide</button>
      </div>`;
  }

  async #load() {
    const name = this.guide;
    this.loaded = null;
    this.chosen = null;
    this.error = '';
    try {
      const g = await fetchGuide(this.api, name);
      if (name !== this.guide) return;
      this.loaded = g;
      await this.updateComplete;
      announceCatalogPage(this, g.title);
    } catch (e) {
      if (name !== this.guide) return;
      this.error = loadErrorText(e, 'There is no such guide, or you may not use it.');
      await this.updateComplete;
      announceCatalogPage(this, 'Service not found');
    }
  }

  #choose = async (_intent: string, payload: OrderPayload): Promise<OrderOutcome | void> => {
    this.#answers = payload.variables;
    const picked = await chooseGuideItems(this.api, this.guide, payload.variables);
    const items = await Promise.all(picked.map((p) => fetchItem(this.api, p.name)));
    // The questions' form goes away with the next step: its answers were used, nothing is left unsaved.
    this.dispatchEvent(new DirtyEvent(false));
    this.chosen = picked.map((p, i) => ({ item: items[i]!, variables: p.variables }));
    this.index = 0;
    this.added = 0;
    await this.#focusStep();
  };

  #add = async (_intent: string, payload: OrderPayload): Promise<OrderOutcome | void> => {
    const c = this.chosen![this.index]!;
    await addToCart(this.api, c.item.name, payload);
    this.added += 1;
    return this.#next();
  };

  #skip = async () => {
    const outcome = await this.#next();
    if (!outcome?.navigate) return;
    // Skipping is leaving the service's answers on purpose: no unsaved-changes question.
    this.dispatchEvent(new DirtyEvent(false));
    this.dispatchEvent(new NavigateEvent(outcome.navigate));
  };

  /** On to the next chosen service, or to the cart after the last one. */
  async #next(): Promise<OrderOutcome | void> {
    if (this.index >= this.chosen!.length - 1) return { navigate: this.added ? '/catalog/cart' : '/catalog' };
    this.index += 1;
    await this.#focusStep();
  }

  #back = async () => {
    this.dispatchEvent(new DirtyEvent(false));
    this.chosen = null;
    await this.#focusStep();
  };

  async #focusStep() {
    await this.updateComplete;
    this.querySelector<HTMLElement>('#guide-step')?.focus();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-catalog-guide': FwCatalogGuide;
  }
}
