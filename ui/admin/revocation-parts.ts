/**
 * Pieces the revocation pages share: a text area for a reason or comment, and the in-page panel that asks before
 * revoking, enabling or deciding a request (its heading takes focus when it appears: `.fw-confirm__title`).
 */
import { html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import { describedBy, fieldFrame } from '../fields/field-parts.js';

/** A labelled text area (a reason, a comment: at most 1000 characters as the API takes, unless `maxlength`) with hint and error. */
export function reasonField(o: {
  id: string; label: string; value: string; error: string | null; onInput: (value: string) => void; hint?: string; mandatory?: boolean;
  labelExtra?: TemplateResult; rows?: number; maxlength?: number;
}): TemplateResult {
  return fieldFrame(o, html`<textarea class="fw-textarea ${o.error ? 'fw-textarea--error' : ''}" id=${o.id} name=${o.id} rows=${o.rows ?? 3}
    maxlength=${o.maxlength ?? 1000}
    aria-describedby=${ifDefined(describedBy(o.id, o.hint, o.error))} aria-invalid=${o.error ? 'true' : nothing}
    aria-required=${o.mandatory ? 'true' : nothing}
    .value=${live(o.value)} @input=${(e: Event) => o.onInput((e.target as HTMLTextAreaElement).value)}></textarea>`);
}

/**
 * A question in the page with what will happen, its fields, a button that does it and a way back. `warning` makes
 * the button red and the explanation a warning (revoking); otherwise it is plain text.
 */
export function actionPanel(o: {
  id: string; title: string; body: string; fields: TemplateResult; confirmLabel: string; warning: boolean; busy: boolean;
  onConfirm: () => void; onCancel: () => void;
}): TemplateResult {
  const submit = (e: Event) => { e.preventDefault(); o.onConfirm(); };
  return html`<section class="fw-confirm" aria-labelledby="${o.id}-title">
    <h2 class="fw-heading-m fw-confirm__title" id="${o.id}-title" tabindex="-1">${o.title}</h2>
    ${o.warning ? html`<div class="fw-warning-text">
      <span class="fw-warning-text__icon" aria-hidden="true">!</span>
      <p class="fw-warning-text__text"><span class="fw-visually-hidden">Warning</span> ${o.body}</p>
    </div>` : html`<p class="fw-body">${o.body}</p>`}
    <form class="fw-form fw-form--narrow" novalidate @submit=${submit}>
      ${o.fields}
      <div class="fw-button-group">
        <button type="submit" class="fw-button ${o.warning ? 'fw-button--warning' : ''}" ?disabled=${o.busy}>${o.confirmLabel}</button>
        <button type="button" class="fw-link-button" @click=${o.onCancel}>Cancel</button>
      </div>
    </form>
  </section>`;
}
