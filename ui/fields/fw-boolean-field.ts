import { html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import { LightElement } from '../light-element.js';
import { FieldChangeEvent } from '../events.js';
import { formatValue } from '../format.js';
import { describedBy, errorMessage, groupClass, hintId, readOnlyField, requiredMark, type FieldProps } from './field-parts.js';

/**
 * A boolean field: one checkbox with its label beside it (GOV.UK single checkbox), hint below the label.
 *
 * @fires fw-field-change - true or false
 */
@customElement('fw-boolean-field')
export class FwBooleanField extends LightElement {
  /** The field, its value and its state, from the form. */
  @property({ attribute: false }) accessor props!: FieldProps;

  override render() {
    const { field, value, error, inputId: id, mandatory } = this.props;
    if (this.props.readOnly) return readOnlyField(this.props, formatValue(field, value));
    return html`<div class=${groupClass(error)}>
      ${errorMessage(id, error)}
      <div class="fw-checkboxes">
        <div class="fw-checkboxes__item">
          <input class="fw-checkboxes__input" id=${id} name=${field.name} type="checkbox"
            aria-describedby=${ifDefined(describedBy(id, field.help, error))} aria-invalid=${error ? 'true' : 'false'}
            .checked=${live(value === true)} @change=${this.#onChange}>
          <label class="fw-label fw-checkboxes__label" for=${id}>${field.label}${requiredMark(mandatory)}</label>
          ${field.help ? html`<div class="fw-hint fw-checkboxes__hint" id=${hintId(id)}>${field.help}</div>` : ''}
        </div>
      </div>
    </div>`;
  }

  #onChange = (e: Event) => {
    this.dispatchEvent(new FieldChangeEvent(this.props.field.name, (e.target as HTMLInputElement).checked));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-boolean-field': FwBooleanField;
  }
}
