import { html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import type { Crumb } from '../events.js';

/**
 * The breadcrumb trail (GOV.UK breadcrumbs): a navigation landmark holding an ordered list; the last crumb is the
 * current page (aria-current, not a link).
 */
@customElement('fw-breadcrumbs')
export class FwBreadcrumbs extends LightElement {
  /** The trail, from the top; the last one is the current page. */
  @property({ attribute: false }) accessor crumbs: Crumb[] = [];

  override render() {
    if (!this.crumbs.length) return nothing;
    const last = this.crumbs.length - 1;
    return html`<nav class="fw-breadcrumbs" aria-label="Breadcrumb">
      <ol class="fw-breadcrumbs__list">
        ${this.crumbs.map((c, i) => html`<li class="fw-breadcrumbs__item">
          ${i === last || !c.href
            ? html`<span aria-current=${i === last ? 'page' : nothing}>${c.label}</span>`
            : html`<a class="fw-breadcrumbs__link" href=${c.href}>${c.label}</a>`}
        </li>`)}
      </ol>
    </nav>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-breadcrumbs': FwBreadcrumbs;
  }
}
