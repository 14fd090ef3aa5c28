import { html, nothing } from 'lit';
import { consume } from '@lit/context';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import type { Bookmark } from '../api/account.js';
import type { MenuDef, MenuItem, SessionInfo } from '../api/types.js';
import { sessionContext } from '../contexts.js';
import { PageEvent } from '../events.js';
import { takeFlash } from '../flash.js';
import { menuItemUrl } from '../router.js';

/**
 * The home page: who is signed in, the person's bookmarks, and every menu as a group of links.
 *
 * @fires fw-page - title and breadcrumb
 */
@customElement('fw-home')
export class FwHome extends LightElement {
  /** The menus this user may see. */
  @property({ attribute: false }) accessor menus: MenuDef[] = [];
  /** The person's bookmarks, newest first. */
  @property({ attribute: false }) accessor bookmarks: Bookmark[] = [];

  /** The active session. */
  @consume({ context: sessionContext, subscribe: true }) @state() private accessor session: SessionInfo | null = null;
  /** A message the previous page left for this one ("Your details have been saved"). */
  @state() private accessor notice: string | null = null;

  override connectedCallback() {
    super.connectedCallback();
    this.notice = takeFlash();
    this.dispatchEvent(new PageEvent('Home', [{ label: 'Home' }]));
  }

  override render() {
    const u = this.session?.user;
    const name = u?.displayName || [u?.firstName, u?.lastName].filter(Boolean).join(' ') || u?.username || '';
    return html`${this.notice ? html`<div class="fw-notification-banner fw-notification-banner--success" role="status">
        <div class="fw-notification-banner__header"><h2 class="fw-notification-banner__title">Success</h2></div>
        <div class="fw-notification-banner__content"><p class="fw-notification-banner__heading">${this.notice}</p></div>
      </div>` : nothing}
      <h1 class="fw-heading-l">Home</h1>
      ${name ? html`<p class="fw-body">You are signed in as ${name}. <a class="fw-link" href="/profile">View your profile</a></p>` : nothing}
      ${this.bookmarks.length ? html`<section class="fw-home__bookmarks" aria-labelledby="home-bookmarks">
        <h2 class="fw-heading-m" id="home-bookmarks">Your bookmarks</h2>
        <ul class="fw-list">${this.bookmarks.map((b) => html`<li><a class="fw-link" href=${b.url}>${b.title}</a></li>`)}</ul>
      </section>` : nothing}
      ${this.menus.length ? html`<div class="fw-home__menus">${this.menus.map((m) => html`<section class="fw-home__menu" aria-labelledby=${`home-${m.name}`}>
        <h2 class="fw-heading-m" id=${`home-${m.name}`}>${m.label}</h2>
        ${this.#list(m.items)}
      </section>`)}</div>` : html`<p class="fw-body">There is nothing for you to work on here yet. Ask your administrator for access.</p>`}`;
  }

  #list(items: MenuItem[]): unknown {
    return html`<ul class="fw-list">${items.map((item) => {
      const url = menuItemUrl(item);
      return html`<li>${url ? html`<a class="fw-link" href=${url}>${item.label}</a>` : html`<span class="fw-secondary-text">${item.label}</span>`}
        ${item.items?.length ? this.#list(item.items) : nothing}</li>`;
    })}</ul>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-home': FwHome;
  }
}
