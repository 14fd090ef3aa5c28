import { html, nothing } from 'lit';
import { consume } from '@lit/context';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { stageAttachment, type AttachmentRule, type StagedAttachment } from '../api/catalog.js';
import { ApiError, type ApiClient } from '../api/client.js';
import { apiContext } from '../contexts.js';
import { FieldProblemEvent } from '../events.js';
import { errorId, errorMessage, groupClass, hintId } from '../fields/field-parts.js';
import { requiredMark } from '../fields/field-parts.js';
import { StagedChangeEvent } from './catalog-events.js';
import { bytesText, fileTypeText, joinOr } from './words.js';

/** The name the order's problems use for its attachments. */
export const ATTACHMENTS = 'attachments';

/**
 * The files to send with an order: a labelled file input whose hint gives the item's rules (what to attach, which
 * types, how large, how many), each chosen file uploaded at once (staged, with a progress bar and a status line
 * screen readers announce), the staged files listed with a "Remove" button each. A refused upload is reported to
 * the form (fw-field-problem) so it shows in the error summary.
 *
 * @fires fw-staged-change - the staged files changed
 * @fires fw-field-problem - an upload was refused
 */
@customElement('fw-order-attachments')
export class FwOrderAttachments extends LightElement {
  /** The item the files are for. */
  @property() accessor item = '';
  /** The item's attachment rules. */
  @property({ attribute: false }) accessor rule!: AttachmentRule;
  /** The files staged so far. */
  @property({ attribute: false }) accessor files: StagedAttachment[] = [];
  /** The inline error, or null. */
  @property({ attribute: false }) accessor error: string | null = null;
  /** The file input's id. */
  @property() accessor inputId = 'order-attachments';

  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor status = '';
  /** The running upload's progress (0–1), or null. */
  @state() private accessor progress: number | null = null;

  override render() {
    const id = this.inputId;
    const r = this.rule;
    const max = r.maxFiles ?? 10;
    const full = this.files.length >= max;
    const describedBy = [hintId(id), this.error ? errorId(id) : null, `${id}-status`].filter(Boolean).join(' ');
    return html`<div class=${groupClass(this.error)}>
      <label class="fw-label" for=${id}>Attachments${requiredMark(r.required ?? false)}</label>
      <div class="fw-hint" id=${hintId(id)}>${this.#hint()}</div>
      ${errorMessage(id, this.error)}
      <input class="fw-file-upload ${this.error ? 'fw-file-upload--error' : ''}" type="file" id=${id} name="attachments" multiple
        accept=${r.accept?.length ? r.accept.join(',') : nothing} aria-describedby=${describedBy}
        aria-invalid=${this.error ? 'true' : 'false'} ?disabled=${this.progress !== null || full} @change=${this.#onChange}>
      <p class="fw-body fw-file-upload__status" id=${`${id}-status`} role="status" aria-live="polite">${this.status}</p>
      ${this.progress !== null ? html`<progress class="fw-file-upload__progress" max="100" .value=${Math.round(this.progress * 100)}
          aria-label="Upload progress"></progress>` : nothing}
      ${this.files.length ? html`<ul class="fw-list fw-file-list" aria-label="Files to send with the order">
        ${this.files.map((f) => html`<li class="fw-file-list__item">${f.name} (${bytesText(f.size)})
          <button type="button" class="fw-link-button" @click=${() => this.#remove(f)}>Remove<span class="fw-visually-hidden"> ${f.name}</span></button></li>`)}
      </ul>` : nothing}
    </div>`;
  }

  #hint(): string {
    const r = this.rule;
    const parts: string[] = [];
    if (r.help) parts.push(r.help);
    if (r.accept?.length) parts.push(`Files must be ${joinOr(r.accept.map(fileTypeText))}.`);
    if (r.maxSize) parts.push(`Each file must be smaller than ${bytesText(r.maxSize)}.`);
    parts.push(`You can attach up to ${r.maxFiles ?? 10} ${(r.maxFiles ?? 10) === 1 ? 'file' : 'files'}.`);
    return parts.join(' ');
  }

  #onChange = async (e: Event) => {
    const input = e.target as HTMLInputElement;
    const chosen = [...(input.files ?? [])];
    input.value = '';
    for (const file of chosen) {
      if (this.files.length >= (this.rule.maxFiles ?? 10)) {
        this.#refuse(file.name, `You can attach up to ${this.rule.maxFiles ?? 10} files`);
        break;
      }
      if (this.rule.maxSize && file.size > this.rule.maxSize) {
        this.#refuse(file.name, `${file.name} must be smaller than ${bytesText(this.rule.maxSize)}`);
        continue;
      }
      await this.#upload(file);
    }
  };

  async #upload(file: File) {
    this.progress = 0;
    this.status = `Uploading ${file.name}…`;
    try {
      const staged = await stageAttachment(this.api, this.item, file, (fraction) => { this.progress = fraction; });
      this.files = [...this.files, staged];
      this.dispatchEvent(new StagedChangeEvent(this.files));
      this.status = `${staged.name} has been uploaded.`;
    } catch (err) {
      this.#refuse(file.name, err instanceof ApiError ? (err.errors[0]?.message ?? err.message) : 'The file could not be uploaded. Try again.');
    } finally {
      this.progress = null;
    }
  }

  async #remove(file: StagedAttachment) {
    this.files = this.files.filter((f) => f.id !== file.id);
    this.dispatchEvent(new StagedChangeEvent(this.files));
    this.status = `${file.name} has been removed.`;
    await this.updateComplete;
    this.querySelector<HTMLInputElement>('input[type=file]')?.focus();
  }

  #refuse(name: string, problem: string) {
    this.status = `${name} was not added.`;
    this.dispatchEvent(new FieldProblemEvent(ATTACHMENTS, problem));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-order-attachments': FwOrderAttachments;
  }
}
