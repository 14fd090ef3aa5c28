/**
 * Pieces the administration pages share: status tags, sortable column headers, previous / next page links,
 * success and problem banners, and the GOV.UK-style confirmation of a destructive action.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { AccountStatus } from '../api/admin.js';
import type { Crumb } from '../events.js';

/** The breadcrumb of an administration page. */
export const adminCrumbs = (...rest: Crumb[]): Crumb[] => [{ label: 'Home', href: '/' }, ...rest];

const STATUS: Record<AccountStatus, { text: string; tone: string }> = {
  active: { text: 'Active', tone: 'green' },
  locked: { text: 'Locked', tone: 'red' },
  disabled: { text: 'Disabled', tone: 'grey' },
  deleted: { text: 'Deleted', tone: 'grey' },
};

/** A GOV.UK tag: `tone` is green, red, grey, blue or yellow. */
export function tag(text: string, tone: string): TemplateResult {
  return html`<strong class="fw-tag fw-tag--${tone}">${text}</strong>`;
}

export function statusTag(status: AccountStatus): TemplateResult {
  const s = STATUS[status] ?? { text: status, tone: 'grey' };
  return tag(s.text, s.tone);
}

/**
 * A column header that sorts by its column: a button inside the th, aria-sort on the sorted one.
 * `sort` is the current sort (`name` or `-name`).
 */
export function sortHeader(label: string, key: string, sort: string, onSort: (sort: string) => void): TemplateResult {
  const field = sort.replace(/^[-+]/, '');
  const descending = sort.startsWith('-');
  const sorted = field === key;
  return html`<th scope="col" class="fw-table__header" aria-sort=${sorted ? (descending ? 'descending' : 'ascending') : nothing}>
    <button type="button" class="fw-table__sort" @click=${() => onSort(sorted && !descending ? `-${key}` : key)}>${label}</button>
  </th>`;
}

/** "Previous" / "Next" page links; `href(offset)` builds the URL of a page. */
export function pager(offset: number, limit: number, total: number | null, shown: number, href: (offset: number) => string, label = 'Pagination'): TemplateResult | typeof nothing {
  const hasPrev = offset > 0;
  const hasNext = total !== null ? offset + limit < total : shown === limit;
  if (!hasPrev && !hasNext) return nothing;
  const link = (to: number, rel: 'prev' | 'next') => html`<a class="fw-pagination__link" rel=${rel} href=${href(to)}>${rel === 'prev' ? 'Previous' : 'Next'}<span class="fw-visually-hidden"> page</span></a>`;
  return html`<nav class="fw-pagination" aria-label=${label}>
    ${hasPrev ? html`<div class="fw-pagination__prev">${link(Math.max(0, offset - limit), 'prev')}</div>` : nothing}
    ${hasNext ? html`<div class="fw-pagination__next">${link(offset + limit, 'next')}</div>` : nothing}
  </nav>`;
}

/** "Showing 1–20 of 43 users". */
export function countText(offset: number, shown: number, total: number | null, plural: string): string {
  if (!shown) return offset > 0 ? `There are no more ${plural}.` : `No ${plural} found.`;
  const range = `${offset + 1}–${offset + shown}`;
  return total === null ? `Showing ${range} ${plural}` : `Showing ${range} of ${total} ${plural}`;
}

/** A success notification banner (focused by its owner after the action). */
export function successBanner(text: string): TemplateResult {
  return html`<div class="fw-notification-banner fw-notification-banner--success" role="alert" tabindex="-1">
    <div class="fw-notification-banner__header"><h2 class="fw-notification-banner__title">Success</h2></div>
    <div class="fw-notification-banner__content"><p class="fw-notification-banner__heading">${text}</p></div>
  </div>`;
}

/** An "Important" banner for a problem that belongs to no field (the page cannot be loaded, an action failed). */
export function problemBanner(text: string): TemplateResult {
  return html`<div class="fw-notification-banner fw-notification-banner--warning" role="alert" tabindex="-1">
    <div class="fw-notification-banner__header"><h2 class="fw-notification-banner__title">Important</h2></div>
    <div class="fw-notification-banner__content"><p class="fw-notification-banner__heading">${text}</p></div>
  </div>`;
}

/**
 * The confirmation of a destructive action, in the page (GOV.UK: a question, what will happen, a red button that
 * does it and a way back). Its heading takes focus when it appears (`.fw-confirm__title`).
 */
export function confirmation(o: {
  title: string; body: string; confirmLabel: string; busy: boolean; onConfirm: () => void; onCancel: () => void;
}): TemplateResult {
  return html`<section class="fw-confirm" aria-labelledby="confirm-title">
    <h2 class="fw-heading-m fw-confirm__title" id="confirm-title" tabindex="-1">${o.title}</h2>
    <div class="fw-warning-text">
      <span class="fw-warning-text__icon" aria-hidden="true">!</span>
      <p class="fw-warning-text__text"><span class="fw-visually-hidden">Warning</span> ${o.body}</p>
    </div>
    <div class="fw-button-group">
      <button type="button" class="fw-button fw-button--warning" ?disabled=${o.busy} @click=${o.onConfirm}>${o.confirmLabel}</button>
      <button type="button" class="fw-link-button" @click=${o.onCancel}>Cancel</button>
    </div>
  </section>`;
}

/** Today (UTC) as YYYY-MM-DD, `days` days from now. */
export function isoDay(days = 0): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}
