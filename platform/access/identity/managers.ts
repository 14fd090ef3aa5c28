/**
 * People's line managers (`sys_user.manager_id`): who may be someone's manager, read back as a person's name. One
 * rule for administrators (account-changes.ts) and data files (platform/data/seed.ts): the manager is an existing,
 * active person (a lockout does not count against them: it is lifted by an administrator), not the person themself,
 * and never somewhere below the person (A manages B manages A would leave an approval chain going round). An
 * organisation administrator may pick only people of their own organisation; for them a person of another one is
 * answered like one that does not exist.
 */
import type { Knex } from 'knex';
import type { Formwork } from '../../context.js';
import { fail } from '../../errors.js';
import type { Actor } from '../../records/types.js';
import { manages } from './admin-scope.js';
import { personName } from './person-name.js';

/** A manager as people see them: their username and name. */
export interface ManagerRef { id: string; username: string; displayName: string | null }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Longer chains than this are not followed when looking for a cycle (none is that deep in practice). */
const MAX_CHAIN = 1000;

/** The person `ref` names (a user id or a username, whatever its case), deleted ones excluded. */
async function findPerson(knex: Knex | Knex.Transaction, ref: string): Promise<Record<string, string | null> | undefined> {
  if (!ref || ref.length > 100) return undefined;
  return knex('sys_user').whereNot('status', 'deleted')
    .where((q) => { q.where('username_key', ref.toLowerCase()); if (UUID.test(ref)) q.orWhere('id', ref.toLowerCase()); })
    .first('id', 'username', 'display_name', 'status', 'org_id');
}

function refused(field: string, code: string, message: string): never {
  return fail('validation_failed', message, { fieldErrors: [{ field, code, message }] });
}

/**
 * Check that `ref` (a username or user id) may be the line manager of person `userId` (null for a person not created
 * yet) and return them. `actor`, when given, is an administrator: an organisation administrator may name only people
 * of the organisations they administer. `field` names the input in errors. Errors: validation_failed on `field` with
 * unknown_user, inactive_user, self or cycle.
 */
export async function resolveManager(
  fw: Formwork, knex: Knex | Knex.Transaction, userId: string | null, ref: string, options: { actor?: Actor; field?: string } = {},
): Promise<ManagerRef> {
  const field = options.field ?? 'manager';
  const row = await findPerson(knex, ref);
  if (!row || (options.actor && !manages(fw, options.actor, row.org_id))) {
    refused(field, 'unknown_user', options.actor ? `There is no person "${ref}" in your organisation to be the line manager.` : `There is no person "${ref}".`);
  }
  const name = personName({ username: row.username!, display_name: row.display_name });
  if (row.status === 'disabled') refused(field, 'inactive_user', `${name} has a disabled account, so they cannot be a line manager.`);
  if (userId && row.id === userId) refused(field, 'self', 'A person cannot be their own line manager.');
  if (userId) {
    let cur: string | null = row.id!;
    for (let depth = 0; cur && depth < MAX_CHAIN; depth += 1) {
      const up: { manager_id: string | null } | undefined = await knex('sys_user').where({ id: cur }).first('manager_id');
      cur = up?.manager_id ?? null;
      if (cur === userId) refused(field, 'cycle', `${name} is already managed (directly or further down) by this person, so they cannot be their line manager.`);
    }
  }
  return { id: row.id!, username: row.username!, displayName: row.display_name ?? null };
}

/** The line manager of person `userId`, or null. */
export async function managerOf(knex: Knex | Knex.Transaction, userId: string): Promise<ManagerRef | null> {
  const row = await knex('sys_user as u').join('sys_user as m', 'm.id', 'u.manager_id').where('u.id', userId)
    .first('m.id', 'm.username', 'm.display_name');
  return row ? { id: row.id, username: row.username, displayName: row.display_name ?? null } : null;
}
