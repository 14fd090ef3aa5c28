/**
 * Organisation administrators over HTTP (SSI PM21–24, SSI-FR-58 to 61), signed in with password and TOTP, with
 * mail through a real SMTP server on loopback: create an account (username check, the mailed link sets the
 * password, then the person signs in with MFA), edit, unlock, reset the password (sessions end), delete (soft,
 * audited), the sortable pageable list, the role-assignment rule, and organisation scoping (404 for a person of
 * another organisation).
 */
import { expect } from 'chai';
import { createMailer } from '../../../../platform/notify/mailer.js';
import { createPartyCode } from '../../../../platform/access/identity/index.js';
import {
  createToken, createUser, ensureOrg, serve, signIn, TestClient, totpCode, TEST_PASSWORD, type RunningServer, type TestUser,
} from '../../../support/auth.js';
import type { TestEngine } from '../../../support/engine.js';
import { waitFor } from '../../../support/wait.js';
import { startSmtpServer, type TestSmtpServer } from '../../../support/smtp.js';
import { apiEngine, expectProblem, reply, TokenClient, type Reply } from './support.js';

const MINUTE = 60_000;
const NEW_PASSWORD = 'a brand new passphrase';

describe('API: organisation administrators', () => {
  let fw: TestEngine;
  let clock: Awaited<ReturnType<typeof apiEngine>>['clock'];
  let server: RunningServer;
  let smtp: TestSmtpServer;
  let admin: TestUser;
  /** The organisation administrator of OA-HOME, signed in with a session (cookie + CSRF token). */
  let web: TestClient;
  let stranger: TestUser;

  before(async () => {
    ({ fw, clock } = await apiEngine());
    smtp = await startSmtpServer();
    fw.mailer = createMailer({ smtpUrl: smtp.url, mailFrom: 'Formwork <formwork@example.test>' }, fw.log);
    server = await serve(fw);
    const home = await ensureOrg(fw, 'OA-HOME');
    await createPartyCode(fw, { orgId: home.id, code: 'OAH-UID-1' });
    await createPartyCode(fw, { orgId: home.id, code: 'OAH-UID-2' });
    const other = await ensureOrg(fw, 'OA-OTHER');
    await createPartyCode(fw, { orgId: other.id, code: 'OAO-UID-1' });
    admin = await createUser(fw, { username: 'oa.admin', roles: ['ssi_org_admin'], org: 'OA-HOME' });
    stranger = await createUser(fw, { username: 'oa.stranger', roles: ['ssi_mi_user'], org: 'OA-OTHER' });
    web = await signIn(fw, server.url, admin);
  });
  after(async () => {
    await server?.close();
    fw?.mailer.close();
    await smtp?.close();
    await fw?.dispose();
  });
  beforeEach(() => {
    clock.advance(2 * MINUTE);
    fw.config.lockoutThreshold = 5;
    fw.config.signInRateLimit = 1000;
  });

  async function call(client: TestClient, method: string, path: string, body?: unknown): Promise<Reply> {
    return reply(await client.request(method, path, body));
  }
  async function ok(client: TestClient, method: string, path: string, body: unknown, status: number): Promise<any> {
    const r = await call(client, method, path, body);
    expect(r.status, `${method} ${path}: ${r.text}`).to.equal(status);
    return r.body;
  }

  /** The set-password token in the newest mail to `email` (arrived after `since`). */
  async function linkFor(email: string, since: number): Promise<{ token: string; subject: string; text: string }> {
    const mail = await smtp.waitFor((m) => m.to.includes(email), { since });
    const token = /\/reset-password#token=([A-Za-z0-9_-]{43})\b/.exec(mail.text)?.[1];
    expect(token, mail.text).to.be.a('string');
    return { token: token!, subject: mail.subject, text: mail.text };
  }

  /** Audit rows of an account, oldest first, with parsed changes. */
  async function auditOf(userId: string) {
    const rows = await fw.db.knex('sys_audit').where({ table_name: 'sys_user', record_id: userId }).orderBy('id');
    return rows.map((r: Record<string, any>) => ({ operation: r.operation, actor: r.actor_name, changes: JSON.parse(r.changes) }));
  }

  /** Sign in a person without an authenticator: password, enrol TOTP, verify, confirm the profile. */
  async function firstSignIn(username: string, password: string): Promise<TestClient> {
    const client = new TestClient(server.url);
    let body = await client.json('POST', '/api/auth/sign-in', { username, password }, 200);
    expect(body.data.stage).to.equal('mfa_enrol');
    const enrol = await client.json('POST', '/api/auth/mfa/enrol', undefined, 200);
    body = await client.json('POST', '/api/auth/mfa/verify', { code: totpCode(enrol.data.secret, clock.now()) }, 200);
    expect(body.data.stage).to.equal('profile');
    body = await client.json('POST', '/api/auth/profile', { first_name: 'Nina', last_name: 'New', email: 'nina@example.test', phone: '+44 20 7946 0001' }, 200);
    expect(body.data.stage).to.equal('active');
    return client;
  }

  describe('creating an account', () => {
    it('checks usernames: free, taken whatever the case, or malformed', async () => {
      expect((await ok(web, 'GET', '/api/admin/users/check?username=nina.new', undefined, 200)).data).to.deep.equal({ username: 'nina.new', available: true });
      const taken = (await ok(web, 'GET', '/api/admin/users/check?username=OA.Stranger', undefined, 200)).data;
      expect(taken).to.include({ available: false, reason: 'taken' });
      expect((await ok(web, 'GET', `/api/admin/users/check?username=${encodeURIComponent('no spaces!')}`, undefined, 200)).data).to.include({ available: false, reason: 'invalid' });
      expectProblem(await call(web, 'GET', '/api/admin/users/check'), 400, 'invalid_query');
    });

    it('creates the account with a forced password choice, mails a one-time link; the link sets the password, then the person signs in with MFA', async () => {
      const since = smtp.messages.length;
      const res = await call(web, 'POST', '/api/admin/users', {
        username: 'Nina.New', firstName: 'Nina', lastName: 'New', email: 'nina@example.test', phone: '+44 20 7946 0001',
        roles: ['ssi_lead_agent'], userIds: ['OAH-UID-1'],
      });
      expect(res.status, res.text).to.equal(201);
      const created = res.body.data;
      expect(res.headers.get('location')).to.equal(`/api/admin/users/${created.id}`);
      expect(created).to.include({ username: 'Nina.New', displayName: 'Nina New', status: 'active', mustChangePassword: true, mfaEnrolled: false });
      expect(created.org).to.include({ code: 'OA-HOME' });
      expect(created.roles).to.deep.equal(['ssi_lead_agent']);
      expect(created.userIds).to.deep.equal(['OAH-UID-1']);
      expect(JSON.stringify(created)).to.not.match(/password_hash|token/);
      const row = await fw.db.knex('sys_user').where({ id: created.id }).first();
      expect(row.password_hash).to.equal(null);

      const mail = await linkFor('nina@example.test', since);
      expect(mail.subject).to.match(/new Formwork account/);
      expect(mail.text).to.contain('Nina.New');
      const stored = await fw.db.knex('sys_password_reset').where({ user_id: created.id }).first();
      expect(stored.token_hash).to.match(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(stored)).to.not.contain(mail.token);
      expect(Date.parse(stored.expires_at) - clock.now().getTime()).to.equal(24 * 3_600_000);

      // The link, anonymously: valid, names the account; a weak password is refused and leaves it valid.
      const anon = new TestClient(server.url);
      expect((await anon.json('GET', `/api/auth/reset/${mail.token}`, undefined, 200)).data).to.include({ valid: true, username: 'Nina.New' });
      expectProblem(await reply(await anon.post(`/api/auth/reset/${mail.token}`, { password: 'short' })), 422, 'validation_failed');
      expectProblem(await reply(await anon.post(`/api/auth/reset/${mail.token}`, { password: NEW_PASSWORD, must_change_password: false })), 400, 'invalid_payload');
      expect((await anon.json('POST', `/api/auth/reset/${mail.token}`, { password: NEW_PASSWORD }, 200)).data).to.deep.equal({ username: 'Nina.New' });
      // Used up: neither reading nor using it again works.
      expectProblem(await reply(await anon.get(`/api/auth/reset/${mail.token}`)), 404, 'not_found');
      expectProblem(await reply(await anon.post(`/api/auth/reset/${mail.token}`, { password: `${NEW_PASSWORD} again` })), 404, 'not_found');
      const after = await fw.db.knex('sys_user').where({ id: created.id }).first();
      expect(after.password_hash).to.match(/^scrypt\$/);
      expect(after.must_change_password === false || after.must_change_password === 0, 'the forced change is cleared').to.equal(true);

      // Signs in like anyone: password, then an authenticator (enrolled now), then the first-sign-in profile.
      const person = await firstSignIn('nina.new', NEW_PASSWORD);
      const profile = (await person.json('GET', '/api/profile', undefined, 200)).data;
      expect(profile).to.include({ username: 'Nina.New' });
      expect(profile.roles).to.deep.equal([{ name: 'ssi_lead_agent', label: 'Lead Agent' }]);

      // The creation and the link are in the audit trail, by the administrator.
      const trail = await auditOf(created.id);
      expect(trail[0]).to.deep.include({ operation: 'insert', actor: 'oa.admin' });
      expect(trail[0]!.changes).to.deep.include({ username: [null, 'Nina.New'], roles: [null, ['ssi_lead_agent']], party_codes: [null, ['OAH-UID-1']] });
      expect(trail[1]!.changes.password_link[1]).to.match(/^mailed/);
      expect(trail.at(-1)).to.deep.include({ operation: 'update', actor: 'Nina.New' });
      // The access log never holds the link. Its rows are queued as responses finish: wait for the reset requests'.
      let seen = 0;
      const logged = await waitFor(async () => {
        await fw.accessLog.flush();
        const rows: { url: string }[] = await fw.db.knex('sys_access_log').where('url', 'like', '/api/auth/reset/%').select('url');
        seen = rows.length;
        return rows.length >= 6 ? rows : null;
      }, { message: () => `the access log holds ${seen} of the 6 password-link requests` });
      for (const l of logged) expect(l.url).to.equal('/api/auth/reset/***');
    });

    it('refuses a taken username (any case), missing or malformed details, and fields an administrator may not set', async () => {
      const base = { username: 'olly.other', firstName: 'Olly', lastName: 'Other', email: 'olly@example.test', roles: [] };
      expectProblem(await call(web, 'POST', '/api/admin/users', { ...base, username: 'NINA.NEW' }), 409, 'unique_violation');
      const missing = expectProblem(await call(web, 'POST', '/api/admin/users', { username: 'olly.other' }), 422, 'validation_failed');
      expect(missing.errors.map((e: { field: string }) => e.field).sort()).to.deep.equal(['email', 'firstName', 'lastName']);
      expectProblem(await call(web, 'POST', '/api/admin/users', { ...base, email: 'not-an-email' }), 422, 'validation_failed');
      expectProblem(await call(web, 'POST', '/api/admin/users', { ...base, roles: ['no_such_role'] }), 422, 'validation_failed');
      expectProblem(await call(web, 'POST', '/api/admin/users', { ...base, userIds: ['OAO-UID-1'] }), 422, 'validation_failed');
      for (const extra of [{ org_id: 'x' }, { status: 'active' }, { password: TEST_PASSWORD }, { must_change_password: false }, { created_by: 'x' }, { version: 3 }, { id: 'x' }]) {
        const doc = expectProblem(await call(web, 'POST', '/api/admin/users', { ...base, ...extra }), 400, 'invalid_payload');
        expect(doc.errors[0].field).to.equal(Object.keys(extra)[0]);
      }
      // Another organisation as the home: not theirs.
      expectProblem(await call(web, 'POST', '/api/admin/users', { ...base, org: 'OA-OTHER' }), 403, 'forbidden');
      expectProblem(await call(web, 'POST', '/api/admin/users', { ...base, orgs: ['OA-OTHER'] }), 403, 'forbidden');
      expect(await fw.db.knex('sys_user').where({ username_key: 'olly.other' }).first()).to.equal(undefined);
    });

    it('rate-limits the public link endpoints per address, and answers 405 for other methods', async () => {
      fw.config.signInRateLimit = 2;
      clock.advance(MINUTE);
      const anon = new TestClient(server.url);
      const token = 'x'.repeat(43);
      expectProblem(await reply(await anon.get(`/api/auth/reset/${token}`)), 404, 'not_found');
      expectProblem(await reply(await anon.get(`/api/auth/reset/${token}`)), 404, 'not_found');
      const limited = await reply(await anon.get(`/api/auth/reset/${token}`));
      expectProblem(limited, 429, 'rate_limited');
      expect(Number(limited.headers.get('retry-after'))).to.be.greaterThan(0);
      fw.config.signInRateLimit = 1000;
      clock.advance(MINUTE);
      const put = await reply(await anon.request('PUT', `/api/auth/reset/${token}`, {}));
      expectProblem(put, 405, 'method_not_allowed');
      expectProblem(await reply(await anon.request('POST', `/api/auth/reset/${token}`, 'password=x', { 'content-type': 'application/x-www-form-urlencoded' })), 415, 'unsupported_media_type');
    });
  });

  describe('the role-assignment rule', () => {
    const person = (username: string, roles: string[]) => ({ username, firstName: 'Rita', lastName: 'Role', email: `${username}@example.test`, roles });

    it('an organisation administrator assigns only roles that give nothing beyond their own', async () => {
      // platform.admin; a capability they lack (CHReturn's UC_AssetReturn_001); table access they lack (agent's task grants).
      for (const role of ['admin', 'ssi_ch_return', 'agent']) {
        const doc = expectProblem(await call(web, 'POST', '/api/admin/users', person(`rita.${role.replace(/_/g, '')}`, ['ssi_mi_user', role])), 403, 'forbidden');
        expect(doc.errors).to.deep.equal([{ field: 'roles', code: 'not_assignable', message: doc.errors[0].message }]);
      }
      expect(await fw.db.knex('sys_user').where('username_key', 'like', 'rita.%').first()).to.equal(undefined);
      // Job-type roles within the administrator's transactions, and another organisation administrator.
      await ok(web, 'POST', '/api/admin/users', person('rita.ok', ['ssi_mi_user', 'ssi_call_centre_user', 'ssi_ch_order', 'ssi_org_admin']), 201);
      const roles = (await ok(web, 'GET', '/api/admin/roles', undefined, 200)).data as { name: string; assignable: boolean; reason?: string }[];
      const flag = (name: string) => roles.find((r) => r.name === name)!;
      expect(flag('ssi_lead_agent').assignable).to.equal(true);
      expect(flag('ssi_org_admin').assignable).to.equal(true);
      expect(flag('admin')).to.include({ assignable: false });
      expect(flag('admin').reason).to.match(/platform administration/);
      expect(flag('ssi_ch_return').reason).to.match(/UC_AssetReturn_001/);
      // The agent's first grant beyond an organisation administrator's: every organisation's catalogue requests.
      expect(flag('agent').reason).to.match(/reaches rows for read on table "catalog_[a-z_]+" beyond your own access/);
      expect(flag('sh_worker').assignable).to.equal(false);
    });

    it('adding or removing a role beyond the rule is refused; a stronger account is not theirs to manage', async () => {
      const rita = await fw.db.knex('sys_user').where({ username_key: 'rita.ok' }).first('id');
      expectProblem(await call(web, 'PATCH', `/api/admin/users/${rita.id}`, { roles: ['ssi_mi_user', 'admin'] }), 403, 'forbidden');
      expect((await ok(web, 'GET', `/api/admin/users/${rita.id}`, undefined, 200)).data.roles).to.deep.equal(['ssi_call_centre_user', 'ssi_ch_order', 'ssi_mi_user', 'ssi_org_admin']);
      // A platform administrator and a case worker living in the organisation: visible, not manageable.
      for (const roles of [['admin'], ['sh_worker']]) {
        const strong = await createUser(fw, { roles, org: 'OA-HOME', totp: false });
        expect((await ok(web, 'GET', `/api/admin/users/${strong.user.id}`, undefined, 200)).data.username).to.equal(strong.username);
        for (const [method, suffix, body] of [
          ['PATCH', '', { email: 'mine@example.test' }], ['POST', '/reset-password', {}], ['POST', '/unlock', {}],
          ['POST', '/revoke-sessions', {}], ['DELETE', '', undefined],
        ] as const) {
          expectProblem(await call(web, method, `/api/admin/users/${strong.user.id}${suffix}`, body), 403, 'forbidden');
        }
        const row = await fw.db.knex('sys_user').where({ id: strong.user.id }).first('email', 'status', 'password_hash');
        expect(row.email).to.equal(`${strong.username}@example.test`);
        expect(row.status).to.equal('active');
        expect(row.password_hash).to.match(/^scrypt/);
      }
    });

    it('a platform administrator assigns any role, in any organisation', async () => {
      const platform = await createUser(fw, { roles: ['admin'], org: 'OA-PLATFORM' });
      const pweb = await signIn(fw, server.url, platform);
      const made = (await ok(pweb, 'POST', '/api/admin/users', { ...person('rita.platform', ['admin', 'ssi_ch_return', 'agent']), org: 'OA-OTHER', userIds: ['OAO-UID-1'] }, 201)).data;
      expect(made.org.code).to.equal('OA-OTHER');
      expect(made.roles).to.deep.equal(['admin', 'agent', 'ssi_ch_return']);
      const listed = (await ok(pweb, 'GET', '/api/admin/users?org=OA-OTHER&sort=username', undefined, 200)).data.map((u: { username: string }) => u.username);
      expect(listed).to.deep.equal(['oa.stranger', 'rita.platform']);
      const everyone = await ok(pweb, 'GET', '/api/admin/users?limit=200', undefined, 200);
      expect(everyone.meta.total).to.equal(Number((await fw.db.knex('sys_user').count({ n: '*' }).first())!.n));
    });
  });

  describe('managing an account', () => {
    let person: TestUser;
    beforeEach(async () => {
      person = await createUser(fw, { roles: ['ssi_mi_user'], org: 'OA-HOME', userIds: ['OAH-UID-1'] });
    });

    it('edits names, email, phone, roles, party codes and status, audited field by field; username and organisation are not editable', async () => {
      const edited = (await ok(web, 'PATCH', `/api/admin/users/${person.user.id}`, {
        firstName: 'Edna', lastName: 'Edited', email: 'edna@example.test', phone: '+44 20 7946 0999',
        roles: ['ssi_lead_agent'], userIds: ['OAH-UID-1', 'OAH-UID-2'],
      }, 200)).data;
      expect(edited).to.include({ firstName: 'Edna', lastName: 'Edited', displayName: 'Edna Edited', email: 'edna@example.test', phone: '+44 20 7946 0999' });
      expect(edited.roles).to.deep.equal(['ssi_lead_agent']);
      expect(edited.userIds).to.deep.equal(['OAH-UID-1', 'OAH-UID-2']);
      const trail = await auditOf(person.user.id);
      expect(trail).to.have.length(1);
      expect(trail[0]).to.deep.include({ operation: 'update', actor: 'oa.admin' });
      expect(trail[0]!.changes).to.deep.include({
        first_name: ['Test', 'Edna'], email: [`${person.username}@example.test`, 'edna@example.test'],
        roles: [['ssi_mi_user'], ['ssi_lead_agent']], party_codes: [['OAH-UID-1'], ['OAH-UID-1', 'OAH-UID-2']],
      });
      // Nothing changed: no audit row.
      await ok(web, 'PATCH', `/api/admin/users/${person.user.id}`, { firstName: 'Edna' }, 200);
      expect(await auditOf(person.user.id)).to.have.length(1);

      for (const body of [{ username: 'renamed' }, { org: 'OA-OTHER' }, { org_id: 'x' }, { status: 'deleted' }, { locked_at: null }, { password: TEST_PASSWORD }, { version: 2 }]) {
        const r = await call(web, 'PATCH', `/api/admin/users/${person.user.id}`, body);
        expect([400, 422], r.text).to.include(r.status);
        expect(r.body.code).to.be.oneOf(['invalid_payload', 'validation_failed']);
      }
      expectProblem(await call(web, 'PATCH', `/api/admin/users/${person.user.id}`, { username: 'renamed' }), 400, 'invalid_payload');
      expectProblem(await call(web, 'PATCH', `/api/admin/users/${person.user.id}`, { userIds: ['OAO-UID-1'] }), 422, 'validation_failed');
      expectProblem(await call(web, 'PATCH', `/api/admin/users/${person.user.id}`, { orgs: ['OA-OTHER'] }), 403, 'forbidden');
      const row = await fw.db.knex('sys_user').where({ id: person.user.id }).first('username', 'org_id');
      expect(row.username).to.equal(person.username);
    });

    it('disabling ends the person\'s sessions and access; re-activating lets them sign in again', async () => {
      const session = await signIn(fw, server.url, person);
      const token = new TokenClient(server.url, await createToken(fw, person.username));
      await token.ok('GET', '/api/profile', undefined, 200);
      expect((await ok(web, 'PATCH', `/api/admin/users/${person.user.id}`, { status: 'disabled' }, 200)).data.status).to.equal('disabled');
      expectProblem(await reply(await session.get('/api/profile')), 401, 'unauthenticated');
      expectProblem(await token.get('/api/profile'), 401, 'unauthenticated');
      expectProblem(await reply(await new TestClient(server.url).post('/api/auth/sign-in', { username: person.username, password: person.password })), 401, 'invalid_credentials');
      await ok(web, 'PATCH', `/api/admin/users/${person.user.id}`, { status: 'active' }, 200);
      clock.advance(MINUTE);
      await signIn(fw, server.url, person);
      expectProblem(await call(web, 'PATCH', `/api/admin/users/${admin.user.id}`, { status: 'disabled' }), 409, 'conflict');
    });

    it('disabling revokes the person\'s API tokens for good: enabling the account again does not revive them', async () => {
      const token = new TokenClient(server.url, await createToken(fw, person.username, 'nightly'));
      const spare = await createToken(fw, person.username, 'spare');
      await fw.db.knex('sys_api_token').where({ user_id: person.user.id, name: 'spare' }).update({ expires_at: clock.now().toISOString() });
      await token.ok('GET', '/api/profile', undefined, 200);
      // The account page counts the tokens in use (not the expired one).
      expect((await ok(web, 'GET', `/api/admin/users/${person.user.id}`, undefined, 200)).data.apiTokens).to.equal(1);
      expect((await ok(web, 'PATCH', `/api/admin/users/${person.user.id}`, { status: 'disabled' }, 200)).data.apiTokens).to.equal(0);
      // At once on this instance: the credential cache saw the write.
      expectProblem(await token.get('/api/profile'), 401, 'unauthenticated');
      const rows = await fw.db.knex('sys_api_token').where({ user_id: person.user.id }).orderBy('name');
      expect(rows.map((r: Record<string, unknown>) => [r.name, r.revoked_at])).to.deep.equal([['nightly', clock.now().toISOString()], ['spare', null]]);
      const trail = await auditOf(person.user.id);
      expect(trail.at(-1)!.changes).to.deep.include({ status: ['active', 'disabled'], api_tokens_revoked: [null, 1] });

      await ok(web, 'PATCH', `/api/admin/users/${person.user.id}`, { status: 'active' }, 200);
      clock.advance(MINUTE);
      expectProblem(await token.get('/api/profile'), 401, 'unauthenticated');
      expectProblem(await new TokenClient(server.url, spare).get('/api/profile'), 401, 'unauthenticated');
      const fresh = new TokenClient(server.url, await createToken(fw, person.username, 'fresh'));
      await fresh.ok('GET', '/api/profile', undefined, 200);
      expect((await ok(web, 'GET', `/api/admin/users/${person.user.id}`, undefined, 200)).data.apiTokens).to.equal(1);
      // The person sees which tokens were revoked, and when.
      const listed = (await fresh.ok('GET', '/api/auth/tokens', undefined, 200)).data as { name: string; revokedAt: string | null }[];
      expect(listed.map((t) => [t.name, t.revokedAt])).to.have.deep.members([['nightly', rows[0].revoked_at], ['spare', null], ['fresh', null]]);
      expect((await auditOf(person.user.id)).at(-1)!.changes).to.deep.equal({ status: ['disabled', 'active'] });
    });

    it('unlocks a locked-out account', async () => {
      fw.config.lockoutThreshold = 2;
      const anon = new TestClient(server.url);
      for (let i = 0; i < 2; i++) await anon.json('POST', '/api/auth/sign-in', { username: person.username, password: 'wrong password here' }, 401);
      expect((await ok(web, 'GET', `/api/admin/users/${person.user.id}`, undefined, 200)).data.status).to.equal('locked');
      expect((await ok(web, 'GET', `/api/admin/users?q=${person.username}`, undefined, 200)).data[0].status).to.equal('locked');
      await anon.json('POST', '/api/auth/sign-in', { username: person.username, password: person.password }, 401);
      const unlocked = (await ok(web, 'POST', `/api/admin/users/${person.user.id}/unlock`, {}, 200)).data;
      expect(unlocked).to.include({ status: 'active', failedAttempts: 0, lockedAt: null });
      clock.advance(MINUTE);
      await signIn(fw, server.url, person);
      const trail = await auditOf(person.user.id);
      expect(trail.at(-1)!.changes.locked_at[1]).to.equal(null);
      expect(trail.at(-1)!.changes.locked_at[0]).to.be.a('string');
    });

    it('resets the password: sessions end, the old password stops working, and the mailed link sets a new one', async () => {
      const session = await signIn(fw, server.url, person);
      await session.json('GET', '/api/profile', undefined, 200);
      const since = smtp.messages.length;
      const done = (await ok(web, 'POST', `/api/admin/users/${person.user.id}/reset-password`, {}, 202)).data;
      expect(done).to.include({ sent: true, sentTo: `${person.username}@example.test`, sessionsEnded: 1 });
      expect(JSON.stringify(done)).to.not.match(/password"|token/i);
      expectProblem(await reply(await session.get('/api/profile')), 401, 'unauthenticated');
      expectProblem(await reply(await new TestClient(server.url).post('/api/auth/sign-in', { username: person.username, password: person.password })), 401, 'invalid_credentials');
      const first = await linkFor(`${person.username}@example.test`, since);
      expect(first.subject).to.equal('Reset your Formwork password');
      // A second reset replaces the first link.
      const since2 = smtp.messages.length;
      await ok(web, 'POST', `/api/admin/users/${person.user.id}/reset-password`, {}, 202);
      const second = await linkFor(`${person.username}@example.test`, since2);
      expectProblem(await reply(await new TestClient(server.url).get(`/api/auth/reset/${first.token}`)), 404, 'not_found');
      await new TestClient(server.url).json('POST', `/api/auth/reset/${second.token}`, { password: NEW_PASSWORD }, 200);
      person.password = NEW_PASSWORD;
      clock.advance(MINUTE);
      const again = await signIn(fw, server.url, person);
      await again.json('GET', '/api/profile', undefined, 200);
      const trail = await auditOf(person.user.id);
      expect(trail.filter((t) => t.changes.password)).to.have.length(3);
    });

    it('lists and ends the person\'s sessions, one or all, audited', async () => {
      const first = await signIn(fw, server.url, person);
      const sessions = (await ok(web, 'GET', `/api/admin/users/${person.user.id}/sessions`, undefined, 200)).data;
      expect(sessions).to.have.length(1);
      expect(sessions[0]).to.include({ stage: 'active' });
      expect(sessions[0].id).to.match(/^[0-9a-f]{64}$/);
      expect(await ok(web, 'DELETE', `/api/admin/sessions/${sessions[0].id}`, undefined, 204)).to.equal(null);
      expectProblem(await reply(await first.get('/api/profile')), 401, 'unauthenticated');
      expectProblem(await call(web, 'DELETE', `/api/admin/sessions/${sessions[0].id}`), 409, 'conflict');
      clock.advance(MINUTE);
      const second = await signIn(fw, server.url, person);
      expect((await ok(web, 'POST', `/api/admin/users/${person.user.id}/revoke-sessions`, {}, 200)).data).to.deep.equal({ revoked: 1 });
      expectProblem(await reply(await second.get('/api/profile')), 401, 'unauthenticated');
      // A session of someone of another organisation is not there for them.
      const theirs = await signIn(fw, server.url, stranger);
      const row = await fw.db.knex('sys_session').where({ user_id: stranger.user.id }).whereNull('revoked_at').first('id');
      expectProblem(await call(web, 'DELETE', `/api/admin/sessions/${row.id}`), 404, 'not_found');
      await theirs.json('GET', '/api/profile', undefined, 200);
      expect((await auditOf(person.user.id)).map((t) => Object.keys(t.changes)[0])).to.deep.equal(['session_revoked', 'sessions_revoked']);
    });

    it('deletes softly: status deleted, sessions and tokens revoked, audited; the username stays taken', async () => {
      const session = await signIn(fw, server.url, person);
      const token = new TokenClient(server.url, await createToken(fw, person.username));
      expect(await ok(web, 'DELETE', `/api/admin/users/${person.user.id}`, undefined, 204)).to.equal(null);
      expectProblem(await reply(await session.get('/api/profile')), 401, 'unauthenticated');
      expectProblem(await token.get('/api/profile'), 401, 'unauthenticated');
      const row = await fw.db.knex('sys_user').where({ id: person.user.id }).first();
      expect(row).to.include({ status: 'deleted', deleted_at: clock.now().toISOString() });
      expect(await fw.db.knex('sys_api_token').where({ user_id: person.user.id }).whereNull('revoked_at').first()).to.equal(undefined);
      expect(await fw.db.knex('sys_session').where({ user_id: person.user.id }).whereNull('revoked_at').first()).to.equal(undefined);
      const trail = await auditOf(person.user.id);
      expect(trail.at(-1)).to.deep.include({ operation: 'delete', actor: 'oa.admin' });
      expect(trail.at(-1)!.changes).to.deep.include({ status: ['active', 'deleted'], sessions_revoked: [null, 1], api_tokens_revoked: [null, 1] });
      expect((await ok(web, 'GET', `/api/admin/users/${person.user.id}`, undefined, 200)).data.status).to.equal('deleted');
      expect((await ok(web, 'GET', `/api/admin/users/check?username=${person.username.toUpperCase()}`, undefined, 200)).data.available).to.equal(false);
      expectProblem(await call(web, 'DELETE', `/api/admin/users/${person.user.id}`), 409, 'conflict');
      expectProblem(await call(web, 'PATCH', `/api/admin/users/${person.user.id}`, { firstName: 'Ghost' }), 409, 'conflict');
      expectProblem(await call(web, 'DELETE', `/api/admin/users/${admin.user.id}`), 409, 'conflict');
    });
  });

  describe('scoping to the administrator\'s organisation', () => {
    it('a person of another organisation answers 404 on every route, exactly like one that does not exist', async () => {
      const missing = '018f0000-0000-7000-8000-00000000dead';
      const routes: [string, string, unknown?][] = [
        ['GET', ''], ['PATCH', '', { firstName: 'X' }], ['DELETE', ''], ['POST', '/unlock', {}], ['POST', '/reset-password', {}],
        ['POST', '/revoke-sessions', {}], ['GET', '/sessions'],
      ];
      for (const [method, suffix, body] of routes) {
        const hidden = expectProblem(await call(web, method, `/api/admin/users/${stranger.user.id}${suffix}`, body), 404, 'not_found');
        const none = expectProblem(await call(web, method, `/api/admin/users/${missing}${suffix}`, body), 404, 'not_found');
        expect(hidden.detail.replace(stranger.user.id, '<id>')).to.equal(none.detail.replace(missing, '<id>'));
      }
      const row = await fw.db.knex('sys_user').where({ id: stranger.user.id }).first('status', 'first_name');
      expect(row).to.deep.equal({ status: 'active', first_name: 'Test' });
      expect(await auditOf(stranger.user.id)).to.deep.equal([]);
      const listed = await ok(web, 'GET', '/api/admin/users?limit=200', undefined, 200);
      expect(listed.data.every((u: { org: { code: string } }) => u.org.code === 'OA-HOME')).to.equal(true);
      expect(listed.data.map((u: { username: string }) => u.username)).to.not.include('oa.stranger');
      expectProblem(await call(web, 'GET', '/api/admin/users?org=OA-OTHER'), 403, 'forbidden');
      await ok(web, 'GET', '/api/admin/users?org=OA-HOME', undefined, 200);
      expectProblem(await call(web, 'GET', '/api/admin/users?org=NO-SUCH-ORG'), 404, 'not_found');
      expect((await ok(web, 'GET', '/api/admin/org-user-ids', undefined, 200)).data.map((u: { code: string }) => u.code)).to.deep.equal(['OAH-UID-1', 'OAH-UID-2']);
    });
  });

  describe('the account list (SSI-FR-59)', () => {
    let lister: TokenClient;
    before(async () => {
      const boss = await createUser(fw, { username: 'oal.boss', roles: ['ssi_org_admin'], org: 'OA-LIST', totp: false });
      lister = new TokenClient(server.url, await createToken(fw, boss.username));
      const people: [string, string | null, string | null, Record<string, unknown>][] = [
        ['list.alpha', 'Zed Alpha', '2026-11-20T10:00:00.000Z', {}],
        ['list.bravo', 'Amy Bravo', null, { locked_at: '2026-11-22T08:00:00.000Z' }],
        ['list.charlie', 'Mia Charlie', '2026-11-21T10:00:00.000Z', { status: 'disabled' }],
        ['list.delta', null, '2026-11-19T10:00:00.000Z', { status: 'deleted', deleted_at: '2026-11-22T08:00:00.000Z' }],
      ];
      for (const [username, display, last, extra] of people) {
        const u = await createUser(fw, { username, org: 'OA-LIST', totp: false });
        await fw.db.knex('sys_user').where({ id: u.user.id }).update({ display_name: display, last_sign_in_at: last, ...extra });
      }
    });

    const names = async (query: string) => {
      const body = await lister.ok('GET', `/api/admin/users?q=list.&${query}`, undefined, 200);
      return { names: body.data.map((u: { username: string }) => u.username.slice(5)), total: body.meta.total };
    };

    it('sorts by username, display name, status and last sign-in, either way, empty values last', async () => {
      expect((await names('sort=username')).names).to.deep.equal(['alpha', 'bravo', 'charlie', 'delta']);
      expect((await names('sort=-username')).names).to.deep.equal(['delta', 'charlie', 'bravo', 'alpha']);
      expect((await names('sort=displayName')).names).to.deep.equal(['bravo', 'charlie', 'alpha', 'delta']);
      expect((await names('sort=-displayName')).names).to.deep.equal(['alpha', 'charlie', 'bravo', 'delta']);
      expect((await names('sort=status')).names).to.deep.equal(['alpha', 'delta', 'charlie', 'bravo']);
      expect((await names('sort=-status')).names).to.deep.equal(['bravo', 'charlie', 'delta', 'alpha']);
      expect((await names('sort=lastSignInAt')).names).to.deep.equal(['delta', 'alpha', 'charlie', 'bravo']);
      expect((await names('sort=-lastSignInAt')).names).to.deep.equal(['charlie', 'alpha', 'delta', 'bravo']);
      const row = (await lister.ok('GET', '/api/admin/users?q=list.alpha', undefined, 200)).data[0];
      expect(row).to.include({ username: 'list.alpha', displayName: 'Zed Alpha', status: 'active', lastSignInAt: '2026-11-20T10:00:00.000Z' });
      expectProblem(await lister.get('/api/admin/users?sort=password_hash'), 400, 'invalid_query');
    });

    it('pages with limit and offset and gives the total; searches names; filters by status', async () => {
      expect(await names('sort=username&limit=2&offset=1')).to.deep.equal({ names: ['bravo', 'charlie'], total: 4 });
      expect(await names('sort=username&limit=2&offset=4')).to.deep.equal({ names: [], total: 4 });
      expect(await names('status=locked')).to.deep.equal({ names: ['bravo'], total: 1 });
      expect(await names('status=deleted')).to.deep.equal({ names: ['delta'], total: 1 });
      const mia = await lister.ok('GET', '/api/admin/users?q=MIA', undefined, 200);
      expect(mia.data.map((u: { username: string }) => u.username)).to.deep.equal(['list.charlie']);
      expect((await lister.ok('GET', '/api/admin/users?q=%25', undefined, 200)).meta.total).to.equal(0);
      expect((await lister.ok('GET', '/api/admin/users?q=list_', undefined, 200)).meta.total).to.equal(0);
      const all = await lister.ok('GET', '/api/admin/users', undefined, 200);
      expect(all.meta).to.deep.equal({ total: 5, limit: 50, offset: 0 });
      for (const bad of ['limit=0', 'limit=201', 'offset=-1', 'status=asleep', 'nope=1']) {
        expectProblem(await lister.get(`/api/admin/users?${bad}`), 400, 'invalid_query');
      }
    });
  });
});
