/**
 * Users and organisations, and the Actor a user acts as: roles, organisations, party codes (their own and those
 * shared with them under an active mutual consent; see party-codes.ts) and capabilities.
 */
import { capabilitiesOf } from '../policy.js';
import type { Knex } from 'knex';
import { v7 as uuidv7 } from 'uuid';
import type { CredentialRead, Formwork, Membership } from '../../context.js';
import { fail, type FieldError } from '../../errors.js';
import type { Actor } from '../../records/types.js';
import { grantedPartyCodes } from '../sharing.js';
import { assertPasswordPolicy, hashPassword } from './passwords.js';

export type UserStatus = 'active' | 'locked' | 'disabled' | 'deleted';
export const USER_STATUSES: readonly UserStatus[] = ['active', 'locked', 'disabled', 'deleted'];

/** A sys_user row as stored (booleans normalised). */
export interface UserRow {
  id: string;
  username: string;
  display_name: string | null;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  status: UserStatus;
  org_id: string | null;
  password_hash: string | null;
  must_change_password: boolean;
  profile_confirmed: boolean;
  failed_attempts: number;
  locked_at: string | null;
  last_sign_in_at: string | null;
  mfa_method: string | null;
  totp_secret: string | null;
  totp_enrolled_at: string | null;
  created_at: string;
  /** The line manager (a sys_user id), or null. */
  manager_id?: string | null;
}

export interface OrgRow {
  id: string;
  code: string;
  name: string;
  status: string;
  mfa_email_fallback: boolean;
}

/** Booleans come back as 0/1 from SQLite and true/false from PostgreSQL. */
export const bool = (v: unknown): boolean => v === true || v === 1 || v === '1';

export function toUserRow(row: Record<string, unknown>): UserRow {
  return {
    ...(row as unknown as UserRow),
    must_change_password: bool(row.must_change_password),
    profile_confirmed: bool(row.profile_confirmed),
    failed_attempts: Number(row.failed_attempts ?? 0),
  };
}

function toOrgRow(row: Record<string, unknown>): OrgRow {
  return { ...(row as unknown as OrgRow), mfa_email_fallback: bool(row.mfa_email_fallback) };
}

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}$/;
const ORG_CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,59}$/;

/** Whether a user may sign in or use a token at all (status active and not locked out). */
export function isUsable(user: Pick<UserRow, 'status' | 'locked_at'>): boolean {
  return user.status === 'active' && !user.locked_at;
}

export interface CreateOrgInput {
  code: string;
  name: string;
  /** Members may receive a one-time code by email instead of using an authenticator app. */
  mfaEmailFallback?: boolean;
}

/** Create an organisation. Errors: validation_failed (code), unique_violation (code taken). */
export async function createOrg(fw: Formwork, input: CreateOrgInput, trx?: Knex.Transaction): Promise<OrgRow> {
  if (!ORG_CODE.test(input.code)) {
    fail('validation_failed', `Organisation code "${input.code}" must be 1–60 letters, digits, "_" or "-".`, {
      fieldErrors: [{ field: 'code', code: 'pattern', message: 'Use letters, digits, "_" or "-".' }],
    });
  }
  const q = trx ?? fw.db.knex;
  if (await q('sys_org').where({ code: input.code }).first('id')) {
    fail('unique_violation', `Organisation code "${input.code}" is already taken.`, {
      fieldErrors: [{ field: 'code', code: 'taken', message: `"${input.code}" is already taken.` }],
    });
  }
  const row = {
    id: uuidv7(), code: input.code, name: input.name, status: 'active',
    mfa_email_fallback: input.mfaEmailFallback === true, created_at: fw.clock.now().toISOString(),
  };
  await q('sys_org').insert(row);
  return toOrgRow(row);
}

export async function fetchOrgByCode(fw: Formwork, code: string, trx?: Knex.Transaction): Promise<OrgRow | null> {
  const row = await (trx ?? fw.db.knex)('sys_org').where({ code }).first();
  return row ? toOrgRow(row) : null;
}

export async function fetchOrg(fw: Formwork, id: string): Promise<OrgRow | null> {
  const row = await fw.db.knex('sys_org').where({ id }).first();
  return row ? toOrgRow(row) : null;
}

export interface CreateUserInput {
  username: string;
  firstName?: string;
  lastName?: string;
  displayName?: string;
  email?: string;
  phone?: string;
  status?: UserStatus;
  /** Home organisation, by id or by code. */
  orgId?: string;
  orgCode?: string;
  /** Role definitions held. */
  roles?: string[];
  /** Further organisations (ids) the user belongs to. */
  orgs?: string[];
  /** Party codes of their organisations the user acts under (party-codes.ts); named like the Actor's `userIds`. */
  userIds?: string[];
  /** Initial password (checked against the policy); without one the user cannot sign in yet. */
  password?: string;
  /**
   * Instead of `password`: its hash (hashPassword), when the caller checked the policy and gives one password to
   * several users (demo people), so it is hashed once.
   */
  passwordHash?: string;
  /** Default true: the first sign-in must choose a new password. */
  mustChangePassword?: boolean;
  /** Default false: the first sign-in asks for names, email and phone. */
  profileConfirmed?: boolean;
  /** The line manager's user id, checked by the caller (managers.ts `resolveManager`). */
  managerId?: string | null;
}

/** Throws unless `username` is well-formed and not taken by anyone, whatever the case. */
export async function assertUsernameAvailable(fw: Formwork, username: string, trx?: Knex.Transaction): Promise<void> {
  if (!USERNAME.test(username)) {
    fail('validation_failed', `Username "${username}" must be 1–100 letters, digits or . _ @ + - (starting with a letter or digit).`, {
      fieldErrors: [{ field: 'username', code: 'pattern', message: 'Use letters, digits or . _ @ + -.' }],
    });
  }
  if (await (trx ?? fw.db.knex)('sys_user').where({ username_key: username.toLowerCase() }).first('id')) {
    fail('unique_violation', `Username "${username}" is already taken.`, {
      fieldErrors: [{ field: 'username', code: 'taken', message: `"${username}" is already taken.` }],
    });
  }
}

/**
 * Create a user with roles, extra organisations and party codes, in one transaction (nested in `trx` when given).
 * Errors: validation_failed (username, unknown role, organisation or party code, weak password), unique_violation.
 */
export async function createUser(fw: Formwork, input: CreateUserInput, trx?: Knex.Transaction): Promise<UserRow> {
  const registry = fw.registry.current;
  const problems: FieldError[] = [];
  for (const role of input.roles ?? []) {
    if (!registry.roles.has(role)) problems.push({ field: 'roles', code: 'unknown_role', message: `Role "${role}" is not defined.` });
  }
  if (input.status && !USER_STATUSES.includes(input.status)) {
    problems.push({ field: 'status', code: 'choice', message: `Status must be one of ${USER_STATUSES.join(', ')}.` });
  }
  if (problems.length) fail('validation_failed', problems.map((p) => p.message).join(' '), { fieldErrors: problems });
  if (input.password !== undefined) assertPasswordPolicy(input.password, input.username, 'password');
  const passwordHash = input.password === undefined
    ? input.passwordHash ?? null
    : await hashPassword(input.password, fw.config.scryptLog2N);
  const now = fw.clock.now().toISOString();

  return (trx ?? fw.db.knex).transaction(async (trx) => {
    await assertUsernameAvailable(fw, input.username, trx);
    let orgId = input.orgId ?? null;
    if (!orgId && input.orgCode) {
      const org = await fetchOrgByCode(fw, input.orgCode, trx);
      if (!org) fail('validation_failed', `Organisation "${input.orgCode}" does not exist.`, { fieldErrors: [{ field: 'org', code: 'unknown_org', message: `Organisation "${input.orgCode}" does not exist.` }] });
      orgId = org.id;
    }
    const display = input.displayName ?? ([input.firstName, input.lastName].filter(Boolean).join(' ') || null);
    const row = {
      id: uuidv7(), username: input.username, username_key: input.username.toLowerCase(), display_name: display,
      first_name: input.firstName ?? null, last_name: input.lastName ?? null, email: input.email ?? null, phone: input.phone ?? null,
      status: input.status ?? 'active', org_id: orgId, password_hash: passwordHash,
      password_changed_at: passwordHash ? now : null,
      must_change_password: input.mustChangePassword ?? true, profile_confirmed: input.profileConfirmed ?? false,
      failed_attempts: 0, created_at: now, updated_at: now, manager_id: input.managerId ?? null,
    };
    await trx('sys_user').insert(row);
    const roles = [...new Set(input.roles ?? [])];
    if (roles.length) await trx('sys_user_role').insert(roles.map((role) => ({ user_id: row.id, role })));
    const orgs = [...new Set(input.orgs ?? [])].filter((o) => o !== orgId);
    if (orgs.length) await trx('sys_user_org').insert(orgs.map((org_id) => ({ user_id: row.id, org_id })));
    const codes = [...new Set(input.userIds ?? [])];
    if (codes.length) {
      const found = await trx('sys_party_code').whereIn('code', codes).select('id', 'code', 'org_id');
      const member = new Set([orgId, ...orgs]);
      const missing = codes.filter((c) => !found.some((f: { code: string; org_id: string }) => f.code === c && member.has(f.org_id)));
      if (missing.length) {
        fail('validation_failed', `Party codes ${missing.map((c) => `"${c}"`).join(', ')} do not belong to the user's organisations.`, {
          fieldErrors: [{ field: 'userIds', code: 'unknown_party_code', message: `Unknown party codes: ${missing.join(', ')}.` }],
        });
      }
      await trx('sys_user_party_code').insert(found.map((f: { id: string }) => ({ user_id: row.id, party_code_id: f.id })));
    }
    return toUserRow(row);
  });
}

export async function fetchUser(fw: Formwork, id: string): Promise<UserRow | null> {
  const row = await fw.db.knex('sys_user').where({ id }).first();
  return row ? toUserRow(row) : null;
}

/** The user with this username, whatever its case. */
export async function fetchUserByUsername(fw: Formwork, username: string): Promise<UserRow | null> {
  const row = await fw.db.knex('sys_user').where({ username_key: username.toLowerCase() }).first();
  return row ? toUserRow(row) : null;
}

/** fetchUserByUsername that fails with `not_found`. */
export async function requireUser(fw: Formwork, username: string): Promise<UserRow> {
  const user = await fetchUserByUsername(fw, username);
  if (!user) fail('not_found', `User "${username}" does not exist.`);
  return user;
}

/**
 * Set a user's password (checked against the policy). `mustChange` (default false) makes the next sign-in reach
 * only the change step, as after an administrator's reset. Errors: validation_failed.
 */
export async function setPassword(
  fw: Formwork, userId: string, password: string, options: { mustChange?: boolean; trx?: Knex.Transaction } = {},
): Promise<void> {
  const user = await (options.trx ?? fw.db.knex)('sys_user').where({ id: userId }).first('username');
  if (!user) fail('not_found', `User "${userId}" does not exist.`);
  assertPasswordPolicy(password, user.username as string);
  const hash = await hashPassword(password, fw.config.scryptLog2N);
  const now = fw.clock.now().toISOString();
  await (options.trx ?? fw.db.knex)('sys_user').where({ id: userId }).update({
    password_hash: hash, password_changed_at: now, must_change_password: options.mustChange === true, updated_at: now,
  });
}

/**
 * Clear a lockout (and a 'locked' status): locked_at and the failure count. No permission check and no audit entry:
 * for callers that decided already (the operator's CLI unlock, `unlockUserByOperator` in admin.ts).
 */
export async function clearUserLockout(fw: Formwork, userId: string): Promise<void> {
  const now = fw.clock.now().toISOString();
  await fw.db.knex('sys_user').where({ id: userId }).update({ locked_at: null, failed_attempts: 0, updated_at: now });
  await fw.db.knex('sys_user').where({ id: userId, status: 'locked' }).update({ status: 'active' });
}

/** One definition of what roles grant (platform/access/policy.ts), re-exported for the identity layer. */
export { capabilitiesOf };

export interface ActorOptions {
  sessionId?: string | null;
  via?: 'session' | 'token';
  /** Read inside this transaction (e.g. seeding, which may just have created the user). */
  trx?: Knex.Transaction;
}

/** The identity read's shapes are declared with the engine context, which holds the cache of them. */
export type { CredentialRead, Membership };

/** The membership branches of the identity read, for the users `who` selects (a constant SQL fragment). */
const membershipBranches = (who: string, pad: string) => `
  select 'role' as k, r.role as v${pad} from sys_user_role r where r.user_id ${who}
  union all select 'org' as k, o.org_id as v${pad} from sys_user_org o where o.user_id ${who}
  union all select 'party' as k, c.code as v${pad} from sys_user_party_code u join sys_party_code c on c.id = u.party_code_id
    where u.user_id ${who} and c.status = 'active'
  union all select 'grant' as k, g.id as v${pad} from sys_access_grant g where g.user_id ${who} and g.revoked_at is null`;

const rowsOf = <T>(r: unknown): T[] => (Array.isArray(r) ? r : (r as { rows: T[] }).rows);

/**
 * A credential row (a session or an API token, with its user) and the memberships of the user it names, in ONE
 * statement — a request's authentication then costs a single round trip. `head.sql` selects `user_id` and every
 * column in `head.columns` (constant identifiers of the caller; values only through `head.bindings`). Returns
 * null when the head matches no row.
 */
export async function readCredentialWithMemberships(
  knex: Knex, head: { sql: string; bindings: readonly Knex.RawBinding[]; columns: readonly string[] },
): Promise<CredentialRead | null> {
  const pad = head.columns.map(() => ', null').join('');
  // The head row carries the credential's own columns (named by the caller), the membership rows `k` and `v`.
  const rows = rowsOf<Record<string, unknown> & { k: string; v: unknown }>(await knex.raw(
    `with h as (${head.sql})
     select 'head' as k, null as v, ${head.columns.map(() => '?? as ??').join(', ')} from h
     union all ${membershipBranches('in (select user_id from h)', pad)}`,
    [...head.bindings, ...head.columns.flatMap((c) => [`h.${c}`, c])],
  ));
  const first = rows.find((r) => r.k === 'head');
  if (!first) return null;
  const { k: _k, v: _v, ...columns } = first;
  return { head: columns, memberships: rows.filter((r) => r.k !== 'head') as Membership[] };
}

/**
 * The Actor of a user row: roles (sys_user_role), organisations (home first, then sys_user_org), party codes
 * (`userIds`: their own, then those shared by consent), and the capabilities the roles grant.
 */
export async function actorForUser(fw: Formwork, user: Pick<UserRow, 'id' | 'username' | 'org_id'>, options: ActorOptions = {}): Promise<Actor> {
  const memberships = rowsOf<Membership>(await (options.trx ?? fw.db.knex).raw(membershipBranches('= ?', ''), [user.id, user.id, user.id, user.id]));
  return actorFromMemberships(fw, user, memberships, options);
}

/** The Actor of `user` given its memberships as read by {@link readCredentialWithMemberships} or {@link actorForUser}. */
export async function actorFromMemberships(fw: Formwork, user: Pick<UserRow, 'id' | 'username' | 'org_id'>, rows: readonly Membership[], options: ActorOptions = {}): Promise<Actor> {
  const roles = rows.filter((r) => r.k === 'role').map((r) => r.v).sort();
  const orgs = [...new Set([...(user.org_id ? [user.org_id] : []), ...rows.filter((r) => r.k === 'org').map((r) => r.v)])];
  const userIds = rows.filter((r) => r.k === 'party').map((r) => r.v).sort();
  if (rows.some((r) => r.k === 'grant')) {
    // One definition of "shared by consent" (sharing.ts): grants whose pair of consents is in force right now.
    for (const code of await grantedPartyCodes(options.trx ?? fw.db.knex, user.id, fw.clock.now().toISOString())) {
      if (!userIds.includes(code)) userIds.push(code);
    }
  }
  return {
    kind: 'user',
    id: user.id,
    username: user.username,
    roles,
    orgs,
    orgId: user.org_id ?? null,
    userIds,
    capabilities: capabilitiesOf(fw.registry.current, roles),
    sessionId: options.sessionId ?? null,
    via: options.via ?? 'session',
  };
}

/** The Actor of user `userId` (see {@link actorForUser}). Errors: not_found. */
export async function loadActor(fw: Formwork, userId: string, options: ActorOptions = {}): Promise<Actor> {
  const user = await fw.db.knex('sys_user').where({ id: userId }).first('id', 'username', 'org_id');
  if (!user) fail('not_found', `User "${userId}" does not exist.`);
  return actorForUser(fw, user, options);
}
