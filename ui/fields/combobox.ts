/**
 * The type-ahead part of an ARIA 1.2 combobox with a list box, shared by every picker (reference fields, the
 * administrators' person picker): typing searches after a pause, arrow keys move through the options, Enter
 * chooses, Escape closes the list (or, when closed, puts the chosen option's text back), and leaving the field
 * with its text cleared clears the choice while leaving it with text not chosen puts the chosen text back. The
 * number of results is announced in a status region. The host decides what is searched and what a choice means.
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { Task, initialState } from '@lit/task';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';

/** One option offered: what the host takes (`id`) and what people read (`label`). */
export interface ComboOption { id: string; label: string }

/** How long typing must pause before a search, so a word typed is one request. */
const SEARCH_DELAY_MS = 250;

/** What the host tells the combobox. */
export interface ComboboxConfig<T extends ComboOption> {
  /** The id of the input (options' and the list's ids derive from it). */
  inputId: () => string;
  /** Whether there is anywhere to search now (a reference field naming no table offers nothing). */
  canSearch?: () => boolean;
  /** The options for text `q`; `signal` aborts when a newer search starts or the field is left. */
  search: (q: string, signal: AbortSignal) => Promise<T[]>;
  /** The text of the option chosen now ('' for none): what Escape and leaving the field put back. */
  chosenLabel: () => string;
  /** Whether something is chosen now (leaving the field with its text cleared then clears it). */
  hasValue: () => boolean;
  /** The person chose `option`, or cleared the field (null). */
  onChoose: (option: T | null) => void;
  /** The announcement for `n` results found (n > 0), and the words for none. */
  found: (n: number) => string;
  none: string;
}

/** How the host's input looks beyond what the combobox sets. */
export interface ComboboxView {
  /** The input's name. */
  name: string;
  /** The field's label, naming the list of suggestions. */
  label: string;
  /** Extra classes of the input (a width). */
  inputClass?: string;
  /** aria-describedby of the input (its hint and error). */
  describedBy: string | undefined;
  error: string | null;
  /** aria-required, when the host says it. */
  required?: boolean;
}

/** The combobox's state and behaviour, as a reactive controller of the element that renders it (light DOM). */
export class Combobox<T extends ComboOption> implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #config: ComboboxConfig<T>;
  #text = '';
  #open = false;
  #options: T[] = [];
  #active = -1;
  #status = '';
  #timer: number | undefined;

  /** A newer search drops an older one's answer; leaving the field aborts the one running, which then says nothing. */
  #search: Task<readonly [string], T[]>;

  constructor(host: ReactiveControllerHost & HTMLElement, config: ComboboxConfig<T>) {
    this.#host = host;
    this.#config = config;
    host.addController(this);
    this.#search = new Task(host, {
      autoRun: false,
      task: async ([q], { signal }) => {
        try {
          return await config.search(q, signal);
        } catch (e) {
          if (signal.aborted) return initialState;
          throw e;
        }
      },
      onComplete: (options) => {
        this.#options = options;
        this.#active = -1;
        this.#open = true;
        this.#status = options.length ? config.found(options.length) : `${config.none}.`;
        host.requestUpdate();
      },
      onError: () => {
        this.#options = [];
        this.#open = true;
        this.#status = 'The search failed. Try again.';
        host.requestUpdate();
      },
    });
  }

  /** The text in the input. */
  get text(): string {
    return this.#text;
  }

  /** Put `text` in the input (the host's value changed). */
  set text(text: string) {
    this.#text = text;
    this.#host.requestUpdate();
  }

  hostDisconnected(): void {
    clearTimeout(this.#timer);
  }

  hostUpdated(): void {
    // The active option stays in view while arrow keys move through a list taller than its box.
    if (this.#open && this.#active >= 0) this.#host.querySelector(`#${CSS.escape(this.#optionId(this.#active))}`)?.scrollIntoView({ block: 'nearest' });
  }

  /** The input, its list box, the "none found" line and the status region. */
  render(v: ComboboxView): TemplateResult {
    const id = this.#config.inputId();
    const listId = `${id}-listbox`;
    const expanded = this.#open && this.#options.length > 0;
    return html`<div class="fw-combobox" @focusout=${this.#onFocusOut}>
        <input class="fw-input ${v.inputClass ?? ''} ${v.error ? 'fw-input--error' : ''}" id=${id} name=${v.name} type="text"
          role="combobox" aria-autocomplete="list" aria-expanded=${expanded ? 'true' : 'false'} aria-controls=${listId}
          aria-activedescendant=${ifDefined(this.#open && this.#active >= 0 ? this.#optionId(this.#active) : undefined)}
          aria-describedby=${ifDefined(v.describedBy)} aria-invalid=${v.error ? 'true' : 'false'}
          aria-required=${ifDefined(v.required === undefined ? undefined : String(v.required))}
          autocomplete="off" spellcheck="false" .value=${live(this.#text)} @input=${this.#onInput} @keydown=${this.#onKeyDown}>
        <ul class="fw-combobox__listbox" id=${listId} role="listbox" aria-label=${`${v.label} suggestions`} ?hidden=${!expanded}>
          ${this.#options.map((o, i) => html`<li class="fw-combobox__option ${i === this.#active ? 'fw-combobox__option--active' : ''}"
            id=${this.#optionId(i)} role="option" aria-selected=${i === this.#active ? 'true' : 'false'}
            @mousedown=${(e: Event) => e.preventDefault()} @click=${() => this.#choose(o)}>${o.label}</li>`)}
        </ul>
        ${this.#open && !this.#options.length && this.#status ? html`<p class="fw-combobox__empty fw-hint" aria-hidden="true">${this.#config.none}</p>` : nothing}
        <div class="fw-visually-hidden" role="status">${this.#status}</div>
      </div>`;
  }

  #optionId(i: number) {
    return `${this.#config.inputId()}-option-${i}`;
  }

  #onInput = (e: Event) => {
    this.#text = (e.target as HTMLInputElement).value;
    clearTimeout(this.#timer);
    if (this.#text.trim() === '') {
      this.#close();
      this.#status = '';
    } else {
      this.#timer = window.setTimeout(() => this.#find(this.#text.trim()), SEARCH_DELAY_MS);
    }
    this.#host.requestUpdate();
  };

  #find(q: string) {
    if (this.#config.canSearch?.() ?? true) void this.#search.run([q]);
  }

  #onKeyDown = (e: KeyboardEvent) => {
    const n = this.#options.length;
    switch (e.key) {
      case 'ArrowDown':
        e.preventDefault();
        if (!this.#open || !n) {
          if (this.#text.trim()) this.#find(this.#text.trim());
          return;
        }
        this.#active = (this.#active + 1) % n;
        break;
      case 'ArrowUp':
        if (!this.#open || !n) return;
        e.preventDefault();
        this.#active = this.#active <= 0 ? n - 1 : this.#active - 1;
        break;
      case 'Enter':
        // Enter in the list chooses; it never submits the form from here.
        if (this.#open && this.#active >= 0 && this.#options[this.#active]) {
          e.preventDefault();
          this.#choose(this.#options[this.#active]!);
        }
        break;
      case 'Escape':
        if (this.#open) {
          e.preventDefault();
          e.stopPropagation();
          this.#close();
        } else if (this.#text !== this.#config.chosenLabel()) {
          e.preventDefault();
          this.#text = this.#config.chosenLabel();
        }
        break;
      default:
        return;
    }
    this.#host.requestUpdate();
  };

  #onFocusOut = (e: FocusEvent) => {
    if (e.relatedTarget instanceof Node && this.#host.contains(e.relatedTarget)) return;
    clearTimeout(this.#timer);
    this.#search.abort();
    this.#close();
    if (this.#text.trim() === '') {
      this.#text = '';
      if (this.#config.hasValue()) this.#config.onChoose(null);
    } else if (this.#text !== this.#config.chosenLabel()) {
      this.#text = this.#config.chosenLabel();
    }
    this.#host.requestUpdate();
  };

  #choose(option: T) {
    this.#text = option.label;
    this.#close();
    this.#status = `${option.label} chosen.`;
    this.#host.requestUpdate();
    this.#config.onChoose(option);
    this.#host.querySelector<HTMLInputElement>(`#${CSS.escape(this.#config.inputId())}`)?.focus();
  }

  #close() {
    this.#open = false;
    this.#active = -1;
  }
}
