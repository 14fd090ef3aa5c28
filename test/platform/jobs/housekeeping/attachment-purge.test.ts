import { expect } from 'chai';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { v7 as uuidv7 } from 'uuid';
import { DatabaseStore, DirectoryStore } from '../../../../platform/files/index.js';
import { ATTACHMENT_JOBS } from '../../../../platform/files/purge-job.js';
import { DAY, housekeepingWorld, jobContext, lastProgress, type HousekeepingWorld } from './support.js';

const purge = ATTACHMENT_JOBS.find((j) => j.name === 'attachment_purge')!;

describe('housekeeping: attachment purge', function () {
  this.timeout(60_000);
  let w: HousekeepingWorld;
  let database: DatabaseStore;
  let files: DirectoryStore;

  before(async () => {
    w = await housekeepingWorld();
    database = new DatabaseStore(w.fw.db.knex);
    files = new DirectoryStore(w.fw.config.filesDir);
  });
  after(async () => { await w.fw.dispose(); });

  /** An attachment of a record with real content in `store`, closed `closedDaysAgo` days ago (null: still open). */
  async function attachment(store: 'database' | 'files', closedDaysAgo: number | null, table = 'x_thing'): Promise<{ id: string; key: string }> {
    const content = await (store === 'database' ? database : files).put(Readable.from([Buffer.from(`content ${uuidv7()}`)]));
    const id = uuidv7();
    await w.fw.db.knex('sys_attachment').insert({
      id, table_name: table, record_id: uuidv7(), field: 'files', file_name: 'a.txt', content_type: 'text/plain', size: content.size,
      sha256: content.sha256, store, store_key: content.key, scan_status: 'unscanned', created_at: w.ago(60 * DAY),
      deleted_at: closedDaysAgo === null ? null : w.ago(closedDaysAgo * DAY), deleted_by: null,
    });
    return { id, key: content.key };
  }

  const rowExists = async (id: string) => Boolean(await w.fw.db.knex('sys_attachment').where({ id }).first('id'));
  const blobExists = async (key: string) => Boolean(await w.fw.db.knex('sys_attachment_blob').where({ blob_id: key }).first('seq'));
  const fileExists = (key: string) => existsSync(join(w.fw.config.filesDir, key.slice(0, 2), key));
  const clear = async () => { await w.fw.db.knex('sys_attachment').delete(); await w.fw.db.knex('sys_attachment_blob').delete(); };

  beforeEach(clear);

  it('removes the content and rows of attachments closed longer than 30 days, and keeps the rest', async () => {
    const oldDb = await attachment('database', 31);
    const oldFile = await attachment('files', 45);
    const stagedClosed = await attachment('database', 31, '@catalog');
    const recentDb = await attachment('database', 29);
    const recentFile = await attachment('files', 1);
    const open = await attachment('database', null);

    const ctx = jobContext(w, purge);
    await purge.run(ctx);

    for (const gone of [oldDb, oldFile, stagedClosed]) expect(await rowExists(gone.id), gone.id).to.equal(false);
    expect(await blobExists(oldDb.key)).to.equal(false);
    expect(await blobExists(stagedClosed.key)).to.equal(false);
    expect(fileExists(oldFile.key)).to.equal(false);
    for (const kept of [recentDb, recentFile, open]) expect(await rowExists(kept.id), kept.id).to.equal(true);
    expect(await blobExists(recentDb.key)).to.equal(true);
    expect(await blobExists(open.key)).to.equal(true);
    expect(fileExists(recentFile.key)).to.equal(true);
    expect(ctx.counts).to.deep.equal({ examined: 3, changed: 3, failed: 0 });
    expect(ctx.progressSeen[0]).to.deep.equal({ done: 0, total: 3 });
    expect(lastProgress(ctx)).to.deep.equal({ done: 3, total: 3 });
  });

  it('takes the retention period from its parameter', async () => {
    const tenDays = await attachment('database', 10);
    const fiveDays = await attachment('files', 5);
    const ctx = jobContext(w, purge, { retentionDays: 7 });
    await purge.run(ctx);
    expect(await rowExists(tenDays.id)).to.equal(false);
    expect(await rowExists(fiveDays.id)).to.equal(true);
    expect(ctx.counts).to.deep.equal({ examined: 1, changed: 1, failed: 0 });
  });

  it('keeps the row of a file it could not remove, counts it failed, and goes on with the others', async () => {
    const stuck = await attachment('files', 40);
    // A directory where the file should be: removing it as a file fails, as a file the server may not delete would.
    const path = join(w.fw.config.filesDir, stuck.key.slice(0, 2), stuck.key);
    await files.delete(stuck.key);
    mkdirSync(join(path, 'inside'), { recursive: true });
    const other = await attachment('files', 40);
    const inDb = await attachment('database', 40);

    const ctx = jobContext(w, purge);
    await purge.run(ctx);
    expect(await rowExists(stuck.id)).to.equal(true);
    expect(await rowExists(other.id)).to.equal(false);
    expect(await rowExists(inDb.id)).to.equal(false);
    expect(ctx.counts).to.deep.equal({ examined: 3, changed: 2, failed: 1 });
  });

  it('stops between batches when cancelled, and the next run finishes', async () => {
    const due = [];
    for (let i = 0; i < 5; i += 1) due.push(await attachment(i % 2 ? 'files' : 'database', 35));

    const ctx = jobContext(w, purge, { batchSize: 2 }, 1);
    await purge.run(ctx);
    expect(ctx.counts).to.deep.equal({ examined: 2, changed: 2, failed: 0 });
    expect(lastProgress(ctx)).to.deep.equal({ done: 2, total: 5 });
    const left = await w.fw.db.knex('sys_attachment').pluck('id');
    expect(left).to.have.members(due.slice(2).map((a) => a.id));

    const next = jobContext(w, purge, { batchSize: 2 });
    await purge.run(next);
    expect(next.counts).to.deep.equal({ examined: 3, changed: 3, failed: 0 });
    expect(await w.fw.db.knex('sys_attachment').pluck('id')).to.deep.equal([]);
  });
});
