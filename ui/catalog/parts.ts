/**
 * What the catalogue's pages share: their breadcrumb under "Service catalogue", item and category lists as cards,
 * and the confirmation URL of an order.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { CatalogCategory, ItemSummary, OrderResult } from '../api/catalog.js';
import { PageEvent, type Crumb } from '../events.js';
import { catalogCategoryUrl, catalogGuideUrl, catalogItemUrl, withQuery } from '../router.js';
import { costText, deliveryText } from './words.js';

/** The catalogue home's crumb. */
export const CATALOGUE_CRUMB: Crumb = { label: 'Service catalogue', href: '/catalog' };

/** Announce a catalogue page: its title and a breadcrumb Home › Service catalogue › … › title. */
export function announceCatalogPage(host: HTMLElement, title: string, between: Crumb[] = []): void {
  host.dispatchEvent(new PageEvent(title, [{ label: 'Home', href: '/' }, CATALOGUE_CRUMB, ...between, { label: title }]));
}

/** An item's or guide's page. */
export function summaryUrl(s: Pick<ItemSummary, 'type' | 'name'>): string {
  return s.type === 'guide' ? catalogGuideUrl(s.name) : catalogItemUrl(s.name);
}

/** Items and guides as a list of cards: title as a link, short description, cost and delivery time in words. */
export function itemCards(items: ItemSummary[], headingLevel: 2 | 3 = 3): TemplateResult {
  return html`<ul class="fw-catalog-cards">${items.map((s) => {
    const cost = costText(s.price, s.recurringPrice);
    const link = html`<a class="fw-link" href=${summaryUrl(s)}>${s.title}</a>`;
    return html`<li class="fw-catalog-card">
      ${headingLevel === 2 ? html`<h2 class="fw-heading-s">${link}</h2>` : html`<h3 class="fw-heading-s">${link}</h3>`}
      ${s.type === 'guide' ? html`<p class="fw-body fw-secondary-text">Order guide: helps you choose what to order</p>` : nothing}
      ${s.shortDescription ? html`<p class="fw-body">${s.shortDescription}</p>` : nothing}
      ${cost || s.deliveryTime ? html`<p class="fw-body fw-secondary-text">${[cost, s.deliveryTime ? deliveryText(s.deliveryTime) : null].filter(Boolean).join('. ')}</p>` : nothing}
    </li>`;
  })}</ul>`;
}

/** Categories as a list of cards: title as a link and description. */
export function categoryCards(categories: CatalogCategory[], headingLevel: 2 | 3 = 3): TemplateResult {
  return html`<ul class="fw-catalog-cards">${categories.map((c) => {
    const link = html`<a class="fw-link" href=${catalogCategoryUrl(c.name)}>${c.title}</a>`;
    return html`<li class="fw-catalog-card">
      ${headingLevel === 2 ? html`<h2 class="fw-heading-s">${link}</h2>` : html`<h3 class="fw-heading-s">${link}</h3>`}
      ${c.description ? html`<p class="fw-body">${c.description}</p>` : nothing}
    </li>`;
  })}</ul>`;
}

/** Categories in display order (order, then title). */
export function byOrder<T extends { order?: number; title: string }>(list: T[]): T[] {
  return [...list].sort((a, b) => (a.order ?? 0) - (b.order ?? 0) || a.title.localeCompare(b.title));
}

/** The confirmation page of what an order (or a checkout) made. */
export function confirmationUrl(result: OrderResult): string {
  if (result.request) return withQuery('/catalog/confirmation', { request: result.request.id });
  const r = result.record;
  return withQuery('/catalog/confirmation', { table: r?.table, record: r?.id, number: r?.number ?? undefined });
}

/** A long description as paragraphs (blank lines separate them). */
export function paragraphs(text: string | undefined): TemplateResult | typeof nothing {
  if (!text) return nothing;
  return html`${text.split(/\n\s*\n/).map((p) => html`<p class="fw-body">${p.trim()}</p>`)}`;
}
