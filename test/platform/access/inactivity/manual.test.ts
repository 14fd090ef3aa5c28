import { expect } from 'chai';
import { dispatchNotifications } from '../../../../platform/notify/index.js';
import { createToken, serve, signIn, type RunningServer, type TestClient, type TestUser } from '../../../support/auth.js';
import { auditOf, deliver, inactivityWorld, inAppBy, person, statusOf, type InactivityWorld } from './support.js';

interface Answer { status: number; body: any }

describe('manual revocation, its approval, and enabling again (API)', function () {
  this.timeout(60_000);
  let w: InactivityWorld;
  let server: RunningServer;
  const tokens = new Map<string, string>();
  let adminA: TestUser; let adminA2: TestUser; let adminB: TestUser; let desk: TestUser; let plain: TestUser; let officer: TestUser;
  let memberB: TestUser;

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
    // An administrator of MRB who is also a member of MRA: MRA's records reach them, but they do not administer MRA.
    memberB = await person(w, 'memberb', 'MRB', 0, { roles: ['ssi_org_admin'], orgs: ['MRA'] });
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
    const browser: TestClient = await signIn(w.fw, server.url, u);
    const asked = await call(desk, 'POST', `/api/users/${u.user.id}/revoke`, { reason: 'Suspicious use' });
    const request = ok(asked, 202).request;
    // The requester by name for people to read, and by username for the page to tell whether the reader asked.
    const deskName = (await w.fw.db.knex('sys_user').where({ id: desk.user.id }).first('display_name')).display_name as string;
    expect(request).to.include({ status: 'pending', username: u.username, requestedBy: deskName, requestedByUsername: desk.username, reason: 'Suspicious use' });
    expect(request.number).to.match(/^RVK/);
    expect(await statusOf(w, u)).to.equal('active');
    ok(await call(u, 'GET', '/api/notifications'));
    expect((await browser.get('/api/notifications')).status).to.equal(200);
    expectCode(await call(desk, 'POST', `/api/users/${u.user.id}/revoke`, { reason: 'Twice' }), 409, 'conflict');
    // The administrators of MRA are asked (not the person, not MRB's).
    const asking = await inAppBy(w, 'revocation_requested');
    expect(Object.keys(asking).sort()).to.deep.equal([adminA.username, adminA2.username, officer.username].sort());
    expect((await deliver(w)).map((m) => m.to[0]).sort()).to.deep.equal([adminA, adminA2, officer].map((p) => p.user.email).sort());

    // A record of the core pack's table, owned by the person's organisation; its approval asks exactly MRA's administrators.
    const stored = await w.fw.records.readOne('revocation_request', request.id, { actor: w.fw.systemActor });
    expect(stored).to.include({ person: u.username, requested_by: desk.username, state: 'requested' });
    const orgOfPerson = (await w.fw.db.knex('sys_user').where({ id: u.user.id }).first('org_id')).org_id as string;
    expect(stored.org_id).to.equal(orgOfPerson);
    const approvers = await w.fw.db.knex('sys_approval').where({ record_id: request.id }).pluck('approver_name');
    expect(approvers.sort()).to.deep.equal([adminA.username, adminA2.username, officer.username].sort());
    // Reading it follows the same scope: MRA's administrators and the requester see it; MRB's administrators do not.
    ok(await call(adminA, 'GET', `/api/tables/revocation_request/${request.id}`));
    ok(await call(desk, 'GET', `/api/tables/revocation_request/${request.id}`));
    expectCode(await call(adminB, 'GET', `/api/tables/revocation_request/${request.id}`), 404, 'not_found');
    expect(ok(await call(adminA, 'GET', '/api/approvals')).map((a: { recordId: string }) => a.recordId)).to.include(request.id);
    expect(ok(await call(adminB, 'GET', '/api/approvals')).map((a: { recordId: string }) => a.recordId)).to.not.include(request.id);

    const listed = ok(await call(adminA, 'GET', '/api/revocation-requests?status=pending')).find((r: { id: string }) => r.id === request.id);
    expect(listed).to.include({ canDecide: true, status: 'pending' });
    expect(ok(await call(desk, 'GET', '/api/revocation-requests')).find((r: { id: string }) => r.id === request.id)).to.include({ canDecide: false });
    expect(ok(await call(adminB, 'GET', '/api/revocation-requests'))).to.deep.equal([]);
    expectCode(await call(adminB, 'POST', `/api/revocation-requests/${request.id}/approve`, {}), 404, 'not_found');
    expectCode(await call(memberB, 'POST', `/api/revocation-requests/${request.id}/approve`, {}), 404, 'not_found');
    expectCode(await call(memberB, 'GET', `/api/tables/revocation_request/${request.id}`), 404, 'not_found');
    expectCode(await call(desk, 'POST', `/api/revocation-requests/${request.id}/approve`, {}), 403, 'forbidden');
    expect(await statusOf(w, u)).to.equal('active');

    const approved = ok(await call(adminA, 'POST', `/api/revocation-requests/${request.id}/approve`, { comment: 'Agreed' }));
    const adminName = (await w.fw.db.knex('sys_user').where({ id: adminA.user.id }).first('display_name')).display_name as string;
    expect(approved).to.include({ status: 'approved', decidedBy: adminName, comment: 'Agreed' });
    expect(await statusOf(w, u)).to.equal('disabled');
    // Its session and its API token are refused from the very next request.
    expectCode(await call(u, 'GET', '/api/notifications'), 401, 'unauthenticated');
    expect((await browser.get('/api/notifications')).status).to.equal(401);
    const history = await auditOf(w, u);
    expect(history.map((e) => Object.keys(e.changes)[0])).to.include.members(['revocation_requested', 'revocation']);
    const revocation = history.find((e) => e.changes.revocation)!;
    expect(revocation.actor).to.equal(adminA.username);
    expect(revocation.changes.revocation![1]).to.equal(`Revoked on the request of ${desk.username}, approved by ${adminA.username}: Suspicious use`);
    expect(revocation.changes).to.include.keys('sessions_revoked', 'api_tokens_revoked');
    expectCode(await call(adminA, 'POST', `/api/revocation-requests/${request.id}/reject`, {}), 409, 'conflict');
  });

  it('a request can also be decided from the approvals of the record, as any approval is', async () => {
    const u = await person(w, 'generic', 'MRA', 0);
    const request = ok(await call(desk, 'POST', `/api/users/${u.user.id}/revoke`, { reason: 'Shared account' }), 202).request;
    const rows = ok(await call(adminA2, 'GET', `/api/tables/revocation_request/${request.id}/approvals`));
    const mine = rows.find((r: { approver: string }) => r.approver === adminA2.username);
    expect(mine.canDecide).to.equal(true);
    expectCode(await call(adminB, 'POST', `/api/tables/revocation_request/${request.id}/approvals/${mine.id}/approve`, {}), 404, 'not_found');
    const decided = ok(await call(adminA2, 'POST', `/api/tables/revocation_request/${request.id}/approvals/${mine.id}/approve`, {}));
    expect(decided).to.include({ outcome: 'approved', transition: 'approve' });
    expect(await statusOf(w, u)).to.equal('disabled');
    expectCode(await call(u, 'GET', '/api/notifications'), 401, 'unauthenticated');
  });

  it('only holders of the capability (or the organisation\'s administrators) may ask; nobody creates requests through the table', async () => {
    const u = await person(w, 'untouched', 'MRA', 0);
    const before = await w.fw.db.knex('sys_approval').count({ n: '*' }).first();
    expectCode(await call(plain, 'POST', `/api/users/${u.user.id}/revoke`, { reason: 'I would like to' }), 403, 'forbidden');
    expectCode(await call(adminB, 'POST', `/api/users/${u.user.id}/revoke`, { reason: 'Not mine' }), 404, 'not_found');
    expectCode(await call(desk, 'POST', '/api/tables/revocation_request', { person: u.username, reason: 'Direct' }), 403, 'forbidden');
    expectCode(await call(plain, 'POST', '/api/tables/revocation_request', { person: u.username, reason: 'Direct' }), 403, 'forbidden');
    expect(await w.fw.db.knex('revocation_request').where({ person: u.username })).to.deep.equal([]);
    expect((await w.fw.db.knex('sys_approval').count({ n: '*' }).first())!.n).to.equal(before!.n);
    expect(await statusOf(w, u)).to.equal('active');
    // An organisation nobody administers: nobody could approve, so nothing is asked.
    const alone = await person(w, 'alone', 'LONE', 0);
    const refused = await call(desk, 'POST', `/api/users/${alone.user.id}/revoke`, { reason: 'Nobody to ask' });
    expectCode(refused, 422, 'validation_failed');
    expect(refused.body.errors.map((e: { code: string }) => e.code)).to.deep.equal(['no_approvers']);
    expect(await w.fw.db.knex('revocation_request').where({ person: alone.username })).to.deep.equal([]);
  });

  it('a rejected request changes nothing on the account', async () => {
    const u = await person(w, 'kept', 'MRA', 0);
    ok(await call(u, 'GET', '/api/notifications'));
    const request = ok(await call(desk, 'POST', `/api/users/${u.user.id}/revoke`, { reason: 'Mistake' }), 202).request;
    const rejected = ok(await call(adminA2, 'POST', `/api/revocation-requests/${request.id}/reject`, { comment: 'Still needed' }));
    expect(rejected).to.include({ status: 'rejected', comment: 'Still needed' });
    expect(await statusOf(w, u)).to.equal('active');
    ok(await call(u, 'GET', '/api/notifications'));
    expect(await w.fw.db.knex('sys_session').where({ user_id: u.user.id }).whereNotNull('revoked_at')).to.deep.equal([]);
    expect(await w.fw.db.knex('sys_api_token').where({ user_id: u.user.id }).whereNotNull('revoked_at')).to.deep.equal([]);
    expect((await auditOf(w, u)).filter((e) => e.changes.revocation || e.changes.status)).to.deep.equal([]);
    expectCode(await call(adminA, 'POST', `/api/revocation-requests/${request.id}/approve`, {}), 409, 'conflict');
    // The requester is told (a notification of the core pack, sent once the rejection is committed).
    await dispatchNotifications(w.fw);
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
