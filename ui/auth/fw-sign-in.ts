import { html, nothing } from 'lit';
import { consume } from '@lit/context';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { ApiError, type ApiClient } from '../api/client.js';
import type { SessionInfo } from '../api/types.js';
import { PageEvent, SessionEvent } from '../events.js';
import { textInput } from '../fields/field-parts.js';
import { FormProblems, fieldProblem, noProblems } from '../form-problems.js';
import { apiContext } from '../contexts.js';

const FIELDS = ['username', 'password'] as const;

/**
 * Sign in, step one: username and password (POST /api/auth/sign-in). On success the session moves on to MFA.
 *
 * @fires fw-session - the new session (at its MFA stage)
 * @fires fw-page - title and breadcrumb
 * @fires fw-error-state - the error summary appeared or went away
 */
@customElement('fw-sign-in')
export class FwSignIn extends LightElement {
  /** A message to show above the form (signed out, timed out). */
  @property() accessor message = '';

  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor username = '';
  @state() private accessor password = '';

  #form = new FormProblems(this, { fields: FIELDS, prefix: 'sign-in' });

  override connectedCallback() {
    super.connectedCallback();
    this.dispatchEvent(new PageEvent('Sign in', [{ label: 'Sign in' }]));
  }

  override render() {
    const form = this.#form;
    return html`
      ${this.message ? html`<div class="fw-notification-banner" role="status">
        <div class="fw-notification-banner__header"><h2 class="fw-notification-banner__title">Important</h2></div>
        <div class="fw-notification-banner__content"><p class="fw-notification-banner__heading">${this.message}</p></div>
      </div>` : nothing}
      <fw-error-summary .items=${form.items}></fw-error-summary>
      <h1 class="fw-heading-l">Sign in</h1>
      <form class="fw-form fw-form--narrow" novalidate @submit=${this.#submit}>
        ${textInput({ id: 'sign-in-username', name: 'username', label: 'Username', value: this.username, error: form.error('username'),
          autocomplete: 'username', spellcheck: false, onInput: (v) => { this.username = v; } })}
        ${textInput({ id: 'sign-in-password', name: 'password', label: 'Password', type: 'password', value: this.password,
          error: form.error('password'), autocomplete: 'current-password', onInput: (v) => { this.password = v; } })}
        <button type="submit" class="fw-button" ?disabled=${form.busy}>Sign in</button>
      </form>`;
  }

  #submit = async (e: Event) => {
    e.preventDefault();
    const problems = noProblems();
    if (!this.username.trim()) problems.fields.set('username', 'Enter your username');
    if (!this.password) problems.fields.set('password', 'Enter your password');
    if (await this.#form.check(problems)) return;
    await this.#form.submit(async () => {
      const { data } = await this.api.post<SessionInfo>('/auth/sign-in', { username: this.username.trim(), password: this.password });
      this.password = '';
      this.#form.clear();
      this.dispatchEvent(new SessionEvent(data));
    }, (err) => {
      this.password = '';
      return err instanceof ApiError && err.code === 'invalid_credentials' ? fieldProblem('username', 'Enter a correct username and password') : undefined;
    });
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-sign-in': FwSignIn;
  }
}
