/**
 * The SLA checker: a poll (run by a job every minute or so, in any number of instances) that raises each warning and
 * each breach exactly once.
 *
 *   warning — warn_at ≤ now and not yet warned: sets warned_at, writes an `sla.warning` event, runs onWarning;
 *   breach  — due_at ≤ now and not yet breached: sets breached_at (a running SLA becomes `breached`), writes an
 *             `sla.breach` event, runs onBreach.
 *
 * Each row is handled in its own transaction that first claims it with a conditional UPDATE (`… where warned_at is
 * null and warn_at <= now`): of two instances racing, PostgreSQL lets one update the row and re-evaluates the other's
 * condition after it commits (0 rows: it backs off); SQLite serialises the transactions. The event and the actions
 * commit with the claim, so a failed transaction leaves the row to the next poll. An action that fails (a field
 * policy, say) is rolled back alone (a savepoint) and logged: the event still stands and is not raised again.
 * The record row is locked before the SLA row — the order a record write takes them in — so the two never deadlock.
 *
 * Rows no longer open: a warning point reached before the SLA stopped is marked without an event (the work is done);
 * a breach is recorded and its event written (it happened; reports count it) but its actions do not run. Cancelled
 * SLAs raise nothing.
 */
import type { Knex } from 'knex';
import type { Formwork } from '../../context.js';
import { isFormworkError } from '../../errors.js';
import { observePoll, SYSTEM_JOB_NAMES } from '../../jobs/system-runs.js';
import type { RecordData } from '../../records/types.js';
import { writeEvent } from '../../rules/events.js';
import { runSlaActions } from './actions.js';
import { slaDefinition } from './definitions.js';
import { fromRow, viewOf } from './sla-store.js';
import { isOpen } from './sla-timer.js';

export interface SlaCheckResult {
  /** Warnings and breaches this run raised (claimed). */
  warnings: number;
  breaches: number;
  /** Raised, but their actions failed (logged). */
  failedActions: number;
}

export interface SlaCheckOptions {
  /** Rows read per query (default 200). */
  batch?: number;
  /** Adds up the rows this run looked at and those that failed (logged, tried again next run), when given. */
  tally?: { examined: number; failed: number };
}

type Kind = 'warning' | 'breach';

const COLUMN = { warning: { at: 'warn_at', flag: 'warned_at' }, breach: { at: 'due_at', flag: 'breached_at' } } as const;

function candidates(knex: Knex, kind: Kind, now: string, batch: number, skip: string[]) {
  const { at, flag } = COLUMN[kind];
  const q = knex('sys_sla').whereNull(flag).whereNotNull(at).where(at, '<=', now).whereNot('state', 'cancelled');
  if (skip.length) q.whereNotIn('id', skip);
  return q.orderBy([{ column: at }, { column: 'id' }]).limit(batch).pluck('id') as Promise<string[]>;
}

/**
 * Raise every warning and breach due at `now` (default: the engine's clock). Safe to run concurrently with itself
 * and with record writes; each warning and breach is raised once in all.
 */
export async function runSlaCheck(fw: Formwork, now: Date = fw.clock.now(), options: SlaCheckOptions = {}): Promise<SlaCheckResult> {
  const batch = options.batch ?? 200;
  const result: SlaCheckResult = { warnings: 0, breaches: 0, failedActions: 0 };
  const at = now.toISOString();
  for (const kind of ['warning', 'breach'] as const) {
    // Ids handled (or found failing) in this run are not read again, so a row that keeps failing cannot spin it.
    const done: string[] = [];
    for (;;) {
      const ids = await candidates(fw.db.knex, kind, at, batch, done);
      for (const id of ids) {
        done.push(id);
        if (options.tally) options.tally.examined++;
        try {
          const outcome = await raise(fw, kind, id, now);
          if (outcome.raised) result[kind === 'warning' ? 'warnings' : 'breaches']++;
          if (outcome.failedAction) result.failedActions++;
        } catch (e) {
          if (options.tally) options.tally.failed++;
          fw.log.error('sla check failed for a row; the next run tries it again', { sla: id, kind, error: (e as Error)?.message ?? String(e) });
        }
      }
      if (ids.length < batch) break;
    }
  }
  return result;
}

async function raise(fw: Formwork, kind: Kind, id: string, now: Date): Promise<{ raised: boolean; failedAction: boolean }> {
  const registry = fw.registry.current;
  const at = now.toISOString();
  return fw.db.knex.transaction(async (trx) => {
    const found = await trx('sys_sla').where({ id }).first();
    if (!found) return { raised: false, failedAction: false };
    const table = registry.tables.get(found.table_name as string);
    if (table) await fw.db.dialect.lockRows(trx, table.physical, [found.record_id as string]);

    const { at: column, flag } = COLUMN[kind];
    const claim: Record<string, unknown> = { [flag]: at, version: trx.raw('version + 1'), updated_at: at };
    if (kind === 'breach') claim.state = trx.raw("case when state = 'active' then 'breached' else state end");
    const n = await trx('sys_sla').where({ id }).whereNull(flag).whereNotNull(column).where(column, '<=', at).whereNot('state', 'cancelled').update(claim);
    if (n !== 1) return { raised: false, failedAction: false };

    const row = fromRow(await trx('sys_sla').where({ id }).first());
    const open = isOpen(row.timer.state);
    if (kind === 'warning' && !open) return { raised: true, failedAction: false };
    const view = viewOf(registry, row, now);
    const def = slaDefinition(registry, row.sla);
    let record: RecordData | null = null;
    if (table) {
      try {
        record = await fw.records.readOne(table.name, row.recordId, { actor: fw.systemActor, trx });
      } catch (e) {
        if (!isFormworkError(e) || e.code !== 'not_found') throw e;
      }
    }
    await writeEvent(trx, {
      name: `sla.${kind}`, table: row.tableName, recordId: row.recordId,
      payload: {
        sla: row.sla, label: view.label, slaId: row.id, state: view.state, schedule: view.schedule,
        number: (record?.number as string | undefined) ?? null, startedAt: view.startedAt, warnAt: view.warnAt, dueAt: view.dueAt,
        durationMs: view.durationMs, elapsedMs: view.elapsedMs, remainingMs: view.remainingMs, percent: view.percent,
      },
      actorId: null, actorName: `sla:${row.sla}`, source: `sla:${row.sla}`, at,
    });
    const actions = (kind === 'warning' ? def?.onWarning : def?.onBreach) ?? [];
    if (!open || !record || !def || !actions.length) return { raised: true, failedAction: false };
    try {
      await trx.transaction((sp) => runSlaActions(fw, sp, def, actions, record, view, now));
      return { raised: true, failedAction: false };
    } catch (e) {
      fw.log.error(`sla ${kind} actions failed; the ${kind} stands and is not raised again`, {
        sla: row.sla, slaId: row.id, table: row.tableName, recordId: row.recordId, error: (e as Error)?.message ?? String(e),
      });
      return { raised: true, failedAction: true };
    }
  });
}

/** Default checker poll: once a minute. */
export const DEFAULT_SLA_POLL_MS = 60_000;

/** The poll interval from SLA_CHECK_POLL_MS (milliseconds; 0 turns the poller off), else once a minute. */
export function slaPollMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.SLA_CHECK_POLL_MS;
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : DEFAULT_SLA_POLL_MS;
}

export interface SlaChecker {
  /** Stop polling; resolves once a check in progress has finished. */
  stop(): Promise<void>;
}

/**
 * Run {@link runSlaCheck} every `pollMs` (first after one interval; never two at once in this process; a failing run
 * is logged and the next one tries again). `pollMs` 0 starts nothing. Until the jobs issue moves it onto the
 * scheduler, every instance polls; the claims keep that safe.
 */
export function startSlaChecker(fw: Formwork, pollMs: number = DEFAULT_SLA_POLL_MS): SlaChecker {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    const tally = { examined: 0, failed: 0 };
    running = observePoll(fw, SYSTEM_JOB_NAMES.slaChecks, () => runSlaCheck(fw, fw.clock.now(), { tally }), (r) => ({
      examined: tally.examined, changed: r.warnings + r.breaches, failed: tally.failed + r.failedActions,
    }))
      .catch((e) => fw.log.error('sla check failed', { error: (e as Error)?.message ?? String(e) }))
      .finally(() => {
        if (!stopped) { timer = setTimeout(tick, pollMs); timer.unref?.(); }
      });
  };
  if (pollMs > 0) { timer = setTimeout(tick, pollMs); timer.unref?.(); }
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
