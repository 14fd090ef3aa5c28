import { consume } from '@lit/context';
import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import { LightElement } from '../light-element.js';
import type { ApiClient } from '../api/client.js';
import { fetchSuggestions, type Suggestion } from '../api/search.js';
import { apiContext } from '../contexts.js';
import { NavigateEvent } from '../events.js';
import { recordUrl } from '../router.js';
import { groupSuggestions, isSearchShortcut, searchUrl } from '../search/search-model.js';

/** How long typing must pause before suggestions are asked for, so a word typed is one request. */
const SUGGEST_DELAY_MS = 200;
const SUGGEST_LIMIT = 8;
const INPUT_ID = 'fw-search-box-input';
const LIST_ID = 'fw-search-box-listbox';

/** Whether focus is somewhere `/` is a character typed (a text field, a list, an editable area). */
function isTyping(el: Element | null): boolean {
  if (!el) return false;
  if (el instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit', 'reset', 'file', 'range', 'color'].includes(el.type);
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  return (el as HTMLElement).isContentEditable || ['textbox', 'combobox', 'searchbox', 'listbox'].includes(el.getAttribute('role') ?? '');
}

/**
 * The header's search box: an ARIA 1.2 combobox whose list box offers records whose titles start like the text
 * typed, grouped by table. Typing asks for suggestions after a pause (an older request still running is
 * cancelled); arrow keys move through them, Enter on one (or a click) opens its record, Enter otherwise opens the
 * results page for the text, Escape closes the list and then clears the text. `/` (when not typing elsewhere),
 * Ctrl+K and ⌘K move focus to it from anywhere on the page. The shell shows it to signed-in people only.
 *
 * @fires fw-navigate - a suggestion or the results page was opened
 */
@customElement('fw-search-box')
export class FwSearchBox extends LightElement {
  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor text = '';
  @state() private accessor open = false;
  @state() private accessor options: Suggestion[] = [];
  @state() private accessor active = -1;
  /** What the status region says: how many suggestions, or none. */
  @state() private accessor status = '';

  #timer: number | undefined;
  #request: AbortController | null = null;

  override connectedCallback() {
    super.connectedCallback();
    document.addEventListener('keydown', this.#onDocumentKeyDown);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    document.removeEventListener('keydown', this.#onDocumentKeyDown);
    this.#cancel();
  }

  protected override updated() {
    // The active option stays in view while arrow keys move through a list taller than its box.
    if (this.open && this.active >= 0) this.querySelector(`#${this.#optionId(this.active)}`)?.scrollIntoView({ block: 'nearest' });
  }

  override render() {
    const expanded = this.open && this.options.length > 0;
    return html`<form class="fw-search-box" role="search" aria-label="Site search" @submit=${this.#onSubmit} @focusout=${this.#onFocusOut}>
      <label class="fw-visually-hidden" for=${INPUT_ID}>Search</label>
      <div class="fw-search-box__field">
        <input class="fw-input fw-search-box__input" id=${INPUT_ID} name="q" type="text" role="combobox" aria-autocomplete="list"
          aria-expanded=${expanded ? 'true' : 'false'} aria-controls=${LIST_ID} aria-keyshortcuts="/ Control+K Meta+K"
          aria-activedescendant=${ifDefined(expanded && this.active >= 0 ? this.#optionId(this.active) : undefined)}
          autocomplete="off" spellcheck="false" enterkeyhint="search" .value=${live(this.text)} @input=${this.#onInput} @keydown=${this.#onKeyDown}>
        <div class="fw-search-box__listbox" id=${LIST_ID} role="listbox" aria-label="Search suggestions" ?hidden=${!expanded}>
          ${expanded ? this.#groups() : nothing}
        </div>
      </div>
      <button type="submit" class="fw-header__button fw-search-box__submit">Search<span class="fw-visually-hidden"> all records</span></button>
      <div class="fw-visually-hidden" role="status">${this.status}</div>
    </form>`;
  }

  #groups() {
    let i = 0;
    return groupSuggestions(this.options).map((g, k) => {
      const labelId = `fw-search-box-group-${k}`;
      return html`<div class="fw-search-box__group" role="group" aria-labelledby=${labelId}>
        <div class="fw-search-box__group-label" role="presentation" id=${labelId}>${g.label}</div>
        ${g.items.map((s) => {
          const index = i++;
          const on = index === this.active;
          return html`<div class="fw-search-box__option ${on ? 'fw-search-box__option--active' : ''}" id=${this.#optionId(index)} role="option"
            aria-selected=${on ? 'true' : 'false'} @mousedown=${(e: Event) => e.preventDefault()} @click=${() => this.#choose(s)}>${s.title}</div>`;
        })}
      </div>`;
    });
  }

  #optionId(i: number) {
    return `fw-search-box-option-${i}`;
  }

  /** The options in the order they are shown (grouped by table), which arrow keys follow. */
  #ordered(list: Suggestion[]): Suggestion[] {
    return groupSuggestions(list).flatMap((g) => g.items);
  }

  #onDocumentKeyDown = (e: KeyboardEvent) => {
    if (e.defaultPrevented || !isSearchShortcut(e, isTyping(document.activeElement))) return;
    const input = this.querySelector<HTMLInputElement>(`#${INPUT_ID}`);
    if (!input || document.activeElement === input) return;
    e.preventDefault();
    input.focus();
    input.select();
  };

  #onInput = (e: Event) => {
    this.text = (e.target as HTMLInputElement).value;
    clearTimeout(this.#timer);
    const q = this.text.trim();
    if (!q) {
      this.#cancel();
      this.#close();
      this.status = '';
      return;
    }
    this.#timer = window.setTimeout(() => void this.#suggest(q), SUGGEST_DELAY_MS);
  };

  async #suggest(q: string) {
    this.#request?.abort();
    const request = new AbortController();
    this.#request = request;
    try {
      const found = await fetchSuggestions(this.api, q, { limit: SUGGEST_LIMIT, signal: request.signal });
      if (request.signal.aborted) return;
      this.options = this.#ordered(found);
      this.status = found.length
        ? `${found.length} ${found.length === 1 ? 'suggestion' : 'suggestions'}. Use the up and down arrows to choose one, or press Enter to search.`
        : 'No suggestions. Press Enter to search.';
    } catch {
      // A newer search took over, or the field was left: say nothing.
      if (request.signal.aborted) return;
      this.options = [];
      this.status = 'Suggestions cannot be shown right now. Press Enter to search.';
    } finally {
      if (this.#request === request) this.#request = null;
    }
    this.active = -1;
    this.open = true;
  }

  #onKeyDown = (e: KeyboardEvent) => {
    const n = this.options.length;
    switch (e.key) {
      case 'ArrowDown':
        e.preventDefault();
        if (!this.open || !n) {
          if (this.text.trim()) {
            clearTimeout(this.#timer);
            void this.#suggest(this.text.trim());
          }
          return;
        }
        this.active = (this.active + 1) % n;
        return;
      case 'ArrowUp':
        if (!this.open || !n) return;
        e.preventDefault();
        this.active = this.active <= 0 ? n - 1 : this.active - 1;
        return;
      case 'Enter':
        if (this.open && this.active >= 0 && this.options[this.active]) {
          e.preventDefault();
          this.#choose(this.options[this.active]!);
        }
        return;
      case 'Escape':
        if (this.open) {
          e.preventDefault();
          this.#cancel();
          this.#close();
        } else if (this.text) {
          e.preventDefault();
          this.text = '';
          this.status = '';
        }
        return;
      default:
    }
  };

  #onFocusOut = (e: FocusEvent) => {
    if (e.relatedTarget instanceof Node && this.contains(e.relatedTarget)) return;
    this.#cancel();
    this.#close();
  };

  #onSubmit = (e: Event) => {
    e.preventDefault();
    const q = this.text.trim();
    this.#cancel();
    this.#close();
    this.status = '';
    this.dispatchEvent(new NavigateEvent(q ? searchUrl({ q }) : '/search'));
  };

  #choose(s: Suggestion) {
    this.#cancel();
    this.#close();
    this.text = '';
    this.status = '';
    this.dispatchEvent(new NavigateEvent(recordUrl(s.table, s.id)));
  }

  /** Stop waiting for suggestions: the timer of the typing pause and the request running. */
  #cancel() {
    clearTimeout(this.#timer);
    this.#request?.abort();
    this.#request = null;
  }

  #close() {
    this.open = false;
    this.active = -1;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-search-box': FwSearchBox;
  }
}
