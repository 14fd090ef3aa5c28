/**
 * What the UI renders, from the registry snapshot in force: resolved tables, forms with the metadata of every
 * field they show, and menus. Also the health check. Physical details (columns, physical tables) stay private.
 */
import { Router } from 'express';
import type { Formwork } from '../../context.js';
import { accessFor, assertCanOperate, hasCapability } from '../../access/index.js';
import type { Registry, ResolvedField, ResolvedTable } from '../../definitions/types.js';
import { copiesFor } from '../../forms/copies.js';
import { linksFor } from '../../forms/links.js';
import { orderableLinks } from '../../catalog/form-links.js';
import type { FormDef } from '../../forms/types.js';
import type { MenuDef, MenuItem } from '../../menus/types.js';
import type { Actor } from '../../records/types.js';
import { maxLengthOf } from '../../records/index.js';
import { defaultFormOf } from '../../rules/data-policy.js';
import { workflowOf } from '../../workflow/definitions.js';
import { searchFieldsOf } from '../../search/fields.js';
import { unfilterableContent } from '../../versions/index.js';
import { versionsOf } from '../../versions/store.js';
import type { FieldMeta, TableMeta } from '../api-types.js';
import { NO_QUERY, readQuery } from '../input.js';
import { methodNotAllowed } from '../middleware/method-not-allowed.js';
import { forCaller } from './meta-defaults.js';

export type { FieldMeta, TableMeta };

/** Optional FieldDef members passed through unchanged when set. */
const PASSTHROUGH = [
  'help', 'default', 'multiple', 'reference', 'maxLength', 'minLength', 'min', 'max', 'scale', 'currency',
  'pattern', 'patternMessage', 'accept', 'maxSize', 'fetchFrom', 'dependsOn', 'names',
] as const;

export function fieldMeta(field: ResolvedField): FieldMeta {
  const meta: FieldMeta = {
    name: field.name,
    type: field.type,
    label: field.label ?? field.name,
    required: field.required === true,
    readOnly: field.system,
    system: field.system,
  };
  for (const key of PASSTHROUGH) {
    if (field[key] !== undefined) Object.assign(meta, { [key]: field[key] });
  }
  // The limit in force, declared or default, so forms stop typing where the server would refuse.
  const maxLength = maxLengthOf(field);
  if (maxLength !== undefined) meta.maxLength = maxLength;
  if (field.choices) {
    meta.choices = field.choices.map((c) => ({
      value: c.value, label: c.label, ...(c.inactive ? { inactive: true } : {}), ...(c.for ? { for: [...c.for] } : {}),
    }));
  }
  if (field.type === 'journal') meta.journalType = field.journalType ?? 'comment';
  if (field.hidden) meta.hidden = true;
  if (field.encrypted || field.readableWhen) meta.queryable = false;
  return meta;
}

/**
 * What an actor may see of a table: masked fields are left out, and fields they may not write are read-only.
 * A table they may not read at all is `forbidden` ("You do not have access to …").
 */
export function visibleFields(
  registry: Registry, actor: Actor, table: ResolvedTable,
): { readable: ReadonlySet<string>; writable: Set<string> } {
  const read = assertCanOperate(registry, actor, table.name, 'read');
  const writable = new Set<string>();
  for (const op of ['create', 'update'] as const) {
    const a = accessFor(registry, actor, table.name, op);
    if (a.allowed) for (const f of a.writable) writable.add(f);
  }
  return { readable: read.readable, writable };
}

function withAccess(meta: FieldMeta, writable: Set<string>): FieldMeta {
  return writable.has(meta.name) ? meta : { ...meta, readOnly: true };
}

/**
 * A table's metadata for people (fields narrowed to `access` when given). With `registry`, options inherited from the
 * tables it extends count too (content versions, full-text search); without, only its own.
 */
export function tableMeta(
  table: ResolvedTable, access?: { readable: ReadonlySet<string>; writable: Set<string> }, registry?: Registry,
): TableMeta {
  const fields = [...table.fields.values()].filter((f) => !access || access.readable.has(f.name));
  const meta: TableMeta = {
    name: table.name,
    label: table.def.label ?? table.name,
    pluralLabel: table.def.pluralLabel ?? table.def.label ?? table.name,
    ancestors: [...table.ancestors],
    abstract: table.def.abstract === true,
    displayField: table.displayField,
    fields: fields.map(fieldMeta).map((m) => (access ? withAccess(m, access.writable) : m)),
  };
  if (table.def.description !== undefined) meta.description = table.def.description;
  if (table.def.extends !== undefined) meta.extends = table.def.extends;
  if (table.numberPrefix !== undefined) meta.numberPrefix = table.numberPrefix;
  if (registry ? versionsOf(registry, table) : table.def.versions) meta.versions = true;
  if (table.ratings) meta.ratings = { scale: table.ratings.scale, comments: table.ratings.comments === true };
  if (table.fields.has('view_count')) meta.countViews = true;
  if (registry && searchFieldsOf(registry, table).length) meta.searchable = true;
  return meta;
}

/** The form definition, its table's labels, and the metadata of every field its sections and policies name. */
export function formMeta(registry: Registry, form: FormDef, actor?: Actor) {
  const table = registry.getTable(form.table);
  const access = actor ? visibleFields(registry, actor, table) : undefined;
  const names = new Set<string>();
  for (const section of form.sections) for (const column of section.columns) for (const name of column) names.add(name);
  for (const policy of form.uiPolicies ?? []) for (const action of policy.actions) names.add(action.field);
  const fields: Record<string, FieldMeta> = {};
  for (const name of names) {
    const f = table.fields.get(name);
    if (f && (!access || access.readable.has(name))) fields[name] = access ? withAccess(fieldMeta(f), access.writable) : fieldMeta(f);
  }
  const copies = actor ? copiesFor(registry, form, actor, access!.readable) : form.copies;
  const links = actor ? linksFor(registry, form, actor, access!.readable) : form.links;
  // Related lists of tables the person cannot read are not theirs to see.
  const related = actor ? form.relatedLists?.filter((rl) => accessFor(registry, actor, rl.table, 'read').allowed) : form.relatedLists;
  return {
    ...form,
    ...(form.copies ? { copies } : {}),
    ...(form.links ? { links } : {}),
    ...(form.relatedLists ? { relatedLists: related } : {}),
    tableLabel: table.def.label ?? table.name,
    tablePluralLabel: table.def.pluralLabel ?? table.def.label ?? table.name,
    displayField: table.displayField,
    fields,
  };
}

/**
 * Menus as the actor may use them: items needing a capability they lack, or naming a table they cannot read or
 * a form on such a table, are left out, and so are groups left empty. An administrator holds every capability
 * (hasCapability), so only the tables' grants decide what they see.
 */
export function menusFor(registry: Registry, actor: Actor): MenuDef[] {
  const canRead = (table: string) => registry.tables.has(table) && accessFor(registry, actor, table, 'read').allowed;
  const keep = (items: MenuItem[]): MenuItem[] => items.flatMap((item) => {
    if (item.capability && !hasCapability(registry, actor, item.capability)) return [];
    if (item.table && !canRead(item.table)) return [];
    if (item.form) {
      const form = registry.forms.get(item.form);
      if (!form || !canRead(form.table) || !accessFor(registry, actor, form.table, 'create').allowed) return [];
    }
    if (item.items) {
      const children = keep(item.items);
      if (!children.length && !item.table && !item.form && !item.path) return [];
      return [{ ...item, items: children }];
    }
    return [item];
  });
  return sortedMenus(registry).map((m) => ({ ...m, items: keep(m.items) })).filter((m) => m.items.length > 0);
}

/** Menus by `order` (unordered ones last), then by name. */
export function sortedMenus(registry: Registry): MenuDef[] {
  return [...registry.menus.values()].sort((a, b) =>
    (a.order ?? Number.MAX_SAFE_INTEGER) - (b.order ?? Number.MAX_SAFE_INTEGER) || a.name.localeCompare(b.name));
}

export function metaRouter(fw: Formwork): Router {
  const router = Router();

  router.route('/meta/tables/:table')
    .get(async (req, res) => {
      readQuery(req, NO_QUERY);
      const registry = fw.registry.current;
      const table = registry.getTable(req.params.table);
      const meta = tableMeta(table, visibleFields(registry, res.locals.actor, table), registry);
      meta.fields = await forCaller(fw, res.locals.actor, table, meta.fields);
      // Content that may be in draft: this person's lists refuse filters on it, so no filter builder offers it.
      const unfilterable = unfilterableContent(registry, table, res.locals.actor);
      if (unfilterable.size) meta.fields = meta.fields.map((f) => (unfilterable.has(f.name) ? { ...f, queryable: false } : f));
      // Whether a workflow runs the table, so a page asks for it only then.
      const defaultForm = defaultFormOf(registry, table.name)?.name ?? null;
      res.json({ data: { ...meta, defaultForm, workflow: workflowOf(registry, table) !== null } });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/meta/forms/:form')
    .get(async (req, res) => {
      readQuery(req, NO_QUERY);
      const registry = fw.registry.current;
      const meta = formMeta(registry, registry.get('form', req.params.form), res.locals.actor);
      meta.fields = await forCaller(fw, res.locals.actor, registry.getTable(meta.table), meta.fields);
      if (meta.links) meta.links = await orderableLinks(fw, res.locals.actor, meta.links);
      res.json({ data: meta });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/meta/menus')
    .get((req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: menusFor(fw.registry.current, res.locals.actor) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/health')
    .get(async (req, res) => {
      readQuery(req, NO_QUERY);
      await fw.db.knex.raw('select 1');
      res.json({ status: 'ok', registry: fw.registry.current.version, database: fw.db.dialect.name });
    })
    .all(methodNotAllowed(['GET']));

  return router;
}
