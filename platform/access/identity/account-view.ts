/**
 * Reading accounts as an administrator: the paged, sorted and searchable list of their organisation's accounts,
 * one account in full, and whether a username can still be taken.
 */
import type { Knex } from 'knex';
import type { Formwork } from '../../context.js';
import { fail, isFormworkError } from '../../errors.js';
import type { Actor } from '../../records/types.js';
import { adminScope, assertAdministrator, type OrgRef } from './admin-scope.js';
import { extraOrgsOf, managedRow, rolesOf, type AccountRow } from './managed-account.js';
import { partyCodesOf } from './party-codes.js';
import { managerOf, type ManagerRef } from './managers.js';
import { liveApiTokens } from './tokens.js';
import { assertUsernameAvailable, bool } from './users.js';

/** Largest page of the user list. */
export const MAX_USER_PAGE = 200;

/** The status an administrator sees: a lockout shows as 'locked' whatever the stored status. */
export type AccountStatus = 'active' | 'locked' | 'disabled' | 'deleted';

/** A row of the user list. */
export interface AdminUserSummary {
  id: string;
  username: string;
  displayName: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  status: AccountStatus;
  lastSignInAt: string | null;
  org: OrgRef | null;
}

/** One account in full. */
export interface AdminUser extends AdminUserSummary {
  phone: string | null;
  createdAt: string;
  updatedAt: string | null;
  deletedAt: string | null;
  lockedAt: string | null;
  failedAttempts: number;
  mustChangePassword: boolean;
  mfaEnrolled: boolean;
  /** Organisations besides the home one. */
  orgs: OrgRef[];
  roles: string[];
  /**
   * Party codes of their own organisations the person acts under (not those granted by consent); the API field
   * keeps its published name.
   */
  userIds: string[];
  /** API tokens in use: neither revoked nor expired (disabling the account revokes them for good). */
  apiTokens: number;
  /** The person's line manager (workflow approvals may ask them), or null. */
  manager: ManagerRef | null;
}

/** The CASE expression of {@link AccountStatus} over sys_user `u`. */
const STATUS_SQL = "case when u.status = 'deleted' then 'deleted' when u.status = 'disabled' then 'disabled' "
  + "when u.locked_at is not null or u.status = 'locked' then 'locked' else 'active' end";

function accountStatus(row: Record<string, unknown>): AccountStatus {
  if (row.status === 'deleted' || row.status === 'disabled') return row.status;
  return row.locked_at || row.status === 'locked' ? 'locked' : 'active';
}

function summaryOf(row: AccountRow): AdminUserSummary {
  return {
    id: row.id, username: row.username, displayName: row.display_name ?? null, firstName: row.first_name ?? null,
    lastName: row.last_name ?? null, email: row.email ?? null, status: accountStatus(row), lastSignInAt: row.last_sign_in_at ?? null,
    // The home organisation exists (a foreign key), so the join found its code and name.
    org: row.org_id ? { id: row.org_id, code: row.org_code as string, name: row.org_name as string } : null,
  };
}

export type UserSort = 'username' | 'displayName' | 'status' | 'lastSignInAt';
const SORTS: Record<string, UserSort> = {
  username: 'username', displayName: 'displayName', display_name: 'displayName', name: 'displayName',
  status: 'status', lastSignInAt: 'lastSignInAt', last_sign_in_at: 'lastSignInAt', lastSignIn: 'lastSignInAt',
};

export interface UserListQuery {
  /** Organisation id or code (platform administrators; an organisation administrator may name only their own). */
  org?: string;
  /** Case-insensitive search in username, display, first and last name. */
  q?: string;
  /** `username`, `displayName`, `status` or `lastSignInAt`, `-` first for descending (default `username`). */
  sort?: string;
  status?: string;
  limit?: number;
  offset?: number;
}

/**
 * The accounts of the administrator's organisation (a platform administrator: of `org`, or every one), sorted and
 * paged, with the total. Empty values sort last in either direction; ties go by username. Errors: forbidden,
 * not_found (org), invalid_query.
 */
export async function listUsers(
  fw: Formwork, actor: Actor, query: UserListQuery,
): Promise<{ users: AdminUserSummary[]; total: number; limit: number; offset: number }> {
  const org = await adminScope(fw, actor, query.org);
  const limit = query.limit ?? 50;
  const offset = query.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_USER_PAGE) fail('invalid_query', `limit must be a whole number from 1 to ${MAX_USER_PAGE}; got ${limit}.`);
  if (!Number.isInteger(offset) || offset < 0) fail('invalid_query', `offset must be a whole number of 0 or more; got ${offset}.`);
  const sortText = query.sort ?? 'username';
  const desc = sortText.startsWith('-');
  const sort = SORTS[desc || sortText.startsWith('+') ? sortText.slice(1) : sortText];
  if (!sort) fail('invalid_query', `sort must be one of username, displayName, status or lastSignInAt (with "-" for descending); got "${sortText}".`);
  const k = fw.db.knex;
  const base = k('sys_user as u').leftJoin('sys_org as o', 'o.id', 'u.org_id');
  if (org) base.where('u.org_id', org.id);
  if (query.status !== undefined) {
    if (!['active', 'locked', 'disabled', 'deleted'].includes(query.status)) fail('invalid_query', 'status must be active, locked, disabled or deleted.');
    base.whereRaw(`${STATUS_SQL} = ?`, [query.status]);
  }
  const q = query.q?.trim();
  if (q) {
    if (q.length > 100) fail('invalid_query', 'The search text may be at most 100 characters.');
    const p = `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    base.where((w) => {
      w.whereRaw("u.username_key like ? escape '\\'", [p]);
      for (const col of ['display_name', 'first_name', 'last_name']) w.orWhereRaw(`lower(u.${col}) like ? escape '\\'`, [p]);
    });
  }
  const dir = desc ? 'desc' : 'asc';
  const rows = base.clone().select('u.*', 'o.code as org_code', 'o.name as org_name');
  const sortExpr = sort === 'username' ? 'u.username_key'
    : sort === 'displayName' ? 'lower(u.display_name)' : sort === 'status' ? STATUS_SQL : 'u.last_sign_in_at';
  // Empty values last in both directions and on both databases (SQLite and PostgreSQL disagree by default).
  if (sort !== 'username' && sort !== 'status') rows.orderByRaw(`case when ${sortExpr} is null then 1 else 0 end`);
  rows.orderByRaw(`${sortExpr} ${dir}`).orderBy('u.username_key', 'asc').orderBy('u.id', 'asc').limit(limit).offset(offset);
  const [list, total] = await Promise.all([
    rows,
    base.clone().count({ n: '*' }).first().then((r) => Number((r as { n: unknown }).n)),
  ]);
  return { users: list.map(summaryOf), total, limit, offset };
}

/**
 * An account in full: its row with its roles, extra organisations, party codes, line manager and how many API tokens
 * are in use.
 */
async function fullView(knex: Knex | Knex.Transaction, row: AccountRow, now: string): Promise<AdminUser> {
  const tokens = liveApiTokens(knex, row.id, now).count({ n: '*' }).first();
  const [roles, orgs, ids, live, manager] = await Promise.all([
    rolesOf(knex, row.id), extraOrgsOf(knex, row.id), partyCodesOf(knex, row.id), tokens, managerOf(knex, row.id),
  ]);
  return {
    ...summaryOf(row),
    phone: row.phone ?? null, createdAt: row.created_at, updatedAt: row.updated_at ?? null, deletedAt: row.deleted_at ?? null,
    lockedAt: row.locked_at ?? null, failedAttempts: Number(row.failed_attempts ?? 0), mustChangePassword: bool(row.must_change_password),
    mfaEnrolled: !!row.totp_enrolled_at, orgs, roles, userIds: ids.map((i) => i.code),
    apiTokens: Number((live as { n: unknown } | undefined)?.n ?? 0), manager,
  };
}

/** One account of the administrator's organisation. Errors: forbidden, not_found. */
export async function getUser(fw: Formwork, actor: Actor, id: string): Promise<AdminUser> {
  return fullView(fw.db.knex, await managedRow(fw, actor, id), fw.clock.now().toISOString());
}

/**
 * Whether a username can be taken (usernames are unique across the platform, whatever their case):
 * `{available: false, reason: 'invalid' | 'taken'}` with a message when not.
 */
export async function checkUsername(fw: Formwork, actor: Actor, username: string): Promise<{ username: string; available: boolean; reason?: 'invalid' | 'taken'; message?: string }> {
  assertAdministrator(fw, actor);
  try {
    await assertUsernameAvailable(fw, username);
    return { username, available: true };
  } catch (e) {
    if (isFormworkError(e) && (e.code === 'validation_failed' || e.code === 'unique_violation')) {
      return { username, available: false, reason: e.code === 'unique_violation' ? 'taken' : 'invalid', message: e.message };
    }
    throw e;
  }
}
