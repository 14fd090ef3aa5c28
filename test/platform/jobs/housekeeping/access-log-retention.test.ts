import { expect } from 'chai';
import { v7 as uuidv7 } from 'uuid';
import { ACCESS_LOG_JOBS } from '../../../../platform/access/access-log-retention.js';
import type { JobRunView } from '../../../../platform/jobs/types.js';
import { waitFor } from '../../../support/wait.js';
import { DAY, housekeepingWorld, jobContext, lastProgress, type HousekeepingWorld } from './support.js';

const job = ACCESS_LOG_JOBS.find((j) => j.name === 'access_log_retention')!;

describe('housekeeping: access-log retention', function () {
  this.timeout(60_000);
  let w: HousekeepingWorld;
  const admin = { kind: 'user' as const, id: null, username: 'admin', roles: ['admin'], orgs: [] };

  before(async () => { w = await housekeepingWorld(); });
  after(async () => { await w.fw.dispose(); });
  beforeEach(async () => { await w.fw.db.knex('sys_access_log').delete(); });

  async function entry(daysAgo: number, event = 'sign_in'): Promise<string> {
    const id = uuidv7();
    await w.fw.db.knex('sys_access_log').insert({
      id, at: w.ago(daysAgo * DAY), user_id: null, username: 'someone', org_id: null, event, sign_in: event === 'sign_in',
      method: 'POST', url: '/api/auth/sign-in', status: 200, description: null, ip: '127.0.0.1',
    });
    return id;
  }
  const ids = () => w.fw.db.knex('sys_access_log').pluck('id');

  it('deletes entries older than 400 days and keeps the rest', async () => {
    await entry(401);
    await entry(500, 'api');
    const day399 = await entry(399);
    const today = await entry(0, 'page');

    const ctx = jobContext(w, job);
    await job.run(ctx);
    expect(await ids()).to.have.members([day399, today]);
    expect(ctx.counts).to.deep.equal({ examined: 2, changed: 2, failed: 0 });
    expect(ctx.progressSeen[0]).to.deep.equal({ done: 0, total: 2 });
    expect(lastProgress(ctx)).to.deep.equal({ done: 2, total: 2 });
  });

  it('takes the retention period from its parameter', async () => {
    await entry(31);
    const day29 = await entry(29);
    const ctx = jobContext(w, job, { retentionDays: 30 });
    await job.run(ctx);
    expect(await ids()).to.deep.equal([day29]);
    expect(ctx.counts).to.deep.equal({ examined: 1, changed: 1, failed: 0 });
  });

  it('deletes in batches and stops between them when cancelled', async () => {
    for (let i = 0; i < 5; i += 1) await entry(450 + i);
    const kept = await entry(10);
    const ctx = jobContext(w, job, { batchSize: 2 }, 1);
    await job.run(ctx);
    expect(ctx.counts).to.deep.equal({ examined: 2, changed: 2, failed: 0 });
    expect(lastProgress(ctx)).to.deep.equal({ done: 2, total: 5 });
    expect(await ids()).to.have.length(4).and.include(kept);
  });

  it('is scheduled by the core pack and runs on the runner with its default parameters', async () => {
    const view = await w.fw.jobs.get(admin, 'access_log_retention');
    expect(view).to.include({ type: 'platform', schedule: '0 4 * * *', enabled: true });
    expect(view.parameters.map((p) => [p.name, p.value])).to.deep.equal([['retentionDays', 400], ['batchSize', 500]]);
    for (const name of ['attachment_purge', 'staged_files_purge', 'expired_sign_in_purge']) {
      expect((await w.fw.jobs.get(admin, name)).type, name).to.equal('platform');
    }
    await entry(420);
    const kept = await entry(380);
    const started = await w.fw.jobs.runNow(admin, 'access_log_retention');
    const done = await waitFor(async () => {
      const r: JobRunView = await w.fw.jobs.run(admin, started.id);
      return r.status === 'running' ? null : r;
    }, { timeout: 10_000, message: 'the run did not finish' });
    expect(done.status).to.equal('succeeded');
    expect(done.counts).to.deep.equal({ examined: 1, changed: 1, failed: 0 });
    expect(await ids()).to.deep.equal([kept]);
  });
});
