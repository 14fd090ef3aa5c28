import { customElement, property } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { Combobox, type ComboOption } from '../fields/combobox.js';
import { describedBy, fieldFrame } from '../fields/field-parts.js';
import type { Candidate } from './api.js';

/** The picker's choice changed: the person chosen (`id`: their username, `label`: their name), or null. */
export class PersonPickEvent extends Event {
  static readonly eventName = 'fw-person-pick' as const;
  constructor(readonly person: ComboOption | null) {
    super(PersonPickEvent.eventName, { bubbles: true, composed: true });
  }
}

/**
 * A type-ahead choice of one person among those an action accepts (an ARIA 1.2 combobox with a list box), showing
 * names: the host gives `search`, which asks the server for its candidates, so only people the action would accept
 * are offered. Keys and announcements are the shared combobox's (ui/fields/combobox.ts).
 *
 * @fires fw-person-pick - the person chosen, or null
 */
@customElement('fw-person-picker')
export class FwPersonPicker extends LightElement {
  /** The input's id (the label, hint and the error summary's link point to it). */
  @property() accessor inputId = '';
  @property() accessor name = '';
  @property() accessor label = '';
  @property() accessor hint = '';
  @property({ attribute: false }) accessor error: string | null = null;
  /** The candidates whose name or username contains the text typed. */
  @property({ attribute: false }) accessor search: ((q: string, signal: AbortSignal) => Promise<Candidate[]>) | null = null;
  /** The person chosen, or null. */
  @property({ attribute: false }) accessor value: ComboOption | null = null;

  #combo = new Combobox<ComboOption>(this, {
    inputId: () => this.inputId,
    canSearch: () => !!this.search,
    search: async (q, signal) => (await this.search!(q.slice(0, 100), signal)).map((c) => ({ id: c.username, label: c.name })),
    chosenLabel: () => this.value?.label ?? '',
    hasValue: () => !!this.value,
    onChoose: (person) => this.dispatchEvent(new PersonPickEvent(person)),
    found: (n) => `${n} ${n === 1 ? 'person is' : 'people are'} available. Use up and down arrows to review and Enter to choose.`,
    none: 'No one found',
  });

  protected override willUpdate(changed: Map<PropertyKey, unknown>) {
    if (changed.has('value')) this.#combo.text = this.value?.label ?? '';
  }

  override render() {
    const { inputId: id, label, hint, error } = this;
    return fieldFrame({ id, label, error, hint }, this.#combo.render({
      name: this.name, label, inputClass: 'fw-input--width-20', describedBy: describedBy(id, hint, error), error,
    }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-person-picker': FwPersonPicker;
  }
  interface HTMLElementEventMap {
    'fw-person-pick': PersonPickEvent;
  }
}
