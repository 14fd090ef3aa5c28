/**
 * The one choice of a field widget by type, shared by record forms (fw-form) and the catalogue's order form and
 * multi-row tables, so a value is typed, parsed and described the same wherever it is asked for.
 */
import { html, type TemplateResult } from 'lit';
import type { FieldProps } from './field-parts.js';
import './fw-attachment-field.js';
import './fw-boolean-field.js';
import './fw-choice-field.js';
import './fw-date-field.js';
import './fw-journal-field.js';
import './fw-json-field.js';
import './fw-named-field.js';
import './fw-number-field.js';
import './fw-reference-field.js';
import './fw-richtext-field.js';
import './fw-tags-field.js';
import './fw-text-field.js';

/**
 * The widget element for `props.field`'s type (text fields for every type without one of its own); a field naming a
 * person, queue, organisation or role shows its label.
 */
export function renderWidget(props: FieldProps): TemplateResult {
  if (props.field.names) return html`<fw-named-field .props=${props}></fw-named-field>`;
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
    case 'journal':
      return html`<fw-journal-field .props=${props}></fw-journal-field>`;
    case 'attachment':
      return html`<fw-attachment-field .props=${props}></fw-attachment-field>`;
    case 'json':
      return html`<fw-json-field .props=${props}></fw-json-field>`;
    case 'richtext':
      return html`<fw-richtext-field .props=${props}></fw-richtext-field>`;
    case 'tags':
      return html`<fw-tags-field .props=${props}></fw-tags-field>`;
    default:
      return html`<fw-text-field .props=${props}></fw-text-field>`;
  }
}
