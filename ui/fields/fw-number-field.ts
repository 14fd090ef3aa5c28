import { html, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import { LightElement } from '../light-element.js';
import { FieldChangeEvent } from '../events.js';
import { currencySymbol, formatValue } from '../format.js';
import { parseNumber } from '../form/values.js';
import { describedBy, readOnlyField, widgetFrame, type FieldProps } from './field-parts.js';

let currencyNames: Intl.DisplayNames | null = null;
function currencyName(code: string): string {
  try {
    currencyNames ??= new Intl.DisplayNames(['en-GB'], { type: 'currency' });
    return currencyNames.of(code) ?? code;
  } catch {
    return code;
  }
}

/**
 * Integer, decimal and currency fields: a text input with a numeric inputmode (GOV.UK advises against
 * type="number"), currency with its symbol as a prefix and its name in the label for screen readers. What was
 * typed is kept as typed; the form gets the number, or the text and a problem when it is not one.
 *
 * @fires fw-field-change - the number (null when empty), with a problem for text that is not a number
 */
@customElement('fw-number-field')
export class FwNumberField extends LightElement {
  /** The field, its value and its state, from the form. */
  @property({ attribute: false }) accessor props!: FieldProps;

  @state() private accessor text = '';
  /** The value this widget last reported, so an outside change (a policy, a reload) replaces the text. */
  #reported: unknown = undefined;

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('props') && this.props.value !== this.#reported) {
      const v = this.props.value;
      this.text = v === null || v === undefined ? '' : String(v);
      this.#reported = v;
    }
  }

  override render() {
    const { field, value, error, inputId: id, mandatory } = this.props;
    if (this.props.readOnly) return readOnlyField(this.props, formatValue(field, value));
    const currency = field.type === 'currency' ? field.currency ?? 'GBP' : null;
    const width = field.type === 'integer' ? 'fw-input--width-5' : 'fw-input--width-10';
    const input = html`<input class="fw-input ${width} ${error ? 'fw-input--error' : ''}" id=${id} name=${field.name}
      type="text" inputmode=${field.type === 'integer' && (field.min ?? 0) >= 0 ? 'numeric' : 'decimal'} spellcheck="false"
      autocomplete="off" aria-describedby=${ifDefined(describedBy(id, field.help, error))}
      aria-invalid=${error ? 'true' : 'false'} aria-required=${mandatory ? 'true' : 'false'}
      .value=${live(this.text)} @input=${this.#onInput}>`;
    return widgetFrame(this.props, currency
      ? html`<div class="fw-input__wrapper"><div class="fw-input__prefix" aria-hidden="true">${currencySymbol(currency)}</div>${input}</div>`
      : input, { labelExtra: currency ? html`<span class="fw-visually-hidden">, in ${currencyName(currency)}</span>` : undefined });
  }

  #onInput = (e: Event) => {
    this.text = (e.target as HTMLInputElement).value;
    const parsed = parseNumber(this.props.field, this.text);
    this.#reported = parsed.value;
    this.dispatchEvent(new FieldChangeEvent(this.props.field.name, parsed.value, parsed.problem));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-number-field': FwNumberField;
  }
}
