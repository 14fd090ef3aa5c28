/**
 * The `table` kind: a table's fields, hierarchy, numbering and indexes (schema part table.schema.json, type
 * `TableDef` in platform/definitions/types.ts, because every kind refers to tables and their field model). The
 * registry resolves the hierarchy itself (with shared choice lists, field sets and overrides, in
 * platform/definitions/tables.ts); what is checked here is what needs the resolved tables: per-record read
 * conditions, dependent choices, the fields of field sets and overridden defaults.
 */
import { readSchemaPart } from '../definitions/schema.js';
import { defineKind, type LintContext } from '../definitions/kinds.js';
import { DEFAULT_FACTS, defaultFactName, factFieldTypes, isFactDefault } from '../access/fact-defaults.js';
import { checkFieldValue } from './field-values.js';
import { lintDependentChoices } from './lint-choices.js';

/** A default from a fact names a known fact of the person, whose value the field can hold. */
function lintFactDefault(ctx: LintContext, pointer: string, field: string, type: string, fact: string): void {
  if (defaultFactName(fact) === null) {
    ctx.report(pointer, `"${fact}" is not a fact a default can take.`, { expected: DEFAULT_FACTS.map((f) => `user.${f}`).join(', '), value: fact });
    return;
  }
  const fits = factFieldTypes(fact);
  if (!fits.includes(type)) {
    ctx.report(pointer, `Field "${field}" is ${type}, which cannot hold "${fact}".`, { expected: `a field of type ${fits.join(', ')}`, value: fact });
  }
}

export const tableKind = defineKind({
  kind: 'table',
  map: 'tableDefs',
  summary: 'a table of records and its fields',
  schema: readSchemaPart(new URL('./table.schema.json', import.meta.url)),
  lint(def, ctx) {
    const table = ctx.tables.get(def.name);
    if (!table) return;
    for (const [name, f] of Object.entries(def.fields)) {
      if (f.readableWhen !== undefined) ctx.condition(`/fields/${name}/readableWhen`, table, f.readableWhen, { compilable: false, allowPrevious: false });
      if (isFactDefault(f.default)) lintFactDefault(ctx, `/fields/${name}/default/fact`, name, f.type, f.default.fact);
    }
    lintDependentChoices(table, ctx.report);
    for (const [set, fields] of Object.entries(def.fieldSets ?? {})) fields.forEach((f, i) => ctx.fieldRef(`/fieldSets/${set}/${i}`, table, f));
    for (const [name, o] of Object.entries(def.overrides ?? {})) {
      const f = table.fields.get(name);
      // Choice defaults are checked with the table's resolution; other values as a write would check them.
      if (f?.overriddenBy !== def.name || o.default === undefined || o.default === null || f.type === 'choice') continue;
      if (isFactDefault(o.default)) { lintFactDefault(ctx, `/overrides/${name}/default/fact`, name, f.type, o.default.fact); continue; }
      if (typeof o.default === 'string' && o.default.startsWith('$')) continue;
      const checked = checkFieldValue(f, o.default);
      if (!checked.ok) ctx.report(`/overrides/${name}/default`, checked.message, { value: o.default });
    }
  },
});
