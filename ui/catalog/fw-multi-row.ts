import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import type { MultiRowSet } from '../api/catalog.js';
import type { FieldMeta, RecordData } from '../api/types.js';
import type { FieldChangeEvent } from '../events.js';
import type { FieldProps } from '../fields/field-parts.js';
import { errorMessage } from '../fields/field-parts.js';
import { renderWidget } from '../fields/widget.js';
import { literalDefaults } from '../form/fields.js';
import { RowsChangeEvent } from './catalog-events.js';
import { cellKey } from './cells.js';
import { rowsText } from './words.js';

/**
 * A multi-row variable set as an accessible repeating group: a table whose columns are the set's variables and whose
 * rows are the answers, each cell a labelled control ("Serial number, row 2"), with "Add a row" and a "Remove"
 * button per row. The row limit is said in the hint and announced as rows come and go; focus moves to the new
 * row's first control, or after a removal to the next sensible button.
 *
 * @fires fw-rows-change - the rows (and the cells' unparseable texts) changed
 */
@customElement('fw-multi-row')
export class FwMultiRow extends LightElement {
  /** The set: its title, limits and the variables of a row. */
  @property({ attribute: false }) accessor set!: MultiRowSet;
  /** The rows' answers. */
  @property({ attribute: false }) accessor rows: RecordData[] = [];
  /** Problems by cell key (`set[0].field`) or by the set's name (the set as a whole). */
  @property({ attribute: false }) accessor errors: ReadonlyMap<string, string> = new Map();
  /** Prefix of the controls' ids. */
  @property() accessor idPrefix = 'order';

  /** Said by the polite live region: a row added or removed, and how many there are now. */
  @state() private accessor announcement = '';

  /** Text that cannot become a value, by cell key. */
  #problems = new Map<string, string>();

  override connectedCallback() {
    super.connectedCallback();
    this.addEventListener('fw-field-change', this.#onFieldChange);
  }

  override render() {
    const s = this.set;
    const id = `${this.idPrefix}-${s.name}`;
    const setError = this.errors.get(s.name) ?? null;
    const full = this.rows.length >= s.maxRows;
    const limit = s.minRows > 0 ? `Add between ${s.minRows} and ${rowsText(s.maxRows)}.` : `You can add up to ${rowsText(s.maxRows)}.`;
    return html`<section class="fw-form-section fw-multi-row ${setError ? 'fw-form-group--error' : ''}" aria-labelledby=${`${id}-title`}>
      <h2 class="fw-heading-m" id=${`${id}-title`}>${s.title}</h2>
      ${s.description ? html`<p class="fw-body">${s.description}</p>` : nothing}
      <p class="fw-hint" id=${`${id}-hint`}>${limit}</p>
      ${errorMessage(id, setError)}
      ${this.rows.length ? html`<div class="fw-table-wrapper"><table class="fw-table fw-multi-row__table">
        <caption class="fw-table__caption fw-visually-hidden">${s.title}: ${rowsText(this.rows.length)} of at most ${s.maxRows}</caption>
        <thead class="fw-table__head"><tr class="fw-table__row">
          <th scope="col" class="fw-table__header">Row</th>
          ${s.fields.map((f) => html`<th scope="col" class="fw-table__header">${f.label}${f.required ? html` <span class="fw-required">(required)</span>` : nothing}</th>`)}
          <th scope="col" class="fw-table__header"><span class="fw-visually-hidden">Actions</span></th>
        </tr></thead>
        <tbody class="fw-table__body">${this.rows.map((row, i) => html`<tr class="fw-table__row" data-row=${i}>
          <th scope="row" class="fw-table__header">${i + 1}</th>
          ${s.fields.map((f) => html`<td class="fw-table__cell fw-multi-row__cell">${renderWidget(this.#props(f, row, i))}</td>`)}
          <td class="fw-table__cell"><button type="button" class="fw-button fw-button--secondary fw-multi-row__remove" data-remove=${i}
            @click=${() => this.#remove(i)}>Remove<span class="fw-visually-hidden"> row ${i + 1} of ${s.title}</span></button></td>
        </tr>`)}</tbody>
      </table></div>` : html`<p class="fw-body">No rows added yet.</p>`}
      ${full
        ? html`<p class="fw-body" id=${id} tabindex="-1">You have added the most rows allowed (${s.maxRows}).</p>`
        : html`<button type="button" class="fw-button fw-button--secondary" id=${id}
            aria-describedby=${setError ? `${id}-hint ${id}-error` : `${id}-hint`} @click=${this.#add}>Add a row<span class="fw-visually-hidden"> to ${s.title}</span></button>`}
      <p class="fw-visually-hidden" role="status">${this.announcement}</p>
    </section>`;
  }

  #props(field: FieldMeta, row: RecordData, i: number): FieldProps {
    const key = cellKey(this.set.name, i, field.name);
    // The column header shows the label; the control's own label also names the row, for screen readers.
    return {
      field: { ...field, label: `${field.label}, row ${i + 1}`, help: undefined },
      value: row[field.name] ?? null,
      mandatory: field.required,
      readOnly: field.readOnly,
      error: this.errors.get(key) ?? null,
      inputId: `${this.idPrefix}-${key}`,
      ...(field.dependsOn ? { controlling: row[field.dependsOn] ?? null } : {}),
    };
  }

  /** A cell's widget changed: the row's answer, and the cell's problem (text that is not a value). */
  #onFieldChange = (e: FieldChangeEvent) => {
    e.stopPropagation();
    const tr = (e.target as HTMLElement).closest('tr[data-row]');
    if (!tr) return;
    const i = Number(tr.getAttribute('data-row'));
    const key = cellKey(this.set.name, i, e.field);
    if (e.problem) this.#problems.set(key, e.problem);
    else this.#problems.delete(key);
    const rows = this.rows.map((r, n) => (n === i ? { ...r, [e.field]: e.value } : r));
    this.#emit(rows);
  };

  #add = async () => {
    if (this.rows.length >= this.set.maxRows) return;
    const rows = [...this.rows, literalDefaults(this.set.fields)];
    this.#emit(rows);
    this.announcement = `Row ${rows.length} added. ${rowsText(rows.length)} of at most ${this.set.maxRows}.`;
    await this.updateComplete;
    this.querySelector<HTMLElement>(`tr[data-row="${rows.length - 1}"] input, tr[data-row="${rows.length - 1}"] select, tr[data-row="${rows.length - 1}"] textarea`)?.focus();
  };

  async #remove(i: number) {
    const rows = this.rows.filter((_, n) => n !== i);
    // Later rows move up one: their cells' problems follow them.
    const moved = new Map<string, string>();
    for (const [key, text] of this.#problems) {
      const m = /\[(\d+)\]/.exec(key);
      const row = m ? Number(m[1]) : -1;
      if (row < i) moved.set(key, text);
      else if (row > i) moved.set(key.replace(`[${row}]`, `[${row - 1}]`), text);
    }
    this.#problems = moved;
    this.#emit(rows);
    this.announcement = `Row ${i + 1} removed. ${rows.length ? rowsText(rows.length) : 'No rows'} left.`;
    await this.updateComplete;
    const next = this.querySelector<HTMLElement>(`[data-remove="${Math.min(i, rows.length - 1)}"]`) ?? this.querySelector<HTMLElement>(`#${CSS.escape(`${this.idPrefix}-${this.set.name}`)}`);
    next?.focus();
  }

  #emit(rows: RecordData[]) {
    this.dispatchEvent(new RowsChangeEvent(this.set.name, rows, new Map(this.#problems)));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-multi-row': FwMultiRow;
  }
}
