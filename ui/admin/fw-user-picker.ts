import { consume } from '@lit/context';
import { customElement, property } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import type { AdminUserSummary } from '../api/admin.js';
import type { ApiClient } from '../api/client.js';
import { apiContext } from '../contexts.js';
import { Combobox } from '../fields/combobox.js';
import { describedBy, fieldFrame } from '../fields/field-parts.js';

/** A person offered or chosen: their id (what the API takes) and their name (what people read). */
export interface PickedUser { id: string; label: string }

/** The picker's choice changed: the person chosen, or null when the field was cleared. */
export class UserPickEvent extends Event {
  static readonly eventName = 'fw-user-pick' as const;
  constructor(readonly user: PickedUser | null) {
    super(UserPickEvent.eventName, { bubbles: true, composed: true });
  }
}

const SEARCH_LIMIT = 10;

/** How a person is named to people: their name, the username only when they have none. */
export function personLabel(u: { displayName: string | null; username: string }): string {
  return u.displayName || u.username;
}

/**
 * A type-ahead choice of one active person of an organisation (an ARIA 1.2 combobox with a list box) over
 * GET /api/admin/users?q=&org=&status=active, showing names, never usernames or ids. Arrow keys move through the
 * options, Enter chooses, Escape closes the list (or, when closed, restores the chosen name). Leaving the field with
 * its text cleared clears the choice; leaving it with text not chosen puts the chosen name back. The number of
 * results is announced in a status region.
 *
 * @fires fw-user-pick - the person chosen, or null
 */
@customElement('fw-user-picker')
export class FwUserPicker extends LightElement {
  /** The input's id (the label, hint, error and the error summary's link point to it). */
  @property() accessor inputId = '';
  /** The input's name. */
  @property() accessor name = '';
  @property() accessor label = '';
  @property() accessor hint = '';
  /** The error message to show, or null. */
  @property({ attribute: false }) accessor error: string | null = null;
  /** The organisation (id) whose people are offered; empty: the administrator's own. */
  @property() accessor org = '';
  /** A person never offered (the account being edited cannot manage themself). */
  @property() accessor excludeId = '';
  /** The person chosen, or null. */
  @property({ attribute: false }) accessor value: PickedUser | null = null;

  @consume({ context: apiContext }) private accessor api!: ApiClient;

  /** The type-ahead over the organisation's active people; a choice is told to the page as a UserPickEvent. */
  #combo = new Combobox<PickedUser>(this, {
    inputId: () => this.inputId,
    search: async (q, signal) => {
      const query: Record<string, string | number> = { q: q.slice(0, 100), status: 'active', sort: 'displayName', limit: SEARCH_LIMIT + 1 };
      if (this.org) query.org = this.org;
      const { data } = await this.api.get<AdminUserSummary[]>('/admin/users', { query, signal });
      const offered = data.filter((u) => u.id !== this.excludeId).slice(0, SEARCH_LIMIT);
      return offered.map((u): PickedUser => ({ id: u.id, label: personLabel(u) }));
    },
    chosenLabel: () => this.value?.label ?? '',
    hasValue: () => !!this.value,
    onChoose: (user) => this.dispatchEvent(new UserPickEvent(user)),
    found: (n) => `${n} ${n === 1 ? 'person is' : 'people are'} available. Use up and down arrows to review and Enter to choose.`,
    none: 'No one found',
  });

  protected override willUpdate(changed: Map<PropertyKey, unknown>) {
    if (changed.has('value')) this.#combo.text = this.value?.label ?? '';
  }

  override render() {
    const id = this.inputId;
    const { label, hint, error } = this;
    return fieldFrame({ id, label, error, hint }, this.#combo.render({
      name: this.name, label, inputClass: 'fw-input--width-20', describedBy: describedBy(id, hint, error), error,
    }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-user-picker': FwUserPicker;
  }
  interface HTMLElementEventMap {
    'fw-user-pick': UserPickEvent;
  }
}
