/**
 * Approvals (a workflow's `approvals`), stored in sys_approval: one row per person asked.
 *
 * Entering a state starts a *round*: of the state's approvals whose condition holds, those of the lowest stage are
 * requested — a row for every approver: everyone holding the role (directly or through a role including it), the
 * members of the queue or group, the user a field names (dot-walking references), or the line manager of the person a
 * field names (`managerOf`), each only if active and able to read the record. Nobody to ask (a person without a
 * manager, say) fails the write (422): a record must not wait for nobody. Each request emits
 * `approval.requested` (payload: table, id, approval, stage, mode, approvalIds, approvers and their delegates as
 * usernames) for notifications.
 *
 * Deciding (`decide`): the approver — or a person they delegated to for the moment (sys_delegation) — approves or
 * rejects with a comment (added to the workflow's comment journal, naming who decided for whom). The comment is the
 * comment of the transition the decision makes (`{{comment}}` in its actions): when that transition requires a
 * comment, a decision without one is refused (422 naming `comment`), even one that does not yet decide the outcome.
 * One rejection rejects: the round's open requests are cancelled and the approval's `onReject` transition is made.
 * Approved: "any" needs one approval, "all" every approver's, "quorum" `quorum` of them (at most as many as were
 * asked); once enough, the approval's other open requests are cancelled. When every approval of the stage is
 * approved, the next stage (whose conditions hold) is requested; after the last, the `onApprove` transition of the
 * approval decided last is made. Transitions run as the person deciding, in the same transaction. Leaving the state
 * any other way cancels the round's open requests.
 */
import type { Knex } from 'knex';
import { v7 as uuidv7 } from 'uuid';
import { expandRoles } from '../access/policy.js';
import { personNameSql } from '../access/identity/index.js';
import { evaluateCondition } from '../conditions/evaluate.js';
import type { FactContext } from '../conditions/types.js';
import type { Formwork } from '../context.js';
import type { Registry, ResolvedField, ResolvedTable } from '../definitions/types.js';
import type { ApprovalDef } from './types.js';
import { fail } from '../errors.js';
import type { RecordHookContext } from '../records/hooks.js';
import type { Actor, RecordData } from '../records/types.js';
import { writeEvent } from '../rules/events.js';
import { actorsOf, findActiveManagers, findActiveUsers, mayOn, originalActor, personFacts, workflowActor, type UserRef } from './actors.js';
import { commentFieldOf, workflowOf, type CompiledWorkflow } from './definitions.js';
import { humanise } from '../records/display-values.js';
import { delegatesOf, delegatorsOf } from './delegations.js';
import type { Located, TransitionInput, TransitionOptions } from './transition-types.js';

export type ApprovalStatus = 'requested' | 'approved' | 'rejected' | 'cancelled';

/** A sys_approval row as the API shows it. */
export interface ApprovalView {
  id: string;
  table: string;
  recordId: string;
  approval: string;
  state: string;
  round: string;
  stage: number;
  mode: string;
  quorum: number | null;
  /** What people read the approval as: its label, else its name in words. */
  approvalLabel: string;
  approver: string;
  /** The approver's name for people to read (their username where it was not looked up, or they have none). */
  approverName: string;
  status: ApprovalStatus;
  decidedBy: string | null;
  /** The decider's name for people to read (as `approverName`). */
  decidedByName?: string | null;
  comment: string | null;
  requestedAt: string;
  decidedAt: string | null;
  /** Whether the person asking may decide it now (they are the approver, or stand in for them). */
  canDecide: boolean;
}

export interface Decision {
  approval: ApprovalView;
  /** The approval's outcome so far. */
  outcome: 'pending' | 'approved' | 'rejected';
  /** The transition the outcome made, if any. */
  transition: string | null;
  record: RecordData;
}

/** Approval rows (`a`) with their approver's and decider's names as people read them, for {@link view}. */
function approvalRows(knex: Knex | Knex.Transaction) {
  return knex('sys_approval as a').leftJoin('sys_user as u', 'u.id', 'a.approver_id').leftJoin('sys_user as d', 'd.id', 'a.decided_by')
    .select('a.*', personNameSql(knex, 'u', 'approver_display', 'a.approver_name'), personNameSql(knex, 'd', 'decider_display', 'a.decided_by_name'));
}

function view(r: Record<string, unknown>, canDecide: boolean, registry: Registry): ApprovalView {
  const table = registry.tables.get(r.table_name as string);
  const def = table ? workflowOf(registry, table)?.def.approvals?.find((a: ApprovalDef) => a.name === r.approval) : undefined;
  return {
    id: r.id as string, table: r.table_name as string, recordId: r.record_id as string, approval: r.approval as string,
    approvalLabel: def?.label ?? humanise(r.approval as string),
    state: r.state as string, round: r.round as string, stage: Number(r.stage), mode: r.mode as string,
    quorum: r.quorum === null || r.quorum === undefined ? null : Number(r.quorum), approver: r.approver_name as string,
    approverName: r.approver_display as string,
    status: r.status as ApprovalStatus, decidedBy: (r.decided_by_name as string | null) ?? null,
    decidedByName: (r.decider_display as string | null) ?? null,
    comment: (r.comment as string | null) ?? null,
    requestedAt: r.requested_at as string, decidedAt: (r.decided_at as string | null) ?? null, canDecide,
  };
}

/** What approvals call on the workflow service (platform/workflow/service.ts), which owns them. */
export interface ApprovalHost {
  readonly fw: Pick<Formwork, 'db' | 'clock' | 'records' | 'systemActor' | 'registry'>;
  readonly registry: Registry;
  inTransaction<T>(trx: Knex.Transaction | undefined, fn: (trx: Knex.Transaction) => Promise<T>): Promise<T>;
  /** The record as the workflow sees it; not_found unless `actor` can read it and its table has a workflow. */
  locate(trx: Knex.Transaction, tableName: string, id: string, actor: Actor): Promise<Located>;
  /** Make a transition (an approval's outcome: `opts.automatic`). */
  transition(tableName: string, id: string, name: string, input: TransitionInput, actor: Actor, opts: TransitionOptions): Promise<unknown>;
}

/** How people read a `managerOf` path: the labels of its fields, e.g. "Caller › Requested for". */
function managerOfLabel(registry: Registry, table: ResolvedTable, path: string): string {
  const labels: string[] = [];
  let cur: ResolvedTable | undefined = table;
  for (const part of path.split('.')) {
    const f: ResolvedField | undefined = cur?.fields.get(part);
    labels.push(f?.label ?? part);
    cur = f?.type === 'reference' && f.reference && registry.tables.has(f.reference) ? registry.getTable(f.reference) : undefined;
  }
  return `"${labels.join(' › ')}"`;
}

export class ApprovalEngine {
  readonly #wf: ApprovalHost;

  constructor(service: ApprovalHost) {
    this.#wf = service;
  }

  /** A record entered its state (after hook): start a round of the state's approvals, if it has any. */
  async start(ctx: RecordHookContext, wf: CompiledWorkflow, record: RecordData): Promise<void> {
    const state = String(record[wf.def.stateField]);
    if (!(wf.def.approvals ?? []).some((a) => a.state === state)) return;
    await this.#requestStage(ctx.trx, ctx.registry, ctx.table, wf, record, state, uuidv7(), 0, ctx.actor, ctx.now);
  }

  /** Cancel a record's open requests (it left the state, or was deleted). */
  async cancel(trx: Knex.Transaction, recordId: string, now: Date, where: Record<string, unknown> = {}): Promise<void> {
    await trx('sys_approval').where({ record_id: recordId, status: 'requested', ...where }).update({ status: 'cancelled', decided_at: now.toISOString() });
  }

  /** Request the approvals of the first stage after `afterStage` whose conditions hold; false when there is none. */
  async #requestStage(
    trx: Knex.Transaction, registry: Registry, cls: ResolvedTable, wf: CompiledWorkflow, record: RecordData, state: string,
    round: string, afterStage: number, actor: Actor, now: Date,
  ): Promise<boolean> {
    const facts = { ...personFacts(registry, actor, now), record, previous: record } as FactContext;
    const applicable: ApprovalDef[] = [];
    for (const a of wf.def.approvals ?? []) {
      if (a.state !== state || a.stage <= afterStage) continue;
      if (!a.condition || await evaluateCondition(a.condition, facts)) applicable.push(a);
    }
    if (!applicable.length) return false;
    const stage = Math.min(...applicable.map((a) => a.stage));
    const person = originalActor(actor);
    const at = now.toISOString();
    for (const a of applicable.filter((x) => x.stage === stage)) {
      const approvers = await this.approversOf(trx, registry, cls, record, a, now);
      if (!approvers.length) {
        const managers = a.approvers.flatMap((p) => (p.managerOf ? [managerOfLabel(registry, cls, p.managerOf)] : []));
        const who = managers.length ? ` (${managers.map((m) => `the line manager of the person in ${m}`).join(', ')})` : '';
        fail('validation_failed', `Nobody can approve "${a.name}": none of its approvers${who} is an active user who can read this record, so the change was not made.`, {
          fieldErrors: [{ field: wf.def.stateField, code: 'no_approvers', message: `Nobody can approve "${a.name}".` }],
        });
      }
      const rows = approvers.map((u) => ({
        id: uuidv7(), table_name: cls.name, record_id: record.id as string, workflow: wf.def.name, approval: a.name, state, round, stage,
        mode: a.mode, quorum: a.quorum ?? null, approver_id: u.id, approver_name: u.username, status: 'requested', requested_at: at,
      }));
      await trx('sys_approval').insert(rows);
      const delegates = await delegatesOf(trx, approvers.map((u) => u.id), now);
      await writeEvent(trx, {
        name: 'approval.requested', table: cls.name, recordId: record.id as string,
        payload: {
          table: cls.name, id: record.id, workflow: wf.def.name, approval: a.name, stage, mode: a.mode, quorum: a.quorum ?? null,
          approvalIds: rows.map((r) => r.id), approvers: approvers.map((u) => u.username), delegates: delegates.map((d) => d.delegate),
        },
        actorId: person.id, actorName: person.username, source: `workflow:${wf.def.name}`, at,
      });
    }
    return true;
  }

  /** The active users an approval asks who can read the record, each once. */
  async approversOf(
    trx: Knex.Transaction, registry: Registry, cls: ResolvedTable, record: RecordData, a: ApprovalDef, now: Date,
  ): Promise<UserRef[]> {
    const found = new Map<string, UserRef>();
    const add = (users: UserRef[]) => { for (const u of users) if (!found.has(u.id)) found.set(u.id, u); };
    for (const p of a.approvers) {
      if (p.role) {
        const roles = [...registry.roles.keys()].filter((r) => expandRoles(registry, [r]).some((x) => x.name === p.role));
        const rows = await trx('sys_user as u').join('sys_user_role as r', 'r.user_id', 'u.id').whereIn('r.role', roles)
          .where('u.status', 'active').whereNull('u.locked_at').whereNull('u.deleted_at').distinct('u.id', 'u.username');
        add(rows.map((r: UserRef) => ({ id: r.id, username: r.username })));
      }
      const queue = p.queue;
      if (queue) {
        const rows = await trx('sys_user as u').join('sys_queue_member as m', 'm.user_id', 'u.id').join('sys_queue as q', 'q.id', 'm.queue_id')
          .where('q.name', queue).where('u.status', 'active').whereNull('u.locked_at').whereNull('u.deleted_at').distinct('u.id', 'u.username');
        add(rows.map((r: UserRef) => ({ id: r.id, username: r.username })));
      }
      if (p.field) {
        const value = await this.#fieldValue(trx, registry, cls, record, p.field.split('.'));
        if (typeof value === 'string' && value) add(await findActiveUsers(trx, [value]));
      }
      if (p.managerOf) {
        const value = await this.#fieldValue(trx, registry, cls, record, p.managerOf.split('.'));
        if (typeof value === 'string' && value) add(await findActiveManagers(trx, value));
      }
    }
    const users = [...found.values()];
    const actors = await actorsOf(trx, users);
    const out: UserRef[] = [];
    for (const [i, u] of users.entries()) if (await mayOn(registry, actors[i]!, cls, record, 'read', now)) out.push(u);
    return out;
  }

  /** A field's value, following reference fields (read as the system, in the transaction). */
  async #fieldValue(trx: Knex.Transaction, registry: Registry, table: ResolvedTable, record: RecordData, path: string[]): Promise<unknown> {
    let cur: RecordData | null = record;
    let tbl = table;
    for (const [i, name] of path.entries()) {
      const v: unknown = cur?.[name];
      if (i === path.length - 1 || v === null || v === undefined) return v ?? null;
      const f = tbl.fields.get(name);
      if (f?.type !== 'reference' || !f.reference) return null;
      tbl = registry.getTable(f.reference);
      try {
        cur = await this.#wf.fw.records.readOne(tbl.name, String(v), { actor: this.#wf.fw.systemActor, trx });
      } catch {
        return null;
      }
    }
    return null;
  }

  /** The approval rows of a record (newest round first), for a person who can read it. */
  async list(tableName: string, id: string, actor: Actor): Promise<ApprovalView[]> {
    return this.#wf.fw.db.knex.transaction(async (trx) => {
      await this.#wf.locate(trx, tableName, id, actor);
      const person = originalActor(actor);
      const standIn = new Set(person.id ? await delegatorsOf(trx, person.id, this.#wf.fw.clock.now()) : []);
      const rows = await approvalRows(trx).where('a.record_id', id)
        .orderBy([{ column: 'a.requested_at', order: 'desc' }, { column: 'a.stage' }, { column: 'a.approver_name' }]);
      return rows.map((r: Record<string, unknown>) => view(r, r.status === 'requested' && (r.approver_id === person.id || standIn.has(r.approver_id as string)), this.#wf.fw.registry.current));
    });
  }

  /** Open requests the person may decide (their own and those of people they stand in for), oldest first. */
  async pendingFor(actor: Actor): Promise<(ApprovalView & { number: string | null })[]> {
    const person = originalActor(actor);
    if (!person.id) return [];
    const knex = this.#wf.fw.db.knex;
    const ids = [person.id, ...(await delegatorsOf(knex, person.id, this.#wf.fw.clock.now()))];
    const rows = await approvalRows(knex).whereIn('a.approver_id', ids).where('a.status', 'requested').orderBy('a.requested_at').limit(200);
    const out: (ApprovalView & { number: string | null })[] = [];
    for (const r of rows) {
      try {
        const rec = await this.#wf.fw.records.readOne(r.table_name, r.record_id, { actor: person });
        out.push({ ...view(r, true, this.#wf.fw.registry.current), number: typeof rec.number === 'string' ? rec.number : null });
      } catch {
        // No longer visible to them: not listed.
      }
    }
    return out;
  }

  /** Approve or reject one request (see the module comment). */
  async decide(tableName: string, id: string, approvalId: string, decision: 'approve' | 'reject', comment: unknown, actor: Actor): Promise<Decision> {
    if (comment !== undefined && comment !== null && typeof comment !== 'string') fail('invalid_payload', '"comment" must be text.');
    const text = typeof comment === 'string' ? comment.trim() : '';
    return this.#wf.inTransaction(undefined, async (trx) => {
      const fw = this.#wf.fw;
      const registry = this.#wf.registry;
      const now = fw.clock.now();
      const at = now.toISOString();
      const { cls, wf, record } = await this.#wf.locate(trx, tableName, id, actor);
      const row = await trx('sys_approval').where({ id: approvalId, record_id: id }).first();
      if (!row) fail('not_found', `Record "${id}" has no approval request "${approvalId}".`);
      if (row.status !== 'requested') fail('conflict', `This approval request was already ${row.status}.`, { extra: { status: row.status } });
      const person = originalActor(actor);
      const forOther = person.id !== row.approver_id;
      if (forOther && !(person.id && (await delegatorsOf(trx, person.id, now)).includes(row.approver_id))) {
        fail('forbidden', `${person.username} may not decide an approval requested from ${row.approver_name}.`);
      }
      const status = decision === 'approve' ? 'approved' : 'rejected';
      const def = (wf.def.approvals ?? []).find((a) => a.name === row.approval);
      if (!def) fail('conflict', `Approval "${row.approval}" is no longer declared by workflow "${wf.def.name}".`);
      // The decision's comment becomes its outcome's transition's comment: asked for here, where the approver is.
      const outcomeOf = wf.transitions.get(decision === 'approve' ? def.onApprove : def.onReject);
      if (outcomeOf?.comment === 'required' && !text) {
        const message = `A comment is needed to ${decision} "${def.name}": it makes the "${outcomeOf.label}" transition, which asks for one.`;
        fail('validation_failed', message, { fieldErrors: [{ field: 'comment', code: 'required', message }] });
      }
      const n = await trx('sys_approval').where({ id: approvalId, status: 'requested' })
        .update({ status, decided_by: person.id, decided_by_name: person.username, comment: text || null, decided_at: at });
      if (n !== 1) fail('conflict', 'This approval request was decided meanwhile.');
      if (String(record[wf.def.stateField]) !== row.state) fail('conflict', `The record is no longer in state "${row.state}".`);

      const writer = workflowActor(actor, `approval.${def.name}`, `approval ${def.name} on ${cls.name}`);
      const commentField = commentFieldOf(wf, cls);
      if (commentField) {
        const who = forOther ? `${person.username} for ${row.approver_name}` : person.username;
        const note = `${decision === 'approve' ? 'Approved' : 'Rejected'} (${def.name}) by ${who}${text ? `: ${text}` : '.'}`;
        await fw.records.updateOne(cls.name, id, { [commentField]: note }, { actor: writer, trx });
      }
      await writeEvent(trx, {
        name: 'approval.decided', table: cls.name, recordId: id,
        payload: {
          table: cls.name, id, workflow: wf.def.name, approval: def.name, approvalId, outcome: status, approver: row.approver_name,
          decidedBy: person.username, comment: text || null,
        },
        actorId: person.id, actorName: person.username, source: `workflow:${wf.def.name}`, at,
      });

      let outcome: Decision['outcome'] = 'pending';
      let transition: string | null = null;
      if (status === 'rejected') {
        outcome = 'rejected';
        await this.cancel(trx, id, now, { round: row.round });
        transition = def.onReject;
      } else {
        const rows = await trx('sys_approval').where({ record_id: id, round: row.round, approval: def.name }).whereNot('status', 'cancelled');
        const approved = rows.filter((r: { status: string }) => r.status === 'approved').length;
        const needed = def.mode === 'any' ? 1 : def.mode === 'all' ? rows.length : Math.min(def.quorum ?? 1, rows.length);
        if (approved >= needed) {
          outcome = 'approved';
          await this.cancel(trx, id, now, { round: row.round, approval: def.name });
          const open = await trx('sys_approval').where({ record_id: id, round: row.round, stage: row.stage, status: 'requested' }).first('id');
          if (open) outcome = 'pending';
          else if (await this.#requestStage(trx, registry, cls, wf, record, row.state, row.round, Number(row.stage), actor, now)) outcome = 'pending';
          else transition = def.onApprove;
        }
      }
      if (transition) {
        await this.#wf.transition(cls.name, id, transition, { comment: text }, actor, { trx, automatic: { by: `approval.${def.name}`, decision: true } });
      }
      const updated = await approvalRows(trx).where('a.id', approvalId).first();
      let seen: RecordData;
      try {
        seen = await fw.records.readOne(tableName, id, { actor: person.kind === 'system' ? fw.systemActor : person, trx });
      } catch {
        seen = { id };
      }
      return { approval: view(updated, false, registry), outcome, transition, record: seen };
    });
  }
}
