/**
 * The `table` kind: a table's fields, hierarchy, numbering and indexes (schema part table.schema.json, type
 * `TableDef` in platform/definitions/types.ts, because every kind refers to tables and their field model). The
 * registry resolves the hierarchy itself (with shared choice lists, field sets and overrides, in
 * platform/definitions/tables.ts); what is checked here is what needs the resolved tables: per-record read
 * conditions, dependent choices, the fields of field sets and overridden defaults.
 */
import { readSchemaPart } from '../definitions/schema.js';
import { defineKind } from '../definitions/kinds.js';
import { checkFieldValue } from './field-values.js';
import { lintDependentChoices } from './lint-choices.js';

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
    }
    lintDependentChoices(table, ctx.report);
    for (const [set, fields] of Object.entries(def.fieldSets ?? {})) fields.forEach((f, i) => ctx.fieldRef(`/fieldSets/${set}/${i}`, table, f));
    for (const [name, o] of Object.entries(def.overrides ?? {})) {
      const f = table.fields.get(name);
      // Choice defaults are checked with the table's resolution; other values as a write would check them.
      if (f?.overriddenBy !== def.name || o.default === undefined || o.default === null || f.type === 'choice') continue;
      if (typeof o.default === 'string' && o.default.startsWith('$')) continue;
      const checked = checkFieldValue(f, o.default);
      if (!checked.ok) ctx.report(`/overrides/${name}/default`, checked.message, { value: o.default });
    }
  },
});
