import { html, nothing, type PropertyValues } from 'lit';
import { consume } from '@lit/context';
import { customElement, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { removeBookmark, type Bookmark, type Profile } from '../api/account.js';

import { BookmarksChangedEvent } from '../events.js';
import { formatDateTime } from '../format.js';
import { announcePage, loadingState, pageHeading } from '../page-state.js';
import type { ApiClient } from '../api/client.js';
import { apiContext } from '../contexts.js';

const TITLE = 'Your profile';

/**
 * The signed-in person's profile (GET /api/profile): identity, organisations, roles, party codes, every
 * interface transaction of the platform with Yes / No for them, and their bookmarks, each removable.
 *
 * @fires fw-page - title and breadcrumb
 * @fires fw-bookmarks-changed - a bookmark was removed
 */
@customElement('fw-account-profile')
export class FwAccountProfile extends LightElement {
  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor profile: Profile | null = null;
  @state() private accessor error = '';
  @state() private accessor status = '';

  override connectedCallback() {
    super.connectedCallback();
    announcePage(this, TITLE);
    void this.#load();
  }

  protected override updated(changed: PropertyValues) {
    if (changed.has('status') && this.status) this.querySelector<HTMLElement>('#bookmarks-status')?.focus();
  }

  async #load() {
    try {
      this.profile = (await this.api.get<Profile>('/profile')).data;
      this.error = '';
    } catch (e) {
      this.error = e instanceof Error ? e.message : 'Your profile cannot be shown.';
    }
  }

  override render() {
    const p = this.profile;
    if (this.error) return html`${pageHeading(TITLE)}<p class="fw-body">${this.error}</p>`;
    if (!p) return html`${pageHeading(TITLE)}${loadingState()}`;
    const row = (key: string, value: unknown) => html`<div class="fw-summary-list__row"><dt class="fw-summary-list__key">${key}</dt><dd class="fw-summary-list__value">${value}</dd></div>`;
    const allowed = p.transactions.filter((t) => t.allowed).length;
    // Transactions are listed by what the menus call them; those no menu names are counted, never shown by their ids.
    const named = p.transactions.filter((t) => t.label);
    const unnamed = p.transactions.filter((t) => !t.label);
    const unnamedAllowed = unnamed.filter((t) => t.allowed).length;
    return html`${pageHeading(TITLE)}
      <section class="fw-section" aria-labelledby="profile-details">
        <h2 class="fw-heading-m" id="profile-details">Your details</h2>
        <dl class="fw-summary-list">
          ${row('Username', p.username)}
          ${row('Name', [p.firstName, p.lastName].filter(Boolean).join(' ') || p.displayName || 'Not given')}
          ${row('Email address', p.email ?? 'Not given')}
          ${row('Phone number', p.phone ?? 'Not given')}
          ${row('Line manager', p.manager ? p.manager.displayName || p.manager.username : 'None recorded')}
          ${row('Last signed in', p.lastSignInAt ? formatDateTime(p.lastSignInAt) : 'This is your first sign-in')}
        </dl>
      </section>
      <section class="fw-section" aria-labelledby="profile-orgs">
        <h2 class="fw-heading-m" id="profile-orgs">Organisations</h2>
        ${p.organisations.length ? html`<ul class="fw-list">${p.organisations.map((o) => html`<li>${o.name} (${o.code})${o.home ? ' – your home organisation' : ''}</li>`)}</ul>`
          : html`<p class="fw-body">You do not belong to an organisation.</p>`}
      </section>
      <section class="fw-section" aria-labelledby="profile-roles">
        <h2 class="fw-heading-m" id="profile-roles">Roles</h2>
        ${p.roles.length ? html`<ul class="fw-list">${p.roles.map((r) => html`<li>${r.label}</li>`)}</ul>` : html`<p class="fw-body">You have no roles.</p>`}
      </section>
      <section class="fw-section" aria-labelledby="profile-user-ids">
        <h2 class="fw-heading-m" id="profile-user-ids">User IDs you act for</h2>
        ${p.userIds.length ? html`<ul class="fw-list">${p.userIds.map((u) => html`<li>${u.code}${u.name ? ` – ${u.name}` : ''}${u.org ? ` (${u.org.name})` : ''}${u.shared ? ', shared with you by consent' : ''}</li>`)}</ul>`
          : html`<p class="fw-body">You do not act for any User ID.</p>`}
      </section>
      <section class="fw-section" aria-labelledby="profile-transactions">
        <h2 class="fw-heading-m" id="profile-transactions">What you can do</h2>
        <p class="fw-body">You can use ${allowed} of the ${p.transactions.length} interface transactions.</p>
        ${unnamed.length ? html`<p class="fw-body">${unnamed.length === p.transactions.length ? 'None of them has' : `${unnamed.length} of them have`} a page of
          ${unnamed.length === 1 ? 'its' : 'their'} own in the menus (you can use ${unnamedAllowed}): they are the actions and lists those pages offer.</p>` : nothing}
        ${named.length ? html`<div class="fw-table-wrapper" role="region" aria-labelledby="profile-transactions" tabindex="0">
          <table class="fw-table">
            <caption class="fw-visually-hidden">Interface transactions and whether you can use them</caption>
            <thead class="fw-table__head"><tr class="fw-table__row">
              <th scope="col" class="fw-table__header">Interface transaction</th>
              <th scope="col" class="fw-table__header">You can use it</th>
            </tr></thead>
            <tbody class="fw-table__body">
              ${named.map((t) => html`<tr class="fw-table__row">
                <th scope="row" class="fw-table__cell">${t.label}</th>
                <td class="fw-table__cell">${t.allowed ? 'Yes' : 'No'}</td>
              </tr>`)}
            </tbody>
          </table>
        </div>` : nothing}
      </section>
      <section class="fw-section" aria-labelledby="profile-bookmarks">
        <h2 class="fw-heading-m" id="profile-bookmarks">Bookmarks</h2>
        <p class="fw-body" id="bookmarks-status" role="status" tabindex="-1">${this.status}</p>
        ${p.bookmarks.length ? html`<ul class="fw-list fw-bookmarks">${p.bookmarks.map((b) => html`<li class="fw-bookmarks__item">
            <a class="fw-link" href=${b.url}>${b.title}</a>
            <button type="button" class="fw-link-button fw-bookmarks__remove" @click=${() => void this.#remove(b)}>Remove<span class="fw-visually-hidden"> bookmark ${b.title}</span></button>
          </li>`)}</ul>`
          : html`<p class="fw-body">You have no bookmarks. Use “Bookmark this page” at the top of any page to add one.</p>`}
      </section>`;
  }

  async #remove(b: Bookmark) {
    try {
      await removeBookmark(this.api, b.id);
      this.profile = { ...this.profile!, bookmarks: this.profile!.bookmarks.filter((x) => x.id !== b.id) };
      this.status = `The bookmark “${b.title}” has been removed.`;
      this.dispatchEvent(new BookmarksChangedEvent());
    } catch (e) {
      this.status = e instanceof Error ? e.message : 'The bookmark could not be removed.';
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-account-profile': FwAccountProfile;
  }
}
