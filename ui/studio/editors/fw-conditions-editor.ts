import { html, nothing } from 'lit';
import { consume } from '@lit/context';
import { Task, TaskStatus } from '@lit/task';
import { customElement, property } from 'lit/decorators.js';
import { LightElement } from '../../light-element.js';
import type { ApiClient } from '../../api/client.js';
import { fetchDefinitionSchema, fetchStudioDefinition } from '../../api/studio.js';
import type { FieldMeta, TableMeta } from '../../api/types.js';
import { apiContext } from '../../contexts.js';
import type { Condition } from '../../../platform/conditions/browser.js';
import '../../conditions/fw-condition-builder.js';
import type { ConditionChangeEvent } from '../../conditions/fw-condition-builder.js';
import { kindTitle } from '../studio-parts.js';
import { conditionPlaces, kindHasConditions, replaceAt, type ConditionPlace } from './condition-places.js';
import { DefinitionEditEvent, type Definition, type EditorTab } from './contract.js';
import { words } from './schema-model.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A field of a table definition (as its file holds it) as the builder's field metadata. */
export function fieldMetaOf(name: string, def: Record<string, unknown>): FieldMeta {
  const choices = Array.isArray(def.choices)
    ? def.choices.map((c) => (isObject(c)
        ? { value: String(c.value), label: String(c.label ?? c.value), inactive: c.inactive === true || undefined }
        : { value: String(c), label: String(c) }))
    : undefined;
  return {
    name, type: String(def.type ?? 'string') as FieldMeta['type'], label: typeof def.label === 'string' ? def.label : words(name),
    required: def.required === true, readOnly: false, system: false, choices, multiple: def.multiple === true || undefined,
    reference: typeof def.reference === 'string' ? def.reference : undefined,
  };
}

/**
 * The fields conditions on table `table` can test: the running table's (with system and inherited fields, choice
 * lists resolved) overlaid with the change set's own edit of the table, so a field added in the change set is offered.
 */
export async function fetchConditionFields(api: ApiClient, cs: string, table: string, signal?: AbortSignal): Promise<FieldMeta[]> {
  const [running, draft] = await Promise.all([
    api.get<TableMeta>(`/meta/tables/${encodeURIComponent(table)}`, { signal }).then((r) => r.data.fields, () => [] as FieldMeta[]),
    fetchStudioDefinition(api, cs, 'table', table, signal).then((i) => (i.deleted ? null : i.definition), () => null),
  ]);
  const byName = new Map(running.map((f) => [f.name, f]));
  const own = isObject(draft) && isObject(draft.fields) ? draft.fields : {};
  for (const [name, def] of Object.entries(own)) {
    if (!isObject(def)) continue;
    const known = byName.get(name);
    const mapped = fieldMetaOf(name, def);
    // The running metadata has choice lists resolved; the draft's own choices win where it gives them.
    byName.set(name, known ? { ...known, ...mapped, choices: mapped.choices ?? known.choices } : mapped);
  }
  return [...byName.values()];
}

/**
 * The "Conditions" tab: every condition of the definition (found from its kind's schema), each named in words and
 * edited with the condition builder on the fields of the definition's table. Each change fires the whole definition
 * with that condition replaced.
 *
 * @fires fw-definition-edit - the definition after a change
 */
@customElement('fw-conditions-editor')
export class FwConditionsEditor extends LightElement {
  /** The definition as the page holds it now. */
  @property({ attribute: false }) accessor definition: Definition = {};
  /** Its kind and machine name. */
  @property() accessor kind = '';
  @property() accessor name = '';
  /** The change set it is edited in (the table's fields are read from it). */
  @property() accessor changeSetId = '';
  /** False: conditions are shown, not changed. */
  @property({ type: Boolean }) accessor editable = true;

  @consume({ context: apiContext }) private accessor api!: ApiClient;

  #schema = new Task(this, {
    args: () => [this.api] as const,
    task: async ([api]) => {
      const schema = await fetchDefinitionSchema(api);
      refreshConditionKinds(schema);
      return schema;
    },
  });

  #fields = new Task(this, {
    args: () => [this.api, this.changeSetId, this.#tableName()] as const,
    task: ([api, cs, table], { signal }) => (table ? fetchConditionFields(api, cs, table, signal) : Promise.resolve([] as FieldMeta[])),
  });

  override render() {
    if (this.#schema.status === TaskStatus.ERROR) return html`<p class="fw-body">The conditions cannot be shown: the definition schema did not load.</p>`;
    const schema = this.#schema.value;
    const fields = this.#fields.value;
    if (!schema || !fields) return html`<p class="fw-body" role="status">Loading the conditions…</p>`;
    const label = typeof this.definition.label === 'string' && this.definition.label ? this.definition.label : this.name;
    const places = conditionPlaces(schema, this.kind, this.definition, kindTitle(this.kind), label);
    if (!places.length) return html`<p class="fw-body">This ${kindTitle(this.kind).toLowerCase()} has no conditions yet.</p>`;
    return html`<div class="fw-conditions-editor">
      <p class="fw-body">${places.length === 1 ? 'One condition' : `${places.length} conditions`} in this ${kindTitle(this.kind).toLowerCase()}.
        ${fields.length ? nothing : 'No table is named, so each condition is edited as JSON.'}</p>
      ${places.map((p, i) => html`<section class="fw-conditions-editor__place" aria-labelledby=${`conditions-${i}-title`}>
        <h2 class="fw-heading-m" id=${`conditions-${i}-title`}>${p.title}</h2>
        ${p.value === undefined ? html`<p class="fw-hint">Not set: the default applies until a condition is added here.</p>` : nothing}
        <fw-condition-builder mode="condition" idPrefix=${`conditions-${i}`} legend="True when" ?editable=${this.editable}
          .fields=${fields} .condition=${(p.value ?? null) as Condition | null}
          @fw-condition-change=${(e: ConditionChangeEvent) => this.#onChange(e, p)}></fw-condition-builder>
      </section>`)}
    </div>`;
  }

  #tableName(): string {
    if (this.kind === 'table') return this.name;
    return typeof this.definition.table === 'string' ? this.definition.table : '';
  }

  #onChange(e: ConditionChangeEvent, place: ConditionPlace) {
    e.stopPropagation();
    // A place that had no condition keeps none until something complete is built.
    if (e.condition === null && place.value === undefined) return;
    const next = replaceAt(this.definition, place.path, e.condition ?? { all: [] });
    this.dispatchEvent(new DefinitionEditEvent(next));
  }
}

/** Kinds whose schema holds a condition (the schema decides once it has loaded; this list serves until then). */
const CONDITION_KINDS = new Set(['table', 'form', 'menu', 'role', 'rule', 'workflow', 'sla', 'notification', 'job', 'catalog', 'catalogCategory',
  'catalogItem', 'variableSet', 'orderGuide']);

/** The "Conditions" tab of every kind that holds conditions. */
export const conditionsEditorTab: EditorTab = {
  id: 'conditions',
  label: 'Conditions',
  appliesTo: (kind) => CONDITION_KINDS.has(kind),
  render: (ctx) => html`<fw-conditions-editor .definition=${ctx.definition} kind=${ctx.kind} name=${ctx.name} changeSetId=${ctx.changeSetId}
    ?editable=${ctx.editable}></fw-conditions-editor>`,
};

/** Confirm the kind list against the schema (a kind whose schema gained or lost conditions). */
export function refreshConditionKinds(schema: Parameters<typeof kindHasConditions>[0]): void {
  for (const kind of Object.keys(schema.$defs)) {
    if (kind === 'definition') continue;
    const props = schema.$defs[kind]?.properties;
    if (!isObject(props) || !('kind' in props)) continue;
    if (kindHasConditions(schema, kind)) CONDITION_KINDS.add(kind);
    else CONDITION_KINDS.delete(kind);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-conditions-editor': FwConditionsEditor;
  }
}
