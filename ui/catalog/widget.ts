/**
 * One field widget for a variable, by type: the same widgets record forms use (ui/fields/), so answers are typed,
 * parsed and described exactly as record values are.
 */
import { html, type TemplateResult } from 'lit';
import type { FieldProps } from '../fields/field-parts.js';
import '../fields/fw-boolean-field.js';
import '../fields/fw-choice-field.js';
import '../fields/fw-date-field.js';
import '../fields/fw-json-field.js';
import '../fields/fw-number-field.js';
import '../fields/fw-reference-field.js';
import '../fields/fw-text-field.js';

/** The widget element for `props.field`'s type. */
export function renderWidget(props: FieldProps): TemplateResult {
  switch (props.field.type) {
    case 'integer':
    case 'decimal':
    case 'currency':
      return html`<fw-number-field .props=${props}></fw-number-field>`;
    case 'boolean':
      return html`<fw-boolean-field .props=${props}></fw-boolean-field>`;
    case 'date':
    case 'datetime':
      return html`<fw-date-field .props=${props}></fw-date-field>`;
    case 'choice':
      return html`<fw-choice-field .props=${props}></fw-choice-field>`;
    case 'reference':
      return html`<fw-reference-field .props=${props}></fw-reference-field>`;
    case 'json':
      return html`<fw-json-field .props=${props}></fw-json-field>`;
    default:
      return html`<fw-text-field .props=${props}></fw-text-field>`;
  }
}
