import { expect } from 'chai';
import { v7 as uuidv7 } from 'uuid';
import { INACTIVITY_JOBS } from '../../../../platform/access/inactivity/index.js';
import { createApiToken, resolveApiToken } from '../../../../platform/access/identity/index.js';
import type { PlatformJob } from '../../../../platform/jobs/types.js';
import { expectError } from '../../../support/errors.js';
import { ensureOrg, type TestUser } from '../../../support/auth.js';
import {
  auditOf, DAY, deliver, inactivityWorld, inAppBy, jobContext, person, setInactive, statusOf, type InactivityWorld,
} from './support.js';

const job = (name: string): PlatformJob => INACTIVITY_JOBS.find((j) => j.name === name)!;
const warnings = job('inactivity_warnings');
const revocation = job('inactivity_revocation');

describe('inactivity jobs', function () {
  this.timeout(60_000);
  let w: InactivityWorld;
  let adminA: TestUser; let adminB: TestUser;
  let a89: TestUser; let a90: TestUser; let a91: TestUser; let w14: TestUser; let w3: TestUser; let fresh: TestUser;
  let operator: TestUser; let b31: TestUser; let b20: TestUser;

  before(async () => {
    w = await inactivityWorld();
    // Organisation INB has its own period of 30 days; INA keeps the default (90 days, warnings 14 and 3 days before).
    adminA = await person(w, 'admina', 'INA', 1, { roles: ['ssi_org_admin'] });
    adminB = await person(w, 'adminb', 'INB', 1, { roles: ['ssi_org_admin'] });
    a89 = await person(w, 'a89', 'INA', 89);
    a90 = await person(w, 'a90', 'INA', 90);
    a91 = await person(w, 'a91', 'INA', 91);
    w14 = await person(w, 'w14', 'INA', 76);
    w3 = await person(w, 'w3', 'INA', 87);
    fresh = await person(w, 'fresh', 'INA', 10);
    // A platform administrator is never revoked (nobody would be left to enable anyone).
    operator = await person(w, 'operator', 'INA', 400, { roles: ['admin'] });
    b31 = await person(w, 'b31', 'INB', 31);
    b20 = await person(w, 'b20', 'INB', 20);
    await w.fw.db.knex('sys_inactivity_setting').insert({
      org_id: adminB.user.org_id, settings: JSON.stringify({ periodDays: 30 }), updated_at: w.clock.now().toISOString(), updated_by: 'test',
    });
  });
  after(async () => { await w?.close(); });

  it('sends each due warning once, the nearest when several are due, to the person and their organisation\'s administrators', async () => {
    const ctx = jobContext(w);
    await warnings.run(ctx);
    const sent = await inAppBy(w, 'inactivity_warning');
    // a89 is 1 day from revocation (3-day warning), w14 14 days, w3 3 days; b20 is 10 days from INB's 30-day end.
    expect(Object.keys(sent).sort()).to.deep.equal([adminA, adminB, a89, b20, w14, w3].map((u) => u.username).sort());
    expect(sent[a89.username]).to.deep.equal(['Your account will be disabled in 1 days']);
    expect(sent[w14.username]).to.deep.equal(['Your account will be disabled in 14 days']);
    expect(sent[b20.username]).to.deep.equal(['Your account will be disabled in 10 days']);
    expect(sent[adminA.username]).to.have.length(3);
    expect(sent[adminB.username]).to.deep.equal([`The account of Test ${b20.username} will be disabled in 10 days`]);
    expect(ctx.counts).to.deep.equal({ examined: 4, changed: 4, failed: 0 });
    expect(ctx.progressSeen.at(-1)).to.deep.equal({ done: 4, total: 4 });

    const mail = await deliver(w);
    const to = mail.map((m) => m.to[0]).sort();
    expect(to).to.deep.equal([
      ...[a89, w14, w3, b20].map((u) => u.user.email!), adminA.user.email!, adminA.user.email!, adminA.user.email!, adminB.user.email!,
    ].sort());
    expect(mail.find((m) => m.to[0] === w14.user.email)!.text).to.contain('Unless you sign in before 21 December 2026');

    expect((await auditOf(w, w14)).map((e) => Object.keys(e.changes))).to.deep.include(['inactivity_warning']);

    const again = jobContext(w);
    await warnings.run(again);
    expect(again.counts).to.deep.equal({ examined: 0, changed: 0, failed: 0 });
    expect(Object.values(await inAppBy(w, 'inactivity_warning')).flat()).to.have.length(8);
  });

  it('sends the next warning when it falls due, and activity cancels the warnings still to come', async () => {
    // w3 becomes active: no more warnings for it in this spell.
    const token = await createApiToken(w.fw, w3.user.id);
    w.clock.advance(11 * DAY);
    expect(await resolveApiToken(w.fw, token.token)).to.not.equal(null);
    const row = await w.fw.db.knex('sys_user').where({ id: w3.user.id }).first('last_active_at', 'inactivity_warned_days');
    expect(row).to.deep.equal({ last_active_at: w.clock.now().toISOString(), inactivity_warned_days: null });

    const ctx = jobContext(w);
    await warnings.run(ctx);
    const sent = await inAppBy(w, 'inactivity_warning');
    // Only w14, now 87 days inactive, gets its 3-day warning; b20 (now 31 days in INB) is past the period.
    expect(sent[w14.username]).to.deep.equal(['Your account will be disabled in 14 days', 'Your account will be disabled in 3 days']);
    expect(sent[w3.username]).to.have.length(1);
    expect(ctx.counts.changed).to.equal(1);
    expect((await deliver(w)).map((m) => m.to[0]).sort()).to.deep.equal([adminA.user.email, w14.user.email].sort());
    w.clock.advance(-11 * DAY);
    await setInactive(w, w3, 87);
  });

  it('revokes accounts inactive for the whole period (90 days, or the organisation\'s 30) with their sessions and tokens, at once', async () => {
    const tokens = new Map<string, string>();
    for (const u of [a89, a90, a91, b31, b20]) tokens.set(u.username, (await createApiToken(w.fw, u.user.id)).token);
    for (const u of [a89, a90, a91, b31, b20]) expect(await resolveApiToken(w.fw, tokens.get(u.username)!), u.username).to.not.equal(null);
    // Reading a token is activity: put everyone's clock back.
    for (const [u, days] of [[a89, 89], [a90, 90], [a91, 91], [b31, 31], [b20, 20]] as const) await setInactive(w, u, days);
    const session = { id: 'f'.repeat(64), user_id: a91.user.id, stage: 'active', csrf_token: 'x', created_at: w.clock.now().toISOString(),
      last_seen_at: w.clock.now().toISOString(), expires_at: new Date(w.clock.now().getTime() + DAY).toISOString() };
    await w.fw.db.knex('sys_session').insert(session);

    const ctx = jobContext(w);
    await revocation.run(ctx);
    expect(ctx.counts).to.deep.equal({ examined: 3, changed: 3, failed: 0 });
    for (const u of [a90, a91, b31]) {
      expect(await statusOf(w, u), u.username).to.equal('disabled');
      expect(await resolveApiToken(w.fw, tokens.get(u.username)!), u.username).to.equal(null);
    }
    for (const u of [a89, b20, operator, fresh]) expect(await statusOf(w, u), u.username).to.equal('active');
    expect(await resolveApiToken(w.fw, tokens.get(a89.username)!)).to.not.equal(null);
    expect((await w.fw.db.knex('sys_session').where({ id: session.id }).first('revoked_reason')).revoked_reason).to.equal('revoked');
    const audit = (await auditOf(w, a91)).at(-1)!;
    expect(audit.actor).to.equal('Inactivity job');
    expect(audit.changes.status).to.deep.equal(['active', 'disabled']);
    expect(audit.changes.sessions_revoked).to.deep.equal([null, 1]);
    expect(audit.changes.api_tokens_revoked).to.deep.equal([null, 1]);
    expect(String(audit.changes.revocation![1])).to.match(/^Revoked: not used for 90 days/);

    const told = await inAppBy(w, 'account_revoked');
    expect(Object.keys(told).sort()).to.deep.equal([a90, a91, b31, adminA, adminB].map((u) => u.username).sort());
    expect(told[adminA.username]).to.have.length(2);
    const mail = await deliver(w);
    expect(mail.map((m) => m.to[0]).sort()).to.deep.equal(
      [a90, a91, b31, adminA, adminA, adminB].map((u) => u.user.email!).sort(),
    );

    const again = jobContext(w);
    await revocation.run(again);
    expect(again.counts).to.deep.equal({ examined: 0, changed: 0, failed: 0 });
  });

  it('applies only the effects set: roles removed, account left enabled', async () => {
    const u = await person(w, 'roles', 'INC', 100, { roles: ['agent'] });
    const ctx = jobContext(w, { disable: false, endSessions: true, revokeTokens: false, removeRoles: true });
    await revocation.run(ctx);
    expect(await statusOf(w, u)).to.equal('active');
    expect(await w.fw.db.knex('sys_user_role').where({ user_id: u.user.id })).to.deep.equal([]);
    expect((await auditOf(w, u)).at(-1)!.changes.roles).to.deep.equal([['agent'], []]);
  });

  it('reads a page of 500 per query and stops between pages once cancelled', async () => {
    const org = await ensureOrg(w.fw, 'IND');
    const at = new Date(w.clock.now().getTime() - 200 * DAY).toISOString();
    const rows = Array.from({ length: 600 }, (_, i) => ({
      id: uuidv7(), username: `bulk${i}`, username_key: `bulk${i}`, org_id: org.id, status: 'active', created_at: at, last_active_at: at,
    }));
    for (let i = 0; i < rows.length; i += 100) await w.fw.db.knex('sys_user').insert(rows.slice(i, i + 100));
    const selects: string[] = [];
    const page = /^select .*from [`"]?sys_user[`"]? as [`"]?u[`"]? .*limit/i;
    const listen = (q: { sql: string }) => { if (page.test(q.sql) && !/count\(/i.test(q.sql)) selects.push(q.sql); };
    w.fw.db.knex.on('query', listen);
    const ctx = jobContext(w);
    const count = ctx.count;
    // Cancelled while the first page is being worked: that page is finished, the next is never read.
    ctx.count = (delta) => { count(delta); ctx.controller.abort(); };
    try {
      await revocation.run(ctx);
    } finally {
      w.fw.db.knex.removeListener('query', listen);
    }
    expect(ctx.counts).to.deep.equal({ examined: 500, changed: 500, failed: 0 });
    expect(selects).to.have.length(1);
    expect(Number((await w.fw.db.knex('sys_user').where({ org_id: org.id, status: 'active' }).count({ n: '*' }).first())!.n)).to.equal(100);
  });

  it('refuses parameters of the wrong shape with validation_failed', async () => {
    await expectError(warnings.run(jobContext(w, { warningDays: 'soon' })), 'validation_failed');
    await expectError(revocation.run(jobContext(w, { periodDays: 0 })), 'validation_failed');
    await expectError(warnings.run(jobContext(w, { warningBody: '{{secret}}' })), 'validation_failed');
  });
});
