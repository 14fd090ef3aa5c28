import { html, nothing, svg } from 'lit';
import { consume } from '@lit/context';
import { Task } from '@lit/task';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../../light-element.js';
import type { ApiClient } from '../../api/client.js';
import { fetchStudioDefinitions } from '../../api/studio.js';
import { apiContext } from '../../contexts.js';
import type { SummaryItem } from '../../fw-error-summary.js';
import '../../fw-error-summary.js';
import { joinOr } from '../../words.js';
import { machineName } from '../studio-parts.js';
import { DefinitionEditEvent, type Definition, type EditorTab } from './contract.js';
import {
  addState, addTransition, nameInWords, readWorkflow, relabelState, removeState, removeTransition, STATE_CATEGORIES,
  WorkflowEditError, type StateView, type TransitionView, type WorkflowView,
} from './workflow-model.js';
import type { Diagram, DiagramEdge, DiagramNode } from './workflow-layout.js';
import { LazyModule, lazyPlaceholder } from '../../lazy.js';
import { attachedLines, whoMayText } from './workflow-words.js';

const CATEGORY_WORDS: Record<string, string> = { open: 'Open', pending: 'Pending (waiting on someone else)', closed: 'Closed (finished)' };

/** Control ids of the two add forms, by the field a refused edit names. */
const FIELD_IDS: Record<string, string> = {
  label: 'wf-state-label', value: 'wf-state-value', category: 'wf-state-category',
  't-label': 'wf-transition-label', 't-name': 'wf-transition-label', 't-from': 'wf-transition-from-0', 't-to': 'wf-transition-to',
};

interface NewStateInput { label: string; value: string; category: string }
interface NewTransitionInput { label: string; from: string[]; any: boolean; to: string; roles: string[] }

const emptyState = (): NewStateInput => ({ label: '', value: '', category: 'open' });
const emptyTransition = (): NewTransitionInput => ({ label: '', from: [], any: false, to: '', roles: [] });

/**
 * A workflow as a diagram and as two tables. The diagram (laid out by dagre) shows states as boxes — the starting
 * state with a dot and "Start", finished states with a double border and "End" — and transitions as labelled arrows;
 * it is an image with a summary in words, and clicking a box or an arrow focuses its row in the tables. The tables
 * are the editing surface, for keyboard and mouse alike: add, rename and remove states (a state in use is refused,
 * with what uses it), add and remove transitions (from one or several states, or any state; to a state; the roles
 * that may make it). Conditions, approvals and timers are read out in words; everything else is left as it is.
 *
 * @fires fw-definition-edit - with the whole new definition after every edit
 */
/** The diagram's layout engine (dagre): a chunk of its own, so the rest of the studio opens without it. */
const LAYOUT = new LazyModule(() => import('./workflow-layout.js'));

@customElement('fw-workflow-editor')
export class FwWorkflowEditor extends LightElement {
  /** The workflow definition being edited. */
  @property({ attribute: false }) accessor definition: Definition = {};
  /** False in a change set that is no longer a draft: the tables show, never change. */
  @property({ type: Boolean }) accessor editable = false;

  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor problems: SummaryItem[] = [];
  @state() private accessor fieldErrors: Record<string, string> = {};
  @state() private accessor status = '';
  @state() private accessor renaming: string | null = null;
  @state() private accessor newState: NewStateInput = emptyState();
  @state() private accessor newTransition: NewTransitionInput = emptyTransition();

  #roles = new Task(this, {
    args: () => [this.api] as const,
    task: async ([api], { signal }) => (api ? fetchStudioDefinitions(api, { kind: 'role' }, signal) : []),
  });

  #layoutFor: Definition | null = null;
  #layout: { view: WorkflowView; diagram: Diagram | null } | null = null;

  override render() {
    const { view, diagram } = this.#laidOut();
    return html`
      <fw-error-summary .items=${this.problems}></fw-error-summary>
      <h2 class="fw-heading-m" id="wf-diagram-heading">Diagram</h2>
      ${diagram ? this.#diagram(view, diagram) : lazyPlaceholder(LAYOUT, this, 'diagram')}
      <p class="fw-body" role="status" id="wf-status" tabindex="-1">${this.status}</p>
      <h2 class="fw-heading-m">States</h2>
      ${this.#statesTable(view)}
      ${this.editable ? this.#addStateForm() : nothing}
      <h2 class="fw-heading-m">Transitions</h2>
      ${this.#transitionsTable(view)}
      ${this.editable ? this.#addTransitionForm(view) : nothing}`;
  }

  /** The model and layout (null until the layout engine is in), recomputed only when the definition object changes. */
  #laidOut() {
    const engine = LAYOUT.module;
    if (!engine) LAYOUT.loadFor(this);
    if (this.#layoutFor !== this.definition || !this.#layout || (engine && !this.#layout.diagram)) {
      const view = readWorkflow(this.definition);
      this.#layout = { view, diagram: engine ? engine.layoutWorkflow(view) : null };
      this.#layoutFor = this.definition;
    }
    return this.#layout;
  }

  #roleLabels(): Map<string, string> {
    return new Map((this.#roles.value ?? []).map((r) => [r.name, r.label ?? nameInWords(r.name)]));
  }

  #stateLabel(view: WorkflowView, value: string): string {
    return view.states.find((s) => s.value === value)?.label ?? nameInWords(value);
  }

  #fromText(view: WorkflowView, t: TransitionView): string {
    return t.anyState ? 'Any state' : joinOr(t.from.map((f) => this.#stateLabel(view, f)));
  }

  #summaryText(view: WorkflowView, d: Diagram): string {
    const finals = view.states.filter((s) => s.final).map((s) => s.label);
    const start = view.initialState ? ` New records start in ${this.#stateLabel(view, view.initialState)}.` : '';
    const end = finals.length ? ` Finished states: ${finals.join(', ')}.` : '';
    return `${view.states.length} ${view.states.length === 1 ? 'state' : 'states'} (${view.states.map((s) => s.label).join(', ')}) and `
      + `${view.transitions.length} ${view.transitions.length === 1 ? 'transition' : 'transitions'}, drawn as ${d.edges.length} `
      + `${d.edges.length === 1 ? 'arrow' : 'arrows'}.${start}${end} The tables below list the same states and transitions.`;
  }

  #diagram(view: WorkflowView, d: Diagram) {
    if (!view.states.length) return html`<p class="fw-body">This workflow has no states yet: add one below.</p>`;
    const label = typeof this.definition.label === 'string' && this.definition.label ? this.definition.label : 'this workflow';
    return html`<div class="fw-wf-diagram">
      <svg role="img" aria-labelledby="wf-diagram-title wf-diagram-desc" viewBox=${`0 0 ${d.width} ${d.height}`}
        width=${d.width} height=${d.height} class="fw-wf-diagram__svg">
        <title id="wf-diagram-title">Diagram of ${label}</title>
        <desc id="wf-diagram-desc">${this.#summaryText(view, d)}</desc>
        <defs>
          <marker id="wf-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" class="fw-wf-diagram__arrowhead"></path>
          </marker>
        </defs>
        ${d.edges.map((e) => this.#edge(e))}
        ${d.nodes.map((n) => this.#node(n))}
      </svg>
    </div>`;
  }

  #node(n: DiagramNode) {
    const left = n.x - n.width / 2;
    const top = n.y - n.height / 2;
    const note = n.any ? 'From any state' : n.initial && n.final ? 'Start and end' : n.initial ? 'Start' : n.final ? 'End' : '';
    return svg`<g class=${`fw-wf-node${n.any ? ' fw-wf-node--any' : ''}${n.initial ? ' fw-wf-node--initial' : ''}${n.final ? ' fw-wf-node--final' : ''}`}
      data-node=${n.id} @click=${() => (n.any ? undefined : this.#focusRow('state', n.id))}>
      <rect x=${left} y=${top} width=${n.width} height=${n.height} rx="6" class="fw-wf-node__box"></rect>
      ${n.final ? svg`<rect x=${left + 4} y=${top + 4} width=${n.width - 8} height=${n.height - 8} rx="4" class="fw-wf-node__inner"></rect>` : nothing}
      ${n.initial ? svg`<circle cx=${left + 16} cy=${n.y} r="6" class="fw-wf-node__start"></circle>` : nothing}
      <text x=${n.x} y=${note ? n.y - 3 : n.y + 6} text-anchor="middle" class="fw-wf-node__label">${n.label}</text>
      ${note ? svg`<text x=${n.x} y=${n.y + 15} text-anchor="middle" class="fw-wf-node__note">${note}</text>` : nothing}
    </g>`;
  }

  #edge(e: DiagramEdge) {
    const [first, ...rest] = e.points;
    const path = first ? `M${first.x},${first.y}${rest.map((p) => ` L${p.x},${p.y}`).join('')}` : '';
    return svg`<g class="fw-wf-edge" data-edge data-transition=${e.transition} @click=${() => this.#focusRow('transition', String(e.transition))}>
      <path d=${path} class="fw-wf-edge__line" marker-end="url(#wf-arrow)"></path>
      <rect x=${e.labelX - e.labelWidth / 2} y=${e.labelY - 10} width=${e.labelWidth} height="20" class="fw-wf-edge__label-box"></rect>
      <text x=${e.labelX} y=${e.labelY + 5} text-anchor="middle" class="fw-wf-edge__label">${e.label}</text>
    </g>`;
  }

  #statesTable(view: WorkflowView) {
    if (!view.states.length) return nothing;
    return html`<div class="fw-table-wrapper"><table class="fw-table" id="wf-states">
      <caption class="fw-visually-hidden">States of the workflow</caption>
      <thead><tr>
        <th scope="col" class="fw-table__header">State</th>
        <th scope="col" class="fw-table__header">Start or end</th>
        <th scope="col" class="fw-table__header">Category</th>
        ${this.editable ? html`<th scope="col" class="fw-table__header"><span class="fw-visually-hidden">Actions</span></th>` : nothing}
      </tr></thead>
      <tbody class="fw-table__body">${view.states.map((s, i) => this.#stateRow(s, i))}</tbody>
    </table></div>`;
  }

  #stateRow(s: StateView, i: number) {
    const mark = s.initial && s.final ? 'Start and end' : s.initial ? 'Start: new records begin here' : s.final ? 'End: finished' : '';
    const renaming = this.renaming === s.value;
    return html`<tr class="fw-wf-row" id=${`wf-state-row-${i}`} data-state=${s.value} tabindex="-1">
      <th scope="row" class="fw-table__cell">
        ${renaming ? html`<form class="fw-wf-rename" novalidate @submit=${(e: SubmitEvent) => this.#onRename(e, s)}>
          <label class="fw-label" for="wf-rename-input">New label for ${s.label}</label>
          ${this.fieldErrors.rename ? html`<p class="fw-error-message" id="wf-rename-error">
            <span class="fw-visually-hidden">Error:</span> ${this.fieldErrors.rename}</p>` : nothing}
          <input class="fw-input fw-input--width-20" id="wf-rename-input" name="label" .value=${s.label}
            aria-describedby=${this.fieldErrors.rename ? 'wf-rename-error' : nothing}>
          <div class="fw-button-group">
            <button type="submit" class="fw-button fw-button--secondary">Save label</button>
            <button type="button" class="fw-link-button" @click=${() => this.#stopRename(s.value)}>Cancel</button>
          </div>
        </form>` : html`${s.label}<br>${machineName(s.value, 'Stored value')}`}
      </th>
      <td class="fw-table__cell">${mark}</td>
      <td class="fw-table__cell">${CATEGORY_WORDS[s.category] ?? nameInWords(s.category)}</td>
      ${this.editable ? html`<td class="fw-table__cell fw-table__actions">
        ${renaming ? nothing : html`<button type="button" class="fw-link-button" data-rename=${s.value} @click=${() => this.#startRename(s.value)}>
          Rename<span class="fw-visually-hidden"> ${s.label}</span></button>`}
        <button type="button" class="fw-link-button" data-remove-state=${s.value} @click=${() => this.#onRemoveState(s)}>
          Remove<span class="fw-visually-hidden"> ${s.label}</span></button>
      </td>` : nothing}
    </tr>`;
  }

  #transitionsTable(view: WorkflowView) {
    if (!view.transitions.length) return html`<p class="fw-body">No transitions yet.</p>`;
    const roles = this.#roleLabels();
    return html`<div class="fw-table-wrapper"><table class="fw-table" id="wf-transitions">
      <caption class="fw-visually-hidden">Transitions of the workflow</caption>
      <thead><tr>
        <th scope="col" class="fw-table__header">Transition</th>
        <th scope="col" class="fw-table__header">From</th>
        <th scope="col" class="fw-table__header">To</th>
        <th scope="col" class="fw-table__header">Who may make it</th>
        <th scope="col" class="fw-table__header">Conditions, approvals and timers</th>
        ${this.editable ? html`<th scope="col" class="fw-table__header"><span class="fw-visually-hidden">Actions</span></th>` : nothing}
      </tr></thead>
      <tbody class="fw-table__body">${view.transitions.map((t) => {
        const lines = attachedLines(t, view);
        return html`<tr class="fw-wf-row" id=${`wf-transition-row-${t.index}`} data-transition=${t.index} tabindex="-1">
          <th scope="row" class="fw-table__cell">${t.label}${t.name ? html`<br>${machineName(t.name, 'Machine name')}` : nothing}</th>
          <td class="fw-table__cell">${this.#fromText(view, t)}</td>
          <td class="fw-table__cell">${this.#stateLabel(view, t.to)}</td>
          <td class="fw-table__cell">${whoMayText(t, roles)}</td>
          <td class="fw-table__cell">${lines.length ? html`<ul class="fw-list fw-wf-attached">${lines.map((l) => html`<li>${l}</li>`)}</ul>` : 'None'}</td>
          ${this.editable ? html`<td class="fw-table__cell fw-table__actions">
            <button type="button" class="fw-link-button" data-remove-transition=${t.index} @click=${() => this.#onRemoveTransition(t)}>
              Remove<span class="fw-visually-hidden"> ${t.label}</span></button>
          </td>` : nothing}
        </tr>`;
      })}</tbody>
    </table></div>`;
  }

  #group(key: string, content: unknown) {
    return html`<div class="fw-form-group ${this.fieldErrors[key] ? 'fw-form-group--error' : ''}">${content}</div>`;
  }

  #error(key: string) {
    const text = this.fieldErrors[key];
    return text ? html`<p class="fw-error-message" id=${`wf-error-${key}`}><span class="fw-visually-hidden">Error:</span> ${text}</p>` : nothing;
  }

  #describedBy(key: string, hint?: string) {
    const ids = [hint, this.fieldErrors[key] ? `wf-error-${key}` : ''].filter(Boolean);
    return ids.length ? ids.join(' ') : nothing;
  }

  #addStateForm() {
    const s = this.newState;
    const set = (patch: Partial<NewStateInput>) => { this.newState = { ...this.newState, ...patch }; };
    return html`<form class="fw-wf-add" novalidate @submit=${this.#onAddState}>
      <fieldset class="fw-fieldset">
        <legend class="fw-fieldset__legend fw-fieldset__legend--s">Add a state</legend>
        ${this.#group('label', html`<label class="fw-label" for="wf-state-label">Label</label>
          <div class="fw-hint" id="wf-state-label-hint">The state's name as people see it, e.g. "Waiting for parts".</div>
          ${this.#error('label')}
          <input class="fw-input fw-input--width-20" id="wf-state-label" .value=${s.label} aria-describedby=${this.#describedBy('label', 'wf-state-label-hint')}
            @input=${(e: Event) => set({ label: (e.target as HTMLInputElement).value })}>`)}
        ${this.#group('value', html`<label class="fw-label" for="wf-state-value">Stored value (optional)</label>
          <div class="fw-hint" id="wf-state-value-hint">What the record's state field holds: it must also be one of that field's choices. Left empty, it is made from the label.</div>
          ${this.#error('value')}
          <input class="fw-input fw-input--width-20" id="wf-state-value" .value=${s.value} spellcheck="false" autocomplete="off"
            aria-describedby=${this.#describedBy('value', 'wf-state-value-hint')} @input=${(e: Event) => set({ value: (e.target as HTMLInputElement).value })}>`)}
        ${this.#group('category', html`<label class="fw-label" for="wf-state-category">Category</label>
          ${this.#error('category')}
          <select class="fw-select" id="wf-state-category" aria-describedby=${this.#describedBy('category')}
            @change=${(e: Event) => set({ category: (e.target as HTMLSelectElement).value })}>
            ${STATE_CATEGORIES.map((c) => html`<option value=${c} ?selected=${s.category === c}>${CATEGORY_WORDS[c]}</option>`)}
          </select>`)}
        <button type="submit" class="fw-button fw-button--secondary" id="wf-add-state">Add state</button>
      </fieldset>
    </form>`;
  }

  #addTransitionForm(view: WorkflowView) {
    const t = this.newTransition;
    const set = (patch: Partial<NewTransitionInput>) => { this.newTransition = { ...this.newTransition, ...patch }; };
    const toggle = (list: string[], value: string, on: boolean) => {
      const rest = list.filter((x) => x !== value);
      return on ? [...rest, value] : rest;
    };
    const roleLabels = this.#roleLabels();
    const roleNames = [...new Set([...roleLabels.keys(), ...view.transitions.flatMap((x) => x.roles)])];
    return html`<form class="fw-wf-add" novalidate @submit=${this.#onAddTransition}>
      <fieldset class="fw-fieldset">
        <legend class="fw-fieldset__legend fw-fieldset__legend--s">Add a transition</legend>
        ${this.#group('t-label', html`<label class="fw-label" for="wf-transition-label">Label</label>
          <div class="fw-hint" id="wf-transition-label-hint">The button people press, e.g. "Escalate".</div>
          ${this.#error('t-label')}
          <input class="fw-input fw-input--width-20" id="wf-transition-label" .value=${t.label}
            aria-describedby=${this.#describedBy('t-label', 'wf-transition-label-hint')} @input=${(e: Event) => set({ label: (e.target as HTMLInputElement).value })}>`)}
        ${this.#group('t-from', html`<fieldset class="fw-fieldset" aria-describedby=${this.#describedBy('t-from', 'wf-transition-from-hint')}>
          <legend class="fw-fieldset__legend">From</legend>
          <div class="fw-hint" id="wf-transition-from-hint">Select every state it can start from.</div>
          ${this.#error('t-from')}
          ${view.states.map((s, i) => html`<div class="fw-checkboxes__item">
            <input class="fw-checkboxes__input" type="checkbox" id=${`wf-transition-from-${i}`} data-from=${s.value} .checked=${t.from.includes(s.value)}
              ?disabled=${t.any} @change=${(e: Event) => set({ from: toggle(t.from, s.value, (e.target as HTMLInputElement).checked) })}>
            <label class="fw-label fw-checkboxes__label" for=${`wf-transition-from-${i}`}>${s.label}</label>
          </div>`)}
          <div class="fw-checkboxes__item">
            <input class="fw-checkboxes__input" type="checkbox" id="wf-transition-from-any" .checked=${t.any}
              @change=${(e: Event) => set({ any: (e.target as HTMLInputElement).checked })}>
            <label class="fw-label fw-checkboxes__label" for="wf-transition-from-any">Any state</label>
          </div>
        </fieldset>`)}
        ${this.#group('t-to', html`<label class="fw-label" for="wf-transition-to">To</label>
          ${this.#error('t-to')}
          <select class="fw-select" id="wf-transition-to" aria-describedby=${this.#describedBy('t-to')}
            @change=${(e: Event) => set({ to: (e.target as HTMLSelectElement).value })}>
            <option value="" ?selected=${!t.to}>Select a state</option>
            ${view.states.map((s) => html`<option value=${s.value} ?selected=${t.to === s.value}>${s.label}</option>`)}
          </select>`)}
        <div class="fw-form-group"><fieldset class="fw-fieldset" aria-describedby="wf-transition-roles-hint">
          <legend class="fw-fieldset__legend">Who may make it</legend>
          <div class="fw-hint" id="wf-transition-roles-hint">Select the roles. With none selected, anyone who may change the record may make it.</div>
          ${this.#roles.value === undefined && !this.#roles.error ? html`<p class="fw-body">Loading the roles…</p>` : nothing}
          ${this.#roles.error ? html`<p class="fw-body">The roles could not be loaded; the transition can be added without them.</p>` : nothing}
          ${roleNames.map((r, i) => html`<div class="fw-checkboxes__item">
            <input class="fw-checkboxes__input" type="checkbox" id=${`wf-transition-role-${i}`} data-role=${r} .checked=${t.roles.includes(r)}
              @change=${(e: Event) => set({ roles: toggle(t.roles, r, (e.target as HTMLInputElement).checked) })}>
            <label class="fw-label fw-checkboxes__label" for=${`wf-transition-role-${i}`}>${roleLabels.get(r) ?? nameInWords(r)}</label>
          </div>`)}
        </fieldset></div>
        <button type="submit" class="fw-button fw-button--secondary" id="wf-add-transition">Add transition</button>
      </fieldset>
    </form>`;
  }

  /** Apply an edit: show it at once, tell the page, and say what happened. */
  async #commit(next: Definition, status: string, focus?: string) {
    this.definition = next;
    this.problems = [];
    this.fieldErrors = {};
    this.status = status;
    this.dispatchEvent(new DefinitionEditEvent(next));
    await this.updateComplete;
    if (focus) this.querySelector<HTMLElement>(focus)?.focus();
  }

  /** Show a refused edit in the error summary (linked to its control when it has one) and beside the control. */
  async #refuse(err: unknown, prefix = '') {
    if (!(err instanceof WorkflowEditError)) throw err;
    const key = `${prefix}${err.field}`;
    const target = FIELD_IDS[key];
    this.fieldErrors = target ? { [key]: err.message } : {};
    this.problems = [{ text: err.message, target }];
    this.status = '';
    await this.updateComplete;
    await this.querySelector('fw-error-summary')?.show();
  }

  #focusRow(kind: 'state' | 'transition', key: string) {
    const row = this.querySelector<HTMLElement>(`tr[data-${kind}="${CSS.escape(key)}"]`);
    row?.focus();
    row?.scrollIntoView({ block: 'nearest' });
  }

  #onAddState = async (e: SubmitEvent) => {
    e.preventDefault();
    const input = this.newState;
    try {
      const next = addState(this.definition, { label: input.label, value: input.value || undefined, category: input.category });
      const added = readWorkflow(next).states.at(-1)!;
      this.newState = emptyState();
      await this.#commit(next, `State "${added.label}" added.`, `tr[data-state="${CSS.escape(added.value)}"]`);
    } catch (err) {
      await this.#refuse(err);
    }
  };

  #onAddTransition = async (e: SubmitEvent) => {
    e.preventDefault();
    const input = this.newTransition;
    try {
      const next = addTransition(this.definition, { label: input.label, from: input.any ? '*' : input.from, to: input.to, roles: input.roles });
      const index = readWorkflow(next).transitions.length - 1;
      this.newTransition = emptyTransition();
      await this.#commit(next, `Transition "${input.label.trim()}" added.`, `tr[data-transition="${index}"]`);
    } catch (err) {
      await this.#refuse(err, 't-');
    }
  };

  #onRemoveState(s: StateView) {
    try {
      void this.#commit(removeState(this.definition, s.value), `State "${s.label}" removed.`, '#wf-status');
    } catch (err) {
      void this.#refuse(err);
    }
  }

  #onRemoveTransition(t: TransitionView) {
    try {
      void this.#commit(removeTransition(this.definition, t.index), `Transition "${t.label}" removed.`, '#wf-status');
    } catch (err) {
      void this.#refuse(err);
    }
  }

  async #startRename(value: string) {
    this.renaming = value;
    this.fieldErrors = {};
    await this.updateComplete;
    const input = this.querySelector<HTMLInputElement>('#wf-rename-input');
    input?.focus();
    input?.select();
  }

  async #stopRename(value: string) {
    this.renaming = null;
    this.fieldErrors = {};
    await this.updateComplete;
    this.querySelector<HTMLElement>(`[data-rename="${CSS.escape(value)}"]`)?.focus();
  }

  #onRename = async (e: SubmitEvent, s: StateView) => {
    e.preventDefault();
    const label = (this.querySelector<HTMLInputElement>('#wf-rename-input')?.value ?? '');
    try {
      const next = relabelState(this.definition, s.value, label);
      this.renaming = null;
      await this.#commit(next, `State "${s.label}" is now called "${label.trim()}".`, `[data-rename="${CSS.escape(s.value)}"]`);
    } catch (err) {
      if (!(err instanceof WorkflowEditError)) throw err;
      this.fieldErrors = { rename: err.message };
      this.problems = [{ text: err.message, target: 'wf-rename-input' }];
      await this.updateComplete;
      await this.querySelector('fw-error-summary')?.show();
    }
  };
}

/** The "Diagram" tab of workflow definitions. */
export const workflowEditorTab: EditorTab = {
  id: 'workflow',
  label: 'Diagram',
  appliesTo: (kind) => kind === 'workflow',
  render: (ctx) => html`<fw-workflow-editor .definition=${ctx.definition} ?editable=${ctx.editable}></fw-workflow-editor>`,
};

declare global {
  interface HTMLElementTagNameMap {
    'fw-workflow-editor': FwWorkflowEditor;
  }
}
