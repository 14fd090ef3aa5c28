/**
 * The purge of closed attachments, a platform job (run by platform/jobs with a JobContext): an attachment removed
 * from its record, or closed because its record was deleted (attachmentRecordHook), keeps its content for a
 * retention period — so a mistaken deletion can still be looked into — and is then removed for good, content first
 * and its `sys_attachment` row after, so a failure never leaves content that no row names.
 *
 * Rows are found set-based, a page at a time in id order (keyset: a row that failed stays behind and is not read
 * again this run), and each page is removed together: the database store's chunks and the rows in one statement
 * each and one transaction; the files store's files one by one (a directory has no set-based delete), then the rows
 * of the files that went.
 */
import type { Knex } from 'knex';
import type { Formwork } from '../context.js';
import { BATCH_SIZE_PARAMETER, DEFAULT_BATCH_SIZE, daysBefore, numberParameter } from '../jobs/batches.js';
import type { JobContext, PlatformJob } from '../jobs/types.js';
import { DirectoryStore } from './directory-store.js';
import type { StoreName } from './types.js';

/** Days a removed attachment's content is kept unless the job's parameter says otherwise. */
export const DEFAULT_RETENTION_DAYS = 30;
const BLOB_TABLE = 'sys_attachment_blob';

/** An attachment whose content and row are to go. */
export interface RemovableAttachment { id: string; store: StoreName; store_key: string }

/** A page's outcome: rows removed with their content, and rows kept because their content could not be removed. */
export interface RemovalOutcome { removed: number; failed: number }

/**
 * Remove the content of `rows`, then the rows whose content went (still matching `guard`, which the caller's
 * selection also applied). Errors removing content are logged and counted as failed; the row stays for the next run.
 */
export async function removeAttachments(
  fw: Formwork, rows: RemovableAttachment[], guard: (q: Knex.QueryBuilder) => Knex.QueryBuilder,
): Promise<RemovalOutcome> {
  let removed = 0;
  let failed = 0;
  const inDatabase = rows.filter((r) => r.store === 'database');
  if (inDatabase.length) {
    try {
      removed += await fw.db.knex.transaction(async (trx) => {
        await trx(BLOB_TABLE).whereIn('blob_id', inDatabase.map((r) => r.store_key)).delete();
        return Number(await guard(trx('sys_attachment').whereIn('id', inDatabase.map((r) => r.id))).delete());
      });
    } catch (e) {
      failed += inDatabase.length;
      fw.log.warn('attachment purge: a batch of stored content could not be removed; the next run tries again', { error: messageOf(e) });
    }
  }
  const inFiles = rows.filter((r) => r.store === 'files');
  if (inFiles.length) {
    const store = new DirectoryStore(fw.config.filesDir);
    const gone: string[] = [];
    for (const r of inFiles) {
      try {
        await store.delete(r.store_key);
        gone.push(r.id);
      } catch (e) {
        failed += 1;
        fw.log.warn('attachment purge: a file could not be removed; the next run tries again', { attachment: r.id, error: messageOf(e) });
      }
    }
    if (gone.length) removed += Number(await guard(fw.db.knex('sys_attachment').whereIn('id', gone)).delete());
  }
  return { removed, failed };
}

/**
 * Remove every attachment `where` selects, a page at a time, counting and reporting progress on `ctx`; stops
 * between pages once the run is cancelled.
 */
export async function purgeAttachments(
  ctx: JobContext, where: (q: Knex.QueryBuilder) => Knex.QueryBuilder, batchSize: number,
): Promise<void> {
  const knex = ctx.fw.db.knex;
  const counted = await where(knex('sys_attachment')).count({ n: '*' }).first();
  const total = Number(counted?.n ?? 0);
  ctx.progress(0, total);
  let after = '';
  let done = 0;
  while (!ctx.signal.aborted) {
    const page: RemovableAttachment[] = await where(knex('sys_attachment')).where('id', '>', after)
      .orderBy('id').limit(batchSize).select('id', 'store', 'store_key');
    if (!page.length) break;
    after = page[page.length - 1]!.id;
    ctx.count({ examined: page.length });
    const outcome = await removeAttachments(ctx.fw, page, where);
    ctx.count({ changed: outcome.removed, failed: outcome.failed });
    done += page.length;
    ctx.progress(done, Math.max(total, done));
    if (page.length < batchSize) break;
  }
}

async function runPurge(ctx: JobContext): Promise<void> {
  const cutoff = daysBefore(ctx, numberParameter(ctx.parameters.retentionDays, DEFAULT_RETENTION_DAYS));
  await purgeAttachments(ctx, (q) => q.whereNotNull('deleted_at').where('deleted_at', '<', cutoff), numberParameter(ctx.parameters.batchSize, DEFAULT_BATCH_SIZE));
}

const messageOf = (e: unknown) => (e as Error)?.message ?? String(e);

/** The attachment purge, for the job runner. */
export const ATTACHMENT_JOBS: PlatformJob[] = [
  {
    name: 'attachment_purge',
    label: 'Purge of removed attachments',
    description: 'Removes for good the files of attachments that were removed from their record, or whose record was deleted, '
      + 'once they have been kept for the retention period.',
    parameters: {
      retentionDays: {
        type: 'integer', label: 'Keep removed files for (days)', min: 0, max: 3650, default: DEFAULT_RETENTION_DAYS,
        help: 'A removed attachment\'s file is kept this many days before it is removed for good.',
      },
      batchSize: BATCH_SIZE_PARAMETER,
    },
    run: runPurge,
  },
];
