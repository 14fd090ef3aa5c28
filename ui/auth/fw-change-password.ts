import { html } from 'lit';
import { consume } from '@lit/context';
import { customElement, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';

import type { SessionInfo } from '../api/types.js';
import { PageEvent, SessionEvent } from '../events.js';
import { textInput } from '../fields/field-parts.js';
import { FormProblems, signOutIfSessionLost, noProblems } from '../form-problems.js';
import type { ApiClient } from '../api/client.js';
import { apiContext } from '../contexts.js';

const FIELDS = ['current', 'new', 'confirm'] as const;
/** The server's policy (platform/access/identity/passwords.ts): 12 to 128 characters, not the username. */
const MIN_LENGTH = 12;

/**
 * Sign in, forced password change (POST /api/auth/password {current, new}): current password, new password
 * and its confirmation. The server's field errors (`current`, `new`) show inline.
 *
 * @fires fw-session - the session after the change (next stage)
 * @fires fw-page - title and breadcrumb
 * @fires fw-error-state - the error summary appeared or went away
 */
@customElement('fw-change-password')
export class FwChangePassword extends LightElement {
  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor current = '';
  @state() private accessor next = '';
  @state() private accessor confirm = '';

  #form = new FormProblems(this, { fields: FIELDS, prefix: 'password' });

  override connectedCallback() {
    super.connectedCallback();
    this.dispatchEvent(new PageEvent('Choose a new password', [{ label: 'Sign in', href: '/sign-in' }, { label: 'Choose a new password' }]));
  }

  override render() {
    const form = this.#form;
    return html`
      <fw-error-summary .items=${form.items}></fw-error-summary>
      <h1 class="fw-heading-l">Choose a new password</h1>
      <p class="fw-body">You need to choose a new password before you continue.</p>
      <form class="fw-form fw-form--narrow" novalidate @submit=${this.#submit}>
        ${textInput({ id: 'password-current', name: 'current', label: 'Current password', type: 'password', value: this.current,
          error: form.error('current'), autocomplete: 'current-password', onInput: (v) => { this.current = v; } })}
        ${textInput({ id: 'password-new', name: 'new', label: 'New password', type: 'password', value: this.next,
          hint: `Use at least ${MIN_LENGTH} characters. A few unrelated words make a strong password. Do not use your username.`,
          error: form.error('new'), autocomplete: 'new-password', onInput: (v) => { this.next = v; } })}
        ${textInput({ id: 'password-confirm', name: 'confirm', label: 'Confirm new password', type: 'password', value: this.confirm,
          error: form.error('confirm'), autocomplete: 'new-password', onInput: (v) => { this.confirm = v; } })}
        <button type="submit" class="fw-button" ?disabled=${form.busy}>Change password</button>
      </form>`;
  }

  #submit = async (e: Event) => {
    e.preventDefault();
    const problems = noProblems();
    if (!this.current) problems.fields.set('current', 'Enter your current password');
    if (!this.next) problems.fields.set('new', 'Enter a new password');
    else if ([...this.next].length < MIN_LENGTH) problems.fields.set('new', `Your new password must be at least ${MIN_LENGTH} characters`);
    if (this.next && this.confirm !== this.next) problems.fields.set('confirm', 'The passwords do not match');
    if (await this.#form.check(problems)) return;
    await this.#form.submit(async () => {
      const { data } = await this.api.post<SessionInfo>('/auth/password', { current: this.current, new: this.next });
      this.#form.clear();
      this.dispatchEvent(new SessionEvent(data));
    }, (err) => (signOutIfSessionLost(this, err) ? null : undefined));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-change-password': FwChangePassword;
  }
}
