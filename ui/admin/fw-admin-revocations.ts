import { html, nothing, type PropertyValues } from 'lit';
import { consume } from '@lit/context';
import { customElement, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { ApiError, type ApiClient } from '../api/client.js';
import {
  canRequestRevocation, decideRevocationRequest, fetchRevocationRequests,
  type RequestStatus, type RevocationRequestView,
} from '../api/inactivity.js';
import type { SessionInfo } from '../api/types.js';
import { apiContext, sessionContext } from '../contexts.js';
import { PageEvent } from '../events.js';
import { FormProblems } from '../form-problems.js';
import { adminCrumbs, problemBanner, successBanner, tag } from './admin-parts.js';
import { moment } from './job-parts.js';
import { actionPanel, reasonField } from './revocation-parts.js';
import { RevocationAskedEvent } from './fw-revocation-ask.js';
import './fw-revocation-ask.js';

const TITLE = 'Revocation requests';
const STATUS: Record<RequestStatus, [string, string]> = {
  pending: ['Waiting for a decision', 'yellow'], approved: ['Approved', 'red'], rejected: ['Rejected', 'grey'],
};
type Decision = 'approve' | 'reject';
type Notice = { kind: 'success' | 'problem'; text: string };

/**
 * Administration: requests to revoke someone's access. Administrators see their organisation's (platform
 * administrators every one) and approve or reject those others asked for, with a comment; people who may ask for
 * revocations see their own and ask for new ones (fw-revocation-ask). Waiting requests come first, then decided ones.
 *
 * @fires fw-page - title and breadcrumb
 * @fires fw-error-state - the error summary appeared or went away
 */
@customElement('fw-admin-revocations')
export class FwAdminRevocations extends LightElement {
  @consume({ context: sessionContext, subscribe: true }) @state() private accessor session: SessionInfo | null = null;
  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor requests: RevocationRequestView[] | null = null;
  @state() private accessor loadError = '';
  @state() private accessor notice: Notice | null = null;
  /** The request being decided, and how. */
  @state() private accessor deciding: { request: RevocationRequestView; decision: Decision } | null = null;
  @state() private accessor comment = '';

  #form = new FormProblems(this, { fields: ['comment'], prefix: 'decision' });

  override connectedCallback() {
    super.connectedCallback();
    this.dispatchEvent(new PageEvent(TITLE, adminCrumbs({ label: TITLE })));
    this.addEventListener(RevocationAskedEvent.eventName, this.#asked as EventListener);
    void this.#load();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.removeEventListener(RevocationAskedEvent.eventName, this.#asked as EventListener);
  }

  protected override updated(changed: PropertyValues) {
    if (changed.has('notice') && this.notice) this.querySelector<HTMLElement>('.fw-notification-banner')?.focus();
    if (changed.has('deciding') && this.deciding) this.querySelector<HTMLElement>('.fw-confirm__title')?.focus();
  }

  async #load(): Promise<void> {
    try {
      this.requests = await fetchRevocationRequests(this.api);
      this.loadError = '';
    } catch (e) {
      this.requests = null;
      this.loadError = e instanceof ApiError && e.status === 403
        ? 'You do not have access to revocation requests.'
        : e instanceof Error ? e.message : 'The revocation requests cannot be shown.';
    }
  }

  override render() {
    const all = this.requests ?? [];
    const pending = all.filter((r) => r.status === 'pending');
    const decided = all.filter((r) => r.status !== 'pending');
    return html`
      ${this.notice ? (this.notice.kind === 'success' ? successBanner(this.notice.text) : problemBanner(this.notice.text)) : nothing}
      <fw-error-summary .items=${this.#form.items}></fw-error-summary>
      <h1 class="fw-heading-l">${TITLE}</h1>
      <p class="fw-body">A request to revoke someone's access takes effect only when an administrator of their organisation approves it.
        A rejected request changes nothing.</p>
      ${this.loadError ? problemBanner(this.loadError) : nothing}
      ${this.requests === null && !this.loadError ? html`<p class="fw-body" role="status">Loading…</p>` : nothing}
      ${this.deciding ? this.#decisionPanel() : nothing}
      ${this.requests ? html`
        <section class="fw-section" aria-labelledby="pending-heading">
          <h2 class="fw-heading-m" id="pending-heading">Waiting for a decision</h2>
          ${pending.length ? this.#table(pending, 'pending-heading', false) : html`<p class="fw-body">No request is waiting for a decision.</p>`}
        </section>
        <section class="fw-section" aria-labelledby="decided-heading">
          <h2 class="fw-heading-m" id="decided-heading">Decided</h2>
          ${decided.length ? this.#table(decided, 'decided-heading', true) : html`<p class="fw-body">No request has been decided yet.</p>`}
        </section>` : nothing}
      ${canRequestRevocation(this.session) ? html`
        <section class="fw-section" aria-labelledby="ask-heading">
          <h2 class="fw-heading-m" id="ask-heading">Ask for a revocation</h2>
          <fw-revocation-ask></fw-revocation-ask>
        </section>` : nothing}`;
  }

  /** Whether the viewer may decide `r`: the server says whether it waits for their approval (not for the one who asked). */
  #mayDecide(r: RevocationRequestView): boolean {
    return r.status === 'pending' && r.canDecide === true && r.requestedByUsername !== this.session?.user.username;
  }

  #table(rows: RevocationRequestView[], labelledBy: string, decided: boolean) {
    const now = this.api.serverNow();
    const actions = !decided && rows.some((r) => this.#mayDecide(r));
    const head = (label: string) => html`<th scope="col" class="fw-table__header">${label}</th>`;
    return html`<div class="fw-table-wrapper" role="region" aria-labelledby=${labelledBy} tabindex="0">
      <table class="fw-table">
        <thead class="fw-table__head"><tr class="fw-table__row">
          ${head('Person')}${head('Organisation')}${head('Requested by')}${head('Reason')}${head('Asked')}${head('Status')}
          ${decided ? html`${head('Decided by')}${head('Comment')}` : nothing}
          ${actions ? head('Actions') : nothing}
        </tr></thead>
        <tbody class="fw-table__body">${rows.map((r) => html`<tr class="fw-table__row" data-request=${r.id}>
          <th scope="row" class="fw-table__cell">${r.person}</th>
          <td class="fw-table__cell">${r.organisation ?? 'None'}</td>
          <td class="fw-table__cell">${r.requestedBy}</td>
          <td class="fw-table__cell">${r.reason}</td>
          <td class="fw-table__cell">${moment(r.requestedAt, now)}</td>
          <td class="fw-table__cell">${tag(...STATUS[r.status])}</td>
          ${decided ? html`<td class="fw-table__cell">${r.decidedBy ?? ''}${r.decidedAt ? html`, ${moment(r.decidedAt, now)}` : nothing}</td>
            <td class="fw-table__cell">${r.comment ?? ''}</td>` : nothing}
          ${actions ? html`<td class="fw-table__cell">${this.#mayDecide(r) ? html`<div class="fw-button-group">
            ${(['approve', 'reject'] as const).map((d) => html`<button type="button" class="fw-button fw-button--secondary" data-decide=${d}
              @click=${() => this.#open(r, d)}>${d === 'approve' ? 'Approve' : 'Reject'}<span class="fw-visually-hidden">
              the revocation of ${r.person}</span></button>`)}
          </div>` : r.requestedByUsername === this.session?.user.username ? 'You asked for it' : 'For an administrator of their organisation'}</td>`
            : nothing}
        </tr>`)}</tbody>
      </table>
    </div>`;
  }

  #open(request: RevocationRequestView, decision: Decision) {
    this.notice = null;
    this.comment = '';
    this.#form.clear();
    this.deciding = { request, decision };
  }

  #decisionPanel() {
    const { request: r, decision } = this.deciding!;
    const approve = decision === 'approve';
    return actionPanel({
      id: 'decision', warning: approve, busy: this.#form.busy,
      title: approve ? `Approve the revocation of ${r.person}?` : `Reject the revocation of ${r.person}?`,
      body: approve
        ? `${r.person} is signed out at once and cannot sign in until the account is enabled again. ${r.requestedBy} asked for it: ${r.reason}`
        : `Nothing changes on the account of ${r.person}. ${r.requestedBy} is told.`,
      confirmLabel: approve ? 'Yes, approve and revoke' : 'Yes, reject the request',
      fields: reasonField({
        id: 'decision-comment', label: 'Comment (optional)', value: this.comment, error: this.#form.error('comment'),
        hint: 'The person who asked reads it.', onInput: (v) => { this.comment = v; },
      }),
      onConfirm: () => void this.#decide(),
      onCancel: () => void this.#close(),
    });
  }

  async #close() {
    const id = this.deciding?.request.id;
    const decision = this.deciding?.decision;
    this.deciding = null;
    this.#form.clear();
    await this.updateComplete;
    this.querySelector<HTMLElement>(`tr[data-request="${id}"] [data-decide="${decision}"]`)?.focus();
  }

  async #decide() {
    const { request, decision } = this.deciding!;
    await this.#form.submit(async () => {
      const done = await decideRevocationRequest(this.api, request.id, decision, this.comment.trim());
      this.deciding = null;
      this.#form.clear();
      await this.#load();
      this.notice = {
        kind: 'success',
        text: done.status === 'approved' ? `The access of ${done.person} has been revoked.` : `The request to revoke ${done.person} has been rejected.`,
      };
    }, (e) => {
      if (e instanceof ApiError && e.errors.some((p) => p.field.replace(/^\//, '') === 'comment')) return undefined;
      this.deciding = null;
      this.notice = { kind: 'problem', text: e instanceof Error ? e.message : 'The decision could not be made.' };
      void this.#load();
      return null;
    });
  }

  #asked = (e: RevocationAskedEvent) => {
    const r = e.result;
    this.notice = {
      kind: 'success',
      text: r.outcome === 'requested'
        ? `Your request to revoke the access of ${e.person} is waiting for approval by an administrator of their organisation.`
        : `The access of ${e.person} has been revoked.`,
    };
    void this.#load();
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-admin-revocations': FwAdminRevocations;
  }
}
