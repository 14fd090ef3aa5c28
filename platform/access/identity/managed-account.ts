/**
 * The account an administrator acts on: found only inside the organisations they administer (`not_found`
 * otherwise, as for one that does not exist), changeable only when its roles are within what they may assign, and
 * every change written to the audit trail (sys_audit, table_name 'sys_user') in the transaction that makes it.
 * Shared by account-changes.ts, account-sessions.ts and account-view.ts; not part of the identity face.
 */
import type { Knex } from 'knex';
import type { Formwork } from '../../context.js';
import { fail } from '../../errors.js';
import { writeAudit, type Changes } from '../../records/audit.js';
import type { Actor } from '../../records/types.js';
import { assertAdministrator, isPlatformAdmin, manages, type OrgRef } from './admin-scope.js';
import { roleAssignability } from './role-assignment.js';

/** A sys_user row with its home organisation's code and name, as administrators read it. */
export interface AccountRow {
  id: string;
  username: string;
  status: string;
  org_id: string | null;
  org_code: string | null;
  org_name: string | null;
  display_name: string | null;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  locked_at: string | null;
  failed_attempts: number | string | null;
  last_sign_in_at: string | null;
  created_at: string;
  updated_at: string | null;
  deleted_at: string | null;
  must_change_password: unknown;
  totp_enrolled_at: string | null;
  [column: string]: unknown;
}

/**
 * The sys_user row of a person the actor administers (else `not_found`, as for one that does not exist).
 * Errors: forbidden, not_found.
 */
export async function managedRow(fw: Formwork, actor: Actor, id: string, trx?: Knex.Transaction): Promise<AccountRow> {
  assertAdministrator(fw, actor);
  const row: AccountRow | undefined = typeof id === 'string' && id.length <= 36
    ? await (trx ?? fw.db.knex)('sys_user as u').leftJoin('sys_org as o', 'o.id', 'u.org_id').where('u.id', id)
        .first('u.*', 'o.code as org_code', 'o.name as org_name')
    : undefined;
  if (!row || !manages(fw, actor, row.org_id)) fail('not_found', `User "${id}" does not exist.`);
  return row;
}

/** The roles the person holds, sorted. */
export async function rolesOf(knex: Knex | Knex.Transaction, userId: string): Promise<string[]> {
  return (await knex('sys_user_role').where({ user_id: userId }).select('role')).map((r: { role: string }) => r.role).sort();
}

/** The person's organisations besides the home one, by code. */
export async function extraOrgsOf(knex: Knex | Knex.Transaction, userId: string): Promise<OrgRef[]> {
  const rows = await knex('sys_user_org as m').join('sys_org as o', 'o.id', 'm.org_id').where('m.user_id', userId)
    .select('o.id', 'o.code', 'o.name').orderBy('o.code');
  return rows.map((r: OrgRef) => ({ id: r.id, code: r.code, name: r.name }));
}

/**
 * Only a platform administrator manages an account whose roles go beyond what the actor could assign.
 * Returns the account's roles. Errors: forbidden.
 */
export async function assertManageable(fw: Formwork, actor: Actor, userId: string, trx: Knex.Transaction): Promise<string[]> {
  const roles = await rolesOf(trx, userId);
  if (isPlatformAdmin(fw, actor)) return roles;
  const registry = fw.registry.current;
  const beyond = roles.filter((r) => registry.roles.has(r) && !roleAssignability(registry, actor, r, false).assignable);
  if (beyond.length) {
    fail('forbidden', `This account holds roles you may not assign (${beyond.join(', ')}); only a platform administrator may manage it.`);
  }
  return roles;
}

/** Write one audit entry about account `userId` (sys_audit, table_name 'sys_user') in the caller's transaction. */
export async function auditAccount(trx: Knex.Transaction, actor: Actor, userId: string, operation: 'insert' | 'update' | 'delete', changes: Changes, at: string): Promise<void> {
  await writeAudit(trx, actor, at, [{ table: 'sys_user', recordId: userId, operation, version: 1, changes }]);
}
