import { html, nothing, type PropertyValues } from 'lit';
import { consume } from '@lit/context';
import { customElement, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { ApiError, type ApiClient } from '../api/client.js';
import type { SessionInfo, TotpEnrolment } from '../api/types.js';
import { PageEvent, SessionEvent } from '../events.js';
import { textInput } from '../fields/field-parts.js';
import { FormProblems, fieldProblem, problemsOf, signOutIfSessionLost } from '../form-problems.js';
import { formatTime } from '../format.js';
import { apiContext, sessionContext } from '../contexts.js';

type Mode = 'enrol' | 'totp' | 'email';

const TITLES: Record<Mode, string> = {
  enrol: 'Set up your authenticator app',
  totp: 'Enter the code from your authenticator app',
  email: 'Get a security code by email',
};

/** A base32 secret in groups of four, easier to copy by hand. */
const grouped = (secret: string) => secret.replace(/(.{4})(?=.)/g, '$1 ');

/**
 * Sign in, step two: multi-factor authentication. Enrolment shows the QR code and the secret for typing in
 * (POST /api/auth/mfa/enrol), then asks for the first code; an enrolled user enters a code from the app
 * (POST /api/auth/mfa/verify); where the organisation allows it, a code can be sent by email instead
 * (POST /api/auth/mfa/email, then /api/auth/mfa/email/verify).
 *
 * @fires fw-session - the session after the code was accepted (next stage)
 * @fires fw-signed-out - the sign-in ended (e.g. the account was locked)
 * @fires fw-page - title and breadcrumb
 * @fires fw-error-state - the error summary appeared or went away
 */
@customElement('fw-mfa')
export class FwMfa extends LightElement {
  /** The session waiting for MFA (stage `mfa` or `mfa_enrol`). */
  @consume({ context: sessionContext, subscribe: true }) @state() private accessor session: SessionInfo | null = null;
  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor mode: Mode = 'totp';
  @state() private accessor enrolment: TotpEnrolment | null = null;
  @state() private accessor emailSent: { sentTo: string | null; expiresAt: string } | null = null;
  @state() private accessor code = '';

  #form = new FormProblems(this, { fields: ['code'], prefix: 'mfa' });

  protected override willUpdate(changed: PropertyValues) {
    if (changed.has('session') && this.session && !changed.get('session')) {
      const mfa = this.session.mfa;
      const mode: Mode = this.session.stage === 'mfa_enrol' ? 'enrol' : mfa?.totpEnrolled ? 'totp' : mfa?.email ? 'email' : 'enrol';
      this.#setMode(mode, false);
    }
  }

  override render() {
    const mfa = this.session?.mfa;
    return html`
      <fw-error-summary .items=${this.#form.items}></fw-error-summary>
      <h1 class="fw-heading-l" tabindex="-1">${this.#title()}</h1>
      ${this.mode === 'enrol' ? this.#enrolSteps() : nothing}
      ${this.mode === 'email' && !this.emailSent ? this.#emailOffer() : this.#codeForm()}
      <div class="fw-alternatives">
        ${this.mode !== 'email' && mfa?.email ? html`<p class="fw-body"><button type="button" class="fw-link-button" @click=${() => this.#setMode('email')}>Get a code by email instead</button></p>` : nothing}
        ${this.mode === 'email' && mfa?.totpEnrolled ? html`<p class="fw-body"><button type="button" class="fw-link-button" @click=${() => this.#setMode('totp')}>Use your authenticator app instead</button></p>` : nothing}
        ${this.mode === 'email' && !mfa?.totpEnrolled ? html`<p class="fw-body"><button type="button" class="fw-link-button" @click=${() => this.#setMode('enrol')}>Set up an authenticator app instead</button></p>` : nothing}
      </div>`;
  }

  #title(): string {
    return this.mode === 'email' && this.emailSent ? 'Check your email' : TITLES[this.mode];
  }

  #enrolSteps() {
    const e = this.enrolment;
    if (!e) return html`<p class="fw-body">${this.#form.problems.general.length ? '' : 'Preparing your authenticator set-up…'}</p>`;
    return html`<p class="fw-body">You need an authenticator app on your phone or computer to sign in, for example one from your phone’s app store.</p>
      <ol class="fw-list fw-list--number">
        <li>Open your authenticator app and choose to add an account.</li>
        <li>Scan this QR code with the app:
          <div class="fw-qr"><img src=${e.qr} alt="QR code to add your Formwork account to an authenticator app" width="200" height="200"></div>
          <p class="fw-body">If you cannot scan the QR code, enter this key in the app instead:</p>
          <p class="fw-secret"><code>${grouped(e.secret)}</code></p>
        </li>
        <li>Enter the 6-digit code the app shows.</li>
      </ol>`;
  }

  #emailOffer() {
    const to = this.session?.user.email;
    return html`<p class="fw-body">We will send a security code to ${to ? html`<strong>${to}</strong>` : 'the email address on your account'}.</p>
      <button type="button" class="fw-button" ?disabled=${this.#form.busy} @click=${this.#sendEmail}>Send the code</button>`;
  }

  #codeForm() {
    const hint = this.mode === 'email'
      ? `We have sent a code to ${this.emailSent?.sentTo ?? 'your email address'}. It expires at ${this.emailSent ? formatTime(Date.parse(this.emailSent.expiresAt)) : ''}.`
      : 'The 6-digit code shown in your authenticator app.';
    return html`<form class="fw-form fw-form--narrow" novalidate @submit=${this.#verify}>
      ${textInput({ id: 'mfa-code', name: 'code', label: 'Security code', hint, value: this.code, error: this.#form.error('code'),
        autocomplete: 'one-time-code', inputmode: 'numeric', spellcheck: false, widthClass: 'fw-input--width-10',
        onInput: (v) => { this.code = v; } })}
      <div class="fw-button-group">
        <button type="submit" class="fw-button" ?disabled=${this.#form.busy || (this.mode === 'enrol' && !this.enrolment)}>Continue</button>
        ${this.mode === 'email' ? html`<button type="button" class="fw-button fw-button--secondary" ?disabled=${this.#form.busy} @click=${this.#sendEmail}>Send a new code</button>` : nothing}
      </div>
    </form>`;
  }

  /** Switch between the app, enrolment and email; `focus` moves focus to the new heading (not on first render). */
  #setMode(mode: Mode, focus = true) {
    this.mode = mode;
    this.code = '';
    this.#form.clear();
    this.dispatchEvent(new PageEvent(TITLES[mode], [{ label: 'Sign in', href: '/sign-in' }, { label: TITLES[mode] }]));
    if (mode === 'enrol' && !this.enrolment) void this.#enrol();
    if (mode !== 'email') this.emailSent = null;
    if (focus) void this.updateComplete.then(() => this.querySelector<HTMLElement>('h1')?.focus());
  }

  async #enrol() {
    try {
      const { data } = await this.api.post<TotpEnrolment>('/auth/mfa/enrol');
      this.enrolment = data;
    } catch (err) {
      await this.#form.show(problemsOf(err, []));
    }
  }

  #sendEmail = () => this.#form.submit(async () => {
    const { data } = await this.api.post<{ sentTo: string | null; expiresAt: string }>('/auth/mfa/email');
    this.emailSent = data;
    this.code = '';
    this.#form.clear();
    this.dispatchEvent(new PageEvent('Check your email', [{ label: 'Sign in', href: '/sign-in' }, { label: 'Check your email' }]));
    await this.updateComplete;
    this.querySelector<HTMLInputElement>('#mfa-code')?.focus();
  }, (err) => problemsOf(err, []));

  #verify = async (e: Event) => {
    e.preventDefault();
    const code = this.code.replace(/[\s-]/g, '');
    if (!code) return this.#form.show(fieldProblem('code', 'Enter the security code'));
    if (!/^\d{6}$/.test(code)) return this.#form.show(fieldProblem('code', 'The security code must be 6 digits'));
    await this.#form.submit(async () => {
      const path = this.mode === 'email' ? '/auth/mfa/email/verify' : '/auth/mfa/verify';
      const { data } = await this.api.post<SessionInfo>(path, { code });
      this.#form.clear();
      this.dispatchEvent(new SessionEvent(data));
    }, (err) => {
      if (signOutIfSessionLost(this, err)) return null;
      this.code = '';
      return err instanceof ApiError && err.code === 'mfa_failed' ? fieldProblem('code', err.message) : undefined;
    });
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-mfa': FwMfa;
  }
}
