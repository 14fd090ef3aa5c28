/**
 * sys_sla rows ⇄ SLA timers, and the row's public form (with elapsed and remaining working time at an instant).
 */
import type { Knex } from 'knex';
import type { Registry } from '../../definitions/types.js';
import { calendarFor, slaDefinition } from './definitions.js';
import { progressAt, type SlaState, type SlaTimer } from './sla-timer.js';

export interface SlaRow {
  id: string;
  sla: string;
  tableName: string;
  recordId: string;
  generation: number;
  schedule: string | null;
  version: number;
  timer: SlaTimer;
}

const date = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(String(v)));
const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
// PostgreSQL returns bigint columns as text.
const num = (v: unknown): number => Number(v);

export function fromRow(r: Record<string, unknown>): SlaRow {
  return {
    id: r.id as string,
    sla: r.sla as string,
    tableName: r.table_name as string,
    recordId: r.record_id as string,
    generation: num(r.generation),
    schedule: (r.schedule as string | null) ?? null,
    version: num(r.version),
    timer: {
      state: r.state as SlaState,
      durationMs: num(r.duration_ms),
      warningMs: r.warning_ms === null || r.warning_ms === undefined ? null : num(r.warning_ms),
      elapsedMs: num(r.business_elapsed_ms),
      startedAt: date(r.started_at)!,
      runningSince: date(r.running_since),
      pausedSince: date(r.paused_since),
      pausedMs: num(r.paused_ms),
      warnAt: date(r.warn_at),
      dueAt: date(r.due_at),
      warnedAt: date(r.warned_at),
      breachedAt: date(r.breached_at),
      stoppedAt: date(r.stopped_at),
      cancelledAt: date(r.cancelled_at),
    },
  };
}

/** The columns a timer occupies. */
export function timerColumns(t: SlaTimer): Record<string, unknown> {
  return {
    state: t.state,
    duration_ms: t.durationMs,
    warning_ms: t.warningMs,
    business_elapsed_ms: t.elapsedMs,
    started_at: iso(t.startedAt),
    running_since: iso(t.runningSince),
    paused_since: iso(t.pausedSince),
    paused_ms: t.pausedMs,
    warn_at: iso(t.warnAt),
    due_at: iso(t.dueAt),
    warned_at: iso(t.warnedAt),
    breached_at: iso(t.breachedAt),
    stopped_at: iso(t.stoppedAt),
    cancelled_at: iso(t.cancelledAt),
  };
}

/** An SLA as the API shows it. Durations are working milliseconds of its schedule (null: 24×7). */
export interface SlaView {
  id: string;
  sla: string;
  label: string;
  table: string;
  recordId: string;
  generation: number;
  state: SlaState;
  schedule: string | null;
  durationMs: number;
  elapsedMs: number;
  /** Negative once breached: how far overdue, in working time. */
  remainingMs: number;
  percent: number;
  pausedMs: number;
  breached: boolean;
  startedAt: string;
  pausedSince: string | null;
  warnAt: string | null;
  dueAt: string | null;
  warnedAt: string | null;
  breachedAt: string | null;
  stoppedAt: string | null;
  cancelledAt: string | null;
}

export function viewOf(registry: Registry, row: SlaRow, now: Date): SlaView {
  const t = row.timer;
  const def = slaDefinition(registry, row.sla);
  // A schedule removed since the SLA started: the row's times stand; count what remains in 24×7.
  let calendar;
  try { calendar = calendarFor(registry, row.schedule); } catch { calendar = calendarFor(registry, null); }
  const p = progressAt(calendar, t, now);
  return {
    id: row.id, sla: row.sla, label: def?.label ?? row.sla, table: row.tableName, recordId: row.recordId, generation: row.generation,
    state: t.state, schedule: row.schedule, durationMs: t.durationMs, elapsedMs: p.elapsedMs, remainingMs: p.remainingMs,
    percent: p.percent, pausedMs: p.pausedMs, breached: p.breached, startedAt: t.startedAt.toISOString(),
    pausedSince: iso(t.pausedSince), warnAt: iso(t.warnAt), dueAt: iso(t.dueAt), warnedAt: iso(t.warnedAt),
    breachedAt: iso(t.breachedAt), stoppedAt: iso(t.stoppedAt), cancelledAt: iso(t.cancelledAt),
  };
}

/** Every SLA row of a record, oldest first. */
export async function fetchRecordSlas(knex: Knex | Knex.Transaction, recordId: string): Promise<SlaRow[]> {
  const rows = await knex('sys_sla').where({ record_id: recordId }).orderBy([{ column: 'started_at' }, { column: 'sla' }, { column: 'generation' }]);
  return rows.map(fromRow);
}
