import { html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import { LightElement } from '../light-element.js';
import { FieldChangeEvent } from '../events.js';
import { formatValue } from '../format.js';
import { describedBy, readOnlyField, widgetFrame, type FieldProps } from './field-parts.js';

/** Input attributes per text-like field type (type, inputmode, autocomplete, width). */
const KINDS: Record<string, { type: string; inputmode?: string; autocomplete?: string; spellcheck?: false; width?: string }> = {
  string: { type: 'text' },
  email: { type: 'email', autocomplete: 'email', spellcheck: false },
  phone: { type: 'tel', autocomplete: 'tel', width: 'fw-input--width-20' },
  url: { type: 'url', autocomplete: 'url', spellcheck: false },
  postcode: { type: 'text', autocomplete: 'postal-code', spellcheck: false, width: 'fw-input--width-10' },
  uuid: { type: 'text', spellcheck: false },
};

/**
 * Text-like fields: string, email, phone, url and postcode as an input with the right type, inputmode and
 * autocomplete; text as a textarea.
 *
 * @fires fw-field-change - the new text (empty text is null)
 */
@customElement('fw-text-field')
export class FwTextField extends LightElement {
  /** The field, its value and its state, from the form. */
  @property({ attribute: false }) accessor props!: FieldProps;

  override render() {
    const { field, value, error, inputId: id, mandatory } = this.props;
    if (this.props.readOnly) return readOnlyField(this.props, formatValue(field, value));
    const text = value === null || value === undefined ? '' : String(value);
    const describedby = describedBy(id, field.help, error);
    if (field.type === 'text') {
      return widgetFrame(this.props, html`<textarea class="fw-textarea ${error ? 'fw-textarea--error' : ''}" id=${id} name=${field.name} rows="5"
          maxlength=${ifDefined(field.maxLength)} aria-describedby=${ifDefined(describedby)} aria-invalid=${error ? 'true' : 'false'}
          aria-required=${mandatory ? 'true' : 'false'} .value=${live(text)} @input=${this.#onInput}></textarea>`);
    }
    const kind = KINDS[field.type] ?? KINDS.string!;
    return widgetFrame(this.props, html`<input class="fw-input ${error ? 'fw-input--error' : ''} ${kind.width ?? ''}" id=${id} name=${field.name}
        type=${kind.type} inputmode=${ifDefined(kind.inputmode)} autocomplete=${ifDefined(kind.autocomplete)}
        spellcheck=${ifDefined(kind.spellcheck === false ? 'false' : undefined)} maxlength=${ifDefined(field.maxLength)}
        aria-describedby=${ifDefined(describedby)} aria-invalid=${error ? 'true' : 'false'}
        aria-required=${mandatory ? 'true' : 'false'} .value=${live(text)} @input=${this.#onInput}>`);
  }

  #onInput = (e: Event) => {
    const text = (e.target as HTMLInputElement | HTMLTextAreaElement).value;
    this.dispatchEvent(new FieldChangeEvent(this.props.field.name, text === '' ? null : text));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-text-field': FwTextField;
  }
}
