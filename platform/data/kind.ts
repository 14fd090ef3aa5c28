/**
 * The `data` kind: reference and demo data a pack ships — records of one table, and the organisations (with their
 * inactivity settings), people and work queues of the identity layer — loaded by platform/data/seed.ts.
 */
import { defineKind, type LintContext } from '../definitions/kinds.js';
import { readSchemaPart } from '../definitions/schema.js';
import { lintDataIdentities } from './lint-identities.js';
import { lintDataInactivity } from './lint-inactivity.js';
import { lintDataQueues } from './lint-queues.js';
import { lintDataReferences } from './lint-references.js';
import type { DataFile } from './types.js';

declare module '../definitions/kinds.js' {
  interface KindTypes { data: { def: DataFile; map: 'data' } }
}

function lintRecords(def: DataFile, ctx: LintContext): void {
  if (def.table === undefined) return;
  const table = ctx.tableRef('/table', def.table);
  def.key?.forEach((k, i) => ctx.fieldRef(`/key/${i}`, table, k));
  if (!table) return;
  const declared = [...table.fields.values()].filter((x) => !x.system).map((x) => x.name);
  (def.records ?? []).forEach((r, i) => {
    for (const k of Object.keys(r)) {
      const f = table.fields.get(k);
      if (!f) ctx.report(`/records/${i}/${k}`, `Field "${k}" is not a field of table "${table.name}".`, { expected: ctx.expected(declared, k) });
      else if (f.system) ctx.report(`/records/${i}/${k}`, `Field "${k}" is set by the system.`);
    }
  });
  if (table.def.abstract) ctx.report('/table', `Table "${table.name}" is abstract: data goes into a table that extends it.`);
}

export const dataKind = defineKind({
  kind: 'data',
  map: 'data',
  summary: 'reference or demo records, organisations, people and work queues',
  schema: readSchemaPart(new URL('./data.schema.json', import.meta.url)),
  lint(def, ctx) {
    lintRecords(def, ctx);
    lintDataInactivity(def, ctx);
  },
  lintAll(defs, ctx) {
    const files = [...defs.values()];
    if (!files.length) return;
    const first = ctx(files[0]!);
    const data = files.map((def) => ({ def, source: ctx(def).source }));
    return [
      ...lintDataIdentities({ data, declaredRoles: new Set(first.names('role')) }),
      ...lintDataReferences({ data, tables: first.tables }),
      ...lintDataQueues({ data, tables: first.tables, workflows: first.defs('workflow').values() }),
    ];
  },
});
