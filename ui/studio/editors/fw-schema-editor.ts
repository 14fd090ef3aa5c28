import { html, nothing, type TemplateResult } from 'lit';
import { consume } from '@lit/context';
import { Task, TaskStatus } from '@lit/task';
import { customElement, property } from 'lit/decorators.js';
import { LightElement } from '../../light-element.js';
import type { ApiClient } from '../../api/client.js';
import { fetchDefinitionSchema, type DefinitionError } from '../../api/studio.js';
import { apiContext } from '../../contexts.js';
import { loadErrorText } from '../../page-state.js';
import { problemBanner } from '../../admin/admin-parts.js';
import { DefinitionEditEvent, type Definition, type EditorTab } from './contract.js';
import {
  booleanControl, enumControl, hintAndError, jsonControl, numberControl, optionWords, requiredMark, textControl, type ControlProps,
} from './schema-controls.js';
import {
  checkValue, choiceIndex, hintOf, idOf, isObject, itemWords, moveAt, newValue, pointerOf, renameKeyAt, resolve, setAt, shapeOf,
  valueAt, words, type Path, type Schema, type SchemaRoot, type Shape,
} from './schema-model.js';

const ID = 'se';
/** Groups deeper than this start collapsed, so a large definition stays a page one can find one's way in. */
const OPEN_LEVELS = 2;

/** How one value is to be drawn. */
interface Node { schema: Schema; path: Path; label: string; required: boolean; level: number; remove: TemplateResult | null }

/**
 * An editor for a definition of any kind, generated from the definition schema (`$defs.<kind>`): groups for objects,
 * inputs, selects and checkboxes for single values, repeating groups with Move up / Move down / Remove buttons for
 * lists, a choice of shape for alternatives, and a small JSON text area for conditions and open shapes. Values are
 * checked as typed; the server's errors from the last save show at their controls.
 *
 * @fires fw-definition-edit - the whole definition after each change
 */
@customElement('fw-schema-editor')
export class FwSchemaEditor extends LightElement {
  /** The definition shown. */
  @property({ attribute: false }) accessor definition: Definition = {};
  /** Its kind (which `$defs` shape applies). */
  @property() accessor kind = '';
  /** False: shown, not changed. */
  @property({ type: Boolean }) accessor editable = false;
  /** The server's errors from the last save. */
  @property({ attribute: false }) accessor errors: DefinitionError[] = [];

  @consume({ context: apiContext }) private accessor api!: ApiClient;

  /** Text typed into number and JSON controls, by pointer: kept while it is not (yet) a value. */
  #typed = new Map<string, string>();
  /** The id to focus once the next update is drawn (after adding, moving or removing). */
  #focusAfter: string | null = null;
  #root: SchemaRoot = { $defs: {} };

  #schema = new Task(this, {
    args: () => [this.api] as const,
    task: ([api]) => fetchDefinitionSchema(api),
  });

  protected override updated() {
    if (!this.#focusAfter) return;
    const el = this.querySelector<HTMLElement>(`#${CSS.escape(this.#focusAfter)}`);
    this.#focusAfter = null;
    el?.focus();
  }

  override render() {
    if (this.#schema.status === TaskStatus.ERROR) {
      return problemBanner(loadErrorText(this.#schema.error, 'The shapes of definitions could not be loaded: use the JSON tab.'));
    }
    const schema = this.#schema.value;
    if (!schema) return html`<p class="fw-body" role="status">Loading the form…</p>`;
    this.#root = schema as unknown as SchemaRoot;
    const shape = schema.$defs[this.kind];
    if (!shape) return html`<p class="fw-body">There is no form for this kind of definition: use the JSON tab.</p>`;
    const top = shapeOf(this.#root, shape);
    if (top.type !== 'object') return this.#node({ schema: shape, path: [], label: 'Definition', required: true, level: 0, remove: null });
    return html`<div class="fw-schema">${this.#properties(top, [], 0)}</div>`;
  }

  #node(n: Node): TemplateResult {
    const shape = shapeOf(this.#root, n.schema);
    const value = valueAt(this.definition, n.path);
    const pointer = pointerOf(n.path);
    const p: ControlProps = {
      id: idOf(ID, n.path), pointer, label: n.label, required: n.required, hint: hintOf(this.#root, n.schema),
      error: this.#errorAt(pointer) || this.#localError(n, shape, value), editable: this.editable, remove: n.remove,
    };
    // The definition's name is its address (renaming makes a new definition) and the page shows it: not a control.
    if (n.path.length === 1 && n.path[0] === 'name') return html``;
    switch (shape.type) {
      case 'const':
        return n.path.length === 1 ? html`` : html`<p class="fw-body fw-schema__const">${n.label}: ${optionWords(shape.value)}</p>`;
      case 'string': {
        const s = resolve(this.#root, n.schema);
        const long = (typeof s.maxLength === 'number' && s.maxLength > 500) || s['x-shape'] === 'template';
        return textControl(p, value, long, (v) => this.#set(n.path, v));
      }
      case 'integer':
      case 'number':
        return numberControl(p, this.#typed.get(pointer) ?? (value === undefined ? '' : String(value)), shape.type === 'integer',
          (raw) => this.#typedNumber(n.path, raw));
      case 'boolean':
        return booleanControl(p, value, (v) => this.#set(n.path, v));
      case 'enum':
        return enumControl(p, shape.options, value, (v) => this.#set(n.path, v));
      case 'choice':
        return this.#choice(n, shape, p, value);
      case 'array':
        return this.#array(n, shape, p, value);
      case 'object':
        return this.#group(n, p, shape.properties.length || shape.entries ? this.#properties(shape, n.path, n.level) : html``);
      case 'json':
        return this.#json(n, p, value);
    }
  }

  /** A server error at exactly this pointer. */
  #errorAt(pointer: string): string {
    return this.errors.filter((e) => e.pointer === pointer).map((e) => e.message).join(' ');
  }

  #localError(n: Node, shape: Shape, value: unknown): string {
    const typed = this.#typed.get(pointerOf(n.path));
    if (typed !== undefined && shape.type === 'json') {
      try {
        JSON.parse(typed);
      } catch (e) {
        return `This is not valid JSON: ${(e as Error).message}`;
      }
    }
    if (typed !== undefined && (shape.type === 'number' || shape.type === 'integer') && !isNumberText(typed)) {
      return shape.type === 'integer' ? 'Enter a whole number.' : 'Enter a number.';
    }
    if (value === undefined && n.required && n.path.length) return 'Enter a value.';
    return checkValue(this.#root, n.schema, value);
  }

  /** A labelled group; deeper ones collapsed (opened when something in them is wrong). */
  #group(n: Node, p: ControlProps, body: TemplateResult, collapsible = true): TemplateResult {
    const fieldset = html`<fieldset class="fw-fieldset fw-schema__group ${p.error ? 'fw-form-group--error' : ''}" id=${p.id}
      data-pointer=${p.pointer} tabindex="-1">
      <legend class="fw-fieldset__legend fw-fieldset__legend--s">${n.label}${requiredMark(n.required)}</legend>
      ${n.remove ?? nothing}
      ${hintAndError(p)}
      ${body}
    </fieldset>`;
    if (!collapsible || n.level <= OPEN_LEVELS) return fieldset;
    const troubled = this.errors.some((e) => e.pointer === p.pointer || e.pointer.startsWith(`${p.pointer}/`));
    return html`<details class="fw-details fw-schema__details" ?open=${troubled}>
      <summary class="fw-details__summary"><span class="fw-details__summary-text">${n.label}</span></summary>
      <div class="fw-details__text">${fieldset}</div>
    </details>`;
  }

  /** An object's properties (present or required ones), and a way to add the optional ones it lacks. */
  #properties(shape: Extract<Shape, { type: 'object' }>, path: Path, level: number): TemplateResult {
    const value = valueAt(this.definition, path);
    const obj = isObject(value) ? value : {};
    if (shape.entries) return this.#entries(shape.entries, path, level, obj);
    const shown = shape.properties.filter((p) => p.required || p.key in obj);
    const addable = shape.properties.filter((p) => !p.required && !(p.key in obj) && p.key !== 'ref');
    const addId = idOf(`${ID}-add`, path);
    return html`${shown.map((p) => this.#node({
      schema: p.schema, path: [...path, p.key], label: words(p.key), required: p.required, level: level + 1,
      remove: p.required || !this.editable ? null : this.#button(`Remove`, words(p.key), () => this.#remove([...path, p.key], addId)),
    }))}
    ${this.editable && addable.length ? html`<div class="fw-schema__add">
      <label class="fw-label" for=${addId}>Add a setting${path.length ? html`<span class="fw-visually-hidden"> to ${this.#labelOf(path)}</span>` : nothing}</label>
      <div class="fw-schema__row">
        <select class="fw-select" id=${addId}>${addable.map((p) => html`<option value=${p.key}>${words(p.key)}</option>`)}</select>
        <button type="button" class="fw-button fw-button--secondary" @click=${() => this.#addProperty(shape, path, addId)}>Add<span
          class="fw-visually-hidden"> the chosen setting${path.length ? ` to ${this.#labelOf(path)}` : ''}</span></button>
      </div>
    </div>` : nothing}`;
  }

  /** A map (name → value), e.g. a table's fields: one group per entry, its name editable. */
  #entries(schema: Schema, path: Path, level: number, obj: Record<string, unknown>): TemplateResult {
    const addId = idOf(`${ID}-add`, path);
    return html`${Object.keys(obj).map((key) => {
      const keyId = idOf(`${ID}-key`, [...path, key]);
      return html`<div class="fw-schema__entry">
        <div class="fw-form-group">
          <label class="fw-label" for=${keyId}>Machine name of ${words(key)}</label>
          <input class="fw-input fw-input--width-20" id=${keyId} type="text" spellcheck="false" autocomplete="off" ?readonly=${!this.editable}
            .value=${key} @change=${(e: Event) => this.#renameKey(path, key, (e.target as HTMLInputElement).value.trim())}>
        </div>
        ${this.#node({
          schema, path: [...path, key], label: words(key), required: false, level: level + 1,
          remove: this.editable ? this.#button('Remove', words(key), () => this.#remove([...path, key], addId)) : null,
        })}
      </div>`;
    })}
    ${this.editable ? html`<button type="button" class="fw-button fw-button--secondary" id=${addId}
      @click=${() => this.#addEntry(schema, path)}>Add an entry<span class="fw-visually-hidden"> to ${this.#labelOf(path)}</span></button>` : nothing}`;
  }

  #array(n: Node, shape: Extract<Shape, { type: 'array' }>, p: ControlProps, value: unknown): TemplateResult {
    const list = Array.isArray(value) ? value : [];
    const itemShape = shapeOf(this.#root, shape.items);
    const s = resolve(this.#root, n.schema);
    if (itemShape.type === 'enum' && s.uniqueItems) return this.#checkboxes(n, itemShape.options, p, list);
    const item = itemWords(this.#root, shape.items, String(n.path.at(-1) ?? 'item'));
    const addId = idOf(`${ID}-add`, n.path);
    const body = html`<ol class="fw-schema__list">${list.map((_, i) => {
      const path = [...n.path, i];
      const itemLabel = `${item} ${i + 1}`;
      const buttons = this.editable ? html`<div class="fw-schema__row fw-schema__item-actions">
        ${this.#button('Move up', itemLabel, () => this.#move(n.path, i, -1, list.length), i === 0, idOf(`${ID}-up`, path))}
        ${this.#button('Move down', itemLabel, () => this.#move(n.path, i, 1, list.length), i === list.length - 1, idOf(`${ID}-down`, path))}
        ${this.#button('Remove', itemLabel, () => this.#remove(path, addId))}
      </div>` : nothing;
      // An item is as deep as its list: a list of groups is one level, not two.
      return html`<li class="fw-schema__item">${this.#node({ schema: shape.items, path, label: itemLabel, required: false, level: n.level, remove: null })}
        ${buttons}</li>`;
    })}</ol>
    ${this.editable ? html`<button type="button" class="fw-button fw-button--secondary" id=${addId}
      @click=${() => this.#addItem(n.path, shape.items, list.length)}>Add ${item.toLowerCase()}<span class="fw-visually-hidden"> to ${n.label}</span></button>` : nothing}`;
    return this.#group(n, p, body, itemShape.type === 'object' || itemShape.type === 'choice');
  }

  /** A set of fixed values: one checkbox each, a newly ticked one added at the end (order can matter). */
  #checkboxes(n: Node, options: unknown[], p: ControlProps, list: unknown[]): TemplateResult {
    const has = (o: unknown) => list.some((v) => JSON.stringify(v) === JSON.stringify(o));
    return this.#group(n, p, html`<div class="fw-checkboxes">${options.map((o, i) => {
      const id = `${p.id}-${i}`;
      return html`<div class="fw-checkboxes__item">
        <input class="fw-checkboxes__input" id=${id} type="checkbox" ?disabled=${!this.editable} .checked=${has(o)} 
          @change=${(e: Event) => this.#set(n.path, (e.target as HTMLInputElement).checked
            ? [...list, o] : list.filter((v) => JSON.stringify(v) !== JSON.stringify(o)))}>
        <label class="fw-label fw-checkboxes__label" for=${id}>${optionWords(o)}</label>
      </div>`;
    })}</div>`, false);
  }

  /** Alternatives: a select of the shape, then the editor of the chosen one (JSON when the value fits none). */
  #choice(n: Node, shape: Extract<Shape, { type: 'choice' }>, p: ControlProps, value: unknown): TemplateResult {
    const at = value === undefined ? 0 : choiceIndex(this.#root, shape.options, value);
    if (at < 0) return this.#json(n, p, value);
    const option = shape.options[at]!;
    const optionShape = shapeOf(this.#root, option.schema);
    const selectId = `${p.id}-shape`;
    const inner: Node = { ...n, schema: { ...option.schema, description: p.hint || hintOf(this.#root, option.schema) }, remove: null };
    return html`<div class="fw-schema__choice">
      <div class="fw-form-group">
        <label class="fw-label" for=${selectId}>${n.label}: given as</label>
        <div class="fw-schema__row">
          <select class="fw-select" id=${selectId} ?disabled=${!this.editable}
            @change=${(e: Event) => this.#set(n.path, newValue(this.#root, shape.options[Number((e.target as HTMLSelectElement).value)]!.schema))}>
            ${shape.options.map((o, i) => html`<option value=${i} ?selected=${i === at}>${o.label}</option>`)}
          </select>
          ${n.remove ?? nothing}
        </div>
      </div>
      ${optionShape.type === 'const' ? html`<p class="fw-hint">${p.hint}</p>` : this.#node(inner)}
    </div>`;
  }

  #json(n: Node, p: ControlProps, value: unknown): TemplateResult {
    const pointer = pointerOf(n.path);
    const typed = this.#typed.get(pointer);
    const shown = typed ?? (value === undefined ? '' : JSON.stringify(value, null, 2));
    return jsonControl(p, shown, (raw) => {
      this.#typed.set(pointer, raw);
      try {
        this.#set(n.path, JSON.parse(raw));
      } catch {
        this.requestUpdate();
      }
    });
  }

  #button(verb: string, what: string, onClick: () => void, disabled = false, id?: string): TemplateResult {
    return html`<button type="button" class="fw-link-button fw-schema__action" id=${id ?? nothing} ?disabled=${disabled}
      @click=${onClick}>${verb}<span class="fw-visually-hidden"> ${what}</span></button>`;
  }

  #labelOf(path: Path): string {
    const last = path.at(-1);
    return typeof last === 'number' ? `item ${last + 1}` : words(String(last ?? 'definition'));
  }

  #typedNumber(path: Path, raw: string) {
    const pointer = pointerOf(path);
    this.#typed.set(pointer, raw);
    if (isNumberText(raw)) this.#set(path, Number(raw));
    else this.requestUpdate();
  }

  #set(path: Path, value: unknown) {
    this.definition = setAt(this.definition, path, value);
    this.dispatchEvent(new DefinitionEditEvent(this.definition));
  }

  #remove(path: Path, focusId: string) {
    this.#forgetTyped(path);
    this.#focusAfter = focusId;
    this.#set(path, undefined);
  }

  #addProperty(shape: Extract<Shape, { type: 'object' }>, path: Path, selectId: string) {
    const key = this.querySelector<HTMLSelectElement>(`#${CSS.escape(selectId)}`)?.value;
    const prop = shape.properties.find((p) => p.key === key);
    if (!prop) return;
    this.#focusAfter = idOf(ID, [...path, prop.key]);
    this.#set([...path, prop.key], newValue(this.#root, prop.schema));
  }

  #addItem(path: Path, items: Schema, index: number) {
    this.#focusAfter = idOf(ID, [...path, index]);
    this.#set([...path, index], newValue(this.#root, items));
  }

  #addEntry(schema: Schema, path: Path) {
    const obj = valueAt(this.definition, path);
    const taken = new Set(isObject(obj) ? Object.keys(obj) : []);
    let key = 'new_entry';
    for (let i = 2; taken.has(key); i++) key = `new_entry_${i}`;
    this.#focusAfter = idOf(`${ID}-key`, [...path, key]);
    this.#set([...path, key], newValue(this.#root, schema));
  }

  #renameKey(path: Path, from: string, to: string) {
    const obj = valueAt(this.definition, path);
    if (!to || to === from || (isObject(obj) && to in obj)) {
      this.requestUpdate();
      return;
    }
    this.#forgetTyped([...path, from]);
    this.definition = renameKeyAt(this.definition, path, from, to);
    this.dispatchEvent(new DefinitionEditEvent(this.definition));
  }

  #move(path: Path, index: number, delta: number, length: number) {
    this.#forgetTyped(path);
    // The moved item's same button keeps the focus, unless at the end of the list it is disabled: then the other one.
    const to = index + delta;
    const atEnd = delta < 0 ? to === 0 : to === length - 1;
    this.#focusAfter = idOf(`${ID}-${(delta < 0) !== atEnd ? 'up' : 'down'}`, [...path, to]);
    this.definition = moveAt(this.definition, path, index, delta);
    this.dispatchEvent(new DefinitionEditEvent(this.definition));
  }

  /** Typed text of controls at or under `path` no longer belongs to them once items move or go. */
  #forgetTyped(path: Path) {
    const prefix = pointerOf(path);
    for (const k of [...this.#typed.keys()]) if (k === prefix || k.startsWith(`${prefix}/`)) this.#typed.delete(k);
  }
}

function isNumberText(raw: string): boolean {
  return /^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/.test(raw);
}

/** The generated editor's tab id: the page selects it when no purpose-built tab applies. */
export const GENERATED_TAB_ID = 'settings';

/** The generated editor as a tab: it applies to every kind. */
export const schemaEditorTab: EditorTab = {
  id: GENERATED_TAB_ID,
  label: 'All settings',
  appliesTo: () => true,
  render: (ctx) => html`<fw-schema-editor .definition=${ctx.definition} .kind=${ctx.kind} .editable=${ctx.editable}
    .errors=${ctx.errors}></fw-schema-editor>`,
};

declare global {
  interface HTMLElementTagNameMap {
    'fw-schema-editor': FwSchemaEditor;
  }
}
