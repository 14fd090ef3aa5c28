import { html, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import { LightElement } from '../light-element.js';
import { FieldChangeEvent } from '../events.js';
import { parseJson } from '../form/values.js';
import { describedBy, readOnlyField, widgetFrame, type FieldProps } from './field-parts.js';

/**
 * A JSON field: a textarea holding the value as formatted JSON. Text that is not valid JSON is kept as typed and
 * reported to the form as a problem.
 *
 * @fires fw-field-change - the parsed value (null when empty), or the text and a problem
 */
@customElement('fw-json-field')
export class FwJsonField extends LightElement {
  /** The field, its value and its state, from the form. */
  @property({ attribute: false }) accessor props!: FieldProps;

  @state() private accessor text = '';
  #reported: unknown = undefined;

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('props') && this.props.value !== this.#reported) {
      const v = this.props.value;
      this.text = v === null || v === undefined ? '' : JSON.stringify(v, null, 2);
      this.#reported = v;
    }
  }

  override render() {
    const { field, value, error, inputId: id, mandatory } = this.props;
    if (this.props.readOnly) return readOnlyField(this.props, value === null || value === undefined ? '' : JSON.stringify(value));
    const help = field.help ?? 'Enter JSON, like {"key": "value"}.';
    return widgetFrame(this.props, html`<textarea class="fw-textarea fw-textarea--code ${error ? 'fw-textarea--error' : ''}" id=${id} name=${field.name} rows="6"
        spellcheck="false" aria-describedby=${ifDefined(describedBy(id, help, error))} aria-invalid=${error ? 'true' : 'false'}
        aria-required=${mandatory ? 'true' : 'false'} .value=${live(this.text)} @input=${this.#onInput}></textarea>`, { hint: help });
  }

  #onInput = (e: Event) => {
    this.text = (e.target as HTMLTextAreaElement).value;
    const parsed = parseJson(this.props.field, this.text);
    this.#reported = parsed.value;
    this.dispatchEvent(new FieldChangeEvent(this.props.field.name, parsed.value, parsed.problem));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-json-field': FwJsonField;
  }
}
