import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import type { MenuDef, MenuItem } from '../api/types.js';
import { menuItemUrl } from '../router.js';

/**
 * The main navigation, built from the menu definitions the API returns for this user (it leaves out what the
 * user's capabilities do not allow). Each menu is a heading over a list; nested items are nested lists. The link
 * to the current page carries aria-current="page", a link to a section the page lies under aria-current="true". On
 * narrow screens the menus fold behind a "Menu" button.
 */
@customElement('fw-nav')
export class FwNav extends LightElement {
  /** The menus, in order. */
  @property({ attribute: false }) accessor menus: MenuDef[] = [];
  /** The current path and query, to mark the current page. */
  @property() accessor current = '';

  @state() private accessor expanded = false;

  override render() {
    if (!this.menus.length) return nothing;
    return html`<nav class="fw-nav ${this.expanded ? 'fw-nav--expanded' : ''}" aria-label="Main">
      <button type="button" class="fw-nav__toggle" aria-expanded=${this.expanded ? 'true' : 'false'} aria-controls="fw-nav-menus"
        @click=${() => { this.expanded = !this.expanded; }}>Menu</button>
      <div class="fw-nav__menus" id="fw-nav-menus">
        ${this.menus.map((m) => html`<h2 class="fw-nav__heading" id=${`fw-menu-${m.name}`}>${m.label}</h2>
          ${this.#list(m.items, `fw-menu-${m.name}`)}`)}
      </div>
    </nav>`;
  }

  /** A list of items; `id` names the element labelling it, and prefixes the ids of nested groups. */
  #list(items: MenuItem[], id: string): unknown {
    return html`<ul class="fw-nav__list" aria-labelledby=${id}>
      ${items.map((item, i) => {
        const url = menuItemUrl(item);
        const groupId = `${id}-${i}`;
        return html`<li class="fw-nav__item">
          ${url
            ? html`<a class="fw-nav__link" id=${groupId} href=${url} aria-current=${this.#current(url) ?? nothing}>${item.label}</a>`
            : html`<span class="fw-nav__group" id=${groupId}>${item.label}</span>`}
          ${item.items?.length ? this.#list(item.items, groupId) : nothing}
        </li>`;
      })}
    </ul>`;
  }

  /** 'page' for the current page's link; 'true' for a plain path the current page lies under (a queue under its list). */
  #current(url: string): 'page' | 'true' | null {
    if (url === this.current) return 'page';
    if (!url.includes('?') && url !== '/' && this.current.startsWith(`${url}/`)) return 'true';
    return null;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-nav': FwNav;
  }
}
