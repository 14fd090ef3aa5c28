/**
 * Workflow timers: durable, in sys_workflow_timer, run by a polling runner.
 *
 * Scheduling (after hook, in the record's transaction): entering a state schedules a row for each of the state's
 * timers, due at the timer's `field` (or, when it has none or is empty, the moment the record entered the state)
 * plus `after` (calendar.ts: elapsed time, or working time with `businessHours`). Leaving the state — by any write —
 * cancels the record's open rows; a change of a timer's field while the record stays moves its open rows.
 *
 * Running (`TimerRunner.runOnce`, every WORKFLOW_TIMER_POLL_MS once started): one conditional UPDATE claims due rows
 * (done_at and cancelled_at null, due_at reached, and claimed_at null — or older than the lease, when the runner that
 * claimed it died) with this run's token, so with several instances each row goes to one of them (PostgreSQL
 * re-checks the WHERE on the locked row; SQLite serialises writers). Each claimed row then runs in its own
 * transaction: done_at is set and the transition made as the system together, so a crash before commit leaves the
 * row to be taken over after the lease, and a commit can never run it twice. A row whose record is gone or no
 * longer in the state is closed as cancelled; one whose condition no longer holds as skipped; a failed transition
 * is retried on the next polls, up to MAX_ATTEMPTS, then closed as failed with the error.
 */
import type { Knex } from 'knex';
import { v7 as uuidv7 } from 'uuid';
import { evaluateCondition } from '../conditions/evaluate.js';
import type { FactContext } from '../conditions/types.js';
import type { Formwork } from '../context.js';
import { observePoll, SYSTEM_JOB_NAMES } from '../jobs/system-runs.js';
import type { RunCounts } from '../jobs/types.js';
import type { Registry } from '../definitions/types.js';
import type { TimerDef } from './types.js';
import { isFormworkError } from '../errors.js';
import { isEmptyValue } from '../records/field-values.js';
import type { RecordHookContext } from '../records/hooks.js';
import type { Actor, RecordData } from '../records/types.js';
import { personFacts } from './actors.js';
import { dueAt } from './calendar.js';
import { workflowOf, type CompiledWorkflow } from './definitions.js';
import type { TransitionInput, TransitionOptions } from './transition-types.js';

export const MAX_ATTEMPTS = 3;
/** A claim older than this is taken over: its runner is presumed dead. */
export const CLAIM_LEASE_MS = 5 * 60_000;
export const DEFAULT_POLL_MS = 30_000;

export interface TimerRunResult { claimed: number; done: number; skipped: number; cancelled: number; failed: number; retried: number }

/** A timer poll as a run of the server's background work: claimed rows examined, transitions made, failed tries. */
function timerRunCounts(r: TimerRunResult): RunCounts {
  return { examined: r.claimed, changed: r.done, failed: r.failed + r.retried };
}

/** The instant a timer counts from on this record: its field's value, or `entered`. */
function startOf(t: TimerDef, record: RecordData, entered: Date): Date {
  const v = t.field ? record[t.field] : null;
  if (isEmptyValue(v)) return entered;
  const d = new Date(String(v));
  return Number.isNaN(d.getTime()) ? entered : d;
}

export class TimerStore {
  /** The record entered its state: schedule the state's timers. */
  async schedule(ctx: RecordHookContext, wf: CompiledWorkflow, record: RecordData): Promise<void> {
    const state = String(record[wf.def.stateField]);
    const timers = (wf.def.timers ?? []).filter((t) => t.from === state);
    if (!timers.length) return;
    const at = ctx.now.toISOString();
    await ctx.trx('sys_workflow_timer').insert(timers.map((t) => ({
      id: uuidv7(), table_name: ctx.table.name, record_id: record.id as string, workflow: wf.def.name, timer: t.name, state,
      transition: t.transition, due_at: dueAt(ctx.registry, t.after, startOf(t, record, ctx.now)).toISOString(),
      created_at: at, attempts: 0,
    })));
  }

  /** Cancel the record's open timers. */
  async cancel(trx: Knex.Transaction, recordId: string, now: Date): Promise<void> {
    await trx('sys_workflow_timer').where({ record_id: recordId }).whereNull('done_at').whereNull('cancelled_at')
      .update({ cancelled_at: now.toISOString() });
  }

  /** The record stayed in its state: move open timers whose field changed. */
  async reschedule(ctx: RecordHookContext, wf: CompiledWorkflow, record: RecordData, previous: RecordData): Promise<void> {
    const state = String(record[wf.def.stateField]);
    for (const t of wf.def.timers ?? []) {
      if (t.from !== state || !t.field || JSON.stringify(record[t.field] ?? null) === JSON.stringify(previous[t.field] ?? null)) continue;
      const rows = await ctx.trx('sys_workflow_timer').where({ record_id: record.id as string, timer: t.name, state })
        .whereNull('done_at').whereNull('cancelled_at').select('id', 'created_at');
      for (const r of rows) {
        const due = dueAt(ctx.registry, t.after, startOf(t, record, new Date(r.created_at))).toISOString();
        await ctx.trx('sys_workflow_timer').where({ id: r.id }).whereNull('done_at').update({ due_at: due });
      }
    }
  }

  /** Open timers of a record (for the API and tests). */
  async ofRecord(
    knex: Knex | Knex.Transaction, recordId: string,
  ): Promise<{ id: string; timer: string; state: string; transition: string; dueAt: string; claimedAt: string | null }[]> {
    const rows = await knex('sys_workflow_timer').where({ record_id: recordId }).whereNull('done_at').whereNull('cancelled_at').orderBy('due_at');
    return rows.map((r: Record<string, string | null>) => ({
      id: r.id!, timer: r.timer!, state: r.state!, transition: r.transition!, dueAt: r.due_at!, claimedAt: r.claimed_at ?? null,
    }));
  }
}

export interface TimerRunnerOptions {
  /** Rows claimed per run (default 50). */
  batch?: number;
  leaseMs?: number;
  /** Names this instance in claimed_by (default a random id). */
  instance?: string;
}

/** Claims and runs due timers (see the module comment). `start` polls; `stop` ends polling and waits for a run. */
/** What the timer runner calls on the workflow service (platform/workflow/service.ts), which owns it. */
export interface TimerHost {
  readonly fw: Pick<Formwork, 'db' | 'clock' | 'log' | 'records' | 'systemActor'>;
  readonly registry: Registry;
  /** Make a transition (a timer's: `opts.automatic`). */
  transition(tableName: string, id: string, name: string, input: TransitionInput, actor: Actor, opts: TransitionOptions): Promise<unknown>;
}

export class TimerRunner {
  readonly #wf: TimerHost;
  readonly #batch: number;
  readonly #leaseMs: number;
  readonly #instance: string;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<unknown> | null = null;
  #stopped = true;

  constructor(service: TimerHost, options: TimerRunnerOptions = {}) {
    this.#wf = service;
    this.#batch = options.batch ?? 50;
    this.#leaseMs = options.leaseMs ?? CLAIM_LEASE_MS;
    this.#instance = options.instance ?? uuidv7().slice(-12);
  }

  get started(): boolean { return !this.#stopped; }

  /** Poll every `pollMs` (0 or less: do not poll). The first poll comes after one interval. */
  start(pollMs: number = DEFAULT_POLL_MS): void {
    if (!this.#stopped || !(pollMs > 0)) return;
    this.#stopped = false;
    const tick = () => {
      this.#timer = null;
      if (this.#stopped) return;
      this.#running = observePoll(this.#wf.fw, SYSTEM_JOB_NAMES.workflowTimers, () => this.runOnce(), timerRunCounts)
        .catch((e) => {
          // The database was closed under the runner (an engine dropped without close()): stop polling it.
          if (!(this.#wf.fw.db.knex.client as { pool?: unknown }).pool) { this.#stopped = true; return; }
          this.#wf.fw.log.error('workflow timers: run failed', { error: (e as Error)?.message ?? String(e) });
        })
        .finally(() => {
          this.#running = null;
          if (!this.#stopped) { this.#timer = setTimeout(tick, pollMs); this.#timer.unref?.(); }
        });
    };
    this.#timer = setTimeout(tick, pollMs);
    this.#timer.unref?.();
  }

  /** Stop polling; resolves when a run in progress has finished. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#running) await this.#running;
  }

  /** Claim the due timers and run them once. */
  async runOnce(): Promise<TimerRunResult> {
    const { fw } = this.#wf;
    const knex = fw.db.knex;
    const now = fw.clock.now();
    const at = now.toISOString();
    const stale = new Date(now.getTime() - this.#leaseMs).toISOString();
    const token = `${this.#instance}:${uuidv7()}`;
    const claimable = (q: Knex.QueryBuilder) => q.whereNull('done_at').whereNull('cancelled_at').where('due_at', '<=', at)
      .andWhere((w) => w.whereNull('claimed_at').orWhere('claimed_at', '<', stale));
    const due = claimable(knex('sys_workflow_timer').select('id')).orderBy('due_at').limit(this.#batch);
    const claimed = await claimable(knex('sys_workflow_timer').whereIn('id', due))
      .update({ claimed_at: at, claimed_by: token, attempts: knex.raw('attempts + 1') });
    const result: TimerRunResult = { claimed: Number(claimed), done: 0, skipped: 0, cancelled: 0, failed: 0, retried: 0 };
    if (!claimed) return result;
    const rows = await knex('sys_workflow_timer').where({ claimed_by: token }).whereNull('done_at').orderBy('due_at');
    for (const row of rows) {
      try {
        const outcome = await this.#runOne(row, token);
        result[outcome] += 1;
      } catch (e) {
        const message = (e as Error)?.message ?? String(e);
        const last = Number(row.attempts) >= MAX_ATTEMPTS;
        await knex('sys_workflow_timer').where({ id: row.id, claimed_by: token }).whereNull('done_at')
          .update(last ? { done_at: fw.clock.now().toISOString(), outcome: 'failed', error: message } : { claimed_at: null, claimed_by: null, error: message });
        if (last) result.failed += 1; else result.retried += 1;
        fw.log.warn('workflow timer failed', { timer: row.timer, record: row.record_id, attempt: Number(row.attempts), error: message, final: last });
        if (!isFormworkError(e)) fw.log.error('workflow timer error', { error: (e as Error)?.stack ?? message });
      }
    }
    return result;
  }

  async #runOne(row: Record<string, unknown>, token: string): Promise<'done' | 'skipped' | 'cancelled'> {
    const { fw } = this.#wf;
    return fw.db.knex.transaction(async (trx) => {
      const now = fw.clock.now();
      const close = async (outcome: string, error: string | null = null) => {
        const n = await trx('sys_workflow_timer').where({ id: row.id, claimed_by: token }).whereNull('done_at').whereNull('cancelled_at')
          .update({ done_at: now.toISOString(), outcome, error });
        // Cancelled, or taken over after our lease ran out: not ours to run any more.
        if (n !== 1) throw new Error('the timer was cancelled or taken over meanwhile');
      };
      const registry = this.#wf.registry;
      const table = registry.tables.get(row.table_name as string);
      let record: RecordData | null = null;
      if (table) {
        try {
          record = await fw.records.readOne(table.name, row.record_id as string, { actor: fw.systemActor, trx });
        } catch (e) {
          if (!isFormworkError(e) || e.code !== 'not_found') throw e;
        }
      }
      const wf = table ? workflowOf(registry, table) : null;
      if (!table || !record || !wf || String(record[wf.def.stateField]) !== row.state) {
        await close('cancelled', 'the record is gone or no longer in the timer\'s state');
        return 'cancelled';
      }
      const def = (wf.def.timers ?? []).find((t) => t.name === row.timer);
      if (!def) { await close('skipped', `timer "${String(row.timer)}" is no longer declared`); return 'skipped'; }
      if (def.condition) {
        const facts = { ...personFacts(registry, fw.systemActor, now), record, previous: record } as FactContext;
        if (!(await evaluateCondition(def.condition, facts))) { await close('skipped', 'its condition no longer holds'); return 'skipped'; }
      }
      // Closed first: the transition's own write cancels the record's other open timers, not this one.
      await close('done');
      await this.#wf.transition(table.name, record.id as string, def.transition, {}, fw.systemActor, { trx, automatic: { by: `timer.${def.name}` } });
      return 'done';
    });
  }
}
