import { html, type PropertyValues } from 'lit';
import { consume } from '@lit/context';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { ApiError, type ApiClient } from '../api/client.js';
import { PageEvent } from '../events.js';
import { textInput } from '../fields/field-parts.js';
import { FormProblems, noProblems, problemsOf } from '../form-problems.js';
import { formatDateTime } from '../format.js';
import { apiContext } from '../contexts.js';

const FIELDS = ['new', 'confirm'] as const;
/** The server's policy (platform/access/identity/passwords.ts): 12 to 128 characters, not the username. */
const MIN_LENGTH = 12;
const MAX_LENGTH = 128;

type Stage = 'checking' | 'invalid' | 'form' | 'done';

const TITLES: Record<Stage, string> = {
  checking: 'Choose your password',
  invalid: 'This link is not valid',
  form: 'Choose your password',
  done: 'Your password has been set',
};

/**
 * The page a mailed set-password link opens (/reset-password#token=…; the token travels in the fragment, so it
 * never reaches a server log). It checks the link (GET /api/auth/reset/:token), asks for the new password twice
 * with the policy as a hint, sets it (POST), and then points to the sign-in page. Needs no session.
 *
 * @fires fw-page - title and breadcrumb
 * @fires fw-error-state - the error summary appeared or went away
 */
@customElement('fw-reset-password')
export class FwResetPassword extends LightElement {
  /** The link's token (from the URL fragment), or null when the address has none. */
  @property({ attribute: false }) accessor token: string | null = null;

  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor stage: Stage = 'checking';
  @state() private accessor username = '';
  @state() private accessor expiresAt = '';
  @state() private accessor invalidReason = '';
  @state() private accessor next = '';
  @state() private accessor confirm = '';

  #form = new FormProblems(this, { fields: FIELDS, prefix: 'reset' });

  protected override willUpdate(changed: PropertyValues) {
    if (changed.has('token')) void this.#check();
  }

  override render() {
    switch (this.stage) {
      case 'checking':
        return html`<h1 class="fw-heading-l">${TITLES.checking}</h1><p class="fw-body" role="status">Checking your link…</p>`;
      case 'invalid':
        return html`<h1 class="fw-heading-l">${TITLES.invalid}</h1>
          <p class="fw-body">${this.invalidReason}</p>
          <p class="fw-body">Links to choose a password work once, for 24 hours, and only the newest one works. Ask your administrator to send you a new link.</p>
          <p class="fw-body"><a class="fw-link" href="/sign-in">Go to the sign-in page</a></p>`;
      case 'done':
        return html`<div class="fw-panel">
            <h1 class="fw-panel__title" tabindex="-1">${TITLES.done}</h1>
            <div class="fw-panel__body">Your username is <strong>${this.username}</strong></div>
          </div>
          <p class="fw-body">Sign in with your username and your new password. You will also be asked for a security code from your authenticator app, or to set one up.</p>
          <a class="fw-button" href="/sign-in">Sign in</a>`;
      case 'form': {
        const form = this.#form;
        return html`
          <fw-error-summary .items=${form.items}></fw-error-summary>
          <h1 class="fw-heading-l">${TITLES.form}</h1>
          <p class="fw-body">You are choosing the password for the username <strong>${this.username}</strong>.
            This link works until ${formatDateTime(this.expiresAt)}.</p>
          <form class="fw-form fw-form--narrow" novalidate @submit=${this.#submit}>
            <input type="text" name="username" autocomplete="username" .value=${this.username} hidden readonly>
            ${textInput({ id: 'reset-new', name: 'new', label: 'New password', type: 'password', value: this.next,
              hint: `Use at least ${MIN_LENGTH} characters. A few unrelated words make a strong password. Do not use your username.`,
              error: form.error('new'), autocomplete: 'new-password', onInput: (v) => { this.next = v; } })}
            ${textInput({ id: 'reset-confirm', name: 'confirm', label: 'Confirm new password', type: 'password', value: this.confirm,
              error: form.error('confirm'), autocomplete: 'new-password', onInput: (v) => { this.confirm = v; } })}
            <button type="submit" class="fw-button" ?disabled=${form.busy}>Set password</button>
          </form>`;
      }
    }
  }

  #announce() {
    this.dispatchEvent(new PageEvent(TITLES[this.stage], [{ label: 'Sign in', href: '/sign-in' }, { label: TITLES[this.stage] }]));
  }

  async #check() {
    this.stage = 'checking';
    this.#announce();
    if (!this.token) {
      this.#invalid('The address of this page has no link code. Open the link from your email again, or copy all of it into the address bar.');
      return;
    }
    try {
      const { data } = await this.api.get<{ valid: boolean; username: string; expiresAt: string }>(`/auth/reset/${encodeURIComponent(this.token)}`);
      this.username = data.username;
      this.expiresAt = data.expiresAt;
      this.stage = 'form';
      this.#announce();
    } catch (e) {
      this.#invalid(e instanceof ApiError && e.status === 404 ? 'The link may have expired, been used already, or been replaced by a newer one.' : e instanceof Error ? e.message : 'The link cannot be checked.');
    }
  }

  #invalid(reason: string) {
    this.invalidReason = reason;
    this.stage = 'invalid';
    this.#announce();
  }

  #submit = async (e: Event) => {
    e.preventDefault();
    const problems = noProblems();
    const length = [...this.next].length;
    if (!this.next) problems.fields.set('new', 'Enter a new password');
    else if (length < MIN_LENGTH) problems.fields.set('new', `Your new password must be at least ${MIN_LENGTH} characters`);
    else if (length > MAX_LENGTH) problems.fields.set('new', `Your new password must be ${MAX_LENGTH} characters or fewer`);
    if (this.next && !this.confirm) problems.fields.set('confirm', 'Confirm your new password');
    else if (this.next && this.confirm !== this.next) problems.fields.set('confirm', 'The passwords do not match');
    if (await this.#form.check(problems)) return;
    await this.#form.submit(async () => {
      await this.api.post(`/auth/reset/${encodeURIComponent(this.token ?? '')}`, { password: this.next });
      this.next = '';
      this.confirm = '';
      this.#form.clear();
      // The link is used up: keep it out of the address bar and the history.
      history.replaceState(null, '', '/reset-password');
      this.stage = 'done';
      this.#announce();
      await this.updateComplete;
      this.querySelector<HTMLElement>('.fw-panel__title')?.focus();
    }, (err) => {
      if (err instanceof ApiError && err.status === 404) {
        this.#form.clear();
        this.#invalid(err.message);
        return null;
      }
      const problems = problemsOf(err, ['password']);
      const fieldMessage = problems.fields.get('password');
      return fieldMessage ? { fields: new Map([['new', fieldMessage]]), general: problems.general } : problems;
    });
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-reset-password': FwResetPassword;
  }
}
