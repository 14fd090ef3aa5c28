import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ApiError, api } from '../api/client.js';
import type { SessionInfo } from '../api/types.js';
import { ErrorStateEvent, PageEvent, SessionEvent } from '../events.js';
import { textInput } from '../fields/field-parts.js';
import type { FwErrorSummary } from '../fw-error-summary.js';
import '../fw-error-summary.js';
import { noProblems, problemsOf, summaryOf, type Problems } from './problems.js';

const FIELDS = ['username', 'password'] as const;

/**
 * Sign in, step one: username and password (POST /api/auth/sign-in). On success the session moves on to MFA.
 *
 * @fires fw-session - the new session (at its MFA stage)
 * @fires fw-page - title and breadcrumb
 * @fires fw-error-state - the error summary appeared or went away
 */
@customElement('fw-sign-in')
export class FwSignIn extends LitElement {
  /** A message to show above the form (signed out, timed out). */
  @property() accessor message = '';

  @state() private accessor username = '';
  @state() private accessor password = '';
  @state() private accessor problems: Problems = noProblems();
  @state() private accessor busy = false;

  protected override createRenderRoot() {
    return this;
  }

  override connectedCallback() {
    super.connectedCallback();
    this.dispatchEvent(new PageEvent('Sign in', [{ label: 'Sign in' }]));
  }

  override render() {
    const p = this.problems;
    return html`
      ${this.message ? html`<div class="fw-notification-banner" role="status">
        <div class="fw-notification-banner__header"><h2 class="fw-notification-banner__title">Important</h2></div>
        <div class="fw-notification-banner__content"><p class="fw-notification-banner__heading">${this.message}</p></div>
      </div>` : nothing}
      <fw-error-summary .items=${summaryOf(p, FIELDS, 'sign-in')}></fw-error-summary>
      <h1 class="fw-heading-l">Sign in</h1>
      <form class="fw-form fw-form--narrow" novalidate @submit=${this.#submit}>
        ${textInput({ id: 'sign-in-username', name: 'username', label: 'Username', value: this.username, error: p.fields.get('username') ?? null,
          autocomplete: 'username', spellcheck: false, onInput: (v) => { this.username = v; } })}
        ${textInput({ id: 'sign-in-password', name: 'password', label: 'Password', type: 'password', value: this.password,
          error: p.fields.get('password') ?? null, autocomplete: 'current-password', onInput: (v) => { this.password = v; } })}
        <button type="submit" class="fw-button" ?disabled=${this.busy}>Sign in</button>
      </form>`;
  }

  #submit = async (e: Event) => {
    e.preventDefault();
    const problems = noProblems();
    if (!this.username.trim()) problems.fields.set('username', 'Enter your username');
    if (!this.password) problems.fields.set('password', 'Enter your password');
    if (problems.fields.size) {
      await this.#show(problems);
      return;
    }
    this.busy = true;
    try {
      const { data } = await api.post<SessionInfo>('/auth/sign-in', { username: this.username.trim(), password: this.password });
      this.password = '';
      this.dispatchEvent(new ErrorStateEvent(false));
      this.dispatchEvent(new SessionEvent(data));
    } catch (err) {
      this.password = '';
      if (err instanceof ApiError && err.code === 'invalid_credentials') {
        await this.#show({ fields: new Map([['username', 'Enter a correct username and password']]), general: [] });
      } else {
        await this.#show(problemsOf(err, FIELDS));
      }
    } finally {
      this.busy = false;
    }
  };

  async #show(problems: Problems) {
    this.problems = problems;
    this.dispatchEvent(new ErrorStateEvent(true));
    await this.updateComplete;
    await this.querySelector<FwErrorSummary>('fw-error-summary')?.show();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-sign-in': FwSignIn;
  }
}
