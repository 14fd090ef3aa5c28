import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { isPlatformAdministrator, type AdminUserSummary, type OrgRef } from '../api/admin.js';
import { ApiError, api } from '../api/client.js';
import { NavigateEvent, PageEvent } from '../events.js';
import { selectInput, textInput } from '../fields/field-parts.js';
import { formatDateTime } from '../format.js';
import { adminUserUrl, withQuery } from '../router.js';
import { currentSession } from '../session-state.js';
import { adminCrumbs, countText, pager, problemBanner, sortHeader, statusTag } from './admin-parts.js';

const LIMIT = 20;
const PATH = '/admin/users';
const STATUSES = [
  { value: 'active', label: 'Active' }, { value: 'locked', label: 'Locked' },
  { value: 'disabled', label: 'Disabled' }, { value: 'deleted', label: 'Deleted' },
];

/**
 * Organisation administration: the accounts of the administrator's organisation (SSI-FR-59) — a search, a
 * sortable, pageable table (username, display name, status, last sign-in) and a link to create a user. Its state
 * lives in the URL (`q`, `status`, `org`, `sort`, `offset`). A platform administrator may pick the organisation.
 *
 * @fires fw-page - title and breadcrumb
 * @fires fw-navigate - a new search, sort or page
 */
@customElement('fw-admin-users')
export class FwAdminUsers extends LitElement {
  /** The page's URL query. */
  @property({ attribute: false }) accessor params = new URLSearchParams();

  @state() private accessor users: AdminUserSummary[] = [];
  @state() private accessor total: number | null = null;
  @state() private accessor loading = true;
  @state() private accessor error = '';
  @state() private accessor orgs: OrgRef[] = [];
  @state() private accessor q = '';
  @state() private accessor status = '';
  @state() private accessor org = '';

  #seq = 0;

  protected override createRenderRoot() {
    return this;
  }

  override connectedCallback() {
    super.connectedCallback();
    this.dispatchEvent(new PageEvent('Users', adminCrumbs({ label: 'Users' })));
    if (isPlatformAdministrator(currentSession())) {
      void api.get<OrgRef[]>('/admin/orgs').then((r) => { this.orgs = r.data; }, () => { this.orgs = []; });
    }
  }

  protected override willUpdate(changed: PropertyValues) {
    if (changed.has('params')) {
      this.q = this.params.get('q') ?? '';
      this.status = this.params.get('status') ?? '';
      this.org = this.params.get('org') ?? '';
      void this.#load();
    }
  }

  get #sort() { return this.params.get('sort') ?? 'username'; }
  get #offset() { return Number(this.params.get('offset')) || 0; }

  async #load() {
    const seq = ++this.#seq;
    this.loading = true;
    try {
      const res = await api.get<AdminUserSummary[]>('/admin/users', {
        query: {
          q: this.params.get('q') || undefined, status: this.params.get('status') || undefined, org: this.params.get('org') || undefined,
          sort: this.#sort, limit: LIMIT, offset: this.#offset || undefined,
        },
      });
      if (seq !== this.#seq) return;
      this.users = res.data;
      this.total = (res.body.meta as { total?: number } | undefined)?.total ?? null;
      this.error = '';
    } catch (e) {
      if (seq !== this.#seq) return;
      this.users = [];
      this.total = null;
      this.error = e instanceof ApiError && e.status === 403 ? 'You do not have access to user administration.' : e instanceof Error ? e.message : 'The users cannot be shown.';
    } finally {
      if (seq === this.#seq) this.loading = false;
    }
  }

  override render() {
    return html`<div class="fw-list-header">
        <h1 class="fw-heading-l" id="users-heading">Users</h1>
        <a class="fw-button fw-list-header__new" href="/admin/users/new">Create a user</a>
      </div>
      <form class="fw-search" role="search" aria-label="Users" novalidate @submit=${this.#search}>
        ${textInput({ id: 'users-q', name: 'q', label: 'Search by username or name', value: this.q, error: null, spellcheck: false,
          widthClass: 'fw-input--width-20', onInput: (v) => { this.q = v; } })}
        ${selectInput({ id: 'users-status', name: 'status', label: 'Status', value: this.status, options: STATUSES, placeholder: 'Any status',
          error: null, onChange: (v) => { this.status = v; } })}
        ${this.orgs.length ? selectInput({ id: 'users-org', name: 'org', label: 'Organisation', value: this.org, placeholder: 'All organisations',
          options: this.orgs.map((o) => ({ value: o.code, label: `${o.name} (${o.code})` })), error: null, onChange: (v) => { this.org = v; } }) : nothing}
        <button type="submit" class="fw-button fw-button--secondary">Search</button>
      </form>
      ${this.error ? problemBanner(this.error) : nothing}
      <p class="fw-body fw-list__count" role="status">${this.loading ? 'Loading…' : this.error ? '' : countText(this.#offset, this.users.length, this.total, 'users')}</p>
      ${this.users.length ? this.#table() : nothing}
      ${pager(this.#offset, LIMIT, this.total, this.users.length, (offset) => this.#url({ offset: offset || null }))}`;
  }

  #table() {
    const sort = this.#sort;
    const onSort = (s: string) => this.dispatchEvent(new NavigateEvent(this.#url({ sort: s, offset: null }), true));
    const labels: Record<string, string> = { username: 'username', displayName: 'name', status: 'status', lastSignInAt: 'last sign-in' };
    const field = sort.replace(/^[-+]/, '');
    return html`<div class="fw-table-wrapper" role="region" aria-labelledby="users-heading" tabindex="0">
      <table class="fw-table">
        <caption class="fw-visually-hidden">Users, sorted by ${labels[field] ?? field} ${sort.startsWith('-') ? 'descending' : 'ascending'}</caption>
        <thead class="fw-table__head"><tr class="fw-table__row">
          ${sortHeader('Username', 'username', sort, onSort)}
          ${sortHeader('Name', 'displayName', sort, onSort)}
          ${sortHeader('Status', 'status', sort, onSort)}
          ${sortHeader('Last signed in', 'lastSignInAt', sort, onSort)}
          ${this.orgs.length ? html`<th scope="col" class="fw-table__header">Organisation</th>` : nothing}
        </tr></thead>
        <tbody class="fw-table__body">
          ${this.users.map((u) => html`<tr class="fw-table__row">
            <th scope="row" class="fw-table__cell"><a class="fw-link" href=${adminUserUrl(u.id)}>${u.username}</a></th>
            <td class="fw-table__cell">${u.displayName ?? ''}</td>
            <td class="fw-table__cell">${statusTag(u.status)}</td>
            <td class="fw-table__cell">${u.lastSignInAt ? formatDateTime(u.lastSignInAt) : html`<span class="fw-secondary-text">Never</span>`}</td>
            ${this.orgs.length ? html`<td class="fw-table__cell">${u.org?.code ?? ''}</td>` : nothing}
          </tr>`)}
        </tbody>
      </table>
    </div>`;
  }

  /** This page's URL with the current query changed by `patch` (null removes a parameter). */
  #url(patch: Record<string, string | number | null>): string {
    const query: Record<string, string | number | null> = {};
    for (const [k, v] of this.params) query[k] = v;
    return withQuery(PATH, { ...query, ...patch });
  }

  #search = (e: Event) => {
    e.preventDefault();
    this.dispatchEvent(new NavigateEvent(this.#url({ q: this.q.trim() || null, status: this.status || null, org: this.org || null, offset: null })));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-admin-users': FwAdminUsers;
  }
}
