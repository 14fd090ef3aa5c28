import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { consume } from '@lit/context';
import { customElement, property, state } from 'lit/decorators.js';
import { DirtyFlag } from '../form/dirty.js';
import { LightElement } from '../light-element.js';
import type { AccountSession, AdminRole, AdminUser, OrgUserId } from '../api/admin.js';
import { ApiError, type ApiClient } from '../api/client.js';
import { PageEvent } from '../events.js';
import { takeFlash } from '../flash.js';
import { fieldProblem, FormProblems, noProblems } from '../form-problems.js';
import { formatDateTime } from '../format.js';
import { ACCOUNT_FIELDS, accountBody, accountFields, checkAccount, emptyAccount, type AccountValues } from './account-fields.js';
import { adminCrumbs, confirmation, problemBanner, statusTag, successBanner } from './admin-parts.js';
import { enableUser, mightEnable, revokeUser } from '../api/inactivity.js';
import { actionPanel, reasonField } from './revocation-parts.js';
import { personLabel } from './fw-user-picker.js';
import type { SessionInfo } from '../api/types.js';
import { apiContext, sessionContext } from '../contexts.js';

type Action = 'unlock' | 'disable' | 'enable' | 'reset' | 'revoke' | 'delete' | 'revoke-access';
/** Actions asked in a panel with a reason: revoking access, enabling again (POST /api/users/:id/revoke|enable). */
type ReasonAction = 'revoke-access' | 'enable';
type Notice = { kind: 'success' | 'problem'; text: string };

/** Actions that ask first, with what they will do. */
const CONFIRM: Partial<Record<Action, { title: (u: string) => string; body: string; label: string }>> = {
  reset: {
    title: (u) => `Reset the password of ${u}?`,
    body: 'Their current password stops working at once and they are signed out everywhere. We will email them a link to choose a new password.',
    label: 'Yes, reset the password',
  },
  delete: {
    title: (u) => `Delete the account ${u}?`,
    body: 'They will be signed out and cannot sign in again. Their API tokens, links and access grants stop working. The username stays taken. The deletion is recorded in the audit trail.',
    label: 'Yes, delete the account',
  },
  disable: {
    title: (u) => `Disable the account ${u}?`,
    body: 'They will be signed out and cannot sign in until the account is enabled again. Their API tokens are revoked for good: '
      + 'enabling the account does not bring them back, they make new ones. The change is recorded in the audit trail.',
    label: 'Yes, disable the account',
  },
};

/**
 * Organisation administration: one account. Its facts, a form to edit names, email, phone, line manager, roles
 * and party codes (PATCH /api/admin/users/:id), and actions: unlock, disable, revoke access (with a reason), enable
 * again (offered only to those who might), reset the password (a new link is mailed), end its sessions, and delete —
 * the destructive ones after a confirmation in the page.
 *
 * @fires fw-page - title and breadcrumb
 * @fires fw-error-state - the error summary appeared or went away
 * @fires fw-dirty - edits not yet saved
 */
@customElement('fw-admin-user')
export class FwAdminUser extends LightElement {
  /** The account's id. */
  @property() accessor userId = '';

  /** The signed-in person's session. */
  @consume({ context: sessionContext, subscribe: true }) @state() private accessor session: SessionInfo | null = null;
  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor user: AdminUser | null = null;
  @state() private accessor loadError = '';
  @state() private accessor values: AccountValues = emptyAccount();
  @state() private accessor roles: AdminRole[] = [];
  @state() private accessor userIds: OrgUserId[] = [];
  @state() private accessor sessions: AccountSession[] = [];
  @state() private accessor notice: Notice | null = null;
  @state() private accessor confirming: Action | null = null;
  /** The reason panel open (revoke access, enable again), and its reason. */
  @state() private accessor asking: ReasonAction | null = null;
  @state() private accessor reason = '';

  #form = new FormProblems(this, { fields: ACCOUNT_FIELDS, prefix: 'user' });
  #reasonForm = new FormProblems(this, { fields: ['reason'], prefix: 'account' });

  #dirty = new DirtyFlag(this);

  protected override willUpdate(changed: PropertyValues) {
    if (changed.has('userId')) {
      const flash = takeFlash();
      this.notice = flash ? { kind: /could not be sent/.test(flash) ? 'problem' : 'success', text: flash } : null;
      void this.#load();
    }
  }

  protected override updated(changed: PropertyValues) {
    if (changed.has('notice') && this.notice) this.querySelector<HTMLElement>('.fw-notification-banner')?.focus();
    if ((changed.has('confirming') && this.confirming) || (changed.has('asking') && this.asking)) {
      this.querySelector<HTMLElement>('.fw-confirm__title')?.focus();
    }
  }

  async #load(): Promise<void> {
    try {
      const { data } = await this.api.get<AdminUser>(`/admin/users/${encodeURIComponent(this.userId)}`);
      const [roles, ids, sessions] = await Promise.all([
        this.api.get<AdminRole[]>('/admin/roles').then((r) => r.data, () => []),
        this.api.get<OrgUserId[]>('/admin/org-user-ids', { query: { org: data.org?.id } }).then((r) => r.data, () => []),
        data.status === 'deleted' ? [] : this.api.get<AccountSession[]>(`/admin/users/${encodeURIComponent(this.userId)}/sessions`).then((r) => r.data, () => []),
      ]);
      this.user = data;
      this.roles = roles;
      // User IDs the person holds stay listed even when no longer active, so they can be removed.
      this.userIds = ids.filter((u) => u.status === 'active' || data.userIds.includes(u.code));
      this.sessions = sessions;
      this.values = {
        firstName: data.firstName ?? '', lastName: data.lastName ?? '', email: data.email ?? '', phone: data.phone ?? '',
        manager: data.manager ? { id: data.manager.id, label: personLabel(data.manager) } : null,
        roles: new Set(data.roles), userIds: new Set(data.userIds),
      };
      this.#dirty.set(false);
      this.loadError = '';
      this.dispatchEvent(new PageEvent(`User ${data.username}`, adminCrumbs({ label: 'Users', href: '/admin/users' }, { label: data.username })));
    } catch (e) {
      this.user = null;
      this.loadError = e instanceof ApiError && (e.status === 404 || e.status === 403)
        ? 'The user does not exist, or is not in an organisation you administer.'
        : e instanceof Error ? e.message : 'The user cannot be shown.';
      this.dispatchEvent(new PageEvent('User not found', adminCrumbs({ label: 'Users', href: '/admin/users' }, { label: 'User not found' })));
    }
  }

  override render() {
    if (this.loadError) {
      return html`<h1 class="fw-heading-l">User not found</h1><p class="fw-body">${this.loadError}</p>
        <p class="fw-body"><a class="fw-link" href="/admin/users">Go to the list of users</a></p>`;
    }
    const u = this.user;
    if (!u) return html`<p class="fw-body">Loading…</p>`;
    const deleted = u.status === 'deleted';
    return html`
      ${this.notice ? (this.notice.kind === 'success' ? successBanner(this.notice.text) : problemBanner(this.notice.text)) : nothing}
      <fw-error-summary .items=${[...this.#reasonForm.items, ...this.#form.items]}></fw-error-summary>
      <h1 class="fw-heading-l"><span class="fw-caption-l">User</span>${u.displayName || u.username}</h1>
      ${this.#facts(u)}
      ${deleted ? html`<p class="fw-body">This account was deleted${u.deletedAt ? ` on ${formatDateTime(u.deletedAt)}` : ''}. It cannot be changed.</p>` : html`
        ${this.confirming ? this.#confirmation(u) : nothing}
        ${this.asking ? this.#reasonPanel(u, this.asking) : nothing}
        <section class="fw-section" aria-labelledby="user-actions-heading">
          <h2 class="fw-heading-m" id="user-actions-heading">Account actions</h2>
          ${this.#actions(u)}
        </section>
        <section class="fw-section" aria-labelledby="user-edit-heading">
          <h2 class="fw-heading-m" id="user-edit-heading">Change details</h2>
          <form class="fw-form fw-form--narrow" novalidate @submit=${this.#save}>
            ${accountFields({ prefix: 'user', values: this.values, problems: this.#form.problems, roles: this.roles, userIds: this.userIds,
              org: u.org?.id, self: u.id,
              onChange: (patch) => { this.values = { ...this.values, ...patch }; this.#dirty.set(true); } })}
            <button type="submit" class="fw-button" ?disabled=${this.#form.busy}>Save changes</button>
          </form>
        </section>`}`;
  }

  #facts(u: AdminUser) {
    const row = (key: string, value: unknown) => html`<div class="fw-summary-list__row"><dt class="fw-summary-list__key">${key}</dt><dd class="fw-summary-list__value">${value}</dd></div>`;
    return html`<dl class="fw-summary-list fw-section">
      ${row('Username', u.username)}
      ${row('Status', statusTag(u.status))}
      ${row('Organisation', u.org ? `${u.org.name} (${u.org.code})` : 'None')}
      ${u.orgs.length ? row('Other organisations', u.orgs.map((o) => `${o.name} (${o.code})`).join(', ')) : nothing}
      ${row('Line manager', u.manager ? personLabel(u.manager) : 'None')}
      ${row('Last signed in', u.lastSignInAt ? formatDateTime(u.lastSignInAt) : 'Never')}
      ${row('Password', u.mustChangePassword ? 'Not chosen yet, or must be changed at next sign-in' : 'Set')}
      ${row('Authenticator app', u.mfaEnrolled ? 'Set up' : 'Not set up')}
      ${u.failedAttempts ? row('Failed sign-in attempts', String(u.failedAttempts)) : nothing}
      ${u.status !== 'deleted' ? row('Active sessions', String(this.sessions.length)) : nothing}
      ${row('API tokens in use', String(u.apiTokens))}
      ${row('Created', formatDateTime(u.createdAt))}
    </dl>`;
  }

  #actions(u: AdminUser) {
    const self = this.session?.user.id === u.id;
    const button = (action: Action, label: string, cls = 'fw-button--secondary'): TemplateResult =>
      html`<button type="button" class="fw-button ${cls}" data-action=${action} ?disabled=${this.#form.busy} @click=${() => this.#ask(action)}>${label}</button>`;
    return html`<div class="fw-button-group">
      ${u.status === 'locked' ? button('unlock', 'Unlock account') : nothing}
      ${u.status === 'disabled' ? (mightEnable(this.session) ? button('enable', 'Enable again') : nothing)
        : self ? nothing : button('disable', 'Disable account')}
      ${u.status === 'disabled' || self ? nothing : button('revoke-access', 'Revoke access', 'fw-button--warning')}
      ${button('reset', 'Reset password')}
      ${this.sessions.length ? button('revoke', 'Sign out everywhere') : nothing}
      ${self ? nothing : button('delete', 'Delete account', 'fw-button--warning')}
    </div>`;
  }

  #confirmation(u: AdminUser) {
    const c = CONFIRM[this.confirming!]!;
    return confirmation({
      title: c.title(u.username), body: c.body, confirmLabel: c.label, busy: this.#form.busy,
      onConfirm: () => void this.#run(this.confirming!),
      onCancel: () => this.#cancel(),
    });
  }

  #ask(action: Action) {
    this.notice = null;
    this.#reasonForm.clear();
    if (action === 'revoke-access' || action === 'enable') {
      this.confirming = null;
      this.reason = '';
      this.asking = action;
    } else if (CONFIRM[action]) {
      this.asking = null;
      this.confirming = action;
    } else void this.#run(action);
  }

  /** Revoke access (the reason required) or enable again (a reason optional), asked in the page. */
  #reasonPanel(u: AdminUser, action: ReasonAction) {
    const name = u.displayName || u.username;
    const revoke = action === 'revoke-access';
    return actionPanel({
      id: 'account-reason', warning: revoke, busy: this.#reasonForm.busy,
      title: revoke ? `Revoke the access of ${name}?` : `Enable the account of ${name} again?`,
      body: revoke
        ? 'They are signed out at once and cannot sign in again until the account is enabled. Their API tokens stop working for good. '
        + 'The revocation and its reason are recorded in the account\'s audit history, and they and their organisation\'s administrators are told.'
        : 'They can sign in again at once, and a new period of activity starts. Enabling is recorded in the account\'s audit history.',
      confirmLabel: revoke ? 'Yes, revoke access' : 'Yes, enable the account',
      fields: reasonField({
        id: 'account-reason', label: revoke ? 'Reason' : 'Reason (optional)', mandatory: revoke, value: this.reason,
        hint: revoke ? 'Say why, in words they and the administrators will read.' : undefined,
        error: this.#reasonForm.error('reason'), onInput: (v) => { this.reason = v; },
      }),
      onConfirm: () => void this.#runWithReason(u, action),
      onCancel: () => void this.#cancel(),
    });
  }

  async #runWithReason(u: AdminUser, action: ReasonAction) {
    const reason = this.reason.trim();
    if (action === 'revoke-access' && await this.#reasonForm.check(reason ? noProblems() : fieldProblem('reason', 'Enter the reason for revoking access'))) return;
    await this.#reasonForm.submit(async () => {
      let text: string;
      if (action === 'enable') {
        await enableUser(this.api, u.id, reason);
        text = `The account ${u.username} has been enabled again.`;
      } else {
        const result = await revokeUser(this.api, u.id, reason);
        text = result.outcome === 'revoked'
          ? `The access of ${u.username} has been revoked. They have been signed out everywhere.`
          : `Your request to revoke the access of ${u.username} is waiting for approval by an administrator of their organisation. Nothing changes until then.`;
      }
      this.asking = null;
      this.#reasonForm.clear();
      await this.#load();
      this.notice = { kind: 'success', text };
    }, (e) => {
      // Refusals that belong to no field (not allowed, already disabled, a request already waiting) close the panel.
      if (e instanceof ApiError && e.errors.some((p) => p.field.replace(/^\//, '') === 'reason')) return undefined;
      this.asking = null;
      this.notice = { kind: 'problem', text: e instanceof ApiError ? e.message : 'The action failed.' };
      return null;
    });
  }

  async #cancel() {
    const action = this.confirming ?? this.asking;
    this.confirming = null;
    this.asking = null;
    this.#reasonForm.clear();
    await this.updateComplete;
    this.querySelector<HTMLElement>(`[data-action="${action}"]`)?.focus();
  }

  async #run(action: Action) {
    const u = this.user!;
    const path = `/admin/users/${encodeURIComponent(u.id)}`;
    await this.#form.submit(async () => {
      let text = '';
      switch (action) {
        case 'unlock':
          await this.api.post(`${path}/unlock`);
          text = `The account ${u.username} has been unlocked.`;
          break;
        case 'disable':
          await this.api.patch(path, { status: 'disabled' });
          text = `The account ${u.username} has been disabled.`;
          break;
        case 'reset': {
          const { data } = await this.api.post<{ sentTo: string }>(`${path}/reset-password`);
          text = `The password of ${u.username} has been reset. We have sent a link to choose a new one to ${data.sentTo}.`;
          break;
        }
        case 'revoke': {
          const { data } = await this.api.post<{ revoked: number }>(`${path}/revoke-sessions`);
          text = `${u.username} has been signed out everywhere (${data.revoked} ${data.revoked === 1 ? 'session' : 'sessions'} ended).`;
          break;
        }
        case 'delete':
          await this.api.request('DELETE', path);
          text = `The account ${u.username} has been deleted.`;
          break;
        default:
          return;
      }
      this.confirming = null;
      await this.#load();
      this.notice = { kind: 'success', text };
    }, (e) => {
      this.confirming = null;
      this.notice = { kind: 'problem', text: e instanceof Error ? e.message : 'The action failed.' };
      return null;
    });
  }

  #save = async (e: Event) => {
    e.preventDefault();
    this.notice = null;
    const problems = noProblems();
    checkAccount(this.values, problems);
    if (await this.#form.check(problems)) return;
    await this.#form.submit(async () => {
      await this.api.patch(`/admin/users/${encodeURIComponent(this.user!.id)}`, accountBody(this.values));
      this.#form.clear();
      await this.#load();
      this.notice = { kind: 'success', text: `The details of ${this.user?.username ?? 'the user'} have been saved.` };
    });
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-admin-user': FwAdminUser;
  }
}
