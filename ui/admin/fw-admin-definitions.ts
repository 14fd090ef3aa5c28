import { html, nothing } from 'lit';
import { consume } from '@lit/context';
import { Task, TaskStatus } from '@lit/task';
import { customElement } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import type { ApiClient } from '../api/client.js';
import { PageEvent } from '../events.js';
import { formatDateTime } from '../format.js';
import { isLoading } from '../page-state.js';
import { adminCrumbs, problemBanner, tag } from './admin-parts.js';
import { apiContext } from '../contexts.js';

const TITLE = 'Definitions';

interface DefinitionError { file: string; pointer: string; message: string; expected?: string }
interface DefinitionStatus {
  version: string;
  since: string;
  rejected: { at: string; errors: DefinitionError[] } | null;
}

/** A definition file as people name it: the path from the definitions folder, without the machine's folders above. */
function shortFile(file: string): string {
  const at = file.search(/(^|\/)(definitions|catalog)\//);
  return at < 0 ? file || 'The definitions as a whole' : file.slice(at).replace(/^\//, '');
}

/**
 * Platform administration: whether the definitions on disk are in force. A change to a definition file (a new
 * catalogue item, a changed form) is picked up by the running server; one that is not valid is refused and the last
 * good version keeps serving — this page says so, lists every problem with its file and place, and clears once a
 * corrected file is in force.
 *
 * @fires fw-page - title and breadcrumb
 */
@customElement('fw-admin-definitions')
export class FwAdminDefinitions extends LightElement {
  @consume({ context: apiContext }) private accessor api!: ApiClient;

  #status = new Task(this, {
    args: () => [this.api] as const,
    task: async ([api], { signal }) => (await api.get<DefinitionStatus>('/admin/definitions', { signal })).data,
  });

  override connectedCallback() {
    super.connectedCallback();
    this.dispatchEvent(new PageEvent(TITLE, adminCrumbs({ label: TITLE })));
  }

  override render() {
    const status = this.#status.value;
    const error = this.#status.status === TaskStatus.ERROR
      ? (this.#status.error instanceof Error ? this.#status.error.message : 'The state of the definitions cannot be shown.') : '';
    return html`
      <h1 class="fw-heading-l">${TITLE}</h1>
      <p class="fw-body">Tables, forms, rules, workflows and catalogue items are read from definition files. A changed file is
        checked and put in force within seconds; a file with problems is refused and the last good version keeps working.</p>
      ${error ? problemBanner(error) : nothing}
      ${isLoading(this.#status) ? html`<p class="fw-body" role="status">Loading…</p>` : nothing}
      ${status ? this.#summary(status) : nothing}
    `;
  }

  #summary(status: DefinitionStatus) {
    const rejected = status.rejected;
    return html`
      <dl class="fw-summary-list">
        <div class="fw-summary-list__row">
          <dt class="fw-summary-list__key">State</dt>
          <dd class="fw-summary-list__value">${rejected ? tag('Last change refused', 'red') : tag('Up to date', 'green')}</dd>
        </div>
        <div class="fw-summary-list__row">
          <dt class="fw-summary-list__key">In force since</dt>
          <dd class="fw-summary-list__value">${status.since ? formatDateTime(status.since) : 'Start-up'}</dd>
        </div>
      </dl>
      ${rejected ? html`
        <section class="fw-section" aria-labelledby="refused-heading">
          <h2 class="fw-heading-m" id="refused-heading">Change refused ${formatDateTime(rejected.at)}</h2>
          <p class="fw-body">Correct these problems in the files; the change is put in force as soon as they are saved.</p>
          <div class="fw-table-wrapper" role="region" aria-labelledby="refused-heading" tabindex="0">
            <table class="fw-table">
              <thead class="fw-table__head"><tr class="fw-table__row">
                <th scope="col" class="fw-table__header">File</th>
                <th scope="col" class="fw-table__header">Where in the file</th>
                <th scope="col" class="fw-table__header">Problem</th>
              </tr></thead>
              <tbody class="fw-table__body">
                ${rejected.errors.map((e) => html`<tr class="fw-table__row">
                  <td class="fw-table__cell">${shortFile(e.file)}</td>
                  <td class="fw-table__cell"><code>${e.pointer || '(whole file)'}</code></td>
                  <td class="fw-table__cell">${e.message}${e.expected ? html`<br><span class="fw-hint">Expected ${e.expected}</span>` : nothing}</td>
                </tr>`)}
              </tbody>
            </table>
          </div>
        </section>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-admin-definitions': FwAdminDefinitions;
  }
}
