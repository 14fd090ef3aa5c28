import { html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import { LightElement } from '../light-element.js';
import { choiceApplies } from '../../platform/records/dependent-choices.js';
import type { FieldMeta } from '../api/types.js';
import { FieldChangeEvent } from '../events.js';
import { formatValue } from '../format.js';
import { describedBy, fieldsetFrame, readOnlyField, widgetFrame, type FieldProps } from './field-parts.js';

/** Up to this many options show as radios; more as a select (GOV.UK: radios when there are few). */
const MAX_RADIOS = 4;

/**
 * The options to offer: active ones that apply to the controlling field's value (`dependsOn`), plus any the record
 * already holds (an inactive option stays valid on it; the form clears one that stops applying).
 */
function options(field: FieldMeta, value: unknown, controlling: unknown) {
  const held = new Set(Array.isArray(value) ? value.map(String) : value === null || value === undefined ? [] : [String(value)]);
  const applies = (c: { for?: string[] }) => !field.dependsOn || choiceApplies(c, controlling);
  return (field.choices ?? []).filter((c) => held.has(c.value) || (!c.inactive && applies(c)));
}

/**
 * Choice fields. One value: radios for up to four options (with "None" when the field is optional), else a
 * select. Several values: checkboxes in a fieldset whose legend is the field's label. A field with `dependsOn` offers
 * only the options that apply to `props.controlling`.
 *
 * @fires fw-field-change - the chosen value (null for none), or the array of chosen values
 */
@customElement('fw-choice-field')
export class FwChoiceField extends LightElement {
  /** The field, its value and its state, from the form. */
  @property({ attribute: false }) accessor props!: FieldProps;

  override render() {
    const { field, value } = this.props;
    if (this.props.readOnly) return readOnlyField(this.props, formatValue(field, value));
    if (field.multiple) return this.#checkboxes();
    // A dependent field keeps one kind of control whatever its controlling value: counted on every active option.
    const count = field.dependsOn
      ? (field.choices ?? []).filter((c) => !c.inactive).length
      : options(field, value, this.props.controlling).length;
    return count <= MAX_RADIOS ? this.#radios() : this.#select();
  }

  #fieldset(kind: 'radios' | 'checkboxes', items: unknown) {
    const { field, error, inputId: id, mandatory } = this.props;
    return fieldsetFrame({ id, legend: field.label, hint: field.help, error, mandatory }, kind, items);
  }

  #radios() {
    const { field, value, inputId: id, mandatory } = this.props;
    const opts: { value: string | null; label: string }[] = options(field, value, this.props.controlling);
    if (!mandatory) opts.push({ value: null, label: 'None' });
    return this.#fieldset('radios', opts.map((o, i) => {
      const oid = i === 0 ? id : `${id}-${i}`;
      return html`<div class="fw-radios__item">
        <input class="fw-radios__input" id=${oid} name=${id} type="radio" .checked=${live((value ?? null) === o.value)}
          @change=${() => this.dispatchEvent(new FieldChangeEvent(field.name, o.value))}>
        <label class="fw-label fw-radios__label" for=${oid}>${o.label}</label>
      </div>`;
    }));
  }

  #checkboxes() {
    const { field, value, inputId: id } = this.props;
    const chosen = Array.isArray(value) ? value.map(String) : [];
    return this.#fieldset('checkboxes', options(field, value, this.props.controlling).map((o, i) => {
      const oid = i === 0 ? id : `${id}-${i}`;
      return html`<div class="fw-checkboxes__item">
        <input class="fw-checkboxes__input" id=${oid} name=${id} type="checkbox" .checked=${live(chosen.includes(o.value))}
          @change=${(e: Event) => this.#toggle(o.value, (e.target as HTMLInputElement).checked)}>
        <label class="fw-label fw-checkboxes__label" for=${oid}>${o.label}</label>
      </div>`;
    }));
  }

  #select() {
    const { field, value, error, inputId: id, mandatory } = this.props;
    const current = value === null || value === undefined ? '' : String(value);
    return widgetFrame(this.props, html`<select class="fw-select ${error ? 'fw-select--error' : ''}" id=${id} name=${field.name}
        aria-describedby=${ifDefined(describedBy(id, field.help, error))} aria-invalid=${error ? 'true' : 'false'}
        aria-required=${mandatory ? 'true' : 'false'} @change=${this.#onSelect}>
        <option value="" .selected=${live(current === '')}>${mandatory ? 'Select an option' : 'None'}</option>
        ${options(field, value, this.props.controlling).map((o) => html`<option value=${o.value} .selected=${live(o.value === current)}>${o.label}</option>`)}
      </select>`);
  }

  #toggle(option: string, checked: boolean) {
    const chosen = Array.isArray(this.props.value) ? this.props.value.map(String) : [];
    const order = (this.props.field.choices ?? []).map((c) => c.value);
    const next = checked ? [...new Set([...chosen, option])] : chosen.filter((v) => v !== option);
    next.sort((a, b) => order.indexOf(a) - order.indexOf(b));
    this.dispatchEvent(new FieldChangeEvent(this.props.field.name, next));
  }

  #onSelect = (e: Event) => {
    const v = (e.target as HTMLSelectElement).value;
    this.dispatchEvent(new FieldChangeEvent(this.props.field.name, v === '' ? null : v));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-choice-field': FwChoiceField;
  }
}
