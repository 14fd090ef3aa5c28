import { html, nothing } from 'lit';
import { consume } from '@lit/context';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import type { ApiClient } from '../api/client.js';
import { fetchUses, type UsesView } from '../api/studio-uses.js';
import { apiContext } from '../contexts.js';
import { loadErrorText } from '../page-state.js';
import { kindTitle, machineName } from './studio-parts.js';

/**
 * "Where used": a disclosure that, once opened, lists every definition referring to a definition (or to one field of
 * a table), each as a sentence ("Form 'Contact' shows it in section 'Details'") with the referring definition's machine name
 * as secondary text. A table's disclosure also lists its fields, each with a "where used" of its own. The list is
 * fetched when first opened, so a page of many entries asks nothing until someone looks.
 */
@customElement('fw-studio-uses')
export class FwStudioUses extends LightElement {
  /** The definition asked about. */
  @property() accessor kind = '';
  @property() accessor name = '';
  /** A field of the table (kind `table`), or empty for the definition itself. */
  @property() accessor field = '';
  /** Words naming what is asked about, for the disclosure's accessible name ("Table Contact", "field 'Title'"). */
  @property() accessor subject = '';

  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor view: UsesView | null = null;
  @state() private accessor error = '';
  @state() private accessor loading = false;
  @state() private accessor opened = false;

  override render() {
    return html`<details class="fw-details fw-studio-uses" @toggle=${this.#onToggle}>
      <summary class="fw-details__summary"><span class="fw-details__summary-text">Where used${this.subject
        ? html`<span class="fw-visually-hidden">: ${this.subject}</span>` : nothing}</span></summary>
      <div class="fw-details__text">${this.#body()}</div>
    </details>`;
  }

  #body() {
    // Nothing until opened: a page of many closed entries holds no "Loading…" that never ends.
    if (!this.opened) return nothing;
    if (this.error) return html`<p class="fw-body fw-error-message" role="alert">${this.error}</p>`;
    if (this.loading || !this.view) return html`<p class="fw-body" role="status">Loading…</p>`;
    const { uses, fields } = this.view;
    return html`
      <p class="fw-body" role="status">${uses.length === 0 ? `No other definition uses ${this.view.title}.`
        : uses.length === 1 ? `${this.view.title} is used in 1 place.` : `${this.view.title} is used in ${uses.length} places.`}</p>
      ${uses.length ? html`<ul class="fw-list fw-studio-uses__list">${uses.map((u) => html`<li>
        ${u.description}<br>${machineName(u.name, kindTitle(u.kind))}</li>`)}</ul>` : nothing}
      ${fields?.length ? html`<h3 class="fw-heading-s">Its fields</h3>
        <ul class="fw-list fw-studio-uses__fields">${fields.map((f) => html`<li>${f.label}
          <fw-studio-uses kind=${this.kind} name=${this.name} field=${f.name} subject=${`field '${f.label}'`}></fw-studio-uses></li>`)}</ul>`
        : nothing}`;
  }

  #onToggle = async (e: Event) => {
    if (!(e.currentTarget as HTMLDetailsElement).open || this.view || this.loading) return;
    this.opened = true;
    this.loading = true;
    this.error = '';
    try {
      this.view = await fetchUses(this.api, { kind: this.kind, name: this.name, field: this.field || undefined });
    } catch (err) {
      this.error = loadErrorText(err, 'Where this is used cannot be shown.');
    } finally {
      this.loading = false;
    }
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-studio-uses': FwStudioUses;
  }
}
