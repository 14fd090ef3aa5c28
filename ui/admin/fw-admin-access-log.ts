import { html, nothing, type PropertyValues } from 'lit';
import { consume } from '@lit/context';
import { Task, TaskStatus } from '@lit/task';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import type { AccessGroup, AccessLogEntry, AccessReportRow } from '../api/admin.js';
import { ApiError, type ApiClient } from '../api/client.js';
import { NavigateEvent, PageEvent } from '../events.js';
import { radioGroup, textInput } from '../fields/field-parts.js';
import { FormProblems, noProblems, problemsOf } from '../form-problems.js';
import { formatDate, formatDateTime } from '../format.js';
import { isLoading } from '../page-state.js';
import { withQuery } from '../router.js';
import { adminCrumbs, countText, isoDay, pager, problemBanner } from './admin-parts.js';
import { apiContext } from '../contexts.js';

const TITLE = 'Access log';
const PATH = '/admin/access-log';
const FIELDS = ['from', 'to', 'groupBy'] as const;
const ENTRY_LIMIT = 50;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const GROUPS: { value: AccessGroup; label: string; column: string }[] = [
  { value: 'org', label: 'Organisation', column: 'Organisation' },
  { value: 'user', label: 'User', column: 'User' },
  { value: 'day', label: 'Day', column: 'Day' },
];
const COUNTS: { key: keyof AccessReportRow; label: string }[] = [
  { key: 'signIns', label: 'Sign-ins' }, { key: 'distinctUsers', label: 'Distinct users' }, { key: 'pageViews', label: 'Page views' },
  { key: 'apiCalls', label: 'API calls' }, { key: 'failures', label: 'Failed sign-ins' }, { key: 'signOuts', label: 'Sign-outs' },
];

/**
 * Organisation administration: audit data analysis of the access log. A period and a grouping (by
 * organisation, user or day) give a table of counts — sign-ins, distinct users, page views, API calls, failures,
 * sign-outs — with a link that downloads the same report as CSV, and below it the log's entries, paged. The
 * period, grouping and page live in the URL (`from`, `to`, `groupBy`, `offset`).
 *
 * @fires fw-page - title and breadcrumb
 * @fires fw-error-state - the error summary appeared or went away
 * @fires fw-navigate - a new period, grouping or page
 */
@customElement('fw-admin-access-log')
export class FwAdminAccessLog extends LightElement {
  /** The page's URL query. */
  @property({ attribute: false }) accessor params = new URLSearchParams();

  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor from = '';
  @state() private accessor to = '';
  @state() private accessor groupBy: AccessGroup = 'org';

  #form = new FormProblems(this, { fields: FIELDS, prefix: 'log' });

  /**
   * The report and the page of entries the URL asks for (an older query's late answer is dropped by the task). A
   * period the server refuses (typed into the address) is no load failure: its problems belong to the form's fields.
   */
  #log = new Task(this, {
    args: () => [this.api, this.params] as const,
    task: async ([api], { signal }) => {
      const q = this.#query;
      try {
        const [report, entries] = await Promise.all([
          api.get<AccessReportRow[]>('/admin/access-log/report', { query: { from: q.from, to: q.to, groupBy: q.groupBy }, signal }),
          api.get<AccessLogEntry[]>('/admin/access-log', { query: { from: q.from, to: q.to, limit: ENTRY_LIMIT, offset: q.offset || undefined }, signal }),
        ]);
        return { rows: report.data, entries: entries.data, total: (entries.body.meta as { total?: number } | undefined)?.total ?? null };
      } catch (e) {
        if (signal.aborted || !(e instanceof ApiError && e.errors.length)) throw e;
        void this.#form.show(problemsOf(e, FIELDS), { focus: false });
        return { rows: [], entries: [], total: null };
      }
    },
  });

  override connectedCallback() {
    super.connectedCallback();
    this.dispatchEvent(new PageEvent(TITLE, adminCrumbs({ label: TITLE })));
  }

  protected override willUpdate(changed: PropertyValues) {
    if (changed.has('params')) {
      this.from = this.#query.from;
      this.to = this.#query.to;
      this.groupBy = this.#query.groupBy;
    }
  }

  /** The period, grouping and page the URL asks for (default: the last 30 days by organisation). */
  get #query(): { from: string; to: string; groupBy: AccessGroup; offset: number } {
    const p = this.params;
    const group = p.get('groupBy');
    return {
      from: p.get('from') ?? isoDay(-30), to: p.get('to') ?? isoDay(0),
      groupBy: GROUPS.some((g) => g.value === group) ? (group as AccessGroup) : 'org', offset: Number(p.get('offset')) || 0,
    };
  }

  override render() {
    const q = this.#query;
    const f = this.#form.problems.fields;
    const group = GROUPS.find((g) => g.value === q.groupBy)!;
    const csv = withQuery('/api/admin/access-log/report', { from: q.from, to: q.to, groupBy: q.groupBy, format: 'csv' });
    const period = `${formatDate(q.from)} to ${formatDate(q.to)}`;
    const loading = isLoading(this.#log);
    const { rows = [], entries = [], total = null } = this.#log.value ?? {};
    const error = this.#log.status === TaskStatus.ERROR ? (this.#log.error instanceof Error ? this.#log.error.message : 'The access log cannot be shown.') : '';
    return html`
      <fw-error-summary .items=${this.#form.items}></fw-error-summary>
      <h1 class="fw-heading-l">${TITLE}</h1>
      <p class="fw-body">Every sign-in, sign-out, failed sign-in and page or API access of your organisation is recorded.</p>
      <form class="fw-form fw-log-form" novalidate @submit=${this.#submit}>
        <div class="fw-log-form__dates">
          ${textInput({ id: 'log-from', name: 'from', label: 'From', type: 'date', value: this.from, error: f.get('from') ?? null, hint: 'From the start of the day.',
            widthClass: 'fw-input--width-10', onInput: (v) => { this.from = v; } })}
          ${textInput({ id: 'log-to', name: 'to', label: 'To', type: 'date', value: this.to, error: f.get('to') ?? null, hint: 'Includes the whole day.',
            widthClass: 'fw-input--width-10', onInput: (v) => { this.to = v; } })}
        </div>
        ${radioGroup({ id: 'log-groupBy', name: 'groupBy', legend: 'Count by', value: this.groupBy, error: f.get('groupBy') ?? null, inline: true,
          options: GROUPS.map((g) => ({ value: g.value, label: g.label })), onChange: (v) => { this.groupBy = v as AccessGroup; } })}
        <button type="submit" class="fw-button">Show report</button>
      </form>
      ${error ? problemBanner(error) : nothing}
      <section class="fw-section" aria-labelledby="report-heading">
        <h2 class="fw-heading-m" id="report-heading">Report by ${group.label.toLowerCase()}, ${period}</h2>
        ${loading ? html`<p class="fw-body" role="status">Loading…</p>` : rows.length ? html`
          <div class="fw-table-wrapper" role="region" aria-labelledby="report-heading" tabindex="0">
            <table class="fw-table">
              <thead class="fw-table__head"><tr class="fw-table__row">
                <th scope="col" class="fw-table__header">${group.column}</th>
                ${COUNTS.map((c) => html`<th scope="col" class="fw-table__header fw-table__header--numeric">${c.label}</th>`)}
              </tr></thead>
              <tbody class="fw-table__body">
                ${rows.map((r) => html`<tr class="fw-table__row">
                  <th scope="row" class="fw-table__cell">${q.groupBy === 'day' ? formatDate(r.key) : r.label || r.key || 'No organisation'}</th>
                  ${COUNTS.map((c) => html`<td class="fw-table__cell fw-table__cell--numeric">${r[c.key]}</td>`)}
                </tr>`)}
              </tbody>
            </table>
          </div>` : html`<p class="fw-body">Nothing was recorded in this period.</p>`}
        <p class="fw-body"><a class="fw-link" href=${csv} download>Download this report as CSV<span class="fw-visually-hidden"> (${group.label.toLowerCase()}, ${period})</span></a></p>
      </section>
      <section class="fw-section" aria-labelledby="entries-heading">
        <h2 class="fw-heading-m" id="entries-heading">Entries</h2>
        <p class="fw-body fw-list__count" role="status">${loading ? '' : countText(q.offset, entries.length, total, 'entries')}</p>
        ${entries.length ? this.#entries(entries) : nothing}
        ${pager(q.offset, ENTRY_LIMIT, total, entries.length, (offset) => this.#url({ offset: offset || null }), 'Entries pages')}
      </section>`;
  }

  #entries(entries: readonly AccessLogEntry[]) {
    return html`<div class="fw-table-wrapper" role="region" aria-labelledby="entries-heading" tabindex="0">
      <table class="fw-table">
        <thead class="fw-table__head"><tr class="fw-table__row">
          <th scope="col" class="fw-table__header">Time</th>
          <th scope="col" class="fw-table__header">User</th>
          <th scope="col" class="fw-table__header">Event</th>
          <th scope="col" class="fw-table__header">Address</th>
          <th scope="col" class="fw-table__header fw-table__header--numeric">Status</th>
          <th scope="col" class="fw-table__header">Description</th>
        </tr></thead>
        <tbody class="fw-table__body">
          ${entries.map((e) => html`<tr class="fw-table__row">
            <td class="fw-table__cell fw-table__cell--nowrap">${formatDateTime(e.at)}</td>
            <td class="fw-table__cell">${e.username ?? ''}</td>
            <td class="fw-table__cell">${e.event}${e.signIn ? ' (sign-in)' : ''}</td>
            <td class="fw-table__cell fw-table__cell--break">${e.method ? `${e.method} ` : ''}${e.url ?? ''}</td>
            <td class="fw-table__cell fw-table__cell--numeric">${e.status ?? ''}</td>
            <td class="fw-table__cell">${e.description ?? ''}</td>
          </tr>`)}
        </tbody>
      </table>
    </div>`;
  }

  #url(patch: Record<string, string | number | null>): string {
    const query: Record<string, string | number | null> = {};
    for (const [k, v] of this.params) query[k] = v;
    return withQuery(PATH, { ...query, ...patch });
  }

  #submit = async (e: Event) => {
    e.preventDefault();
    const problems = noProblems();
    if (!DAY.test(this.from)) problems.fields.set('from', 'Enter the first day of the period');
    if (!DAY.test(this.to)) problems.fields.set('to', 'Enter the last day of the period');
    else if (DAY.test(this.from) && this.to < this.from) problems.fields.set('to', 'The last day must be the same as or after the first day');
    if (await this.#form.check(problems)) return;
    this.#form.clear();
    this.dispatchEvent(new NavigateEvent(withQuery(PATH, { from: this.from, to: this.to, groupBy: this.groupBy })));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-admin-access-log': FwAdminAccessLog;
  }
}
