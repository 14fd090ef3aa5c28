/**
 * Work queues and assignment.
 *
 * Where a record sits is two ordinary fields the workflow names: `queueField` (the queue's name) and
 * `assigneeField` (the username of the person it is assigned to). Being fields, they show on forms and lists,
 * filter and sort like any other, and row conditions of roles may use them; a queue view is a list query with one
 * more condition, through the record service, so access applies unchanged.
 *
 * Queues: organisation queues are sys_queue rows (name, label, the owning organisation, or none for a queue every
 * organisation sees) with members (sys_queue_member), created here, by administrators, or by data files (labels);
 * names the workflows mention (state queues, queue actions, assignment rules, queue approvers) are queues too,
 * shared, until a row says more. A person sees the queues of their organisations and the shared ones
 * (administrators: all), and their personal queue `@me` (records assigned to them).
 *
 * Assigning (`assign`, POST …/assign { user?, queue? }): the person must be able to update the record and see the
 * queue it sits in ({@link assignRefusal}; else 403). `queue` moves it to a queue they see that exists and serves the
 * record's table (queue-fields.ts: the same check as any write of the queue field), clearing the assignee unless
 * `user` is given too; `user` assigns it to an active user
 * who can update it (`"@me"`: to oneself) — and who, when the queue has members, is one of them; `user: null`
 * unassigns it and returns it to its queue (routing it as a transition would when it has none). The write runs as
 * `workflow:assign for <person>` and emits `workflow.assigned`.
 */
import { searchFieldsOf } from '../search/index.js';
import { humanise } from '../records/display-values.js';
import type { Knex } from 'knex';
import { v7 as uuidv7 } from 'uuid';
import { accessFor, hasCapability } from '../access/policy.js';
import { assertCanOperate } from '../access/table-access.js';
import type { Condition } from '../conditions/types.js';
import type { Formwork } from '../context.js';
import type { Registry, ResolvedTable } from '../definitions/types.js';
import { fail, isFormworkError } from '../errors.js';
import { isEmptyValue } from '../records/field-values.js';
import type { Actor, QueryResult, QuerySpec, RecordData } from '../records/types.js';
import { writeEvent } from '../rules/events.js';
import { findActiveUsers, mayOn, originalActor, workflowActor } from './actors.js';
import { allWorkflows, declaredQueues, workflowOf, type CompiledWorkflow } from './definitions.js';
import { assertQueueFor, queueServes } from './queue-fields.js';
import type { WorkflowService } from './service.js';

/** The personal queue's name: records assigned to the person asking. */
export const PERSONAL_QUEUE = '@me';

export interface QueueView {
  name: string;
  label: string;
  description: string | null;
  org: { id: string; code: string; name: string } | null;
  /** The person's own queue (records assigned to them). */
  personal: boolean;
  /** The person is a member. */
  member: boolean;
  /** The queue has members, and only they may hold its records (so others are not offered "Assign to me"). */
  membersOnly: boolean;
  /** Only named by workflow definitions (no sys_queue row). */
  declared: boolean;
}

const isAdmin = (fw: Formwork, actor: Actor) => actor.kind === 'system' || hasCapability(fw.registry.current, originalActor(actor), 'platform.admin');

/** The queues the person sees, their personal queue first; read through `knex` (a write's transaction, else the pool). */
export async function listQueues(fw: Formwork, actor: Actor, knex: Knex | Knex.Transaction = fw.db.knex): Promise<QueueView[]> {
  const person = originalActor(actor);
  const q = knex('sys_queue as q').leftJoin('sys_org as o', 'o.id', 'q.org_id')
    .select('q.id', 'q.name', 'q.label', 'q.description', 'q.org_id', 'o.code as org_code', 'o.name as org_name').orderBy('q.name');
  if (!isAdmin(fw, actor)) q.where((w) => w.whereNull('q.org_id').orWhereIn('q.org_id', person.orgs ?? []));
  const rows = await q;
  const all = await knex('sys_queue').select('name');
  const stored = new Set(all.map((r: { name: string }) => r.name));
  const mine = new Set(person.id ? (await knex('sys_queue_member').where({ user_id: person.id }).select('queue_id')).map((r: { queue_id: string }) => r.queue_id) : []);
  const staffed = new Set((await knex('sys_queue_member').distinct('queue_id')).map((r: { queue_id: string }) => r.queue_id));
  const out: QueueView[] = [{
    name: PERSONAL_QUEUE, label: 'Assigned to me', description: null, org: null, personal: true, member: true, membersOnly: false, declared: false,
  }];
  for (const r of rows) {
    out.push({
      name: r.name, label: r.label, description: r.description ?? null,
      org: r.org_id ? { id: r.org_id, code: r.org_code, name: r.org_name } : null,
      personal: false, member: mine.has(r.id), membersOnly: staffed.has(r.id), declared: false,
    });
  }
  for (const name of [...declaredQueues(fw.registry.current).keys()].sort()) {
    if (stored.has(name)) continue;
    // Named by the workflows only (no data file labels it): its name in words, never the bare key.
    out.push({
      name, label: humanise(name), description: null, org: null, personal: false, member: false, membersOnly: false, declared: true,
    });
  }
  return out;
}

/**
 * The workflows keeping queues (`queueField`) or assignees (`assigneeField`), one per hierarchy: a table extending
 * another keeper's table with the same field is listed with it.
 */
function keepers(registry: Registry, key: 'queueField' | 'assigneeField'): CompiledWorkflow[] {
  const candidates = allWorkflows(registry).filter((w): w is CompiledWorkflow => !!w.def[key]);
  return candidates.filter((w) => !candidates.some((o) =>
    o !== w && registry.getTable(w.def.table).ancestors.includes(o.def.table) && o.def[key] === w.def[key]));
}

/** A table whose records a queue holds, as the queue pages show it. */
export interface QueueTableView {
  name: string;
  label: string;
  /** Records of the queue in this table in a state that is not closed, that the person can read (asked for only). */
  count?: number;
}

export interface QueueSummary extends QueueView {
  /**
   * The tables the person can read whose records the queue holds: a declared queue's workflows' tables, else every
   * table keeping queues.
   */
  tables: QueueTableView[];
  /** The sum of the tables' counts (asked for only). */
  count?: number;
}

/**
 * The queues the person sees (as {@link listQueues}, or only `only`) with the tables each holds records of and,
 * with `counts`, how many open records (state category not closed) of each the person can read — one counting
 * query per queue and table, through the record service. Errors: not_found when `only` is not a queue they see.
 */
export async function queueSummaries(
  fw: Formwork, actor: Actor, options: { counts?: boolean; only?: string } = {},
): Promise<QueueSummary[]> {
  let queues = await listQueues(fw, actor);
  if (options.only !== undefined) {
    queues = queues.filter((q) => q.name === options.only);
    if (!queues.length) fail('not_found', `There is no queue "${options.only}".`);
  }
  const registry = fw.registry.current;
  const readable = (w: CompiledWorkflow) => accessFor(registry, actor, w.def.table, 'read').allowed;
  const byQueue = keepers(registry, 'queueField').filter(readable);
  const byAssignee = keepers(registry, 'assigneeField').filter(readable);
  const person = originalActor(actor);
  const named = declaredQueues(registry);
  const admin = isAdmin(fw, actor);
  const out: QueueSummary[] = [];
  for (const q of queues) {
    let holders = q.personal ? byAssignee : byQueue;
    // A queue the workflows name (labelled by a row or not) holds their records only.
    if (q.declared || named.has(q.name)) holders = holders.filter((w) => named.get(q.name)?.has(w.def.table) === true);
    const tables: QueueTableView[] = [];
    for (const w of holders) {
      const t = registry.getTable(w.def.table);
      const view: QueueTableView = { name: t.name, label: t.def.pluralLabel ?? t.def.label ?? t.name };
      if (options.counts) {
        const field = (q.personal ? w.def.assigneeField : w.def.queueField)!;
        const closed = Object.entries(w.def.states).filter(([, s]) => s.category === 'closed').map(([v]) => v);
        const own: Condition = { fact: `record.${field}`, operator: 'equal', value: q.personal ? person.username : q.name };
        const filter: Condition = closed.length ? { all: [own, { fact: `record.${w.def.stateField}`, operator: 'notIn', value: closed }] } : own;
        view.count = (await fw.records.query(t.name, { filter, limit: 1, fields: ['id'], withTotal: true }, { actor })).total ?? 0;
      }
      tables.push(view);
    }
    // A shared queue holding nothing the person can read (another pack's work) is not theirs to see in a list;
    // their own queue, those they are members of, a queue asked for by name, and every queue for an administrator
    // (who manages them) always are.
    if (!tables.length && !q.personal && !q.member && options.only === undefined && !admin) continue;
    out.push({ ...q, tables, ...(options.counts ? { count: tables.reduce((n, t) => n + (t.count ?? 0), 0) } : {}) });
  }
  return out;
}

const SEARCHED_TYPES = new Set(['string', 'text', 'email', 'phone', 'postcode', 'url']);
const MAX_SEARCH = 200;

/**
 * A condition finding `text` (case-insensitively, anywhere) in the fields of `table` the actor can read: the
 * table's `searchable` fields (its own, else the nearest ancestor's), else its number, display field and text-like
 * fields. Encrypted fields are never searched. Errors: invalid_query (too long, or nothing to search).
 */
function searchCondition(registry: Registry, table: ResolvedTable, actor: Actor, text: string): Condition {
  if (text.length > MAX_SEARCH) fail('invalid_query', `Query parameter "q" must be at most ${MAX_SEARCH} characters; got ${text.length}.`);
  const readable = assertCanOperate(registry, actor, table.name, 'read').readable;
  let declared = table.def.searchable;
  for (const name of table.ancestors) declared ??= registry.getTable(name).def.searchable;
  const names = declared?.map((item) => (typeof item === 'string' ? item : item.field)) ?? [
    'number', table.displayField,
    ...[...table.fields.values()].filter((f) => !f.system && SEARCHED_TYPES.has(f.type)).map((f) => f.name),
  ];
  const fields = [...new Set(names)].filter((n) => {
    const f = table.fields.get(n);
    return f && f.column !== null && !f.encrypted && !f.multiple && readable.has(n) && (SEARCHED_TYPES.has(f.type) || n === 'number');
  });
  if (!fields.length) fail('invalid_query', `Table "${table.name}" has no field you can search.`);
  return { any: fields.map((f) => ({ fact: `record.${f}`, operator: 'contains', value: text })) };
}

/**
 * The records of a queue the person sees, with list filtering, sorting and paging (`spec`), through the record
 * service. `table` picks the table when several workflows keep queues; `search` finds text in the table's searchable
 * fields. Errors: not_found (unknown or not visible queue), invalid_query (no or ambiguous table, bad search), and
 * those of list queries.
 */
export async function queueItems(
  fw: Formwork, actor: Actor, name: string, spec: QuerySpec, table?: string, search?: string,
): Promise<QueryResult & { table: string }> {
  const personal = name === PERSONAL_QUEUE;
  if (!personal && !(await listQueues(fw, actor)).some((q) => q.name === name)) fail('not_found', `There is no queue "${name}".`);
  const key = personal ? 'assigneeField' : 'queueField';
  const registry = fw.registry.current;
  let chosen: { table: string; field: string };
  if (table !== undefined) {
    const t = registry.getTable(table);
    const wf = workflowOf(registry, t);
    const field = wf?.def[key];
    if (!field) fail('invalid_query', `Table "${table}" has no workflow keeping ${personal ? 'assignees' : 'queues'}.`);
    chosen = { table: t.name, field };
  } else {
    const roots = keepers(registry, key);
    if (roots.length !== 1) {
      fail('invalid_query', roots.length ? `Several tables keep queues (${roots.map((w) => w.def.table).join(', ')}): name one with "table".` : 'No workflow keeps queues.');
    }
    chosen = { table: roots[0]!.def.table, field: roots[0]!.def[key]! };
  }
  const person = originalActor(actor);
  const own: Condition = { fact: `record.${chosen.field}`, operator: 'equal', value: personal ? person.username : name };
  const text = search?.trim();
  // A searchable table is searched through its full-text index; others by substring in their text fields.
  const indexed = text ? searchFieldsOf(registry, registry.getTable(chosen.table)).length > 0 : false;
  const parts = [
    own,
    ...(spec.filter ? [spec.filter] : []),
    ...(text && !indexed ? [searchCondition(registry, registry.getTable(chosen.table), actor, text)] : []),
  ];
  const filter: Condition = parts.length === 1 ? own : { all: parts };
  const result = await fw.records.query(chosen.table, { ...spec, filter, ...(indexed ? { search: text } : {}) }, { actor });
  return { ...result, table: chosen.table };
}

/** Create an organisation queue (administrators). */
export async function createQueue(fw: Formwork, actor: Actor, body: Record<string, unknown>): Promise<QueueView> {
  if (!isAdmin(fw, actor)) fail('forbidden', `${originalActor(actor).username} may not create queues.`);
  const name = typeof body.name === 'string' ? body.name.trim() : '';
  const errors = [];
  if (!name || name.length > 100 || name.startsWith('@')) errors.push({ field: 'name', code: 'invalid', message: 'Enter a queue name of 1 to 100 characters, not starting with @.' });
  const label = typeof body.label === 'string' && body.label.trim() ? body.label.trim() : name;
  let org: { id: string; code: string; name: string } | null = null;
  if (body.org !== undefined && body.org !== null) {
    const row = await fw.db.knex('sys_org').where({ code: String(body.org) }).orWhere({ id: String(body.org) }).first('id', 'code', 'name');
    if (!row) errors.push({ field: 'org', code: 'unknown_org', message: `There is no organisation "${String(body.org)}".` });
    else org = row;
  }
  if (errors.length) fail('validation_failed', errors.map((e) => e.message).join(' '), { fieldErrors: errors });
  if (await fw.db.knex('sys_queue').where({ name }).first('id')) fail('unique_violation', `A queue named "${name}" already exists.`, { fieldErrors: [{ field: 'name', code: 'unique', message: `A queue named "${name}" already exists.` }] });
  const description = typeof body.description === 'string' ? body.description : null;
  await insertQueue(fw, { name, label, description, orgId: org?.id ?? null });
  return { name, label, description, org, personal: false, member: false, membersOnly: false, declared: false };
}

/**
 * Store a queue row whose name the caller checked (see {@link createQueue}; seeding uses it inside its
 * transaction). Returns the row's id.
 */
export async function insertQueue(
  fw: Formwork, input: { name: string; label: string; description?: string | null; orgId?: string | null }, knex: Knex = fw.db.knex,
): Promise<string> {
  const id = uuidv7();
  await knex('sys_queue').insert({ id, name: input.name, label: input.label, org_id: input.orgId ?? null, description: input.description ?? null, created_at: fw.clock.now().toISOString() });
  return id;
}

/** Make a user a member of a queue (both ids) unless they are one already. */
export async function addQueueMember(fw: Formwork, queueId: string, userId: string, knex: Knex = fw.db.knex): Promise<void> {
  if (await knex('sys_queue_member').where({ queue_id: queueId, user_id: userId }).first('user_id')) return;
  await knex('sys_queue_member').insert({ queue_id: queueId, user_id: userId, created_at: fw.clock.now().toISOString() });
}

/** Add or remove a member of a queue (administrators). */
export async function setQueueMember(fw: Formwork, actor: Actor, queue: string, username: string, member: boolean): Promise<void> {
  if (!isAdmin(fw, actor)) fail('forbidden', `${originalActor(actor).username} may not change queue members.`);
  const q = await fw.db.knex('sys_queue').where({ name: queue }).first('id');
  if (!q) fail('not_found', `There is no queue "${queue}".`);
  const [u] = await findActiveUsers(fw.db.knex, [username]);
  if (!u) fail('not_found', `There is no active user "${username}".`);
  if (member) {
    await addQueueMember(fw, q.id, u.id);
  } else {
    await fw.db.knex('sys_queue_member').where({ queue_id: q.id, user_id: u.id }).delete();
  }
}

/** Members of a queue (usernames), for the people who see the queue. */
export async function queueMembers(fw: Formwork, actor: Actor, queue: string): Promise<string[]> {
  if (!(await listQueues(fw, actor)).some((q) => q.name === queue && !q.personal)) fail('not_found', `There is no queue "${queue}".`);
  const rows = await fw.db.knex('sys_user as u').join('sys_queue_member as m', 'm.user_id', 'u.id').join('sys_queue as q', 'q.id', 'm.queue_id')
    .where('q.name', queue).where('u.status', 'active').orderBy('u.username').select('u.username');
  return rows.map((r: { username: string }) => r.username);
}

/**
 * Why `person` may not assign or move `record` (null when they may): they must be able to update it and see the queue
 * it sits in (`visible`: the queues they see, {@link listQueues}) — a queue's records are handed out by the people
 * who work that queue, not by those who raised them. The one check behind {@link assign} and the actions a record
 * page offers.
 */
export async function assignRefusal(
  fw: Formwork, person: Actor, cls: ResolvedTable, wf: CompiledWorkflow, record: RecordData, visible: readonly QueueView[], now: Date,
): Promise<string | null> {
  const what = `${cls.def.label ?? cls.name} ${typeof record.number === 'string' ? record.number : ''}`.trim();
  if (!(await mayOn(fw.registry.current, person, cls, record, 'update', now))) return `You may not assign ${what}.`;
  const queue = wf.def.queueField ? record[wf.def.queueField] : null;
  if (typeof queue === 'string' && queue && !visible.some((q) => !q.personal && q.name === queue)) {
    return `You may not assign ${what}: it is in a queue you do not work in.`;
  }
  return null;
}

/**
 * The queues `visible` (the person's, {@link listQueues}) that may hold records of `cls` — where they may move a
 * record of it (its current queue aside).
 */
export function routableQueues(registry: Registry, cls: ResolvedTable, visible: readonly QueueView[]): QueueView[] {
  return visible.filter((q) => !q.personal && queueServes(registry, cls, q.name));
}

export interface AssignInput { user?: string | null; queue?: string | null }

/** Assign, take, move or return a record (see the module comment). */
export async function assign(
  service: WorkflowService, tableName: string, id: string, body: AssignInput, actor: Actor,
): Promise<RecordData> {
  const has = (k: string) => Object.prototype.hasOwnProperty.call(body ?? {}, k);
  if (!body || typeof body !== 'object' || Array.isArray(body) || (!has('user') && !has('queue'))) fail('invalid_payload', 'Send { "user": … } and/or { "queue": … } to assign the record.');
  for (const k of ['user', 'queue'] as const) {
    if (has(k) && body[k] !== null && (typeof body[k] !== 'string' || !body[k])) fail('invalid_payload', `"${k}" must be a name, or null.`);
  }
  const { fw } = service;
  return service.inTransaction(undefined, async (trx) => {
    const registry = service.registry;
    const now = fw.clock.now();
    const { cls, wf, record } = await service.locate(trx, tableName, id, actor);
    const person = originalActor(actor);
    const visible = actor.kind === 'system' ? null : await listQueues(fw, actor, trx);
    const refused = visible && await assignRefusal(fw, person, cls, wf, record, visible, now);
    if (refused) fail('forbidden', refused);
    const qf = wf.def.queueField;
    const af = wf.def.assigneeField;
    if (has('queue') && !qf) fail('invalid_payload', `Workflow "${wf.def.name}" keeps no queue (it has no queueField).`);
    if (has('user') && !af) fail('invalid_payload', `Workflow "${wf.def.name}" keeps no assignee (it has no assigneeField).`);
    const patch: RecordData = {};
    if (has('queue')) {
      const queue = body.queue ?? null;
      if (queue !== null && queue !== record[qf!] && visible && !visible.some((q) => !q.personal && q.name === queue)) {
        // A queue the person does not see is one they cannot route to; it answers like a queue that does not exist.
        const message = `There is no queue "${queue}".`;
        fail('validation_failed', message, { fieldErrors: [{ field: 'queue', code: 'unknown_queue', message }] });
      }
      // The check every write of the queue field gets (the workflow's hook), made first to answer on `queue`.
      if (queue !== null && queue !== record[qf!]) await assertQueueFor(trx, registry, cls, queue, 'queue');
      patch[qf!] = queue;
      if (af && !has('user') && queue !== record[qf!]) patch[af] = null;
    }
    if (has('user')) {
      if (body.user === null) {
        patch[af!] = null;
        const queue = qf ? (has('queue') ? patch[qf] : record[qf]) : null;
        if (qf && isEmptyValue(queue)) {
          const routed = await service.ruleQueue(wf, record, null, actor, now) ?? wf.def.states[String(record[wf.def.stateField])]?.queue;
          if (routed !== undefined) patch[qf] = routed;
        }
      } else {
        // Stored by username; whether they may take the record is the workflow hook's one rule (assertAssignee),
        // applied to this write like any other that sets the assignee.
        const name = body.user === PERSONAL_QUEUE ? person.username : body.user!;
        const [user] = await findActiveUsers(trx, [name]);
        if (!user) fail('validation_failed', `There is no active user "${name}".`, { fieldErrors: [{ field: 'user', code: 'unknown_user', message: `There is no active user "${name}".` }] });
        patch[af!] = user!.username;
      }
    }
    const before = { queue: qf ? record[qf] ?? null : null, assignee: af ? record[af] ?? null : null };
    const writer = workflowActor(actor, 'assign', `assign on ${cls.name}`);
    const updated = await fw.records.updateOne(cls.name, id, patch, { actor: writer, trx }).catch((e: unknown) => {
      // The assignee's problems are the request's `user`, the queue's its `queue`.
      if (isFormworkError(e)) {
        for (const fe of e.fieldErrors) {
          if (af && fe.field === af) fe.field = 'user';
          else if (qf && fe.field === qf) fe.field = 'queue';
        }
      }
      throw e;
    });
    const after = { queue: qf ? updated[qf] ?? null : null, assignee: af ? updated[af] ?? null : null };
    if (after.queue !== before.queue || after.assignee !== before.assignee) {
      await writeEvent(trx, {
        name: 'workflow.assigned', table: cls.name, recordId: id,
        payload: {
          table: cls.name, id, workflow: wf.def.name, queue: after.queue, assignee: after.assignee,
          previousQueue: before.queue, previousAssignee: before.assignee,
        },
        actorId: person.id, actorName: person.username, source: `workflow:${wf.def.name}`, at: now.toISOString(),
      });
    }
    try {
      return await fw.records.readOne(tableName, id, { actor: actor.kind === 'system' ? fw.systemActor : person, trx });
    } catch {
      return { id };
    }
  });
}
