import { consume } from '@lit/context';
import { Task } from '@lit/task';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { tablePath, type ApiClient } from '../api/client.js';
import type { RecordData } from '../api/types.js';
import { FieldChangeEvent } from '../events.js';
import { Combobox, type ComboOption } from './combobox.js';
import { describedBy, readOnlyField, widgetFrame, type FieldProps } from './field-parts.js';
import type { Metadata } from '../api/meta.js';
import { apiContext, metaContext } from '../contexts.js';

const SEARCH_LIMIT = 10;
const DEFAULT_HINT = 'Start typing, then choose from the list.';

/** The display text of a referenced record. */
function labelOf(record: RecordData, displayField: string): string {
  const v = record[displayField] ?? record.number;
  return v === null || v === undefined || v === '' ? `Record ${String(record.id).slice(0, 8)}` : String(v);
}

/**
 * A reference field as an ARIA 1.2 combobox with a list box: typing searches the target table through the API
 * (`contains` on its display field, 10 results, so the server's access rules decide what is offered); arrow keys
 * move through the options, Enter chooses, Escape closes the list (or, when closed, restores the chosen record's
 * text). Leaving the field with its text cleared clears the value; leaving it with text that was not chosen puts
 * the chosen record's text back. The number of results is announced in a status region.
 *
 * @fires fw-field-change - the id of the chosen record, or null
 */
@customElement('fw-reference-field')
export class FwReferenceField extends LightElement {
  /** The field, its value and its state, from the form. */
  @property({ attribute: false }) accessor props!: FieldProps;

  @consume({ context: apiContext }) private accessor api!: ApiClient;
  @consume({ context: metaContext, subscribe: true }) private accessor metadata!: Metadata;

  @state() private accessor chosenLabel = '';

  /** The record last chosen here: its label is known, so the value coming back from the form needs no lookup. */
  #chosen: ComboOption | null = null;

  /** The text of the record the value names (its display field); the answer for an earlier value is dropped. */
  #label = new Task(this, {
    args: () => [this.api, this.metadata, this.props.field.reference, this.props.value] as const,
    task: async ([api, metadata, target, value], { signal }) => {
      if (value === null || value === undefined || value === '' || !target) return '';
      const id = String(value);
      if (this.#chosen?.id === id) return this.#chosen.label;
      try {
        const meta = await metadata.table(target);
        const { data } = await api.get<RecordData>(tablePath(target, id), { query: { fields: meta.displayField }, signal });
        return labelOf(data, meta.displayField);
      } catch (e) {
        if (signal.aborted) throw e;
        return `Record ${id.slice(0, 8)}`;
      }
    },
    onComplete: (label) => {
      this.chosenLabel = label;
      this.#combo.text = label;
    },
  });

  /**
   * The type-ahead over the target table: `contains` on its display field, so the server's access rules decide what
   * is offered.
   */
  #combo = new Combobox<ComboOption>(this, {
    inputId: () => this.props.inputId,
    canSearch: () => !!this.props.field.reference,
    search: async (q, signal) => {
      const target = this.props.field.reference!;
      const meta = await this.metadata.table(target);
      const filter = JSON.stringify({ fact: meta.displayField, operator: 'contains', value: q });
      const { data } = await this.api.get<RecordData[]>(tablePath(target), {
        query: { filter, limit: SEARCH_LIMIT, fields: meta.displayField, total: false }, signal,
      });
      return data.map((r): ComboOption => ({ id: String(r.id), label: labelOf(r, meta.displayField) }));
    },
    chosenLabel: () => this.chosenLabel,
    hasValue: () => this.props.value !== null && this.props.value !== undefined,
    onChoose: (option) => this.#emit(option?.id ?? null, option?.label ?? ''),
    found: (n) => `${n} ${n === 1 ? 'result is' : 'results are'} available. Use up and down arrows to review and Enter to choose.`,
    none: 'No results found',
  });

  override render() {
    const { field, error, inputId: id, mandatory } = this.props;
    if (this.props.readOnly) return readOnlyField(this.props, this.#label.value ?? '');
    const help = field.help ? `${field.help} ${DEFAULT_HINT}` : DEFAULT_HINT;
    return widgetFrame(this.props, this.#combo.render({
      name: field.name, label: field.label, describedBy: describedBy(id, help, error), error, required: mandatory,
    }), { hint: help });
  }

  #emit(id: string | null, label: string) {
    this.chosenLabel = label;
    this.#chosen = id === null ? null : { id, label };
    this.dispatchEvent(new FieldChangeEvent(this.props.field.name, id));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-reference-field': FwReferenceField;
  }
}
