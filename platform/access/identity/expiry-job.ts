/**
 * The clean-up of what identity keeps only for a while, a platform job (run by platform/jobs with a JobContext):
 * sessions that ended (signed out, ended by an administrator or revocation, or past their absolute or idle time-out),
 * emailed sign-in codes, password links (used, replaced or expired) and spent rate-limit windows. None of them is of
 * use once ended — the access log keeps who signed in and out — so each goes once it has been over for the period.
 * API tokens are kept: a person's list of tokens shows the revoked and expired ones as their history.
 *
 * Each table is cleared by batched set-based deletes (platform/jobs/batches.ts), stopping between batches when the
 * run is cancelled.
 */
import { BATCH_SIZE_PARAMETER, DEFAULT_BATCH_SIZE, daysBefore, deleteInBatches, numberParameter, type DueRows } from '../../jobs/batches.js';
import type { JobContext, PlatformJob } from '../../jobs/types.js';

/** Days an ended session, code or link is kept unless the job's parameter says otherwise. */
export const DEFAULT_KEEP_DAYS = 7;

/**
 * What has been over since before `cutoff` (ISO), per table. A session idle since before `idleCutoff` (the cutoff
 * less the idle time-out) had ended by the cutoff too.
 */
export function endedIdentityRows(cutoff: string, idleCutoff: string): DueRows[] {
  return [
    {
      table: 'sys_session', key: 'id',
      where: (q) => q.where((w) => w.where('revoked_at', '<', cutoff).orWhere('expires_at', '<', cutoff).orWhere('last_seen_at', '<', idleCutoff)),
    },
    { table: 'sys_email_otp', key: 'id', where: (q) => q.where('expires_at', '<', cutoff) },
    { table: 'sys_password_reset', key: 'id', where: (q) => q.where((w) => w.where('expires_at', '<', cutoff).orWhere('used_at', '<', cutoff)) },
    { table: 'sys_rate_limit', key: ['key', 'window_start'], where: (q) => q.where('window_start', '<', cutoff) },
  ];
}

async function runExpiry(ctx: JobContext): Promise<void> {
  const cutoff = daysBefore(ctx, numberParameter(ctx.parameters.keepDays, DEFAULT_KEEP_DAYS));
  const idleCutoff = new Date(new Date(cutoff).getTime() - ctx.fw.config.sessionIdleMinutes * 60_000).toISOString();
  await deleteInBatches(ctx, endedIdentityRows(cutoff, idleCutoff), numberParameter(ctx.parameters.batchSize, DEFAULT_BATCH_SIZE));
}

/** The clean-up of ended sessions and one-time codes, for the job runner. */
export const IDENTITY_EXPIRY_JOBS: PlatformJob[] = [
  {
    name: 'expired_sign_in_purge',
    label: 'Removal of ended sessions and one-time codes',
    description: 'Removes sessions that ended (signed out, ended by an administrator or timed out), emailed sign-in codes and '
      + 'password links that were used or expired, and spent counters of repeated attempts, once they have been over for the '
      + 'period set. Sign-ins and sign-outs stay in the access log.',
    parameters: {
      keepDays: {
        type: 'integer', label: 'Keep for (days) after they end', min: 0, max: 3650, default: DEFAULT_KEEP_DAYS,
        help: 'An ended session, code or link is removed once it has been over this many days.',
      },
      batchSize: BATCH_SIZE_PARAMETER,
    },
    run: runExpiry,
  },
];
