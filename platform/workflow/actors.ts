/**
 * Who workflow writes run as, and the people a workflow reasons about (approvers, assignees).
 *
 * A transition, an approval decision or an assignment is checked against the person asking (roles, capabilities,
 * guards, their field access), then written through the record service as a *workflow actor*: the system's powers
 * with the person's id and the display name `workflow:<what> for <person>` (platform/rules/chain.ts), so
 * `updated_by`, the audit row and journal entries name the person, and the before hook can tell a transition's own
 * write (which may change the state field) from a client's (which may not).
 */
import type { Knex } from 'knex';
import { accessFacts, accessFor } from '../access/policy.js';
import { evaluateCondition } from '../conditions/evaluate.js';
import type { Registry, ResolvedTable } from '../definitions/types.js';
import { fail } from '../errors.js';
import type { Actor, RecordData } from '../records/types.js';
import { originalActor, ruleActor } from '../rules/chain.js';

/** Workflow actors whose write is a transition (the state field may change; queue routing is done). */
const transitionWrites = new WeakSet<Actor>();

/** The actor a workflow write runs as (see the module comment). */
export function workflowActor(actor: Actor, what: string, step: string, transition = false): Actor {
  const derived = ruleActor(actor, what, step, 'workflow');
  if (transition) transitionWrites.add(derived);
  return derived;
}

export function isTransitionWrite(actor: Actor): boolean {
  return transitionWrites.has(actor);
}

/** The person behind an actor (a workflow or rule actor stands for one). */
export { originalActor };

/** The `user` and `now` facts of the person behind `actor`. */
export function personFacts(registry: Registry, actor: Actor, now: Date): { user: Record<string, unknown>; now: string } {
  const facts = accessFacts(registry, originalActor(actor), now);
  return { user: facts.user as Record<string, unknown>, now: facts.now! };
}

export interface UserRef { id: string; username: string }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Active users named by id or username (case-insensitive), in the transaction. */
export async function findActiveUsers(trx: Knex | Knex.Transaction, names: string[]): Promise<UserRef[]> {
  const ids = names.filter((n) => UUID.test(n)).map((n) => n.toLowerCase());
  const keys = names.filter((n) => !UUID.test(n)).map((n) => n.toLowerCase());
  if (!ids.length && !keys.length) return [];
  const rows = await trx('sys_user').where('status', 'active').whereNull('locked_at').whereNull('deleted_at')
    .where((q) => {
      if (ids.length) q.orWhereIn('id', ids);
      if (keys.length) q.orWhereIn('username_key', keys);
    }).select('id', 'username');
  return rows.map((r: { id: string; username: string }) => ({ id: r.id, username: r.username }));
}

/**
 * The active line manager of the person named by id or username (case-insensitive), as a list of none or one: the
 * approvers `{ "managerOf": … }` asks.
 */
export async function findActiveManagers(trx: Knex | Knex.Transaction, name: string): Promise<UserRef[]> {
  const [person] = await trx('sys_user').where((q) => {
    q.where('username_key', name.toLowerCase());
    if (UUID.test(name)) q.orWhere('id', name.toLowerCase());
  }).select('manager_id');
  return person?.manager_id ? findActiveUsers(trx, [person.manager_id as string]) : [];
}

/**
 * The actors of users (roles, organisations, their own party codes), read in the caller's transaction — enough to
 * decide what they may read or update. (Shares by consent are not followed here: approvers and assignees act on
 * records of their own organisations.)
 */
export async function actorsOf(trx: Knex | Knex.Transaction, users: UserRef[]): Promise<Actor[]> {
  if (!users.length) return [];
  const ids = users.map((u) => u.id);
  // One after the other: a transaction is one connection.
  const homes = await trx('sys_user').whereIn('id', ids).select('id', 'org_id');
  const roles = await trx('sys_user_role').whereIn('user_id', ids).select('user_id', 'role');
  const orgs = await trx('sys_user_org').whereIn('user_id', ids).select('user_id', 'org_id');
  const uids = await trx('sys_user_party_code as u').join('sys_party_code as c', 'c.id', 'u.party_code_id').whereIn('u.user_id', ids)
    .where('c.status', 'active').select('u.user_id', 'c.code');
  return users.map((u) => {
    const home = (homes as { id: string; org_id: string | null }[]).find((h) => h.id === u.id)?.org_id ?? null;
    return {
      kind: 'user' as const, id: u.id, username: u.username,
      roles: (roles as { user_id: string; role: string }[]).filter((r) => r.user_id === u.id).map((r) => r.role).sort(),
      orgs: [...new Set([
        ...(home ? [home] : []),
        ...(orgs as { user_id: string; org_id: string }[]).filter((o) => o.user_id === u.id).map((o) => o.org_id),
      ])],
      orgId: home,
      userIds: (uids as { user_id: string; code: string }[]).filter((x) => x.user_id === u.id).map((x) => x.code).sort(),
      via: 'system' as const,
    };
  });
}

/** Whether the actor may `operation` the record (table grant and row condition; the system may do anything). */
export async function mayOn(
  registry: Registry, actor: Actor, table: ResolvedTable, record: RecordData, operation: 'read' | 'update' | 'delete', now: Date,
): Promise<boolean> {
  const access = accessFor(registry, actor, table.name, operation);
  if (!access.allowed) return false;
  if (access.rowCondition === null) return true;
  return evaluateCondition(access.rowCondition, { ...accessFacts(registry, actor, now), record });
}

/** Why a user cannot be a record's assignee: a sub-code (unknown_user, not_permitted, not_member) and a message. */
export interface AssigneeProblem { code: 'unknown_user' | 'not_permitted' | 'not_member'; message: string }

/**
 * The user `name` (id or username) as the assignee of `record`: an active user who may update it, and a member of
 * `queue` when that queue has members. Returns the user, or why they cannot be the assignee. The one rule behind
 * {@link assertAssignee} and the actions a record page offers ("Assign to me").
 */
export async function checkAssignee(
  trx: Knex | Knex.Transaction, registry: Registry, table: ResolvedTable, record: RecordData, name: string, queue: unknown, now: Date,
): Promise<{ user: UserRef | null; problem: AssigneeProblem | null }> {
  const [user] = await findActiveUsers(trx, [name]);
  if (!user) return { user: null, problem: { code: 'unknown_user', message: `There is no active user "${name}".` } };
  const [target] = await actorsOf(trx, [user]);
  if (!(await mayOn(registry, target!, table, record, 'update', now))) {
    return { user, problem: { code: 'not_permitted', message: `${user.username} cannot work on this record.` } };
  }
  if (typeof queue === 'string' && queue) {
    const q = await trx('sys_queue').where({ name: queue }).first('id', 'label');
    if (q && await trx('sys_queue_member').where({ queue_id: q.id }).first('user_id')
      && !(await trx('sys_queue_member').where({ queue_id: q.id, user_id: user.id }).first('user_id'))) {
      return { user, problem: { code: 'not_member', message: `${user.username} is not a member of queue "${q.label ?? queue}".` } };
    }
  }
  return { user, problem: null };
}

/**
 * The user `name` (id or username) checked as the assignee of `record` ({@link checkAssignee}). Returns the user;
 * fails with validation_failed on `field` (unknown_user, not_permitted, not_member) otherwise. One rule for the
 * assign API and for any write that sets a workflow's assignee field (a transition's field, a PATCH), so the browser
 * cannot assign around it.
 */
export async function assertAssignee(
  trx: Knex.Transaction, registry: Registry, table: ResolvedTable, record: RecordData, name: string, queue: unknown, now: Date,
  field: string,
): Promise<UserRef> {
  const { user, problem } = await checkAssignee(trx, registry, table, record, name, queue, now);
  if (problem) fail('validation_failed', problem.message, { fieldErrors: [{ field, code: problem.code, message: problem.message }] });
  return user!;
}
