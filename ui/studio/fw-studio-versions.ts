import { html, nothing } from 'lit';
import { consume } from '@lit/context';
import { Task, TaskStatus } from '@lit/task';
import { customElement } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import type { ApiClient } from '../api/client.js';
import { fetchVersions, versionUrl, type Named, type VersionView } from '../api/studio.js';
import { apiContext } from '../contexts.js';
import { PageEvent } from '../events.js';
import { isLoading, loadErrorText } from '../page-state.js';
import { problemBanner, tag } from '../admin/admin-parts.js';
import { moment } from '../admin/job-parts.js';
import { studioCrumbs, studioNav } from './studio-parts.js';

const TITLE = 'Versions';

/** What made a version, in words. */
export function versionOrigin(v: VersionView) {
  if (v.rollbackOf !== null) return `Rollback to version ${v.rollbackOf}`;
  return v.changeSet ? `Change set "${v.changeSet.name}"` : '';
}

/**
 * The published versions of the definitions, newest first: number, who published it and when, the comment, and
 * which one is in force. Each number opens the version with what it changed.
 *
 * @fires fw-page - title and breadcrumb
 */
@customElement('fw-studio-versions')
export class FwStudioVersions extends LightElement {
  @consume({ context: apiContext }) private accessor api!: ApiClient;

  #versions = new Task(this, {
    args: () => [this.api] as const,
    task: ([api], { signal }) => fetchVersions(api, signal),
  });

  override connectedCallback() {
    super.connectedCallback();
    this.dispatchEvent(new PageEvent(`${TITLE} – Studio`, studioCrumbs({ label: TITLE })));
  }

  override render() {
    const versions = this.#versions.value ?? [];
    const error = this.#versions.status === TaskStatus.ERROR ? loadErrorText(this.#versions.error, 'The versions cannot be shown.') : '';
    return html`
      <span class="fw-caption-l">Studio</span>
      <h1 class="fw-heading-l" id="versions-heading">${TITLE}</h1>
      ${studioNav('versions')}
      <p class="fw-body">Each publication of a change set, and each rollback, is a version. Open one to see what it changed or to roll
        back to it.</p>
      ${error ? problemBanner(error) : nothing}
      ${isLoading(this.#versions) ? html`<p class="fw-body" role="status">Loading…</p>` : nothing}
      ${!isLoading(this.#versions) && !error && !versions.length
        ? html`<p class="fw-body">Nothing has been published yet: the definitions in force are those of the files.</p>` : nothing}
      ${versions.length ? this.#table(versions) : nothing}`;
  }

  #table(versions: Named<VersionView>[]) {
    const now = this.api.serverNow();
    return html`<div class="fw-table-wrapper" role="region" aria-labelledby="versions-heading" tabindex="0">
      <table class="fw-table">
        <caption class="fw-visually-hidden">Published versions, newest first</caption>
        <thead class="fw-table__head"><tr class="fw-table__row">
          <th scope="col" class="fw-table__header">Version</th>
          <th scope="col" class="fw-table__header">Published</th>
          <th scope="col" class="fw-table__header">By</th>
          <th scope="col" class="fw-table__header">Comment</th>
        </tr></thead>
        <tbody class="fw-table__body">
          ${versions.map((v) => html`<tr class="fw-table__row" data-version=${v.number}>
            <th scope="row" class="fw-table__cell"><a class="fw-link" href=${versionUrl(v.number)}>Version ${v.number}</a>
              ${v.current ? html`<br>${tag('In force', 'green')}` : nothing}</th>
            <td class="fw-table__cell">${moment(v.createdAt, now)}</td>
            <td class="fw-table__cell">${v.authorName ?? v.author}</td>
            <td class="fw-table__cell">${v.comment ?? html`<span class="fw-secondary-text">No comment</span>`}${versionOrigin(v)
              ? html`<br><span class="fw-secondary-text">${versionOrigin(v)}</span>` : nothing}</td>
          </tr>`)}
        </tbody>
      </table>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-studio-versions': FwStudioVersions;
  }
}
