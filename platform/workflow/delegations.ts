/**
 * Delegation while away (sys_delegation): from `valid_from` until `valid_to` (open-ended when null) the delegate may
 * decide the person's approval requests. People manage their own delegations; administrators (capability
 * platform.admin) anyone's. The delegate shares an organisation with the person (candidates.ts, delegateRefusal).
 */
import type { Knex } from 'knex';
import { v7 as uuidv7 } from 'uuid';
import { hasCapability } from '../access/policy.js';
import type { Formwork } from '../context.js';
import { fail } from '../errors.js';
import type { Actor } from '../records/types.js';
import { actorsOf, findActiveUsers, originalActor } from './actors.js';
import { delegateRefusal } from './candidates.js';

export interface DelegationView {
  id: string;
  user: string;
  delegate: string;
  from: string;
  to: string | null;
  /** In force now. */
  active: boolean;
}

const inForce = (q: Knex.QueryBuilder, at: string) => q.where('d.valid_from', '<=', at).andWhere((w) => w.whereNull('d.valid_to').orWhere('d.valid_to', '>', at));

/** Ids of the people `delegateId` stands in for at `now`. */
export async function delegatorsOf(knex: Knex | Knex.Transaction, delegateId: string, now: Date): Promise<string[]> {
  const rows = await inForce(knex('sys_delegation as d').where('d.delegate_id', delegateId), now.toISOString()).select('d.user_id');
  return [...new Set<string>(rows.map((r: { user_id: string }) => r.user_id))];
}

/** The delegates in force at `now` of the given people (usernames), for notifications. */
export async function delegatesOf(
  knex: Knex | Knex.Transaction, userIds: string[], now: Date,
): Promise<{ userId: string; delegate: string }[]> {
  if (!userIds.length) return [];
  const rows = await inForce(knex('sys_delegation as d').join('sys_user as u', 'u.id', 'd.delegate_id').whereIn('d.user_id', userIds), now.toISOString())
    .select('d.user_id', 'u.username');
  return rows.map((r: { user_id: string; username: string }) => ({ userId: r.user_id, delegate: r.username }));
}

function isoTime(v: unknown, name: string): string | null {
  if (v === undefined || v === null || v === '') return null;
  const t = typeof v === 'string' ? Date.parse(v) : Number.NaN;
  if (Number.isNaN(t)) fail('validation_failed', `"${name}" must be a date-time (ISO 8601).`, { fieldErrors: [{ field: name, code: 'invalid_datetime', message: `Enter ${name} as a date and time.` }] });
  return new Date(t).toISOString();
}

export async function listDelegations(fw: Formwork, actor: Actor): Promise<DelegationView[]> {
  const person = originalActor(actor);
  const now = fw.clock.now().toISOString();
  const q = fw.db.knex('sys_delegation as d').join('sys_user as u', 'u.id', 'd.user_id').join('sys_user as g', 'g.id', 'd.delegate_id')
    .select('d.*', 'u.username as user_name', 'g.username as delegate_name').orderBy('d.valid_from', 'desc');
  if (!hasCapability(fw.registry.current, person, 'platform.admin')) q.where((w) => w.where('d.user_id', person.id).orWhere('d.delegate_id', person.id));
  const rows = await q;
  return rows.map((r: Record<string, string | null>) => ({
    id: r.id!, user: r.user_name!, delegate: r.delegate_name!, from: r.valid_from!, to: r.valid_to ?? null,
    active: r.valid_from! <= now && (r.valid_to === null || r.valid_to > now),
  }));
}

/** Create a delegation: body { delegate, from?, to?, user? } (user: someone else's, administrators only). */
export async function createDelegation(fw: Formwork, actor: Actor, body: Record<string, unknown>): Promise<DelegationView> {
  const person = originalActor(actor);
  if (typeof body.delegate !== 'string' || !body.delegate) fail('validation_failed', 'Name the delegate.', { fieldErrors: [{ field: 'delegate', code: 'required', message: 'Enter the username of the person to delegate to.' }] });
  const now = fw.clock.now();
  const from = isoTime(body.from, 'from') ?? now.toISOString();
  const to = isoTime(body.to, 'to');
  if (to !== null && to <= from) fail('validation_failed', '"to" must be after "from".', { fieldErrors: [{ field: 'to', code: 'before_from', message: 'The end must be after the start.' }] });
  let userId = person.id;
  let userName = person.username;
  if (body.user !== undefined && body.user !== null && body.user !== person.username) {
    if (!hasCapability(fw.registry.current, person, 'platform.admin')) fail('forbidden', `${person.username} may only delegate their own approvals.`);
    const [u] = await findActiveUsers(fw.db.knex, [String(body.user)]);
    if (!u) fail('validation_failed', `No active user "${String(body.user)}".`, { fieldErrors: [{ field: 'user', code: 'unknown_user', message: `No active user "${String(body.user)}".` }] });
    userId = u.id; userName = u.username;
  }
  if (!userId) fail('forbidden', 'Only people can delegate their approvals.');
  const [delegate] = await findActiveUsers(fw.db.knex, [body.delegate]);
  if (!delegate) fail('validation_failed', `No active user "${body.delegate}".`, { fieldErrors: [{ field: 'delegate', code: 'unknown_user', message: `No active user "${body.delegate}".` }] });
  const [delegator] = await actorsOf(fw.db.knex, [{ id: userId, username: userName }]);
  const refused = await delegateRefusal(fw.db.knex, delegator!, delegate);
  if (refused) {
    fail('validation_failed', refused.message, { fieldErrors: [{ field: 'delegate', code: refused.code, message: refused.code === 'self' ? 'Choose someone else.' : refused.message }] });
  }
  const id = uuidv7();
  await fw.db.knex('sys_delegation').insert({ id, user_id: userId, delegate_id: delegate.id, valid_from: from, valid_to: to, created_at: now.toISOString(), created_by: person.id });
  const at = now.toISOString();
  return { id, user: userName, delegate: delegate.username, from, to, active: from <= at && (to === null || to > at) };
}

export async function deleteDelegation(fw: Formwork, actor: Actor, id: string): Promise<void> {
  const person = originalActor(actor);
  const row = await fw.db.knex('sys_delegation').where({ id }).first();
  if (!row || (row.user_id !== person.id && !hasCapability(fw.registry.current, person, 'platform.admin'))) fail('not_found', `There is no delegation "${id}".`);
  await fw.db.knex('sys_delegation').where({ id }).delete();
}
