/**
 * Who a notification goes to: the people its recipients name, before the access check (./dispatcher.ts leaves out
 * everyone who cannot read the record, and the person who caused the change).
 *
 *  - field: the value of a record field (dot-walking reference fields, read as the system): a user id (created_by,
 *    updated_by), a username (assigned_to) or the e-mail address of a user. An address that is no user's is left out:
 *    nobody can check what its reader may see.
 *  - event: the same, from a member of the event's payload (e.g. the approver of approval.requested).
 *  - role: every user holding the role, or a role that includes it.
 *  - orgAdmins: users of the record's owning organisation (their home organisation, as for administration) holding
 *    a role that grants platform.org_admin.
 *  - queue: the members of a work queue (sys_queue / sys_queue_member, platform/workflow/queues.ts); a queue
 *    without a row (a name only workflows mention) has no members.
 *  - email: a fixed address (e-mail only).
 * Only users whose status is active or locked (a lockout does not stop mail) are named.
 */
import type { Knex } from 'knex';
import { capabilitiesOf, expandRoles } from '../access/policy.js';
import { ORG_ADMIN } from '../access/sharing.js';
import type { Formwork } from '../context.js';
import type { Registry, ResolvedTable } from '../definitions/types.js';
import type { NotificationRecipient } from './types.js';
import { isFormworkError } from '../errors.js';
import type { RecordData } from '../records/types.js';

export interface Person {
  id: string;
  username: string;
  displayName: string | null;
  email: string | null;
}

/** A resolved recipient: a user, or a fixed address. */
export type Target = { kind: 'user'; user: Person } | { kind: 'address'; email: string };

export interface RecipientContext {
  registry: Registry;
  /** The record's table (its class) and the record as the system reads it; null for an event about no record. */
  table: ResolvedTable | null;
  record: RecordData | null;
  payload: Record<string, unknown>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const USER_STATUSES = ['active', 'locked'];
const PERSON_COLUMNS = ['id', 'username', 'display_name', 'email'];

function toPerson(r: Record<string, unknown>): Person {
  return {
    id: r.id as string, username: r.username as string, displayName: (r.display_name as string | null) ?? null,
    email: (r.email as string | null) ?? null,
  };
}

/** Strings a value names people by (a string, or an array of them; other values name nobody). */
function namesIn(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim());
}

/** The users named by ids, usernames or e-mail addresses. */
export async function usersNamed(knex: Knex, names: string[]): Promise<Person[]> {
  if (!names.length) return [];
  const ids = names.filter((n) => UUID.test(n)).map((n) => n.toLowerCase());
  const emails = names.filter((n) => !UUID.test(n) && n.includes('@')).map((n) => n.toLowerCase());
  const usernames = names.filter((n) => !UUID.test(n) && !n.includes('@')).map((n) => n.toLowerCase());
  const rows = await knex('sys_user').whereIn('status', USER_STATUSES).where((q) => {
    if (ids.length) q.orWhereIn('id', ids);
    if (usernames.length) q.orWhereIn('username_key', usernames);
    if (emails.length) q.orWhereRaw(`lower(email) in (${emails.map(() => '?').join(', ')})`, emails);
  }).select(PERSON_COLUMNS);
  return rows.map(toPerson);
}

/** Users holding any of `roles` (optionally only those of home organisation `orgId`). */
async function usersWithRoles(knex: Knex, roles: string[], orgId?: string): Promise<Person[]> {
  if (!roles.length) return [];
  const q = knex('sys_user as u').join('sys_user_role as r', 'r.user_id', 'u.id').whereIn('r.role', roles).whereIn('u.status', USER_STATUSES)
    .distinct(PERSON_COLUMNS.map((c) => `u.${c}`));
  if (orgId !== undefined) q.where('u.org_id', orgId);
  return (await q).map(toPerson);
}

/** Roles that hold `role`: itself and every role including it, directly or not. */
function rolesHolding(registry: Registry, role: string): string[] {
  return [...registry.roles.keys()].filter((name) => expandRoles(registry, [name]).some((r) => r.name === role));
}

const queueWarnings = new WeakSet<Formwork>();

/**
 * Members of work queue `name` (the workflow engine's sys_queue and sys_queue_member). Should those tables be
 * missing (a database migrated without the workflow engine), a queue recipient names nobody and says so once in
 * the log.
 */
async function queueMembers(fw: Formwork, name: string): Promise<Person[]> {
  const knex = fw.db.knex;
  try {
    if (!(await knex.schema.hasTable('sys_queue_member'))) throw new Error('sys_queue_member does not exist');
    const rows = await knex('sys_user as u').join('sys_queue_member as m', 'm.user_id', 'u.id').join('sys_queue as q', 'q.id', 'm.queue_id')
      .where('q.name', name).whereIn('u.status', USER_STATUSES).distinct(PERSON_COLUMNS.map((c) => `u.${c}`));
    return rows.map(toPerson);
  } catch (e) {
    if (!queueWarnings.has(fw)) {
      queueWarnings.add(fw);
      fw.log.warn('notification recipients: work queues are not available; queue recipients are skipped', { queue: name, error: (e as Error)?.message ?? String(e) });
    }
    return [];
  }
}

/** The value at a dot-walked field path, following reference fields by reading the referenced records as the system. */
async function fieldValue(fw: Formwork, ctx: RecipientContext, path: string): Promise<unknown> {
  let table = ctx.table;
  let record: RecordData | null = ctx.record;
  const parts = path.split('.');
  for (const [i, part] of parts.entries()) {
    if (!table || !record) return null;
    const value = record[part];
    if (i === parts.length - 1) return value;
    const field = table.fields.get(part);
    if (field?.type !== 'reference' || !field.reference || typeof value !== 'string') return null;
    table = ctx.registry.tables.get(field.reference) ?? null;
    try {
      record = table ? await fw.records.readOne(table.name, value, { actor: fw.systemActor }) : null;
    } catch (e) {
      if (isFormworkError(e) && e.code === 'not_found') return null;
      throw e;
    }
  }
  return null;
}

/** The targets one recipient entry names. */
export async function resolveRecipient(fw: Formwork, r: NotificationRecipient, ctx: RecipientContext): Promise<Target[]> {
  const users = (people: Person[]): Target[] => people.map((user) => ({ kind: 'user', user }));
  const knex = fw.db.knex;
  if (r.email !== undefined) return [{ kind: 'address', email: r.email }];
  if (r.field !== undefined) return users(await usersNamed(knex, namesIn(await fieldValue(fw, ctx, r.field))));
  if (r.event !== undefined) return users(await usersNamed(knex, namesIn(ctx.payload[r.event])));
  if (r.role !== undefined) return users(await usersWithRoles(knex, rolesHolding(ctx.registry, r.role)));
  if (r.orgAdmins) {
    const org = ctx.table && ctx.record ? ctx.record[ctx.table.orgField] : null;
    if (typeof org !== 'string' || !org) return [];
    const roles = [...ctx.registry.roles.keys()].filter((name) => capabilitiesOf(ctx.registry, [name]).includes(ORG_ADMIN));
    return users(await usersWithRoles(knex, roles, org));
  }
  if (r.queue !== undefined) return users(await queueMembers(fw, r.queue));
  return [];
}
