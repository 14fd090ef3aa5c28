import { html, nothing } from 'lit';
import { consume } from '@lit/context';
import { customElement, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { changeCartQuantity, checkout, fetchCart, fetchItem, removeCartLine, type CartLine, type CatalogItem } from '../api/catalog.js';
import { ApiError } from '../api/client.js';
import type { ApiClient } from '../api/client.js';
import { formatValue } from '../format.js';
import { apiContext } from '../contexts.js';
import { NavigateEvent } from '../events.js';
import { FormProblems } from '../form-problems.js';
import '../fw-error-summary.js';
import { loadErrorText, loadingState, loadProblem } from '../page-state.js';
import { announceCatalogPage, confirmationUrl } from './parts.js';

const TITLE = 'Your cart';
const PREFIX = 'cart';
/** The problem key of a line's quantity (its control's id is `cart-<key>`). */
const qtyKey = (line: CartLine) => `quantity-${line.id}`;

/**
 * The cart (/catalog/cart): a table of the lines (item, answers in words, quantity with "Change", "Remove"), and
 * "Place order", which orders every line at once and opens the confirmation. Problems (a refused quantity, an
 * order the server refuses) show in the GOV.UK error summary; each change is announced.
 *
 * @fires fw-page - title and breadcrumb
 * @fires fw-error-state - the error summary appeared or went away
 * @fires fw-navigate - the order was placed
 */
@customElement('fw-catalog-cart')
export class FwCatalogCart extends LightElement {
  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor lines: CartLine[] | null = null;
  @state() private accessor error = '';
  /** Said by the polite live region after a change. */
  @state() private accessor said = '';
  /** The items in the cart, by name, for their titles, questions and quantity limits (null: no longer orderable). */
  @state() private accessor items = new Map<string, CatalogItem | null>();
  /** Quantities as typed, by line id. */
  @state() private accessor typed: Record<string, string> = {};

  #form = new FormProblems(this, { fields: () => (this.lines ?? []).map(qtyKey), prefix: PREFIX, fallback: 'Your order could not be placed. Try again.' });

  override connectedCallback() {
    super.connectedCallback();
    void this.#load(true);
  }

  override render() {
    return html`<h1 class="fw-heading-l">${TITLE}</h1>
      <fw-error-summary .items=${this.#form.items}></fw-error-summary>
      <p class="fw-visually-hidden" role="status">${this.said}</p>
      ${loadProblem('Your cart cannot be shown', this.error)}
      ${this.#content()}`;
  }

  #content() {
    const lines = this.lines;
    if (!lines) return this.error ? nothing : loadingState();
    if (!lines.length) return html`<p class="fw-body">Your cart is empty. <a class="fw-link" href="/catalog">Find something to order</a></p>`;
    return html`<div class="fw-table-wrapper"><table class="fw-table fw-catalog-cart">
        <caption class="fw-table__caption">${lines.length} ${lines.length === 1 ? 'service' : 'services'} in your cart</caption>
        <thead class="fw-table__head"><tr class="fw-table__row">
          <th scope="col" class="fw-table__header">Service</th>
          <th scope="col" class="fw-table__header">Quantity</th>
          <th scope="col" class="fw-table__header"><span class="fw-visually-hidden">Actions</span></th>
        </tr></thead>
        <tbody class="fw-table__body">${lines.map((l) => this.#row(l))}</tbody>
      </table></div>
      <div class="fw-button-group">
        <button type="button" class="fw-button" id="cart-checkout" ?disabled=${this.#form.busy} @click=${this.#checkout}>Place order</button>
        <a class="fw-link" href="/catalog">Continue browsing</a>
      </div>`;
  }

  #row(l: CartLine) {
    const id = `${PREFIX}-${qtyKey(l)}`;
    const error = this.#form.error(qtyKey(l));
    const answers = this.#answers(l);
    const title = this.#title(l);
    return html`<tr class="fw-table__row">
      <th scope="row" class="fw-table__header">${title}${answers ? html`<p class="fw-body fw-secondary-text">${answers}</p>` : nothing}</th>
      <td class="fw-table__cell">
        <div class="fw-form-group ${error ? 'fw-form-group--error' : ''}">
          <label class="fw-label" for=${id}>Quantity<span class="fw-visually-hidden"> of ${title}</span></label>
          ${error ? html`<p class="fw-error-message" id=${`${id}-error`}><span class="fw-visually-hidden">Error:</span> ${error}</p>` : nothing}
          <input class="fw-input fw-input--width-3 ${error ? 'fw-input--error' : ''}" id=${id} type="text" inputmode="numeric"
            aria-describedby=${error ? `${id}-error` : nothing} aria-invalid=${error ? 'true' : 'false'}
            .value=${this.typed[l.id] ?? String(l.quantity)} @input=${(e: Event) => { this.typed = { ...this.typed, [l.id]: (e.target as HTMLInputElement).value }; }}>
          <button type="button" class="fw-button fw-button--secondary" ?disabled=${this.#form.busy} @click=${() => this.#change(l)}>
            Change<span class="fw-visually-hidden"> quantity of ${title}</span></button>
        </div>
      </td>
      <td class="fw-table__cell"><button type="button" class="fw-button fw-button--warning" ?disabled=${this.#form.busy}
        @click=${() => this.#remove(l)}>Remove<span class="fw-visually-hidden"> ${title}</span></button></td>
    </tr>`;
  }

  #title(l: CartLine): string {
    return l.card?.title ?? this.items.get(l.item)?.title ?? 'A service that can no longer be ordered';
  }

  /** The line's answers in words ("Colour: Blue; Devices: 2 rows"), from the item's questions. */
  #answers(l: CartLine): string {
    const item = this.items.get(l.item);
    if (!item || !l.variables) return '';
    const parts: string[] = [];
    for (const [name, value] of Object.entries(l.variables)) {
      const set = item.multiRow?.find((m) => m.name === name);
      if (set) {
        if (Array.isArray(value) && value.length) parts.push(`${set.title}: ${value.length} ${value.length === 1 ? 'row' : 'rows'}`);
        continue;
      }
      const field = item.form.fields[name];
      const text = field ? formatValue(field, value) : '';
      if (field && text) parts.push(`${field.label}: ${text}`);
    }
    return parts.join('; ');
  }

  /** Read the items of the lines not read yet (an item withdrawn since is null). */
  async #loadItems(lines: CartLine[]) {
    const missing = [...new Set(lines.map((l) => l.item))].filter((n) => !this.items.has(n));
    if (!missing.length) return;
    const read = await Promise.all(missing.map((n) => fetchItem(this.api, n).catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    })));
    const items = new Map(this.items);
    missing.forEach((n, i) => items.set(n, read[i]!));
    this.items = items;
  }

  async #load(announce = false) {
    try {
      const lines = (await fetchCart(this.api)).lines;
      await this.#loadItems(lines);
      this.lines = lines;
      this.typed = {};
      this.error = '';
    } catch (e) {
      this.error = loadErrorText(e, 'Your cart could not be loaded. Try again later.');
    }
    if (!announce) return;
    await this.updateComplete;
    announceCatalogPage(this, TITLE);
  }

  async #change(l: CartLine) {
    const text = (this.typed[l.id] ?? String(l.quantity)).trim();
    const n = Number(text);
    const max = this.items.get(l.item)?.quantity?.max ?? null;
    if (!/^\d+$/.test(text) || n < 1 || (max !== null && n > max)) {
      await this.#form.show({ fields: new Map([[qtyKey(l), `Quantity of ${this.#title(l)} must be a whole number from 1${max !== null ? ` to ${max}` : ' or more'}`]]), general: [] });
      return;
    }
    await this.#form.submit(async () => {
      await changeCartQuantity(this.api, l.id, n);
      this.#form.clear();
      await this.#load();
      this.said = `The quantity of ${this.#title(l)} is now ${n}.`;
    }, (err) => quantityProblems(err, qtyKey(l)));
  }

  async #remove(l: CartLine) {
    await this.#form.submit(async () => {
      await removeCartLine(this.api, l.id);
      this.#form.clear();
      await this.#load();
      this.said = `${this.#title(l)} has been removed from your cart.`;
      await this.updateComplete;
      this.querySelector<HTMLElement>('h1')?.setAttribute('tabindex', '-1');
      this.querySelector<HTMLElement>('h1')?.focus();
    });
  }

  #checkout = async () => {
    await this.#form.submit(async () => {
      const result = await checkout(this.api);
      this.#form.clear();
      this.dispatchEvent(new NavigateEvent(confirmationUrl(result)));
    }, (err) => this.#checkoutProblems(err));
  };

  /**
   * A refused checkout names lines by position (`lines[0].quantity`): a quantity belongs to the line's control,
   * anything else is said with the line's title.
   */
  #checkoutProblems(err: unknown) {
    if (!(err instanceof ApiError) || !err.errors.length) return undefined;
    const lines = this.lines ?? [];
    const fields = new Map<string, string>();
    const general: string[] = [];
    for (const p of err.errors) {
      const m = /^\/?lines\[(\d+)\]\.(.+)$/.exec(p.field);
      const line = m ? lines[Number(m[1])] : undefined;
      if (line && m![2] === 'quantity' && !fields.has(qtyKey(line))) fields.set(qtyKey(line), p.message);
      else general.push(line ? `${this.#title(line)}: ${p.message}` : p.message);
    }
    return { fields, general };
  }
}

/** A refused quantity change: the API's problem on `quantity` belongs to the line's control. */
function quantityProblems(err: unknown, key: string) {
  const e = err as { errors?: { field: string; message: string }[]; message?: string };
  const q = e.errors?.find((p) => p.field.replace(/^\//, '') === 'quantity');
  return q ? { fields: new Map([[key, q.message]]), general: [] } : undefined;
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-catalog-cart': FwCatalogCart;
  }
}
