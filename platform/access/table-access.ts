import type { Registry } from '../definitions/types.js';
import type { TableOperation } from './roles/types.js';
import type { Actor } from '../records/types.js';
import { fail } from '../errors.js';
import { accessFor, type TableAccess } from './policy.js';

/**
 * Whether the actor may perform `operation` on `table` at all (some rows, some fields). Deny by default: the
 * system actor may do anything; a user needs a role granting the operation on the table or on a table it extends.
 */
export function canOperate(registry: Registry, actor: Actor, table: string, operation: TableOperation): boolean {
  return accessFor(registry, actor, table, operation).allowed;
}

const VERBS: Record<TableOperation, string> = { create: 'create', read: 'read', update: 'change', delete: 'delete' };

/**
 * The actor's access for the operation; throws `forbidden` unless {@link canOperate}, naming the table by its label
 * ("You do not have access to <the table's plural label>."). A declared table is no secret (its name is in the definitions), so
 * refusing it says so; an unknown table stays `table_not_found`, and records outside the rows stay `not_found`.
 */
export function assertCanOperate(registry: Registry, actor: Actor, table: string, operation: TableOperation): TableAccess {
  const access = accessFor(registry, actor, table, operation);
  if (access.allowed) return access;
  const def = registry.getTable(table).def;
  const plural = def.pluralLabel ?? def.label ?? table;
  const read = accessFor(registry, actor, table, 'read').allowed;
  fail('forbidden', read ? `You may not ${VERBS[operation]} ${plural}.` : `You do not have access to ${plural}.`, { extra: { table } });
}
