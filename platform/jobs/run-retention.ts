/**
 * Retention of the server's background run history, a platform job: runs of the engine's own pollers
 * (system-runs.ts) older than the retention period are deleted in batched set-based deletes, stopping between
 * batches when the run is cancelled. Runs of scheduled jobs from definitions are kept: there are few of them, and
 * they are the record of what a job changed.
 */
import { BATCH_SIZE_PARAMETER, DEFAULT_BATCH_SIZE, daysBefore, deleteInBatches, numberParameter } from './batches.js';
import { SYSTEM_JOB_LIST } from './system-runs.js';
import type { JobContext, PlatformJob } from './types.js';

/** Days the background runs are kept unless the job's parameter says otherwise. */
export const DEFAULT_SYSTEM_RUN_DAYS = 30;

async function runRetention(ctx: JobContext): Promise<void> {
  const cutoff = daysBefore(ctx, numberParameter(ctx.parameters.retentionDays, DEFAULT_SYSTEM_RUN_DAYS));
  await deleteInBatches(ctx, [{
    table: 'sys_job_run', key: 'id',
    // Finished runs only: a running row is never a poller's, and is never deleted under its runner.
    where: (q) => q.whereIn('job', [...SYSTEM_JOB_LIST]).whereNot('status', 'running').where('started_at', '<', cutoff),
  }], numberParameter(ctx.parameters.batchSize, DEFAULT_BATCH_SIZE));
}

/** The run-history retention, for the job runner. */
export const RUN_HISTORY_JOBS: PlatformJob[] = [
  {
    name: 'background_run_retention',
    label: 'Background run history retention',
    description: 'Deletes the history of the server\'s own background work (workflow timers, service-level checks, '
      + 'notifications and mail) older than the retention period. Scheduled jobs\' runs are kept.',
    parameters: {
      retentionDays: {
        type: 'integer', label: 'Keep background runs for (days)', min: 1, max: 3650, default: DEFAULT_SYSTEM_RUN_DAYS,
        help: 'Runs of the server\'s background work older than this many days are deleted.',
      },
      batchSize: BATCH_SIZE_PARAMETER,
    },
    run: runRetention,
  },
];
