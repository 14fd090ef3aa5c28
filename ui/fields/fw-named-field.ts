import { consume } from '@lit/context';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { readOnlyField, type FieldProps } from './field-parts.js';
import { displayOf, recordDisplayContext, type RecordDisplay } from '../record/display-values.js';

/**
 * A field naming a person, queue, organisation or role (`names`): shown by its label (the record's display value),
 * never typed — such values change through the actions that own them (assignment, routing) or the API, which checks
 * them. The label comes from the display values the record page read once for the record's version
 * (recordDisplayContext), shared with the page's header; before the record exists, or where no page read them, the
 * stored key is what there is to show.
 */
@customElement('fw-named-field')
export class FwNamedField extends LightElement {
  /** The field, its value and its state, from the form. */
  @property({ attribute: false }) accessor props!: FieldProps;

  /** The record's display values, from the record page. */
  @consume({ context: recordDisplayContext, subscribe: true }) @state() private accessor display: RecordDisplay | undefined = undefined;

  override render() {
    const { value, record, field } = this.props;
    if (value === null || value === undefined || value === '') return readOnlyField(this.props, '');
    const label = record ? displayOf(this.display?.values, field.name, value) : null;
    // A label read for another value (the record changed meanwhile) is not shown; a fresh read is under way.
    const shown = label ?? (record && this.display?.loading ? 'Loading…' : String(value));
    return readOnlyField(this.props, shown);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-named-field': FwNamedField;
  }
}
