import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { LightElement } from '../light-element.js';
import type { Condition } from '../../platform/conditions/browser.js';
import type { FieldMeta } from '../api/types.js';
import type { FieldChangeEvent } from '../events.js';
import type { SummaryItem } from '../fw-error-summary.js';
import '../fields/fw-reference-field.js';
import {
  conditionOf, emptyGroup, emptyLeaf, MAX_DEPTH, numberedLeaves, sameJson, treeOf, treeProblems,
  type ConditionNode, type GroupNode, type LeafNode, type RawNode,
} from './condition-model.js';
import {
  filterableFields, isList, isNumeric, isRange, isRelative, OPERATOR_LABELS, operatorsFor, SPAN_UNITS, takesValue, type BuilderMode,
} from './condition-operators.js';
import { addChild, depthOf, moveNode, removeNode, updateNode } from './condition-tree.js';
import { conditionWords, rawWords } from './condition-words.js';

let keys = 0;
const nextKey = () => ++keys;

/** Fired (bubbling) on every change with the condition the builder now holds (null when it holds none). */
export class ConditionChangeEvent extends Event {
  static readonly eventName = 'fw-condition-change' as const;
  constructor(readonly condition: Condition | null) {
    super(ConditionChangeEvent.eventName, { bubbles: true, composed: true });
  }
}

const MATCHES = [
  { id: 'all', label: 'all of these are true', match: 'all', negated: false },
  { id: 'any', label: 'any of these is true', match: 'any', negated: false },
  { id: 'notall', label: 'not all of these are true', match: 'all', negated: true },
  { id: 'none', label: 'none of these is true', match: 'any', negated: true },
] as const;

/**
 * Builds a condition in the condition language: nested groups (all / any / not all / none) of conditions on the
 * table's fields, each a fieldset with a legend ("Condition 2") and field, operator (those that suit the field's
 * type) and value controls. Groups and conditions move with "Move up" / "Move down" buttons. A sentence below says
 * the whole condition in words. A condition the builder cannot show as a field (the person, the record before the
 * change, a value that is another fact) is kept as a JSON leaf with its own text area.
 *
 * The builder keeps its own tree while it edits: a `condition` property equal to the one it last fired does not
 * reset it, so half-built conditions survive the parent's round trip.
 *
 * @fires fw-condition-change - after every change, with the condition of the complete parts
 */
@customElement('fw-condition-builder')
export class FwConditionBuilder extends LightElement {
  /** The table's fields (the builder offers the filterable ones). */
  @property({ attribute: false }) accessor fields: FieldMeta[] = [];
  /** The condition shown. */
  @property({ attribute: false }) accessor condition: Condition | null = null;
  /** `filter` offers what a list can query; `condition` adds the operators on changes, and facts are `record.<field>`. */
  @property() accessor mode: BuilderMode = 'filter';
  /** Prefix of the controls' ids (unique on the page). */
  @property() accessor idPrefix = 'condition';
  /** The top group's legend, e.g. "Show records where" or "Applies when". */
  @property() accessor legend = 'Show records where';
  /** False: shown, not changed. */
  @property({ type: Boolean }) accessor editable = true;

  @state() private accessor root: GroupNode = treeOf(null, { fields: [], mode: 'filter', nextKey });
  @state() private accessor problems = new Map<number, string>();

  #fired: Condition | null | undefined = undefined;

  /** The condition of the complete parts now (null when there is none). */
  get value(): Condition | null {
    const c = conditionOf(this.root, this.fields);
    return c && 'all' in c && !c.all.length && !this.root.negated ? null : c;
  }

  /** Check every started condition; shows the problems inline and returns them for an error summary. */
  async check(): Promise<SummaryItem[]> {
    this.problems = treeProblems(this.root, filterableFields(this.fields));
    await this.updateComplete;
    return numberedLeaves(this.root).flatMap((n) => {
      const p = this.problems.get(n.key);
      if (!p) return [];
      return [{ text: p, target: this.#id(n, n.type === 'raw' ? 'json' : n.field ? 'value' : 'field') }];
    });
  }

  /** Start again with one empty condition. */
  reset() {
    this.root = { ...this.root, children: [emptyLeaf(nextKey(), this.mode)], negated: false, match: 'all', implied: false };
    this.problems = new Map();
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    const fresh = changed.has('condition') && !(this.#fired !== undefined && sameJson(this.condition, this.#fired));
    if (fresh || changed.has('fields') || changed.has('mode')) {
      this.root = treeOf(this.condition, { fields: filterableFields(this.fields), mode: this.mode, nextKey });
      if (!this.root.children.length) this.root = { ...this.root, children: [emptyLeaf(nextKey(), this.mode)] };
      this.problems = new Map();
      this.#fired = undefined;
    }
  }

  override render() {
    const numbers = new Map(numberedLeaves(this.root).map((n, i) => [n.key, i + 1]));
    const sentenceId = `${this.idPrefix}-sentence`;
    return html`<fieldset class="fw-fieldset fw-condition" ?disabled=${!this.editable} aria-describedby=${sentenceId}>
      <legend class="fw-fieldset__legend fw-fieldset__legend--s">${this.legend}</legend>
      ${this.#renderGroupBody(this.root, numbers, 1)}
      <p class="fw-body fw-condition__sentence" id=${sentenceId}><strong>In words:</strong> ${conditionWords(this.root, this.fields)}</p>
    </fieldset>`;
  }

  #renderGroupBody(g: GroupNode, numbers: Map<number, number>, depth: number): TemplateResult {
    const showMatch = depth > 1 || g.children.length > 1 || g.negated;
    const current = MATCHES.find((m) => m.match === g.match && m.negated === g.negated)!;
    return html`
      ${showMatch ? html`<div class="fw-form-group fw-condition__match">
        <fieldset class="fw-fieldset">
          <legend class="fw-fieldset__legend">${depth === 1 ? 'Match when' : 'This group matches when'}</legend>
          <div class="fw-radios fw-radios--inline">
            ${MATCHES.map((m) => html`<div class="fw-radios__item">
              <input class="fw-radios__input" type="radio" id=${`${this.#id(g, 'match')}-${m.id}`} name=${this.#id(g, 'match')}
                .checked=${live(m === current)} @change=${() => this.#edit(updateNode(this.root, g.key, (n) => ({ ...(n as GroupNode), match: m.match, negated: m.negated })))}>
              <label class="fw-label fw-radios__label" for=${`${this.#id(g, 'match')}-${m.id}`}>${m.label}</label>
            </div>`)}
          </div>
        </fieldset>
      </div>` : nothing}
      ${g.children.map((c, i) => this.#renderNode(c, numbers, depth, i, g.children.length))}
      <div class="fw-button-group fw-condition__adds">
        <button type="button" class="fw-button fw-button--secondary" id=${this.#id(g, 'add')} data-action="add-condition" @click=${() => this.#add(g, emptyLeaf(nextKey(), this.mode))}>
          Add a condition${depth > 1 ? html`<span class="fw-visually-hidden"> to this group</span>` : nothing}
        </button>
        ${depth < MAX_DEPTH ? html`<button type="button" class="fw-button fw-button--secondary" id=${this.#id(g, 'addgroup')} data-action="add-group"
          @click=${() => this.#add(g, emptyGroup(nextKey, this.mode, g.match === 'all' ? 'any' : 'all'))}>
          Add a group${depth > 1 ? html`<span class="fw-visually-hidden"> inside this group</span>` : nothing}
        </button>` : nothing}
      </div>`;
  }

  #renderNode(n: ConditionNode, numbers: Map<number, number>, depth: number, i: number, count: number): TemplateResult {
    if (n.type === 'group') {
      const name = `Group ${this.#groupNumber(n)}`;
      return html`<fieldset class="fw-fieldset fw-condition__group" id=${this.#id(n, 'group')}>
        <legend class="fw-fieldset__legend fw-fieldset__legend--s">${name}</legend>
        ${this.#renderGroupBody(n, numbers, depth + 1)}
        <div class="fw-button-group">${this.#moves(n, name, i, count)}
          <button type="button" class="fw-button fw-button--warning" @click=${() => this.#remove(n)}>Remove group<span class="fw-visually-hidden"> ${name}</span></button>
        </div>
      </fieldset>`;
    }
    const number = numbers.get(n.key)!;
    return n.type === 'raw' ? this.#renderRaw(n, number, i, count) : this.#renderLeaf(n, number, i, count);
  }

  #moves(n: ConditionNode, name: string, i: number, count: number) {
    return html`${i > 0 ? html`<button type="button" class="fw-button fw-button--secondary" id=${this.#id(n, 'up')} data-action="move-up" @click=${() => this.#move(n, -1)}>
        Move up<span class="fw-visually-hidden"> ${name.toLowerCase()}</span></button>` : nothing}
      ${i < count - 1 ? html`<button type="button" class="fw-button fw-button--secondary" id=${this.#id(n, 'down')} data-action="move-down" @click=${() => this.#move(n, 1)}>
        Move down<span class="fw-visually-hidden"> ${name.toLowerCase()}</span></button>` : nothing}`;
  }

  #error(n: ConditionNode) {
    const p = this.problems.get(n.key);
    return p ? html`<p class="fw-error-message" id=${this.#id(n, 'error')}><span class="fw-visually-hidden">Error:</span> ${p}</p>` : nothing;
  }

  #renderLeaf(n: LeafNode, number: number, i: number, count: number) {
    const fields = filterableFields(this.fields);
    const field = fields.find((f) => f.name === n.field);
    const problem = this.problems.get(n.key) ?? null;
    const name = `Condition ${number}`;
    return html`<fieldset class="fw-fieldset fw-filter__row ${problem ? 'fw-form-group--error' : ''}"
      @fw-field-change=${(e: FieldChangeEvent) => { e.stopPropagation(); this.#patch(n, { value: e.value === null ? '' : String(e.value) }); }}>
      <legend class="fw-fieldset__legend fw-fieldset__legend--s">${name}</legend>
      ${this.#error(n)}
      <div class="fw-filter__controls">
        <div class="fw-form-group">
          <label class="fw-label" for=${this.#id(n, 'field')}>Field</label>
          <select class="fw-select" id=${this.#id(n, 'field')} @change=${(e: Event) => this.#changeField(n, (e.target as HTMLSelectElement).value)}>
            <option value="" .selected=${live(n.field === '')}>Select a field</option>
            ${fields.map((f) => html`<option value=${f.name} .selected=${live(f.name === n.field)}>${f.label}</option>`)}
          </select>
        </div>
        ${field ? html`<div class="fw-form-group">
          <label class="fw-label" for=${this.#id(n, 'operator')}>Operator</label>
          <select class="fw-select" id=${this.#id(n, 'operator')} @change=${(e: Event) => this.#patch(n, { operator: (e.target as HTMLSelectElement).value })}>
            ${operatorsFor(field, this.mode).map((op) => html`<option value=${op} .selected=${live(op === n.operator)}>${OPERATOR_LABELS[op] ?? op}</option>`)}
          </select>
        </div>` : nothing}
        ${field && takesValue(n.operator) ? this.#renderValue(n, field, problem) : nothing}
        <div class="fw-form-group fw-filter__remove fw-button-group">
          ${this.#moves(n, name, i, count)}
          <button type="button" class="fw-button fw-button--secondary" @click=${() => this.#remove(n)}>
            Remove<span class="fw-visually-hidden"> condition ${number}</span>
          </button>
        </div>
      </div>
    </fieldset>`;
  }

  #renderRaw(n: RawNode, number: number, i: number, count: number) {
    const name = `Condition ${number}`;
    const problem = this.problems.get(n.key);
    // People filtering a list are not asked to read JSON: the condition stays in force, described in words.
    if (this.mode === 'filter') {
      return html`<fieldset class="fw-fieldset fw-filter__row">
        <legend class="fw-fieldset__legend fw-fieldset__legend--s">${name}</legend>
        <p class="fw-inset-text">${rawWords(n, new Map(this.fields.map((f) => [f.name, f])))}. This condition cannot be changed here; it
          stays in force unless you remove it.</p>
        <div class="fw-button-group">${this.#moves(n, name, i, count)}
          <button type="button" class="fw-button fw-button--secondary" @click=${() => this.#remove(n)}>Remove<span class="fw-visually-hidden"> condition ${number}</span></button>
        </div>
      </fieldset>`;
    }
    return html`<fieldset class="fw-fieldset fw-filter__row ${problem ? 'fw-form-group--error' : ''}">
      <legend class="fw-fieldset__legend fw-fieldset__legend--s">${name}</legend>
      ${this.#error(n)}
      <div class="fw-form-group">
        <label class="fw-label" for=${this.#id(n, 'json')}>Condition as JSON</label>
        <div class="fw-hint" id=${this.#id(n, 'hint')}>It tests something other than a field of this table (such as the person, or the
          record before the change), so it is kept as written.</div>
        <textarea class="fw-textarea fw-textarea--code" id=${this.#id(n, 'json')} rows="4" spellcheck="false"
          aria-describedby=${problem ? `${this.#id(n, 'hint')} ${this.#id(n, 'error')}` : this.#id(n, 'hint')}
          .value=${live(n.text)} @input=${(e: Event) => this.#patch(n, { text: (e.target as HTMLTextAreaElement).value })}></textarea>
      </div>
      <div class="fw-button-group">${this.#moves(n, name, i, count)}
        <button type="button" class="fw-button fw-button--secondary" @click=${() => this.#remove(n)}>Remove<span class="fw-visually-hidden"> condition ${number}</span></button>
      </div>
    </fieldset>`;
  }

  #renderValue(n: LeafNode, field: FieldMeta, problem: string | null) {
    const id = this.#id(n, 'value');
    const describedby = problem ? this.#id(n, 'error') : undefined;
    const cls = `fw-input ${problem ? 'fw-input--error' : ''}`;
    const op = n.operator;
    if (isRelative(op)) {
      return html`<div class="fw-form-group fw-filter__value"><label class="fw-label" for=${id}>Number of ${SPAN_UNITS[n.unit]?.[1] ?? n.unit}</label>
        <input class="${cls} fw-input--width-5" id=${id} type="text" inputmode="numeric" autocomplete="off" aria-describedby=${describedby ?? nothing}
          .value=${live(n.value)} @input=${(e: Event) => this.#patch(n, { value: (e.target as HTMLInputElement).value })}></div>
        <div class="fw-form-group"><label class="fw-label" for=${this.#id(n, 'unit')}>Unit</label>
        <select class="fw-select" id=${this.#id(n, 'unit')} @change=${(e: Event) => this.#patch(n, { unit: (e.target as HTMLSelectElement).value })}>
          ${Object.entries(SPAN_UNITS).map(([u, [, plural]]) => html`<option value=${u} .selected=${live(u === n.unit)}>${plural}</option>`)}
        </select></div>`;
    }
    if (isList(op)) {
      return html`<div class="fw-form-group fw-filter__value"><fieldset class="fw-fieldset" aria-describedby=${describedby ?? nothing}>
        <legend class="fw-fieldset__legend">Values</legend>
        <div class="fw-checkboxes">${(field.choices ?? []).map((c, k) => html`<div class="fw-checkboxes__item">
          <input class="fw-checkboxes__input" type="checkbox" id=${k === 0 ? id : `${id}-${k}`} .checked=${live(n.values.includes(c.value))}
            @change=${(e: Event) => this.#patch(n, { values: (e.target as HTMLInputElement).checked ? [...n.values, c.value] : n.values.filter((v) => v !== c.value) })}>
          <label class="fw-label fw-checkboxes__label" for=${k === 0 ? id : `${id}-${k}`}>${c.label}</label></div>`)}</div>
      </fieldset></div>`;
    }
    if (field.type === 'reference') {
      const props = { field: { ...field, label: 'Value', help: undefined, required: false }, value: n.value || null, mandatory: false, readOnly: false, error: null, inputId: id };
      return html`<fw-reference-field class="fw-filter__value" .props=${props}></fw-reference-field>`;
    }
    const control = (key: 'value' | 'value2', cid: string) => {
      const onInput = (e: Event) => this.#patch(n, { [key]: (e.target as HTMLInputElement).value });
      const v = n[key];
      if (field.type === 'choice' || field.type === 'boolean') {
        const options = field.type === 'boolean'
          ? [{ value: 'true', label: 'Yes' }, { value: 'false', label: 'No' }]
          : (field.choices ?? []).map((c) => ({ value: c.value, label: c.inactive ? `${c.label} (no longer used)` : c.label }));
        return html`<select class="fw-select" id=${cid} aria-describedby=${describedby ?? nothing} @change=${onInput}>
          <option value="" .selected=${live(v === '')}>Select a value</option>
          ${options.map((o) => html`<option value=${o.value} .selected=${live(o.value === v)}>${o.label}</option>`)}
        </select>`;
      }
      if (field.type === 'date' || field.type === 'datetime') {
        return html`<input class=${cls} id=${cid} type=${field.type === 'date' ? 'date' : 'datetime-local'}
          aria-describedby=${describedby ?? nothing} .value=${live(v)} @input=${onInput}>`;
      }
      return html`<input class="${cls} ${isNumeric(field) ? 'fw-input--width-5' : ''}" id=${cid} type="text"
        inputmode=${isNumeric(field) ? 'decimal' : nothing} autocomplete="off" aria-describedby=${describedby ?? nothing} .value=${live(v)} @input=${onInput}>`;
    };
    if (isRange(op)) {
      return html`<div class="fw-form-group fw-filter__value"><label class="fw-label" for=${id}>From</label>${control('value', id)}</div>
        <div class="fw-form-group fw-filter__value"><label class="fw-label" for=${this.#id(n, 'value2')}>To</label>${control('value2', this.#id(n, 'value2'))}</div>`;
    }
    return html`<div class="fw-form-group fw-filter__value"><label class="fw-label" for=${id}>Value</label>${control('value', id)}</div>`;
  }

  #id(n: ConditionNode, part: string) {
    return `${this.idPrefix}-${n.key}-${part}`;
  }

  #groupNumber(g: GroupNode): number {
    const groups: number[] = [];
    const walk = (n: ConditionNode) => {
      if (n.type !== 'group') return;
      if (n !== this.root) groups.push(n.key);
      n.children.forEach(walk);
    };
    walk(this.root);
    return groups.indexOf(g.key) + 1;
  }

  /** Take a new tree and tell the parent its condition. */
  #edit(root: GroupNode) {
    this.root = root;
    this.#fired = conditionOf(root, this.fields);
    this.dispatchEvent(new ConditionChangeEvent(this.#fired));
  }

  #patch(n: ConditionNode, patch: Partial<LeafNode> | Partial<RawNode>) {
    this.#edit(updateNode(this.root, n.key, (x) => ({ ...x, ...patch }) as ConditionNode));
    if (n.type === 'raw') {
      // JSON text is checked as it is typed: until it parses, the condition keeps its last good value.
      const problems = new Map(this.problems);
      const p = treeProblems(this.root, filterableFields(this.fields)).get(n.key);
      if (p) problems.set(n.key, p);
      else problems.delete(n.key);
      this.problems = problems;
    }
  }

  #changeField(n: LeafNode, name: string) {
    const field = this.fields.find((f) => f.name === name);
    this.#patch(n, { field: name, operator: operatorsFor(field, this.mode)[0] ?? '', value: '', value2: '', values: [] });
  }

  async #focus(id: string) {
    await this.updateComplete;
    this.querySelector<HTMLElement>(`#${CSS.escape(id)}`)?.focus();
  }

  #add(g: GroupNode, child: ConditionNode) {
    if (child.type === 'group' && depthOf(this.root, g.key) >= MAX_DEPTH) return;
    this.#edit(addChild(this.root, g.key, child));
    const first = child.type === 'group' ? child.children[0]! : child;
    void this.#focus(this.#id(first, 'field'));
  }

  #move(n: ConditionNode, by: -1 | 1) {
    this.#edit(moveNode(this.root, n.key, by));
    void this.updateComplete.then(() => {
      const same = this.querySelector<HTMLElement>(`#${CSS.escape(this.#id(n, by < 0 ? 'up' : 'down'))}`);
      (same ?? this.querySelector<HTMLElement>(`#${CSS.escape(this.#id(n, by < 0 ? 'down' : 'up'))}`))?.focus();
    });
  }

  #remove(n: ConditionNode) {
    const problems = new Map(this.problems);
    problems.delete(n.key);
    this.problems = problems;
    let root = removeNode(this.root, n.key);
    if (!root.children.length) root = { ...root, children: [emptyLeaf(nextKey(), this.mode)] };
    this.#edit(root);
    const first = numberedLeaves(root)[0];
    void this.#focus(first ? this.#id(first, first.type === 'raw' ? 'json' : 'field') : this.#id(root, 'add'));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-condition-builder': FwConditionBuilder;
  }
  interface HTMLElementEventMap {
    'fw-condition-change': ConditionChangeEvent;
  }
}
