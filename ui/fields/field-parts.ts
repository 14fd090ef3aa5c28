/**
 * The pieces every field widget is made of, in the GOV.UK Design System's order: label (or legend), hint, error
 * message, control; the control is described by the hint and the error (aria-describedby). Also the plain text
 * input used by the sign-in pages, built from the same pieces.
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
  /** The record the field belongs to (edit mode), for widgets that fetch per record (journal). */
  record?: { table: string; id: string } | null;
  /** Changes when the record was saved, so widgets showing server data fetch it again. */
  revision?: number;
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
}

/** A labelled text input with hint and error, as the sign-in pages use it. */
export function textInput(o: TextInputOptions): TemplateResult {
  const cls = ['fw-input', o.error ? 'fw-input--error' : '', o.widthClass ?? ''].filter(Boolean).join(' ');
  return html`<div class=${groupClass(o.error)}>
    ${labelFor(o.id, o.label, o.mandatory ?? false)}
    ${hint(o.id, o.hint)}
    ${errorMessage(o.id, o.error)}
    <input class=${cls} id=${o.id} name=${o.name} type=${o.type ?? 'text'}
      autocomplete=${ifDefined(o.autocomplete)} inputmode=${ifDefined(o.inputmode)}
      spellcheck=${o.spellcheck === false ? 'false' : nothing}
      aria-describedby=${ifDefined(describedBy(o.id, o.hint, o.error))}
      aria-invalid=${o.error ? 'true' : nothing}
      aria-required=${o.mandatory ? 'true' : nothing}
      .value=${live(o.value)}
      @input=${(e: Event) => o.onInput((e.target as HTMLInputElement).value)}>
  </div>`;
}
