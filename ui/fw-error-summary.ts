import { html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LightElement } from './light-element.js';

/** One problem: its text, and the id of the control to fix it in (no link when the problem has no field). */
export interface SummaryItem { text: string; target?: string }

/**
 * The GOV.UK error summary: "There is a problem" and a list of links to the fields in error. The owner calls
 * `show()` after a failed submit, which moves focus to it. A link moves focus to its control and scrolls the
 * control's label (or legend) into view, as GOV.UK Frontend does.
 */
@customElement('fw-error-summary')
export class FwErrorSummary extends LightElement {
  /** The problems, in the order of the form. */
  @property({ attribute: false }) accessor items: SummaryItem[] = [];
  /** The heading. */
  @property() accessor heading = 'There is a problem';

  /** Render, then move focus to the summary (screen readers read it out). */
  async show(): Promise<void> {
    await this.updateComplete;
    const box = this.querySelector<HTMLElement>('.fw-error-summary');
    box?.focus();
    box?.scrollIntoView({ block: 'start' });
  }

  override render() {
    if (!this.items.length) return nothing;
    return html`<div class="fw-error-summary" tabindex="-1">
      <div role="alert">
        <h2 class="fw-error-summary__title">${this.heading}</h2>
        <div class="fw-error-summary__body">
          <ul class="fw-list fw-error-summary__list">
            ${this.items.map((i) => html`<li>${i.target ? html`<a href=${`#${i.target}`} @click=${this.#onClick}>${i.text}</a>` : i.text}</li>`)}
          </ul>
        </div>
      </div>
    </div>`;
  }

  #onClick = (e: MouseEvent) => {
    const id = (e.currentTarget as HTMLAnchorElement).getAttribute('href')!.slice(1);
    const control = document.getElementById(id);
    if (!control) return;
    e.preventDefault();
    const legend = control.closest('fieldset')?.querySelector('legend');
    const label = legend ?? document.querySelector(`label[for="${CSS.escape(id)}"]`) ?? control;
    control.focus({ preventScroll: true });
    label.scrollIntoView({ block: 'start' });
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-error-summary': FwErrorSummary;
  }
}
