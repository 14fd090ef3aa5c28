import { html, nothing } from 'lit';
import { consume } from '@lit/context';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { ApiError, type ApiClient } from '../api/client.js';
import { attachmentUrl, removeAttachment, uploadFile, type AttachmentEntry } from '../api/upload.js';
import { AttachmentsChangedEvent, FieldProblemEvent } from '../events.js';
import { errorMessage, errorId, groupClass, hintId, type FieldProps } from './field-parts.js';
import { apiContext } from '../contexts.js';
import { bytesText, joinOr } from '../words.js';

/** Friendly names of common types for the hint ("PDF, PNG or Word document"); others show as given. */
const TYPE_NAMES: Record<string, string> = {
  'application/pdf': 'PDF', 'image/png': 'PNG', 'image/jpeg': 'JPEG', 'image/gif': 'GIF', 'image/webp': 'WebP',
  'image/*': 'image', 'text/plain': 'plain text', 'text/csv': 'CSV', '.docx': 'Word document (.docx)',
  '.xlsx': 'Excel spreadsheet (.xlsx)', '.odt': 'OpenDocument text (.odt)',
};

function entries(value: unknown): AttachmentEntry[] {
  return Array.isArray(value) ? (value as AttachmentEntry[]).filter((e) => e && typeof e.id === 'string') : [];
}

/**
 * An attachment field: a labelled file input whose hint says which files are allowed and how large, the files
 * already attached as download links with a remove button each, and a status line announced by screen readers
 * (aria-live) while a file uploads and when it is done. A chosen file is uploaded at once (streamed by the API,
 * checked and scanned there); a refused one is reported inline and in the form's error summary (`fw-field-problem`).
 * On a record not yet created the field only says files can be added once it is saved.
 *
 * @fires fw-attachments-changed - a file was added or removed: the field's new value and the record's new ETag
 * @fires fw-field-problem - an upload or removal was refused
 */
@customElement('fw-attachment-field')
export class FwAttachmentField extends LightElement {
  /** The field, its value (the attached files) and its state, from the form; `record` says where files go. */
  @property({ attribute: false }) accessor props!: FieldProps;

  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor status = '';
  /** Fraction of the current upload sent (0–1), or null when not uploading. */
  @state() private accessor progress: number | null = null;
  /** The last refused upload, until the form reports it (or when there is no form). */
  @state() private accessor problem: string | null = null;

  override render() {
    const { field, value, inputId: id, readOnly, record } = this.props;
    const files = entries(value);
    const error = this.props.error ?? this.problem;
    if (!record) {
      return html`<div class="fw-form-group">
        <h3 class="fw-label">${field.label}</h3>
        <p class="fw-hint" id=${id} tabindex="-1">You can add files once the record has been created.</p>
      </div>`;
    }
    if (readOnly) {
      return html`<div class="fw-form-group">
        <h3 class="fw-label" id=${`${id}-label`}>${field.label}</h3>
        <div id=${id} tabindex="-1">${this.#list(files, false)}</div>
      </div>`;
    }
    const hint = this.#hint();
    const describedBy = [hintId(id), error ? errorId(id) : null, `${id}-status`].filter(Boolean).join(' ');
    return html`<div class=${groupClass(error)}>
      <label class="fw-label" for=${id}>${field.label}</label>
      <div class="fw-hint" id=${hintId(id)}>${hint}</div>
      ${errorMessage(id, error)}
      <input class="fw-file-upload ${error ? 'fw-file-upload--error' : ''}" type="file" id=${id} name=${field.name} multiple
        accept=${field.accept?.length ? field.accept.join(',') : nothing}
        aria-describedby=${describedBy} aria-invalid=${error ? 'true' : 'false'}
        ?disabled=${this.progress !== null} @change=${this.#onChange}>
      <p class="fw-body fw-file-upload__status" id=${`${id}-status`} role="status" aria-live="polite">${this.status}</p>
      ${this.progress !== null
        ? html`<progress class="fw-file-upload__progress" max="100" .value=${Math.round(this.progress * 100)}
            aria-label=${`Upload progress for ${field.label}`}></progress>`
        : nothing}
      ${this.#list(files, true)}
    </div>`;
  }

  #hint(): string {
    const { field } = this.props;
    const parts: string[] = [];
    if (field.help) parts.push(field.help);
    if (field.accept?.length) parts.push(`Files must be ${joinOr(field.accept.map((a) => TYPE_NAMES[a.toLowerCase()] ?? a))}.`);
    if (field.maxSize) parts.push(`Each file must be smaller than ${bytesText(field.maxSize)}.`);
    return parts.join(' ') || 'You can add any kind of file.';
  }

  #list(files: AttachmentEntry[], removable: boolean) {
    const { field, record } = this.props;
    if (!files.length) return html`<p class="fw-body fw-secondary-text">No files added.</p>`;
    return html`<ul class="fw-list fw-file-list" aria-label=${`Files in ${field.label}`}>
      ${files.map((f) => html`<li class="fw-file-list__item">
        <a class="fw-link" href=${attachmentUrl(record!.table, record!.id, field.name, f.id)} download=${f.name}>${f.name}</a>
        <span class="fw-secondary-text">(${bytesText(f.size)})</span>
        ${removable ? html`<button type="button" class="fw-link-button fw-file-list__remove" ?disabled=${this.progress !== null}
          @click=${() => this.#remove(f)}>Remove<span class="fw-visually-hidden"> ${f.name}</span></button>` : nothing}
      </li>`)}
    </ul>`;
  }

  #onChange = async (e: Event) => {
    const input = e.target as HTMLInputElement;
    const chosen = [...(input.files ?? [])];
    input.value = '';
    for (const file of chosen) {
      if (!(await this.#upload(file))) break;
    }
  };

  /** Upload one file; false when it was refused (the rest of a multiple choice is not sent). */
  async #upload(file: File): Promise<boolean> {
    const { field, record } = this.props;
    if (!record) return false;
    if (field.maxSize && file.size > field.maxSize) {
      this.#refuse(`The selected file must be smaller than ${bytesText(field.maxSize)}.`, file.name);
      return false;
    }
    if (file.size === 0) {
      this.#refuse('The selected file is empty.', file.name);
      return false;
    }
    this.problem = null;
    this.progress = 0;
    this.status = `Uploading ${file.name}…`;
    try {
      const res = await uploadFile(this.api, record.table, record.id, field.name, file, (fraction) => { this.progress = fraction; });
      const added: AttachmentEntry = { id: res.data.id, name: res.data.name, type: res.data.type.split(';')[0]!, size: res.data.size };
      const value = [...entries(this.props.value), added];
      this.status = `${added.name} has been uploaded.`;
      this.dispatchEvent(new AttachmentsChangedEvent(field.name, value, res.etag));
      return true;
    } catch (err) {
      this.#refuse(this.#message(err), file.name);
      return false;
    } finally {
      this.progress = null;
    }
  }

  async #remove(file: AttachmentEntry) {
    const { field, record } = this.props;
    if (!record) return;
    this.status = `Removing ${file.name}…`;
    try {
      const etag = await removeAttachment(this.api, record.table, record.id, field.name, file.id);
      const value = entries(this.props.value).filter((f) => f.id !== file.id);
      this.status = `${file.name} has been removed.`;
      this.dispatchEvent(new AttachmentsChangedEvent(field.name, value.length ? value : null, etag));
      await this.updateComplete;
      this.querySelector<HTMLInputElement>('input[type=file]')?.focus();
    } catch (err) {
      this.#refuse(this.#message(err), file.name);
    }
  }

  #refuse(message: string, name: string) {
    this.status = `${name} was not added.`;
    this.problem = message;
    this.dispatchEvent(new FieldProblemEvent(this.props.field.name, message));
  }

  /** The API's own message for this field when it gave one (GOV.UK wording), else its detail. */
  #message(err: unknown): string {
    if (!(err instanceof ApiError)) return 'The file could not be uploaded. Try again.';
    const own = err.errors.find((p) => p.field.replace(/^\//, '') === this.props.field.name);
    return own?.message ?? err.message;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-attachment-field': FwAttachmentField;
  }
}
