import { html, nothing } from 'lit';
import { consume } from '@lit/context';
import { Task, TaskStatus } from '@lit/task';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../../light-element.js';
import type { ApiClient } from '../../api/client.js';
import type { DefinitionError } from '../../api/studio.js';
import { apiContext } from '../../contexts.js';
import { DefinitionEditEvent, type Definition, type EditorTab } from './contract.js';
import { fetchTableChoices, fetchTableDefinition } from './designer-tables.js';
import {
  addFormField, addSection, conditionWords as conditionWordsOf, entryField, MAX_COLUMNS, moveFormField, moveFormFieldTo, moveSection,
  placedFields, removeFormField, removeSection, sectionsOf, setColumnCount, updateSection, type FormEntry, type Place,
} from './form-model.js';
import { fieldEntries, updateTable, type FieldDef } from './table-model.js';
import { formRules } from './form-designer-parts.js';
import { choiceLabel, factLabel, fieldLabel, pathLabel } from './designer-words.js';

/**
 * The form designer: the form's title and table, then its sections top to bottom, each with a title, one to three
 * columns and the fields in each column. Fields of the table not yet on the form are added to a section; fields move
 * up and down with buttons, across columns and sections in reading order, or are dragged with a mouse. Related
 * lists and UI policies are shown as they are (conditions in words); conditions are edited in the Conditions tab.
 *
 * @fires fw-definition-edit - the whole definition after each change
 */
@customElement('fw-form-designer')
export class FwFormDesigner extends LightElement {
  /** The form definition being designed. */
  @property({ attribute: false }) accessor definition: Definition = {};
  /** The change set it is edited in. */
  @property() accessor changeSetId = '';
  /** False when the change set is no longer a draft. */
  @property({ type: Boolean }) accessor editable = true;
  /** The server's errors for the definition from the last save. */
  @property({ attribute: false }) accessor errors: DefinitionError[] = [];

  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor announcement = '';

  #dragging: Place | null = null;

  #tables = new Task(this, {
    args: () => [this.api, this.changeSetId] as const,
    task: ([api, cs], { signal }) => fetchTableChoices(api, cs, signal),
  });

  #table = new Task(this, {
    args: () => [this.api, this.changeSetId, String(this.definition.table ?? '')] as const,
    task: async ([api, cs, table], { signal }) => (table ? fetchTableDefinition(api, cs, table, signal) : null),
  });

  override render() {
    const def = this.definition;
    const off = !this.editable;
    const sections = sectionsOf(def);
    const table = typeof def.table === 'string' ? def.table : '';
    const tables = this.#tables.value ?? [];
    const fields = this.#fields();
    const placed = new Set(placedFields(def));
    const free = [...fields].filter(([name, f]) => !placed.has(name) && f.hidden !== true);
    return html`<div class="fw-designer">
      <h2 class="fw-heading-m">The form</h2>
      <div class="fw-form-group">
        <label class="fw-label" for="fd-label">Form title</label>
        <div class="fw-hint" id="fd-label-hint">Leave empty to use the table's name.</div>
        <input class="fw-input fw-input--width-20" id="fd-label" aria-describedby="fd-label-hint" ?disabled=${off}
          .value=${typeof def.label === 'string' ? def.label : ''} @change=${(e: Event) => this.#emit(updateTable(def, { label: value(e) }))}>
      </div>
      <div class="fw-form-group">
        <label class="fw-label" for="fd-table">Records of the table</label>
        <select class="fw-select" id="fd-table" ?disabled=${off} @change=${(e: Event) => this.#emit(updateTable(def, { table: value(e) }))}>
          ${table ? nothing : html`<option value="" selected>Choose a table</option>`}
          ${table && !tables.some((t) => t.name === table) ? html`<option value=${table} selected>${table}</option>` : nothing}
          ${tables.map((t) => html`<option value=${t.name} ?selected=${t.name === table}>${t.label}</option>`)}
        </select>
      </div>
      ${this.errors.map((e) => html`<p class="fw-error-message"><span class="fw-visually-hidden">Error:</span> ${e.message}</p>`)}

      <h2 class="fw-heading-m" id="fd-sections-heading">Sections</h2>
      <p class="fw-hint">Top to bottom. "Move up" and "Move down" move a field within its column and on into the column or
        section before or after it${off ? '' : '; a mouse can also drag a field to another place'}.</p>
      ${sections.map((s, i) => this.#section(s, i, sections.length, fields, free))}
      ${off ? nothing : html`<div class="fw-designer__add" role="group" aria-labelledby="fd-add-section-heading">
        <h3 class="fw-heading-s" id="fd-add-section-heading">Add a section</h3>
        <div class="fw-form-group fw-designer__option">
          <label class="fw-label" for="fd-new-section">Title of the new section</label>
          <input class="fw-input fw-input--width-20" id="fd-new-section" @keydown=${(e: KeyboardEvent) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              void this.#addSection();
            }
          }}>
        </div>
        <button type="button" class="fw-button fw-button--secondary" id="fd-add-section" @click=${() => void this.#addSection()}>Add section</button>
      </div>`}
      ${formRules(def, fields, off, (next, words) => this.#emit(next, words))}
      <p class="fw-visually-hidden" role="status" id="fd-status">${this.announcement}</p>
    </div>`;
  }

  /** Why no field is offered to add: the table is not chosen, not loaded yet, not found, or every field is placed. */
  #noFieldText(): string {
    if (!this.definition.table) return 'Choose the table first';
    if (this.#table.status !== TaskStatus.COMPLETE) return 'Loading the table\'s fields…';
    return this.#table.value ? 'Every field is on the form' : 'The table cannot be found';
  }

  /** The fields of the form's table, by machine name (empty until it is loaded). */
  #fields(): Map<string, FieldDef> {
    return new Map(this.#table.value ? fieldEntries(this.#table.value) : []);
  }

  #section(s: ReturnType<typeof sectionsOf>[number], i: number, count: number, fields: Map<string, FieldDef>, free: [string, FieldDef][]) {
    const off = !this.editable;
    const p = `fd-s${i}`;
    const title = typeof s.title === 'string' ? s.title : '';
    const name = title || `Section ${i + 1}`;
    return html`<section class="fw-designer__section" data-section=${i} aria-labelledby=${`${p}-heading`}>
      <h3 class="fw-heading-s" id=${`${p}-heading`}>${title ? `Section ${i + 1}: ${title}` : `Section ${i + 1} (no title)`}</h3>
      <div class="fw-designer__row">
        <div class="fw-form-group fw-designer__option">
          <label class="fw-label" for=${`${p}-title`}>Title of section ${i + 1}</label>
          <input class="fw-input fw-input--width-20" id=${`${p}-title`} .value=${title} ?disabled=${off}
            @change=${(e: Event) => this.#emit(updateSection(this.definition, i, { title: value(e) }))}>
        </div>
        <div class="fw-form-group fw-designer__option">
          <label class="fw-label" for=${`${p}-columns`}>Columns of section ${i + 1}</label>
          <select class="fw-select" id=${`${p}-columns`} ?disabled=${off}
            @change=${(e: Event) => this.#emit(setColumnCount(this.definition, i, Number(value(e))), `${name} now has ${value(e)} columns.`)}>
            ${Array.from({ length: MAX_COLUMNS }, (_, k) => html`<option value=${k + 1} ?selected=${s.columns.length === k + 1}>${k + 1}</option>`)}
          </select>
        </div>
      </div>
      <div class="fw-designer__columns">
        ${s.columns.map((column, c) => html`<div class="fw-designer__column" data-column=${c}
          @dragover=${(e: DragEvent) => { if (this.#dragging) e.preventDefault(); }}
          @drop=${(e: DragEvent) => this.#onDrop(e, { section: i, column: c, index: column.length })}>
          <h4 class="fw-heading-s" id=${`${p}-c${c}-heading`}>Column ${c + 1}</h4>
          ${column.length ? nothing : html`<p class="fw-hint">No field yet.</p>`}
          <ol class="fw-designer__list" aria-labelledby=${`${p}-heading ${p}-c${c}-heading`}>
            ${column.map((entry, k) => this.#entry(entry, { section: i, column: c, index: k }, fields))}
          </ol>
        </div>`)}
      </div>
      ${off ? nothing : html`
        <div class="fw-designer__add">
          <div class="fw-form-group fw-designer__option">
            <label class="fw-label" for=${`${p}-add`}>Field to add to section ${i + 1}</label>
            <select class="fw-select" id=${`${p}-add`} ?disabled=${!free.length}>
              ${free.length ? nothing : html`<option value="">${this.#noFieldText()}</option>`}
              ${free.map(([n, f]) => html`<option value=${n}>${fieldLabel(n, f)}</option>`)}
            </select>
          </div>
          ${s.columns.length > 1 ? html`<div class="fw-form-group fw-designer__option">
            <label class="fw-label" for=${`${p}-add-column`}>In column</label>
            <select class="fw-select" id=${`${p}-add-column`}>
              ${s.columns.map((_, c) => html`<option value=${c}>${c + 1}</option>`)}
            </select>
          </div>` : nothing}
          <button type="button" class="fw-button fw-button--secondary" ?disabled=${!free.length}
            @click=${() => void this.#addField(i)}>Add to section ${i + 1}</button>
        </div>
        <div class="fw-designer__actions">
          <button type="button" class="fw-button fw-button--secondary" ?disabled=${i === 0} data-section-move="up"
            @click=${() => void this.#moveSection(i, -1)}>Move section ${i + 1} up</button>
          <button type="button" class="fw-button fw-button--secondary" ?disabled=${i === count - 1} data-section-move="down"
            @click=${() => void this.#moveSection(i, 1)}>Move section ${i + 1} down</button>
          <button type="button" class="fw-button fw-button--warning" ?disabled=${count === 1}
            @click=${() => void this.#removeSection(i, name)}>Remove section ${i + 1}</button>
        </div>`}
    </section>`;
  }

  #entry(entry: FormEntry, at: Place, fields: Map<string, FieldDef>) {
    const off = !this.editable;
    const field = entryField(entry);
    const label = pathLabel(field, fields);
    const first = at.section === 0 && at.column === 0 && at.index === 0;
    const sections = sectionsOf(this.definition);
    const lastColumn = sections.length - 1 === at.section && sections[at.section]!.columns.length - 1 === at.column;
    const last = lastColumn && sections[at.section]!.columns[at.column]!.length - 1 === at.index;
    const rules = typeof entry === 'string' ? [] : conditionsOf(entry, fields);
    return html`<li class="fw-designer__entry" data-entry=${field} data-index=${at.index}
      @dragover=${(e: DragEvent) => { if (this.#dragging) e.preventDefault(); }}
      @drop=${(e: DragEvent) => this.#onDrop(e, at)}>
      ${off ? nothing : html`<span class="fw-designer__handle" draggable="true" aria-hidden="true" title="Drag to move"
        @dragstart=${(e: DragEvent) => this.#onDragStart(e, at)} @dragend=${() => { this.#dragging = null; }}>⠿</span>`}
      <span class="fw-designer__entry-label">${label}</span>
      ${fields.size && !fields.has(field.split('.')[0]!) ? html`<span class="fw-tag fw-tag--red">Not a field of the table</span>` : nothing}
      ${rules.map((r) => html`<span class="fw-secondary-text fw-designer__rule">${r}</span>`)}
      ${rules.length ? html`<span class="fw-hint fw-designer__rule">Edit these conditions in the Conditions tab.</span>` : nothing}
      ${off ? nothing : html`<span class="fw-designer__actions">
        <button type="button" class="fw-link-button" data-move="up" ?disabled=${first}
          @click=${() => void this.#move(at, -1, label)}>Move up<span class="fw-visually-hidden">: ${label}</span></button>
        <button type="button" class="fw-link-button" data-move="down" ?disabled=${last}
          @click=${() => void this.#move(at, 1, label)}>Move down<span class="fw-visually-hidden">: ${label}</span></button>
        <button type="button" class="fw-link-button"
          @click=${() => void this.#removeField(at, label)}>Remove<span class="fw-visually-hidden">: ${label}</span></button>
      </span>`}
    </li>`;
  }

  #emit(definition: Definition, announcement = '') {
    this.definition = definition;
    this.announcement = announcement;
    this.dispatchEvent(new DefinitionEditEvent(definition));
  }

  async #addSection() {
    const input = this.querySelector<HTMLInputElement>('#fd-new-section')!;
    const title = input.value.trim();
    input.value = '';
    const next = addSection(this.definition, title);
    this.#emit(next, `Section ${title || sectionsOf(next).length} added at the end.`);
    await this.updateComplete;
    this.querySelector<HTMLElement>(`#fd-s${sectionsOf(next).length - 1}-title`)?.focus();
  }

  async #addField(section: number) {
    const field = this.querySelector<HTMLSelectElement>(`#fd-s${section}-add`)?.value;
    if (!field) return;
    const column = Number(this.querySelector<HTMLSelectElement>(`#fd-s${section}-add-column`)?.value ?? 0);
    this.#emit(addFormField(this.definition, section, column, field),
      `${pathLabel(field, this.#fields())} added to section ${section + 1}, column ${column + 1}.`);
    await this.updateComplete;
    const add = this.querySelector<HTMLSelectElement>(`#fd-s${section}-add`);
    (add && !add.disabled ? add : this.querySelector<HTMLElement>(`[data-section="${section}"] [data-entry="${field}"] [data-move]`))?.focus();
  }

  async #removeField(at: Place, label: string) {
    this.#emit(removeFormField(this.definition, at), `${label} removed from the form.`);
    await this.updateComplete;
    const column = this.querySelector(`[data-section="${at.section}"] [data-column="${at.column}"]`);
    const items = column?.querySelectorAll<HTMLElement>('.fw-designer__entry') ?? [];
    (items[Math.min(at.index, items.length - 1)]?.querySelector<HTMLElement>('button')
      ?? this.querySelector<HTMLElement>(`#fd-s${at.section}-add`))?.focus();
  }

  async #move(at: Place, delta: -1 | 1, label: string) {
    const { definition, at: now } = moveFormField(this.definition, at, delta);
    this.#emit(definition, `${label} moved to section ${now.section + 1}, column ${now.column + 1}, place ${now.index + 1}.`);
    await this.updateComplete;
    const row = this.querySelector(`[data-section="${now.section}"] [data-column="${now.column}"] [data-index="${now.index}"]`);
    const direction = delta < 0 ? 'up' : 'down';
    const same = row?.querySelector<HTMLButtonElement>(`[data-move="${direction}"]`);
    (same && !same.disabled ? same : row?.querySelector<HTMLButtonElement>(`[data-move="${delta < 0 ? 'down' : 'up'}"]`))?.focus();
  }

  async #moveSection(i: number, delta: -1 | 1) {
    this.#emit(moveSection(this.definition, i, delta), `Section moved ${delta < 0 ? 'up' : 'down'}: now section ${i + delta + 1}.`);
    await this.updateComplete;
    const section = this.querySelector(`[data-section="${i + delta}"]`);
    const same = section?.querySelector<HTMLButtonElement>(`[data-section-move="${delta < 0 ? 'up' : 'down'}"]`);
    (same && !same.disabled ? same : section?.querySelector<HTMLButtonElement>('[data-section-move]:not([disabled])'))?.focus();
  }

  async #removeSection(i: number, name: string) {
    this.#emit(removeSection(this.definition, i), `${name} removed; its fields may be added again.`);
    await this.updateComplete;
    this.querySelector<HTMLElement>(`#fd-s${Math.max(0, i - 1)}-title`)?.focus();
  }

  #onDragStart(e: DragEvent, at: Place) {
    this.#dragging = at;
    e.dataTransfer?.setData('text/plain', JSON.stringify(at));
    if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
  }

  #onDrop(e: DragEvent, to: Place) {
    if (!this.#dragging) return;
    e.preventDefault();
    e.stopPropagation();
    const from = this.#dragging;
    this.#dragging = null;
    const { definition, at } = moveFormFieldTo(this.definition, from, to);
    this.#emit(definition, `Field moved to section ${at.section + 1}, column ${at.column + 1}, place ${at.index + 1}.`);
  }
}

/** A placed field's conditions, each in words. */
function conditionsOf(entry: Exclude<FormEntry, string>, fields: Map<string, FieldDef>): string[] {
  const label = (f: string) => factLabel(f, fields);
  const choice = (f: string, v: string) => choiceLabel(f, v, fields);
  const out: string[] = [];
  if (entry.visibleWhen) out.push(`Shown when: ${conditionWordsOf(entry.visibleWhen, label, choice)}`);
  if (entry.mandatoryWhen) out.push(`Required when: ${conditionWordsOf(entry.mandatoryWhen, label, choice)}`);
  if (entry.readOnlyWhen) out.push(`Read-only when: ${conditionWordsOf(entry.readOnlyWhen, label, choice)}`);
  return out;
}

const value = (e: Event) => (e.target as HTMLInputElement | HTMLSelectElement).value;

/** The form designer as a tab of the definition page. */
export const FORM_DESIGNER_TAB: EditorTab = {
  id: 'designer',
  label: 'Designer',
  appliesTo: (kind) => kind === 'form',
  render: (ctx) => html`<fw-form-designer .definition=${ctx.definition} .changeSetId=${ctx.changeSetId} .editable=${ctx.editable}
    .errors=${ctx.errors}></fw-form-designer>`,
};

declare global {
  interface HTMLElementTagNameMap {
    'fw-form-designer': FwFormDesigner;
  }
}
