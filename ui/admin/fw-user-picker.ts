import { html, nothing } from 'lit';
import { consume } from '@lit/context';
import { Task, initialState } from '@lit/task';
import { customElement, property, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import { LightElement } from '../light-element.js';
import type { AdminUserSummary } from '../api/admin.js';
import type { ApiClient } from '../api/client.js';
import { apiContext } from '../contexts.js';
import { describedBy, fieldFrame } from '../fields/field-parts.js';

/** A person offered or chosen: their id (what the API takes) and their name (what people read). */
export interface PickedUser { id: string; label: string }

/** The picker's choice changed: the person chosen, or null when the field was cleared. */
export class UserPickEvent extends Event {
  static readonly eventName = 'fw-user-pick' as const;
  constructor(readonly user: PickedUser | null) {
    super(UserPickEvent.eventName, { bubbles: true, composed: true });
  }
}

const SEARCH_DELAY_MS = 250;
const SEARCH_LIMIT = 10;

/** How a person is named to people: their name, the username only when they have none. */
export function personLabel(u: { displayName: string | null; username: string }): string {
  return u.displayName || u.username;
}

/**
 * A type-ahead choice of one active person of an organisation (an ARIA 1.2 combobox with a list box) over
 * GET /api/admin/users?q=&org=&status=active, showing names, never usernames or ids. Arrow keys move through the
 * options, Enter chooses, Escape closes the list (or, when closed, restores the chosen name). Leaving the field with
 * its text cleared clears the choice; leaving it with text not chosen puts the chosen name back. The number of
 * results is announced in a status region.
 *
 * @fires fw-user-pick - the person chosen, or null
 */
@customElement('fw-user-picker')
export class FwUserPicker extends LightElement {
  /** The input's id (the label, hint, error and the error summary's link point to it). */
  @property() accessor inputId = '';
  /** The input's name. */
  @property() accessor name = '';
  @property() accessor label = '';
  @property() accessor hint = '';
  /** The error message to show, or null. */
  @property({ attribute: false }) accessor error: string | null = null;
  /** The organisation (id) whose people are offered; empty: the administrator's own. */
  @property() accessor org = '';
  /** A person never offered (the account being edited cannot manage themself). */
  @property() accessor excludeId = '';
  /** The person chosen, or null. */
  @property({ attribute: false }) accessor value: PickedUser | null = null;

  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor text = '';
  @state() private accessor open = false;
  @state() private accessor options: PickedUser[] = [];
  @state() private accessor active = -1;
  @state() private accessor status = '';

  #timer: number | undefined;

  /** A newer search drops an older one's answer; leaving the field aborts the one running, which then says nothing. */
  #search = new Task(this, {
    autoRun: false,
    task: async ([api, q, org, exclude]: readonly [ApiClient, string, string, string], { signal }) => {
      try {
        const query: Record<string, string | number> = { q, status: 'active', sort: 'displayName', limit: SEARCH_LIMIT + 1 };
        if (org) query.org = org;
        const { data } = await api.get<AdminUserSummary[]>('/admin/users', { query, signal });
        return data.filter((u) => u.id !== exclude).slice(0, SEARCH_LIMIT).map((u): PickedUser => ({ id: u.id, label: personLabel(u) }));
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
        ? `${options.length} ${options.length === 1 ? 'person is' : 'people are'} available. Use up and down arrows to review and Enter to choose.`
        : 'No one found.';
    },
    onError: () => {
      this.options = [];
      this.open = true;
      this.status = 'The search failed. Try again.';
    },
  });

  protected override willUpdate(changed: Map<PropertyKey, unknown>) {
    if (changed.has('value')) this.text = this.value?.label ?? '';
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    clearTimeout(this.#timer);
  }

  protected override updated() {
    if (this.open && this.active >= 0) this.querySelector(`#${CSS.escape(this.#optionId(this.active))}`)?.scrollIntoView({ block: 'nearest' });
  }

  override render() {
    const id = this.inputId;
    const listId = `${id}-listbox`;
    const expanded = this.open && this.options.length > 0;
    return fieldFrame({ id, label: this.label, error: this.error, hint: this.hint }, html`<div class="fw-combobox" @focusout=${this.#onFocusOut}>
        <input class="fw-input fw-input--width-20 ${this.error ? 'fw-input--error' : ''}" id=${id} name=${this.name} type="text"
          role="combobox" aria-autocomplete="list" aria-expanded=${expanded ? 'true' : 'false'} aria-controls=${listId}
          aria-activedescendant=${ifDefined(this.open && this.active >= 0 ? this.#optionId(this.active) : undefined)}
          aria-describedby=${ifDefined(describedBy(id, this.hint, this.error))} aria-invalid=${this.error ? 'true' : 'false'}
          autocomplete="off" spellcheck="false" .value=${live(this.text)} @input=${this.#onInput} @keydown=${this.#onKeyDown}>
        <ul class="fw-combobox__listbox" id=${listId} role="listbox" aria-label=${`${this.label} suggestions`} ?hidden=${!expanded}>
          ${this.options.map((o, i) => html`<li class="fw-combobox__option ${i === this.active ? 'fw-combobox__option--active' : ''}"
            id=${this.#optionId(i)} role="option" aria-selected=${i === this.active ? 'true' : 'false'}
            @mousedown=${(e: Event) => e.preventDefault()} @click=${() => this.#choose(o)}>${o.label}</li>`)}
        </ul>
        ${this.open && !this.options.length && this.status ? html`<p class="fw-combobox__empty fw-hint" aria-hidden="true">No one found</p>` : nothing}
        <div class="fw-visually-hidden" role="status">${this.status}</div>
      </div>`);
  }

  #optionId(i: number) {
    return `${this.inputId}-option-${i}`;
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

  #find(q: string) {
    void this.#search.run([this.api, q.slice(0, 100), this.org, this.excludeId]);
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
        // Enter in the list chooses; it never submits the form from here.
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
        } else if (this.text !== (this.value?.label ?? '')) {
          e.preventDefault();
          this.text = this.value?.label ?? '';
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
      if (this.value) this.dispatchEvent(new UserPickEvent(null));
    } else if (this.text !== (this.value?.label ?? '')) {
      this.text = this.value?.label ?? '';
    }
  };

  #choose(option: PickedUser) {
    this.text = option.label;
    this.#close();
    this.status = `${option.label} chosen.`;
    this.dispatchEvent(new UserPickEvent(option));
    this.querySelector<HTMLInputElement>(`#${CSS.escape(this.inputId)}`)?.focus();
  }

  #close() {
    this.open = false;
    this.active = -1;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-user-picker': FwUserPicker;
  }
  interface HTMLElementEventMap {
    'fw-user-pick': UserPickEvent;
  }
}
