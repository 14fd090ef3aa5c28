import { html } from 'lit';
import { consume } from '@lit/context';
import { customElement, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';

import type { SessionInfo } from '../api/types.js';
import { PageEvent, SessionEvent } from '../events.js';
import { setFlash } from '../flash.js';
import { textInput } from '../fields/field-parts.js';
import { FormProblems, signOutIfSessionLost, noProblems } from '../form-problems.js';
import type { ApiClient } from '../api/client.js';
import { apiContext } from '../contexts.js';

const FIELDS = ['first_name', 'last_name', 'email', 'phone'] as const;
type Profile = Record<(typeof FIELDS)[number], string>;

/**
 * Sign in, first-sign-in profile: the user confirms or corrects their name, email and phone
 * (GET, then POST /api/auth/profile). Once they are saved the person goes straight on to the page the session goes to
 * next (home), which shows the answer's message as the confirmation.
 *
 * @fires fw-session - the session after confirmation (active); the shell navigates on
 * @fires fw-page - title and breadcrumb
 * @fires fw-error-state - the error summary appeared or went away
 */
@customElement('fw-profile')
export class FwProfile extends LightElement {
  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor values: Profile = { first_name: '', last_name: '', email: '', phone: '' };

  #form = new FormProblems(this, { fields: FIELDS, prefix: 'profile' });

  override connectedCallback() {
    super.connectedCallback();
    this.dispatchEvent(new PageEvent('Confirm your details', [{ label: 'Sign in', href: '/sign-in' }, { label: 'Confirm your details' }]));
    void this.#load();
  }

  override render() {
    const form = this.#form;
    const input = (
      name: (typeof FIELDS)[number], label: string,
      extra: { type?: string; autocomplete: string; hint?: string; widthClass?: string; spellcheck?: boolean },
    ) =>
      textInput({ id: `profile-${name}`, name, label, value: this.values[name], error: form.error(name), mandatory: true, ...extra,
        onInput: (v) => { this.values = { ...this.values, [name]: v }; } });
    return html`
      <fw-error-summary .items=${form.items}></fw-error-summary>
      <h1 class="fw-heading-l">Confirm your details</h1>
      <p class="fw-body">Check your details are correct. We use them to contact you about your account.</p>
      <form class="fw-form fw-form--narrow" novalidate @submit=${this.#submit}>
        ${input('first_name', 'First name', { autocomplete: 'given-name', spellcheck: false })}
        ${input('last_name', 'Last name', { autocomplete: 'family-name', spellcheck: false })}
        ${input('email', 'Email address', { type: 'email', autocomplete: 'email', spellcheck: false })}
        ${input('phone', 'Phone number', { type: 'tel', autocomplete: 'tel', widthClass: 'fw-input--width-20', hint: 'For international numbers include the country code, like +44.' })}
        <button type="submit" class="fw-button" ?disabled=${form.busy}>Confirm details</button>
      </form>`;
  }

  async #load() {
    try {
      const { data } = await this.api.get<Record<string, string | null>>('/auth/profile');
      const v: Profile = { first_name: '', last_name: '', email: '', phone: '' };
      for (const k of FIELDS) v[k] = data[k] ?? '';
      this.values = v;
    } catch {
      // The user can still type their details in.
    }
  }

  #submit = async (e: Event) => {
    e.preventDefault();
    const problems = noProblems();
    const messages: Profile = { first_name: 'Enter your first name', last_name: 'Enter your last name', email: 'Enter your email address', phone: 'Enter your phone number' };
    for (const k of FIELDS) if (!this.values[k].trim()) problems.fields.set(k, messages[k]);
    if (!problems.fields.has('email') && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(this.values.email.trim())) {
      problems.fields.set('email', 'Enter an email address in the correct format, like name@example.com');
    }
    if (await this.#form.check(problems)) return;
    await this.#form.submit(async () => {
      const res = await this.api.post<SessionInfo>('/auth/profile', Object.fromEntries(FIELDS.map((k) => [k, this.values[k].trim()])));
      this.#form.clear();
      // Straight on to where the session goes next (home), which says the details were saved.
      setFlash(typeof res.body.message === 'string' ? res.body.message : 'Your details have been saved.');
      this.dispatchEvent(new SessionEvent(res.data));
    }, (err) => (signOutIfSessionLost(this, err) ? null : undefined));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-profile': FwProfile;
  }
}
