import { consume } from '@lit/context';
import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { tablePath, type ApiClient } from '../api/client.js';
import { apiContext } from '../contexts.js';
import { FieldChangeEvent } from '../events.js';
import { Combobox, type ComboOption } from './combobox.js';
import { describedBy, readOnlyField, widgetFrame, type FieldProps } from './field-parts.js';

const SUGGESTIONS = 8;
/** The limits the server enforces too (platform/records/field-values.ts), checked here so typing gets an answer at once. */
const MAX_TAGS = 20;
const MAX_LENGTH = 50;
const HINT = 'Type a tag and press Enter or comma to add it, or choose a suggestion. Backspace in the empty box removes the last tag.';

interface TagAnswer { tags: { tag: string; count: number }[] }

/**
 * A tags field: the tags as chips, each with a remove button ("Remove tag X"), and a combobox suggesting the tags
 * already in use in the table (GET /tables/:table/tags/:field, so only tags on records the reader may read). Enter
 * or comma adds what was typed (or the suggestion chosen), Backspace in the empty box removes the last tag. Tags are
 * trimmed and a repeat (in any case) is not added; the server normalises them the same way.
 *
 * @fires fw-field-change - the list of tags (null when empty)
 */
@customElement('fw-tags-field')
export class FwTagsField extends LightElement {
  /** The field, its value and its state, from the form. */
  @property({ attribute: false }) accessor props!: FieldProps;

  @consume({ context: apiContext }) private accessor api!: ApiClient;

  /** What was just added or removed, announced politely. */
  @state() private accessor announcement = '';
  /** A tag that cannot be added, and why. */
  @state() private accessor problem = '';

  #combo = new Combobox<ComboOption>(this, {
    inputId: () => this.props.inputId,
    canSearch: () => !!this.props.table,
    search: async (q, signal) => {
      const path = `${tablePath(this.props.table!)}/tags/${encodeURIComponent(this.props.field.name)}`;
      const { body } = await this.api.get<never>(path, { query: { prefix: q, limit: SUGGESTIONS }, signal });
      const tags = (body as unknown as TagAnswer).tags ?? [];
      const held = new Set(this.#tags.map((t) => t.toLowerCase()));
      return tags.filter((t) => !held.has(t.tag.toLowerCase())).map((t) => ({ id: t.tag, label: t.tag }));
    },
    chosenLabel: () => '',
    hasValue: () => false,
    onChoose: (option) => {
      if (option) this.#add(option.label);
    },
    found: (n) => `${n} ${n === 1 ? 'tag is' : 'tags are'} suggested. Use up and down arrows to review and Enter to choose.`,
    none: 'No tags in use start like this',
  });

  get #tags(): string[] {
    return Array.isArray(this.props.value) ? this.props.value.filter((t): t is string => typeof t === 'string') : [];
  }

  override render() {
    const { field, error, inputId: id, mandatory } = this.props;
    const tags = this.#tags;
    if (this.props.readOnly) return readOnlyField(this.props, tags.join(', '));
    const help = field.help ? `${field.help} ${HINT}` : HINT;
    const shownError = error ?? (this.problem || null);
    return widgetFrame({ ...this.props, error: shownError }, html`<div class="fw-tags" @keydown=${this.#onKeyDown}>
        ${tags.length ? html`<ul class="fw-tags__list" aria-label=${`${field.label}: ${tags.length} ${tags.length === 1 ? 'tag' : 'tags'}`}>
          ${tags.map((t) => html`<li class="fw-tags__chip"><span>${t}</span><button type="button" class="fw-tags__remove"
            aria-label=${`Remove tag ${t}`} @click=${() => this.#remove(t)}><span aria-hidden="true">×</span></button></li>`)}
        </ul>` : nothing}
        ${this.#combo.render({ name: field.name, label: field.label, describedBy: describedBy(id, help, shownError), error: shownError, required: mandatory })}
        <div class="fw-visually-hidden" role="status">${this.announcement}</div>
      </div>`, { hint: help });
  }

  /** Enter and comma add the typed text; Backspace in the empty box removes the last tag. The combobox goes first. */
  #onKeyDown = (e: KeyboardEvent) => {
    if (e.defaultPrevented || (e.target as HTMLElement).id !== this.props.inputId) return;
    if (e.key === 'Enter' || e.key === ',') {
      e.preventDefault();
      if (this.#combo.text.trim()) this.#add(this.#combo.text);
    } else if (e.key === 'Backspace' && this.#combo.text === '' && this.#tags.length) {
      e.preventDefault();
      this.#remove(this.#tags[this.#tags.length - 1]!);
    }
  };

  #add(text: string) {
    const tag = text.replace(/\s+/g, ' ').trim();
    this.#combo.text = '';
    if (!tag) return;
    const tags = this.#tags;
    if (tags.some((t) => t.toLowerCase() === tag.toLowerCase())) {
      this.announcement = `${tag} is already a tag.`;
      return;
    }
    if ([...tag].length > MAX_LENGTH) {
      this.problem = `Each tag must be ${MAX_LENGTH} characters or fewer`;
      this.#combo.text = tag;
      return;
    }
    if (tags.length >= MAX_TAGS) {
      this.problem = `${this.props.field.label} can hold at most ${MAX_TAGS} tags`;
      return;
    }
    this.problem = '';
    this.announcement = `Tag ${tag} added.`;
    this.dispatchEvent(new FieldChangeEvent(this.props.field.name, [...tags, tag]));
  }

  #remove(tag: string) {
    const tags = this.#tags.filter((t) => t !== tag);
    this.problem = '';
    this.announcement = `Tag ${tag} removed.`;
    this.dispatchEvent(new FieldChangeEvent(this.props.field.name, tags.length ? tags : null));
    // The remove button is gone: focus goes back to the box, so the keyboard stays in the field.
    void this.updateComplete.then(() => this.querySelector<HTMLInputElement>(`#${CSS.escape(this.props.inputId)}`)?.focus());
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-tags-field': FwTagsField;
  }
}
