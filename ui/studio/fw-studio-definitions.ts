import { html, nothing } from 'lit';
import { consume } from '@lit/context';
import { Task, TaskStatus } from '@lit/task';
import { customElement, property } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import type { ApiClient } from '../api/client.js';
import { fetchStudioDefinitions, studioUrl, type DefinitionListEntry } from '../api/studio.js';
import { apiContext } from '../contexts.js';
import { NavigateEvent, PageEvent } from '../events.js';
import { isLoading, loadErrorText } from '../page-state.js';
import { withQuery } from '../router.js';
import { problemBanner } from '../admin/admin-parts.js';
import { kindTitle, machineName, packTitle, studioCrumbs, studioNav } from './studio-parts.js';
import './fw-studio-open.js';
import './fw-studio-uses.js';

const TITLE = 'Definitions';

/**
 * The studio's browser: every definition in force, by kind and pack, with a search of labels and names. Each shows
 * its label and kind in words; the machine name follows, labelled, for configurators who write it in definitions.
 * The filters live in the URL (`kind`, `pack`, `q`), so a filtered list can be bookmarked. Each entry opens "Where
 * used" (a table's fields each too) and "Open in a change set" (a draft, or a new one, then the definition's page).
 *
 * @fires fw-page - title and breadcrumb
 */
@customElement('fw-studio-definitions')
export class FwStudioDefinitions extends LightElement {
  /** The page's query: kind, pack and search text. */
  @property({ attribute: false }) accessor params = new URLSearchParams();

  @consume({ context: apiContext }) private accessor api!: ApiClient;

  /** Every definition, once: the kinds and packs the filters offer. */
  #all = new Task(this, {
    args: () => [this.api] as const,
    task: ([api], { signal }) => fetchStudioDefinitions(api, {}, signal),
  });

  #found = new Task(this, {
    args: () => [this.api, this.params.get('kind') ?? '', this.params.get('pack') ?? '', this.params.get('q') ?? ''] as const,
    task: ([api, kind, pack, q], { signal }) => fetchStudioDefinitions(api, { kind, pack, q }, signal),
  });

  override connectedCallback() {
    super.connectedCallback();
    this.dispatchEvent(new PageEvent(`${TITLE} – Studio`, studioCrumbs({ label: TITLE })));
  }

  override render() {
    const all = this.#all.value ?? [];
    const found = this.#found.value ?? [];
    const error = this.#found.status === TaskStatus.ERROR ? loadErrorText(this.#found.error, 'The definitions cannot be shown.') : '';
    const kinds = [...new Set(all.map((d) => d.kind))].sort((a, b) => kindTitle(a).localeCompare(kindTitle(b)));
    const packs = [...new Set(all.map((d) => d.pack))].sort((a, b) => packTitle(a).localeCompare(packTitle(b)));
    return html`
      <span class="fw-caption-l">Studio</span>
      <h1 class="fw-heading-l" id="definitions-heading">${TITLE}</h1>
      ${studioNav('definitions')}
      <p class="fw-body">The definitions in force: from the packs' files and from versions published in the studio.
        To change one, open a change set and edit it there.</p>
      <form class="fw-list__toolbar" role="search" aria-label="Find definitions" @submit=${this.#onSubmit}>
        <div class="fw-form-group">
          <label class="fw-label" for="studio-kind">Kind</label>
          <select class="fw-select" id="studio-kind" name="kind">
            <option value="">All kinds</option>
            ${kinds.map((k) => html`<option value=${k} ?selected=${this.params.get('kind') === k}>${kindTitle(k, true)}</option>`)}
          </select>
        </div>
        <div class="fw-form-group">
          <label class="fw-label" for="studio-pack">Where from</label>
          <select class="fw-select" id="studio-pack" name="pack">
            <option value="">Anywhere</option>
            ${packs.map((p) => html`<option value=${p} ?selected=${this.params.get('pack') === p}>${packTitle(p)}</option>`)}
          </select>
        </div>
        <div class="fw-form-group">
          <label class="fw-label" for="studio-q">Search labels and names</label>
          <input class="fw-input" id="studio-q" name="q" type="search" .value=${this.params.get('q') ?? ''}>
        </div>
        <button type="submit" class="fw-button fw-button--secondary">Search</button>
      </form>
      ${error ? problemBanner(error) : nothing}
      ${isLoading(this.#found) ? html`<p class="fw-body" role="status">Loading…</p>` : nothing}
      ${!isLoading(this.#found) && !error ? html`<p class="fw-body" role="status">${found.length === 1
        ? '1 definition found' : `${found.length} definitions found`}</p>` : nothing}
      ${found.length ? this.#table(found) : nothing}`;
  }

  #table(rows: DefinitionListEntry[]) {
    return html`<div class="fw-table-wrapper" role="region" aria-labelledby="definitions-heading" tabindex="0">
      <table class="fw-table">
        <caption class="fw-visually-hidden">Definitions in force, by kind and name</caption>
        <thead class="fw-table__head"><tr class="fw-table__row">
          <th scope="col" class="fw-table__header">Definition</th>
          <th scope="col" class="fw-table__header">Kind</th>
          <th scope="col" class="fw-table__header">Where from</th>
          <th scope="col" class="fw-table__header">Actions</th>
        </tr></thead>
        <tbody class="fw-table__body">
          ${rows.map((d) => html`<tr class="fw-table__row" data-definition=${`${d.kind}/${d.name}`}>
            <th scope="row" class="fw-table__cell">${d.label ?? html`<span class="fw-secondary-text">No label</span>`}<br>${machineName(d.name)}</th>
            <td class="fw-table__cell">${kindTitle(d.kind)}</td>
            <td class="fw-table__cell">${packTitle(d.pack)}</td>
            <td class="fw-table__cell fw-studio-entry__actions">
              <fw-studio-uses kind=${d.kind} name=${d.name} subject=${`${kindTitle(d.kind)} ${d.label ?? 'without a label'}`}></fw-studio-uses>
              <fw-studio-open kind=${d.kind} name=${d.name} subject=${`${kindTitle(d.kind)} ${d.label ?? 'without a label'}`}></fw-studio-open>
            </td>
          </tr>`)}
        </tbody>
      </table>
    </div>`;
  }

  #onSubmit = (e: SubmitEvent) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const query = Object.fromEntries(['kind', 'pack', 'q'].map((k) => [k, String(data.get(k) ?? '').trim()]));
    this.dispatchEvent(new NavigateEvent(withQuery(studioUrl, query)));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-studio-definitions': FwStudioDefinitions;
  }
}
