import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { consume } from '@lit/context';
import { Task, TaskStatus, initialState } from '@lit/task';
import { customElement, property, query, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import type { Condition } from '../../platform/conditions/browser.js';
import { ApiError, type ApiClient } from '../api/client.js';
import type { RecordData, TableMeta, SessionInfo } from '../api/types.js';
import { successBanner } from '../admin/admin-parts.js';
import { ErrorStateEvent, PageEvent } from '../events.js';
import { formatValue } from '../format.js';
import type { FwErrorSummary, SummaryItem } from '../fw-error-summary.js';
import '../fw-error-summary.js';
import { type FwList, type ListSelectionEvent, type ListSource } from '../fw-list.js';
import '../fw-list.js';
import { queueUrl } from '../router.js';
import { assignRecord, fetchQueue, queuePath, type Queue, type WorkflowMeta } from '../workflow/api.js';
import type { Metadata } from '../api/meta.js';
import { apiContext, metaContext, sessionContext } from '../contexts.js';

const CRUMBS = [{ label: 'Work queues', href: '/queues' }];

/** What a loaded queue page shows: the queue, the table of its records shown, that table's workflow and metadata. */
interface Loaded {
  queue: Queue;
  table: string;
  meta: TableMeta;
  workflow: WorkflowMeta | null;
  source: ListSource;
  columns: string[];
  /** The assignee field, fetched for the row actions whether shown or not. */
  extraFields: string[];
  /** Records not in a closed state (unless the person asked for every record). */
  openFilter: Condition | null;
}

type Action = 'assign' | 'return';

/**
 * One work queue (`@me`: the records assigned to the person): its records as a list (the generic fw-list over
 * GET /api/queues/:name/items) with text search, the filter builder, sorting and paging; open records only unless
 * "Show closed records too"; when the queue holds records of several tables, links to switch between them with
 * their counts. Each row offers "Assign to me" (unless it is the person's already, or the queue has members and they
 * are not one) and, when assigned, "Return to queue"; selected rows can be assigned or returned together. The outcome
 * is a success banner (focused) or the error summary naming each record that could not be changed; the list and
 * counts are then fetched again.
 *
 * State lives in the URL: `table`, `closed`, and the list's own `q`, `filter`, `sort`, `offset`.
 *
 * @fires fw-page - title and breadcrumb (through the list; itself when the queue cannot be shown)
 * @fires fw-error-state - the error summary appeared or went away
 */
@customElement('fw-queue')
export class FwQueue extends LightElement {
  /** The queue's name. */
  @property() accessor queue = '';
  /** The page's URL query. */
  @property({ attribute: false }) accessor params = new URLSearchParams();

  /** The signed-in person's session. */
  @consume({ context: sessionContext, subscribe: true }) @state() private accessor session: SessionInfo | null = null;
  @consume({ context: apiContext }) private accessor api!: ApiClient;
  @consume({ context: metaContext, subscribe: true }) private accessor metadata!: Metadata;

  @state() private accessor selection: RecordData[] = [];
  @state() private accessor busy = false;
  @state() private accessor message = '';
  @state() private accessor problems: SummaryItem[] = [];

  @query('fw-list') private accessor list!: FwList | null;
  @query('fw-error-summary') private accessor summary!: FwErrorSummary | null;

  /**
   * The queue and the table shown (`empty`: the queue holds no table the person can read). Sorting, filtering,
   * searching and paging are the list's business: only the queue, table or scope are its inputs.
   */
  #page = new Task(this, {
    args: () => [this.api, this.metadata, this.queue, this.params.get('table'), this.params.get('closed')] as const,
    task: ([api, metadata, name, table, closed]) => this.#fetchPage(api, metadata, name, table, closed),
    onComplete: ({ empty }) => {
      if (empty) this.dispatchEvent(new PageEvent(empty.label, [{ label: 'Home', href: '/' }, ...CRUMBS, { label: empty.label }]));
    },
    onError: () => this.dispatchEvent(new PageEvent('Queue not available', [{ label: 'Home', href: '/' }, ...CRUMBS, { label: 'Queue not available' }])),
  });

  /** The queue read again after an action, for its counts (run by hand; a failure leaves the page as it is). */
  #counts = new Task(this, {
    autoRun: false,
    args: () => [this.api, this.#page.value?.loaded?.queue.name] as const,
    task: ([api, name]) => (name ? fetchQueue(api, name, true) : initialState),
  });

  /** The queue, table or scope changed: what was said about the previous one goes. */
  protected override willUpdate(changed: PropertyValues<this>) {
    if (!changed.has('queue') && !changed.has('params')) return;
    const old = changed.get('params') as URLSearchParams | undefined;
    const scope = (p: URLSearchParams | undefined) => `${p?.get('table') ?? ''}\n${p?.get('closed') ?? ''}`;
    if (changed.has('queue') || scope(old) !== scope(this.params)) {
      this.message = '';
      this.#setProblems([]);
    }
  }

  /** The queue and the table shown, from the queue's name and the URL's `table` and `closed`. */
  async #fetchPage(
    api: ApiClient, metadata: Metadata, name: string, asked: string | null, closed: string | null,
  ): Promise<{ loaded: Loaded | null; empty: Queue | null }> {
    const queue = await fetchQueue(api, name, true);
    const tables = queue.tables ?? [];
    const chosen = tables.find((t) => t.name === asked) ?? tables.find((t) => (t.count ?? 0) > 0) ?? tables[0];
    if (!chosen) return { loaded: null, empty: queue };
    const [meta, workflow] = await Promise.all([metadata.table(chosen.name), metadata.workflow(chosen.name)]);
    return {
      empty: null,
      loaded: {
        queue, table: chosen.name, meta, workflow,
        source: { path: queuePath(queue.name, 'items'), query: { table: chosen.name }, search: true, crumbs: CRUMBS, pageUrl: (p) => queueUrl(queue.name, p) },
        columns: this.#columns(meta, workflow, queue.personal),
        extraFields: workflow?.assigneeField ? [workflow.assigneeField] : [],
        openFilter: closed === '1' ? null : openCondition(workflow),
      },
    };
  }

  /** The page as loaded, with the queue's counts as read again after an action (when they could be). */
  get #loaded(): Loaded | null {
    const l = this.#page.value?.loaded ?? null;
    const fresh = this.#counts.status === TaskStatus.COMPLETE ? this.#counts.value : undefined;
    return l && fresh && fresh.name === l.queue.name ? { ...l, queue: fresh } : l;
  }

  /** Number, display field, state, then the assignee (or, in the personal queue, the queue) and when it last changed. */
  #columns(meta: TableMeta, wf: WorkflowMeta | null, personal: boolean): string[] {
    const known = new Set(meta.fields.map((f) => f.name));
    const cols = [
      meta.numberPrefix ? 'number' : null, meta.displayField !== 'id' ? meta.displayField : null, wf?.stateField,
      personal ? wf?.queueField : wf?.assigneeField, 'updated_at',
    ];
    const out = [...new Set(cols.filter((c): c is string => !!c && known.has(c)))];
    return out.length ? out : ['id'];
  }

  override render() {
    const l = this.#loaded;
    const top = html`${this.message ? successBanner(this.message) : nothing}
      <fw-error-summary .items=${this.problems}></fw-error-summary>`;
    if (!l) {
      const empty = this.#page.value?.empty ?? null;
      const failed = this.#page.status === TaskStatus.ERROR;
      if (!failed && !empty) return html`${top}<p class="fw-body" role="status">Loading…</p>`;
      const error = this.#page.error instanceof ApiError ? this.#page.error.message : 'The queue cannot be shown.';
      return html`${top}<h1 class="fw-heading-l">${empty?.label ?? 'Queue not available'}</h1>
        <p class="fw-body">${empty ? 'There are no records in this queue that you can see.' : error}</p>
        <p class="fw-body"><a class="fw-link" href="/queues">Back to work queues</a></p>`;
    }
    return html`${top}
      <fw-list table=${l.table} .params=${this.params} .source=${l.source} heading=${l.queue.label} .columns=${l.columns} .extraFields=${l.extraFields}
        .fixedFilter=${l.openFilter} selectable .rowActions=${this.#rowActions} .intro=${this.#intro(l)} .toolbar=${this.#toolbar()}
        @fw-list-selection=${(e: ListSelectionEvent) => { this.selection = e.records; }}></fw-list>`;
  }

  #intro(l: Loaded): TemplateResult {
    const q = l.queue;
    const tables = q.tables ?? [];
    const closed = this.params.get('closed') === '1';
    const scope = new URLSearchParams();
    if (this.params.get('table')) scope.set('table', l.table);
    if (!closed) scope.set('closed', '1');
    const about = q.description ?? (q.personal ? 'Records assigned to you.' : q.org ? `A queue of ${q.org.name}.` : 'A queue shared by every organisation.');
    return html`<p class="fw-body fw-secondary-text">${about}</p>
      ${tables.length > 1 ? html`<nav class="fw-sub-nav" aria-label="Record types in this queue">
        <ul class="fw-sub-nav__list">
          ${tables.map((t) => html`<li class="fw-sub-nav__item">
            <a class="fw-sub-nav__link" href=${queueUrl(q.name, new URLSearchParams({ table: t.name, ...(closed ? { closed: '1' } : {}) }))}
              aria-current=${t.name === l.table ? 'page' : nothing}>${t.label}${t.count === undefined ? '' : html` <span class="fw-sub-nav__count">(${t.count}<span class="fw-visually-hidden"> open</span>)</span>`}</a>
          </li>`)}
        </ul>
      </nav>` : nothing}
      ${l.workflow && (l.openFilter || closed) ? html`<p class="fw-body">
        ${closed ? 'Showing open and closed records.' : 'Showing open records only.'}
        <a class="fw-link" href=${queueUrl(q.name, scope)}>${closed ? 'Show open records only' : 'Show closed records too'}</a>
      </p>` : nothing}`;
  }

  #toolbar(): TemplateResult | null {
    const wf = this.#loaded?.workflow;
    if (!wf?.assigneeField) return null;
    const n = this.selection.length;
    return html`<div class="fw-queue__bulk">
      <p class="fw-body fw-queue__selected" role="status">${n ? `${n} selected` : 'Select records to act on several at once.'}</p>
      <div class="fw-button-group" role="group" aria-label="Selected records">
        ${!this.#mayTake ? nothing : html`<button type="button" class="fw-button fw-button--secondary" data-bulk="assign" ?disabled=${this.busy}
          @click=${() => this.#bulk('assign')}>Assign selected to me</button>`}
        <button type="button" class="fw-button fw-button--secondary" data-bulk="return" ?disabled=${this.busy}
          @click=${() => this.#bulk('return')}>Return selected to queue</button>
      </div>
    </div>`;
  }

  /**
   * Whether "Assign to me" can succeed here: a queue with members is worked by them only (the assign API's rule);
   * the personal queue holds what is the person's already.
   */
  get #mayTake(): boolean {
    const q = this.#loaded?.queue;
    return !!q && !q.personal && (q.member || !q.membersOnly);
  }

  #rowActions = (r: RecordData): TemplateResult | typeof nothing => {
    const wf = this.#loaded?.workflow;
    if (!wf?.assigneeField) return nothing;
    const me = this.session?.user.username;
    const assignee = r[wf.assigneeField];
    const name = this.#name(r);
    return html`<div class="fw-queue__row-actions">
      ${assignee !== me && this.#mayTake ? html`<button type="button" class="fw-link-button" data-assign-me=${String(r.id)} ?disabled=${this.busy}
        @click=${() => this.#act([r], 'assign')}>Assign to me<span class="fw-visually-hidden"> ${name}</span></button>` : nothing}
      ${assignee ? html`<button type="button" class="fw-link-button" data-return=${String(r.id)} ?disabled=${this.busy}
        @click=${() => this.#act([r], 'return')}>Return to queue<span class="fw-visually-hidden"> ${name}</span></button>` : nothing}
    </div>`;
  };

  /** How the page names a record: its number, else its display value. */
  #name(r: RecordData): string {
    const meta = this.#loaded?.meta;
    if (typeof r.number === 'string' && r.number) return r.number;
    const f = meta?.fields.find((x) => x.name === meta.displayField);
    return formatValue(f, r[meta?.displayField ?? 'id'], new Map()) || 'the record';
  }

  #bulk(action: Action) {
    const wf = this.#loaded?.workflow;
    const records = action === 'return' && wf?.assigneeField ? this.selection.filter((r) => r[wf.assigneeField!]) : this.selection;
    if (!this.selection.length) {
      void this.#showProblems([{ text: `Select the records to ${action === 'assign' ? 'assign to you' : 'return to the queue'}`, target: 'list-select-all' }]);
      return;
    }
    if (!records.length) {
      void this.#showProblems([{ text: 'None of the selected records is assigned to anyone', target: 'list-select-all' }]);
      return;
    }
    void this.#act(records, action);
  }

  /** Assign records to oneself, or return them to their queue, one request each; then say what happened. */
  async #act(records: RecordData[], action: Action) {
    this.busy = true;
    this.message = '';
    this.#setProblems([]);
    const failed: SummaryItem[] = [];
    let done = 0;
    for (const r of records) {
      const table = typeof r.class === 'string' && r.class ? r.class : this.#loaded!.table;
      try {
        await assignRecord(this.api, table, String(r.id), action === 'assign' ? { user: '@me' } : { user: null });
        done += 1;
      } catch (e) {
        failed.push({ text: `${this.#name(r)}: ${e instanceof ApiError ? (e.errors[0]?.message ?? e.message) : 'it could not be changed.'}` });
      }
    }
    this.busy = false;
    const one = done === 1;
    const what = one && records.length === 1 ? this.#name(records[0]!) : `${done} ${one ? 'record' : 'records'}`;
    const message = !done ? '' : action === 'assign'
      ? `${what} ${one ? 'is' : 'are'} now assigned to you.`
      : `${what} ${one ? 'has' : 'have'} been returned to the queue.`;
    await Promise.all([this.list?.reload(), this.#counts.run()]);
    this.message = message;
    if (failed.length) {
      await this.#showProblems(failed);
      return;
    }
    await this.updateComplete;
    this.querySelector<HTMLElement>('.fw-notification-banner')?.focus();
  }

  #setProblems(items: SummaryItem[]) {
    if (!items.length && !this.problems.length) return;
    this.problems = items;
    this.dispatchEvent(new ErrorStateEvent(items.length > 0));
  }

  async #showProblems(items: SummaryItem[]) {
    this.#setProblems(items);
    await this.updateComplete;
    await this.summary?.show();
  }
}

/** Records whose state is not of a closed category (null without a workflow or closed states). */
function openCondition(wf: WorkflowMeta | null): Condition | null {
  const closed = wf?.states.filter((s) => s.category === 'closed').map((s) => s.value) ?? [];
  return wf && closed.length ? { fact: wf.stateField, operator: 'notIn', value: closed } : null;
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-queue': FwQueue;
  }
}
