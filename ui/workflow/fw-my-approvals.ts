import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { consume } from '@lit/context';
import { customElement, query, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { LightElement } from '../light-element.js';
import { successBanner } from '../admin/admin-parts.js';
import { tablePath, type ApiClient } from '../api/client.js';
import type { RecordData, SessionInfo } from '../api/types.js';
import { formatDateTime } from '../format.js';
import { FormProblems } from '../form-problems.js';
import { announcePage, loadErrorText, loadingState, loadProblem, pageHeading } from '../page-state.js';
import { recordUrl } from '../router.js';
import { decideApproval, fetchPendingApprovals, type PendingApproval } from './api.js';
import type { Metadata } from '../api/meta.js';
import { apiContext, metaContext, sessionContext } from '../contexts.js';

const TITLE = 'My approvals';
const COMMENT_ID = 'approval-comment';

/** What the page shows of a request's record and table. */
interface Described { record: string; table: string; state: string }

type Pending = { a: PendingApproval; decision: 'approve' | 'reject' };

/**
 * The approval requests the signed-in person may decide now (GET /api/approvals): their own and those of people
 * who delegated their approvals to them, oldest first, each linking to its record. Approve or reject opens a dialog
 * with an optional comment (the same API as the record page's workflow actions); the outcome is a success banner
 * (focused), or the problem in the dialog's error summary.
 *
 * @fires fw-page - title and breadcrumb
 * @fires fw-error-state - the error summary appeared or went away
 */
@customElement('fw-my-approvals')
export class FwMyApprovals extends LightElement {
  /** The signed-in person's session. */
  @consume({ context: sessionContext, subscribe: true }) @state() private accessor session: SessionInfo | null = null;
  @consume({ context: apiContext }) private accessor api!: ApiClient;
  @consume({ context: metaContext, subscribe: true }) private accessor metadata!: Metadata;

  @state() private accessor requests: PendingApproval[] | null = null;
  @state() private accessor described = new Map<string, Described>();
  @state() private accessor error = '';
  @state() private accessor message = '';
  @state() private accessor pending: Pending | null = null;
  @state() private accessor comment = '';

  @query('dialog') private accessor dialog!: HTMLDialogElement | null;
  /** The dialog's submit state; the API's error on `comment` links to its box (`approval-comment`). */
  #form = new FormProblems(this, { fields: ['comment'], prefix: 'approval', summary: 'dialog fw-error-summary',
    fallback: 'The decision could not be recorded. Try again.' });

  /** The button that opened the dialog, to return focus to when it closes without a decision. */
  #opener: HTMLElement | null = null;

  override connectedCallback() {
    super.connectedCallback();
    announcePage(this, TITLE);
    void this.#load();
  }

  protected override updated(changed: PropertyValues) {
    if (!changed.has('pending')) return;
    const dialog = this.dialog;
    if (!dialog) return;
    if (this.pending && !dialog.open) {
      dialog.showModal();
      dialog.querySelector<HTMLElement>(`#${COMMENT_ID}`)?.focus();
    } else if (!this.pending && dialog.open) {
      dialog.close();
    }
  }

  async #load() {
    try {
      const requests = await fetchPendingApprovals(this.api);
      this.described = await describe(this.api, this.metadata, requests, this.described);
      this.requests = requests;
      this.error = '';
    } catch (e) {
      this.error = loadErrorText(e, 'Your approval requests cannot be shown.');
    }
  }

  override render() {
    return html`${this.message ? successBanner(this.message) : nothing}
      ${pageHeading(TITLE, 'My work')}
      <p class="fw-body">Requests waiting for your decision, including those of people who delegated their approvals to you while they are away.</p>
      ${loadProblem('Your approval requests cannot be shown', this.error)}
      ${this.#list()}
      ${this.#dialog()}`;
  }

  #list(): TemplateResult | typeof nothing {
    const requests = this.requests;
    if (!requests) return this.error ? nothing : loadingState();
    if (!requests.length) return html`<p class="fw-body" data-empty>You have no approval requests waiting.</p>`;
    const me = this.session?.user.username;
    return html`<div class="fw-table-wrapper" role="region" aria-labelledby="approvals-caption" tabindex="0">
      <table class="fw-table">
        <caption class="fw-table__caption" id="approvals-caption">${requests.length === 1 ? '1 request' : `${requests.length} requests`} waiting for you</caption>
        <thead class="fw-table__head"><tr class="fw-table__row">
          <th scope="col" class="fw-table__header">Record</th>
          <th scope="col" class="fw-table__header">Approval</th>
          <th scope="col" class="fw-table__header">Asked of</th>
          <th scope="col" class="fw-table__header">Requested</th>
          <th scope="col" class="fw-table__header">Decide</th>
        </tr></thead>
        <tbody class="fw-table__body">
          ${requests.map((a) => {
            const d = this.described.get(a.id);
            const name = d?.record ?? a.number ?? 'Record';
            return html`<tr class="fw-table__row" data-approval=${a.id}>
              <th scope="row" class="fw-table__cell">
                <a class="fw-link" href=${recordUrl(a.table, a.recordId)}>${name}</a>
                <span class="fw-hint fw-approvals__table">${d?.table ?? a.table}${d?.state ? ` – ${d.state}` : ''}</span>
              </th>
              <td class="fw-table__cell">${a.approvalLabel}${a.stage > 1 ? ` (stage ${a.stage})` : ''}</td>
              <td class="fw-table__cell">${a.approver === me ? 'You' : html`${a.approverName} <span class="fw-secondary-text">(delegated to you)</span>`}</td>
              <td class="fw-table__cell">${formatDateTime(a.requestedAt)}</td>
              <td class="fw-table__cell">
                <div class="fw-button-group fw-approvals__actions">
                  <button type="button" class="fw-button fw-button--secondary" data-approve=${a.id} ?disabled=${this.#form.busy}
                    @click=${(e: Event) => this.#open({ a, decision: 'approve' }, e)}>Approve<span class="fw-visually-hidden"> ${name}</span></button>
                  <button type="button" class="fw-button fw-button--warning" data-reject=${a.id} ?disabled=${this.#form.busy}
                    @click=${(e: Event) => this.#open({ a, decision: 'reject' }, e)}>Reject<span class="fw-visually-hidden"> ${name}</span></button>
                </div>
              </td>
            </tr>`;
          })}
        </tbody>
      </table>
    </div>`;
  }

  #dialog(): TemplateResult {
    const p = this.pending;
    const verb = p?.decision === 'reject' ? 'Reject' : 'Approve';
    const name = p ? this.described.get(p.a.id)?.record ?? p.a.number ?? 'the record' : '';
    return html`<dialog class="fw-dialog" aria-labelledby="approval-dialog-title" @cancel=${this.#onCancel}>
      ${p ? html`<form @submit=${this.#confirm} novalidate>
        <h2 class="fw-heading-m" id="approval-dialog-title">${verb} ${name}</h2>
        <fw-error-summary .items=${this.#form.items}></fw-error-summary>
        <p class="fw-body">${p.a.approvalLabel}${p.a.approver !== this.session?.user.username ? `, asked of ${p.a.approverName}` : ''}.</p>
        <div class="fw-form-group">
          <label class="fw-label" for=${COMMENT_ID}>Comment (optional)</label>
          <div class="fw-hint" id="approval-comment-hint">It is added to the record’s history.</div>
          <textarea class="fw-textarea" id=${COMMENT_ID} rows="4" aria-describedby=${ifDefined('approval-comment-hint')} .value=${this.comment}
            @input=${(e: Event) => { this.comment = (e.target as HTMLTextAreaElement).value; }}></textarea>
        </div>
        <div class="fw-button-group">
          <button type="submit" class="fw-button ${p.decision === 'reject' ? 'fw-button--warning' : ''}" ?disabled=${this.#form.busy}>${verb}</button>
          <button type="button" class="fw-link-button" ?disabled=${this.#form.busy} @click=${this.#close}>Cancel</button>
        </div>
      </form>` : nothing}
    </dialog>`;
  }

  #open(p: Pending, e: Event) {
    this.#opener = e.currentTarget as HTMLElement;
    this.comment = '';
    this.#form.clear();
    this.message = '';
    this.pending = p;
  }

  #onCancel = (e: Event) => {
    e.preventDefault();
    if (!this.#form.busy) this.#close();
  };

  #close = () => {
    this.pending = null;
    this.#form.clear();
    const opener = this.#opener;
    this.#opener = null;
    void this.updateComplete.then(() => opener?.focus());
  };

  #confirm = async (e: Event) => {
    e.preventDefault();
    const p = this.pending;
    if (!p) return;
    await this.#form.submit(async () => {
      const { data } = await decideApproval(this.api, p.a.table, p.a.recordId, p.a.id, p.decision, this.comment.trim());
      const name = this.described.get(p.a.id)?.record ?? p.a.number ?? 'the record';
      const outcome = data.outcome === 'pending' ? ' It is waiting for other approvers.' : '';
      this.pending = null;
      this.#opener = null;
      this.#form.clear();
      const message = `You ${p.decision === 'approve' ? 'approved' : 'rejected'} ${p.a.approvalLabel} for ${name}.${outcome}`;
      await this.#load();
      this.message = message;
      await this.updateComplete;
      this.querySelector<HTMLElement>('.fw-notification-banner')?.focus();
    });
  };
}

/**
 * Each request's record as a person reads it — its number and display value — with its table's label and the
 * state it waits in: one list request per table, cached across reloads.
 */
async function describe(
  api: ApiClient, metadata: Metadata, requests: PendingApproval[], known: Map<string, Described>,
): Promise<Map<string, Described>> {
  const out = new Map<string, Described>();
  const byTable = new Map<string, PendingApproval[]>();
  for (const a of requests) {
    const k = known.get(a.id);
    if (k) out.set(a.id, k);
    else byTable.set(a.table, [...(byTable.get(a.table) ?? []), a]);
  }
  await Promise.all([...byTable].map(async ([table, list]) => {
    try {
      const [meta, wf] = await Promise.all([metadata.table(table), metadata.workflow(table)]);
      const ids = [...new Set(list.map((a) => a.recordId))];
      const fields = [...new Set(['number', meta.displayField].filter((f) => meta.fields.some((x) => x.name === f)))];
      const res = await api.get<RecordData[]>(tablePath(table), {
        query: { filter: JSON.stringify({ fact: 'id', operator: 'in', value: ids }), fields: fields.join(','), limit: ids.length, total: false },
      });
      const byId = new Map(res.data.map((r) => [String(r.id), r]));
      for (const a of list) {
        const r = byId.get(a.recordId);
        const display = r && meta.displayField !== 'number' ? r[meta.displayField] : null;
        const number = a.number ?? (typeof r?.number === 'string' ? r.number : null);
        const record = [number, typeof display === 'string' && display ? display : null].filter(Boolean).join(' – ') || 'Record';
        const state = wf?.states.find((s) => s.value === a.state)?.label ?? a.state;
        out.set(a.id, { record, table: meta.label, state });
      }
    } catch {
      // Without the table's metadata the request still shows, by number.
    }
  }));
  return out;
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-my-approvals': FwMyApprovals;
  }
}
