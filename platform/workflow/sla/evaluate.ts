/**
 * SLA evaluation after each record write, inside the write's transaction (a record hook): the SLA rows commit or
 * roll back with the write.
 *
 * For each SLA definition measuring the record's table (or a table it extends), in name order:
 *  1. reset — when the reset condition holds now and did not for the record before the change, an open SLA
 *     (active, paused, breached) is cancelled, keeping its history;
 *  2. start — with no SLA of this definition for the record (or only cancelled ones), it starts at the write's time
 *     when the start condition holds and the stop condition does not; paused at once when the pause condition holds;
 *  3. stop — an open SLA stops when the stop condition holds (a stopped SLA never restarts for the record);
 *  4. pause / resume — an open SLA pauses while the pause condition holds and resumes when it no longer does.
 * Deleting the record cancels its open SLAs. Conditions see `record`, `user` (the person whose write it is) and
 * `now` — never `previous` (lint refuses it), so an SLA's state depends on the record, not on how it got there.
 *
 * Concurrency: a row is updated only at the version read; the checker (checker.ts) bumps the version when it
 * claims a warning or breach, so a write racing it re-reads the row and applies its change on top.
 */
import type { Knex } from 'knex';
import { v7 as uuidv7 } from 'uuid';
import { accessFacts } from '../../access/policy.js';
import { evaluateCondition } from '../../conditions/evaluate.js';
import type { Condition, FactContext } from '../../conditions/types.js';
import type { Registry, ResolvedTable } from '../../definitions/types.js';
import type { SlaDef } from './types.js';
import { fail } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { RecordHook } from '../../records/hooks.js';
import type { Actor, RecordData } from '../../records/types.js';
import { originalActor } from '../../rules/chain.js';
import type { BusinessCalendar } from './business-calendar.js';
import { calendarFor, durationMs, slasForTable, warningMs } from './definitions.js';
import { fromRow, timerColumns, type SlaRow } from './sla-store.js';
import { endTimer, isOpen, isRunning, pauseTimer, resumeTimer, startTimer, type SlaTimer } from './sla-timer.js';

/**
 * What evaluation is given: a record hook's context (platform/records/hooks.ts RecordHookContext), also accepting a
 * table by name so callers outside the pipeline can use it.
 */
export interface SlaHookContext {
  registry: Registry;
  /** The record's table (its class), resolved or by name. */
  table: ResolvedTable | string;
  /** 'insert' | 'update' | 'delete' (a 'create' is taken as an insert). */
  operation: string;
  actor: Actor;
  trx: Knex.Transaction;
  now: Date;
}

/** The host services evaluation may use (logging); optional. */
export interface SlaHost { log?: Logger }

const MAX_ATTEMPTS = 3;

/** A calendar for an existing row: its own schedule; 24×7 if that schedule has since been removed. */
function rowCalendar(registry: Registry, schedule: string | null): BusinessCalendar {
  try {
    return calendarFor(registry, schedule);
  } catch {
    return calendarFor(registry, null);
  }
}

/** Update a row's timer at the version read; false when someone changed it since. */
async function saveTimer(trx: Knex.Transaction, row: SlaRow, timer: SlaTimer, now: Date): Promise<boolean> {
  const n = await trx('sys_sla').where({ id: row.id, version: row.version })
    .update({ ...timerColumns(timer), version: row.version + 1, updated_at: now.toISOString() });
  return n === 1;
}

async function latestRow(trx: Knex.Transaction, recordId: string, sla: string): Promise<SlaRow | undefined> {
  const r = await trx('sys_sla').where({ record_id: recordId, sla }).orderBy('generation', 'desc').first();
  return r ? fromRow(r) : undefined;
}

/**
 * Evaluate the SLAs of a record just written (see the module comment). Runs in `ctx.trx`; `previous` is the record
 * before an update (null on insert). Errors: conflict when a row kept changing under it (it retries first).
 */
export async function evaluateSlas(
  host: SlaHost | null, ctx: SlaHookContext, record: RecordData, previous: RecordData | null,
): Promise<void> {
  const { registry, trx, now } = ctx;
  const table = typeof ctx.table === 'string' ? registry.getTable(ctx.table) : ctx.table;
  const slas = slasForTable(registry, table);
  const recordId = record?.id;
  if (!slas.length || typeof recordId !== 'string') return;

  const rows = await trx('sys_sla').where({ record_id: recordId }).whereIn('sla', slas.map((s) => s.name));
  const latest = new Map<string, SlaRow>();
  for (const r of rows.map(fromRow)) {
    const seen = latest.get(r.sla);
    if (!seen || r.generation > seen.generation) latest.set(r.sla, r);
  }

  if (ctx.operation === 'delete') {
    for (const row of latest.values()) {
      await withRetry(trx, recordId, row, async (cur) => {
        if (!cur || !isOpen(cur.timer.state)) return true;
        return saveTimer(trx, cur, endTimer(rowCalendar(registry, cur.schedule), cur.timer, now, 'cancelled'), now);
      });
    }
    return;
  }

  const user = accessFacts(registry, originalActor(ctx.actor), now).user;
  const facts: FactContext = { record, user, now: now.toISOString() };
  const before: FactContext | null = previous ? { record: previous, user, now: now.toISOString() } : null;
  const holds = (c: Condition | undefined, f: FactContext | null) => (c && f ? evaluateCondition(c, f) : Promise.resolve(false));

  for (const sla of slas) {
    await withRetry(trx, recordId, latest.get(sla.name), async (cur) => {
      if (cur && isOpen(cur.timer.state) && sla.reset && await holds(sla.reset, facts) && !(await holds(sla.reset, before))) {
        const cancelled = endTimer(rowCalendar(registry, cur.schedule), cur.timer, now, 'cancelled');
        if (!(await saveTimer(trx, cur, cancelled, now))) return false;
      }
      if (!cur || cur.timer.state === 'cancelled') {
        if (await holds(sla.start, facts) && !(await holds(sla.stop, facts))) {
          await insertSla(trx, registry, sla, table, recordId, (cur?.generation ?? 0) + 1, now, await holds(sla.pause, facts));
          host?.log?.debug('sla started', { sla: sla.name, table: table.name, recordId });
        }
        return true;
      }
      if (!isOpen(cur.timer.state)) return true;
      const calendar = rowCalendar(registry, cur.schedule);
      if (await holds(sla.stop, facts)) return saveTimer(trx, cur, endTimer(calendar, cur.timer, now, 'stopped'), now);
      const paused = await holds(sla.pause, facts);
      if (paused && isRunning(cur.timer.state)) return saveTimer(trx, cur, pauseTimer(calendar, cur.timer, now), now);
      if (!paused && cur.timer.state === 'paused') return saveTimer(trx, cur, resumeTimer(calendar, cur.timer, now), now);
      return true;
    });
  }
}

/** Run `step` on the row read, again on a fresh read while it reports that the row changed under it. */
async function withRetry(
  trx: Knex.Transaction, recordId: string, first: SlaRow | undefined, step: (row: SlaRow | undefined) => Promise<boolean>,
): Promise<void> {
  let row = first;
  for (let attempt = 1; ; attempt++) {
    if (await step(row)) return;
    if (attempt >= MAX_ATTEMPTS) fail('conflict', `The SLA of record "${recordId}" kept changing while it was being updated.`);
    row = first ? await latestRow(trx, recordId, first.sla) : undefined;
  }
}

async function insertSla(
  trx: Knex.Transaction, registry: Registry, sla: SlaDef, table: ResolvedTable, recordId: string, generation: number, now: Date,
  paused: boolean,
): Promise<void> {
  const calendar = calendarFor(registry, sla.schedule ?? null);
  const duration = durationMs(sla, calendar, now);
  const timer = startTimer(calendar, now, duration, warningMs(sla, duration), paused);
  const at = now.toISOString();
  await trx('sys_sla').insert({
    id: uuidv7(), sla: sla.name, table_name: table.name, record_id: recordId, generation, schedule: sla.schedule ?? null,
    ...timerColumns(timer), version: 1, created_at: at, updated_at: at,
  });
}

/**
 * The record hook that runs SLA evaluation after every insert, update and delete (register it with the record
 * pipeline's hooks). `host` gives it the engine's logger; without one it runs the same.
 */
export function createSlaRecordHook(host: SlaHost | null = null): RecordHook {
  return {
    name: 'sla',
    async after(ctx: SlaHookContext, record: RecordData, previous: RecordData | null): Promise<void> {
      await evaluateSlas(host, ctx, record, previous ?? null);
    },
  };
}

export const slaRecordHook = createSlaRecordHook();
