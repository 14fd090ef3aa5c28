import { expect } from 'chai';
import { INACTIVITY_JOBS } from '../../../../platform/access/inactivity/index.js';
import { WARN_NONE } from '../../../../platform/access/inactivity/due.js';
import { noteActivity } from '../../../../platform/access/identity/index.js';
import type { TestUser } from '../../../support/auth.js';
import { DAY, inactivityWorld, inAppBy, jobContext, person, type InactivityWorld } from './support.js';

const warnings = INACTIVITY_JOBS.find((j) => j.name === 'inactivity_warnings')!;

describe('inactivity warnings: when each is due', function () {
  this.timeout(60_000);
  let w: InactivityWorld;

  before(async () => { w = await inactivityWorld(); });
  after(async () => { await w?.close(); });

  interface State { last_active_at: string; inactivity_warned_days: number | null; inactivity_warn_at: string | null }
  const stateOf = async (u: TestUser): Promise<State> => w.fw.db.knex('sys_user').where({ id: u.user.id })
    .first('last_active_at', 'inactivity_warned_days', 'inactivity_warn_at');
  /** `days` days after the person's last activity, as stored. */
  const daysOn = async (u: TestUser, days: number) => new Date(Date.parse((await stateOf(u)).last_active_at) + days * DAY).toISOString();
  const warnedOf = async (u: TestUser) => (await inAppBy(w, 'inactivity_warning'))[u.username] ?? [];

  it('works out the next warning for each person, moves it on when one is sent, and none after the last', async () => {
    const quiet = await person(w, 'quiet', 'DUA', 10);
    const near = await person(w, 'near', 'DUA', 80);
    const last = await person(w, 'last', 'DUA', 88);
    const ctx = jobContext(w);
    await warnings.run(ctx);
    expect(ctx.counts).to.deep.equal({ examined: 2, changed: 2, failed: 0 });
    // 90 days with warnings 14 and 3 days before: the first is due on day 76, the second on day 87.
    expect((await stateOf(quiet)).inactivity_warn_at).to.equal(await daysOn(quiet, 76));
    expect(await stateOf(near)).to.deep.include({ inactivity_warned_days: 14, inactivity_warn_at: await daysOn(near, 87) });
    expect(await stateOf(last)).to.deep.include({ inactivity_warned_days: 3, inactivity_warn_at: WARN_NONE });
  });

  it('activity starts a fresh spell whose first warning is the person\'s group\'s, read in the same write', async () => {
    const u = await person(w, 'returns', 'DUA', 80);
    await warnings.run(jobContext(w));
    expect((await stateOf(u)).inactivity_warned_days).to.equal(14);
    w.clock.advance(DAY);
    expect(await noteActivity(w.fw, u.user.id, (await stateOf(u)).last_active_at)).to.equal(true);
    // The run above worked the default group out (90 days, warnings 14 and 3 days before): day 76.
    expect(await stateOf(u)).to.deep.equal({
      last_active_at: w.clock.now().toISOString(), inactivity_warned_days: null, inactivity_warn_at: await daysOn(u, 76),
    });
    // So no run reads the person until then.
    w.clock.advance(3 * DAY);
    const ctx = jobContext(w);
    await warnings.run(ctx);
    expect(ctx.counts).to.deep.equal({ examined: 0, changed: 0, failed: 0 });
    expect((await stateOf(u)).inactivity_warn_at).to.equal(await daysOn(u, 76));
    w.clock.advance(-4 * DAY);
  });

  it('activity before any run worked the groups out is a day ahead; the first run works out the real time', async () => {
    const fresh = await inactivityWorld();
    try {
      const u = await person(fresh, 'early', 'DUA', 10);
      const state = async () => fresh.fw.db.knex('sys_user').where({ id: u.user.id }).first('last_active_at', 'inactivity_warn_at');
      fresh.clock.advance(DAY);
      expect(await noteActivity(fresh.fw, u.user.id, (await state()).last_active_at)).to.equal(true);
      const active = (await state()).last_active_at as string;
      expect((await state()).inactivity_warn_at).to.equal(new Date(Date.parse(active) + DAY).toISOString());
      fresh.clock.advance(2 * DAY);
      const ctx = jobContext(fresh);
      await warnings.run(ctx);
      // Worked out with its group, set-based, before the run reads anyone: nobody is due, so nobody is read.
      expect(ctx.counts).to.deep.equal({ examined: 0, changed: 0, failed: 0 });
      expect((await state()).inactivity_warn_at).to.equal(new Date(Date.parse(active) + 76 * DAY).toISOString());
    } finally {
      await fresh.close();
    }
  });

  it('a change of the job\'s warnings moves everyone\'s next warning, and people now due are warned in the same run', async () => {
    const u = await person(w, 'moved', 'DUB', 65);
    await warnings.run(jobContext(w));
    expect((await stateOf(u)).inactivity_warn_at).to.equal(await daysOn(u, 76));
    const ctx = jobContext(w, { warningDays: [30, 3] });
    await warnings.run(ctx);
    expect(await warnedOf(u)).to.deep.equal(['Your account will be disabled in 25 days']);
    expect(await stateOf(u)).to.deep.include({ inactivity_warned_days: 30, inactivity_warn_at: await daysOn(u, 87) });
    // Back to the defaults: the 14-day warning is still to come for this spell.
    await warnings.run(jobContext(w));
    expect(await stateOf(u)).to.deep.include({ inactivity_warned_days: 30, inactivity_warn_at: await daysOn(u, 76) });
  });

  it('an organisation gaining or losing its own settings moves the next warning of its people', async () => {
    const u = await person(w, 'orgset', 'DUC', 20);
    await warnings.run(jobContext(w));
    expect((await stateOf(u)).inactivity_warn_at).to.equal(await daysOn(u, 76));
    const orgId = u.user.org_id;
    await w.fw.db.knex('sys_inactivity_setting').insert({
      org_id: orgId, settings: JSON.stringify({ periodDays: 30 }), updated_at: w.clock.now().toISOString(), updated_by: 'test',
    });
    const ctx = jobContext(w);
    await warnings.run(ctx);
    // 30 days with warnings 14 and 3 days before: the first came on day 16.
    expect(await warnedOf(u)).to.deep.equal(['Your account will be disabled in 10 days']);
    expect(await stateOf(u)).to.deep.include({ inactivity_warned_days: 14, inactivity_warn_at: await daysOn(u, 27) });
    // Activity in that organisation starts a spell whose first warning is its own (day 16), not everyone's (day 76).
    const colleague = await person(w, 'orgset_colleague', 'DUC', 5);
    expect(await noteActivity(w.fw, colleague.user.id, (await stateOf(colleague)).last_active_at)).to.equal(true);
    expect((await stateOf(colleague)).inactivity_warn_at).to.equal(await daysOn(colleague, 16));
    await w.fw.db.knex('sys_inactivity_setting').where({ org_id: orgId }).delete();
    await warnings.run(jobContext(w));
    // The default 90 days again: the 14-day warning was sent in this spell, the 3-day one comes on day 87.
    expect(await stateOf(u)).to.deep.include({ inactivity_warned_days: 14, inactivity_warn_at: await daysOn(u, 87) });
    expect(await warnedOf(u)).to.have.length(1);
  });
});
