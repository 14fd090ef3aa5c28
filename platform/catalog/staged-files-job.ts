/**
 * The removal of staged files that were never ordered, a platform job (run by platform/jobs with a JobContext).
 * A staged file belongs to no record, so unlike a removed attachment it needs no retention: once past its life
 * (STAGED_FILE_TTL_MS) it can no longer be ordered, and it goes for good — content and row — as does one its
 * uploader removed or that was closed on their next upload. A margin past either time keeps clear of an order
 * still in its transaction, which may move a file it checked a moment before.
 */
import type { Knex } from 'knex';
import { purgeAttachments } from '../files/purge-job.js';
import { BATCH_SIZE_PARAMETER, DEFAULT_BATCH_SIZE, numberParameter } from '../jobs/batches.js';
import type { JobContext, PlatformJob } from '../jobs/types.js';
import { STAGE_TABLE, STAGED_FILE_TTL_MS } from './staged-files.js';

/** How long past its life, or past its removal, a staged file is left alone (far longer than any order takes). */
export const STAGED_FILE_MARGIN_MS = 60 * 60 * 1000;

async function runStagedFiles(ctx: JobContext): Promise<void> {
  const now = ctx.now().getTime();
  const unordered = new Date(now - STAGED_FILE_TTL_MS - STAGED_FILE_MARGIN_MS).toISOString();
  const removed = new Date(now - STAGED_FILE_MARGIN_MS).toISOString();
  const where = (q: Knex.QueryBuilder) => q.where('table_name', STAGE_TABLE)
    .where((w) => w.where('created_at', '<', unordered).orWhere('deleted_at', '<', removed));
  await purgeAttachments(ctx, where, numberParameter(ctx.parameters.batchSize, DEFAULT_BATCH_SIZE));
}

/** The staged files' clean-up, for the job runner. */
export const STAGED_FILE_JOBS: PlatformJob[] = [
  {
    name: 'staged_files_purge',
    label: 'Removal of files never ordered',
    description: 'Removes the files people uploaded while ordering from the catalogue but never ordered: a day after they were '
      + 'uploaded they can no longer be ordered, and they are removed for good, as are those their uploader removed.',
    parameters: { batchSize: BATCH_SIZE_PARAMETER },
    run: runStagedFiles,
  },
];
