/**
 * Previews of a change set: its forms, tables and catalogue items as a person holding chosen roles would get them
 * from the meta and catalogue endpoints, and "try this record" (preview-try.ts). They run on the change set's
 * candidate registry — the published layer with the draft's items, built as validate builds it — which is never put
 * in force: nothing previewed is live, and nothing here writes.
 *
 * Building a registry costs far more than a request, and the studio asks again on every tab switch and every try:
 * candidates are kept per change set state (its items' revisions, the version published and the files' registry
 * version), a few at a time, and a build in progress is shared by the requests that arrive meanwhile.
 */
import type { Formwork } from '../context.js';
import { accessFacts } from '../access/index.js';
import type { RegistryHolder } from '../definitions/registry.js';
import type { DefinitionError, Registry, ResolvedTable } from '../definitions/types.js';
import { fail, isFormworkError, type FieldError } from '../errors.js';
import { fetchOrdererFacts } from '../catalog/facts.js';
import { itemView } from '../catalog/item-view.js';
import { resolveItem, type OrdererFacts } from '../catalog/model.js';
import { mayOrder, ordererFor, visibleCategories, type Audience } from '../catalog/visibility.js';
import { formMeta, tableMeta, visibleFields } from '../http/routes/meta.js';
import { forCaller } from '../http/routes/meta-defaults.js';
import { checkFieldValue } from '../records/field-values.js';
import type { Actor, RecordData } from '../records/types.js';
import { defaultFormOf } from '../rules/data-policy.js';
import { applyPolicies } from '../rules/ui-policy.js';
import { workflowOf } from '../workflow/definitions.js';
import { composeLayer, fetchPublishedLayer } from './layer.js';
import { tryRules } from './preview-try.js';
import type { PolicyTrial, PreviewService, TryInput, TryView } from './preview-types.js';
import { fetchChangeSet, fetchCurrentVersion, fetchItems } from './store.js';

/** How many candidate registries are kept (each is a whole registry: a few megabytes for a large pack set). */
const CACHE_SIZE = 8;

/** The previews of one engine's change sets (see the module comment). */
export class StudioPreview implements PreviewService {
  readonly #fw: Formwork;
  readonly #holder: RegistryHolder;
  readonly #cache = new Map<string, Promise<{ registry?: Registry; errors: DefinitionError[] }>>();

  constructor(fw: Formwork, holder: RegistryHolder) {
    this.#fw = fw;
    this.#holder = holder;
  }

  /** The change set's candidate registry. Errors: not_found, definition_invalid (every error in `definitionErrors`). */
  async candidate(csId: string): Promise<Registry> {
    const knex = this.#fw.db.knex;
    const cs = await fetchChangeSet(knex, csId);
    if (!cs) fail('not_found', `There is no change set "${csId}".`);
    const [items, version] = await Promise.all([fetchItems(knex, cs.id), fetchCurrentVersion(knex)]);
    const state = items.map((i) => `${i.kind}:${i.name}:${i.revision}:${i.deleted ? 1 : 0}`).sort().join('|');
    const key = `${cs.id}\n${version}\n${this.#holder.current.version}\n${state}`;
    let built = this.#cache.get(key);
    if (built) {
      this.#cache.delete(key);
    } else {
      built = fetchPublishedLayer(knex).then((published) => {
        const layer = composeLayer(published, items, cs.name);
        return this.#holder.prepare(this.#fw.config.definitionRoots, layer);
      });
      built.catch(() => this.#cache.delete(key));
    }
    this.#cache.set(key, built);
    while (this.#cache.size > CACHE_SIZE) this.#cache.delete(this.#cache.keys().next().value!);
    const { registry, errors } = await built;
    if (!registry) {
      fail('definition_invalid', `Change set "${cs.name}" is not valid, so it cannot be previewed: ${errors.length} problem${errors.length === 1 ? '' : 's'}.`, {
        extra: { definitionErrors: errors },
      });
    }
    return registry;
  }

  /** The `user` facts the preview person's UI policies see (what the browser's session gives a form). */
  async person(me: Actor, csId: string, roles: string[]): Promise<Record<string, unknown>> {
    const registry = await this.candidate(csId);
    return accessFacts(registry, previewActor(registry, me, roles), this.#fw.clock.now()).user as Record<string, unknown>;
  }

  /** A form as GET /api/meta/forms/:form gives it from the candidate to a person holding `roles`. */
  async form(me: Actor, csId: string, name: string, roles: string[]) {
    const registry = await this.candidate(csId);
    const actor = previewActor(registry, me, roles);
    const def = registry.forms.get(name);
    if (!def) fail('not_found', `There is no form "${name}" in this change set.`);
    const meta = asPerson(registry, roles, def.table, () => formMeta(registry, def, actor));
    meta.fields = await forCaller(this.#fw, actor, registry.getTable(meta.table), meta.fields, registry);
    return meta;
  }

  /** A table as GET /api/meta/tables/:table gives it from the candidate to a person holding `roles`. */
  async table(me: Actor, csId: string, name: string, roles: string[]) {
    const registry = await this.candidate(csId);
    const actor = previewActor(registry, me, roles);
    const table = registry.tables.get(name);
    if (!table) fail('not_found', `There is no table "${name}" in this change set.`);
    const meta = asPerson(registry, roles, name, () => tableMeta(table, visibleFields(registry, actor, table), registry));
    meta.fields = await forCaller(this.#fw, actor, table, meta.fields, registry);
    const defaultForm = defaultFormOf(registry, table.name)?.name ?? null;
    return { ...meta, defaultForm, workflow: workflowOf(registry, table) !== null };
  }

  /**
   * A catalogue item's page as GET /api/catalog/items/:name gives it from the candidate to a person holding
   * `roles`, with `orderable`: whether that person could order it (the portal answers "not found" when not).
   */
  async catalogItem(me: Actor, csId: string, name: string, roles: string[]) {
    const registry = await this.candidate(csId);
    const actor = previewActor(registry, me, roles);
    const item = resolveItem(registry, name);
    if (!item) fail('not_found', `There is no catalogue item "${name}" in this change set.`);
    const now = this.#fw.clock.now();
    const user = { ...(accessFacts(registry, actor, now).user as OrdererFacts), displayName: actor.username };
    let profile: Promise<OrdererFacts> | undefined;
    const a: Audience = { registry, user, now: now.toISOString(), profile: () => (profile ??= fetchOrdererFacts(this.#fw, actor, user)) };
    const seen = await visibleCategories(a);
    const category = item.def.categories.map((c) => seen.get(c)).find((c) => c !== undefined);
    const shelf = category ? { name: category.name, title: category.title } : null;
    return { ...itemView(item, a, await ordererFor(a, item), shelf), orderable: await mayOrder(a, item.def, seen) };
  }

  /** Try a record against the table's rules and, with `form`, the form's UI policies (nothing is written). */
  async tryRecord(me: Actor, csId: string, input: TryInput): Promise<TryView> {
    const registry = await this.candidate(csId);
    const roles = [input.role ?? []].flat();
    const actor = previewActor(registry, me, roles);
    const table = registry.tables.get(input.table);
    const problems: FieldError[] = [];
    if (!table) problems.push({ field: 'table', code: 'unknown_table', message: `There is no table "${input.table}" in this change set.` });
    const form = input.form === undefined ? undefined : registry.forms.get(input.form);
    if (input.form !== undefined && (!form || form.table !== input.table)) {
      problems.push({ field: 'form', code: 'unknown_form', message: `There is no form "${input.form}" of table "${input.table}" in this change set.` });
    }
    if (problems.length) fail('validation_failed', problems.map((p) => p.message).join(' '), { fieldErrors: problems });
    const previous = input.operation === 'update' ? checkedRecord(table!, input.previous ?? input.record, 'previous') : null;
    const given = checkedRecord(table!, input.record, 'record', previous);
    const record = previous ? { ...previous, ...given } : given;
    const now = this.#fw.clock.now();
    const user = accessFacts(registry, actor, now).user as Record<string, unknown>;
    const trial = await tryRules({ registry, table: table!, operation: input.operation, record, previous, user, now: now.toISOString() });
    let policies: PolicyTrial | null = null;
    if (form) {
      const fields: Record<string, { required?: boolean; readOnly?: boolean }> = {};
      for (const section of form.sections) {
        for (const column of section.columns) {
          for (const n of column) {
            const f = table!.fields.get(n);
            if (f) fields[n] = { required: f.required === true, readOnly: f.system || f.readOnly === true };
          }
        }
      }
      const outcome = await applyPolicies(form.uiPolicies, record, { user: user as never, now: now.toISOString(), previous, fields });
      policies = {
        form: form.name, formLabel: form.label ?? form.name,
        policies: (form.uiPolicies ?? []).map((p, i) => ({
          name: p.name ?? null, description: p.description ?? null, holds: outcome.active[i] === true, failed: outcome.failed.includes(i),
        })),
        fields: Object.keys(fields).map((n) => ({
          name: n, label: table!.fields.get(n)!.label ?? n, visible: outcome.visible[n] ?? true, mandatory: outcome.mandatory[n] ?? false,
          readOnly: outcome.readOnly[n] ?? false, ...(n in outcome.values ? { value: outcome.values[n] } : {}),
        })),
      };
    }
    return {
      ...trial, table: table!.name, tableLabel: table!.def.label ?? table!.name, operation: input.operation, roles: actor.roles, policies,
    };
  }
}

/**
 * The person a preview is for: the configurator, in their own organisations, holding just `roles` (themself when
 * none are named). Errors: validation_failed naming `role` for a role the candidate does not declare.
 */
export function previewActor(registry: Registry, me: Actor, roles: string[]): Actor {
  if (!roles.length) return me;
  const unknown = [...new Set(roles)].filter((r) => !registry.roles.has(r));
  if (unknown.length) {
    const message = `There is no role ${unknown.map((r) => `"${r}"`).join(', ')} in this change set.`;
    fail('validation_failed', message, { fieldErrors: [{ field: 'role', code: 'unknown_role', message }] });
  }
  return { ...me, roles: [...new Set(roles)], capabilities: undefined, sessionId: null };
}

/** `build` as the preview person; a table they may not read is a 422 naming `role`, not the configurator's 403. */
function asPerson<T>(registry: Registry, roles: string[], table: string, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (!isFormworkError(e) || e.code !== 'forbidden') throw e;
    const names = roles.map((r) => registry.roles.get(r)?.label ?? r).join(', ');
    const label = registry.tables.get(table)?.def.label ?? table;
    const message = `Someone with ${roles.length ? `only ${names}` : 'your roles'} may not read ${label}: they would not see this.`;
    return fail('validation_failed', message, { fieldErrors: [{ field: 'role', code: 'no_access', message }] });
  }
}

/**
 * A record as sent, each value checked as the record service checks a client's (by field label); fields the table
 * does not have are refused. Errors: validation_failed naming `<what>.<field>`.
 */
function checkedRecord(table: ResolvedTable, data: RecordData, what: string, previous?: RecordData | null): RecordData {
  const out: RecordData = {};
  const problems: FieldError[] = [];
  for (const [name, value] of Object.entries(data)) {
    const field = table.fields.get(name);
    if (!field) {
      problems.push({ field: `${what}.${name}`, code: 'unknown_field', message: `${table.def.label ?? table.name} has no field "${name}".` });
      continue;
    }
    const checked = checkFieldValue(field, value, previous?.[name]);
    if (checked.ok) out[name] = checked.value;
    else problems.push({ field: `${what}.${name}`, code: checked.code, message: checked.message });
  }
  if (problems.length) fail('validation_failed', problems.map((p) => p.message).join(' '), { fieldErrors: problems });
  return out;
}
