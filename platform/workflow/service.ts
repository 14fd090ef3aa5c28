/**
 * The workflow engine: state machines declared as `workflow` definitions, run inside the record pipeline.
 *
 * State field. A workflow's `stateField` changes only by transitions. A user's create starts the record in the
 * initial state (naming another state is refused); a user's update that changes the state field is refused with
 * 409 `invalid_transition`, whose problem document lists the transitions they may make (`allowed`). The system
 * (seeding, imports, rules) may set any state: the workflow then applies the new state's queue, timers and approvals
 * as for a transition.
 *
 * Transitions (`transition`). Checked against the person asking, in this order: the record is visible to them; the
 * transition exists, is not automatic, starts from the record's state, their roles (if the transition names roles)
 * and capabilities (if it names capabilities) fit, and — when it names neither — they may update the record; its
 * condition holds (facts `record`: the stored record with the request's `fields`, `previous`: the stored record,
 * `user`, `now`). Any failure is 409 `invalid_transition` with `allowed` and `reason` (TransitionRefusal): the
 * same check decides which transitions are offered (GET …/transitions, …/actions). The request's `fields` are checked like
 * an update by that person (field access, types); then `requiredFields` and a required comment must have values
 * (422 `validation_failed` naming each). Then, in one transaction, as the workflow actor
 * `workflow:<transition> for <person>`: one update of the record through the record service (the state, the
 * fields, `set` and `assign` actions, the queue — a `queue` action, else the first matching assignment rule, else
 * the new state's queue; moving queue clears the assignee — and the comment as a journal entry), so data policies'
 * system checks, rules, audit and the other hooks all run; then the other actions in order, on the written record:
 * `journal` entries, `createRecord` (one with `link` then sets that reference field of the record to the created
 * record; the result lists the created records the person can read) and `emitEvent`; then the sys_event rows
 * `workflow.transition` (payload: table, id, transition, label, from, to, workflow, comment, notify) and one
 * `notification.requested` per `notify` action. Action templates read `record`, `previous`, `user`, `now` and
 * `comment`. Leaving the old state cancels its timers and open approvals; entering the new one schedules its timers
 * and requests its first stage of approvals (after hook). Anything failing rolls all of it back.
 *
 * Automatic transitions (approval outcomes, timers, `when`) check only that the transition starts from the record's
 * state and its condition; they run as the workflow actor of whoever decided (the approver; the system for timers;
 * the writer for `when`). An approver's comment is the transition's comment: required where the transition requires
 * one (approvals.ts refuses the decision without it), and in `{{comment}}`; it is journaled once, with the decision.
 * A transition with `when` is made right after any write (a person's, a rule's, another transition) that leaves the
 * record in one of its `from` states with `when` true: the first such transition in declaration order, one per
 * write, at most {@link MAX_AUTOMATIC_CHAIN} in a row.
 */
import type { Knex } from 'knex';
import { expandRoles, grantsCapability } from '../access/policy.js';
import { accessFor } from '../access/policy.js';
import { evaluateCondition } from '../conditions/evaluate.js';
import type { FactContext } from '../conditions/types.js';
import type { Formwork } from '../context.js';
import type { Registry, ResolvedTable } from '../definitions/types.js';
import type { TransitionDef } from './types.js';
import { fail, isFormworkError, type FieldError } from '../errors.js';
import { isEmptyValue } from '../records/field-values.js';
import type { RecordHook, RecordHookContext } from '../records/hooks.js';
import { checkPayload } from '../records/payload.js';
import type { Actor, RecordData } from '../records/types.js';
import { writeEvent } from '../rules/events.js';
import { runActions } from '../rules/actions.js';
import { runPlatformAction } from '../rules/platform-actions.js';
import type { TemplateContext } from '../rules/templates.js';
import type { ActionType } from '../rules/types.js';
import { assertAssignee, isTransitionWrite, mayOn, originalActor, personFacts, workflowActor } from './actors.js';
import { ApprovalEngine, type ApprovalHost } from './approvals.js';
import { assertQueueFor } from './queue-fields.js';
import { commentFieldOf, startsFrom, workflowOf, type CompiledWorkflow } from './definitions.js';
import { TimerStore, type TimerHost } from './timers.js';
import type {
  CreatedRecord, Located, TransitionInput, TransitionOptions, TransitionRefusal, TransitionResult, TransitionSummary,
} from './transition-types.js';

export type {
  CreatedRecord, Located, TransitionInput, TransitionOptions, TransitionRefusal, TransitionResult, TransitionSummary,
} from './transition-types.js';

/** Transition actions that go into the transition's own update; the others follow it. */
const IN_UPDATE: ReadonlySet<ActionType> = new Set(['set', 'assign', 'queue']);

/** How many automatic (`when`) transitions one write may set off in a row. */
export const MAX_AUTOMATIC_CHAIN = 3;

const stateOf = (wf: CompiledWorkflow, record: RecordData | null | undefined): string | null => {
  const v = record?.[wf.def.stateField];
  return v === null || v === undefined ? null : String(v);
};

/** The workflow service; it is the host approvals and timers are given ({@link ApprovalHost}, {@link TimerHost}). */
export class WorkflowService implements ApprovalHost, TimerHost {
  readonly fw: Formwork;
  readonly approvals: ApprovalEngine;
  readonly timers: TimerStore;
  /** The record hook (register it with the record service: see platform/engine.ts). */
  readonly hook: RecordHook;

  constructor(fw: Formwork) {
    this.fw = fw;
    this.approvals = new ApprovalEngine(this);
    this.timers = new TimerStore();
    this.hook = {
      name: 'workflow',
      before: (ctx, record, previous) => this.#before(ctx, record, previous),
      after: (ctx, record, previous) => this.#after(ctx, record, previous),
      check: (ctx, record, previous) => this.#check(ctx, record, previous),
    };
  }

  get registry(): Registry { return this.fw.registry.current; }

  /** Run `fn` in the caller's transaction or a new one. */
  inTransaction<T>(trx: Knex.Transaction | undefined, fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    return trx ? fn(trx) : this.fw.db.knex.transaction(fn);
  }

  /**
   * The record `id` of `tableName` as the workflow sees it: not_found unless the actor can read it; not_found when
   * its table has no workflow.
   */
  async locate(trx: Knex.Transaction, tableName: string, id: string, actor: Actor): Promise<Located> {
    const registry = this.registry;
    const visible = await this.fw.records.readOne(tableName, id, { actor, trx, fields: ['id', 'class'] });
    const cls = registry.tables.get(String(visible.class)) ?? registry.getTable(tableName);
    const wf = workflowOf(registry, cls);
    if (!wf) fail('not_found', `Table "${cls.name}" has no workflow.`, { extra: { table: cls.name } });
    const record = await this.fw.records.readOne(cls.name, id, { actor: this.fw.systemActor, trx });
    return { cls, wf, record };
  }

  summary(wf: CompiledWorkflow, t: TransitionDef): TransitionSummary {
    const to = wf.def.states[t.to];
    return {
      name: t.name, label: t.label, ...(t.description ? { description: t.description } : {}),
      to: t.to, toLabel: to?.label ?? t.to, category: to?.category ?? 'open',
      requiredFields: [...(t.requiredFields ?? [])], comment: t.comment ?? 'optional',
    };
  }

  #facts(actor: Actor, record: RecordData, previous: RecordData | null, now: Date): FactContext {
    return { ...personFacts(this.registry, actor, now), record, previous } as FactContext;
  }

  /**
   * Why the person may not make transition `t` of a record in its current state (not its required fields), or null
   * when they may: the one check behind the transitions offered and the refusal of one asked for.
   */
  async #refusal(
    registry: Registry, wf: CompiledWorkflow, cls: ResolvedTable, t: TransitionDef, record: RecordData, previous: RecordData,
    actor: Actor, now: Date,
  ): Promise<TransitionRefusal | null> {
    if (t.automatic || t.when) return { reason: 'automatic', message: `"${t.label}" happens by itself; it cannot be asked for.` };
    const from = stateOf(wf, previous);
    if (!startsFrom(t, from)) {
      return { reason: 'state', message: `"${t.label}" cannot be made from state "${wf.def.states[from ?? '']?.label ?? from}".` };
    }
    const person = originalActor(actor);
    if (actor.kind !== 'system') {
      if (t.roles?.length) {
        const held = new Set(expandRoles(registry, person.roles).map((r) => r.name));
        if (!t.roles.some((r) => held.has(r))) return { reason: 'role', message: `"${t.label}" needs a role you do not hold.` };
      }
      // The capabilities name who does this step, as its roles do: administration does not imply them.
      if (t.capabilities?.length && !t.capabilities.some((c) => grantsCapability(registry, person.roles, c))) {
        return { reason: 'capability', message: `"${t.label}" needs a permission you do not hold.` };
      }
      if (!t.roles?.length && !t.capabilities?.length && !(await mayOn(registry, person, cls, previous, 'update', now))) {
        return { reason: 'access', message: `"${t.label}" needs you to be able to change the record.` };
      }
    }
    if (t.condition && !(await evaluateCondition(t.condition, this.#facts(actor, record, previous, now)))) {
      return { reason: 'condition', message: `"${t.label}" is not possible: its condition does not hold for this record.` };
    }
    return null;
  }

  /** The transitions the actor may make on the record now, in declaration order. */
  async allowedFor(
    wf: CompiledWorkflow, cls: ResolvedTable, record: RecordData, actor: Actor, now = this.fw.clock.now(),
  ): Promise<TransitionSummary[]> {
    const out: TransitionSummary[] = [];
    for (const t of wf.def.transitions) {
      if (!(await this.#refusal(this.registry, wf, cls, t, record, record, actor, now))) out.push(this.summary(wf, t));
    }
    return out;
  }

  /** GET …/transitions: the transitions the actor may make on the record now. */
  async allowed(
    tableName: string, id: string, actor: Actor,
  ): Promise<{ state: string | null; stateLabel: string | null; transitions: TransitionSummary[] }> {
    return this.fw.db.knex.transaction(async (trx) => {
      const { cls, wf, record } = await this.locate(trx, tableName, id, actor);
      const state = stateOf(wf, record);
      return {
        state, stateLabel: state === null ? null : wf.def.states[state]?.label ?? state,
        transitions: await this.allowedFor(wf, cls, record, actor),
      };
    });
  }

  #refuse(message: string, allowed: TransitionSummary[], extra: Record<string, unknown> = {}): never {
    fail('invalid_transition', `${message} ${allowed.length ? `Allowed now: ${allowed.map((a) => a.label).join(', ')}.` : 'No transition is allowed now.'}`, {
      extra: { ...extra, allowed },
    });
  }

  /** Make a transition (see the module comment). */
  async transition(
    tableName: string, id: string, name: string, input: TransitionInput, actor: Actor, opts: TransitionOptions = {},
  ): Promise<TransitionResult> {
    const body = input ?? {};
    if (body.fields !== undefined && (body.fields === null || typeof body.fields !== 'object' || Array.isArray(body.fields))) {
      fail('invalid_payload', '"fields" must be an object of field values.');
    }
    if (body.comment !== undefined && body.comment !== null && typeof body.comment !== 'string') fail('invalid_payload', '"comment" must be text.');
    return this.inTransaction(opts.trx, async (trx) => {
      const registry = this.registry;
      const now = this.fw.clock.now();
      // An automatic transition follows a write, an approval or a timer whose record was already found.
      const { cls, wf, record: stored } = await this.locate(trx, tableName, id, opts.automatic ? this.fw.systemActor : actor);
      const sf = wf.def.stateField;
      const from = stateOf(wf, stored);
      const t = wf.transitions.get(name);
      const fields = { ...(body.fields ?? {}) };
      const comment = typeof body.comment === 'string' ? body.comment.trim() : '';

      if (opts.automatic) {
        if (!t) fail('internal_error', `Workflow "${wf.def.name}" has no transition "${name}" (${opts.automatic.by}).`);
        if (!startsFrom(t, from)) {
          fail('invalid_transition', `Transition "${name}" does not start from state "${from}" (${opts.automatic.by}).`, { extra: { allowed: [], state: from } });
        }
        if (t.condition && !(await evaluateCondition(t.condition, this.#facts(actor, stored, stored, now)))) {
          fail('invalid_transition', `The condition of transition "${name}" does not hold (${opts.automatic.by}).`, { extra: { allowed: [], state: from } });
        }
      } else {
        const refused = t
          ? await this.#refusal(registry, wf, cls, t, stored, stored, actor, now)
          : { reason: 'unknown', message: `There is no transition "${name}".` };
        if (refused) {
          const allowed = await this.allowedFor(wf, cls, stored, actor, now);
          this.#refuse(refused.message, allowed, { transition: name, state: from, reason: refused.reason });
        }
      }

      // The request's fields: checked as an update by the person (access, types), then merged for guards.
      if (Object.prototype.hasOwnProperty.call(fields, sf)) fail('invalid_payload', `The state field "${sf}" is set by the transition itself; leave it out of "fields".`);
      const access = actor.kind === 'system' ? undefined : accessFor(registry, originalActor(actor), cls.name, 'update');
      const checked = checkPayload(cls, fields, originalActor(actor), now, stored, access);
      const merged: RecordData = { ...stored, ...checked.values };
      for (const e of checked.journal) merged[e.field] = e.body;
      if (!opts.automatic && t!.condition && Object.keys(fields).length
        && !(await evaluateCondition(t!.condition, this.#facts(actor, merged, stored, now)))) {
        this.#refuse(`"${t!.label}" is not possible: its condition does not hold with the values given.`, await this.allowedFor(wf, cls, stored, actor, now), { transition: name, state: from, reason: 'condition' });
      }
      const missing: FieldError[] = [];
      for (const f of t!.requiredFields ?? []) {
        if (isEmptyValue(merged[f])) {
          const field = cls.fields.get(f);
          missing.push({ field: f, code: 'required', message: `"${field?.label ?? f}" is needed to make the "${t!.label}" transition.` });
        }
      }
      if (t!.comment === 'required' && !comment && (!opts.automatic || opts.automatic.decision)) {
        missing.push({ field: 'comment', code: 'required', message: `A comment is needed to make the "${t!.label}" transition.` });
      }
      if (t!.comment === 'none' && comment && !opts.automatic?.decision) fail('invalid_payload', `Transition "${name}" takes no comment.`);
      if (missing.length) fail('validation_failed', missing.map((m) => m.message).join(' '), { fieldErrors: missing });

      // The write: the state, the fields, set / assign / queue actions and the comment, as one update.
      const patch: RecordData = { ...fields, [sf]: t!.to };
      const user = personFacts(registry, actor, now).user;
      const template = (record: RecordData): TemplateContext => ({
        record, previous: stored, user, now: now.toISOString(), comment: comment || null, table: cls,
      });
      const actions = t!.actions ?? [];
      let queue: string | undefined;
      await runActions(actions.filter((a) => IN_UPDATE.has(a.type)), () => template({ ...merged, ...patch }), {
        registry, table: cls, who: `Transition "${t!.name}"`,
        set: async (values) => { Object.assign(patch, values); },
        queue: async (q) => { queue = q; },
      });
      await this.route(wf, { ...merged, ...patch }, stored, patch, queue, actor, now);
      const commentField = commentFieldOf(wf, cls);
      if (comment && commentField && !opts.automatic?.decision) {
        const given = patch[commentField];
        patch[commentField] = typeof given === 'string' && given.trim() ? `${given}\n\n${comment}` : comment;
      }
      const writer = workflowActor(actor, opts.automatic ? opts.automatic.by : t!.name, `transition ${t!.name} on ${cls.name}`, true);
      await this.fw.records.updateOne(cls.name, id, patch, { actor: writer, trx, expectedVersion: stored.version as number });

      // Actions that follow the written record: journal entries, related records, events and notifications.
      let written = await this.fw.records.readOne(cls.name, id, { actor: this.fw.systemActor, trx });
      const created: CreatedRecord[] = [];
      const person = originalActor(actor);
      const at = now.toISOString();
      const source = `workflow:${wf.def.name}`;
      const notify: string[] = [];
      const reread = async () => { written = await this.fw.records.readOne(cls.name, id, { actor: this.fw.systemActor, trx }); };
      await runActions(actions.filter((a) => !IN_UPDATE.has(a.type)), () => template(written), {
        registry, table: cls, who: `Transition "${t!.name}"`,
        journal: async (field, text) => {
          await this.fw.records.updateOne(cls.name, id, { [field]: text }, { actor: writer, trx });
          await reread();
        },
        createRecord: async (target, values, link) => {
          const made = await this.fw.records.createOne(target.name, values, { actor: writer, trx });
          if (link) { await this.fw.records.updateOne(cls.name, id, { [link]: made.id }, { actor: writer, trx }); await reread(); }
          if (await this.#sees(trx, target.name, String(made.id), actor)) {
            created.push({ table: target.name, id: String(made.id), number: target.numberPrefix ? String(made.number) : null });
          }
        },
        emitEvent: async (event, payload) => {
          await writeEvent(trx, {
            name: event, table: cls.name, recordId: id, payload, actorId: person.id, actorName: person.username, source, at,
          });
        },
        notify: async (n) => { notify.push(n); },
        platform: async (name, values) => {
          const ctx = { fw: this.fw, actor: writer, person, registry, table: cls, record: written, now, who: `Transition "${t!.name}"` };
          await runPlatformAction(ctx, name, values, trx);
          await reread();
        },
      });
      const summary = this.summary(wf, t!);
      await writeEvent(trx, {
        name: 'workflow.transition', table: cls.name, recordId: id,
        payload: {
          table: cls.name, id, workflow: wf.def.name, transition: t!.name, label: t!.label, from, to: t!.to, comment: comment || null,
          notify,
        },
        actorId: person.id, actorName: person.username, source, at,
      });
      for (const n of notify) {
        await writeEvent(trx, {
          name: 'notification.requested', table: cls.name, recordId: id, payload: { notification: n, transition: t!.name, from, to: t!.to },
          actorId: person.id, actorName: person.username, source, at,
        });
      }
      await this.#automatic(trx, wf, cls, written, stored, actor, now, opts.automatic?.chain ?? 0);
      return { record: await this.#asSeenBy(trx, tableName, id, actor), transition: summary, from, to: t!.to, created };
    });
  }

  /** Whether the person behind the actor can read the record. */
  async #sees(trx: Knex.Transaction, tableName: string, id: string, actor: Actor): Promise<boolean> {
    return Object.keys(await this.#asSeenBy(trx, tableName, id, actor, ['id', 'class'])).length > 1;
  }

  /** The record as the actor may see it now (only its id when it has moved out of their sight). */
  async #asSeenBy(trx: Knex.Transaction, tableName: string, id: string, actor: Actor, fields?: string[]): Promise<RecordData> {
    try {
      return await this.fw.records.readOne(tableName, id, { actor: actor.kind === 'system' ? this.fw.systemActor : originalActor(actor), trx, fields });
    } catch (e) {
      if (isFormworkError(e) && e.code === 'not_found') return { id };
      throw e;
    }
  }

  /**
   * Queue routing for a record changing state (into `patch`): the explicit queue, else the first assignment rule
   * whose condition holds on `record`, else the new state's owning queue; nothing when none applies. A changed
   * queue clears the assignee unless the patch sets one.
   */
  async route(
    wf: CompiledWorkflow, record: RecordData, previous: RecordData | null, patch: RecordData, explicit: string | undefined,
    actor: Actor, now: Date,
  ): Promise<void> {
    const qf = wf.def.queueField;
    if (!qf || (Object.prototype.hasOwnProperty.call(patch, qf) && explicit === undefined)) return;
    const queue = explicit
      ?? await this.ruleQueue(wf, record, previous, actor, now)
      ?? wf.def.states[String(record[wf.def.stateField])]?.queue;
    if (queue === undefined || queue === (previous?.[qf] ?? null)) return;
    patch[qf] = queue;
    const af = wf.def.assigneeField;
    if (af && previous && !Object.prototype.hasOwnProperty.call(patch, af)) patch[af] = null;
  }

  /** The queue of the first assignment rule whose condition holds, if any. */
  async ruleQueue(
    wf: CompiledWorkflow, record: RecordData, previous: RecordData | null, actor: Actor, now: Date,
  ): Promise<string | undefined> {
    for (const r of wf.def.assignmentRules ?? []) {
      if (await evaluateCondition(r.condition, this.#facts(actor, record, previous, now))) return r.queue;
    }
    return undefined;
  }

  // ---- the record hook -------------------------------------------------------------------------------------

  async #before(ctx: RecordHookContext, record: RecordData, previous: RecordData | null): Promise<void> {
    const wf = workflowOf(ctx.registry, ctx.table);
    if (!wf) return;
    const sf = wf.def.stateField;
    if (ctx.operation === 'insert') {
      const initial = wf.def.initialState;
      const value = record[sf];
      const dflt = ctx.table.fields.get(sf)?.default;
      if (isEmptyValue(value) || value === dflt) record[sf] = initial;
      else if (value !== initial && ctx.actor.kind === 'user') {
        fail('invalid_transition', `A new ${ctx.table.def.label ?? ctx.table.name} starts in state "${initial}"; "${String(value)}" is reached by transitions only.`, {
          extra: { allowed: [], state: null, field: sf },
        });
      }
      const qf = wf.def.queueField;
      if (qf && isEmptyValue(record[qf])) {
        const queue = await this.ruleQueue(wf, record, null, ctx.actor, ctx.now) ?? wf.def.states[String(record[sf])]?.queue;
        if (queue !== undefined) record[qf] = queue;
      }
      return;
    }
    if (ctx.operation !== 'update' || !previous || record[sf] === previous[sf]) return;
    if (ctx.actor.kind === 'user') {
      const allowed = await this.allowedFor(wf, ctx.table, previous, ctx.actor, ctx.now);
      this.#refuse(`The ${ctx.table.fields.get(sf)?.label ?? sf} changes only by a transition, not by editing the record.`, allowed, { state: stateOf(wf, previous), field: sf });
    }
    if (!isTransitionWrite(ctx.actor)) {
      // The system moved the state itself: route as a transition would.
      const patch: RecordData = {};
      await this.route(wf, record, previous, patch, undefined, ctx.actor, ctx.now);
      Object.assign(record, patch);
    }
  }

  /**
   * The record as it will be written, whoever set its queue and assignee (the client, routing, a before rule, a
   * transition's actions, a data file): a queue that changed exists and serves the table, for every writer
   * ({@link assertQueueFor}); and a person's write whose assignee or queue changed names an assignee who can take
   * the record in that queue, by the same rule as the assign API ({@link assertAssignee}).
   */
  async #check(ctx: RecordHookContext, record: RecordData, previous: RecordData | null): Promise<void> {
    const wf = workflowOf(ctx.registry, ctx.table);
    if (!wf) return;
    const qf = wf.def.queueField;
    const af = wf.def.assigneeField;
    const queueChanged = !!qf && record[qf] !== (previous?.[qf] ?? null);
    if (queueChanged && !isEmptyValue(record[qf!])) await assertQueueFor(ctx.trx, ctx.registry, ctx.table, String(record[qf!]), qf!);
    if (!af || originalActor(ctx.actor).kind !== 'user' || isEmptyValue(record[af])) return;
    if (!queueChanged && record[af] === (previous?.[af] ?? null)) return;
    await assertAssignee(ctx.trx, ctx.registry, ctx.table, record, String(record[af]), qf ? record[qf] : null, ctx.now, af);
  }

  async #after(ctx: RecordHookContext, record: RecordData, previous: RecordData | null): Promise<void> {
    const wf = workflowOf(ctx.registry, ctx.table);
    if (!wf) return;
    const id = String(record.id);
    if (ctx.operation === 'delete') {
      await this.timers.cancel(ctx.trx, id, ctx.now);
      await this.approvals.cancel(ctx.trx, id, ctx.now);
      return;
    }
    const sf = wf.def.stateField;
    if (ctx.operation === 'update' && previous && record[sf] === previous[sf]) {
      await this.timers.reschedule(ctx, wf, record, previous);
    } else {
      if (ctx.operation === 'update') {
        await this.timers.cancel(ctx.trx, id, ctx.now);
        await this.approvals.cancel(ctx.trx, id, ctx.now);
      }
      await this.timers.schedule(ctx, wf, record);
      await this.approvals.start(ctx, wf, record);
    }
    // A transition's own writes are followed by automatic transitions once the transition has finished.
    if (!(ctx.operation === 'update' && isTransitionWrite(ctx.actor))) await this.#automatic(ctx.trx, wf, ctx.table, record, previous, ctx.actor, ctx.now, 0);
  }

  /**
   * After a write that left `record` in some state: make the first transition whose `when` holds and which starts
   * from that state (in declaration order), as the system acting for the writer. One per write; each may set off
   * the next, at most {@link MAX_AUTOMATIC_CHAIN} in a row (more fails the write: the conditions loop).
   */
  async #automatic(
    trx: Knex.Transaction, wf: CompiledWorkflow, cls: ResolvedTable, record: RecordData, previous: RecordData | null, actor: Actor,
    now: Date, chain: number,
  ): Promise<void> {
    if (!wf.automatic) return;
    const state = stateOf(wf, record);
    let next: TransitionDef | undefined;
    for (const t of wf.automatic) {
      if (startsFrom(t, state) && await evaluateCondition(t.when!, this.#facts(actor, record, previous, now))) { next = t; break; }
    }
    if (!next) return;
    if (chain >= MAX_AUTOMATIC_CHAIN) {
      fail('rule_depth_exceeded', `Automatic transitions of workflow "${wf.def.name}" followed each other more than ${MAX_AUTOMATIC_CHAIN} times in a row (the next was "${next.name}" from state "${state}"), so the operation was refused and nothing was changed. Check their "when" conditions.`, {
        extra: { workflow: wf.def.name, transition: next.name, limit: MAX_AUTOMATIC_CHAIN },
      });
    }
    await this.transition(cls.name, String(record.id), next.name, {}, actor, { trx, automatic: { by: `when.${next.name}`, chain: chain + 1 } });
  }
}

/** The workflow service of an engine (one per record service), created on first use. */
const services = new WeakMap<object, WorkflowService>();

export function workflowService(fw: Formwork): WorkflowService {
  let s = services.get(fw.records);
  if (!s) { s = new WorkflowService(fw); services.set(fw.records, s); }
  return s;
}
