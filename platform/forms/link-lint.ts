/**
 * Lint of a form's `links` (see FormLink in types.ts): the target exists, each `set` key is a field of the target
 * form (or table) a new record can be given, or a variable of the catalogue item, and each source is a field of the
 * form's table. Forms and catalogue items are read as written (lint runs before normalise).
 */
import type { LintContext } from '../definitions/kinds.js';
import type { ResolvedTable } from '../definitions/types.js';
import { placedFields } from './normalise.js';
import type { FormLink, FormSource } from './types.js';

/** What a link's `set` keys may name: a set of names and how to say a missing one. */
interface TargetNames { names: Set<string>; missing: (key: string) => string }

/** The names a link may set on its target, or null when the target itself is unknown (already reported). */
function targetNames(link: FormLink, at: string, ctx: LintContext): TargetNames | null {
  const to = link.to as Record<string, string>;
  if ('form' in to) {
    if (!ctx.ref('form', `${at}/to/form`, to.form!)) return null;
    const form: FormSource | undefined = ctx.defs('form').get(to.form!);
    if (!form) return null;
    const table = ctx.tables.get(form.table);
    return {
      names: new Set(placedFields(form).filter((f) => settable(table, f))),
      missing: (k) => `Field "${k}" is not a field of form "${to.form}" that a new record can be given.`,
    };
  }
  if ('table' in to) {
    const table = ctx.tableRef(`${at}/to/table`, to.table!);
    if (!table) return null;
    return {
      names: new Set([...table.fields.keys()].filter((f) => settable(table, f))),
      missing: (k) => `Field "${k}" is not a field of table "${to.table}" that a new record can be given.`,
    };
  }
  // Definitions loaded without any catalogue (a pack's tables alone) keep their links to it: at run time a link to
  // an item that is not there is simply not offered (orderableLinks), so only a loaded catalogue is checked.
  if (ctx.defs('catalogItem').size === 0) return null;
  if (!ctx.ref('catalogItem', `${at}/to/catalogItem`, to.catalogItem!)) return null;
  const item = ctx.defs('catalogItem').get(to.catalogItem!);
  if (!item) return null;
  const names = new Set(Object.keys(item.variables ?? {}));
  // Multi-row sets are answered as rows: one value from a record cannot fill them.
  for (const setName of item.variableSets ?? []) {
    const set = ctx.defs('variableSet').get(setName);
    if (set && !set.multiRow) for (const v of Object.keys(set.variables)) names.add(v);
  }
  return { names, missing: (k) => `"${k}" is not a variable of catalogue item "${to.catalogItem}".` };
}

/** Whether a create can be given the field's value through the new-record page's query. */
function settable(table: ResolvedTable | undefined, name: string): boolean {
  const f = table?.fields.get(name);
  if (!f) return false;
  return !f.system && !f.protected && !f.readOnly && f.type !== 'journal' && f.type !== 'attachment' && f.type !== 'json';
}

/** Report every problem of the form's links. */
export function lintLinks(form: FormSource, table: ResolvedTable | undefined, ctx: LintContext): void {
  const seen = new Set<string>();
  form.links?.forEach((link, i) => {
    const at = `/links/${i}`;
    if (seen.has(link.name)) ctx.report(`${at}/name`, `The form already has a link "${link.name}".`, { value: link.name });
    seen.add(link.name);
    link.roles?.forEach((r, j) => ctx.ref('role', `${at}/roles/${j}`, r));
    if (link.condition !== undefined) ctx.condition(`${at}/condition`, table, link.condition, { compilable: false, allowPrevious: false });
    const target = targetNames(link, at, ctx);
    for (const [key, source] of Object.entries(link.set)) {
      const pointer = `${at}/set/${key}`;
      if (target && !target.names.has(key)) ctx.report(pointer, target.missing(key), { value: key });
      const field = source === 'record' ? null : source.slice('record.'.length);
      if (field !== null) ctx.fieldRef(pointer, table, field);
    }
  });
}
