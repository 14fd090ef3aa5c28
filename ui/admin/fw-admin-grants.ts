import { html, nothing, type PropertyValues } from 'lit';
import { consume } from '@lit/context';
import { customElement, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { sharedWith, type AccessGrant, type AdminUserSummary, type Consent, type OrgRef } from '../api/admin.js';

import { PageEvent } from '../events.js';
import { selectInput } from '../fields/field-parts.js';
import { FormProblems, noProblems } from '../form-problems.js';
import { formatDateTime } from '../format.js';
import { adminCrumbs, problemBanner, successBanner, tag } from './admin-parts.js';
import type { ApiClient } from '../api/client.js';
import type { SessionInfo } from '../api/types.js';
import { apiContext, sessionContext } from '../contexts.js';

const TITLE = 'Access to shared User IDs';
const FIELDS = ['userId', 'userIdCode'] as const;

/**
 * Organisation administration: give a person of this organisation access to a User ID another organisation shares
 * with it (allowed by the server only while both sides' consents are in force), and withdraw such access.
 *
 * @fires fw-page - title and breadcrumb
 * @fires fw-error-state - the error summary appeared or went away
 */
@customElement('fw-admin-grants')
export class FwAdminGrants extends LightElement {
  /** The signed-in person's session. */
  @consume({ context: sessionContext, subscribe: true }) @state() private accessor session: SessionInfo | null = null;
  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor grants: AccessGrant[] = [];
  @state() private accessor users: AdminUserSummary[] = [];
  @state() private accessor consents: Consent[] = [];
  @state() private accessor orgs: OrgRef[] = [];
  @state() private accessor person = '';
  @state() private accessor code = '';
  @state() private accessor notice: { kind: 'success' | 'problem'; text: string } | null = null;
  @state() private accessor loading = true;

  #form = new FormProblems(this, { fields: FIELDS, prefix: 'grant' });

  override connectedCallback() {
    super.connectedCallback();
    this.dispatchEvent(new PageEvent(TITLE, adminCrumbs({ label: TITLE })));
    void this.#load();
  }

  protected override updated(changed: PropertyValues) {
    if (changed.has('notice') && this.notice) this.querySelector<HTMLElement>('.fw-notification-banner')?.focus();
  }

  async #load() {
    try {
      const [grants, users, consents, orgs] = await Promise.all([
        this.api.get<AccessGrant[]>('/admin/access-grants'),
        this.api.get<AdminUserSummary[]>('/admin/users', { query: { status: 'active', limit: 200 } }),
        this.api.get<Consent[]>('/admin/consents'),
        this.api.get<OrgRef[]>('/admin/orgs'),
      ]);
      this.grants = grants.data;
      this.users = users.data;
      this.consents = consents.data;
      this.orgs = orgs.data;
    } catch (e) {
      this.notice = { kind: 'problem', text: e instanceof Error ? e.message : 'The access grants cannot be shown.' };
    } finally {
      this.loading = false;
    }
  }

  #person(id: string): string {
    const u = this.users.find((x) => x.id === id);
    return u ? (u.displayName ? `${u.displayName} (${u.username})` : u.username) : `Person ${id.slice(0, 8)}`;
  }

  override render() {
    const shared = sharedWith(this.consents, this.session?.user.orgId ?? '');
    return html`
      ${this.notice ? (this.notice.kind === 'success' ? successBanner(this.notice.text) : problemBanner(this.notice.text)) : nothing}
      <fw-error-summary .items=${this.#form.items}></fw-error-summary>
      <h1 class="fw-heading-l">${TITLE}</h1>
      <p class="fw-body">You can give people of your organisation access to User IDs that another organisation shares with yours. Both organisations must have recorded consent first, on the <a class="fw-link" href="/admin/consents">consents page</a>.</p>
      <section class="fw-section" aria-labelledby="grants-list-heading">
        <h2 class="fw-heading-m" id="grants-list-heading">Access given</h2>
        ${this.loading ? html`<p class="fw-body">Loading…</p>` : this.grants.length ? this.#table() : html`<p class="fw-body">Nobody in your organisation has access to shared User IDs.</p>`}
      </section>
      <section class="fw-section" aria-labelledby="grant-form-heading">
        <h2 class="fw-heading-m" id="grant-form-heading">Give access</h2>
        ${this.loading ? nothing : shared.length ? this.#grantForm(shared) : html`<div class="fw-inset-text">No User IDs are shared with your organisation at the moment.</div>`}
      </section>`;
  }

  #table() {
    return html`<div class="fw-table-wrapper" role="region" aria-labelledby="grants-list-heading" tabindex="0">
      <table class="fw-table">
        <thead class="fw-table__head"><tr class="fw-table__row">
          <th scope="col" class="fw-table__header">Person</th>
          <th scope="col" class="fw-table__header">User ID</th>
          <th scope="col" class="fw-table__header">Given</th>
          <th scope="col" class="fw-table__header">Status</th>
          <th scope="col" class="fw-table__header"><span class="fw-visually-hidden">Actions</span></th>
        </tr></thead>
        <tbody class="fw-table__body">
          ${this.grants.map((g) => html`<tr class="fw-table__row">
            <th scope="row" class="fw-table__cell">${this.#person(g.userId)}</th>
            <td class="fw-table__cell">${g.userIdCode}</td>
            <td class="fw-table__cell">${formatDateTime(g.grantedAt)}</td>
            <td class="fw-table__cell">${g.revokedAt ? tag('Withdrawn', 'grey') : g.active ? tag('In force', 'green') : tag('Consent ended', 'red')}</td>
            <td class="fw-table__cell">${g.revokedAt ? nothing : html`<button type="button" class="fw-link-button" ?disabled=${this.#form.busy} @click=${() => void this.#withdraw(g)}>Withdraw<span class="fw-visually-hidden"> access of ${this.#person(g.userId)} to ${g.userIdCode}</span></button>`}</td>
          </tr>`)}
        </tbody>
      </table>
    </div>`;
  }

  #grantForm(shared: { code: string; grantorOrgId: string }[]) {
    const form = this.#form;
    const orgName = (id: string) => this.orgs.find((o) => o.id === id)?.name ?? id;
    return html`<form class="fw-form fw-form--narrow" novalidate @submit=${this.#grant}>
      ${selectInput({ id: 'grant-userId', name: 'userId', label: 'Person', value: this.person, placeholder: 'Choose a person', error: form.error('userId'),
        options: this.users.map((u) => ({ value: u.id, label: u.displayName ? `${u.displayName} (${u.username})` : u.username })),
        onChange: (v) => { this.person = v; } })}
      ${selectInput({ id: 'grant-userIdCode', name: 'userIdCode', label: 'Shared User ID', value: this.code, placeholder: 'Choose a User ID', error: form.error('userIdCode'),
        options: shared.map((s) => ({ value: s.code, label: `${s.code} (shared by ${orgName(s.grantorOrgId)})` })),
        onChange: (v) => { this.code = v; } })}
      <button type="submit" class="fw-button" ?disabled=${this.#form.busy}>Give access</button>
    </form>`;
  }

  #grant = async (e: Event) => {
    e.preventDefault();
    this.notice = null;
    const problems = noProblems();
    if (!this.person) problems.fields.set('userId', 'Choose the person to give access to');
    if (!this.code) problems.fields.set('userIdCode', 'Choose the User ID');
    if (await this.#form.check(problems)) return;
    await this.#form.submit(async () => {
      await this.api.post('/admin/access-grants', { userId: this.person, userIdCode: this.code });
      const text = `${this.#person(this.person)} now has access to ${this.code}.`;
      this.person = '';
      this.code = '';
      this.#form.clear();
      await this.#load();
      this.notice = { kind: 'success', text };
    });
  };

  async #withdraw(g: AccessGrant) {
    this.notice = null;
    await this.#form.submit(async () => {
      await this.api.request('DELETE', `/admin/access-grants/${encodeURIComponent(g.id)}`);
      await this.#load();
      this.notice = { kind: 'success', text: `The access of ${this.#person(g.userId)} to ${g.userIdCode} has been withdrawn.` };
    }, (e) => {
      this.notice = { kind: 'problem', text: e instanceof Error ? e.message : 'The access could not be withdrawn.' };
      return null;
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-admin-grants': FwAdminGrants;
  }
}
