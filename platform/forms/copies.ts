/** The copy actions of a form as one person may use them (the form's `copies`: a new record prefilled from this one). */
import { accessFor, expandRoles } from '../access/policy.js';
import type { Registry } from '../definitions/types.js';
import type { Actor } from '../records/types.js';
import type { FormCopy, FormDef } from './types.js';

/**
 * The copy actions an actor may use: they hold one of the action's roles (when it names any) and may create records
 * of the table; each copies only the fields they may read (`readable`) and set on create. Actions left with no
 * field are dropped. The form metadata and the actions a record page offers both ask this.
 */
export function copiesFor(registry: Registry, form: FormDef, actor: Actor, readable: ReadonlySet<string>): FormCopy[] {
  const create = accessFor(registry, actor, form.table, 'create');
  if (!create.allowed || registry.getTable(form.table).def.abstract) return [];
  const held = new Set(expandRoles(registry, actor.roles).map((r) => r.name));
  const out: FormCopy[] = [];
  for (const copy of form.copies ?? []) {
    if (copy.roles?.length && !copy.roles.some((r) => held.has(r))) continue;
    const fields = copy.fields.filter((f) => readable.has(f) && create.writable.has(f));
    if (fields.length) out.push({ ...copy, fields });
  }
  return out;
}
