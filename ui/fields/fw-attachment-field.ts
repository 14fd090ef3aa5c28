import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { FieldProps } from './field-parts.js';

interface AttachmentInfo { name?: string; contentType?: string; size?: number }

/**
 * An attachment field. File storage arrives with the attachments work; until then the field lists the files a
 * record already names and says that uploading is not available.
 */
@customElement('fw-attachment-field')
export class FwAttachmentField extends LitElement {
  /** The field, its value and its state, from the form. */
  @property({ attribute: false }) accessor props!: FieldProps;

  protected override createRenderRoot() {
    return this;
  }

  override render() {
    const { field, value, inputId: id } = this.props;
    const files = Array.isArray(value) ? (value as AttachmentInfo[]) : [];
    return html`<div class="fw-form-group">
      <h3 class="fw-label" id=${`${id}-label`}>${field.label}</h3>
      ${files.length
        ? html`<ul class="fw-list" aria-labelledby=${`${id}-label`}>${files.map((f) => html`<li>${f.name ?? 'Unnamed file'}</li>`)}</ul>`
        : html`<p class="fw-body fw-secondary-text">No files.</p>`}
      <p class="fw-hint" id=${id} tabindex="-1">Adding files is not available yet.</p>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-attachment-field': FwAttachmentField;
  }
}
