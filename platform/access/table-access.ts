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

/** The actor's access for the operation; throws `forbidden` unless {@link canOperate}. */
export function assertCanOperate(registry: Registry, actor: Actor, table: string, operation: TableOperation): TableAccess {
  const access = accessFor(registry, actor, table, operation);
  if (!access.allowed) fail('forbidden', `${actor.username} may not ${operation} records of table "${table}".`);
  return access;
}
