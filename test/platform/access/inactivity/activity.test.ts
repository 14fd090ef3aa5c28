import { expect } from 'chai';
import { ACTIVITY_WRITE_INTERVAL_MS } from '../../../../platform/access/identity/index.js';
import { createToken, serve, signIn, type RunningServer } from '../../../support/auth.js';
import { inactivityWorld, person, type InactivityWorld } from './support.js';

describe('activity: sign-ins and authenticated requests reset the inactivity clock', function () {
  this.timeout(60_000);
  let w: InactivityWorld;
  let server: RunningServer;

  before(async () => {
    w = await inactivityWorld();
    server = await serve(w.fw);
  });
  after(async () => { await server?.close(); await w?.close(); });

  const stateOf = async (id: string) => w.fw.db.knex('sys_user').where({ id }).first('last_active_at', 'inactivity_warned_days', 'inactivity_revoked_at');

  it('a sign-in is activity and starts a fresh spell (no warning sent yet)', async () => {
    const u = await person(w, 'signer', 'ACT', 80);
    await w.fw.db.knex('sys_user').where({ id: u.user.id }).update({ inactivity_warned_days: 14 });
    await signIn(w.fw, server.url, u);
    expect(await stateOf(u.user.id)).to.deep.equal({
      last_active_at: w.clock.now().toISOString(), inactivity_warned_days: null, inactivity_revoked_at: null,
    });
  });

  it('requests with a session or a token write the time at most once per interval', async () => {
    const u = await person(w, 'busy', 'ACT', 80);
    const browser = await signIn(w.fw, server.url, u);
    const token = await createToken(w.fw, u.username);
    const byToken = () => fetch(`${server.url}/api/notifications`, { headers: { authorization: `Bearer ${token}` } });
    const signedInAt = w.clock.now().toISOString();

    w.clock.advance(ACTIVITY_WRITE_INTERVAL_MS - 1000);
    expect((await browser.get('/api/notifications')).status).to.equal(200);
    expect((await byToken()).status).to.equal(200);
    expect((await stateOf(u.user.id)).last_active_at).to.equal(signedInAt);

    w.clock.advance(1000);
    expect((await byToken()).status).to.equal(200);
    const tokenAt = w.clock.now().toISOString();
    expect((await stateOf(u.user.id)).last_active_at).to.equal(tokenAt);

    w.clock.advance(ACTIVITY_WRITE_INTERVAL_MS);
    expect((await browser.get('/api/notifications')).status).to.equal(200);
    expect((await stateOf(u.user.id)).last_active_at).to.equal(w.clock.now().toISOString());
  });

  it('polling the session for its idle time-out is not activity', async () => {
    const u = await person(w, 'idle', 'ACT', 0);
    const browser = await signIn(w.fw, server.url, u);
    const at = w.clock.now().toISOString();
    w.clock.advance(ACTIVITY_WRITE_INTERVAL_MS * 2);
    expect((await browser.get('/api/auth/session')).status).to.equal(200);
    expect((await stateOf(u.user.id)).last_active_at).to.equal(at);
  });
});
