/**
 * Administration used by the CLI and the first start: create an administrator with a temporary password, reset
 * a password, unlock an account, and the demo administrator of a fresh database.
 */
import type { Formwork } from '../../context.js';
import { fail } from '../../errors.js';
import { temporaryPassword } from './passwords.js';
import { revokeUserSessions } from './sessions.js';
import { clearUserLockout, createOrg, createUser, fetchOrgByCode, requireUser, setPassword, type UserRow } from './users.js';

export const DEFAULT_ADMIN_ORG = 'MAIN';

export interface CreatedCredential {
  user: UserRow;
  /** The temporary password, to show once: it reaches only the change-password step. */
  password: string;
}

/**
 * Create a user holding `roles` (default `admin` when that role is defined) in organisation `orgCode` (created
 * when missing), with a generated temporary password that must be changed at the first sign-in.
 * Errors: validation_failed (username, unknown role), unique_violation (username taken).
 */
export async function createAdministrator(
  fw: Formwork, input: { username: string; orgCode?: string; orgName?: string; roles?: string[] },
): Promise<CreatedCredential> {
  const orgCode = input.orgCode ?? DEFAULT_ADMIN_ORG;
  const roles = input.roles?.length ? input.roles : fw.registry.current.roles.has('admin') ? ['admin'] : [];
  const org = (await fetchOrgByCode(fw, orgCode)) ?? (await createOrg(fw, { code: orgCode, name: input.orgName ?? orgCode }));
  const password = temporaryPassword();
  const user = await createUser(fw, { username: input.username, orgId: org.id, roles, password, mustChangePassword: true });
  return { user, password };
}

/**
 * An administrator's reset: a new temporary password (shown once) that must be changed at the next sign-in; the
 * user's sessions end. Errors: not_found.
 */
export async function resetPassword(fw: Formwork, username: string): Promise<CreatedCredential> {
  const user = await requireUser(fw, username);
  const password = temporaryPassword();
  await setPassword(fw, user.id, password, { mustChange: true });
  await revokeUserSessions(fw, user.id, 'password_reset');
  return { user, password };
}

/**
 * The operator's unlock (the CLI, run by whoever runs the server): lifts the lockout of any account by username,
 * with no actor and no permission check. Administrators unlock through `unlockManagedAccount` (account-changes.ts), which checks
 * and audits. Errors: not_found, conflict (deleted).
 */
export async function unlockUserByOperator(fw: Formwork, username: string): Promise<UserRow> {
  const user = await requireUser(fw, username);
  if (user.status === 'deleted') fail('conflict', `User "${username}" is deleted and cannot be unlocked.`);
  await clearUserLockout(fw, user.id);
  return user;
}

/**
 * On a fresh database with demo data enabled: a demo organisation and an `admin` user with a temporary password.
 * Returns the credential to print once, or null when any user exists already (other than the demo people data
 * files declare, who are seeded first). A read, then a write: instances sharing a database call it under the
 * start-up lock (createEngine's `demoAdministrator` option), so exactly one creates the user and shows its password.
 */
export async function ensureDemoAdministrator(fw: Formwork): Promise<CreatedCredential | null> {
  if (!fw.config.demoData) return null;
  const people = [...fw.registry.current.data.values()].flatMap((f) => (f.people ?? []).map((p) => p.username.toLowerCase()));
  const any = await fw.db.knex('sys_user').modify((q) => { if (people.length) q.whereNotIn('username_key', people); }).first('id');
  if (any) return null;
  return createAdministrator(fw, { username: 'admin', orgCode: 'DEMO', orgName: 'Demo organisation' });
}
