import { html, nothing, type PropertyValues } from 'lit';
import { consume } from '@lit/context';
import { Task, TaskStatus } from '@lit/task';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { isPlatformAdministrator, type AdminUserSummary, type OrgRef } from '../api/admin.js';
import { ApiError, type ApiClient } from '../api/client.js';
import { NavigateEvent, PageEvent } from '../events.js';
import { selectInput, textInput } from '../fields/field-parts.js';
import { formatDateTime } from '../format.js';
import { isLoading } from '../page-state.js';
import { adminUserUrl, withQuery } from '../router.js';
import { adminCrumbs, countText, pager, problemBanner, sortHeader, statusTag } from './admin-parts.js';
import type { SessionInfo } from '../api/types.js';
import { apiContext, sessionContext } from '../contexts.js';

const LIMIT = 20;
const PATH = '/admin/users';
const STATUSES = [
  { value: 'active', label: 'Active' }, { value: 'locked', label: 'Locked' },
  { value: 'disabled', label: 'Disabled' }, { value: 'deleted', label: 'Deleted' },
];

/**
 * Organisation administration: the accounts of the administrator's organisation — a search, a
 * sortable, pageable table (username, display name, status, last sign-in) and a link to create a user. Its state
 * lives in the URL (`q`, `status`, `org`, `sort`, `offset`). A platform administrator may pick the organisation.
 *
 * @fires fw-page - title and breadcrumb
 * @fires fw-navigate - a new search, sort or page
 */
@customElement('fw-admin-users')
export class FwAdminUsers extends LightElement {
  /** The page's URL query. */
  @property({ attribute: false }) accessor params = new URLSearchParams();

  /** The signed-in person's session. */
  @consume({ context: sessionContext, subscribe: true }) @state() private accessor session: SessionInfo | null = null;
  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor orgs: OrgRef[] = [];
  @state() private accessor q = '';
  @state() private accessor status = '';
  @state() private accessor org = '';

  /** The page of users the URL asks for (an older query's late answer is dropped by the task). */
  #users = new Task(this, {
    args: () => [this.api, this.params] as const,
    task: async ([api, params], { signal }) => {
      const res = await api.get<AdminUserSummary[]>('/admin/users', {
        query: {
          q: params.get('q') || undefined, status: params.get('status') || undefined, org: params.get('org') || undefined,
          sort: this.#sort, limit: LIMIT, offset: this.#offset || undefined,
        },
        signal,
      });
      return { users: res.data, total: (res.body.meta as { total?: number } | undefined)?.total ?? null };
    },
  });

  override connectedCallback() {
    super.connectedCallback();
    this.dispatchEvent(new PageEvent('Users', adminCrumbs({ label: 'Users' })));
    if (isPlatformAdministrator(this.session)) {
      void this.api.get<OrgRef[]>('/admin/orgs').then((r) => { this.orgs = r.data; }, () => { this.orgs = []; });
    }
  }

  protected override willUpdate(changed: PropertyValues) {
    if (changed.has('params')) {
      this.q = this.params.get('q') ?? '';
      this.status = this.params.get('status') ?? '';
      this.org = this.params.get('org') ?? '';
    }
  }

  get #sort() { return this.params.get('sort') ?? 'username'; }
  get #offset() { return Number(this.params.get('offset')) || 0; }

  override render() {
    const users = this.#users.value?.users ?? [];
    const total = this.#users.value?.total ?? null;
    const error = this.#users.status === TaskStatus.ERROR ? this.#errorText(this.#users.error) : '';
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
      ${error ? problemBanner(error) : nothing}
      <p class="fw-body fw-list__count" role="status">${isLoading(this.#users) ? 'Loading…' : error ? '' : countText(this.#offset, users.length, total, 'users')}</p>
      ${users.length ? this.#table(users) : nothing}
      ${pager(this.#offset, LIMIT, total, users.length, (offset) => this.#url({ offset: offset || null }))}`;
  }

  #errorText(e: unknown): string {
    return e instanceof ApiError && e.status === 403 ? 'You do not have access to user administration.' : e instanceof Error ? e.message : 'The users cannot be shown.';
  }

  #table(users: AdminUserSummary[]) {
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
          ${users.map((u) => html`<tr class="fw-table__row">
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
    this.dispatchEvent(new NavigateEvent(this.#url({
      q: this.q.trim() || null, status: this.status || null, org: this.org || null, offset: null,
    })));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-admin-users': FwAdminUsers;
  }
}
