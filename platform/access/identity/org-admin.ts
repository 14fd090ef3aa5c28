/**
 * Organisation administration (SSI PM21–24, SSI-FR-58 to 61): what an administrator does to the accounts of their
 * organisation — list, view, create, edit, unlock, reset the password of, end the sessions of and delete a person —
 * and the one-time set-password links those accounts receive by mail. Every change is written to the audit trail
 * (sys_audit, table_name 'sys_user') in the transaction that makes it.
 *
 * Who may do what:
 *  - An organisation administrator (capability `platform.org_admin`) acts only inside their home organisation: a
 *    person of another organisation answers `not_found`, exactly like one that does not exist. A platform
 *    administrator (`platform.admin`) acts in any organisation (`org` names one).
 *  - Roles: an organisation administrator may assign a role only when it gives nothing they do not hold themselves
 *    (see {@link roleAssignability}); so they never hand out `platform.admin`, another pack's powers, or wider
 *    table access than theirs. They may also manage (edit, unlock, reset, end sessions, delete) only people whose
 *    every current role they could assign: a stronger account in their organisation is visible but not theirs to
 *    take over (e.g. by changing its email and resetting its password).
 *  - Extra organisations: only organisations the administrator administers. User IDs: only of the person's own
 *    organisations (User IDs of other organisations reach a person through consent and access grants).
 *
 * A new account has no password: the person receives a link (24 hours, single use, stored only as a SHA-256 hash)
 * to choose one, then signs in with MFA as usual. An administrator's reset clears the password, ends the person's
 * sessions and mails a new link; issuing a link invalidates the earlier ones.
 */
import type { Knex } from 'knex';
import { v7 as uuidv7 } from 'uuid';
import type { Formwork } from '../../context.js';
import type { Registry, ResolvedTable, TableOperation } from '../../definitions/types.js';
import type { Condition } from '../../conditions/types.js';
import { fail, FormworkError, isFormworkError, type FieldError } from '../../errors.js';
import { writeAudit, type Changes } from '../../records/audit.js';
import type { Actor } from '../../records/types.js';
import { randomToken, sha256 } from '../crypto.js';
import { accessFor, capabilitiesOf, expandRoles, hasCapability } from '../policy.js';
import { ORG_ADMIN, PLATFORM_ADMIN } from '../sharing.js';
import { assertPasswordPolicy, hashPassword } from './passwords.js';
import { revokeSession, revokeUserSessions } from './sessions.js';
import { assertUsernameAvailable, bool, createUser, type OrgRow } from './users.js';

/** How long a set-password link stays valid. */
export const PASSWORD_LINK_HOURS = 24;
/** Largest page of the user list. */
export const MAX_USER_PAGE = 200;

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,189}\.[^\s@]{1,63}$/;
const PHONE = /^\+?[0-9 ()-]{6,40}$/;
const LINK_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The status an administrator sees: a lockout shows as 'locked' whatever the stored status. */
export type AccountStatus = 'active' | 'locked' | 'disabled' | 'deleted';

export interface OrgRef { id: string; code: string; name: string }

/** A row of the user list (SSI-FR-59). */
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

/** One account in full (PM23). */
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
  /** User ID codes of their own organisations the person acts for (not those granted by consent). */
  userIds: string[];
}

// ---------------------------------------------------------------------------------------------------------------
// Who administers what

/** Whether the actor manages every organisation (the system actor, or capability platform.admin). */
export function isPlatformAdmin(fw: Formwork, actor: Actor): boolean {
  return actor.kind === 'system' || hasCapability(fw.registry.current, actor, PLATFORM_ADMIN);
}

/** Whether the actor administers organisation `orgId` (a platform administrator: every one, and people of none). */
export function manages(fw: Formwork, actor: Actor, orgId: string | null | undefined): boolean {
  if (isPlatformAdmin(fw, actor)) return true;
  return !!orgId && orgId === actor.orgId && hasCapability(fw.registry.current, actor, ORG_ADMIN);
}

/** Throws `forbidden` unless the actor is a platform administrator or an organisation administrator with a home organisation. */
export function assertAdministrator(fw: Formwork, actor: Actor): void {
  if (isPlatformAdmin(fw, actor)) return;
  if (!hasCapability(fw.registry.current, actor, ORG_ADMIN) || !actor.orgId) {
    fail('forbidden', 'Only an organisation administrator may do this.');
  }
}

/** The organisation named by id or code, or null. */
export async function findOrg(knex: Knex | Knex.Transaction, ref: string): Promise<OrgRef | null> {
  if (!ref || ref.length > 60) return null;
  const row = await knex('sys_org').where({ id: ref }).orWhere({ code: ref }).first('id', 'code', 'name');
  return row ? { id: row.id, code: row.code, name: row.name } : null;
}

/**
 * The organisation an administrator's request is about: `requested` (an id or code) when given — an organisation
 * administrator may name only their own (`forbidden` otherwise) — else their home organisation; null means
 * "every organisation" (a platform administrator who named none). Errors: forbidden, not_found.
 */
export async function adminScope(fw: Formwork, actor: Actor, requested?: string | null, options: { requireOne?: boolean } = {}): Promise<OrgRef | null> {
  assertAdministrator(fw, actor);
  const platform = isPlatformAdmin(fw, actor);
  if (requested) {
    const org = await findOrg(fw.db.knex, requested);
    if (!org) fail('not_found', `There is no organisation "${requested}".`);
    if (!platform && org.id !== actor.orgId) fail('forbidden', 'You may only administer your own organisation.');
    return org;
  }
  if (platform && !options.requireOne) return null;
  const own = actor.orgId ? await findOrg(fw.db.knex, actor.orgId) : null;
  if (!own) fail('invalid_query', 'Name the organisation (org) to act on.');
  return own;
}

// ---------------------------------------------------------------------------------------------------------------
// Which roles an administrator may assign

/** One level of `any`: the disjuncts of a row condition (a condition that is no `any` is its own only disjunct). */
function disjuncts(c: Condition): string[] {
  const parts = (c as { any?: Condition[] }).any;
  return (Array.isArray(parts) ? parts : [c]).map((p) => JSON.stringify(p));
}

/** Whether the rows `inner` reaches are certainly among those `outer` reaches (null: every row). */
function rowsCovered(inner: Condition | null, outer: Condition | null): boolean {
  if (outer === null) return true;
  if (inner === null) return false;
  if (JSON.stringify(inner) === JSON.stringify(outer)) return true;
  const mine = new Set(disjuncts(outer));
  return disjuncts(inner).every((d) => mine.has(d));
}

const OPERATIONS: readonly TableOperation[] = ['create', 'read', 'update', 'delete'];

/**
 * Whether `actor` may assign `role`, and why not. A platform administrator may assign any defined role. An
 * organisation administrator only one that gives nothing beyond their own roles: no capability they lack (so never
 * platform.admin), and on every table and operation no access they lack — the role's rows must lie within theirs
 * and its readable and writable fields within theirs.
 */
export function roleAssignability(registry: Registry, actor: Actor, role: string, platform: boolean): { assignable: boolean; reason?: string } {
  if (!registry.roles.has(role)) return { assignable: false, reason: `Role "${role}" is not defined.` };
  if (platform || actor.kind === 'system') return { assignable: true };
  const mine = new Set(capabilitiesOf(registry, actor.roles));
  const theirs = capabilitiesOf(registry, [role]);
  if (theirs.includes(PLATFORM_ADMIN) && !mine.has(PLATFORM_ADMIN)) {
    return { assignable: false, reason: `Role "${role}" grants platform administration; only a platform administrator may assign it.` };
  }
  const missing = theirs.filter((c) => !mine.has(c));
  if (missing.length) {
    return { assignable: false, reason: `Role "${role}" grants ${missing.join(', ')}, which you do not hold yourself.` };
  }
  const holder: Actor = { kind: 'user', id: null, username: 'role', roles: [role], orgs: [] };
  const tables = new Set(expandRoles(registry, [role]).flatMap((r) => (r.tables ?? []).map((g) => g.table)));
  for (const table of registry.tables.values()) {
    if (![table.name, ...table.ancestors].some((t) => tables.has(t))) continue;
    const problem = tableAccessBeyond(registry, holder, actor, table);
    if (problem) return { assignable: false, reason: `Role "${role}" ${problem} on table "${table.name}" beyond your own access.` };
  }
  return { assignable: true };
}

function tableAccessBeyond(registry: Registry, holder: Actor, actor: Actor, table: ResolvedTable): string | null {
  for (const op of OPERATIONS) {
    const theirs = accessFor(registry, holder, table.name, op);
    if (!theirs.allowed) continue;
    const mine = accessFor(registry, actor, table.name, op);
    if (!mine.allowed) return `allows ${op}`;
    if (!rowsCovered(theirs.rowCondition, mine.rowCondition)) return `reaches rows for ${op}`;
    for (const f of theirs.readable) if (!mine.readable.has(f)) return `reads field "${f}"`;
    for (const f of theirs.writable) if (!mine.writable.has(f)) return `writes field "${f}"`;
  }
  return null;
}

/** Every defined role with whether the actor may assign it, by label. */
export function assignableRoles(fw: Formwork, actor: Actor): { name: string; label: string; description?: string; assignable: boolean; reason?: string }[] {
  assertAdministrator(fw, actor);
  const registry = fw.registry.current;
  const platform = isPlatformAdmin(fw, actor);
  return [...registry.roles.values()].map((r) => {
    const a = roleAssignability(registry, actor, r.name, platform);
    return { name: r.name, label: r.label ?? r.name, ...(r.description ? { description: r.description } : {}), ...a };
  }).sort((a, b) => a.label.localeCompare(b.label) || a.name.localeCompare(b.name));
}

/** Throws unless every role is defined (`validation_failed`) and assignable by the actor (`forbidden`). */
function assertAssignable(fw: Formwork, actor: Actor, roles: readonly string[]): void {
  const registry = fw.registry.current;
  const platform = isPlatformAdmin(fw, actor);
  const unknown = roles.filter((r) => !registry.roles.has(r));
  if (unknown.length) {
    fail('validation_failed', `Roles ${unknown.map((r) => `"${r}"`).join(', ')} are not defined.`, {
      fieldErrors: unknown.map((r) => ({ field: 'roles', code: 'unknown_role', message: `Role "${r}" is not defined.` })),
    });
  }
  const refused = roles.map((r) => roleAssignability(registry, actor, r, platform)).filter((a) => !a.assignable);
  if (refused.length) {
    fail('forbidden', refused.map((a) => a.reason).join(' '), {
      fieldErrors: refused.map((a) => ({ field: 'roles', code: 'not_assignable', message: a.reason! })),
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Reading accounts

/** The CASE expression of {@link AccountStatus} over sys_user `u`. */
const STATUS_SQL = "case when u.status = 'deleted' then 'deleted' when u.status = 'disabled' then 'disabled' "
  + "when u.locked_at is not null or u.status = 'locked' then 'locked' else 'active' end";

function accountStatus(row: Record<string, unknown>): AccountStatus {
  if (row.status === 'deleted' || row.status === 'disabled') return row.status;
  return row.locked_at || row.status === 'locked' ? 'locked' : 'active';
}

function summaryOf(row: Record<string, any>): AdminUserSummary {
  return {
    id: row.id, username: row.username, displayName: row.display_name ?? null, firstName: row.first_name ?? null,
    lastName: row.last_name ?? null, email: row.email ?? null, status: accountStatus(row), lastSignInAt: row.last_sign_in_at ?? null,
    org: row.org_id ? { id: row.org_id, code: row.org_code, name: row.org_name } : null,
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
export async function listUsers(fw: Formwork, actor: Actor, query: UserListQuery): Promise<{ users: AdminUserSummary[]; total: number; limit: number; offset: number }> {
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

/** The sys_user row of a person the actor administers (else `not_found`, as for one that does not exist). */
async function managedRow(fw: Formwork, actor: Actor, id: string, trx?: Knex.Transaction): Promise<Record<string, any>> {
  assertAdministrator(fw, actor);
  const row = typeof id === 'string' && id.length <= 36
    ? await (trx ?? fw.db.knex)('sys_user as u').leftJoin('sys_org as o', 'o.id', 'u.org_id').where('u.id', id)
      .first('u.*', 'o.code as org_code', 'o.name as org_name')
    : undefined;
  if (!row || !manages(fw, actor, row.org_id)) fail('not_found', `User "${id}" does not exist.`);
  return row;
}

async function rolesOf(knex: Knex | Knex.Transaction, userId: string): Promise<string[]> {
  return (await knex('sys_user_role').where({ user_id: userId }).select('role')).map((r: { role: string }) => r.role).sort();
}

async function extraOrgsOf(knex: Knex | Knex.Transaction, userId: string): Promise<OrgRef[]> {
  const rows = await knex('sys_user_org as m').join('sys_org as o', 'o.id', 'm.org_id').where('m.user_id', userId)
    .select('o.id', 'o.code', 'o.name').orderBy('o.code');
  return rows.map((r: OrgRef) => ({ id: r.id, code: r.code, name: r.name }));
}

async function userIdsOf(knex: Knex | Knex.Transaction, userId: string): Promise<{ id: string; code: string; org_id: string }[]> {
  return knex('sys_user_user_id as u').join('sys_org_user_id as c', 'c.id', 'u.org_user_id').where('u.user_id', userId)
    .select('c.id', 'c.code', 'c.org_id').orderBy('c.code');
}

async function fullView(knex: Knex | Knex.Transaction, row: Record<string, any>): Promise<AdminUser> {
  const [roles, orgs, ids] = await Promise.all([rolesOf(knex, row.id), extraOrgsOf(knex, row.id), userIdsOf(knex, row.id)]);
  return {
    ...summaryOf(row),
    phone: row.phone ?? null, createdAt: row.created_at, updatedAt: row.updated_at ?? null, deletedAt: row.deleted_at ?? null,
    lockedAt: row.locked_at ?? null, failedAttempts: Number(row.failed_attempts ?? 0), mustChangePassword: bool(row.must_change_password),
    mfaEnrolled: !!row.totp_enrolled_at, orgs, roles, userIds: ids.map((i) => i.code),
  };
}

/** One account of the administrator's organisation (PM23). Errors: forbidden, not_found. */
export async function getUser(fw: Formwork, actor: Actor, id: string): Promise<AdminUser> {
  return fullView(fw.db.knex, await managedRow(fw, actor, id));
}

/**
 * Whether a username can be taken (SSI-FR-61: unique across the platform, whatever its case):
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

// ---------------------------------------------------------------------------------------------------------------
// Input

/** What an administrator may send for an account; anything else is refused. */
export interface AdminUserInput {
  username?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string | null;
  roles?: string[];
  /** Extra organisations (ids or codes). */
  orgs?: string[];
  /** User ID codes. */
  userIds?: string[];
  /** On update: 'active' or 'disabled'. */
  status?: 'active' | 'disabled';
  /** On create: the home organisation (id or code; default the administrator's own). */
  org?: string;
}

const CREATE_KEYS = ['username', 'firstName', 'lastName', 'email', 'phone', 'roles', 'orgs', 'userIds', 'org'];
const UPDATE_KEYS = ['firstName', 'lastName', 'email', 'phone', 'roles', 'orgs', 'userIds', 'status'];
const NOT_EDITABLE: Record<string, string> = {
  username: 'The username cannot be changed.',
  org: 'The home organisation cannot be changed.',
};

/**
 * Check the shape of an administrator's request body: unknown keys and keys the operation may not set (org_id,
 * status on create, password, username on update, …) are refused with `invalid_payload` (400); values of the
 * wrong type or form with `validation_failed` (422), every problem named.
 */
export function parseUserInput(body: unknown, mode: 'create' | 'update'): AdminUserInput {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) fail('invalid_payload', 'Send the account as one JSON object.');
  const data = body as Record<string, unknown>;
  const allowed = mode === 'create' ? CREATE_KEYS : UPDATE_KEYS;
  const refused: FieldError[] = Object.keys(data).filter((k) => !allowed.includes(k)).map((k) => (mode === 'update' && NOT_EDITABLE[k]
    ? { field: k, code: 'read_only', message: NOT_EDITABLE[k]! }
    : { field: k, code: 'unknown_field', message: `"${k}" cannot be set here; send only ${allowed.join(', ')}.` }));
  if (refused.length) fail('invalid_payload', refused.map((e) => e.message).join(' '), { fieldErrors: refused });

  const errors: FieldError[] = [];
  const out: AdminUserInput = {};
  const text = (key: 'firstName' | 'lastName' | 'email' | 'username' | 'org', label: string, max: number, required: boolean, pattern?: RegExp) => {
    const v = data[key];
    if (v === undefined) {
      if (required) errors.push({ field: key, code: 'required', message: `Enter the ${label}.` });
      return;
    }
    if (typeof v !== 'string' || !v.trim()) {
      errors.push({ field: key, code: 'required', message: `Enter the ${label}.` });
      return;
    }
    const s = v.trim();
    if (s.length > max) errors.push({ field: key, code: 'too_long', message: `The ${label} must be at most ${max} characters.` });
    else if (pattern && !pattern.test(s)) errors.push({ field: key, code: 'pattern', message: `Enter a valid ${label}.` });
    else out[key] = s;
  };
  const creating = mode === 'create';
  if (creating) text('username', 'username', 100, true);
  text('firstName', 'first name', 100, creating);
  text('lastName', 'last name', 100, creating);
  text('email', 'email address', 254, creating, EMAIL);
  if (creating) text('org', 'organisation', 60, false);
  if (data.phone !== undefined) {
    const v = data.phone;
    if (v === null || v === '') out.phone = null;
    else if (typeof v !== 'string' || !PHONE.test(v.trim())) errors.push({ field: 'phone', code: 'pattern', message: 'Enter a valid phone number.' });
    else out.phone = v.trim();
  }
  for (const key of ['roles', 'orgs', 'userIds'] as const) {
    const v = data[key];
    if (v === undefined) continue;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || !x || x.length > 100) || v.length > 200) {
      errors.push({ field: key, code: 'type', message: `${key} must be a list of names.` });
    } else {
      out[key] = [...new Set(v as string[])];
    }
  }
  if (data.status !== undefined) {
    if (data.status !== 'active' && data.status !== 'disabled') {
      errors.push({ field: 'status', code: 'choice', message: 'status may be set to active or disabled; use unlock and delete for the rest.' });
    } else {
      out.status = data.status;
    }
  }
  if (errors.length) fail('validation_failed', errors.map((e) => e.message).join(' '), { fieldErrors: errors });
  return out;
}

/** Resolve organisation refs (ids or codes) the actor administers. Errors: validation_failed (unknown), forbidden. */
async function resolveOrgs(fw: Formwork, actor: Actor, refs: readonly string[], trx?: Knex.Transaction): Promise<OrgRef[]> {
  const out: OrgRef[] = [];
  const unknown: string[] = [];
  for (const ref of refs) {
    const org = await findOrg(trx ?? fw.db.knex, ref);
    if (!org) unknown.push(ref);
    else out.push(org);
  }
  if (unknown.length) {
    fail('validation_failed', `Organisations ${unknown.map((o) => `"${o}"`).join(', ')} do not exist.`, {
      fieldErrors: unknown.map((o) => ({ field: 'orgs', code: 'unknown_org', message: `Organisation "${o}" does not exist.` })),
    });
  }
  const foreign = out.filter((o) => !manages(fw, actor, o.id));
  if (foreign.length) {
    fail('forbidden', `You do not administer ${foreign.map((o) => o.code).join(', ')}.`, {
      fieldErrors: foreign.map((o) => ({ field: 'orgs', code: 'not_administered', message: `You do not administer ${o.code}.` })),
    });
  }
  return out;
}

/**
 * Only a platform administrator manages an account whose roles go beyond what the actor could assign.
 * Errors: forbidden.
 */
async function assertManageable(fw: Formwork, actor: Actor, userId: string, trx: Knex.Transaction): Promise<string[]> {
  const roles = await rolesOf(trx, userId);
  if (isPlatformAdmin(fw, actor)) return roles;
  const registry = fw.registry.current;
  const beyond = roles.filter((r) => registry.roles.has(r) && !roleAssignability(registry, actor, r, false).assignable);
  if (beyond.length) {
    fail('forbidden', `This account holds roles you may not assign (${beyond.join(', ')}); only a platform administrator may manage it.`);
  }
  return roles;
}

async function audit(trx: Knex.Transaction, actor: Actor, userId: string, operation: 'insert' | 'update' | 'delete', changes: Changes, at: string) {
  await writeAudit(trx, actor, at, [{ table: 'sys_user', recordId: userId, operation, version: 1, changes }]);
}

// ---------------------------------------------------------------------------------------------------------------
// Set-password links

export interface LinkOptions {
  /** Where links point: PUBLIC_URL, else this server's own address. */
  baseUrl: string;
}

/** The base URL of mailed links for a configuration. */
export function linkBase(fw: Formwork): string {
  return (fw.config.publicUrl ?? `http://${fw.config.host}:${fw.config.port}`).replace(/\/+$/, '');
}

/** Create a link for the user (earlier open links stop working); returns the token, which is stored only hashed. */
async function issueLink(fw: Formwork, actor: Actor, userId: string, trx: Knex.Transaction, now: Date): Promise<{ token: string; expiresAt: string }> {
  const at = now.toISOString();
  await trx('sys_password_reset').where({ user_id: userId }).whereNull('used_at').where('expires_at', '>', at).update({ expires_at: at });
  const token = randomToken(32);
  const expiresAt = new Date(now.getTime() + PASSWORD_LINK_HOURS * 3_600_000).toISOString();
  await trx('sys_password_reset').insert({
    id: uuidv7(), user_id: userId, token_hash: sha256(token), created_at: at, created_by: actor.id, expires_at: expiresAt, used_at: null,
  });
  return { token, expiresAt };
}

/** The page a link opens; the token travels in the fragment, so it never reaches a server log. */
export function passwordLinkUrl(base: string, token: string): string {
  return `${base}/reset-password#token=${token}`;
}

async function mailLink(fw: Formwork, to: string, username: string, url: string, kind: 'welcome' | 'reset', userId: string): Promise<void> {
  const subject = kind === 'welcome' ? 'Your new Formwork account: choose a password' : 'Reset your Formwork password';
  const intro = kind === 'welcome'
    ? `An administrator has created a Formwork account for you. Your username is ${username}.`
    : `An administrator has reset the password of your Formwork account (username ${username}).`;
  try {
    await fw.mailer.send({
      to, subject,
      text: `${intro}\n\nChoose your password here (the link works once, for ${PASSWORD_LINK_HOURS} hours):\n${url}\n\n`
        + 'Then sign in with your username, the new password and your second factor. If you did not expect this message, tell your administrator.\n',
    });
  } catch (e) {
    if (isFormworkError(e) && e.code === 'mail_unavailable') {
      throw new FormworkError('mail_unavailable', `${kind === 'welcome' ? 'The account was created, but' : 'The password was reset, but'} the link could not be mailed (${e.message}) Send a new link with "reset password" once mail works.`, {
        extra: { userId }, cause: e,
      });
    }
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Changing accounts

/**
 * Create an account in the administrator's organisation (PM21, SSI-FR-61) with no password and
 * must_change_password, and mail the person a one-time link to choose their password. Errors: forbidden,
 * invalid_payload, validation_failed, unique_violation (username), mail_unavailable (account created, link not
 * mailed; extra.userId).
 */
export async function createAccount(fw: Formwork, actor: Actor, input: AdminUserInput, options: LinkOptions = { baseUrl: linkBase(fw) }): Promise<AdminUser> {
  const home = await adminScope(fw, actor, input.org, { requireOne: true });
  const username = input.username!;
  const roles = input.roles ?? [];
  assertAssignable(fw, actor, roles);
  const extra = (await resolveOrgs(fw, actor, input.orgs ?? [])).filter((o) => o.id !== home!.id);
  const created = await createUser(fw, {
    username, firstName: input.firstName, lastName: input.lastName, email: input.email, phone: input.phone ?? undefined,
    orgId: home!.id, roles, orgs: extra.map((o) => o.id), userIds: input.userIds, mustChangePassword: true, profileConfirmed: false,
  });
  const now = fw.clock.now();
  const link = await fw.db.knex.transaction(async (trx) => {
    await audit(trx, actor, created.id, 'insert', {
      username: [null, created.username], first_name: [null, created.first_name], last_name: [null, created.last_name],
      email: [null, created.email], phone: [null, created.phone], org_id: [null, home!.id], status: [null, created.status],
      roles: [null, [...roles].sort()], orgs: [null, extra.map((o) => o.id)], user_ids: [null, [...(input.userIds ?? [])].sort()],
    }, now.toISOString());
    const issued = await issueLink(fw, actor, created.id, trx, now);
    await audit(trx, actor, created.id, 'update', { password_link: [null, `mailed, valid until ${issued.expiresAt}`] }, now.toISOString());
    return issued;
  });
  await mailLink(fw, created.email!, created.username, passwordLinkUrl(options.baseUrl, link.token), 'welcome', created.id);
  return getUser(fw, actor, created.id);
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().every((v, i) => v === [...b].sort()[i]);

/**
 * Edit an account (PM22, SSI-FR-60): names, email, phone, roles, extra organisations, User IDs, and status
 * active / disabled (disabling ends the person's sessions). Username and home organisation are not editable.
 * Errors: forbidden, not_found, invalid_payload, validation_failed, conflict (deleted account; disabling oneself).
 */
export async function updateAccount(fw: Formwork, actor: Actor, id: string, input: AdminUserInput): Promise<AdminUser> {
  const now = fw.clock.now().toISOString();
  await fw.db.knex.transaction(async (trx) => {
    const row = await managedRow(fw, actor, id, trx);
    if (row.status === 'deleted') fail('conflict', 'This account is deleted and cannot be changed.');
    const oldRoles = await assertManageable(fw, actor, row.id, trx);
    const changes: Changes = {};
    const patch: Record<string, unknown> = {};
    const setText = (key: 'firstName' | 'lastName' | 'email' | 'phone', column: string) => {
      const v = input[key];
      if (v === undefined || v === row[column]) return;
      patch[column] = v;
      changes[column] = [row[column] ?? null, v];
    };
    setText('firstName', 'first_name');
    setText('lastName', 'last_name');
    setText('email', 'email');
    setText('phone', 'phone');
    if (patch.first_name !== undefined || patch.last_name !== undefined) {
      const display = [patch.first_name ?? row.first_name, patch.last_name ?? row.last_name].filter(Boolean).join(' ') || null;
      if (display !== row.display_name) { patch.display_name = display; changes.display_name = [row.display_name ?? null, display]; }
    }
    if (input.status !== undefined && input.status !== row.status) {
      if (input.status === 'disabled' && row.id === actor.id) fail('conflict', 'You cannot disable your own account.');
      patch.status = input.status;
      changes.status = [row.status, input.status];
    }

    if (input.roles !== undefined && !same(input.roles, oldRoles)) {
      const added = input.roles.filter((r) => !oldRoles.includes(r));
      const removed = oldRoles.filter((r) => !input.roles!.includes(r));
      assertAssignable(fw, actor, added);
      // Removing a role is as much an assignment as adding it (stale roles no longer defined may always go).
      assertAssignable(fw, actor, removed.filter((r) => fw.registry.current.roles.has(r)));
      await trx('sys_user_role').where({ user_id: row.id }).delete();
      if (input.roles.length) await trx('sys_user_role').insert(input.roles.map((role) => ({ user_id: row.id, role })));
      changes.roles = [oldRoles, [...input.roles].sort()];
    }

    const oldOrgs = (await extraOrgsOf(trx, row.id)).map((o) => o.id);
    let orgIds = oldOrgs;
    if (input.orgs !== undefined) {
      const wanted = (await resolveOrgs(fw, actor, input.orgs, trx)).map((o) => o.id).filter((o) => o !== row.org_id);
      if (!same(wanted, oldOrgs)) {
        const removed = oldOrgs.filter((o) => !wanted.includes(o));
        const foreign = removed.filter((o) => !manages(fw, actor, o));
        if (foreign.length) fail('forbidden', 'You may not remove the person from an organisation you do not administer.', { fieldErrors: [{ field: 'orgs', code: 'not_administered', message: 'You do not administer that organisation.' }] });
        await trx('sys_user_org').where({ user_id: row.id }).delete();
        if (wanted.length) await trx('sys_user_org').insert(wanted.map((org_id) => ({ user_id: row.id, org_id })));
        changes.orgs = [oldOrgs, wanted];
        orgIds = wanted;
      }
    }

    const member = new Set([row.org_id, ...orgIds]);
    const oldIds = await userIdsOf(trx, row.id);
    let wantedIds = oldIds;
    if (input.userIds !== undefined) {
      const found: { id: string; code: string; org_id: string }[] = input.userIds.length
        ? await trx('sys_org_user_id').whereIn('code', input.userIds).select('id', 'code', 'org_id') : [];
      const missing = input.userIds.filter((c) => !found.some((f) => f.code === c && member.has(f.org_id)));
      if (missing.length) {
        fail('validation_failed', `User IDs ${missing.map((c) => `"${c}"`).join(', ')} do not belong to the person's organisations.`, {
          fieldErrors: [{ field: 'userIds', code: 'unknown_user_id', message: `Unknown User IDs: ${missing.join(', ')}.` }],
        });
      }
      wantedIds = found;
    } else {
      // User IDs of an organisation the person left go with it.
      wantedIds = oldIds.filter((i) => member.has(i.org_id));
    }
    const oldCodes = oldIds.map((i) => i.code);
    const newCodes = wantedIds.map((i) => i.code);
    if (!same(oldCodes, newCodes)) {
      const touched = [...oldIds.filter((i) => !newCodes.includes(i.code)), ...wantedIds.filter((i) => !oldCodes.includes(i.code))];
      if (touched.some((i) => !manages(fw, actor, i.org_id))) fail('forbidden', 'You may only assign User IDs of organisations you administer.');
      await trx('sys_user_user_id').where({ user_id: row.id }).delete();
      if (wantedIds.length) await trx('sys_user_user_id').insert(wantedIds.map((i) => ({ user_id: row.id, org_user_id: i.id })));
      changes.user_ids = [[...oldCodes].sort(), [...newCodes].sort()];
    }

    if (!Object.keys(changes).length) return;
    patch.updated_at = now;
    await trx('sys_user').where({ id: row.id }).update(patch);
    if (patch.status === 'disabled') {
      const n = await revokeUserSessions(fw, row.id, 'revoked', { trx });
      if (n) changes.sessions_revoked = [null, n];
    }
    await audit(trx, actor, row.id, 'update', changes, now);
  });
  return getUser(fw, actor, id);
}

/** Lift a lockout (PM22). Errors: forbidden, not_found, conflict (deleted). */
export async function unlockAccount(fw: Formwork, actor: Actor, id: string): Promise<AdminUser> {
  const now = fw.clock.now().toISOString();
  await fw.db.knex.transaction(async (trx) => {
    const row = await managedRow(fw, actor, id, trx);
    if (row.status === 'deleted') fail('conflict', 'This account is deleted and cannot be unlocked.');
    await assertManageable(fw, actor, row.id, trx);
    const status = row.status === 'locked' ? 'active' : row.status;
    await trx('sys_user').where({ id: row.id }).update({ locked_at: null, failed_attempts: 0, status, updated_at: now });
    await audit(trx, actor, row.id, 'update', {
      locked_at: [row.locked_at ?? null, null], failed_attempts: [Number(row.failed_attempts ?? 0), 0],
      ...(status !== row.status ? { status: [row.status, status] } : {}),
    }, now);
  });
  return getUser(fw, actor, id);
}

/**
 * An administrator's password reset: the current password stops working, the person's sessions end, and a new
 * one-time link is mailed (the administrator never sees a password or the link). Errors: forbidden, not_found,
 * conflict (deleted), validation_failed (no email address), mail_unavailable.
 */
export async function resetAccountPassword(fw: Formwork, actor: Actor, id: string, options: LinkOptions = { baseUrl: linkBase(fw) }): Promise<{ sentTo: string; expiresAt: string; sessionsEnded: number }> {
  const now = fw.clock.now();
  const done = await fw.db.knex.transaction(async (trx) => {
    const row = await managedRow(fw, actor, id, trx);
    if (row.status === 'deleted') fail('conflict', 'This account is deleted.');
    await assertManageable(fw, actor, row.id, trx);
    if (!row.email) fail('validation_failed', 'The account has no email address to send the link to; add one first.', { fieldErrors: [{ field: 'email', code: 'required', message: 'Add an email address first.' }] });
    await trx('sys_user').where({ id: row.id }).update({ password_hash: null, must_change_password: true, updated_at: now.toISOString() });
    const ended = await revokeUserSessions(fw, row.id, 'password_reset', { trx });
    const link = await issueLink(fw, actor, row.id, trx, now);
    await audit(trx, actor, row.id, 'update', {
      password: ['(set)', '(cleared by an administrator)'], password_link: [null, `mailed, valid until ${link.expiresAt}`],
      ...(ended ? { sessions_revoked: [null, ended] } : {}),
    }, now.toISOString());
    return { row, link, ended };
  });
  await mailLink(fw, done.row.email, done.row.username, passwordLinkUrl(options.baseUrl, done.link.token), 'reset', done.row.id);
  return { sentTo: done.row.email, expiresAt: done.link.expiresAt, sessionsEnded: done.ended };
}

/**
 * Delete an account (PM24): soft — status 'deleted' and deleted_at, the username stays taken — ending its
 * sessions, revoking its API tokens, open links and access grants. Errors: forbidden, not_found, conflict
 * (already deleted; one's own account).
 */
export async function deleteAccount(fw: Formwork, actor: Actor, id: string): Promise<void> {
  const now = fw.clock.now().toISOString();
  await fw.db.knex.transaction(async (trx) => {
    const row = await managedRow(fw, actor, id, trx);
    if (row.status === 'deleted') fail('conflict', 'This account is already deleted.');
    if (row.id === actor.id) fail('conflict', 'You cannot delete your own account.');
    await assertManageable(fw, actor, row.id, trx);
    await trx('sys_user').where({ id: row.id }).update({ status: 'deleted', deleted_at: now, updated_at: now });
    const sessions = await revokeUserSessions(fw, row.id, 'revoked', { trx });
    const tokens = await trx('sys_api_token').where({ user_id: row.id }).whereNull('revoked_at').update({ revoked_at: now });
    await trx('sys_password_reset').where({ user_id: row.id }).whereNull('used_at').where('expires_at', '>', now).update({ expires_at: now });
    const grants = await trx('sys_access_grant').where({ user_id: row.id }).whereNull('revoked_at').update({ revoked_at: now, revoked_by: actor.id ?? 'system' });
    await audit(trx, actor, row.id, 'delete', {
      status: [row.status, 'deleted'], deleted_at: [null, now],
      ...(sessions ? { sessions_revoked: [null, sessions] } : {}),
      ...(tokens ? { api_tokens_revoked: [null, tokens] } : {}),
      ...(grants ? { access_grants_revoked: [null, grants] } : {}),
    }, now);
  });
}

export interface SessionInfo {
  id: string; stage: string; createdAt: string; authenticatedAt: string | null; lastSeenAt: string; expiresAt: string;
  ip: string | null; userAgent: string | null;
}

/** The person's sessions not yet ended, newest first. Errors: forbidden, not_found. */
export async function listAccountSessions(fw: Formwork, actor: Actor, id: string): Promise<SessionInfo[]> {
  const row = await managedRow(fw, actor, id);
  const now = fw.clock.now().toISOString();
  const rows = await fw.db.knex('sys_session').where({ user_id: row.id }).whereNull('revoked_at').where('expires_at', '>', now)
    .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]);
  return rows.map((s: Record<string, any>) => ({
    id: s.id, stage: s.stage, createdAt: s.created_at, authenticatedAt: s.authenticated_at ?? null, lastSeenAt: s.last_seen_at,
    expiresAt: s.expires_at, ip: s.ip ?? null, userAgent: s.user_agent ?? null,
  }));
}

/** End every session of the person. Errors: forbidden, not_found. */
export async function revokeAccountSessions(fw: Formwork, actor: Actor, id: string): Promise<number> {
  const now = fw.clock.now().toISOString();
  return fw.db.knex.transaction(async (trx) => {
    const row = await managedRow(fw, actor, id, trx);
    await assertManageable(fw, actor, row.id, trx);
    const n = await revokeUserSessions(fw, row.id, 'revoked', { trx });
    await audit(trx, actor, row.id, 'update', { sessions_revoked: [null, n] }, now);
    return n;
  });
}

/** End one session (by the id the session list shows) of a person the actor manages. Errors: forbidden, not_found. */
export async function revokeOneSession(fw: Formwork, actor: Actor, sessionId: string): Promise<void> {
  assertAdministrator(fw, actor);
  const now = fw.clock.now().toISOString();
  await fw.db.knex.transaction(async (trx) => {
    const s = /^[0-9a-f]{64}$/.test(sessionId) ? await trx('sys_session').where({ id: sessionId }).first('id', 'user_id', 'revoked_at') : undefined;
    if (!s) fail('not_found', 'No such session.');
    let row;
    try {
      row = await managedRow(fw, actor, s.user_id, trx);
    } catch (e) {
      if (isFormworkError(e) && e.code === 'not_found') fail('not_found', 'No such session.');
      throw e;
    }
    if (s.revoked_at) fail('conflict', 'This session has already ended.');
    await assertManageable(fw, actor, row.id, trx);
    await revokeSession(fw, s.id, 'revoked', trx);
    await audit(trx, actor, row.id, 'update', { session_revoked: [null, s.id.slice(0, 12)] }, now);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Organisations and User IDs for pickers

/** Every active organisation (id, code, name), by name: the counterparty picker of consents. Errors: forbidden. */
export async function listOrgs(fw: Formwork, actor: Actor): Promise<OrgRef[]> {
  assertAdministrator(fw, actor);
  const rows = await fw.db.knex('sys_org').where({ status: 'active' }).select('id', 'code', 'name').orderBy([{ column: 'name' }, { column: 'code' }]);
  return rows.map((r: OrgRow) => ({ id: r.id, code: r.code, name: r.name }));
}

/**
 * The User IDs of an organisation: all of them for one the actor administers (default their own); for another,
 * only those it currently consents to share with the actor's organisation (its valid grantor-side consents).
 * Errors: forbidden, not_found.
 */
export async function listOrgUserIds(fw: Formwork, actor: Actor, ref?: string): Promise<{ org: OrgRef; userIds: { code: string; name: string | null; status: string }[] }> {
  assertAdministrator(fw, actor);
  const org = ref ? await findOrg(fw.db.knex, ref) : actor.orgId ? await findOrg(fw.db.knex, actor.orgId) : null;
  if (!org) fail(ref ? 'not_found' : 'invalid_query', ref ? `There is no organisation "${ref}".` : 'Name the organisation (org).');
  const rows: { code: string; name: string | null; status: string }[] = await fw.db.knex('sys_org_user_id').where({ org_id: org.id })
    .select('code', 'name', 'status').orderBy('code');
  if (manages(fw, actor, org.id)) return { org, userIds: rows };
  const at = fw.clock.now().toISOString();
  const consents = actor.orgId
    ? await fw.db.knex('sys_consent').where({ grantor_org_id: org.id, grantee_org_id: actor.orgId, side: 'grantor' }).whereNull('rescinded_at')
      .where('valid_from', '<=', at).andWhere((q) => q.whereNull('valid_to').orWhere('valid_to', '>', at)).select('user_ids')
    : [];
  if (!consents.length) fail('forbidden', `${org.code} has not consented to share User IDs with your organisation.`);
  const offered = new Set(consents.flatMap((c: { user_ids: string }) => JSON.parse(c.user_ids) as string[]));
  return { org, userIds: rows.filter((r) => offered.has(r.code)) };
}

// ---------------------------------------------------------------------------------------------------------------
// Following a link (public)

async function openLink(knex: Knex | Knex.Transaction, token: unknown, now: string) {
  if (typeof token !== 'string' || !LINK_TOKEN.test(token)) return null;
  const row = await knex('sys_password_reset as r').join('sys_user as u', 'u.id', 'r.user_id')
    .where('r.token_hash', sha256(token)).whereNull('r.used_at').where('r.expires_at', '>', now)
    .whereIn('u.status', ['active', 'locked'])
    .first('r.id', 'r.expires_at', 'u.id as user_id', 'u.username');
  return row ?? null;
}

const invalidLink = (): never => fail('not_found', 'This link is not valid: it may have expired, been used already or been replaced by a newer one. Ask your administrator for a new one.');

/** What a set-password link is for (the username), while it is valid. Errors: not_found. */
export async function inspectPasswordLink(fw: Formwork, token: unknown): Promise<{ valid: true; username: string; expiresAt: string }> {
  const link = await openLink(fw.db.knex, token, fw.clock.now().toISOString());
  if (!link) invalidLink();
  return { valid: true, username: link.username, expiresAt: link.expires_at };
}

/**
 * Set the password with a link: checked against the policy, the link is used up (once, also when two requests
 * race), the forced change is cleared, every session of the person ends and their other open links stop working.
 * They then sign in with the new password and MFA as usual. Errors: not_found (link), validation_failed (password).
 */
export async function completePasswordLink(fw: Formwork, token: unknown, password: unknown): Promise<{ username: string }> {
  const now = fw.clock.now().toISOString();
  const link = await openLink(fw.db.knex, token, now);
  if (!link) invalidLink();
  assertPasswordPolicy(password, link.username, 'password');
  // Hashed before the transaction: scrypt takes a while, and SQLite's write lock should not wait for it.
  const hash = await hashPassword(password, fw.config.scryptLog2N);
  await fw.db.knex.transaction(async (trx) => {
    const used = await trx('sys_password_reset').where({ id: link.id }).whereNull('used_at').where('expires_at', '>', now).update({ used_at: now });
    if (used !== 1) invalidLink();
    await trx('sys_password_reset').where({ user_id: link.user_id }).whereNull('used_at').where('expires_at', '>', now).update({ expires_at: now });
    await trx('sys_user').where({ id: link.user_id }).update({ password_hash: hash, password_changed_at: now, must_change_password: false, updated_at: now });
    const ended = await revokeUserSessions(fw, link.user_id, 'password_reset', { trx });
    const self: Actor = { kind: 'user', id: link.user_id, username: link.username, roles: [], orgs: [] };
    await audit(trx, self, link.user_id, 'update', {
      password: [null, '(set with a one-time link)'], ...(ended ? { sessions_revoked: [null, ended] } : {}),
    }, now);
  });
  return { username: link.username };
}
