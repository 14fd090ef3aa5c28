/**
 * The people a picker offers, from the checks the actions themselves refuse with, so a person is never offered
 * someone the action would then refuse:
 *  - assignees of a record (GET /tables/:table/:id/assignees?q=): only for someone who may assign it
 *    ({@link assignRefusal}, else 403 with its words), the people {@link checkAssignee} accepts — active, able to
 *    update the record, a member of its queue when that queue has members;
 *  - delegates (GET /delegations/candidates?q=): active people other than oneself who share an organisation with
 *    the person ({@link delegateRefusal}, the rule creating a delegation applies).
 * Both search names and usernames case-insensitively and answer at most {@link MAX_CANDIDATES} people, by name.
 */
import type { Knex } from 'knex';
import { personName } from '../access/identity/index.js';
import type { Formwork } from '../context.js';
import { fail } from '../errors.js';
import type { Actor } from '../records/types.js';
import { actorsOf, mayOn, originalActor } from './actors.js';
import type { WorkflowService } from './service.js';
import { assignRefusal, listQueues } from './queues.js';

/** The most people one search answers. */
export const MAX_CANDIDATES = 20;
/** How many rows one assignee search reads at most before answering with what it found (each is an access check). */
const MAX_SCANNED = 500;
const MAX_QUERY = 100;

/** A person offered: their username (what the APIs take) and their name (what people read). */
export interface Candidate { username: string; name: string }

/** Active, unlocked people whose name or username contains `q` (case-insensitive), by name. */
function people(knex: Knex | Knex.Transaction, q: string | undefined): Knex.QueryBuilder {
  const text = (q ?? '').trim();
  if (text.length > MAX_QUERY) fail('invalid_query', `Query parameter "q" must be at most ${MAX_QUERY} characters; got ${text.length}.`);
  const query = knex('sys_user as u').where('u.status', 'active').whereNull('u.locked_at').whereNull('u.deleted_at')
    .select('u.id', 'u.username', 'u.display_name')
    .orderByRaw('lower(coalesce(u.display_name, u.username))').orderBy('u.username');
  if (text) {
    // LIKE's own wildcards in what was typed are matched as themselves.
    const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query.where((w) => w.whereRaw("lower(u.display_name) like ? escape '\\'", [pattern]).orWhereRaw("lower(u.username) like ? escape '\\'", [pattern]));
  }
  return query;
}

type PersonRow = { id: string; username: string; display_name: string | null };
const candidate = (r: PersonRow): Candidate => ({ username: r.username, name: personName(r) });

/**
 * The people record `id` of `tableName` may be assigned to, whose name or username contains `q`.
 * Errors: as reading the record; not_found when its workflow keeps no assignee; forbidden when the person may not
 * assign it; invalid_query for a search too long.
 */
export async function assigneeCandidates(
  service: WorkflowService, tableName: string, id: string, q: string | undefined, actor: Actor,
): Promise<Candidate[]> {
  const { fw } = service;
  return service.inTransaction(undefined, async (trx) => {
    const now = fw.clock.now();
    const { cls, wf, record } = await service.locate(trx, tableName, id, actor);
    const af = wf.def.assigneeField;
    if (!af) fail('not_found', `Workflow "${wf.def.name}" keeps no assignee.`);
    if (actor.kind !== 'system') {
      const refused = await assignRefusal(fw, originalActor(actor), cls, wf, record, await listQueues(fw, actor, trx), now);
      if (refused) fail('forbidden', refused);
    }
    const query = people(trx, q).limit(MAX_SCANNED);
    const queue = wf.def.queueField ? record[wf.def.queueField] : null;
    if (typeof queue === 'string' && queue) {
      const row = await trx('sys_queue').where({ name: queue }).first('id');
      // A queue with members is worked by them only (checkAssignee's rule).
      if (row && await trx('sys_queue_member').where({ queue_id: row.id }).first('user_id')) {
        query.whereIn('u.id', trx('sys_queue_member').where({ queue_id: row.id }).select('user_id'));
      }
    }
    const rows = await query as PersonRow[];
    const out: Candidate[] = [];
    for (const target of await actorsOf(trx, rows.map((r) => ({ id: r.id, username: r.username })))) {
      if (await mayOn(fw.registry.current, target, cls, record, 'update', now)) out.push(candidate(rows.find((r) => r.id === target.id)!));
      if (out.length === MAX_CANDIDATES) break;
    }
    return out;
  });
}

/**
 * Why `delegate` (an active person's id) may not stand in for `person`, or null when they may: nobody stands in for
 * themselves, and a delegate shares an organisation with the person (whose records they would decide on). People
 * of no organisation may delegate to anyone.
 */
export async function delegateRefusal(
  knex: Knex | Knex.Transaction, person: { id: string | null; orgs?: string[] }, delegate: { id: string; username: string },
): Promise<{ code: string; message: string } | null> {
  if (delegate.id === person.id) return { code: 'self', message: 'Nobody can delegate to themselves.' };
  const orgs = person.orgs ?? [];
  if (!orgs.length) return null;
  const [target] = await actorsOf(knex, [delegate]);
  if (target?.orgs.some((o) => orgs.includes(o))) return null;
  return { code: 'other_org', message: `${delegate.username} is not in your organisation.` };
}

/** The people `actor` may delegate their approvals to, whose name or username contains `q`. */
export async function delegateCandidates(fw: Formwork, actor: Actor, q: string | undefined): Promise<Candidate[]> {
  const person = originalActor(actor);
  if (!person.id) fail('forbidden', 'Only people can delegate their approvals.');
  const knex = fw.db.knex;
  const query = people(knex, q).whereNot('u.id', person.id).limit(MAX_CANDIDATES);
  const orgs = person.orgs ?? [];
  if (orgs.length) {
    query.where((w) => w.whereIn('u.org_id', orgs).orWhereIn('u.id', knex('sys_user_org').whereIn('org_id', orgs).select('user_id')));
  }
  return (await query as PersonRow[]).map(candidate);
}
