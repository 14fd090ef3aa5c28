import { html, nothing } from 'lit';
import { consume } from '@lit/context';
import { Task, initialState } from '@lit/task';
import { customElement, property, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import { LightElement } from '../light-element.js';
import { tablePath, type ApiClient } from '../api/client.js';
import type { RecordData } from '../api/types.js';
import { FieldChangeEvent } from '../events.js';
import { describedBy, readOnlyField, widgetFrame, type FieldProps } from './field-parts.js';
import type { Metadata } from '../api/meta.js';
import { apiContext, metaContext } from '../contexts.js';

interface Option { id: string; label: string }

const SEARCH_DELAY_MS = 250;
const SEARCH_LIMIT = 10;
const DEFAULT_HINT = 'Start typing, then choose from the list.';

/** The display text of a referenced record. */
function labelOf(record: RecordData, displayField: string): string {
  const v = record[displayField] ?? record.number;
  return v === null || v === undefined || v === '' ? `Record ${String(record.id).slice(0, 8)}` : String(v);
}

/**
 * A reference field as an ARIA 1.2 combobox with a list box: typing searches the target table through the API
 * (`contains` on its display field, 10 results, so the server's access rules decide what is offered); arrow keys
 * move through the options, Enter chooses, Escape closes the list (or, when closed, restores the chosen record's
 * text). Leaving the field with its text cleared clears the value; leaving it with text that was not chosen puts
 * the chosen record's text back. The number of results is announced in a status region.
 *
 * @fires fw-field-change - the id of the chosen record, or null
 */
@customElement('fw-reference-field')
export class FwReferenceField extends LightElement {
  /** The field, its value and its state, from the form. */
  @property({ attribute: false }) accessor props!: FieldProps;

  @consume({ context: apiContext }) private accessor api!: ApiClient;
  @consume({ context: metaContext, subscribe: true }) private accessor metadata!: Metadata;

  @state() private accessor text = '';
  @state() private accessor chosenLabel = '';
  @state() private accessor open = false;
  @state() private accessor options: Option[] = [];
  @state() private accessor active = -1;
  @state() private accessor status = '';

  /** The record last chosen here: its label is known, so the value coming back from the form needs no lookup. */
  #chosen: Option | null = null;
  #timer: number | undefined;

  /** The text of the record the value names (its display field); the answer for an earlier value is dropped. */
  #label = new Task(this, {
    args: () => [this.api, this.metadata, this.props.field.reference, this.props.value] as const,
    task: async ([api, metadata, target, value], { signal }) => {
      if (value === null || value === undefined || value === '' || !target) return '';
      const id = String(value);
      if (this.#chosen?.id === id) return this.#chosen.label;
      try {
        const meta = await metadata.table(target);
        const { data } = await api.get<RecordData>(tablePath(target, id), { query: { fields: meta.displayField }, signal });
        return labelOf(data, meta.displayField);
      } catch (e) {
        if (signal.aborted) throw e;
        return `Record ${id.slice(0, 8)}`;
      }
    },
    onComplete: (label) => {
      this.chosenLabel = label;
      this.text = label;
    },
  });

  /**
   * The options for the text typed, run by hand (see #find). A newer search drops an older one's answer; leaving
   * the field aborts the one running, which then says nothing.
   */
  #search = new Task(this, {
    autoRun: false,
    task: async ([api, metadata, target, q]: readonly [ApiClient, Metadata, string, string], { signal }) => {
      try {
        const meta = await metadata.table(target);
        const filter = JSON.stringify({ fact: meta.displayField, operator: 'contains', value: q });
        const { data } = await api.get<RecordData[]>(tablePath(target), {
          query: { filter, limit: SEARCH_LIMIT, fields: meta.displayField, total: false }, signal,
        });
        return data.map((r): Option => ({ id: String(r.id), label: labelOf(r, meta.displayField) }));
      } catch (e) {
        if (signal.aborted) return initialState;
        throw e;
      }
    },
    onComplete: (options) => {
      this.options = options;
      this.active = -1;
      this.open = true;
      this.status = options.length
        ? `${options.length} ${options.length === 1 ? 'result is' : 'results are'} available. Use up and down arrows to review and Enter to choose.`
        : 'No results found.';
    },
    onError: () => {
      this.options = [];
      this.open = true;
      this.status = 'The search failed. Try again.';
    },
  });

  override disconnectedCallback() {
    super.disconnectedCallback();
    clearTimeout(this.#timer);
  }

  protected override updated() {
    if (this.open && this.active >= 0) this.querySelector(`#${CSS.escape(this.#optionId(this.active))}`)?.scrollIntoView({ block: 'nearest' });
  }

  override render() {
    const { field, error, inputId: id, mandatory } = this.props;
    if (this.props.readOnly) return readOnlyField(this.props, this.#label.value ?? '');
    const listId = `${id}-listbox`;
    const help = field.help ? `${field.help} ${DEFAULT_HINT}` : DEFAULT_HINT;
    const showEmpty = this.open && this.options.length === 0 && this.status !== '';
    return widgetFrame(this.props, html`<div class="fw-combobox" @focusout=${this.#onFocusOut}>
        <input class="fw-input ${error ? 'fw-input--error' : ''}" id=${id} name=${field.name} type="text"
          role="combobox" aria-autocomplete="list" aria-expanded=${this.open && this.options.length ? 'true' : 'false'}
          aria-controls=${listId} aria-activedescendant=${ifDefined(this.open && this.active >= 0 ? this.#optionId(this.active) : undefined)}
          aria-describedby=${ifDefined(describedBy(id, help, error))} aria-invalid=${error ? 'true' : 'false'}
          aria-required=${mandatory ? 'true' : 'false'} autocomplete="off" spellcheck="false"
          .value=${live(this.text)} @input=${this.#onInput} @keydown=${this.#onKeyDown}>
        <ul class="fw-combobox__listbox" id=${listId} role="listbox" aria-label=${`${field.label} suggestions`}
          ?hidden=${!(this.open && this.options.length)}>
          ${this.options.map((o, i) => html`<li class="fw-combobox__option ${i === this.active ? 'fw-combobox__option--active' : ''}"
            id=${this.#optionId(i)} role="option" aria-selected=${i === this.active ? 'true' : 'false'}
            @mousedown=${(e: Event) => e.preventDefault()} @click=${() => this.#choose(o)}>${o.label}</li>`)}
        </ul>
        ${showEmpty ? html`<p class="fw-combobox__empty fw-hint" aria-hidden="true">No results found</p>` : nothing}
        <div class="fw-visually-hidden" role="status">${this.status}</div>
      </div>`, { hint: help });
  }

  #optionId(i: number) {
    return `${this.props.inputId}-option-${i}`;
  }

  #onInput = (e: Event) => {
    this.text = (e.target as HTMLInputElement).value;
    clearTimeout(this.#timer);
    if (this.text.trim() === '') {
      this.#close();
      this.status = '';
      return;
    }
    this.#timer = window.setTimeout(() => this.#find(this.text.trim()), SEARCH_DELAY_MS);
  };

  /** Search the target table for `q` (typing paused, or ArrowDown on a closed list). */
  #find(q: string) {
    const target = this.props.field.reference;
    if (target) void this.#search.run([this.api, this.metadata, target, q]);
  }

  #onKeyDown = (e: KeyboardEvent) => {
    const n = this.options.length;
    switch (e.key) {
      case 'ArrowDown':
        e.preventDefault();
        if (!this.open || !n) {
          if (this.text.trim()) this.#find(this.text.trim());
          return;
        }
        this.active = (this.active + 1) % n;
        break;
      case 'ArrowUp':
        if (!this.open || !n) return;
        e.preventDefault();
        this.active = this.active <= 0 ? n - 1 : this.active - 1;
        break;
      case 'Enter':
        if (this.open && this.active >= 0 && this.options[this.active]) {
          e.preventDefault();
          this.#choose(this.options[this.active]!);
        }
        break;
      case 'Escape':
        if (this.open) {
          e.preventDefault();
          e.stopPropagation();
          this.#close();
        } else if (this.text !== this.chosenLabel) {
          e.preventDefault();
          this.text = this.chosenLabel;
        }
        break;
      default:
        break;
    }
  };

  #onFocusOut = (e: FocusEvent) => {
    if (e.relatedTarget instanceof Node && this.contains(e.relatedTarget)) return;
    clearTimeout(this.#timer);
    this.#search.abort();
    this.#close();
    if (this.text.trim() === '') {
      this.text = '';
      if (this.props.value !== null && this.props.value !== undefined) this.#emit(null, '');
    } else if (this.text !== this.chosenLabel) {
      this.text = this.chosenLabel;
    }
  };

  #choose(option: Option) {
    this.text = option.label;
    this.#close();
    this.status = `${option.label} chosen.`;
    this.#emit(option.id, option.label);
    this.querySelector<HTMLInputElement>(`#${CSS.escape(this.props.inputId)}`)?.focus();
  }

  #emit(id: string | null, label: string) {
    this.chosenLabel = label;
    this.#chosen = id === null ? null : { id, label };
    this.dispatchEvent(new FieldChangeEvent(this.props.field.name, id));
  }

  #close() {
    this.open = false;
    this.active = -1;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-reference-field': FwReferenceField;
  }
}
