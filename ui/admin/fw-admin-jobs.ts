import { html, nothing } from 'lit';
import { consume } from '@lit/context';
import { Task, TaskStatus } from '@lit/task';
import { customElement } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { ApiError, type ApiClient } from '../api/client.js';
import { fetchJobs, jobUrl, type JobView } from '../api/jobs.js';
import { PageEvent } from '../events.js';
import { isLoading } from '../page-state.js';
import { adminCrumbs, problemBanner, tag } from './admin-parts.js';
import { moment, runStatusTag } from './job-parts.js';
import { apiContext } from '../contexts.js';

const TITLE = 'Scheduled jobs';

/** Jobs by what they are for: those from definitions first, then the engine's own background work. */
const TYPE_ORDER: Record<JobView['type'], number> = { sweep: 0, platform: 0, system: 1 };

/**
 * Administration: every scheduled job — those the definitions declare and the engine's own background work — with
 * its schedule in words, when it runs next, how its last run went and whether it is switched on. Each job's label
 * opens its page (fw-admin-job).
 *
 * @fires fw-page - title and breadcrumb
 */
@customElement('fw-admin-jobs')
export class FwAdminJobs extends LightElement {
  @consume({ context: apiContext }) private accessor api!: ApiClient;

  #jobs = new Task(this, {
    args: () => [this.api] as const,
    task: async ([api], { signal }) => (await fetchJobs(api, signal))
      .sort((a, b) => TYPE_ORDER[a.type] - TYPE_ORDER[b.type] || a.label.localeCompare(b.label)),
  });

  override connectedCallback() {
    super.connectedCallback();
    this.dispatchEvent(new PageEvent(TITLE, adminCrumbs({ label: TITLE })));
  }

  override render() {
    const jobs = this.#jobs.value ?? [];
    const error = this.#jobs.status === TaskStatus.ERROR ? this.#errorText(this.#jobs.error) : '';
    return html`
      <h1 class="fw-heading-l" id="jobs-heading">${TITLE}</h1>
      <p class="fw-body">Work the server does on a schedule. Open a job to change when it runs, run it now or see its past runs.</p>
      ${error ? problemBanner(error) : nothing}
      ${isLoading(this.#jobs) ? html`<p class="fw-body" role="status">Loading…</p>` : nothing}
      ${!isLoading(this.#jobs) && !error && !jobs.length ? html`<p class="fw-body">There are no scheduled jobs.</p>` : nothing}
      ${jobs.length ? this.#table(jobs) : nothing}`;
  }

  #errorText(e: unknown): string {
    if (e instanceof ApiError && e.status === 403) return 'You do not have access to scheduled jobs.';
    return e instanceof Error ? e.message : 'The scheduled jobs cannot be shown.';
  }

  /** When it runs next; the server's own work runs whenever it finds some, so say when it last looked instead. */
  #next(j: JobView, now: number) {
    if (j.type === 'system') {
      return html`<span class="fw-secondary-text">Whenever it finds work</span>${j.lastPolledAt
        ? html`<br>last looked ${moment(j.lastPolledAt, now)}` : nothing}`;
    }
    return j.enabled && j.nextRunAt ? moment(j.nextRunAt, now) : html`<span class="fw-secondary-text">Not scheduled</span>`;
  }

  #table(jobs: JobView[]) {
    const now = this.api.serverNow();
    return html`<div class="fw-table-wrapper" role="region" aria-labelledby="jobs-heading" tabindex="0">
      <table class="fw-table">
        <caption class="fw-visually-hidden">Scheduled jobs, by name</caption>
        <thead class="fw-table__head"><tr class="fw-table__row">
          <th scope="col" class="fw-table__header">Job</th>
          <th scope="col" class="fw-table__header">Schedule</th>
          <th scope="col" class="fw-table__header">Next run</th>
          <th scope="col" class="fw-table__header">Last run</th>
          <th scope="col" class="fw-table__header">Switched on</th>
        </tr></thead>
        <tbody class="fw-table__body">
          ${jobs.map((j) => html`<tr class="fw-table__row" data-job=${j.name}>
            <th scope="row" class="fw-table__cell">
              <a class="fw-link" href=${jobUrl(j.name)}>${j.label}</a>
              ${j.type === 'system' ? html`<br><span class="fw-secondary-text">Built into the server</span>` : nothing}
            </th>
            <td class="fw-table__cell">${j.scheduleText}${j.overridden ? html`<br><span class="fw-secondary-text">Changed by an administrator</span>` : nothing}</td>
            <td class="fw-table__cell">${this.#next(j, now)}</td>
            <td class="fw-table__cell">${j.lastRun
              ? html`${moment(j.lastRun.startedAt, now)}<br>${runStatusTag(j.lastRun.status)}`
              : html`<span class="fw-secondary-text">Never run</span>`}</td>
            <td class="fw-table__cell">${j.enabled ? tag('On', 'green') : tag('Off', 'grey')}</td>
          </tr>`)}
        </tbody>
      </table>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-admin-jobs': FwAdminJobs;
  }
}
