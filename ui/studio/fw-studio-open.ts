import { html, nothing } from 'lit';
import { consume } from '@lit/context';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import type { ApiClient } from '../api/client.js';
import { createChangeSet, fetchChangeSets, studioDefinitionUrl, type ChangeSetView } from '../api/studio.js';
import { apiContext } from '../contexts.js';
import { NavigateEvent } from '../events.js';
import type { FwErrorSummary, SummaryItem } from '../fw-error-summary.js';
import '../fw-error-summary.js';
import { loadErrorText } from '../page-state.js';

const NEW = '';

/**
 * "Open in a change set": a disclosure asking which draft change set to edit a definition in — or a new one, named
 * here — then going to the definition's page in that change set. The drafts are fetched when it is first opened.
 *
 * @fires fw-navigate - to the definition's page in the chosen change set
 */
@customElement('fw-studio-open')
export class FwStudioOpen extends LightElement {
  @property() accessor kind = '';
  @property() accessor name = '';
  /** Words naming the definition, for the controls' accessible names. */
  @property() accessor subject = '';

  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor drafts: ChangeSetView[] | null = null;
  @state() private accessor chosen = NEW;
  @state() private accessor problems: SummaryItem[] = [];
  @state() private accessor busy = false;
  /** Opened once: before, a page of many closed entries holds no "Loading…" that never ends. */
  @state() private accessor opened = false;

  #id = `open-${Math.random().toString(36).slice(2, 10)}`;

  override render() {
    const nameError = this.problems.find((p) => p.target === `${this.#id}-name`);
    return html`<details class="fw-details fw-studio-open" @toggle=${this.#onToggle}>
      <summary class="fw-details__summary"><span class="fw-details__summary-text">Open in a change set${this.subject
        ? html`<span class="fw-visually-hidden">: ${this.subject}</span>` : nothing}</span></summary>
      <div class="fw-details__text">
        <fw-error-summary .items=${this.problems.filter((p) => p.target)}></fw-error-summary>
        ${this.problems.some((p) => !p.target) ? html`<p class="fw-error-message" role="alert">${this.problems.find((p) => !p.target)!.text}</p>` : nothing}
        ${this.drafts === null ? (this.opened ? html`<p class="fw-body" role="status">Loading…</p>` : nothing) : html`
        <form novalidate @submit=${this.#onSubmit}>
          <div class="fw-form-group">
            <label class="fw-label" for=${`${this.#id}-cs`}>Change set</label>
            <select class="fw-select" id=${`${this.#id}-cs`} @change=${(e: Event) => { this.chosen = (e.target as HTMLSelectElement).value; }}>
              <option value=${NEW} ?selected=${this.chosen === NEW}>A new change set</option>
              ${this.drafts.map((cs) => html`<option value=${cs.id} ?selected=${this.chosen === cs.id}>${cs.name}</option>`)}
            </select>
          </div>
          ${this.chosen === NEW ? html`<div class="fw-form-group ${nameError ? 'fw-form-group--error' : ''}">
            <label class="fw-label" for=${`${this.#id}-name`}>Name of the new change set</label>
            ${nameError ? html`<p class="fw-error-message" id=${`${this.#id}-name-error`}>${nameError.text}</p>` : nothing}
            <input class="fw-input" id=${`${this.#id}-name`} name="name" maxlength="200"
              aria-describedby=${nameError ? `${this.#id}-name-error` : nothing} aria-invalid=${nameError ? 'true' : 'false'}>
          </div>` : nothing}
          <button type="submit" class="fw-button" ?disabled=${this.busy}>Open</button>
        </form>`}
      </div>
    </details>`;
  }

  #onToggle = async (e: Event) => {
    if (!(e.currentTarget as HTMLDetailsElement).open || this.drafts) return;
    this.opened = true;
    try {
      this.drafts = (await fetchChangeSets(this.api)).filter((cs) => cs.status === 'draft');
    } catch (err) {
      this.drafts = [];
      this.problems = [{ text: loadErrorText(err, 'The change sets cannot be shown.') }];
    }
  };

  #onSubmit = async (e: SubmitEvent) => {
    e.preventDefault();
    let id = this.chosen;
    if (id === NEW) {
      const name = String(new FormData(e.currentTarget as HTMLFormElement).get('name') ?? '').trim();
      if (!name) {
        this.problems = [{ text: 'Enter a name for the new change set', target: `${this.#id}-name` }];
        await this.updateComplete;
        await this.querySelector<FwErrorSummary>('fw-error-summary')?.show();
        return;
      }
      this.busy = true;
      try {
        id = (await createChangeSet(this.api, { name })).id;
      } catch (err) {
        this.problems = [{ text: loadErrorText(err, 'The change set could not be started.') }];
        return;
      } finally {
        this.busy = false;
      }
    }
    this.problems = [];
    this.dispatchEvent(new NavigateEvent(studioDefinitionUrl(id, this.kind, this.name)));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-studio-open': FwStudioOpen;
  }
}
