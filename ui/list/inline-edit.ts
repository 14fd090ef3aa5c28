/**
 * Editing one cell of a list in place: a field the person may write gets an "Edit" button (a double-click on the cell
 * does the same); the editor is a labelled input or select with Save and Cancel, Enter saves and Escape cancels. The
 * save is an ordinary PATCH of the record with If-Match of the version the list read, so the server checks it as
 * any update (access, validation, data policies, a stale version); its refusal is shown next to the cell, the value
 * kept as it was. After a save (or a conflict) the row is read again so the cell shows the server's label.
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { live } from 'lit/directives/live.js';
import { ApiError, tablePath, type ApiClient } from '../api/client.js';
import type { FieldMeta, RecordData } from '../api/types.js';

/** Field types a cell can edit with one input or select. */
const EDITABLE_TYPES = new Set(['string', 'text', 'integer', 'decimal', 'currency', 'boolean', 'choice', 'date', 'email', 'phone', 'url', 'postcode']);
const NUMERIC = new Set(['integer', 'decimal', 'currency']);

/**
 * Whether a list may offer to edit `field` in place: a field the person may write (the metadata marks the others
 * read-only) of a type one control can hold, that no workflow owns (`stateField` changes only by transitions) and
 * that no other field drives (dependent choices, values fetched from a reference), and not one naming a person or queue.
 */
export function isInlineEditable(field: FieldMeta | undefined, stateField: string | null): field is FieldMeta {
  if (!field || field.readOnly || field.system || field.name === stateField) return false;
  if (!EDITABLE_TYPES.has(field.type) || field.fetchFrom || field.dependsOn) return false;
  // A string naming a person, queue, organisation or role is picked from a list on the record page, never typed.
  if (field.names !== undefined) return false;
  return !(field.type === 'choice' && field.multiple);
}

/** What the list gives the editor. */
export interface InlineEditOptions {
  api(): ApiClient;
  /** The API table a row is written through (its class, when it has one). */
  tableOf(record: RecordData): string;
  /** The fields the list reads for a row (read again after a save). */
  fields(): string[];
  /** Put a row's fresh answer (`display=all`) in place of what the list holds. */
  replace(record: RecordData, fresh: RecordData): void;
}

interface Editing {
  record: RecordData;
  field: FieldMeta;
  /** What the person typed or picked, as the control holds it. */
  value: string;
  error: string | null;
  busy: boolean;
}

/** The editor control's id and its state for assistive technology. */
interface Aria { id: string; invalid: string | typeof nothing; described: string | typeof nothing }

const cellId = (record: RecordData, field: FieldMeta) => `list-edit-${String(record.id)}-${field.name}`;

/** The control's text for a stored value. */
function toText(field: FieldMeta, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (field.type === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

/** The value to send for the control's text, or an error message when it is not one. */
function fromText(field: FieldMeta, text: string): { value: unknown } | { error: string } {
  const t = NUMERIC.has(field.type) || field.type === 'boolean' || field.type === 'choice' || field.type === 'date' ? text.trim() : text;
  if (t === '') return { value: null };
  if (field.type === 'boolean') return { value: t === 'true' };
  if (field.type === 'integer') return /^-?\d+$/.test(t) ? { value: Number(t) } : { error: `Enter ${field.label.toLowerCase()} as a whole number, like 12` };
  if (NUMERIC.has(field.type)) {
    const n = Number(t.replace(/,/g, ''));
    return Number.isFinite(n) ? { value: n } : { error: `Enter ${field.label.toLowerCase()} as a number, like 12.50` };
  }
  return { value: t };
}

/** The message for a refused save, in the words of the cell. */
function refusal(e: unknown, field: FieldMeta): string {
  if (!(e instanceof ApiError)) return 'The change could not be saved. Try again.';
  if (e.code === 'precondition_failed' || e.code === 'conflict') {
    return 'Someone else changed this record after the list was shown. The row now shows their values: save again to replace them, or cancel.';
  }
  return e.errors.find((p) => p.field === field.name)?.message ?? e.message;
}

/** The editing state of a list's cells (one at a time) and how a cell is drawn. */
export class InlineEdit implements ReactiveController {
  /** The cell being edited, if any. */
  #editing: Editing | null = null;
  /** What the last save did, for the list's live region. */
  status = '';
  /** The element to focus once the host has drawn the change. */
  #focusNext: string | null = null;

  constructor(private readonly host: ReactiveControllerHost & HTMLElement, private readonly options: InlineEditOptions) {
    host.addController(this);
  }

  hostUpdated(): void {
    if (!this.#focusNext) return;
    this.host.querySelector<HTMLElement>(`#${CSS.escape(this.#focusNext)}`)?.focus();
    this.#focusNext = null;
  }

  /** Close any editor (the rows were loaded again). */
  reset(): void {
    this.#editing = null;
  }

  /**
   * The content of an editable cell: the value shown (`shown`) with its Edit button, or the editor. `rowName` names
   * the row for the controls' accessible names ("Edit Status of CASE-0042").
   */
  cell(record: RecordData, field: FieldMeta, shown: unknown, rowName: string) {
    const id = cellId(record, field);
    const e = this.#editing;
    if (e && e.record === record && e.field.name === field.name) return this.#editor(e, id, rowName);
    return html`<span class="fw-list-edit__value">${shown}</span>
      <button type="button" class="fw-link-button fw-list-edit__start" id=${`${id}-start`} data-edit=${field.name}
        @click=${() => this.start(record, field)}>Edit<span class="fw-visually-hidden"> ${field.label} of ${rowName}</span></button>`;
  }

  /** Open the editor of one cell (closing another). */
  start(record: RecordData, field: FieldMeta): void {
    this.#editing = { record, field, value: toText(field, record[field.name]), error: null, busy: false };
    this.status = '';
    this.#focusNext = cellId(record, field);
    this.host.requestUpdate();
  }

  #editor(e: Editing, id: string, rowName: string) {
    const name = `${e.field.label} of ${rowName}`;
    const errorId = `${id}-error`;
    const common: Aria = { id, invalid: e.error ? 'true' : nothing, described: e.error ? errorId : nothing };
    return html`<form class="fw-list-edit" novalidate @submit=${(ev: Event) => { ev.preventDefault(); void this.#save(e, rowName); }}
        @keydown=${(ev: KeyboardEvent) => this.#keys(ev, e, rowName)}>
      <label class="fw-visually-hidden" for=${id}>${name}</label>
      ${this.#control(e, common)}
      <span class="fw-list-edit__actions">
        <button type="submit" class="fw-button fw-list-edit__save" aria-disabled=${e.busy ? 'true' : nothing}>Save<span
          class="fw-visually-hidden"> ${name}</span></button>
        <button type="button" class="fw-link-button fw-list-edit__cancel" @click=${() => this.#cancel(e)}>Cancel<span
          class="fw-visually-hidden"> editing ${name}</span></button>
      </span>
      ${e.error ? html`<p class="fw-error-message fw-list-edit__error" id=${errorId}><span class="fw-visually-hidden">Error:</span> ${e.error}</p>` : nothing}
    </form>`;
  }

  #control(e: Editing, a: Aria) {
    const f = e.field;
    const onInput = (ev: Event) => { e.value = (ev.target as HTMLInputElement | HTMLSelectElement).value; };
    if (f.type === 'boolean' || f.type === 'choice') {
      const options = f.type === 'boolean'
        ? [{ value: 'true', label: 'Yes' }, { value: 'false', label: 'No' }]
        : (f.choices ?? []).filter((c) => !c.inactive || c.value === e.value);
      return html`<select class="fw-select ${e.error ? 'fw-select--error' : ''}" id=${a.id} aria-invalid=${a.invalid} aria-describedby=${a.described}
          @change=${onInput}>
        ${f.required && e.value !== '' ? nothing : html`<option value="" .selected=${live(e.value === '')}>Not set</option>`}
        ${options.map((o) => html`<option value=${o.value} .selected=${live(o.value === e.value)}>${o.label}</option>`)}
      </select>`;
    }
    const type = f.type === 'date' ? 'date' : 'text';
    const inputmode = f.type === 'integer' ? 'numeric' : NUMERIC.has(f.type) ? 'decimal' : nothing;
    const plain = f.type === 'email' || f.type === 'url' || f.type === 'postcode' || f.type === 'phone';
    return html`<input class="fw-input fw-input--width-10 ${e.error ? 'fw-input--error' : ''}" id=${a.id} type=${type} inputmode=${inputmode}
      spellcheck=${plain || NUMERIC.has(f.type) ? 'false' : nothing} maxlength=${f.maxLength ?? nothing}
      aria-invalid=${a.invalid} aria-describedby=${a.described} .value=${live(e.value)} @input=${onInput}>`;
  }

  #keys(ev: KeyboardEvent, e: Editing, rowName: string) {
    if (ev.key === 'Escape') {
      ev.preventDefault();
      ev.stopPropagation();
      this.#cancel(e);
    } else if (ev.key === 'Enter' && ev.target instanceof HTMLSelectElement) {
      // A select does not submit its form on Enter; in a cell it should, like the inputs.
      ev.preventDefault();
      void this.#save(e, rowName);
    }
  }

  #cancel(e: Editing) {
    if (this.#editing !== e) return;
    this.#editing = null;
    this.#focusNext = `${cellId(e.record, e.field)}-start`;
    this.host.requestUpdate();
  }

  async #save(e: Editing, rowName: string) {
    if (e.busy || this.#editing !== e) return;
    const id = cellId(e.record, e.field);
    const parsed = fromText(e.field, e.value);
    if ('error' in parsed) return this.#refused(e, id, parsed.error);
    if (toText(e.field, parsed.value) === toText(e.field, e.record[e.field.name])) return this.#cancel(e);
    e.busy = true;
    this.host.requestUpdate();
    const api = this.options.api();
    const table = this.options.tableOf(e.record);
    const recordId = String(e.record.id);
    try {
      await api.patch(tablePath(table, recordId), { [e.field.name]: parsed.value }, { headers: { 'if-match': `W/"${String(e.record.version)}"` } });
    } catch (err) {
      e.busy = false;
      // A stale version: show the row as it is now, so saving again is a decision made on the current values.
      if (err instanceof ApiError && (err.code === 'precondition_failed' || err.code === 'conflict')) await this.#reread(api, table, e.record).catch(() => undefined);
      return this.#refused(e, id, refusal(err, e.field));
    }
    await this.#reread(api, table, e.record).catch(() => undefined);
    if (this.#editing === e) this.#editing = null;
    this.status = `${e.field.label} of ${rowName} saved.`;
    this.#focusNext = `${id}-start`;
    this.host.requestUpdate();
  }

  #refused(e: Editing, id: string, message: string) {
    e.error = message;
    this.#focusNext = id;
    this.host.requestUpdate();
  }

  async #reread(api: ApiClient, table: string, record: RecordData) {
    const res = await api.get<RecordData>(tablePath(table, String(record.id)), { query: { fields: this.options.fields().join(','), display: 'all' } });
    this.options.replace(record, res.data);
  }
}
