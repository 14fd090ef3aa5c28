import { html, nothing } from 'lit';
import { consume } from '@lit/context';
import { Task, TaskStatus } from '@lit/task';
import { customElement, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { ApiError, type ApiClient } from '../api/client.js';
import { changeSetUrl, createChangeSet, fetchChangeSets, type ChangeSetView, type Named } from '../api/studio.js';
import { apiContext } from '../contexts.js';
import { NavigateEvent, PageEvent } from '../events.js';
import { setFlash } from '../flash.js';
import type { SummaryItem } from '../fw-error-summary.js';
import { isLoading, loadErrorText } from '../page-state.js';
import { problemBanner, tag } from '../admin/admin-parts.js';
import { moment } from '../admin/job-parts.js';
import { studioCrumbs, studioNav } from './studio-parts.js';

const TITLE = 'Change sets';

const STATUS: Record<ChangeSetView['status'], [string, string]> = {
  draft: ['Draft', 'blue'], published: ['Published', 'green'], discarded: ['Discarded', 'grey'],
};

/** A change set's status as a tag. */
export function changeSetStatus(status: ChangeSetView['status']) {
  const [text, tone] = STATUS[status] ?? [status, 'grey'];
  return tag(text, tone);
}

/**
 * The studio's change sets: every draft and what became of the others, newest first, and a form to start a new one
 * by name (it opens once made).
 *
 * @fires fw-page - title and breadcrumb
 * @fires fw-navigate - to the new change set
 */
@customElement('fw-studio-changesets')
export class FwStudioChangeSets extends LightElement {
  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor problems: SummaryItem[] = [];
  @state() private accessor nameError = '';
  @state() private accessor busy = false;

  #sets = new Task(this, {
    args: () => [this.api] as const,
    task: ([api], { signal }) => fetchChangeSets(api, signal),
  });

  override connectedCallback() {
    super.connectedCallback();
    this.dispatchEvent(new PageEvent(`${TITLE} – Studio`, studioCrumbs({ label: TITLE })));
  }

  override render() {
    const sets = this.#sets.value ?? [];
    const error = this.#sets.status === TaskStatus.ERROR ? loadErrorText(this.#sets.error, 'The change sets cannot be shown.') : '';
    return html`
      <fw-error-summary .items=${this.problems}></fw-error-summary>
      <span class="fw-caption-l">Studio</span>
      <h1 class="fw-heading-l" id="changesets-heading">${TITLE}</h1>
      ${studioNav('changesets')}
      <p class="fw-body">A change set holds edits to definitions until they are published together as one version.</p>
      ${error ? problemBanner(error) : nothing}
      ${isLoading(this.#sets) ? html`<p class="fw-body" role="status">Loading…</p>` : nothing}
      ${!isLoading(this.#sets) && !error && !sets.length ? html`<p class="fw-body">There are no change sets yet.</p>` : nothing}
      ${sets.length ? this.#table(sets) : nothing}
      ${this.#form()}`;
  }

  #table(sets: Named<ChangeSetView>[]) {
    const now = this.api.serverNow();
    return html`<div class="fw-table-wrapper" role="region" aria-labelledby="changesets-heading" tabindex="0">
      <table class="fw-table">
        <caption class="fw-visually-hidden">Change sets, newest first</caption>
        <thead class="fw-table__head"><tr class="fw-table__row">
          <th scope="col" class="fw-table__header">Name</th>
          <th scope="col" class="fw-table__header">Status</th>
          <th scope="col" class="fw-table__header">Started by</th>
          <th scope="col" class="fw-table__header">Last changed</th>
        </tr></thead>
        <tbody class="fw-table__body">
          ${sets.map((s) => html`<tr class="fw-table__row">
            <th scope="row" class="fw-table__cell"><a class="fw-link" href=${changeSetUrl(s.id)}>${s.name}</a></th>
            <td class="fw-table__cell">${changeSetStatus(s.status)}${s.publishedVersion !== null
              ? html`<br><span class="fw-secondary-text">as version ${s.publishedVersion}</span>` : nothing}</td>
            <td class="fw-table__cell">${s.authorName ?? s.author}</td>
            <td class="fw-table__cell">${moment(s.updatedAt, now)}</td>
          </tr>`)}
        </tbody>
      </table>
    </div>`;
  }

  #form() {
    return html`<form class="fw-form fw-form--narrow" novalidate @submit=${this.#onCreate} aria-labelledby="new-changeset-heading">
      <h2 class="fw-heading-m" id="new-changeset-heading">Start a change set</h2>
      <div class="fw-form-group ${this.nameError ? 'fw-form-group--error' : ''}">
        <label class="fw-label" for="changeset-name">Name</label>
        <div class="fw-hint" id="changeset-name-hint">Say what the changes are for, for example "Equipment loans".</div>
        ${this.nameError ? html`<p class="fw-error-message" id="changeset-name-error"><span class="fw-visually-hidden">Error:</span> ${this.nameError}</p>` : nothing}
        <input class="fw-input ${this.nameError ? 'fw-input--error' : ''}" id="changeset-name" name="name" maxlength="200"
          aria-describedby=${this.nameError ? 'changeset-name-hint changeset-name-error' : 'changeset-name-hint'}>
      </div>
      <button type="submit" class="fw-button" ?disabled=${this.busy}>Start change set</button>
    </form>`;
  }

  #onCreate = async (e: SubmitEvent) => {
    e.preventDefault();
    const name = String(new FormData(e.currentTarget as HTMLFormElement).get('name') ?? '').trim();
    this.nameError = name ? '' : 'Enter a name for the change set';
    this.problems = this.nameError ? [{ text: this.nameError, target: 'changeset-name' }] : [];
    if (this.nameError) {
      await this.updateComplete;
      await this.querySelector('fw-error-summary')?.show();
      return;
    }
    this.busy = true;
    try {
      const cs = await createChangeSet(this.api, { name });
      setFlash(`Change set "${cs.name}" has been started.`);
      this.dispatchEvent(new NavigateEvent(changeSetUrl(cs.id)));
    } catch (err) {
      this.nameError = err instanceof ApiError ? (err.errors[0]?.message ?? err.message) : 'The change set could not be started.';
      this.problems = [{ text: this.nameError, target: 'changeset-name' }];
      await this.updateComplete;
      await this.querySelector('fw-error-summary')?.show();
    } finally {
      this.busy = false;
    }
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-studio-changesets': FwStudioChangeSets;
  }
}
