import { html, nothing } from 'lit';
import { consume } from '@lit/context';
import { Task, TaskStatus, initialState } from '@lit/task';
import { customElement, property, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import { LightElement } from '../light-element.js';
import { tablePath, type ApiClient } from '../api/client.js';
import type { JournalEntry, SessionInfo } from '../api/types.js';
import { FieldChangeEvent } from '../events.js';
import { formatDateTime } from '../format.js';
import { authorName } from '../session-state.js';
import { describedBy, errorMessage, groupClass, hint, labelFor, type FieldProps } from './field-parts.js';
import { apiContext, sessionContext } from '../contexts.js';

/**
 * A journal field (comments, work notes): a textarea whose text is added as a new entry when the form is saved,
 * and, on an existing record, the thread of earlier entries (GET …/journal?field=…), newest first.
 *
 * @fires fw-field-change - the text of the new entry, or null
 */
@customElement('fw-journal-field')
export class FwJournalField extends LightElement {
  /** The field, its value (the new entry's text) and its state, from the form. */
  @property({ attribute: false }) accessor props!: FieldProps;

  /** The signed-in person's session. */
  @consume({ context: sessionContext, subscribe: true }) @state() private accessor session: SessionInfo | null = null;
  @consume({ context: apiContext }) private accessor api!: ApiClient;

  /** The record's earlier entries, newest first, read again when it was saved (`revision`); late answers are dropped. */
  #entries = new Task(this, {
    args: () => [this.api, this.props.record?.table, this.props.record?.id, this.props.revision ?? 0, this.props.field.name] as const,
    task: async ([api, table, id, , field], { signal }) => {
      if (!table || !id) return initialState;
      const { data } = await api.get<JournalEntry[]>(tablePath(table, id, 'journal'), { query: { field }, signal });
      return [...data].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    },
  });

  override render() {
    const { field, value, error, inputId: id, mandatory, readOnly } = this.props;
    const help = field.help ?? (field.journalType === 'work_note' ? 'Work notes are internal: only people working on the record see them.' : undefined);
    const text = typeof value === 'string' ? value : '';
    return html`<div class=${groupClass(error)}>
      ${readOnly ? html`<h3 class="fw-label">${field.label}</h3>` : html`
        ${labelFor(id, field.label, mandatory)}
        ${hint(id, help)}
        ${errorMessage(id, error)}
        <textarea class="fw-textarea ${error ? 'fw-textarea--error' : ''}" id=${id} name=${field.name} rows="3" maxlength=${ifDefined(field.maxLength)}
          aria-describedby=${ifDefined(describedBy(id, help, error))} aria-invalid=${error ? 'true' : 'false'}
          .value=${live(text)} @input=${this.#onInput}></textarea>`}
      ${this.props.record ? this.#thread() : nothing}
    </div>`;
  }

  #thread() {
    const label = this.props.field.label;
    if (this.#entries.status === TaskStatus.ERROR) return html`<p class="fw-body fw-secondary-text">Earlier entries cannot be shown right now.</p>`;
    const entries = this.#entries.status === TaskStatus.COMPLETE ? this.#entries.value ?? [] : [];
    if (!entries.length) return html`<p class="fw-body fw-secondary-text">No ${label.toLowerCase()} yet.</p>`;
    return html`<ol class="fw-thread" aria-label=${`Earlier ${label.toLowerCase()}`}>
      ${entries.map((e) => html`<li class="fw-thread__entry">
        <p class="fw-thread__meta">${e.actorLabel && this.session?.user.username !== e.createdBy ? e.actorLabel : authorName(this.session, e.createdBy)}, <time datetime=${e.createdAt}>${formatDateTime(e.createdAt)}</time></p>
        <p class="fw-thread__body">${e.body}</p>
      </li>`)}
    </ol>`;
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
