import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { consume } from '@lit/context';
import { Task, initialState } from '@lit/task';
import { customElement, property, query, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { LightElement } from '../light-element.js';
import { ApiError, type ApiClient } from '../api/client.js';
import type { FieldMeta, RecordData, TableMeta, SessionInfo } from '../api/types.js';
import { ErrorStateEvent, type FieldChangeEvent } from '../events.js';
import '../fields/fw-text-field.js';
import type { FieldProps } from '../fields/field-parts.js';
import { renderWidget } from '../fields/widget.js';
import type { ComboOption } from '../fields/combobox.js';
import '../fw-error-summary.js';
import type { FwErrorSummary, SummaryItem } from '../fw-error-summary.js';
import { recordUrl } from '../router.js';
import {
  assignRecord, decideApproval, fetchActions, fetchApprovals, fetchAssignees, makeTransition,
  type Approval, type RecordActions, type TransitionOption, type WorkflowMeta,
} from './api.js';
import { WorkflowChangedEvent, type WorkflowLink } from './events.js';
import './fw-person-picker.js';
import type { PersonPickEvent } from './fw-person-picker.js';
import type { Metadata } from '../api/meta.js';
import { apiContext, metaContext, sessionContext } from '../contexts.js';
import { displayOf, recordDisplayContext, type RecordDisplay } from '../record/display-values.js';

/** A record a transition created (the answer's `meta.created`: only those the person can read). */
interface CreatedRecord {
  table: string;
  id: string;
  number: string | null;
}

/** What the dialog is asking for. */
type Pending =
  | { kind: 'transition'; t: TransitionOption }
  | { kind: 'approval'; a: Approval; decision: 'approve' | 'reject' };

const COMMENT_ID = 'wf-comment';
const fieldId = (name: string) => `wf-field-${name}`;

/** What the workflow section shows; NO_ACTIONS for a table without a workflow. */
interface Actions {
  workflow: WorkflowMeta | null;
  meta: TableMeta | null;
  /** What the server says the person may do now (null before the first answer). */
  allowed: RecordActions | null;
  approvals: Approval[];
}

const NO_ACTIONS: Actions = { workflow: null, meta: null, allowed: null, approvals: [] };
const ASSIGNMENT_ID = 'wf-assignment';

/**
 * The workflow actions of a record page, compact enough for its header: one line with its state, where it sits (the
 * queue by its label, the assignee by their name) and the transitions the signed-in person may make now (one button
 * each; a transition that needs fields or a comment opens a dialog for them); the approvals they are asked for
 * (approve or reject, with a comment); and an "Assignment" disclosure button whose panel holds "Assign to me",
 * "Return to queue", assigning to someone else and moving it to another queue. Only what the server says would
 * succeed is offered (GET …/actions): no assignment for someone who may not assign the record, "Assign to me" only
 * for someone who may hold it, and a move only to the queues they may route it to. Renders nothing for a table
 * without a workflow. Problems are shown in a GOV.UK error summary (in the dialog for its fields); a problem with an
 * assignment control opens its panel, so the summary's link leads to it.
 *
 * @fires fw-workflow-changed - an action changed the record (its new version and a message)
 */
@customElement('fw-workflow-actions')
export class FwWorkflowActions extends LightElement {
  @property() accessor table = '';
  @property() accessor recordId = '';
  /** The record as the page shows it: a new version reloads what is allowed. */
  @property({ attribute: false }) accessor record: RecordData | null = null;

  /** The signed-in person's session. */
  @consume({ context: sessionContext, subscribe: true }) @state() private accessor session: SessionInfo | null = null;
  @consume({ context: apiContext }) private accessor api!: ApiClient;
  @consume({ context: metaContext, subscribe: true }) private accessor metadata!: Metadata;
  /** The record's display values, as the record page read them for its version (the queue's and assignee's names). */
  @consume({ context: recordDisplayContext, subscribe: true }) @state() private accessor display: RecordDisplay | undefined = undefined;

  @state() private accessor busy = false;
  @state() private accessor problems: SummaryItem[] = [];
  @state() private accessor pending: Pending | null = null;
  @state() private accessor values: Record<string, unknown> = {};
  @state() private accessor comment = '';
  @state() private accessor dialogErrors: Record<string, string> = {};
  /** The person chosen in "Assign to someone else" (username and name). */
  @state() private accessor assignee: ComboOption | null = null;
  @state() private accessor targetQueue = '';
  /** Whether the assignment panel is open. */
  @state() private accessor assigning = false;
  /** The person last assigned from the picker, named while the record's display values are read again. */
  #chosen: ComboOption | null = null;

  @query('dialog') private accessor dialog!: HTMLDialogElement | null;
  @query('.fw-workflow__summary fw-error-summary') private accessor pageSummary!: FwErrorSummary | null;
  @query('dialog fw-error-summary') private accessor dialogSummary!: FwErrorSummary | null;

  /** The workflow, state, transitions and approvals of the record, read again for each new version of it. */
  #actions = new Task(this, {
    args: () => [this.api, this.metadata, this.table, this.recordId, String(this.record?.version ?? '')] as const,
    task: ([api, metadata, table, id], { signal }) => (table && id ? this.#fetchActions(api, metadata, table, id, signal) : initialState),
  });

  protected override updated(changed: PropertyValues) {
    if (!changed.has('pending')) return;
    const dialog = this.dialog;
    if (!dialog) return;
    if (this.pending && !dialog.open) {
      dialog.showModal();
      dialog.querySelector<HTMLElement>('input, textarea, select')?.focus();
    } else if (!this.pending && dialog.open) {
      dialog.close();
    }
  }

  /** What the workflow section shows of the record; a failure keeps what was shown and says why. */
  async #fetchActions(api: ApiClient, metadata: Metadata, table: string, id: string, signal: AbortSignal): Promise<Actions> {
    const before = this.#actions.value ?? NO_ACTIONS;
    try {
      const workflow = await metadata.workflow(table);
      if (!workflow) return NO_ACTIONS;
      const [meta, allowed, approvals] = await Promise.all([
        metadata.table(table), fetchActions(api, table, id, signal), fetchApprovals(api, table, id),
      ]);
      return { workflow, meta, allowed, approvals };
    } catch (e) {
      if (signal.aborted) throw e;
      void this.#showProblems([{ text: e instanceof ApiError ? e.message : 'The workflow actions cannot be shown.' }]);
      return before;
    }
  }

  get #shown(): Actions {
    return this.#actions.value ?? NO_ACTIONS;
  }

  override render() {
    const { workflow: wf, allowed, approvals } = this.#shown;
    if (!wf || !this.record || !allowed) return nothing;
    const { stateLabel, transitions } = allowed;
    const requests = approvals.filter((a) => a.canDecide);
    const assignable = Boolean((wf.assigneeField && allowed.assign) || (wf.queueField && allowed.move));
    return html`<section class="fw-workflow" aria-labelledby="wf-heading">
      <h2 class="fw-visually-hidden" id="wf-heading">Workflow</h2>
      <div class="fw-workflow__summary"><fw-error-summary .items=${this.pending ? [] : this.problems}></fw-error-summary></div>
      <div class="fw-workflow__bar">
        <dl class="fw-summary-list fw-workflow__facts">
          <div class="fw-summary-list__row"><dt class="fw-summary-list__key">State</dt>
            <dd class="fw-summary-list__value"><strong class="fw-tag fw-tag--blue" data-state=${String(this.record[wf.stateField] ?? '')}>${stateLabel ?? '—'}</strong></dd></div>
          ${wf.queueField ? this.#row('Queue', this.#queueLabel(this.record[wf.queueField]), 'queue') : nothing}
          ${wf.assigneeField ? this.#row('Assigned to', this.#assigneeName(wf.assigneeField), 'assignee') : nothing}
        </dl>
        ${transitions.length
          ? html`<div class="fw-button-group fw-workflow__transitions" role="group" aria-label="Workflow actions">
              ${transitions.map((t) => html`<button type="button" class="fw-button ${t.category === 'closed' ? '' : 'fw-button--secondary'}"
                data-transition=${t.name} ?disabled=${this.busy} @click=${() => this.#start(t)}>${t.label}</button>`)}
            </div>`
          : html`<p class="fw-body fw-workflow__none">No workflow actions are open to you in this state.</p>`}
        ${assignable ? html`<button type="button" class="fw-button fw-button--secondary fw-workflow__toggle" data-assignment
          aria-expanded=${this.assigning ? 'true' : 'false'} aria-controls=${ASSIGNMENT_ID}
          @click=${() => { this.assigning = !this.assigning; }}>Assignment</button>` : nothing}
      </div>
      ${assignable ? html`<div class="fw-workflow__assignment" id=${ASSIGNMENT_ID} ?hidden=${!this.assigning}>
        ${this.#renderAssignment(wf, allowed)}</div>` : nothing}
      ${requests.length ? this.#renderRequests(requests) : nothing}
      ${this.#renderDialog()}
    </section>`;
  }

  #row(key: string, value: string, part: string): TemplateResult {
    return html`<div class="fw-summary-list__row"><dt class="fw-summary-list__key">${key}</dt>
      <dd class="fw-summary-list__value" data-part=${part}>${value}</dd></div>`;
  }

  /** The queue by its label: as the actions' answer names it, else as the record's display values do. */
  #queueLabel(name: unknown): string {
    if (name === null || name === undefined || name === '') return 'None';
    const { allowed, workflow } = this.#shown;
    const known = [...(allowed?.queue ? [allowed.queue] : []), ...(allowed?.move?.queues ?? [])];
    const shown = workflow?.queueField ? displayOf(this.display?.values, workflow.queueField, name) : null;
    return known.find((q) => q.name === name)?.label ?? shown ?? String(name);
  }

  /**
   * The assignee by name: as read with the record's display values, else — for a new assignee whose name is still
   * being read — as the person chose them or, for themselves, as their session names them.
   */
  #assigneeName(field: string): string {
    const value = this.record?.[field];
    if (value === null || value === undefined || value === '') return 'Nobody';
    const me = this.session?.user;
    const chosen = this.#chosen?.id === value ? this.#chosen.label : me?.username === value ? me.displayName?.trim() : null;
    return displayOf(this.display?.values, field, value) ?? (chosen || String(value));
  }

  #renderRequests(requests: Approval[]): TemplateResult {
    return html`<div class="fw-workflow__requests">
      <h3 class="fw-heading-s">Your approval is requested</h3>
      <ul class="fw-list">
        ${requests.map((a) => html`<li class="fw-workflow__request">
          <span>${a.approvalLabel} (stage ${a.stage})${a.approver !== this.session?.user.username ? ` — for ${a.approverName}` : ''}</span>
          <span class="fw-button-group">
            <button type="button" class="fw-button" data-approve=${a.id} ?disabled=${this.busy} @click=${() => this.#open({ kind: 'approval', a, decision: 'approve' })}>Approve<span class="fw-visually-hidden"> ${a.approvalLabel}</span></button>
            <button type="button" class="fw-button fw-button--warning" data-reject=${a.id} ?disabled=${this.busy} @click=${() => this.#open({ kind: 'approval', a, decision: 'reject' })}>Reject<span class="fw-visually-hidden"> ${a.approvalLabel}</span></button>
          </span>
        </li>`)}
      </ul>
    </div>`;
  }

  /** Only the assignment actions the server offers: nothing is shown that would be refused. */
  #renderAssignment(wf: WorkflowMeta, allowed: RecordActions): TemplateResult {
    const { assign, move } = allowed;
    return html`${wf.assigneeField && assign ? html`${assign.toMe || assign.unassign ? html`<div class="fw-button-group">
        ${assign.toMe ? html`<button type="button" class="fw-button fw-button--secondary" data-assign="me" ?disabled=${this.busy} @click=${() => this.#assign({ user: '@me' }, 'Assigned to you')}>Assign to me</button>` : nothing}
        ${assign.unassign ? html`<button type="button" class="fw-button fw-button--secondary" data-assign="return" ?disabled=${this.busy} @click=${() => this.#assign({ user: null }, 'Returned to its queue')}>Return to queue</button>` : nothing}
      </div>` : nothing}
      <form class="fw-form-group fw-workflow__assign-form" @submit=${this.#assignOther} novalidate>
        <fw-person-picker inputId="wf-assign-user" name="user" label="Assign to someone else" hint="Start typing their name, then choose from the list."
          .value=${this.assignee} .search=${this.#searchAssignees} @fw-person-pick=${(e: PersonPickEvent) => { this.assignee = e.person; }}></fw-person-picker>
        <button type="submit" class="fw-button fw-button--secondary" ?disabled=${this.busy}>Assign</button>
      </form>` : nothing}
      ${wf.queueField && move ? html`<form class="fw-form-group fw-workflow__assign-form" @submit=${this.#move} novalidate>
        <label class="fw-label" for="wf-queue">Move to queue</label>
        <select class="fw-select" id="wf-queue" name="queue" @change=${(e: Event) => { this.targetQueue = (e.target as HTMLSelectElement).value; }}>
          <option value="" ?selected=${!this.targetQueue}>Choose a queue</option>
          ${move.queues.map((q) => html`<option value=${q.name} ?selected=${this.targetQueue === q.name}>${q.label}</option>`)}
        </select>
        <button type="submit" class="fw-button fw-button--secondary" ?disabled=${this.busy}>Move</button>
      </form>` : nothing}`;
  }

  #renderDialog(): TemplateResult {
    const p = this.pending;
    const title = !p ? '' : p.kind === 'transition' ? p.t.label : `${p.decision === 'approve' ? 'Approve' : 'Reject'} ${p.a.approvalLabel}`;
    const commentMode = !p ? 'optional' : p.kind === 'transition' ? p.t.comment : 'optional';
    return html`<dialog class="fw-dialog" aria-labelledby="wf-dialog-title" @cancel=${this.#onCancel} @fw-field-change=${this.#onField}>
      ${p ? html`<form @submit=${this.#confirm} novalidate>
        <h2 class="fw-heading-m" id="wf-dialog-title">${title}</h2>
        <fw-error-summary .items=${this.problems}></fw-error-summary>
        ${p.kind === 'transition' && p.t.description ? html`<p class="fw-body">${p.t.description}</p>` : nothing}
        ${p.kind === 'transition' ? p.t.requiredFields.map((f) => this.#renderField(f)) : nothing}
        ${commentMode !== 'none' ? html`<div class=${this.dialogErrors.comment ? 'fw-form-group fw-form-group--error' : 'fw-form-group'}>
          <label class="fw-label" for=${COMMENT_ID}>Comment${commentMode === 'required' ? html` <span class="fw-required">(required)</span>` : ' (optional)'}</label>
          ${this.dialogErrors.comment ? html`<p class="fw-error-message" id="wf-comment-error"><span class="fw-visually-hidden">Error:</span> ${this.dialogErrors.comment}</p>` : nothing}
          <textarea class="fw-textarea ${this.dialogErrors.comment ? 'fw-textarea--error' : ''}" id=${COMMENT_ID} rows="4"
            aria-describedby=${ifDefined(this.dialogErrors.comment ? 'wf-comment-error' : undefined)} .value=${this.comment}
            @input=${(e: Event) => { this.comment = (e.target as HTMLTextAreaElement).value; }}></textarea>
        </div>` : nothing}
        <div class="fw-button-group">
          <button type="submit" class="fw-button" ?disabled=${this.busy}>${p.kind === 'transition' ? p.t.label : p.decision === 'approve' ? 'Approve' : 'Reject'}</button>
          <button type="button" class="fw-link-button" ?disabled=${this.busy} @click=${this.#close}>Cancel</button>
        </div>
      </form>` : nothing}
    </dialog>`;
  }

  #renderField(name: string): TemplateResult | typeof nothing {
    const field: FieldMeta | undefined = this.#shown.meta?.fields.find((f) => f.name === name);
    if (!field) return nothing;
    const props: FieldProps = {
      field, value: Object.prototype.hasOwnProperty.call(this.values, name) ? this.values[name] : field.type === 'journal' ? null : this.record?.[name] ?? null,
      mandatory: true, readOnly: false, error: this.dialogErrors[name] ?? null, inputId: fieldId(name), record: null,
    };
    // A field the transition asks for is typed here, even one that names a person (the record page shows those read-only).
    return field.names ? html`<fw-text-field .props=${props}></fw-text-field>` : renderWidget(props);
  }

  #onField = (e: FieldChangeEvent) => {
    e.stopPropagation();
    this.values = { ...this.values, [e.field]: e.value };
  };

  #open(p: Pending) {
    this.values = {};
    this.comment = '';
    this.dialogErrors = {};
    this.problems = [];
    this.pending = p;
  }

  #onCancel = (e: Event) => {
    e.preventDefault();
    if (!this.busy) this.#close();
  };

  #close = () => {
    this.pending = null;
    this.problems = [];
    this.dialogErrors = {};
    this.dispatchEvent(new ErrorStateEvent(false));
  };

  /** A transition button: straight away, or through the dialog when it needs fields or a comment. */
  #start(t: TransitionOption) {
    if (t.requiredFields.length || t.comment === 'required') this.#open({ kind: 'transition', t });
    else void this.#transition(t, {});
  }

  #confirm = (e: Event) => {
    e.preventDefault();
    const p = this.pending;
    if (!p) return;
    if (p.kind === 'transition') {
      const body: { fields?: RecordData; comment?: string } = {};
      if (Object.keys(this.values).length) body.fields = this.values;
      if (this.comment.trim()) body.comment = this.comment.trim();
      void this.#transition(p.t, body);
    } else {
      void this.#decide(p.a, p.decision, this.comment.trim());
    }
  };

  async #transition(t: TransitionOption, body: { fields?: RecordData; comment?: string }) {
    await this.#act(async () => {
      const res = await makeTransition(this.api, this.table, this.recordId, t.name, body);
      const meta = res.body.meta as { created?: CreatedRecord[] } | undefined;
      return { data: res.data, etag: res.etag, links: await Promise.all((meta?.created ?? []).map((c) => this.#link(c))) };
    }, `${t.label}: the record is now ${t.toLabel.toLowerCase()}.`);
  }

  /** A created record as a link named by its table's label and its number ("Contact CRN00000012"). */
  async #link(c: CreatedRecord): Promise<WorkflowLink> {
    let label = c.table;
    try {
      label = (await this.metadata.table(c.table)).label;
    } catch {
      // The link still leads to the record; its table's name stands in for the label.
    }
    return { href: recordUrl(c.table, c.id), text: c.number ? `${label} ${c.number}` : `a new ${label.toLowerCase()}` };
  }

  async #decide(a: Approval, decision: 'approve' | 'reject', comment: string) {
    await this.#act(async () => {
      const r = await decideApproval(this.api, this.table, this.recordId, a.id, decision, comment);
      return { data: r.data.record, etag: null };
    }, decision === 'approve' ? `You approved ${a.approvalLabel}.` : `You rejected ${a.approvalLabel}.`);
  }

  async #assign(body: { user?: string | null; queue?: string | null }, message: string) {
    await this.#act(() => assignRecord(this.api, this.table, this.recordId, body), `${message}.`);
    // Done: the header is compact again, and the page's success message has taken focus.
    if (!this.problems.length) this.assigning = false;
  }

  /** The people the assign API would accept for this record (GET …/assignees). */
  #searchAssignees = (q: string, signal: AbortSignal) => fetchAssignees(this.api, this.table, this.recordId, q, signal);

  #assignOther = (e: Event) => {
    e.preventDefault();
    const person = this.assignee;
    if (!person) { void this.#showProblems([{ text: 'Choose the person to assign it to', target: 'wf-assign-user' }]); return; }
    this.#chosen = person;
    void this.#assign({ user: person.id }, `Assigned to ${person.label}`).then(() => { if (!this.problems.length) this.assignee = null; });
  };

  #move = (e: Event) => {
    e.preventDefault();
    const queue = this.targetQueue;
    if (!queue) { void this.#showProblems([{ text: 'Choose the queue to move it to', target: 'wf-queue' }]); return; }
    void this.#assign({ queue }, `Moved to ${this.#queueLabel(queue)}`).then(() => { if (!this.problems.length) this.targetQueue = ''; });
  };

  /** Run an action; on success tell the page, on failure show what went wrong where it can be fixed. */
  async #act(run: () => Promise<{ data: RecordData; etag: string | null; links?: WorkflowLink[] }>, message: string) {
    this.busy = true;
    try {
      const res = await run();
      this.busy = false;
      this.pending = null;
      this.problems = [];
      this.dialogErrors = {};
      this.dispatchEvent(new ErrorStateEvent(false));
      this.dispatchEvent(new WorkflowChangedEvent(res.data, res.etag, message, res.links ?? []));
    } catch (e) {
      this.busy = false;
      if (!(e instanceof ApiError)) throw e;
      const inDialog = this.pending !== null;
      if (inDialog && e.status === 422 && e.errors.length) {
        const errors: Record<string, string> = {};
        const items: SummaryItem[] = [];
        for (const fe of e.errors) {
          errors[fe.field] = fe.message;
          const target = fe.field === 'comment' ? COMMENT_ID : fieldId(fe.field);
          items.push({ text: fe.message, target: this.querySelector(`#${CSS.escape(target)}`) ? target : undefined });
        }
        this.dialogErrors = errors;
        await this.#showProblems(items);
        return;
      }
      // Anything else (a transition no longer allowed, a changed record): close the dialog, say why, and reload.
      this.pending = null;
      const target = e.errors[0]?.field === 'user' ? 'wf-assign-user' : e.errors[0]?.field === 'queue' ? 'wf-queue' : undefined;
      await this.#showProblems(e.errors.length ? e.errors.map((x) => ({ text: x.message, target })) : [{ text: e.message }]);
      void this.#actions.run();
    }
  }

  async #showProblems(items: SummaryItem[]) {
    this.problems = items;
    // The summary's link must lead to a control on screen.
    if (items.some((i) => i.target === 'wf-assign-user' || i.target === 'wf-queue')) this.assigning = true;
    this.dispatchEvent(new ErrorStateEvent(items.length > 0));
    await this.updateComplete;
    await (this.pending ? this.dialogSummary : this.pageSummary)?.show();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-workflow-actions': FwWorkflowActions;
  }
}
