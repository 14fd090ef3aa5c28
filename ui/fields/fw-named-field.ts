import { consume } from '@lit/context';
import { Task } from '@lit/task';
import { customElement, property } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { tablePath, type ApiClient } from '../api/client.js';
import type { RecordData } from '../api/types.js';
import { readOnlyField, type FieldProps } from './field-parts.js';
import { apiContext } from '../contexts.js';

/**
 * The record's display values, one request per record version however many of its fields name something: the
 * fields of one form share it. Kept for the last few versions only.
 */
const shown = new Map<string, Promise<RecordData>>();
const KEEP = 8;

function displayed(api: ApiClient, table: string, id: string, revision: number): Promise<RecordData> {
  const key = `${table}/${id}/${revision}`;
  let p = shown.get(key);
  if (!p) {
    p = api.get<RecordData>(tablePath(table, id), { query: { display: 'true' } }).then((r) => r.data);
    p.catch(() => shown.delete(key));
    shown.set(key, p);
    if (shown.size > KEEP) shown.delete(shown.keys().next().value!);
  }
  return p;
}

/**
 * A field naming a person, queue, organisation or role (`names`): shown by its label (the record's display value),
 * never typed — such values change through the actions that own them (assignment, routing) or the API, which checks
 * them. Before the record exists, the stored key is what there is to show.
 */
@customElement('fw-named-field')
export class FwNamedField extends LightElement {
  /** The field, its value and its state, from the form. */
  @property({ attribute: false }) accessor props!: FieldProps;

  @consume({ context: apiContext }) private accessor api!: ApiClient;

  #label = new Task(this, {
    args: () => [
      this.api, this.props.record?.table, this.props.record?.id, this.props.revision ?? 0, this.props.field.name, this.props.value,
    ] as const,
    task: async ([api, table, id, revision, name, value]) => {
      if (value === null || value === undefined || value === '') return '';
      if (!table || !id) return String(value);
      const record = await displayed(api, table, id, revision);
      const label = record[name];
      return label === null || label === undefined ? String(value) : String(label);
    },
  });

  override render() {
    const value = this.props.value;
    const fallback = value === null || value === undefined ? '' : String(value);
    return readOnlyField(this.props, this.#label.value ?? (this.props.record && fallback ? 'Loading…' : fallback));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-named-field': FwNamedField;
  }
}
