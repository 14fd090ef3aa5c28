/**
 * The `role` kind: job-type roles, the roles they include, their capabilities and their table grants (operations,
 * row scope and condition, readable / writable / denied fields). platform/access/policy.ts turns them into each
 * actor's access. A grant's field lists may name a field set of the table as `@name`; `normalise` replaces it by
 * the set's fields, so the access policy only ever sees field names. A grant's table may be "*" (every table of every
 * pack, {@link EVERY_TABLE}); such a grant names no fields and no condition.
 */
import { defineKind, type LintContext, type NormaliseContext } from '../../definitions/kinds.js';
import { readSchemaPart } from '../../definitions/schema.js';
import { ALWAYS_READABLE, COUNTER_FIELDS } from '../../definitions/types.js';
import { ORG_ADMIN, PLATFORM_ADMIN } from '../sharing.js';
import { EVERY_TABLE, type RoleDef, type TableGrant } from './types.js';

declare module '../../definitions/kinds.js' {
  interface KindTypes { role: { def: RoleDef; map: 'roles' } }
}

function lintRole(role: RoleDef, ctx: LintContext): void {
  role.includes?.forEach((r, i) => ctx.ref('role', `/includes/${i}`, r));
  // Cycles through includes.
  const roles = ctx.defs('role');
  const visit = (name: string, path: string[]): string[] | null => {
    for (const inc of roles.get(name)?.includes ?? []) {
      if (inc === role.name) return [...path, inc];
      if (path.includes(inc)) continue;
      const found = visit(inc, [...path, inc]);
      if (found) return found;
    }
    return null;
  };
  const cycle = visit(role.name, [role.name]);
  if (cycle) ctx.report('/includes', `Role "${role.name}" includes itself: ${cycle.join(' → ')}.`);
  role.tables?.forEach((g, i) => {
    if (g.table === EVERY_TABLE) {
      // Field names and conditions belong to one table: a grant on every table cannot name them.
      for (const key of ['condition', 'readFields', 'writeFields', 'deniedFields'] as const) {
        if (g[key] !== undefined) ctx.report(`/tables/${i}/${key}`, `A grant on every table ("${EVERY_TABLE}") cannot have "${key}": give it a grant of its own table.`);
      }
      return;
    }
    const table = ctx.tableRef(`/tables/${i}/table`, g.table);
    if (g.condition) ctx.condition(`/tables/${i}/condition`, table, g.condition, { compilable: true });
    // Each entry with the fields it stands for (a set's fields are checked where the table declares them).
    const named = (key: GrantFieldList) => (g[key] ?? []).flatMap((entry, j) => {
      const pointer = `/tables/${i}/${key}/${j}`;
      if (!entry.startsWith(SET_PREFIX)) {
        ctx.fieldRef(pointer, table, entry);
        return [{ pointer, name: entry, via: '' }];
      }
      const set = entry.slice(SET_PREFIX.length);
      const fields = table?.fieldSets.get(set);
      if (table && !fields) {
        ctx.report(pointer, `Table "${table.name}" has no field set "${set}".`, {
          value: entry, expected: table.fieldSets.size ? ctx.expected([...table.fieldSets.keys()].map((n) => SET_PREFIX + n), entry) : `a field name (table "${table.name}" declares no fieldSets)`,
        });
      }
      return (fields ?? []).map((name) => ({ pointer, name, via: ` (in field set "${set}")` }));
    });
    named('readFields');
    for (const { pointer, name, via } of named('writeFields')) {
      const field = table?.fields.get(name);
      if (field?.system) ctx.report(pointer, `Field "${name}"${via} is set by the system and is never writable.`, { value: name });
      else if (field?.protected || field?.readOnly) ctx.report(pointer, `Field "${name}"${via} is ${field.protected ? 'protected' : 'read-only'}: only the system, rules and workflows set it.`, { value: name });
    }
    for (const { pointer, name, via } of named('deniedFields')) {
      if ((COUNTER_FIELDS as readonly string[]).includes(name)) {
        ctx.report(pointer, `Field "${name}"${via} is a counter the system keeps and is always readable.`, { value: name });
      } else if (ALWAYS_READABLE.includes(name)) ctx.report(pointer, `Field "${name}"${via} identifies the record and is always readable.`, { value: name });
    }
  });
}

type GrantFieldList = 'readFields' | 'writeFields' | 'deniedFields';

/** How a grant names a field set of its table: `@raise`. */
export const SET_PREFIX = '@';

/** The role with every `@set` in its grants' field lists replaced by the set's fields (first mention kept). */
export function normaliseRole(role: RoleDef, ctx: NormaliseContext): RoleDef {
  const namesSet = (g: TableGrant) => [g.readFields, g.writeFields, g.deniedFields].some((l) => l?.some((f) => f.startsWith(SET_PREFIX)));
  if (!role.tables?.some(namesSet)) return role;
  return {
    ...role,
    tables: role.tables.map((g) => {
      const out = { ...g };
      for (const key of ['readFields', 'writeFields', 'deniedFields'] as const) {
        const list = g[key];
        if (!list) continue;
        const sets = ctx.tables.get(g.table)?.fieldSets;
        out[key] = [...new Set(list.flatMap((f) => (f.startsWith(SET_PREFIX) ? [...sets?.get(f.slice(SET_PREFIX.length)) ?? []] : [f])))];
      }
      return out;
    }),
  };
}

export const roleKind = defineKind({
  kind: 'role',
  map: 'roles',
  summary: 'a job-type role: capabilities and table grants',
  schema: readSchemaPart(new URL('./role.schema.json', import.meta.url)),
  lint: lintRole,
  normalise: normaliseRole,
  capabilities: (roles) => [PLATFORM_ADMIN, ORG_ADMIN, ...[...roles.values()].flatMap((r) => r.capabilities ?? [])],
});
