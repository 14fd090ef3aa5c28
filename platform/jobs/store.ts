/**
 * The job runner's rows (migrations/20261207_014_jobs.ts): runs in sys_job_run, administrators' overrides in
 * sys_job_override. Claims are plain INSERTs and conditional UPDATEs, so the database decides which instance wins.
 */
import type { Knex } from 'knex';
import type { JobPatch, JobRunView, RunCounts, RunStatus, RunTrigger } from './types.js';

/** A run row as read. */
export interface RunRow {
  id: string;
  job: string;
  fire_at: string | null;
  trigger: RunTrigger;
  attempt: number;
  status: RunStatus;
  started_at: string;
  finished_at: string | null;
  heartbeat_at: string;
  lease_until: string;
  instance: string;
  examined: number;
  changed: number;
  failed: number;
  progress_done: number | null;
  progress_total: number | null;
  error: string | null;
  started_by_id: string | null;
  started_by_name: string | null;
  cancel_requested: boolean | number;
  retry_at: string | null;
}

/** An administrator's overrides of one job. */
export interface JobOverride {
  job: string;
  schedule: string | null;
  timeZone: string | null;
  enabled: boolean | null;
  parameters: Record<string, unknown> | null;
  updatedBy: string | null;
  updatedAt: string;
}

/** Whether a database error is a unique violation (SQLite or PostgreSQL). */
export function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return err?.code === '23505' || err?.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(err?.message ?? '');
}

/** A run as the API shows it. */
export function runView(r: RunRow, jobLabel: string): JobRunView {
  const running = r.status === 'running';
  return {
    id: r.id, job: r.job, jobLabel, fireAt: r.fire_at, trigger: r.trigger, attempt: Number(r.attempt), status: r.status,
    startedAt: r.started_at, finishedAt: r.finished_at,
    durationMs: r.finished_at ? Date.parse(r.finished_at) - Date.parse(r.started_at) : null,
    counts: { examined: Number(r.examined), changed: Number(r.changed), failed: Number(r.failed) },
    progress: running ? { done: Number(r.progress_done ?? 0), total: r.progress_total === null ? null : Number(r.progress_total) } : null,
    error: r.error, startedBy: r.started_by_name,
  };
}

export interface NewRun {
  id: string;
  job: string;
  fireAt: string | null;
  trigger: RunTrigger;
  attempt: number;
  at: string;
  leaseUntil: string;
  instance: string;
  startedBy?: { id: string | null; name: string } | null;
}

/** Insert a running run; a unique violation (the fire is claimed, or the job is running) propagates. */
export async function insertRun(knex: Knex | Knex.Transaction, run: NewRun): Promise<void> {
  await knex('sys_job_run').insert({
    id: run.id, job: run.job, fire_at: run.fireAt, trigger: run.trigger, attempt: run.attempt, status: 'running',
    started_at: run.at, heartbeat_at: run.at, lease_until: run.leaseUntil, instance: run.instance,
    examined: 0, changed: 0, failed: 0, progress_done: 0, progress_total: null, error: null,
    started_by_id: run.startedBy?.id ?? null, started_by_name: run.startedBy?.name ?? null, cancel_requested: false, retry_at: null,
  });
}

export async function readRun(knex: Knex | Knex.Transaction, id: string): Promise<RunRow | undefined> {
  return knex('sys_job_run').where({ id }).first();
}

/** Running runs, and failed ones whose retry is due, of every job (one query per poll). */
export async function activeRuns(knex: Knex, now: string): Promise<RunRow[]> {
  return knex('sys_job_run').where('status', 'running').orWhere('retry_at', '<=', now);
}

/** Keep a run's lease and write its counts; whether the row is still running and whether cancel was asked. */
export async function heartbeat(
  knex: Knex, id: string, at: string, leaseUntil: string, counts: RunCounts, progress: { done: number; total: number | null },
): Promise<{ running: boolean; cancelRequested: boolean }> {
  const n = await knex('sys_job_run').where({ id, status: 'running' }).update({
    heartbeat_at: at, lease_until: leaseUntil, ...counts, progress_done: progress.done, progress_total: progress.total,
  });
  if (!n) return { running: false, cancelRequested: false };
  const row = await knex('sys_job_run').where({ id }).first('cancel_requested');
  return { running: true, cancelRequested: Boolean(row?.cancel_requested) };
}

/** Write a running run's counts and progress as they stand (live progress between heartbeats); one UPDATE. */
export async function writeProgress(
  knex: Knex, id: string, counts: RunCounts, progress: { done: number; total: number | null },
): Promise<void> {
  await knex('sys_job_run').where({ id, status: 'running' }).update({ ...counts, progress_done: progress.done, progress_total: progress.total });
}

/** Finish a running run (only if it is still running); whether this call finished it. */
export async function finishRun(
  knex: Knex, id: string, status: Exclude<RunStatus, 'running'>, at: string, counts: RunCounts, error: string | null, retryAt: string | null,
  extra: { whereLeaseBefore?: string } = {},
): Promise<boolean> {
  const q = knex('sys_job_run').where({ id, status: 'running' });
  if (extra.whereLeaseBefore) q.where('lease_until', '<', extra.whereLeaseBefore);
  const n = await q.update({
    status, finished_at: at, ...counts, error: error === null ? null : error.slice(0, 4000), retry_at: retryAt,
  });
  return n === 1;
}

/** Claim a due retry of a failed run (clears its retry_at); whether this call claimed it. */
export async function claimRetry(trx: Knex.Transaction, id: string): Promise<boolean> {
  return (await trx('sys_job_run').where({ id }).whereNotNull('retry_at').update({ retry_at: null })) === 1;
}

export async function requestCancel(knex: Knex, id: string): Promise<boolean> {
  return (await knex('sys_job_run').where({ id, status: 'running' }).update({ cancel_requested: true })) === 1;
}

/** Runs of a job, newest first. */
export async function jobRuns(knex: Knex, job: string, limit: number, before?: string): Promise<RunRow[]> {
  const q = knex('sys_job_run').where({ job });
  if (before) q.where('started_at', '<', before);
  return q.orderBy([{ column: 'started_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(limit);
}

/** The last run of each job (for the list). */
export async function lastRuns(knex: Knex): Promise<Map<string, RunRow>> {
  const latest = knex('sys_job_run').select('job').max('started_at as started_at').groupBy('job').as('l');
  const rows: RunRow[] = await knex('sys_job_run as r')
    .join(latest, function on() { this.on('r.job', '=', 'l.job').andOn('r.started_at', '=', 'l.started_at'); })
    .select('r.*');
  const out = new Map<string, RunRow>();
  for (const r of rows) if (!out.has(r.job) || out.get(r.job)!.id < r.id) out.set(r.job, r);
  return out;
}

/** The latest scheduled fire claimed per job: where each instance starts counting fires from. */
export async function latestFires(knex: Knex): Promise<Map<string, string>> {
  const rows = await knex('sys_job_run').whereNotNull('fire_at').select('job').max('fire_at as fire_at').groupBy('job');
  return new Map(rows.map((r) => [String(r.job), String(r.fire_at)]));
}

function overrideOf(r: Record<string, unknown>): JobOverride {
  return {
    job: r.job as string, schedule: (r.schedule as string | null) ?? null, timeZone: (r.time_zone as string | null) ?? null,
    enabled: r.enabled === null || r.enabled === undefined ? null : Boolean(r.enabled),
    parameters: r.parameters ? JSON.parse(r.parameters as string) as Record<string, unknown> : null,
    updatedBy: (r.updated_by as string | null) ?? null, updatedAt: r.updated_at as string,
  };
}

export async function readOverrides(knex: Knex | Knex.Transaction): Promise<Map<string, JobOverride>> {
  const rows = await knex('sys_job_override').select();
  return new Map(rows.map((r: Record<string, unknown>) => [r.job as string, overrideOf(r)]));
}

/** Merge a patch into a job's overrides (members not in the patch stay as they were). */
export async function writeOverride(
  trx: Knex.Transaction, job: string, patch: JobPatch, by: string, at: string,
): Promise<JobOverride> {
  const current = await trx('sys_job_override').where({ job }).first();
  const row: Record<string, unknown> = {
    job, updated_by: by, updated_at: at,
    schedule: patch.schedule ?? current?.schedule ?? null,
    time_zone: patch.timeZone ?? current?.time_zone ?? null,
    enabled: patch.enabled ?? (current ? current.enabled : null),
    parameters: patch.parameters
      ? JSON.stringify({ ...(current?.parameters ? JSON.parse(current.parameters) : {}), ...patch.parameters })
      : current?.parameters ?? null,
  };
  if (current) await trx('sys_job_override').where({ job }).update(row);
  else await trx('sys_job_override').insert(row);
  return overrideOf(row);
}
