import { html, nothing } from 'lit';
import { consume } from '@lit/context';
import { Task } from '@lit/task';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../../light-element.js';
import type { ApiClient } from '../../api/client.js';
import type { DefinitionError } from '../../api/studio.js';
import { apiContext } from '../../contexts.js';
import { live } from 'lit/directives/live.js';
import { DefinitionEditEvent, type Definition, type EditorTab } from './contract.js';
import { fetchFieldsInForce, fetchFieldUses, fetchTableChoices, type FieldUses } from './designer-tables.js';
import { fieldLabel } from './designer-words.js';
import { fieldOptions, type FieldOptionsHost } from './table-designer-parts.js';
import {
  addChoice, addField, fieldEntries, FIELD_TYPES, isMachineName, moveChoice, moveField, moveFieldTo, relabelField, removeChoice,
  removeField, renameField, setFieldType, updateChoice, updateField, updateTable, type FieldDef,
} from './table-model.js';

/**
 * The table designer: the table's label, description and options, then its fields in order, each with its label,
 * machine name (made from the label while the field is not in force), type in words, whether it is required and the
 * options of its type. Fields are added, removed (a field in force only after a warning), and reordered with
 * "Move up" / "Move down" buttons, or dragged with a mouse. Every change fires the whole new definition.
 *
 * @fires fw-definition-edit - the whole definition after each change
 */
@customElement('fw-table-designer')
export class FwTableDesigner extends LightElement {
  /** The table definition being designed. */
  @property({ attribute: false }) accessor definition: Definition = {};
  /** The change set it is edited in. */
  @property() accessor changeSetId = '';
  /** False when the change set is no longer a draft: everything is shown, nothing changes. */
  @property({ type: Boolean }) accessor editable = true;
  /** The server's errors for the definition from the last save. */
  @property({ attribute: false }) accessor errors: DefinitionError[] = [];

  @consume({ context: apiContext }) private accessor api!: ApiClient;

  /** The field whose removal waits for a confirmation, with where it is used. */
  @state() private accessor confirmRemove: { name: string; uses: FieldUses['uses'] } | null = null;
  @state() private accessor announcement = '';
  @state() private accessor nameProblems: Record<string, string> = {};

  #dragging: string | null = null;

  #lookups = new Task(this, {
    args: () => [this.api, this.changeSetId, String(this.definition.name ?? '')] as const,
    task: async ([api, cs, name], { signal }) => {
      const fields = fieldEntries(this.definition).map(([k]) => k);
      const [tables, inForce] = await Promise.all([fetchTableChoices(api, cs, signal), fetchFieldsInForce(api, name, fields, signal)]);
      return { tables, inForce };
    },
  });

  override render() {
    const def = this.definition;
    const entries = fieldEntries(def);
    const off = !this.editable;
    const text = (key: string) => (typeof def[key] === 'string' ? (def[key] as string) : '');
    return html`<div class="fw-designer">
      <h2 class="fw-heading-m" id="td-table-heading">The table</h2>
      <div class="fw-form-group">
        <label class="fw-label" for="td-label">Name people see (singular)</label>
        <div class="fw-hint" id="td-label-hint">For example "Customer".</div>
        <input class="fw-input fw-input--width-20" id="td-label" aria-describedby="td-label-hint" .value=${text('label')} ?disabled=${off}
          @change=${(e: Event) => this.#emit(updateTable(def, { label: value(e) }))}>
      </div>
      <div class="fw-form-group">
        <label class="fw-label" for="td-plural">Name of a list of them (plural)</label>
        <div class="fw-hint" id="td-plural-hint">For example "Customers". Leave empty for the name followed by "s".</div>
        <input class="fw-input fw-input--width-20" id="td-plural" aria-describedby="td-plural-hint" .value=${text('pluralLabel')}
          ?disabled=${off} @change=${(e: Event) => this.#emit(updateTable(def, { pluralLabel: value(e) }))}>
      </div>
      <div class="fw-form-group">
        <label class="fw-label" for="td-description">Description</label>
        <div class="fw-hint" id="td-description-hint">What records of this table represent and when to use it.</div>
        <textarea class="fw-textarea" id="td-description" rows="3" aria-describedby="td-description-hint" .value=${text('description')}
          ?disabled=${off} @change=${(e: Event) => this.#emit(updateTable(def, { description: value(e) }))}></textarea>
      </div>
      <div class="fw-form-group">
        <label class="fw-label" for="td-display">Field that names a record</label>
        <div class="fw-hint" id="td-display-hint">Shown in references, breadcrumbs and search results.</div>
        <select class="fw-select" id="td-display" aria-describedby="td-display-hint" ?disabled=${off}
          @change=${(e: Event) => this.#emit(updateTable(def, { displayField: value(e) }))}>
          <option value="" ?selected=${!def.displayField}>Chosen for me</option>
          ${entries.map(([name, f]) => html`<option value=${name} ?selected=${def.displayField === name}>${fieldLabel(name, f)}</option>`)}
        </select>
      </div>
      <div class="fw-form-group">
        <label class="fw-label" for="td-prefix">Number prefix</label>
        <div class="fw-hint" id="td-prefix-hint">Capital letters and digits, e.g. "REQ" numbers records REQ0000001. Leave empty for no number.</div>
        <input class="fw-input fw-input--width-5" id="td-prefix" aria-describedby="td-prefix-hint" .value=${text('numberPrefix')}
          ?disabled=${off} @change=${(e: Event) => this.#emit(updateTable(def, { numberPrefix: value(e).trim().toUpperCase() }))}>
      </div>

      <h2 class="fw-heading-m" id="td-fields-heading">Fields</h2>
      <p class="fw-hint" id="td-fields-hint">In the order forms and lists show them by default. Use "Move up" and "Move down" to
        reorder${off ? '' : ', or drag a field by its handle'}.</p>
      ${entries.length ? nothing : html`<p class="fw-body">This table has no field yet.</p>`}
      <ol class="fw-designer__list" aria-labelledby="td-fields-heading" aria-describedby="td-fields-hint">
        ${entries.map(([name, f], i) => this.#fieldRow(name, f, i, entries.length))}
      </ol>
      ${off ? nothing : this.#addField()}
      <p class="fw-visually-hidden" role="status" id="td-status">${this.announcement}</p>
    </div>`;
  }

  #fieldRow(name: string, f: FieldDef, i: number, count: number) {
    const p = `tf-${i}`;
    const off = !this.editable;
    // Until the server said which fields are in force, every name is held as it is: renaming one in force would lose its values.
    const known = this.#lookups.value !== undefined;
    const inForce = this.#lookups.value?.inForce.has(name) ?? false;
    const label = fieldLabel(name, f);
    const problems = this.errors.filter((e) => e.pointer === `/fields/${name}` || e.pointer.startsWith(`/fields/${name}/`));
    const nameProblem = this.nameProblems[name];
    const host: FieldOptionsHost = {
      patch: (patch) => this.#emit(updateField(this.definition, name, patch)),
      addChoice: (l) => this.#emit(addChoice(this.definition, name, l), `Option ${l} added to ${label}.`),
      updateChoice: (index, patch) => this.#emit(updateChoice(this.definition, name, index, patch)),
      removeChoice: (index) => this.#emit(removeChoice(this.definition, name, index), `Option ${index + 1} of ${label} removed.`),
      moveChoice: (index, delta) => void this.#moveChoice(name, label, index, delta),
    };
    return html`<li class="fw-designer__item" data-field=${name}
      @dragover=${(e: DragEvent) => { if (this.#dragging) e.preventDefault(); }}
      @drop=${(e: DragEvent) => this.#onDrop(e, i)}>
      <fieldset class="fw-fieldset">
        <legend class="fw-fieldset__legend fw-fieldset__legend--s">
          ${off ? nothing : html`<span class="fw-designer__handle" draggable="true" aria-hidden="true" title="Drag to move"
            @dragstart=${(e: DragEvent) => this.#onDragStart(e, name)} @dragend=${() => { this.#dragging = null; }}>⠿</span>`}
          ${label} <span class="fw-secondary-text">(field ${i + 1} of ${count})</span>
        </legend>
        ${problems.map((e) => html`<p class="fw-error-message"><span class="fw-visually-hidden">Error:</span> ${e.message}</p>`)}
        <div class="fw-designer__row">
          <div class="fw-form-group fw-designer__option">
            <label class="fw-label" for=${`${p}-label`}>Label</label>
            <input class="fw-input fw-input--width-20" id=${`${p}-label`} .value=${typeof f.label === 'string' ? f.label : ''} ?disabled=${off}
              @change=${(e: Event) => this.#emit(relabelField(this.definition, name, value(e), known && !inForce).definition)}>
          </div>
          <div class="fw-form-group fw-designer__option ${nameProblem ? 'fw-form-group--error' : ''}">
            <label class="fw-label" for=${`${p}-name`}>Machine name</label>
            <div class="fw-hint" id=${`${p}-name-hint`}>${!known ? 'Checking whether records hold values under this name…' : inForce
              ? 'In force: records hold values under this name, so it cannot change.'
              : 'Made from the label until you change it. Lower-case letters, digits and underscores.'}</div>
            ${nameProblem ? html`<p class="fw-error-message" id=${`${p}-name-error`}><span class="fw-visually-hidden">Error:</span> ${nameProblem}</p>` : nothing}
            <input class="fw-input fw-input--width-20 ${nameProblem ? 'fw-input--error' : ''}" id=${`${p}-name`} .value=${live(name)} spellcheck="false"
              aria-describedby=${`${p}-name-hint${nameProblem ? ` ${p}-name-error` : ''}`} ?readonly=${inForce || !known} ?disabled=${off}
              @change=${(e: Event) => this.#rename(name, value(e).trim())}>
          </div>
          <div class="fw-form-group fw-designer__option">
            <label class="fw-label" for=${`${p}-type`}>Type</label>
            <select class="fw-select" id=${`${p}-type`} ?disabled=${off}
              @change=${(e: Event) => this.#emit(setFieldType(this.definition, name, value(e)))}>
              ${FIELD_TYPES.some((t) => t.value === f.type) ? nothing : html`<option value="" selected>Choose a type</option>`}
              ${FIELD_TYPES.map((t) => html`<option value=${t.value} ?selected=${t.value === f.type}>${t.label}</option>`)}
            </select>
          </div>
        </div>
        <div class="fw-checkboxes__item">
          <input class="fw-checkboxes__input" type="checkbox" id=${`${p}-required`} .checked=${f.required === true} ?disabled=${off}
            @change=${(e: Event) => this.#emit(updateField(this.definition, name, { required: (e.target as HTMLInputElement).checked || undefined }))}>
          <label class="fw-label fw-checkboxes__label" for=${`${p}-required`}>A value is required</label>
        </div>
        <div class="fw-checkboxes__item">
          <input class="fw-checkboxes__input" type="checkbox" id=${`${p}-hidden`} .checked=${f.hidden === true} ?disabled=${off}
            @change=${(e: Event) => this.#emit(updateField(this.definition, name, { hidden: (e.target as HTMLInputElement).checked || undefined }))}>
          <label class="fw-label fw-checkboxes__label" for=${`${p}-hidden`}>Hidden from forms and list columns (its values are kept)</label>
        </div>
        ${fieldOptions(p, f, this.#lookups.value?.tables ?? [], host, off)}
        ${this.confirmRemove?.name === name ? this.#confirmation(name, label, i, this.confirmRemove.uses) : nothing}
        ${off ? nothing : html`<div class="fw-designer__actions">
          <button type="button" class="fw-button fw-button--secondary" data-move="up" ?disabled=${i === 0}
            @click=${() => void this.#move(name, label, -1)}>Move up<span class="fw-visually-hidden">: ${label}</span></button>
          <button type="button" class="fw-button fw-button--secondary" data-move="down" ?disabled=${i === count - 1}
            @click=${() => void this.#move(name, label, 1)}>Move down<span class="fw-visually-hidden">: ${label}</span></button>
          <button type="button" class="fw-button fw-button--warning" data-remove
            @click=${() => void this.#askRemove(name, label, i)}>Remove field<span class="fw-visually-hidden">: ${label}</span></button>
        </div>`}
      </fieldset>
    </li>`;
  }

  #addField() {
    return html`<div class="fw-designer__add" role="group" aria-labelledby="td-add-heading">
      <h3 class="fw-heading-s" id="td-add-heading">Add a field</h3>
      <div class="fw-form-group fw-designer__option">
        <label class="fw-label" for="td-new-label">Label of the new field</label>
        <input class="fw-input fw-input--width-20" id="td-new-label" @keydown=${(e: KeyboardEvent) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            void this.#add();
          }
        }}>
      </div>
      <div class="fw-form-group fw-designer__option">
        <label class="fw-label" for="td-new-type">Type of the new field</label>
        <select class="fw-select" id="td-new-type">
          ${FIELD_TYPES.map((t) => html`<option value=${t.value}>${t.label}</option>`)}
        </select>
      </div>
      <button type="button" class="fw-button fw-button--secondary" id="td-add" @click=${() => void this.#add()}>Add field</button>
    </div>`;
  }

  /** Set the definition here at once (the page passes it back too) and tell the page. */
  #emit(definition: Definition, announcement = '') {
    this.definition = definition;
    this.announcement = announcement;
    this.dispatchEvent(new DefinitionEditEvent(definition));
  }

  async #add() {
    const labelInput = this.querySelector<HTMLInputElement>('#td-new-label')!;
    const label = labelInput.value.trim();
    if (!label) {
      labelInput.focus();
      this.announcement = 'Type the new field\'s label first.';
      return;
    }
    const type = this.querySelector<HTMLSelectElement>('#td-new-type')!.value;
    const { definition, name } = addField(this.definition, label, type);
    labelInput.value = '';
    this.#emit(definition, `Field ${label} added at the end.`);
    await this.updateComplete;
    this.querySelector<HTMLElement>(`[data-field="${name}"] input`)?.focus();
  }

  #rename(from: string, to: string) {
    const problems = { ...this.nameProblems };
    delete problems[from];
    if (to === from) {
      this.nameProblems = problems;
      return;
    }
    if (!isMachineName(to)) {
      this.nameProblems = { ...problems, [from]: 'Enter a machine name of lower-case letters, digits and underscores, starting with a letter (at most 63).' };
      return;
    }
    if (fieldEntries(this.definition).some(([k]) => k === to)) {
      this.nameProblems = { ...problems, [from]: `Another field of this table is already named ${to}.` };
      return;
    }
    this.nameProblems = problems;
    this.#emit(renameField(this.definition, from, to));
  }

  async #move(name: string, label: string, delta: -1 | 1) {
    const next = moveField(this.definition, name, delta);
    const at = fieldEntries(next).findIndex(([k]) => k === name);
    this.#emit(next, `${label} moved ${delta < 0 ? 'up' : 'down'}: now field ${at + 1} of ${fieldEntries(next).length}.`);
    await this.#refocus(`[data-field="${name}"]`, delta < 0 ? 'up' : 'down');
  }

  async #moveChoice(name: string, label: string, index: number, delta: -1 | 1) {
    this.#emit(moveChoice(this.definition, name, index, delta), `Option moved ${delta < 0 ? 'up' : 'down'} in ${label}.`);
    await this.#refocus(`[data-field="${name}"] [data-choice="${index + delta}"]`, delta < 0 ? 'up' : 'down', 'data-choice-move');
  }

  /** Keep focus on the moved item's button of the same direction, or the other one once it reached an end. */
  async #refocus(item: string, direction: 'up' | 'down', attribute = 'data-move') {
    await this.updateComplete;
    const row = this.querySelector(item);
    const same = row?.querySelector<HTMLButtonElement>(`[${attribute}="${direction}"]`);
    (same && !same.disabled ? same : row?.querySelector<HTMLButtonElement>(`[${attribute}="${direction === 'up' ? 'down' : 'up'}"]`))?.focus();
  }

  /**
   * Remove a field at once when it is not in force; otherwise ask first, saying where it is used. Whether it is in
   * force is asked of the server when the button is pressed (the list of fields in force may be unknown here).
   */
  async #askRemove(name: string, label: string, index: number) {
    const table = String(this.definition.name ?? '');
    let found: FieldUses = { inForce: this.#lookups.value?.inForce.has(name) ?? false, uses: [] };
    try {
      found = await fetchFieldUses(this.api, table, name);
    } catch {
      // Unknown: what the page already knows decides, as a failed look-up must not block an edit.
    }
    if (!found.inForce) {
      await this.#remove(name, label, index);
      return;
    }
    this.confirmRemove = { name, uses: found.uses };
    await this.updateComplete;
    this.querySelector<HTMLElement>('#td-confirm-title')?.focus();
  }

  /** The GOV.UK-style confirmation of removing a field in force, with the definitions that use it. */
  #confirmation(name: string, label: string, index: number, uses: FieldUses['uses']) {
    return html`<section class="fw-confirm" aria-labelledby="td-confirm-title">
      <h3 class="fw-heading-s fw-confirm__title" id="td-confirm-title" tabindex="-1">Remove the field "${label}"?</h3>
      <div class="fw-warning-text">
        <span class="fw-warning-text__icon" aria-hidden="true">!</span>
        <p class="fw-warning-text__text"><span class="fw-visually-hidden">Warning</span> This field is in force, and records may hold
          values in it. Publishing is refused while a change set removes a field in force, because its values would be lost. To stop
          people using it, mark it hidden instead.</p>
      </div>
      ${uses.length ? html`<p class="fw-body">It is used by:</p>
        <ul class="fw-list">${uses.map((u) => html`<li>${u.description}</li>`)}</ul>` : nothing}
      <div class="fw-button-group">
        <button type="button" class="fw-button fw-button--warning" @click=${() => void this.#remove(name, label, index)}>Remove the field</button>
        <button type="button" class="fw-link-button" @click=${() => void this.#cancelRemove(name)}>Cancel</button>
      </div>
    </section>`;
  }

  async #cancelRemove(name: string) {
    this.confirmRemove = null;
    await this.updateComplete;
    this.querySelector<HTMLElement>(`[data-field="${name}"] [data-remove]`)?.focus();
  }

  async #remove(name: string, label: string, index: number) {
    this.confirmRemove = null;
    this.#emit(removeField(this.definition, name), `Field ${label} removed.`);
    await this.updateComplete;
    const rows = this.querySelectorAll<HTMLElement>('.fw-designer__item');
    (rows[Math.min(index, rows.length - 1)]?.querySelector<HTMLElement>('input') ?? this.querySelector<HTMLElement>('#td-new-label'))?.focus();
  }

  #onDragStart(e: DragEvent, name: string) {
    this.#dragging = name;
    e.dataTransfer?.setData('text/plain', name);
    if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
  }

  #onDrop(e: DragEvent, to: number) {
    if (!this.#dragging) return;
    e.preventDefault();
    const name = this.#dragging;
    this.#dragging = null;
    this.#emit(moveFieldTo(this.definition, name, to), `Field moved to place ${to + 1}.`);
  }
}

const value = (e: Event) => (e.target as HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement).value;

/** The table designer as a tab of the definition page. */
export const TABLE_DESIGNER_TAB: EditorTab = {
  id: 'designer',
  label: 'Designer',
  appliesTo: (kind) => kind === 'table',
  render: (ctx) => html`<fw-table-designer .definition=${ctx.definition} .changeSetId=${ctx.changeSetId} .editable=${ctx.editable}
    .errors=${ctx.errors}></fw-table-designer>`,
};

declare global {
  interface HTMLElementTagNameMap {
    'fw-table-designer': FwTableDesigner;
  }
}
