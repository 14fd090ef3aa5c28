import { html, nothing } from 'lit';
import { consume } from '@lit/context';
import { Task, TaskStatus, initialState } from '@lit/task';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { tablePath, type ApiClient } from '../api/client.js';
import type { DiffSegment, VersionDiff, VersionStatus, VersionSummary } from '../../platform/versions/types.js';
import { formatDate, formatDateTime } from '../format.js';
import { isLoading } from '../page-state.js';
import { apiContext } from '../contexts.js';

/**
 * The published versions of a record's content, for people who may change it (GET …/versions): a table of versions,
 * two choices of version and a Compare button; the difference shows each content field with insertions in `<ins>`
 * and deletions in `<del>`, each announced as "added:" / "removed:" (not by colour alone). After a comparison, focus
 * moves to its heading so keyboard and screen-reader users land on the result.
 */
@customElement('fw-record-versions')
export class FwRecordVersions extends LightElement {
  /** The record's table. */
  @property() accessor table = '';
  /** The record's id. */
  @property() accessor recordId = '';
  /** Changes when the record was saved, to fetch the versions again. */
  @property({ type: Number }) accessor revision = 0;

  @consume({ context: apiContext }) private accessor api!: ApiClient;

  /** The newer and older version chosen (0: not chosen yet; defaults to the latest and the one before). */
  @state() private accessor newer = 0;
  @state() private accessor older = 0;
  @state() private accessor diff: VersionDiff | null = null;
  @state() private accessor diffError = '';

  #versions = new Task(this, {
    args: () => [this.api, this.table, this.recordId, this.revision] as const,
    task: async ([api, table, id], { signal }) => {
      if (!table || !id) return initialState;
      return (await api.get<VersionSummary[]>(tablePath(table, id, 'versions'), { signal })).data;
    },
  });

  override render() {
    const versions = this.#versions.value ?? [];
    if (this.#versions.status === TaskStatus.ERROR) return html`<p class="fw-body">The versions cannot be shown right now.</p>`;
    if (isLoading(this.#versions) && !versions.length) return html`<p class="fw-body">Loading the versions…</p>`;
    if (!versions.length) return html`<p class="fw-body">No version has been published yet.</p>`;
    const newer = this.newer || versions[0]!.number;
    const older = this.older || (versions[1]?.number ?? 0);
    return html`<div class="fw-table-wrapper"><table class="fw-table fw-versions__table">
        <caption class="fw-visually-hidden">Published versions, newest first</caption>
        <thead><tr>
          <th scope="col" class="fw-table__header">Version</th><th scope="col" class="fw-table__header">Published</th>
          <th scope="col" class="fw-table__header">By</th><th scope="col" class="fw-table__header">Changed</th>
        </tr></thead>
        <tbody class="fw-table__body">${versions.map((v) => html`<tr>
          <th scope="row" class="fw-table__cell">Version ${v.number}</th>
          <td class="fw-table__cell"><time datetime=${v.publishedAt}>${formatDateTime(v.publishedAt)}</time></td>
          <td class="fw-table__cell">${v.publishedBy}</td>
          <td class="fw-table__cell">${v.changed.map((c) => c.label).join(', ') || 'Nothing'}</td>
        </tr>`)}</tbody>
      </table></div>
      ${versions.length > 1 ? html`<form class="fw-versions__compare" @submit=${this.#compare} novalidate>
        <div class="fw-form-group fw-versions__choice">
          <label class="fw-label" for="versions-newer">Compare version</label>
          <select class="fw-select" id="versions-newer" @change=${(e: Event) => { this.newer = Number((e.target as HTMLSelectElement).value); }}>
            ${versions.map((v) => html`<option value=${v.number} ?selected=${v.number === newer}>Version ${v.number}, ${formatDate(v.publishedAt.slice(0, 10))}</option>`)}
          </select>
        </div>
        <div class="fw-form-group fw-versions__choice">
          <label class="fw-label" for="versions-older">with version</label>
          <select class="fw-select" id="versions-older" @change=${(e: Event) => { this.older = Number((e.target as HTMLSelectElement).value); }}>
            ${versions.map((v) => html`<option value=${v.number} ?selected=${v.number === older}>Version ${v.number}, ${formatDate(v.publishedAt.slice(0, 10))}</option>`)}
          </select>
        </div>
        <button type="submit" class="fw-button fw-button--secondary fw-versions__button">Compare</button>
      </form>` : nothing}
      ${this.diffError ? html`<p class="fw-error-message" role="alert">${this.diffError}</p>` : nothing}
      ${this.diff ? this.#renderDiff(this.diff) : nothing}`;
  }

  #renderDiff(d: VersionDiff) {
    return html`<section class="fw-versions__diff" aria-labelledby="versions-diff-heading">
      <h3 class="fw-heading-s" id="versions-diff-heading" tabindex="-1">
        ${d.against === null ? `Version ${d.number}` : `Changes from version ${d.against} to version ${d.number}`}
      </h3>
      ${d.fields.map((f) => html`<div class="fw-versions__field">
        <h4 class="fw-heading-s fw-versions__label">${f.label}${f.changed ? nothing : html` <span class="fw-versions__same">(unchanged)</span>`}</h4>
        <p class="fw-body fw-versions__text">${f.segments.length ? f.segments.map(segment) : html`<span class="fw-versions__same">Empty</span>`}</p>
      </div>`)}
    </section>`;
  }

  #compare = async (e: Event) => {
    e.preventDefault();
    const versions = this.#versions.value ?? [];
    const newer = this.newer || versions[0]?.number || 0;
    const older = this.older || versions[1]?.number || 0;
    if (newer === older) {
      this.diff = null;
      this.diffError = 'Choose two different versions to compare.';
      return;
    }
    // The later version is compared with the earlier one, whichever order they were chosen in.
    const [to, from] = newer > older ? [newer, older] : [older, newer];
    this.diffError = '';
    try {
      this.diff = (await this.api.get<VersionDiff>(tablePath(this.table, this.recordId, `versions/${to}/diff?against=${from}`))).data;
    } catch {
      this.diff = null;
      this.diffError = 'The comparison cannot be shown right now. Try again later.';
      return;
    }
    await this.updateComplete;
    this.querySelector<HTMLElement>('#versions-diff-heading')?.focus();
  };
}

/** What a reader is told under the content: which published version they see ("Version 3, published 4 March 2026"). */
export function publishedNote(status: VersionStatus | null) {
  if (!status?.published || status.editor) return nothing;
  const { number, publishedAt } = status.published;
  return html`<p class="fw-body fw-version-note">Version ${number}, published ${formatDate(publishedAt.slice(0, 10))}</p>`;
}

/** One run of a difference: inserted and deleted text marked up as such and said in words, not only shown in colour. */
function segment(s: DiffSegment) {
  if (s.added) return html`<ins class="fw-versions__ins"><span class="fw-visually-hidden">added: </span>${s.text}</ins>`;
  if (s.removed) return html`<del class="fw-versions__del"><span class="fw-visually-hidden">removed: </span>${s.text}</del>`;
  return s.text;
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-record-versions': FwRecordVersions;
  }
}
