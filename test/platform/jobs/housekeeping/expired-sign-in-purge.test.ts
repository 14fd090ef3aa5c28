import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { IDENTITY_EXPIRY_JOBS } from '../../../../platform/access/identity/expiry-job.js';
import { createUser, type TestUser } from '../../../support/auth.js';
import { DAY, housekeepingWorld, jobContext, lastProgress, type HousekeepingWorld } from './support.js';

const job = IDENTITY_EXPIRY_JOBS.find((j) => j.name === 'expired_sign_in_purge')!;
const MINUTE = 60_000;
const hex = (n: number) => randomBytes(n).toString('hex');

describe('housekeeping: ended sessions and one-time codes', function () {
  this.timeout(60_000);
  let w: HousekeepingWorld;
  let u: TestUser;
  let idle: number;

  before(async () => {
    w = await housekeepingWorld();
    u = await createUser(w.fw);
    idle = w.fw.config.sessionIdleMinutes * MINUTE;
  });
  after(async () => { await w.fw.dispose(); });
  beforeEach(async () => {
    for (const t of ['sys_session', 'sys_email_otp', 'sys_password_reset', 'sys_rate_limit']) await w.fw.db.knex(t).delete();
  });

  /** A session last seen `seenAgo` ms ago, ending (absolutely) `expiresAgo` ms ago (negative: in the future). */
  async function session(seenAgo: number, expiresAgo: number, revokedAgo: number | null = null): Promise<string> {
    const id = hex(32);
    await w.fw.db.knex('sys_session').insert({
      id, user_id: u.user.id, stage: 'active', csrf_token: hex(32), created_at: w.ago(30 * DAY), authenticated_at: w.ago(30 * DAY),
      last_seen_at: w.ago(seenAgo), expires_at: w.ago(expiresAgo), revoked_at: revokedAgo === null ? null : w.ago(revokedAgo),
      revoked_reason: revokedAgo === null ? null : 'signed_out',
    });
    return id;
  }
  async function code(expiresAgo: number): Promise<string> {
    const id = uuidv7();
    await w.fw.db.knex('sys_email_otp').insert({
      id, user_id: u.user.id, code_hash: hex(32), created_at: w.ago(expiresAgo + 10 * MINUTE), expires_at: w.ago(expiresAgo), attempts: 0,
    });
    return id;
  }
  async function link(expiresAgo: number, usedAgo: number | null = null): Promise<string> {
    const id = uuidv7();
    await w.fw.db.knex('sys_password_reset').insert({
      id, user_id: u.user.id, token_hash: hex(32), created_at: w.ago(20 * DAY), created_by: null, expires_at: w.ago(expiresAgo),
      used_at: usedAgo === null ? null : w.ago(usedAgo),
    });
    return id;
  }
  async function window(key: string, startedAgo: number): Promise<void> {
    await w.fw.db.knex('sys_rate_limit').insert({ key, window_start: w.ago(startedAgo), count: 3 });
  }
  const ids = (table: string) => w.fw.db.knex(table).pluck('id');

  it('removes what has been over for more than 7 days and keeps what is live or ended since', async () => {
    await session(9 * DAY, -DAY, 8 * DAY);
    const signedOut6 = await session(7 * DAY, -DAY, 6 * DAY);
    await session(8 * DAY, 8 * DAY);
    await session(7 * DAY + idle + MINUTE, -DAY);
    const idleRecently = await session(7 * DAY + idle - MINUTE, -DAY);
    const live = await session(MINUTE, -DAY);
    await code(8 * DAY);
    const code6 = await code(6 * DAY);
    const codeLive = await code(-5 * MINUTE);
    await link(8 * DAY);
    await link(-3 * DAY, 8 * DAY);
    const linkUsedRecently = await link(-3 * DAY, 2 * DAY);
    const linkLive = await link(-3 * DAY);
    await window('sign_in:old', 8 * DAY);
    await window('sign_in:now', 5 * MINUTE);

    const ctx = jobContext(w, job);
    await job.run(ctx);

    expect(await ids('sys_session')).to.have.members([signedOut6, idleRecently, live]);
    expect(await ids('sys_email_otp')).to.have.members([code6, codeLive]);
    expect(await ids('sys_password_reset')).to.have.members([linkUsedRecently, linkLive]);
    expect(await w.fw.db.knex('sys_rate_limit').pluck('key')).to.deep.equal(['sign_in:now']);
    expect(ctx.counts).to.deep.equal({ examined: 7, changed: 7, failed: 0 });
    expect(ctx.progressSeen[0]).to.deep.equal({ done: 0, total: 7 });
    expect(lastProgress(ctx)).to.deep.equal({ done: 7, total: 7 });
  });

  it('takes the period from its parameter', async () => {
    await session(3 * DAY, 3 * DAY);
    const expired1 = await session(DAY, DAY);
    const ctx = jobContext(w, job, { keepDays: 2 });
    await job.run(ctx);
    expect(await ids('sys_session')).to.deep.equal([expired1]);
    expect(ctx.counts).to.deep.equal({ examined: 1, changed: 1, failed: 0 });
  });

  it('deletes in batches and stops between them when cancelled', async () => {
    for (let i = 0; i < 5; i += 1) await code(10 * DAY);
    for (let i = 0; i < 3; i += 1) await window(`k${i}`, 10 * DAY);

    const ctx = jobContext(w, job, { batchSize: 2 }, 2);
    await job.run(ctx);
    expect(ctx.counts).to.deep.equal({ examined: 4, changed: 4, failed: 0 });
    expect(lastProgress(ctx)).to.deep.equal({ done: 4, total: 8 });
    expect(await ids('sys_email_otp')).to.have.length(1);
    expect(await w.fw.db.knex('sys_rate_limit').pluck('key')).to.have.length(3);

    const next = jobContext(w, job, { batchSize: 2 });
    await job.run(next);
    expect(next.counts).to.deep.equal({ examined: 4, changed: 4, failed: 0 });
    expect(await ids('sys_email_otp')).to.deep.equal([]);
    expect(await w.fw.db.knex('sys_rate_limit').pluck('key')).to.deep.equal([]);
  });
});
