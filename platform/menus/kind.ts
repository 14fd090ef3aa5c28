/**
 * The `menu` kind: the navigation the app shell builds (served by the meta routes, platform/http/routes/meta.ts):
 * table lists with their filter, columns and sort, forms, and plain paths, each optionally behind a capability.
 */
import { defineKind, type LintContext } from '../definitions/kinds.js';
import { readSchemaPart } from '../definitions/schema.js';
import type { MenuDef, MenuItem } from './types.js';

declare module '../definitions/kinds.js' {
  interface KindTypes { menu: { def: MenuDef; map: 'menus' } }
}

function lintMenu(menu: MenuDef, ctx: LintContext): void {
  const walk = (items: MenuItem[], at: string) => items.forEach((item, i) => {
    const p = `${at}/${i}`;
    const table = item.table ? ctx.tableRef(`${p}/table`, item.table) : undefined;
    if (item.form) ctx.ref('form', `${p}/form`, item.form);
    if (item.capability) ctx.capabilityRef(`${p}/capability`, item.capability);
    if (item.filter) {
      if (!item.table) ctx.report(`${p}/filter`, 'A filter needs the item to name a table.');
      else ctx.condition(`${p}/filter`, table, item.filter, { compilable: true });
    }
    item.columns?.forEach((c, j) => ctx.fieldRef(`${p}/columns/${j}`, table, c));
    if (item.sort) ctx.fieldRef(`${p}/sort`, table, item.sort.replace(/^-/, ''));
    if ((item.columns || item.sort) && !item.table) ctx.report(`${p}/table`, 'Columns and sort need the item to name a table.');
    if (item.items) walk(item.items, `${p}/items`);
  });
  walk(menu.items, '/items');
}

export const menuKind = defineKind({
  kind: 'menu',
  map: 'menus',
  summary: 'a group of navigation entries',
  schema: readSchemaPart(new URL('./menu.schema.json', import.meta.url)),
  lint: lintMenu,
  // Menus without an order come after those with one, then by name.
  compare: (a, b) => (a.order ?? Number.MAX_SAFE_INTEGER) - (b.order ?? Number.MAX_SAFE_INTEGER) || a.name.localeCompare(b.name),
});
