/**
 * The per-type options of one field in the table designer: lengths, number ranges, choices (value and label, added,
 * removed and reordered), a reference's target table and the default. Each control is labelled; ids are made from
 * the field's place (`p`), so they stay unique while fields move.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { choicesOf, NUMBER_TYPES, TEXT_TYPES, type FieldDef } from './table-model.js';
import type { TableChoice } from './designer-tables.js';

/** What a field's options report back. */
export interface FieldOptionsHost {
  /** Field properties changed (undefined or '' removes one). */
  patch(patch: Record<string, unknown>): void;
  addChoice(label: string): void;
  updateChoice(index: number, patch: { value?: string; label?: string }): void;
  removeChoice(index: number): void;
  moveChoice(index: number, delta: -1 | 1): void;
}

/** A number typed in an input, or undefined when empty or not a number. */
const numberOf = (e: Event): number | undefined => {
  const v = (e.target as HTMLInputElement).value.trim();
  return v === '' || !Number.isFinite(Number(v)) ? undefined : Number(v);
};
const textOf = (e: Event) => (e.target as HTMLInputElement | HTMLSelectElement).value;

/** One labelled input of a field option. */
function input(
  id: string, label: string, value: unknown, onChange: (e: Event) => void, o: { type?: string; hint?: string; disabled: boolean },
) {
  return html`<div class="fw-form-group fw-designer__option">
    <label class="fw-label" for=${id}>${label}</label>
    ${o.hint ? html`<div class="fw-hint" id=${`${id}-hint`}>${o.hint}</div>` : nothing}
    <input class="fw-input fw-input--width-10" id=${id} type=${o.type ?? 'text'} .value=${value === undefined ? '' : String(value)}
      aria-describedby=${o.hint ? `${id}-hint` : nothing} ?disabled=${o.disabled} @change=${onChange}>
  </div>`;
}

/** The options of `field` that fit its type. */
export function fieldOptions(
  p: string, field: FieldDef, tables: TableChoice[], host: FieldOptionsHost, disabled: boolean,
): TemplateResult {
  const type = String(field.type ?? '');
  return html`
    ${TEXT_TYPES.has(type) ? input(`${p}-maxlength`, 'Most characters', field.maxLength, (e) => host.patch({ maxLength: numberOf(e) }),
      { type: 'number', hint: 'Leave empty for the usual limit.', disabled }) : nothing}
    ${NUMBER_TYPES.has(type) ? html`
      ${input(`${p}-min`, 'Smallest value', field.min, (e) => host.patch({ min: numberOf(e) }), { type: 'number', disabled })}
      ${input(`${p}-max`, 'Largest value', field.max, (e) => host.patch({ max: numberOf(e) }), { type: 'number', disabled })}` : nothing}
    ${type === 'reference' ? referencePicker(p, field, tables, host, disabled) : nothing}
    ${type === 'choice' ? choiceEditor(p, field, host, disabled) : nothing}
    ${defaultInput(p, field, host, disabled)}`;
}

function referencePicker(p: string, field: FieldDef, tables: TableChoice[], host: FieldOptionsHost, disabled: boolean) {
  const target = typeof field.reference === 'string' ? field.reference : '';
  const known = !target || tables.some((t) => t.name === target);
  return html`<div class="fw-form-group fw-designer__option">
    <label class="fw-label" for=${`${p}-reference`}>Refers to records of</label>
    <select class="fw-select" id=${`${p}-reference`} ?disabled=${disabled} @change=${(e: Event) => host.patch({ reference: textOf(e) })}>
      <option value="" ?selected=${!target}>Choose a table</option>
      ${known ? nothing : html`<option value=${target} selected>${target}</option>`}
      ${tables.map((t) => html`<option value=${t.name} ?selected=${t.name === target}>${t.label}</option>`)}
    </select>
  </div>`;
}

function choiceEditor(p: string, field: FieldDef, host: FieldOptionsHost, disabled: boolean) {
  if (typeof field.choiceList === 'string') {
    return html`<p class="fw-body">Its options come from a shared choice list (${field.choiceList}); edit them there.</p>`;
  }
  const choices = choicesOf(field);
  return html`<fieldset class="fw-fieldset fw-designer__choices">
    <legend class="fw-fieldset__legend fw-fieldset__legend--s">Options</legend>
    ${choices.length ? nothing : html`<p class="fw-hint">No option yet: add at least one.</p>`}
    <ol class="fw-designer__choice-list">
      ${choices.map((c, i) => html`<li class="fw-designer__choice" data-choice=${i}>
        <div class="fw-form-group fw-designer__option">
          <label class="fw-label" for=${`${p}-choice-${i}-label`}>Label of option ${i + 1}</label>
          <input class="fw-input fw-input--width-20" id=${`${p}-choice-${i}-label`} .value=${c.label ?? ''} ?disabled=${disabled}
            @change=${(e: Event) => host.updateChoice(i, { label: textOf(e) })}>
        </div>
        <div class="fw-form-group fw-designer__option">
          <label class="fw-label" for=${`${p}-choice-${i}-value`}>Stored value of option ${i + 1}</label>
          <input class="fw-input fw-input--width-10" id=${`${p}-choice-${i}-value`} .value=${c.value ?? ''} ?disabled=${disabled}
            spellcheck="false" @change=${(e: Event) => host.updateChoice(i, { value: textOf(e) })}>
        </div>
        <div class="fw-designer__actions">
          <button type="button" class="fw-link-button" data-choice-move="up" ?disabled=${disabled || i === 0}
            @click=${() => host.moveChoice(i, -1)}>Move up<span class="fw-visually-hidden">: option ${c.label || i + 1}</span></button>
          <button type="button" class="fw-link-button" data-choice-move="down" ?disabled=${disabled || i === choices.length - 1}
            @click=${() => host.moveChoice(i, 1)}>Move down<span class="fw-visually-hidden">: option ${c.label || i + 1}</span></button>
          <button type="button" class="fw-link-button" ?disabled=${disabled}
            @click=${() => host.removeChoice(i)}>Remove<span class="fw-visually-hidden">: option ${c.label || i + 1}</span></button>
        </div>
      </li>`)}
    </ol>
    ${disabled ? nothing : html`<div class="fw-designer__add">
      <div class="fw-form-group fw-designer__option">
        <label class="fw-label" for=${`${p}-new-choice`}>New option's label</label>
        <input class="fw-input fw-input--width-20" id=${`${p}-new-choice`} @keydown=${(e: KeyboardEvent) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            addTyped(e.target as HTMLInputElement, host);
          }
        }}>
      </div>
      <button type="button" class="fw-button fw-button--secondary" @click=${(e: Event) => {
        addTyped((e.target as HTMLElement).parentElement!.querySelector<HTMLInputElement>('input')!, host);
      }}>Add option</button>
    </div>`}
    <div class="fw-checkboxes__item">
      <input class="fw-checkboxes__input" type="checkbox" id=${`${p}-multiple`} .checked=${field.multiple === true} ?disabled=${disabled}
        @change=${(e: Event) => host.patch({ multiple: (e.target as HTMLInputElement).checked || undefined })}>
      <label class="fw-label fw-checkboxes__label" for=${`${p}-multiple`}>Several options may be chosen</label>
    </div>
  </fieldset>`;
}

/** Add the option typed in `input`, then empty it for the next one (focus stays there). */
function addTyped(input: HTMLInputElement, host: FieldOptionsHost) {
  const label = input.value.trim();
  if (!label) return;
  host.addChoice(label);
  input.value = '';
  input.focus();
}

function defaultInput(p: string, field: FieldDef, host: FieldOptionsHost, disabled: boolean) {
  const type = String(field.type ?? '');
  const id = `${p}-default`;
  const current = field.default;
  if (type === 'boolean' || (type === 'choice' && field.multiple !== true && typeof field.choiceList !== 'string')) {
    const options = type === 'boolean'
      ? [{ value: 'true', label: 'Yes' }, { value: 'false', label: 'No' }]
      : choicesOf(field).map((c) => ({ value: c.value, label: c.label || c.value }));
    const selected = current === undefined ? '' : String(current);
    return html`<div class="fw-form-group fw-designer__option">
      <label class="fw-label" for=${id}>New records start with</label>
      <select class="fw-select" id=${id} ?disabled=${disabled} @change=${(e: Event) => {
        const v = textOf(e);
        host.patch({ default: type === 'boolean' ? (v === '' ? undefined : v === 'true') : v });
      }}>
        <option value="" ?selected=${selected === ''}>No value</option>
        ${options.map((o) => html`<option value=${o.value} ?selected=${o.value === selected}>${o.label}</option>`)}
      </select>
    </div>`;
  }
  if (TEXT_TYPES.has(type) && type !== 'journal') {
    return input(id, 'New records start with', current, (e) => host.patch({ default: textOf(e) }), { disabled });
  }
  if (NUMBER_TYPES.has(type)) {
    return input(id, 'New records start with', current, (e) => host.patch({ default: numberOf(e) }), { type: 'number', disabled });
  }
  return nothing;
}
