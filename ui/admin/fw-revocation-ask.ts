import { html, nothing } from 'lit';
import { consume } from '@lit/context';
import { customElement, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import type { ApiClient } from '../api/client.js';
import { findRevocationCandidates, revokeUser, type RevocationCandidate, type RevokeResult } from '../api/inactivity.js';
import { apiContext } from '../contexts.js';
import { radioGroup, textInput } from '../fields/field-parts.js';
import { FormProblems, noProblems } from '../form-problems.js';
import { reasonField } from './revocation-parts.js';

const FIELDS = ['q', 'person', 'reason'] as const;

/** The request was made (or the access revoked at once): the page reloads its list and says so. */
export class RevocationAskedEvent extends Event {
  static readonly eventName = 'fw-revocation-asked' as const;
  constructor(readonly person: string, readonly result: RevokeResult) {
    super(RevocationAskedEvent.eventName, { bubbles: true, composed: true });
  }
}

/**
 * Asking for a revocation: find the person by name (GET /api/revocation-requests/people), choose them, give the
 * reason and send it (POST /api/users/:id/revoke). For someone who may only ask, it waits for an administrator of
 * the person's organisation; the form says so before it is sent.
 *
 * @fires fw-revocation-asked - the request was made
 */
@customElement('fw-revocation-ask')
export class FwRevocationAsk extends LightElement {
  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor q = '';
  @state() private accessor found: RevocationCandidate[] | null = null;
  @state() private accessor person = '';
  @state() private accessor reason = '';

  #form = new FormProblems(this, { fields: FIELDS, prefix: 'ask' });

  override render() {
    const p = this.#form.problems;
    return html`<fw-error-summary .items=${this.#form.items}></fw-error-summary>
      <form class="fw-form fw-form--narrow" novalidate @submit=${this.#search} role="search" aria-label="Find the person">
        ${textInput({ id: 'ask-q', name: 'q', label: 'Name or username of the person', value: this.q, error: p.fields.get('q') ?? null,
          hint: 'Type at least 2 characters.', onInput: (v) => { this.q = v; } })}
        <button type="submit" class="fw-button fw-button--secondary" ?disabled=${this.#form.busy}>Find</button>
      </form>
      ${this.found === null ? nothing : this.found.length ? html`
        <form class="fw-form fw-form--narrow" novalidate @submit=${this.#ask}>
          ${radioGroup({
            id: 'ask-person', name: 'person', legend: 'Whose access should be revoked?', boldLegend: true, error: p.fields.get('person') ?? null,
            value: this.person, onChange: (v) => { this.person = v; },
            options: this.found.map((c) => ({ value: c.id, label: c.name, hint: [c.username, c.organisation].filter(Boolean).join(', ') })),
          })}
          ${reasonField({ id: 'ask-reason', label: 'Reason', mandatory: true, value: this.reason, error: p.fields.get('reason') ?? null,
            hint: 'An administrator of their organisation reads it before deciding.', onInput: (v) => { this.reason = v; } })}
          <p class="fw-body">Nothing changes until an administrator of the person's organisation approves the request.</p>
          <button type="submit" class="fw-button fw-button--warning" ?disabled=${this.#form.busy}>Ask for the revocation</button>
        </form>` : html`<p class="fw-body" role="status">No one matches "${this.q.trim()}".</p>`}`;
  }

  #search = async (e: Event) => {
    e.preventDefault();
    const q = this.q.trim();
    if (await this.#form.check(q.length >= 2 ? noProblems() : { fields: new Map([['q', 'Type at least 2 characters of the name or username']]), general: [] })) return;
    await this.#form.submit(async () => {
      this.found = await findRevocationCandidates(this.api, q);
      this.person = this.found.length === 1 ? this.found[0]!.id : '';
      this.#form.clear();
    });
  };

  #ask = async (e: Event) => {
    e.preventDefault();
    const problems = noProblems();
    if (!this.person) problems.fields.set('person', 'Choose the person whose access should be revoked');
    if (!this.reason.trim()) problems.fields.set('reason', 'Enter the reason for revoking access');
    if (await this.#form.check(problems)) return;
    const who = this.found?.find((c) => c.id === this.person)?.name ?? '';
    await this.#form.submit(async () => {
      const result = await revokeUser(this.api, this.person, this.reason.trim());
      this.#form.clear();
      this.q = '';
      this.found = null;
      this.person = '';
      this.reason = '';
      this.dispatchEvent(new RevocationAskedEvent(who, result));
    });
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-revocation-ask': FwRevocationAsk;
  }
}
