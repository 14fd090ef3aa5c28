import { html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { LightElement } from '../light-element.js';
import type { Condition } from '../../platform/conditions/browser.js';
import type { FieldMeta } from '../api/types.js';
import { FilterEvent, type FieldChangeEvent } from '../events.js';
import '../fields/fw-reference-field.js';
import type { FwErrorSummary, SummaryItem } from '../fw-error-summary.js';
import '../fw-error-summary.js';
import {
  conditionOf, filterableFields, isRelative, OPERATOR_LABELS, operatorsFor, rowProblem, rowsOf, takesValue,
  type FilterRow, type Match,
} from './filter-model.js';

let keys = 0;
const nextKey = () => ++keys;

/**
 * Builds a filter in the condition language: rows of field, operator (those that suit the field's type) and
 * value, combined with "all" or "any". Each row is a fieldset with a legend ("Condition 2"). Applying checks the
 * rows (GOV.UK error summary on problems) and fires the condition.
 *
 * A condition the builder cannot show as rows (nested groups, facts other than fields) is kept as it is and shown
 * as a note; rows added then are combined with it.
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

  @state() private accessor rows: FilterRow[] = [];
  @state() private accessor match: Match = 'all';
  @state() private accessor kept: Condition | null = null;
  @state() private accessor problems = new Map<number, string>();

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('condition') || changed.has('fields')) {
      const parsed = rowsOf(this.condition, filterableFields(this.fields), nextKey);
      this.rows = parsed ? parsed.rows : [];
      this.match = parsed ? parsed.match : 'all';
      this.kept = parsed ? null : this.condition;
      this.problems = new Map();
      if (!this.rows.length && !this.kept) this.rows = [this.#emptyRow()];
    }
  }

  override render() {
    const summary: SummaryItem[] = this.rows.flatMap((r) => {
      const p = this.problems.get(r.key);
      return p ? [{ text: p, target: this.#id(r, r.field ? 'value' : 'field') }] : [];
    });
    return html`<form class="fw-filter" novalidate @submit=${this.#apply}>
      <fw-error-summary .items=${summary}></fw-error-summary>
      ${this.kept ? html`<p class="fw-inset-text">This list also has a filter that cannot be edited here; it stays in force.</p>` : nothing}
      ${this.rows.length > 1 ? html`<div class="fw-form-group">
        <fieldset class="fw-fieldset">
          <legend class="fw-fieldset__legend fw-fieldset__legend--s">Show records that match</legend>
          <div class="fw-radios fw-radios--inline">
            ${(['all', 'any'] as const).map((m) => html`<div class="fw-radios__item">
              <input class="fw-radios__input" type="radio" id=${`${this.idPrefix}-match-${m}`} name=${`${this.idPrefix}-match`}
                .checked=${live(this.match === m)} @change=${() => { this.match = m; }}>
              <label class="fw-label fw-radios__label" for=${`${this.idPrefix}-match-${m}`}>${m === 'all' ? 'all the conditions' : 'any of the conditions'}</label>
            </div>`)}
          </div>
        </fieldset>
      </div>` : nothing}
      ${this.rows.map((row, i) => this.#renderRow(row, i))}
      <div class="fw-button-group">
        <button type="button" class="fw-button fw-button--secondary" @click=${this.#add}>Add a condition</button>
        <button type="submit" class="fw-button">Apply filter</button>
        <button type="button" class="fw-button fw-button--secondary" @click=${this.#clear}>Clear filter</button>
      </div>
    </form>`;
  }

  #renderRow(row: FilterRow, i: number) {
    const fields = filterableFields(this.fields);
    const field = fields.find((f) => f.name === row.field);
    const problem = this.problems.get(row.key) ?? null;
    const n = i + 1;
    return html`<fieldset class="fw-fieldset fw-filter__row ${problem ? 'fw-form-group--error' : ''}"
      @fw-field-change=${(e: FieldChangeEvent) => { e.stopPropagation(); this.#update(row, { value: e.value === null ? '' : String(e.value) }); }}>
      <legend class="fw-fieldset__legend fw-fieldset__legend--s">Condition ${n}</legend>
      ${problem ? html`<p class="fw-error-message" id=${this.#id(row, 'error')}><span class="fw-visually-hidden">Error:</span> ${problem}</p>` : nothing}
      <div class="fw-filter__controls">
        <div class="fw-form-group">
          <label class="fw-label" for=${this.#id(row, 'field')}>Field</label>
          <select class="fw-select" id=${this.#id(row, 'field')} @change=${(e: Event) => this.#changeField(row, (e.target as HTMLSelectElement).value)}>
            <option value="" .selected=${live(row.field === '')}>Select a field</option>
            ${fields.map((f) => html`<option value=${f.name} .selected=${live(f.name === row.field)}>${f.label}</option>`)}
          </select>
        </div>
        ${field ? html`<div class="fw-form-group">
          <label class="fw-label" for=${this.#id(row, 'operator')}>Operator</label>
          <select class="fw-select" id=${this.#id(row, 'operator')} @change=${(e: Event) => this.#update(row, { operator: (e.target as HTMLSelectElement).value })}>
            ${operatorsFor(field).map((op) => html`<option value=${op} .selected=${live(op === row.operator)}>${OPERATOR_LABELS[op] ?? op}</option>`)}
          </select>
        </div>` : nothing}
        ${field && takesValue(row.operator) ? this.#renderValue(row, field, problem) : nothing}
        <div class="fw-form-group fw-filter__remove">
          <button type="button" class="fw-button fw-button--secondary" @click=${() => this.#remove(row)}>
            Remove<span class="fw-visually-hidden"> condition ${n}</span>
          </button>
        </div>
      </div>
    </fieldset>`;
  }

  #renderValue(row: FilterRow, field: FieldMeta, problem: string | null) {
    const id = this.#id(row, 'value');
    const describedby = problem ? this.#id(row, 'error') : undefined;
    const onInput = (e: Event) => this.#update(row, { value: (e.target as HTMLInputElement).value });
    const label = isRelative(row.operator) ? 'Number of days' : 'Value';
    const cls = `fw-input ${problem ? 'fw-input--error' : ''}`;
    if (field.type === 'reference' && !isRelative(row.operator)) {
      const props = {
        field: { ...field, label, help: undefined, required: false }, value: row.value || null, mandatory: false,
        readOnly: false, error: null, inputId: id,
      };
      return html`<fw-reference-field class="fw-filter__value" .props=${props}></fw-reference-field>`;
    }
    let control;
    if (!isRelative(row.operator) && (field.type === 'choice' || field.type === 'boolean')) {
      const options = field.type === 'boolean'
        ? [{ value: 'true', label: 'Yes' }, { value: 'false', label: 'No' }]
        : (field.choices ?? []).map((c) => ({ value: c.value, label: c.inactive ? `${c.label} (no longer used)` : c.label }));
      control = html`<select class="fw-select" id=${id} aria-describedby=${describedby ?? nothing} @change=${onInput}>
        <option value="" .selected=${live(row.value === '')}>Select a value</option>
        ${options.map((o) => html`<option value=${o.value} .selected=${live(o.value === row.value)}>${o.label}</option>`)}
      </select>`;
    } else if (!isRelative(row.operator) && (field.type === 'date' || field.type === 'datetime')) {
      control = html`<input class=${cls} id=${id} type=${field.type === 'date' ? 'date' : 'datetime-local'}
        aria-describedby=${describedby ?? nothing} .value=${live(row.value)} @input=${onInput}>`;
    } else {
      const numeric = isRelative(row.operator) || field.type === 'integer' || field.type === 'decimal' || field.type === 'currency';
      control = html`<input class="${cls} ${numeric ? 'fw-input--width-5' : ''}" id=${id} type="text"
        inputmode=${numeric ? 'decimal' : nothing} autocomplete="off" aria-describedby=${describedby ?? nothing}
        .value=${live(row.value)} @input=${onInput}>`;
    }
    return html`<div class="fw-form-group fw-filter__value"><label class="fw-label" for=${id}>${label}</label>${control}</div>`;
  }

  #id(row: FilterRow, part: string) {
    return `${this.idPrefix}-${row.key}-${part}`;
  }

  #emptyRow(): FilterRow {
    return { key: nextKey(), field: '', operator: '', value: '' };
  }

  #update(row: FilterRow, patch: Partial<FilterRow>) {
    this.rows = this.rows.map((r) => (r.key === row.key ? { ...r, ...patch } : r));
  }

  #changeField(row: FilterRow, name: string) {
    const field = this.fields.find((f) => f.name === name);
    this.#update(row, { field: name, operator: operatorsFor(field)[0] ?? '', value: '' });
  }

  #add = async () => {
    const row = this.#emptyRow();
    this.rows = [...this.rows, row];
    await this.updateComplete;
    this.querySelector<HTMLElement>(`#${CSS.escape(this.#id(row, 'field'))}`)?.focus();
  };

  #remove(row: FilterRow) {
    const i = this.rows.findIndex((r) => r.key === row.key);
    this.rows = this.rows.filter((r) => r.key !== row.key);
    const problems = new Map(this.problems);
    problems.delete(row.key);
    this.problems = problems;
    void this.updateComplete.then(() => {
      const next = this.rows[Math.min(i, this.rows.length - 1)];
      const target = next ? this.querySelector<HTMLElement>(`#${CSS.escape(this.#id(next, 'field'))}`) : this.querySelector<HTMLElement>('.fw-filter .fw-button');
      target?.focus();
    });
  }

  #apply = async (e: Event) => {
    e.preventDefault();
    const fields = filterableFields(this.fields);
    const used = this.rows.filter((r) => r.field !== '' || r.value !== '');
    const problems = new Map<number, string>();
    used.forEach((r) => {
      const p = rowProblem(r, fields.find((f) => f.name === r.field), this.rows.indexOf(r) + 1);
      if (p) problems.set(r.key, p);
    });
    this.problems = problems;
    if (problems.size) {
      await this.updateComplete;
      await this.querySelector<FwErrorSummary>('fw-error-summary')?.show();
      return;
    }
    const built = conditionOf(used, this.match, fields);
    const condition = this.kept && built ? { all: [this.kept, built] } : this.kept ?? built;
    this.dispatchEvent(new FilterEvent(condition));
  };

  #clear = () => {
    this.kept = null;
    this.rows = [this.#emptyRow()];
    this.problems = new Map();
    this.dispatchEvent(new FilterEvent(null));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-filter-builder': FwFilterBuilder;
  }
}
