/**
 * The run history of the engine's own pollers (workflow timers, service-level checks, event dispatch, the mail
 * sender, the switch to definitions published in the studio), kept in sys_job_run beside the scheduled jobs' runs so
 * an administrator sees everything the server does in the background.
 *
 * A poll is recorded only when it did something (examined at least one item) or failed. Idle polls are not: a poller
 * polling every few seconds would otherwise write tens of thousands of rows a day per instance, and an idle poll would
 * cost a write instead of the read it costs now. When a poller last polled, idle or not, is kept in memory per engine
 * (and so per instance) for the list, at no cost to the database.
 *
 * A recorded poll is written once, finished (never as a running row), so the job runner's per-poll read of running
 * runs and due retries never sees it, and its fire time is null, so it never collides with a scheduled fire.
 */
import { v7 as uuidv7 } from 'uuid';
import type { Formwork } from '../context.js';
import type { RunCounts } from './types.js';

/** The names the engine's pollers are listed under (machine names; never names of definitions). */
export const SYSTEM_JOB_NAMES = {
  workflowTimers: 'system_workflow_timers',
  slaChecks: 'system_sla_checks',
  eventDispatch: 'system_event_dispatch',
  mailSender: 'system_mail_sender',
  studioVersions: 'system_studio_versions',
} as const;

export type SystemJobName = (typeof SYSTEM_JOB_NAMES)[keyof typeof SYSTEM_JOB_NAMES];

/** Every system job's name (the run-history retention deletes these runs only). */
export const SYSTEM_JOB_LIST: readonly SystemJobName[] = Object.values(SYSTEM_JOB_NAMES);

interface PollState {
  instance: string;
  lastPolledAt: Map<string, string>;
}

/** What recording needs of the engine; the engine object itself is the key, so a poller may hold a narrower view of it. */
type PollEngine = Pick<Formwork, 'db' | 'clock' | 'log'>;

const states = new WeakMap<PollEngine, PollState>();

/**
 * Record the pollers' runs of this engine under `instance` (the job runner's, so every run row of an instance names
 * it alike). Until this is called for an engine its polls run unrecorded.
 */
export function trackSystemRuns(fw: PollEngine, instance: string): void {
  states.set(fw, { instance, lastPolledAt: new Map() });
}

/** When this instance last polled each system job (ISO 8601), idle polls included; empty before the first poll. */
export function lastPolls(fw: PollEngine): ReadonlyMap<string, string> {
  return states.get(fw)?.lastPolledAt ?? new Map();
}

const message = (e: unknown) => (e as Error)?.message ?? String(e);

/**
 * Run one poll of a system job and resolve to what it returned (or reject as it did). Its start time is kept as the
 * job's last poll; a poll that examined something or threw is written as a finished run with `countsOf(result)`.
 * Writing the run never fails the poll: a refused write is logged.
 */
export async function observePoll<T>(
  fw: PollEngine, job: SystemJobName, poll: () => Promise<T>, countsOf: (result: T) => RunCounts,
): Promise<T> {
  const state = states.get(fw);
  if (!state) return poll();
  const startedAt = fw.clock.now().toISOString();
  state.lastPolledAt.set(job, startedAt);
  let result: T;
  try {
    result = await poll();
  } catch (e) {
    await writeRun(fw, state, job, startedAt, { examined: 0, changed: 0, failed: 1 }, message(e));
    throw e;
  }
  const counts = countsOf(result);
  if (counts.examined > 0 || counts.failed > 0) await writeRun(fw, state, job, startedAt, counts, null);
  return result;
}

async function writeRun(
  fw: PollEngine, state: PollState, job: string, startedAt: string, counts: RunCounts, error: string | null,
): Promise<void> {
  const at = fw.clock.now().toISOString();
  try {
    await fw.db.knex('sys_job_run').insert({
      id: uuidv7(), job, fire_at: null, trigger: 'schedule', attempt: 1, status: error === null ? 'succeeded' : 'failed',
      started_at: startedAt, finished_at: at, heartbeat_at: at, lease_until: at, instance: state.instance,
      examined: counts.examined, changed: counts.changed, failed: counts.failed, progress_done: null, progress_total: null,
      error: error === null ? null : error.slice(0, 4000), started_by_id: null, started_by_name: null, cancel_requested: false,
      retry_at: null,
    });
  } catch (e) {
    // The database closed under a last poll at shutdown, or is unreachable: the poll itself already happened.
    if ((fw.db.knex.client as { pool?: unknown }).pool) fw.log.warn('jobs: a background run could not be recorded', { job, error: message(e) });
  }
}
