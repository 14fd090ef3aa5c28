import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { repeat } from 'lit/directives/repeat.js';
import { LightElement } from '../light-element.js';
import type { FieldMeta } from '../api/types.js';

/** The person chose the list's columns: `columns` in order, or null for the table's default columns. */
export class ColumnsEvent extends Event {
  static readonly eventName = 'fw-columns' as const;
  constructor(readonly columns: string[] | null) {
    super(ColumnsEvent.eventName, { bubbles: true, composed: true });
  }
}

type Move = 'up' | 'down';

/**
 * The "Columns" disclosure of a list: a checkbox per field the person may show (by label), the columns shown first
 * and in their order, each with "Move up" / "Move down" buttons — every change by keyboard as by pointer, none by
 * dragging. Each change is announced at once (fw-columns) for the list to apply; "Reset" goes back to the table's
 * default columns. A move keeps focus on the moved field's button; a button that cannot act (the first column's
 * "Move up") is aria-disabled rather than disabled so focus is never lost to the page.
 *
 * @fires fw-columns - the columns chosen changed
 */
@customElement('fw-column-chooser')
export class FwColumnChooser extends LightElement {
  /** The fields that may be shown, in the table's order. */
  @property({ attribute: false }) accessor fields: FieldMeta[] = [];
  /** The columns shown now, in order. */
  @property({ attribute: false }) accessor columns: string[] = [];
  /** The table's default columns (what Reset goes back to). */
  @property({ attribute: false }) accessor defaults: string[] = [];

  /** What the last change did, for screen readers (and in sight). */
  @state() private accessor status = '';

  /** The control to focus once a change is drawn (a move reorders the items, which drops focus). */
  #focusNext: string | null = null;

  protected override updated(): void {
    if (!this.#focusNext) return;
    this.querySelector<HTMLElement>(`#${CSS.escape(this.#focusNext)}`)?.focus();
    this.#focusNext = null;
  }

  override render() {
    const byName = new Map(this.fields.map((f) => [f.name, f]));
    const shown = this.columns.filter((c) => byName.has(c));
    const ordered = [...shown.map((c) => byName.get(c)!), ...this.fields.filter((f) => !shown.includes(f.name))];
    const custom = shown.join(',') !== this.defaults.join(',');
    return html`<details class="fw-details fw-list-columns">
      <summary class="fw-details__summary"><span class="fw-details__summary-text">Columns (${shown.length} shown)</span></summary>
      <div class="fw-details__text">
        <fieldset class="fw-fieldset" aria-describedby="list-columns-hint">
          <legend class="fw-fieldset__legend fw-fieldset__legend--s">Columns to show</legend>
          <div class="fw-hint" id="list-columns-hint">Tick the columns to show and move them up or down to change their order. The first column links to the record.</div>
          <ul class="fw-list-columns__items">
            ${repeat(ordered, (f) => f.name, (f) => this.#item(f, shown))}
          </ul>
        </fieldset>
        <button type="button" class="fw-button fw-button--secondary fw-list-columns__reset" aria-disabled=${custom ? nothing : 'true'}
          @click=${() => this.#reset(custom)}>Reset to default columns</button>
        <p class="fw-body fw-list-columns__status" role="status">${this.status}</p>
      </div>
    </details>`;
  }

  #item(f: FieldMeta, shown: string[]) {
    const at = shown.indexOf(f.name);
    const id = `list-column-${f.name}`;
    const move = (dir: Move) => {
      const can = dir === 'up' ? at > 0 : at >= 0 && at < shown.length - 1;
      const text = dir === 'up' ? 'Move up' : 'Move down';
      return html`<button type="button" class="fw-link-button fw-list-columns__move" id=${`${id}-${dir}`} aria-disabled=${can ? nothing : 'true'}
        @click=${() => this.#move(f, shown, dir)}>${text}<span class="fw-visually-hidden"> ${f.label}</span></button>`;
    };
    return html`<li class="fw-list-columns__item">
      <div class="fw-checkboxes__item fw-checkboxes__item--small">
        <input class="fw-checkboxes__input" type="checkbox" id=${id} .checked=${live(at >= 0)}
          @change=${(e: Event) => this.#toggle(f, shown, e.target as HTMLInputElement)}>
        <label class="fw-label fw-checkboxes__label" for=${id}>${f.label}</label>
      </div>
      ${at >= 0 ? html`<span class="fw-list-columns__moves">${move('up')} ${move('down')}</span>` : nothing}
    </li>`;
  }

  #toggle(f: FieldMeta, shown: string[], input: HTMLInputElement) {
    if (!input.checked && shown.length === 1) {
      input.checked = true;
      this.status = 'A list shows at least one column.';
      return;
    }
    const next = input.checked ? [...shown, f.name] : shown.filter((c) => c !== f.name);
    this.status = input.checked ? `${f.label} shown as column ${next.length} of ${next.length}.` : `${f.label} no longer shown.`;
    this.#focusNext = input.id;
    this.#choose(next);
  }

  #move(f: FieldMeta, shown: string[], dir: Move) {
    const at = shown.indexOf(f.name);
    const to = dir === 'up' ? at - 1 : at + 1;
    if (at < 0 || to < 0 || to >= shown.length) return;
    const next = [...shown];
    next.splice(at, 1);
    next.splice(to, 0, f.name);
    this.status = `${f.label} moved to column ${to + 1} of ${next.length}.`;
    // Pressing again moves it further; at an end the button stays focused and says it is unavailable.
    this.#focusNext = `list-column-${f.name}-${dir}`;
    this.#choose(next);
  }

  #reset(custom: boolean) {
    if (!custom) return;
    this.status = 'The default columns are shown.';
    this.dispatchEvent(new ColumnsEvent(null));
  }

  #choose(columns: string[]) {
    this.columns = columns;
    this.dispatchEvent(new ColumnsEvent(columns.join(',') === this.defaults.join(',') ? null : columns));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-column-chooser': FwColumnChooser;
  }
  interface HTMLElementEventMap {
    'fw-columns': ColumnsEvent;
  }
}
