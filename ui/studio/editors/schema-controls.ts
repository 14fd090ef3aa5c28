/**
 * The schema-generated editor's single-value controls, GOV.UK style: a label (with "(required)"), the schema's help
 * text as hint and the value's error, both tied to the control by aria-describedby. Each control carries
 * `data-pointer` so the definition page can focus it from the error summary.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import { words } from './schema-model.js';

/** What every control is given. */
export interface ControlProps {
  id: string;
  pointer: string;
  label: string;
  required: boolean;
  hint: string;
  error: string;
  editable: boolean;
  /** A "Remove" button (optional properties, list items) shown next to the label; null for none. */
  remove: TemplateResult | null;
}

/** The ids a control is described by. */
export function describedBy(p: ControlProps): string | undefined {
  const ids = [p.hint ? `${p.id}-hint` : '', p.error ? `${p.id}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

/** "(required)" after a label. */
export const requiredMark = (required: boolean) => required ? html` <span class="fw-schema__required">(required)</span>` : nothing;

/** The hint and the error of a control or group. */
export function hintAndError(p: ControlProps): TemplateResult {
  return html`${p.hint ? html`<div class="fw-hint" id=${`${p.id}-hint`}>${p.hint}</div>` : nothing}
    ${p.error ? html`<p class="fw-error-message" id=${`${p.id}-error`}><span class="fw-visually-hidden">Error:</span> ${p.error}</p>` : nothing}`;
}

function frame(p: ControlProps, control: TemplateResult): TemplateResult {
  return html`<div class="fw-form-group fw-schema__control ${p.error ? 'fw-form-group--error' : ''}">
    <div class="fw-schema__head"><label class="fw-label" for=${p.id}>${p.label}${requiredMark(p.required)}</label>${p.remove ?? nothing}</div>
    ${hintAndError(p)}
    ${control}
  </div>`;
}

/** A one-line (or, for long texts, several-line) text input. */
export function textControl(p: ControlProps, value: unknown, long: boolean, onInput: (v: string) => void): TemplateResult {
  const v = typeof value === 'string' ? value : '';
  const handler = (e: Event) => onInput((e.target as HTMLInputElement | HTMLTextAreaElement).value);
  return frame(p, long
    ? html`<textarea class="fw-textarea ${p.error ? 'fw-textarea--error' : ''}" id=${p.id} rows="3" data-pointer=${p.pointer}
        aria-describedby=${ifDefined(describedBy(p))} aria-invalid=${p.error ? 'true' : 'false'} ?readonly=${!p.editable}
        .value=${live(v)} @input=${handler}></textarea>`
    : html`<input class="fw-input ${p.error ? 'fw-input--error' : ''}" id=${p.id} type="text" spellcheck="false" autocomplete="off"
        data-pointer=${p.pointer} aria-describedby=${ifDefined(describedBy(p))} aria-invalid=${p.error ? 'true' : 'false'}
        ?readonly=${!p.editable} .value=${live(v)} @input=${handler}>`);
}

/** A number input; `text` is what was typed when it is not (yet) a number. */
export function numberControl(p: ControlProps, text: string, integer: boolean, onInput: (raw: string) => void): TemplateResult {
  return frame(p, html`<input class="fw-input fw-input--width-10 ${p.error ? 'fw-input--error' : ''}" id=${p.id} type="text"
    inputmode=${integer ? 'numeric' : 'decimal'} data-pointer=${p.pointer} aria-describedby=${ifDefined(describedBy(p))}
    aria-invalid=${p.error ? 'true' : 'false'} ?readonly=${!p.editable} .value=${live(text)}
    @input=${(e: Event) => onInput((e.target as HTMLInputElement).value)}>`);
}

/** A yes/no checkbox. */
export function booleanControl(p: ControlProps, value: unknown, onChange: (v: boolean) => void): TemplateResult {
  return html`<div class="fw-form-group fw-schema__control ${p.error ? 'fw-form-group--error' : ''}">
    ${p.error ? html`<p class="fw-error-message" id=${`${p.id}-error`}><span class="fw-visually-hidden">Error:</span> ${p.error}</p>` : nothing}
    <div class="fw-checkboxes"><div class="fw-checkboxes__item">
      <input class="fw-checkboxes__input" id=${p.id} type="checkbox" data-pointer=${p.pointer} ?disabled=${!p.editable}
        aria-describedby=${ifDefined(describedBy(p))} .checked=${live(value === true)}
        @change=${(e: Event) => onChange((e.target as HTMLInputElement).checked)}>
      <label class="fw-label fw-checkboxes__label" for=${p.id}>${p.label}${requiredMark(p.required)}</label>
      ${p.hint ? html`<div class="fw-hint fw-checkboxes__hint" id=${`${p.id}-hint`}>${p.hint}</div>` : nothing}
    </div></div>
    ${p.remove ?? nothing}
  </div>`;
}

/** A select of fixed values, shown as words ("inApp" reads "In app"). */
export function enumControl(p: ControlProps, options: unknown[], value: unknown, onChange: (v: unknown) => void): TemplateResult {
  const at = options.findIndex((o) => JSON.stringify(o) === JSON.stringify(value));
  return frame(p, html`<select class="fw-select ${p.error ? 'fw-select--error' : ''}" id=${p.id} data-pointer=${p.pointer}
    aria-describedby=${ifDefined(describedBy(p))} ?disabled=${!p.editable}
    @change=${(e: Event) => onChange(options[Number((e.target as HTMLSelectElement).value)])}>
    ${at < 0 ? html`<option value="" selected>Choose…</option>` : nothing}
    ${options.map((o, i) => html`<option value=${i} ?selected=${i === at}>${optionWords(o)}</option>`)}
  </select>`);
}

/** A fixed value as people read it. */
export function optionWords(value: unknown): string {
  if (typeof value === 'string') return /^[A-Za-z][A-Za-z0-9_]*$/.test(value) ? words(value) : value;
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  return JSON.stringify(value);
}

/** A small JSON text area for a value the editor has no control for (conditions, open shapes). */
export function jsonControl(p: ControlProps, text: string, onInput: (raw: string) => void): TemplateResult {
  return frame({ ...p, hint: p.hint ? `${p.hint} Written as JSON.` : 'Written as JSON.' }, html`<textarea
    class="fw-textarea fw-textarea--code ${p.error ? 'fw-textarea--error' : ''}" id=${p.id} rows="4" spellcheck="false"
    data-pointer=${p.pointer} aria-describedby=${ifDefined(describedBy({ ...p, hint: 'x' }))} aria-invalid=${p.error ? 'true' : 'false'}
    ?readonly=${!p.editable} .value=${live(text)} @input=${(e: Event) => onInput((e.target as HTMLTextAreaElement).value)}></textarea>`);
}
