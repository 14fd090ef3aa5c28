import { html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import type { Condition } from '../../platform/conditions/browser.js';
import type { FieldMeta } from '../api/types.js';
import { FilterEvent } from '../events.js';
import type { FwErrorSummary, SummaryItem } from '../fw-error-summary.js';
import '../fw-error-summary.js';
import type { FwConditionBuilder } from '../conditions/fw-condition-builder.js';
import '../conditions/fw-condition-builder.js';

/**
 * A list's filter: the shared condition builder (nested groups of conditions on the table's fields, in the
 * operators a list can query) with "Apply filter" and "Clear filter". Applying checks the started conditions
 * (GOV.UK error summary on problems) and fires the condition.
 *
 * @fires fw-filter - the condition to apply, or null to clear the filter
 */
@customElement('fw-filter-builder')
export class FwFilterBuilder extends LightElement {
  /** The table's fields (the builder offers the filterable ones). */
  @property({ attribute: false }) accessor fields: FieldMeta[] = [];
  /** The filter in force. */
  @property({ attribute: false }) accessor condition: Condition | null = null;
  /** Prefix of the controls' ids. */
  @property() accessor idPrefix = 'filter';

  @state() private accessor summary: SummaryItem[] = [];
  @query('fw-condition-builder') private accessor builder!: FwConditionBuilder;

  override render() {
    return html`<form class="fw-filter" novalidate @submit=${this.#apply}>
      <fw-error-summary .items=${this.summary}></fw-error-summary>
      <fw-condition-builder .fields=${this.fields} .condition=${this.condition} mode="filter" idPrefix=${this.idPrefix}
        legend="Show records where"></fw-condition-builder>
      <div class="fw-button-group">
        <button type="submit" class="fw-button">Apply filter</button>
        <button type="button" class="fw-button fw-button--secondary" @click=${this.#clear}>Clear filter</button>
      </div>
    </form>`;
  }

  #apply = async (e: Event) => {
    e.preventDefault();
    this.summary = await this.builder.check();
    if (this.summary.length) {
      await this.updateComplete;
      await this.querySelector<FwErrorSummary>('fw-error-summary')?.show();
      return;
    }
    this.dispatchEvent(new FilterEvent(this.builder.value));
  };

  #clear = () => {
    this.summary = [];
    this.builder.reset();
    this.dispatchEvent(new FilterEvent(null));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-filter-builder': FwFilterBuilder;
  }
}
