import { html, nothing, type TemplateResult } from 'lit';
import { consume } from '@lit/context';
import { customElement, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { announcePage, loadErrorText, loadingState, loadProblem, pageHeading } from '../page-state.js';
import { queueUrl } from '../router.js';
import { fetchQueues, type Queue } from '../workflow/api.js';
import type { ApiClient } from '../api/client.js';
import { apiContext } from '../contexts.js';

const TITLE = 'Work queues';

/** How many open records, for a table cell. */
function countText(q: Queue): string {
  return q.count === undefined ? '—' : String(q.count);
}

/**
 * "My work": the queues the signed-in person sees (GET /api/queues?counts=true) in three tables — their own queue
 * (records assigned to them), their organisations' queues, and shared queues — each with its open records (those
 * not in a closed state) and, when a queue holds records of several tables, the count of each. A queue's name leads
 * to its page. Queues holding no table the person can read are left out.
 *
 * @fires fw-page - title and breadcrumb
 */
@customElement('fw-queues')
export class FwQueues extends LightElement {
  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor queues: Queue[] | null = null;
  @state() private accessor error = '';

  override connectedCallback() {
    super.connectedCallback();
    announcePage(this, TITLE);
    void this.#load();
  }

  async #load() {
    try {
      this.queues = (await fetchQueues(this.api, true)).filter((q) => q.tables?.length);
    } catch (e) {
      this.error = loadErrorText(e, 'The queues cannot be shown.');
    }
  }

  override render() {
    const queues = this.queues;
    return html`${pageHeading(TITLE, 'My work')}
      <p class="fw-body">Work waits in queues until someone takes it. Open a queue to search and filter its records, assign them to yourself or return them.</p>
      ${loadProblem('The queues cannot be shown', this.error)}
      ${!queues ? (this.error ? nothing : loadingState()) : queues.length ? html`
        ${this.#group('queues-personal', 'Your queue', queues.filter((q) => q.personal), false)}
        ${this.#group('queues-org', 'Your organisations’ queues', queues.filter((q) => !q.personal && q.org), true)}
        ${this.#group('queues-shared', 'Shared queues', queues.filter((q) => !q.personal && !q.org), false)}`
        : html`<p class="fw-body">There are no queues you can work from.</p>`}`;
  }

  #group(id: string, heading: string, queues: Queue[], withOrg: boolean): TemplateResult | typeof nothing {
    if (!queues.length) return nothing;
    return html`<h2 class="fw-heading-m" id=${id}>${heading}</h2>
      <div class="fw-table-wrapper" role="region" aria-labelledby=${id} tabindex="0">
        <table class="fw-table fw-queues__table">
          <caption class="fw-visually-hidden">${heading}, with the number of open records in each</caption>
          <thead class="fw-table__head"><tr class="fw-table__row">
            <th scope="col" class="fw-table__header">Queue</th>
            ${withOrg ? html`<th scope="col" class="fw-table__header">Organisation</th>` : nothing}
            <th scope="col" class="fw-table__header fw-table__header--numeric">Open records</th>
          </tr></thead>
          <tbody class="fw-table__body">
            ${queues.map((q) => html`<tr class="fw-table__row" data-queue=${q.name}>
              <th scope="row" class="fw-table__cell">
                <a class="fw-link" href=${queueUrl(q.name)}>${q.label}</a>
                ${q.member && !q.personal ? html` <strong class="fw-tag fw-tag--blue">Member</strong>` : nothing}
                ${q.description ? html`<span class="fw-hint fw-queues__description">${q.description}</span>` : nothing}
                ${(q.tables?.length ?? 0) > 1 ? html`<ul class="fw-queues__tables">
                  ${q.tables!.map((t) => html`<li><a class="fw-link" href=${queueUrl(q.name, new URLSearchParams({ table: t.name }))}>${t.label}</a>${t.count === undefined ? '' : `: ${t.count}`}</li>`)}
                </ul>` : nothing}
              </th>
              ${withOrg ? html`<td class="fw-table__cell">${q.org?.name ?? ''}</td>` : nothing}
              <td class="fw-table__cell fw-table__cell--numeric" data-count>${countText(q)}</td>
            </tr>`)}
          </tbody>
        </table>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-queues': FwQueues;
  }
}
