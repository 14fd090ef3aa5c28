import type { Registry, RoleDef, TableOperation } from '../definitions/types.js';
import type { Actor } from '../records/types.js';
import { fail } from '../errors.js';

/** Every role an actor holds, with the roles they include, resolved once per registry snapshot. */
function expandRoles(registry: Registry, names: string[]): RoleDef[] {
  const seen = new Set<string>();
  const out: RoleDef[] = [];
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const role = registry.roles.get(name);
    if (!role) return;
    out.push(role);
    for (const inc of role.includes ?? []) visit(inc);
  };
  names.forEach(visit);
  return out;
}

/**
 * Whether the actor may perform `operation` on `table`. Deny by default: the system actor may do anything;
 * a user needs a role granting the operation on the table or on a table it extends.
 */
export function canOperate(registry: Registry, actor: Actor, table: string, operation: TableOperation): boolean {
  if (actor.kind === 'system') return true;
  const t = registry.getTable(table);
  const tables = new Set([t.name, ...t.ancestors]);
  return expandRoles(registry, actor.roles).some((role) =>
    (role.tables ?? []).some((g) => tables.has(g.table) && g.operations.includes(operation)));
}

/** Throws `forbidden` unless {@link canOperate}. */
export function assertCanOperate(registry: Registry, actor: Actor, table: string, operation: TableOperation): void {
  if (!canOperate(registry, actor, table, operation)) {
    fail('forbidden', `${actor.username} may not ${operation} records of table "${table}".`);
  }
}
