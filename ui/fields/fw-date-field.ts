import { html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import { LightElement } from '../light-element.js';
import { FieldChangeEvent } from '../events.js';
import { formatValue } from '../format.js';
import { isoToLocalInput, localInputToIso } from '../form/values.js';
import { describedBy, readOnlyField, widgetFrame, type FieldProps } from './field-parts.js';

/**
 * Date and date-time fields as the browser's native inputs. A date is stored as YYYY-MM-DD, as typed; a
 * date-time is shown in the browser's time zone (datetime-local) and stored as an ISO 8601 instant in UTC.
 *
 * @fires fw-field-change - the date or ISO instant, or null
 */
@customElement('fw-date-field')
export class FwDateField extends LightElement {
  /** The field, its value and its state, from the form. */
  @property({ attribute: false }) accessor props!: FieldProps;

  override render() {
    const { field, value, error, inputId: id, mandatory } = this.props;
    if (this.props.readOnly) return readOnlyField(this.props, formatValue(field, value));
    const datetime = field.type === 'datetime';
    const text = datetime ? isoToLocalInput(value) : typeof value === 'string' ? value : '';
    return widgetFrame(this.props, html`<input class="fw-input ${datetime ? 'fw-input--width-20' : 'fw-input--width-10'} ${error ? 'fw-input--error' : ''}"
        id=${id} name=${field.name} type=${datetime ? 'datetime-local' : 'date'}
        aria-describedby=${ifDefined(describedBy(id, field.help, error))} aria-invalid=${error ? 'true' : 'false'}
        aria-required=${mandatory ? 'true' : 'false'} .value=${live(text)} @input=${this.#onChange}>`);
  }

  #onChange = (e: Event) => {
    const text = (e.target as HTMLInputElement).value;
    const value = this.props.field.type === 'datetime' ? localInputToIso(text) : text || null;
    this.dispatchEvent(new FieldChangeEvent(this.props.field.name, value));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-date-field': FwDateField;
  }
}
