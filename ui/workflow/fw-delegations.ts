import { html, nothing, type TemplateResult } from 'lit';
import { consume } from '@lit/context';
import { customElement, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { confirmation, successBanner, tag } from '../admin/admin-parts.js';
import { ApiError, type ApiClient } from '../api/client.js';
import { DirtyEvent } from '../events.js';
import { textInput } from '../fields/field-parts.js';
import { formatDateTime } from '../format.js';
import { FormProblems, noProblems, type Problems } from '../form-problems.js';
import { announcePage, loadErrorText, loadingState, loadProblem, pageHeading } from '../page-state.js';
import { createDelegation, deleteDelegation, fetchDelegates, fetchDelegations, type Delegation } from './api.js';
import './fw-person-picker.js';
import type { PersonPickEvent } from './fw-person-picker.js';
import type { SessionInfo } from '../api/types.js';
import { apiContext, sessionContext } from '../contexts.js';

const TITLE = 'Delegate while away';
/** The form's fields, in order (the error summary follows it); the API names them alike. */
const FIELDS = ['delegate', 'from', 'to'] as const;
type Field = (typeof FIELDS)[number];
const inputId = (f: Field) => `delegation-${f}`;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The local midnight starting a YYYY-MM-DD day, as an ISO instant; `plusDays` moves it. */
function dayStart(day: string, plusDays = 0): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y!, m! - 1, d! + plusDays).toISOString();
}

/** Today in the browser's time zone as YYYY-MM-DD. */
function today(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

function statusOf(d: Delegation): TemplateResult {
  if (d.active) return tag('Active', 'green');
  return Date.parse(d.from) > Date.now() ? tag('Scheduled', 'blue') : tag('Ended', 'grey');
}

/**
 * "Delegate while away": the person's delegations (GET /api/delegations) — those they gave and those given to them —
 * with ending one (DELETE, after a confirmation), and a form to add one: the delegate (a person picker over those the
 * API accepts), the first day
 * (empty: from now) and the last day (empty: until ended). While a delegation is in force the delegate may decide
 * the person's approval requests. Problems are shown GOV.UK style: an error summary linking to the fields, each with
 * its inline message; the server's refusals (unknown user, oneself, another organisation) land on the same fields.
 *
 * @fires fw-page - title and breadcrumb
 * @fires fw-error-state - the error summary appeared or went away
 * @fires fw-dirty - typed values not yet saved
 */
@customElement('fw-delegations')
export class FwDelegations extends LightElement {
  /** The signed-in person's session. */
  @consume({ context: sessionContext, subscribe: true }) @state() private accessor session: SessionInfo | null = null;
  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor delegations: Delegation[] | null = null;
  @state() private accessor loadError = '';
  @state() private accessor values: Record<Field, string> = { delegate: '', from: '', to: '' };
  /** The chosen delegate's name (`values.delegate` is their username, what the API takes). */
  @state() private accessor delegateName = '';
  @state() private accessor message = '';
  @state() private accessor confirming: Delegation | null = null;

  #form = new FormProblems(this, { fields: FIELDS, prefix: 'delegation', fallback: 'The delegation could not be added. Try again.' });

  #dirty = false;

  override connectedCallback() {
    super.connectedCallback();
    announcePage(this, TITLE);
    void this.#load();
  }

  async #load() {
    try {
      this.delegations = await fetchDelegations(this.api);
      this.loadError = '';
    } catch (e) {
      this.loadError = loadErrorText(e, 'Your delegations cannot be shown.');
    }
  }

  override render() {
    const me = this.session?.user.username;
    const all = this.delegations ?? [];
    const given = all.filter((d) => d.user === me);
    const received = all.filter((d) => d.delegate === me && d.user !== me);
    const others = all.filter((d) => d.user !== me && d.delegate !== me);
    return html`${this.message ? successBanner(this.message) : nothing}
      <fw-error-summary .items=${this.#form.items}></fw-error-summary>
      ${pageHeading(TITLE, 'My work')}
      <p class="fw-body">While you are away, someone you choose can approve or reject the requests sent to you. Their decisions say they acted for you. You can end a delegation at any time.</p>
      ${loadProblem('Your delegations cannot be shown', this.loadError)}
      ${this.confirming ? this.#confirmation(this.confirming) : nothing}
      <h2 class="fw-heading-m" id="delegations-given">Your delegations</h2>
      ${this.delegations === null && !this.loadError ? loadingState()
        : given.length ? this.#table('delegations-given', 'Your delegations', given, 'delegate', true)
          : html`<p class="fw-body" data-empty>You have not delegated your approvals.</p>`}
      ${received.length ? html`<h2 class="fw-heading-m" id="delegations-received">Delegated to you</h2>
        ${this.#table('delegations-received', 'Delegated to you', received, 'user', false)}` : nothing}
      ${others.length ? html`<h2 class="fw-heading-m" id="delegations-others">Other people’s delegations</h2>
        ${this.#table('delegations-others', 'Other people’s delegations', others, 'both', true)}` : nothing}
      <h2 class="fw-heading-m" id="delegation-new">Add a delegation</h2>
      ${this.#addForm()}`;
  }

  #table(id: string, caption: string, list: Delegation[], who: 'delegate' | 'user' | 'both', removable: boolean): TemplateResult {
    return html`<div class="fw-table-wrapper" role="region" aria-labelledby=${id} tabindex="0">
      <table class="fw-table">
        <caption class="fw-visually-hidden">${caption}</caption>
        <thead class="fw-table__head"><tr class="fw-table__row">
          ${who === 'both' ? html`<th scope="col" class="fw-table__header">Person</th>` : nothing}
          <th scope="col" class="fw-table__header">${who === 'user' ? 'From person' : 'Delegate'}</th>
          <th scope="col" class="fw-table__header">Starts</th>
          <th scope="col" class="fw-table__header">Ends</th>
          <th scope="col" class="fw-table__header">Status</th>
          ${removable ? html`<th scope="col" class="fw-table__header"><span class="fw-visually-hidden">Actions</span></th>` : nothing}
        </tr></thead>
        <tbody class="fw-table__body">
          ${list.map((d) => html`<tr class="fw-table__row" data-delegation=${d.id}>
            ${who === 'both' ? html`<td class="fw-table__cell">${d.user}</td>` : nothing}
            <th scope="row" class="fw-table__cell">${who === 'user' ? d.user : d.delegate}</th>
            <td class="fw-table__cell">${formatDateTime(d.from)}</td>
            <td class="fw-table__cell">${d.to ? formatDateTime(d.to) : 'When it is ended'}</td>
            <td class="fw-table__cell">${statusOf(d)}</td>
            ${removable ? html`<td class="fw-table__cell"><button type="button" class="fw-link-button" data-delete=${d.id} ?disabled=${this.#form.busy}
              @click=${() => this.#askDelete(d)}>End<span class="fw-visually-hidden"> the delegation to ${d.delegate}</span></button></td>` : nothing}
          </tr>`)}
        </tbody>
      </table>
    </div>`;
  }

  #confirmation(d: Delegation): TemplateResult {
    return confirmation({
      title: `End the delegation to ${d.delegate}?`,
      body: `${d.delegate} will no longer be able to decide ${d.user === this.session?.user.username ? 'your' : `${d.user}’s`} approval requests.`,
      confirmLabel: 'End delegation', busy: this.#form.busy,
      onConfirm: () => void this.#delete(d),
      onCancel: () => {
        this.confirming = null;
        void this.updateComplete.then(() => this.querySelector<HTMLElement>(`[data-delete="${d.id}"]`)?.focus());
      },
    });
  }

  #addForm(): TemplateResult {
    const v = this.values;
    return html`<form class="fw-form fw-form--narrow" novalidate aria-labelledby="delegation-new" @submit=${this.#submit}>
      <fw-person-picker inputId=${inputId('delegate')} name="delegate" label="Who should decide for you?"
        hint="Start typing their name, then choose from the list." .error=${this.#form.error('delegate')}
        .value=${v.delegate ? { id: v.delegate, label: this.delegateName } : null} .search=${this.#searchDelegates}
        @fw-person-pick=${(e: PersonPickEvent) => { this.delegateName = e.person?.label ?? ''; this.#set('delegate', e.person?.id ?? ''); }}></fw-person-picker>
      ${this.#dateInput('from', 'First day (optional)', 'Leave empty to start now.')}
      ${this.#dateInput('to', 'Last day (optional)', 'The delegation ends at the end of this day. Leave empty to keep it until you end it.')}
      <div class="fw-button-group">
        <button type="submit" class="fw-button" ?disabled=${this.#form.busy}>Add delegation</button>
      </div>
    </form>`;
  }

  /** The people the API would accept as a delegate (GET /api/delegations/candidates). */
  #searchDelegates = (q: string, signal: AbortSignal) => fetchDelegates(this.api, q, signal);

  #dateInput(f: Field, label: string, hintText: string): TemplateResult {
    return textInput({ id: inputId(f), name: f, label, type: 'date', hint: hintText, value: this.values[f], error: this.#form.error(f),
      widthClass: 'fw-input--width-10', onInput: (x) => this.#set(f, x) });
  }

  #set(f: Field, value: string) {
    this.values = { ...this.values, [f]: value };
    if (!this.#dirty) {
      this.#dirty = true;
      this.dispatchEvent(new DirtyEvent(true));
    }
  }

  /** The browser's checks (the server checks again). */
  #check(): Problems {
    const problems = noProblems();
    const errors = problems.fields;
    const v = this.values;
    const delegate = v.delegate.trim();
    if (!delegate) errors.set('delegate', 'Choose the person to decide for you');
    if (v.from && !DAY.test(v.from)) errors.set('from', 'First day must be a real date');
    else if (v.from && v.from < today()) errors.set('from', 'First day must be today or in the future');
    if (v.to && !DAY.test(v.to)) errors.set('to', 'Last day must be a real date');
    else if (v.to && v.to < (v.from && DAY.test(v.from) ? v.from : today())) {
      errors.set('to', v.from ? 'Last day must be the same as or after the first day' : 'Last day must be today or in the future');
    }
    return problems;
  }

  #submit = async (e: Event) => {
    e.preventDefault();
    this.message = '';
    if (await this.#form.check(this.#check())) return;
    const v = this.values;
    const body: { delegate: string; from?: string; to?: string } = { delegate: v.delegate.trim() };
    // A first day of today starts now; the last day is included, so the delegation ends at the next midnight.
    if (v.from && v.from > today()) body.from = dayStart(v.from);
    if (v.to) body.to = dayStart(v.to, 1);
    await this.#form.submit(async () => {
      const created = await createDelegation(this.api, body);
      const name = this.delegateName || created.delegate;
      this.values = { delegate: '', from: '', to: '' };
      this.delegateName = '';
      this.#dirty = false;
      this.dispatchEvent(new DirtyEvent(false));
      this.#form.clear();
      const message = `${name} can now decide your approval requests${created.to ? ` until ${formatDateTime(created.to)}` : ''}.`;
      await this.#load();
      this.message = message;
      await this.#focusBanner();
    });
  };

  #askDelete(d: Delegation) {
    this.message = '';
    this.confirming = d;
    void this.updateComplete.then(() => this.querySelector<HTMLElement>('.fw-confirm__title')?.focus());
  }

  async #delete(d: Delegation) {
    await this.#form.submit(async () => {
      await deleteDelegation(this.api, d.id);
      this.confirming = null;
      await this.#load();
      this.message = `The delegation to ${d.delegate} has ended.`;
      await this.#focusBanner();
    }, (e) => {
      this.confirming = null;
      return { fields: new Map(), general: [e instanceof ApiError ? e.message : 'The delegation could not be ended. Try again.'] };
    });
  }

  async #focusBanner() {
    await this.updateComplete;
    this.querySelector<HTMLElement>('.fw-notification-banner')?.focus();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-delegations': FwDelegations;
  }
}
