import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import { api, tablePath } from '../api/client.js';
import type { JournalEntry } from '../api/types.js';
import { FieldChangeEvent } from '../events.js';
import { formatDateTime } from '../format.js';
import { authorName } from '../session-state.js';
import { describedBy, errorMessage, groupClass, hint, labelFor, type FieldProps } from './field-parts.js';

/**
 * A journal field (comments, work notes): a textarea whose text is added as a new entry when the form is saved,
 * and, on an existing record, the thread of earlier entries (GET …/journal?field=…), newest first.
 *
 * @fires fw-field-change - the text of the new entry, or null
 */
@customElement('fw-journal-field')
export class FwJournalField extends LitElement {
  /** The field, its value (the new entry's text) and its state, from the form. */
  @property({ attribute: false }) accessor props!: FieldProps;

  @state() private accessor entries: JournalEntry[] = [];
  @state() private accessor loadError = '';

  #loadedFor = '';

  protected override createRenderRoot() {
    return this;
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (!changed.has('props')) return;
    const r = this.props.record;
    const key = r ? `${r.table}/${r.id}/${this.props.revision ?? 0}` : '';
    if (key !== this.#loadedFor) {
      this.#loadedFor = key;
      this.entries = [];
      if (r) void this.#load(r.table, r.id, key);
    }
  }

  override render() {
    const { field, value, error, inputId: id, mandatory, readOnly } = this.props;
    const help = field.help ?? (field.journalType === 'work_note' ? 'Work notes are internal: only people working on the record see them.' : undefined);
    const text = typeof value === 'string' ? value : '';
    return html`<div class=${groupClass(error)}>
      ${readOnly ? html`<h3 class="fw-label">${field.label}</h3>` : html`
        ${labelFor(id, field.label, mandatory)}
        ${hint(id, help)}
        ${errorMessage(id, error)}
        <textarea class="fw-textarea ${error ? 'fw-textarea--error' : ''}" id=${id} name=${field.name} rows="3"
          aria-describedby=${ifDefined(describedBy(id, help, error))} aria-invalid=${error ? 'true' : 'false'}
          .value=${live(text)} @input=${this.#onInput}></textarea>`}
      ${this.props.record ? this.#thread() : nothing}
    </div>`;
  }

  #thread() {
    const label = this.props.field.label;
    if (this.loadError) return html`<p class="fw-body fw-secondary-text">${this.loadError}</p>`;
    if (!this.entries.length) return html`<p class="fw-body fw-secondary-text">No ${label.toLowerCase()} yet.</p>`;
    return html`<ol class="fw-thread" aria-label=${`Earlier ${label.toLowerCase()}`}>
      ${this.entries.map((e) => html`<li class="fw-thread__entry">
        <p class="fw-thread__meta">${authorName(e.createdBy)}, <time datetime=${e.createdAt}>${formatDateTime(e.createdAt)}</time></p>
        <p class="fw-thread__body">${e.body}</p>
      </li>`)}
    </ol>`;
  }

  async #load(table: string, id: string, key: string) {
    try {
      const { data } = await api.get<JournalEntry[]>(tablePath(table, id, 'journal'), { query: { field: this.props.field.name } });
      if (key !== this.#loadedFor) return;
      this.entries = [...data].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      this.loadError = '';
    } catch {
      if (key === this.#loadedFor) this.loadError = 'Earlier entries cannot be shown right now.';
    }
  }

  #onInput = (e: Event) => {
    const text = (e.target as HTMLTextAreaElement).value;
    this.dispatchEvent(new FieldChangeEvent(this.props.field.name, text.trim() === '' ? null : text));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-journal-field': FwJournalField;
  }
}
