/**
 * Access-log retention, a platform job (run by platform/jobs with a JobContext): entries of the access log
 * (identity/access-log.ts writes them; access-log-report.ts analyses them) older than the retention period are
 * deleted in batched set-based deletes (platform/jobs/batches.ts), stopping between batches when the run is cancelled.
 * The period is the job's parameter, so an administrator sets it on the job.
 */
import { BATCH_SIZE_PARAMETER, DEFAULT_BATCH_SIZE, daysBefore, deleteInBatches, numberParameter } from '../jobs/batches.js';
import type { JobContext, PlatformJob } from '../jobs/types.js';

/** Days the access log is kept unless the job's parameter says otherwise. */
export const DEFAULT_ACCESS_LOG_DAYS = 400;

async function runRetention(ctx: JobContext): Promise<void> {
  const cutoff = daysBefore(ctx, numberParameter(ctx.parameters.retentionDays, DEFAULT_ACCESS_LOG_DAYS));
  await deleteInBatches(ctx, [{ table: 'sys_access_log', key: 'id', where: (q) => q.where('at', '<', cutoff) }],
    numberParameter(ctx.parameters.batchSize, DEFAULT_BATCH_SIZE));
}

/** Access-log retention, for the job runner. */
export const ACCESS_LOG_JOBS: PlatformJob[] = [
  {
    name: 'access_log_retention',
    label: 'Access log retention',
    description: 'Deletes the entries of the access log (sign-ins, sign-outs, failures, pages and API calls) older than the '
      + 'retention period. Reports over the access log can only cover the period kept.',
    parameters: {
      retentionDays: {
        type: 'integer', label: 'Keep the access log for (days)', min: 1, max: 36_500, default: DEFAULT_ACCESS_LOG_DAYS,
        help: 'Entries older than this many days are deleted.',
      },
      batchSize: BATCH_SIZE_PARAMETER,
    },
    run: runRetention,
  },
];
