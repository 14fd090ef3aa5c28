/**
 * Warnings that no longer apply: activity before the mail leaves cancels the warning mail to the person and to their
 * administrators (the outbox's cancel key).
 */
import { expect } from 'chai';
import { INACTIVITY_JOBS } from '../../../../platform/access/inactivity/index.js';
import {
  activityCancelKey, cancelMootMail, createApiToken, noteActivity, resolveApiToken,
} from '../../../../platform/access/identity/index.js';
import { cancelPendingMail } from '../../../../platform/notify/index.js';
import { serve, signIn, type RunningServer, type TestUser } from '../../../support/auth.js';
import { deliver, inactivityWorld, inAppBy, jobContext, person, type InactivityWorld } from './support.js';

const warnings = INACTIVITY_JOBS.find((j) => j.name === 'inactivity_warnings')!;

describe('inactivity warnings that no longer apply', function () {
  this.timeout(60_000);
  let w: InactivityWorld;
  let server: RunningServer;
  let admin: TestUser;

  before(async () => {
    w = await inactivityWorld();
    server = await serve(w.fw);
    admin = await person(w, 'mootadmin', 'MOOT', 1, { roles: ['ssi_org_admin'] });
  });
  after(async () => { await server?.close(); await w?.close(); });

  const outboxOf = (u: TestUser) => w.fw.db.knex('sys_outbox').where({ notification: 'inactivity_warning' })
    .whereIn('user_id', [u.user.id, admin.user.id]).whereRaw('text like ?', [`%${u.username}%`]).select('to_address', 'status');

  it('a person active before the warning is mailed gets no mail, nor do their administrators; others still do', async () => {
    const active = await person(w, 'wakes', 'MOOT', 80);
    const asleep = await person(w, 'sleeps', 'MOOT', 80);
    await warnings.run(jobContext(w));
    expect((await outboxOf(active)).map((r) => r.status)).to.deep.equal(['pending', 'pending']);

    // An authenticated request (an API token) after the warning was written, before the sender ran.
    const token = await createApiToken(w.fw, active.user.id);
    expect(await resolveApiToken(w.fw, token.token)).to.not.equal(null);

    const mail = await deliver(w);
    expect(mail.map((m) => m.to[0]).sort()).to.deep.equal([admin.user.email, asleep.user.email].sort());
    expect((await outboxOf(active)).map((r) => r.status)).to.deep.equal(['cancelled', 'cancelled']);
    // The in-app notice stays: it is the record that the warning was given.
    expect((await inAppBy(w, 'inactivity_warning'))[active.username]).to.have.length(1);
  });

  it('a sign-in cancels them too', async () => {
    const u = await person(w, 'signs', 'MOOT', 80);
    await warnings.run(jobContext(w));
    expect((await outboxOf(u)).map((r) => r.status)).to.deep.equal(['pending', 'pending']);
    await signIn(w.fw, server.url, u);
    expect((await outboxOf(u)).map((r) => r.status)).to.deep.equal(['cancelled', 'cancelled']);
    expect(await deliver(w)).to.deep.equal([]);
  });

  it('activity that writes nothing (within five minutes of the last) runs no query', async () => {
    const u = await person(w, 'recent', 'MOOT', 0);
    const seen: string[] = [];
    const listen = (q: { sql: string }) => seen.push(q.sql);
    w.fw.db.knex.on('query', listen);
    try {
      expect(await noteActivity(w.fw, u.user.id, w.clock.now().toISOString())).to.equal(false);
    } finally {
      w.fw.db.knex.removeListener('query', listen);
    }
    expect(seen).to.deep.equal([]);
  });

  it('cancels only pending mail under the key: a message being sent, and other mail, are left alone', async () => {
    const u = await person(w, 'keys', 'MOOT', 0);
    const at = w.clock.now().toISOString();
    const row = (id: string, status: string, key: string | null) => ({
      id, notification: 'test', user_id: u.user.id, to_address: 'x@example.test', subject: 's', text: 't', status, attempts: 0,
      next_attempt_at: at, created_at: at, cancel_key: key,
    });
    await w.fw.db.knex('sys_outbox').insert([
      row('018f0000-0000-7000-8000-00000000c001', 'pending', activityCancelKey(u.user.id)),
      row('018f0000-0000-7000-8000-00000000c002', 'sending', activityCancelKey(u.user.id)),
      row('018f0000-0000-7000-8000-00000000c003', 'pending', null),
      row('018f0000-0000-7000-8000-00000000c004', 'pending', 'another'),
    ]);
    expect(await cancelMootMail(w.fw.db.knex, u.user.id)).to.equal(1);
    expect(await cancelPendingMail(w.fw.db.knex, 'another')).to.equal(1);
    const statuses = await w.fw.db.knex('sys_outbox').where('id', 'like', '018f0000-0000-7000-8000-00000000c00%').orderBy('id').pluck('status');
    expect(statuses).to.deep.equal(['cancelled', 'sending', 'pending', 'cancelled']);
    await w.fw.db.knex('sys_outbox').where('id', 'like', '018f0000-0000-7000-8000-00000000c00%').delete();
  });
});
