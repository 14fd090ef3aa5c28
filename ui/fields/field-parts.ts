/**
 * The pieces every field widget is made of, in the GOV.UK Design System's order: label (or legend), hint, error
 * message, control ({@link fieldFrame}, {@link fieldsetFrame}); the control is described by the hint and the error
 * (aria-describedby). Also the plain inputs, selects, radios and checkboxes the sign-in and administration pages
 * use, built from the same frames.
 *
 * Everything renders into the light DOM: ids referenced by aria-describedby, label[for] and the error summary's
 * links must live in the same tree as the controls.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import type { FieldMeta } from '../api/types.js';

/** What the form gives each widget. One object, so the form can reuse it while nothing changed. */
export interface FieldProps {
  field: FieldMeta;
  value: unknown;
  mandatory: boolean;
  readOnly: boolean;
  /** The inline error message, or null. */
  error: string | null;
  /** The id of the control (or of a group's first control): the error summary links to it. */
  inputId: string;
  /** The table the form writes to, for widgets that ask it for suggestions (tags); absent outside record forms. */
  table?: string;
  /** The record the field belongs to (edit mode), for widgets that fetch per record (journal). */
  record?: { table: string; id: string } | null;
  /** Changes when the record was saved, so widgets showing server data fetch it again. */
  revision?: number;
  /** Choice fields with `dependsOn`: the controlling field's current value, which decides the options offered. */
  controlling?: unknown;
}

export const hintId = (id: string) => `${id}-hint`;
export const errorId = (id: string) => `${id}-error`;

/** aria-describedby of a control: its hint and its error, when present. */
export function describedBy(id: string, hint: unknown, error: string | null): string | undefined {
  const ids = [hint ? hintId(id) : null, error ? errorId(id) : null].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

export function requiredMark(mandatory: boolean): TemplateResult | typeof nothing {
  return mandatory ? html` <span class="fw-required">(required)</span>` : nothing;
}

export function labelFor(id: string, text: string, mandatory: boolean, extra?: TemplateResult): TemplateResult {
  return html`<label class="fw-label" for=${id}>${text}${extra ?? nothing}${requiredMark(mandatory)}</label>`;
}

export function hint(id: string, text: string | undefined): TemplateResult | typeof nothing {
  return text ? html`<div class="fw-hint" id=${hintId(id)}>${text}</div>` : nothing;
}

export function errorMessage(id: string, error: string | null): TemplateResult | typeof nothing {
  return error ? html`<p class="fw-error-message" id=${errorId(id)}><span class="fw-visually-hidden">Error:</span> ${error}</p>` : nothing;
}

export function groupClass(error: string | null): string {
  return error ? 'fw-form-group fw-form-group--error' : 'fw-form-group';
}

export interface FrameOptions {
  /** The control's id: its label points to it, its hint and error take ids from it. */
  id: string;
  label: string;
  error: string | null;
  hint?: string;
  mandatory?: boolean;
  /** More label text after the label (e.g. visually hidden words for screen readers). */
  labelExtra?: TemplateResult;
}

/**
 * The GOV.UK form group around one control: label, hint, error message, then the control. The control itself sets
 * `aria-describedby=${describedBy(id, hint, error)}`.
 */
export function fieldFrame(o: FrameOptions, control: unknown): TemplateResult {
  return html`<div class=${groupClass(o.error)}>
    ${labelFor(o.id, o.label, o.mandatory ?? false, o.labelExtra)}
    ${hint(o.id, o.hint)}
    ${errorMessage(o.id, o.error)}
    ${control}
  </div>`;
}

/** {@link fieldFrame} for a form widget: the field's label and help (or `hint`), the form's error and mandatory flag. */
export function widgetFrame(props: FieldProps, control: unknown, o: { hint?: string; labelExtra?: TemplateResult } = {}): TemplateResult {
  return fieldFrame({
    id: props.inputId, label: props.field.label, error: props.error, mandatory: props.mandatory,
    hint: 'hint' in o ? o.hint : props.field.help, labelExtra: o.labelExtra,
  }, control);
}

/**
 * The GOV.UK form group around a group of controls: a fieldset described by its hint and error, its legend, hint,
 * error message, then the items in a `fw-radios` or `fw-checkboxes` container.
 */
export function fieldsetFrame(
  o: { id: string; legend: string; error: string | null; hint?: string; mandatory?: boolean; boldLegend?: boolean },
  kind: 'radios' | 'checkboxes', items: unknown, inline = false,
): TemplateResult {
  return html`<div class=${groupClass(o.error)}>
    <fieldset class="fw-fieldset" aria-describedby=${ifDefined(describedBy(o.id, o.hint, o.error))}>
      <legend class="fw-fieldset__legend ${o.boldLegend ? 'fw-fieldset__legend--s' : ''}">${o.legend}${requiredMark(o.mandatory ?? false)}</legend>
      ${hint(o.id, o.hint)}
      ${errorMessage(o.id, o.error)}
      <div class="fw-${kind} ${inline ? 'fw-radios--inline' : ''}">${items}</div>
    </fieldset>
  </div>`;
}

/** A read-only field: its label and value as a description list (focusable text, no control to fight with). */
export function readOnlyField(props: FieldProps, text: string): TemplateResult {
  return html`<div class="fw-form-group">
    <dl class="fw-readonly">
      <dt class="fw-label">${props.field.label}</dt>
      <dd class="fw-readonly__value" id=${props.inputId}>${text === '' ? html`<span class="fw-secondary-text">Not set</span>` : text}</dd>
    </dl>
  </div>`;
}

export interface TextInputOptions {
  id: string;
  name: string;
  label: string;
  value: string;
  error: string | null;
  onInput: (value: string) => void;
  hint?: string;
  type?: string;
  autocomplete?: string;
  inputmode?: string;
  mandatory?: boolean;
  spellcheck?: boolean;
  /** A width class: 'fw-input--width-10' etc. */
  widthClass?: string;
  /**
   * A live message under the input (e.g. "This username is available"), announced politely when it changes and
   * describing the input; the region is rendered, empty, whenever this is defined.
   */
  status?: string;
  maxlength?: number;
}

export const statusId = (id: string) => `${id}-status`;

/** A labelled text input with hint and error, as the sign-in and administration pages use it. */
export function textInput(o: TextInputOptions): TemplateResult {
  const cls = ['fw-input', o.error ? 'fw-input--error' : '', o.widthClass ?? ''].filter(Boolean).join(' ');
  const described = [describedBy(o.id, o.hint, o.error), o.status ? statusId(o.id) : undefined].filter(Boolean).join(' ') || undefined;
  return fieldFrame(o, html`<input class=${cls} id=${o.id} name=${o.name} type=${o.type ?? 'text'}
      autocomplete=${ifDefined(o.autocomplete)} inputmode=${ifDefined(o.inputmode)} maxlength=${ifDefined(o.maxlength)}
      spellcheck=${o.spellcheck === false ? 'false' : nothing}
      aria-describedby=${ifDefined(described)}
      aria-invalid=${o.error ? 'true' : nothing}
      aria-required=${o.mandatory ? 'true' : nothing}
      .value=${live(o.value)}
      @input=${(e: Event) => o.onInput((e.target as HTMLInputElement).value)}>
    ${o.status !== undefined ? html`<div class="fw-input-status" id=${statusId(o.id)} aria-live="polite">${o.status}</div>` : nothing}`);
}

export interface ChoiceOption {
  value: string;
  label: string;
  /** Shown under the option (e.g. why it cannot be chosen). */
  hint?: string;
  disabled?: boolean;
}

export interface GroupOptions {
  /** The id of the first control (the error summary links to it); the others get `${id}-${i}`. */
  id: string;
  name: string;
  legend: string;
  options: ChoiceOption[];
  error: string | null;
  hint?: string;
  /** Legend in bold (a group among other fields). */
  boldLegend?: boolean;
  mandatory?: boolean;
}

const optionId = (id: string, i: number) => (i === 0 ? id : `${id}-${i}`);

/** A fieldset of checkboxes (GOV.UK checkboxes): legend, hint, error, one checkbox per option with its own hint. */
export function checkboxGroup(
  o: GroupOptions & { checked: ReadonlySet<string>; onToggle: (value: string, checked: boolean) => void },
): TemplateResult {
  return fieldsetFrame(o, 'checkboxes', o.options.map((opt, i) => {
    const oid = optionId(o.id, i);
    return html`<div class="fw-checkboxes__item">
      <input class="fw-checkboxes__input" id=${oid} name=${o.name} type="checkbox" value=${opt.value} ?disabled=${opt.disabled ?? false}
        aria-describedby=${ifDefined(opt.hint ? hintId(oid) : undefined)}
        .checked=${live(o.checked.has(opt.value))} @change=${(e: Event) => o.onToggle(opt.value, (e.target as HTMLInputElement).checked)}>
      <label class="fw-label fw-checkboxes__label" for=${oid}>${opt.label}</label>
      ${opt.hint ? html`<div class="fw-hint fw-checkboxes__hint" id=${hintId(oid)}>${opt.hint}</div>` : nothing}
    </div>`;
  }));
}

/** A fieldset of radios (GOV.UK radios). */
export function radioGroup(o: GroupOptions & { value: string; onChange: (value: string) => void; inline?: boolean }): TemplateResult {
  return fieldsetFrame(o, 'radios', o.options.map((opt, i) => {
    const oid = optionId(o.id, i);
    return html`<div class="fw-radios__item">
      <input class="fw-radios__input" id=${oid} name=${o.name} type="radio" value=${opt.value} ?disabled=${opt.disabled ?? false}
        aria-describedby=${ifDefined(opt.hint ? hintId(oid) : undefined)}
        .checked=${live(o.value === opt.value)} @change=${() => o.onChange(opt.value)}>
      <label class="fw-label fw-radios__label" for=${oid}>${opt.label}</label>
      ${opt.hint ? html`<div class="fw-hint fw-checkboxes__hint" id=${hintId(oid)}>${opt.hint}</div>` : nothing}
    </div>`;
  }), o.inline);
}

/** A labelled select with hint and error; `placeholder` is the empty first option. */
export function selectInput(o: {
  id: string; name: string; label: string; value: string; options: ChoiceOption[]; error: string | null;
  onChange: (value: string) => void; hint?: string; placeholder?: string; mandatory?: boolean;
}): TemplateResult {
  return fieldFrame(o, html`<select class="fw-select ${o.error ? 'fw-select--error' : ''}" id=${o.id} name=${o.name}
      aria-describedby=${ifDefined(describedBy(o.id, o.hint, o.error))} aria-invalid=${o.error ? 'true' : nothing}
      @change=${(e: Event) => o.onChange((e.target as HTMLSelectElement).value)}>
      ${o.placeholder !== undefined ? html`<option value="" .selected=${live(o.value === '')}>${o.placeholder}</option>` : nothing}
      ${o.options.map((opt) => html`<option value=${opt.value} ?disabled=${opt.disabled ?? false} .selected=${live(opt.value === o.value)}>${opt.label}</option>`)}
    </select>`);
}
