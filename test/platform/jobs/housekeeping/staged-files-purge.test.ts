import { expect } from 'chai';
import { Readable } from 'node:stream';
import { v7 as uuidv7 } from 'uuid';
import { STAGE_TABLE } from '../../../../platform/catalog/index.js';
import { STAGED_FILE_JOBS } from '../../../../platform/catalog/staged-files-job.js';
import { DatabaseStore } from '../../../../platform/files/index.js';
import { DAY, HOUR, housekeepingWorld, NOW, jobContext, lastProgress, type HousekeepingWorld } from './support.js';

const job = STAGED_FILE_JOBS.find((j) => j.name === 'staged_files_purge')!;
const MINUTE = 60_000;

describe('housekeeping: files never ordered', function () {
  this.timeout(60_000);
  let w: HousekeepingWorld;
  let store: DatabaseStore;

  before(async () => {
    w = await housekeepingWorld({ fileStore: 'database' });
    store = new DatabaseStore(w.fw.db.knex);
  });
  after(async () => { await w.fw.dispose(); });
  beforeEach(async () => { await w.fw.db.knex('sys_attachment').delete(); await w.fw.db.knex('sys_attachment_blob').delete(); });

  /** A file staged `uploadedAgo` ms ago (and removed by its uploader `removedAgo` ms ago), with real content. */
  async function staged(uploadedAgo: number, removedAgo: number | null = null, table = STAGE_TABLE): Promise<{ id: string; key: string }> {
    const content = await store.put(Readable.from([Buffer.from(`staged ${uuidv7()}`)]));
    const id = uuidv7();
    await w.fw.db.knex('sys_attachment').insert({
      id, table_name: table, record_id: uuidv7(), field: 'an_item', file_name: 'form.pdf', content_type: 'application/pdf', size: content.size,
      sha256: content.sha256, store: 'database', store_key: content.key, scan_status: 'unscanned', created_at: w.ago(uploadedAgo),
      deleted_at: removedAgo === null ? null : w.ago(removedAgo), deleted_by: null,
    });
    return { id, key: content.key };
  }

  const ids = async () => w.fw.db.knex('sys_attachment').pluck('id');
  const blobKeys = async () => w.fw.db.knex('sys_attachment_blob').distinct('blob_id').pluck('blob_id');

  it('removes staged files over a day and an hour old and those removed over an hour ago; keeps the rest', async () => {
    await staged(DAY + HOUR + MINUTE);
    await staged(3 * HOUR, HOUR + MINUTE);
    const justPastLife = await staged(DAY + 30 * MINUTE);
    const fresh = await staged(2 * HOUR);
    const justRemoved = await staged(2 * HOUR, 30 * MINUTE);
    // Attached to a record: the attachment purge's business, whatever its age.
    const ofARecord = await staged(40 * DAY, 35 * DAY, 'x_thing');

    const ctx = jobContext(w, job);
    await job.run(ctx);

    expect(await ids()).to.have.members([justPastLife.id, fresh.id, justRemoved.id, ofARecord.id]);
    expect(await blobKeys()).to.have.members([justPastLife.key, fresh.key, justRemoved.key, ofARecord.key]);
    expect(ctx.counts).to.deep.equal({ examined: 2, changed: 2, failed: 0 });
    expect(lastProgress(ctx)).to.deep.equal({ done: 2, total: 2 });

    w.clock.advance(HOUR);
    const later = jobContext(w, job);
    await job.run(later);
    expect(await ids()).to.have.members([fresh.id, ofARecord.id]);
    expect(later.counts).to.deep.equal({ examined: 2, changed: 2, failed: 0 });
    w.clock.set(NOW);
  });

  it('stops between batches when cancelled', async () => {
    for (let i = 0; i < 3; i += 1) await staged(2 * DAY);
    const ctx = jobContext(w, job, { batchSize: 1 }, 2);
    await job.run(ctx);
    expect(ctx.counts).to.deep.equal({ examined: 2, changed: 2, failed: 0 });
    expect(await ids()).to.have.length(1);
    expect(lastProgress(ctx)).to.deep.equal({ done: 2, total: 3 });
  });
});
