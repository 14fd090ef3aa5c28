import { expect } from 'chai';
import { createToken, serve, signIn, type RunningServer, type TestClient, type TestUser } from '../../../support/auth.js';
import { auditOf, deliver, inactivityWorld, inAppBy, person, statusOf, type InactivityWorld } from './support.js';

interface Answer { status: number; body: any }

describe('manual revocation, its approval, and enabling again (API)', function () {
  this.timeout(60_000);
  let w: InactivityWorld;
  let server: RunningServer;
  const tokens = new Map<string, string>();
  let adminA: TestUser; let adminA2: TestUser; let adminB: TestUser; let desk: TestUser; let plain: TestUser; let officer: TestUser;

  const call = async (who: TestUser, method: string, path: string, body?: unknown): Promise<Answer> => {
    if (!tokens.has(who.username)) tokens.set(who.username, await createToken(w.fw, who.username));
    const res = await fetch(server.url + path, {
      method, headers: { authorization: `Bearer ${tokens.get(who.username)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const expectCode = (a: Answer, status: number, code: string) => {
    expect(a.status, JSON.stringify(a.body)).to.equal(status);
    expect(a.body.code).to.equal(code);
  };
  const ok = (a: Answer, status = 200) => { expect(a.status, JSON.stringify(a.body)).to.equal(status); return a.body.data; };

  before(async () => {
    w = await inactivityWorld();
    server = await serve(w.fw);
    adminA = await person(w, 'admina', 'MRA', 0, { roles: ['ssi_org_admin'] });
    adminA2 = await person(w, 'admina2', 'MRA', 0, { roles: ['ssi_org_admin'] });
    adminB = await person(w, 'adminb', 'MRB', 0, { roles: ['ssi_org_admin'] });
    desk = await person(w, 'desk', 'DCC', 0, { roles: ['ssi_service_desk_agent'] });
    plain = await person(w, 'plain', 'MRA', 0, { roles: ['agent'] });
    officer = await person(w, 'officer', 'MRA', 0, { roles: ['cms_security_officer'] });
  });
  after(async () => { await server?.close(); await w?.close(); });

  it('an administrator of the person\'s organisation revokes at once: sessions and tokens refused from the next request', async () => {
    const u = await person(w, 'victim', 'MRA', 0);
    const browser: TestClient = await signIn(w.fw, server.url, u);
    ok(await call(u, 'GET', '/api/notifications'));
    await deliver(w);

    expectCode(await call(adminB, 'POST', `/api/users/${u.user.id}/revoke`, { reason: 'Left' }), 404, 'not_found');
    expectCode(await call(plain, 'POST', `/api/users/${u.user.id}/revoke`, { reason: 'Left' }), 403, 'forbidden');
    expectCode(await call(adminA, 'POST', `/api/users/${u.user.id}/revoke`, {}), 422, 'validation_failed');
    expectCode(await call(adminA, 'POST', `/api/users/${adminA.user.id}/revoke`, { reason: 'Me' }), 409, 'conflict');

    const done = ok(await call(adminA, 'POST', `/api/users/${u.user.id}/revoke`, { reason: 'Left the company' }));
    expect(done.outcome).to.equal('revoked');
    expect(done.effects).to.include({ disabled: true, sessionsEnded: 1, tokensRevoked: 1 });
    expectCode(await call(u, 'GET', '/api/notifications'), 401, 'unauthenticated');
    expect((await browser.get('/api/notifications')).status).to.equal(401);
    expect(await statusOf(w, u)).to.equal('disabled');
    const entry = (await auditOf(w, u)).at(-1)!;
    expect(entry.actor).to.equal(adminA.username);
    expect(entry.changes.revocation).to.deep.equal([null, `Revoked by ${adminA.username}: Left the company`]);
    // The person and the organisation's other administrators (the security officer is one) are told; the one who revoked is not.
    expect(Object.keys(await inAppBy(w, 'account_revoked')).sort()).to.deep.equal([u.username, adminA2.username, officer.username].sort());
    expect((await deliver(w)).map((m) => m.to[0]).sort()).to.deep.equal([u, adminA2, officer].map((p) => p.user.email).sort());
    expectCode(await call(adminA, 'POST', `/api/users/${u.user.id}/revoke`, { reason: 'Again' }), 409, 'conflict');
  });

  it('a request by a role that needs approval changes nothing until an administrator of the person\'s organisation approves it', async () => {
    const u = await person(w, 'requested', 'MRA', 0);
    const asked = await call(desk, 'POST', `/api/users/${u.user.id}/revoke`, { reason: 'Suspicious use' });
    const request = ok(asked, 202).request;
    // The requester by name for people to read, and by username for the page to tell whether the reader asked.
    const deskName = (await w.fw.db.knex('sys_user').where({ id: desk.user.id }).first('display_name')).display_name as string;
    expect(request).to.include({ status: 'pending', username: u.username, requestedBy: deskName, requestedByUsername: desk.username, reason: 'Suspicious use' });
    expect(await statusOf(w, u)).to.equal('active');
    ok(await call(u, 'GET', '/api/notifications'));
    expectCode(await call(desk, 'POST', `/api/users/${u.user.id}/revoke`, { reason: 'Twice' }), 409, 'conflict');
    // The administrators of MRA are asked (not the person, not MRB's).
    const asking = await inAppBy(w, 'revocation_requested');
    expect(Object.keys(asking).sort()).to.deep.equal([adminA.username, adminA2.username, officer.username].sort());
    expect((await deliver(w)).map((m) => m.to[0]).sort()).to.deep.equal([adminA, adminA2, officer].map((p) => p.user.email).sort());

    expect(ok(await call(adminA, 'GET', '/api/revocation-requests?status=pending')).map((r: { id: string }) => r.id)).to.include(request.id);
    expect(ok(await call(adminB, 'GET', '/api/revocation-requests'))).to.deep.equal([]);
    expectCode(await call(adminB, 'POST', `/api/revocation-requests/${request.id}/approve`, {}), 404, 'not_found');
    expectCode(await call(desk, 'POST', `/api/revocation-requests/${request.id}/approve`, {}), 403, 'forbidden');

    const approved = ok(await call(adminA, 'POST', `/api/revocation-requests/${request.id}/approve`, { comment: 'Agreed' }));
    const adminName = (await w.fw.db.knex('sys_user').where({ id: adminA.user.id }).first('display_name')).display_name as string;
    expect(approved).to.include({ status: 'approved', decidedBy: adminName, comment: 'Agreed' });
    expect(await statusOf(w, u)).to.equal('disabled');
    expectCode(await call(u, 'GET', '/api/notifications'), 401, 'unauthenticated');
    const history = (await auditOf(w, u)).map((e) => Object.keys(e.changes)[0]);
    expect(history).to.include.members(['revocation_requested', 'revocation']);
    expectCode(await call(adminA, 'POST', `/api/revocation-requests/${request.id}/reject`, {}), 409, 'conflict');
  });

  it('a rejected request changes nothing on the account', async () => {
    const u = await person(w, 'kept', 'MRA', 0);
    const request = ok(await call(desk, 'POST', `/api/users/${u.user.id}/revoke`, { reason: 'Mistake' }), 202).request;
    const rejected = ok(await call(adminA2, 'POST', `/api/revocation-requests/${request.id}/reject`, { comment: 'Still needed' }));
    expect(rejected.status).to.equal('rejected');
    expect(await statusOf(w, u)).to.equal('active');
    ok(await call(u, 'GET', '/api/notifications'));
    expect(await w.fw.db.knex('sys_session').where({ user_id: u.user.id }).whereNotNull('revoked_at')).to.deep.equal([]);
    expectCode(await call(adminA, 'POST', `/api/revocation-requests/${request.id}/approve`, {}), 409, 'conflict');
    expect(Object.keys(await inAppBy(w, 'revocation_decided'))).to.deep.equal([desk.username]);
  });

  it('enabling again is for the organisation\'s security officer (or its administrators holding that power), audited', async () => {
    const u = await person(w, 'back', 'MRA', 0);
    ok(await call(adminA, 'POST', `/api/users/${u.user.id}/revoke`, { reason: 'Away' }));
    expectCode(await call(plain, 'POST', `/api/users/${u.user.id}/enable`, {}), 403, 'forbidden');
    expectCode(await call(adminB, 'POST', `/api/users/${u.user.id}/enable`, {}), 404, 'not_found');
    expectCode(await call(desk, 'POST', `/api/users/${u.user.id}/enable`, {}), 403, 'forbidden');
    expect(ok(await call(officer, 'POST', `/api/users/${u.user.id}/enable`, { reason: 'Back from leave' }))).to.deep.equal({ userId: u.user.id, status: 'active' });
    expect(await statusOf(w, u)).to.equal('active');
    const row = await w.fw.db.knex('sys_user').where({ id: u.user.id }).first('last_active_at');
    expect(row.last_active_at).to.equal(w.clock.now().toISOString());
    expect((await auditOf(w, u)).at(-1)!.changes).to.deep.equal({
      status: ['disabled', 'active'], enabled: [null, `Enabled by ${officer.username}: Back from leave`],
    });
    expectCode(await call(officer, 'POST', `/api/users/${u.user.id}/enable`, {}), 409, 'conflict');
  });

  it('organisation settings: read and replaced by its administrators, checked member by member', async () => {
    const view = ok(await call(adminB, 'GET', '/api/orgs/MRB/inactivity'));
    expect(view.override).to.equal(null);
    expect(view.effective.periodDays).to.equal(90);
    expectCode(await call(adminA, 'GET', '/api/orgs/MRB/inactivity'), 404, 'not_found');
    expectCode(await call(plain, 'GET', '/api/orgs/MRA/inactivity'), 403, 'forbidden');
    const bad = await call(adminB, 'PUT', '/api/orgs/MRB/inactivity', {
      periodDays: 0, warningDays: [3, 3], colour: 'red', warning: { subject: '{{password}}' }, effects: { disable: 'yes' },
    });
    expectCode(bad, 422, 'validation_failed');
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).to.deep.equal(['colour', 'effects.disable', 'periodDays', 'warning.subject', 'warningDays']);
    expectCode(await call(adminB, 'PUT', '/api/orgs/MRB/inactivity', { warningDays: [120] }), 422, 'validation_failed');
    const saved = ok(await call(adminB, 'PUT', '/api/orgs/MRB/inactivity', { periodDays: 30, warningDays: [7], effects: { removeRoles: true } }));
    expect(saved.effective).to.deep.include({ periodDays: 30, warningDays: [7] });
    expect(saved.effective.effects).to.deep.equal({ disable: true, endSessions: true, revokeTokens: true, removeRoles: true });
    expect(ok(await call(adminB, 'PUT', '/api/orgs/MRB/inactivity', {})).override).to.equal(null);
  });
});
