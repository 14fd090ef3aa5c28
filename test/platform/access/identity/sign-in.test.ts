import { expect } from 'chai';
import { sha256 } from '../../../../platform/access/crypto.js';
import { signIn as passwordStep, unlockUserByOperator } from '../../../../platform/access/identity/index.js';
import {
  createIdentityEngine, createToken, createUser, freshTotpCode, serve, signIn, TestClient, type RunningServer, type TestUser,
} from '../../../support/auth.js';
import type { TestEngine } from '../../../support/engine.js';

const MINUTE = 60_000;

/** Status and problem document of a response (requestId dropped: it differs per request by design). */
async function problemOf(res: Response) {
  const body = await res.json();
  delete body.requestId;
  return { status: res.status, contentType: res.headers.get('content-type'), body };
}

async function expectCode(res: Response, status: number, code: string) {
  const text = await res.text();
  expect(res.status, text).to.equal(status);
  expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
  expect(JSON.parse(text).code, text).to.equal(code);
}

describe('Sign-in and sessions over HTTP', () => {
  let fw: TestEngine;
  let clock: Awaited<ReturnType<typeof createIdentityEngine>>['clock'];
  let server: RunningServer;
  let taskId: string;

  before(async () => {
    ({ fw, clock } = await createIdentityEngine());
    server = await serve(fw);
    const task = await fw.records.createOne('task', { short_description: 'Seen only after sign-in' }, { actor: fw.systemActor });
    taskId = task.id as string;
  });
  after(async () => {
    await server?.close();
    await fw?.dispose();
  });
  beforeEach(() => {
    fw.config.singleSession = true;
    fw.config.lockoutThreshold = 5;
    fw.config.publicUrl = null;
    fw.config.signInRateLimit = 1000;
    // A fresh minute and TOTP step for every test, so codes of earlier tests are never "replays".
    clock.advance(2 * MINUTE);
  });

  const agent = () => createUser(fw, { roles: ['agent'] });

  describe('the MFA gate', () => {
    /** Every kind of API request a session that has not passed MFA might try. */
    const attempts = (client: TestClient) => [
      client.get('/api/tables/task'),
      client.get(`/api/tables/task/${taskId}`),
      client.get(`/api/tables/task/${taskId}/history`),
      client.get(`/api/tables/task/${taskId}/journal`),
      client.post('/api/tables/task', { short_description: 'sneaky' }),
      client.request('PATCH', `/api/tables/task/${taskId}`, { short_description: 'sneaky' }),
      client.request('DELETE', `/api/tables/task/${taskId}`),
      client.get('/api/meta/menus'),
      client.get('/api/meta/tables/task'),
      client.get('/api/meta/forms/task'),
      client.get('/api/auth/tokens'),
      client.post('/api/auth/tokens', { name: 'x' }),
      client.post('/api/auth/password', { current: 'x', new: 'y' }),
      client.get('/api/auth/profile'),
      client.get('/API/Tables/Task/'),
      client.get('/api/nothing/here'),
    ];

    it('a session that skipped MFA reaches no API route: every one answers 401 unauthenticated', async () => {
      const u = await agent();
      const client = new TestClient(server.url);
      const body = await client.json('POST', '/api/auth/sign-in', { username: u.username, password: u.password }, 200);
      expect(body.data).to.include({ stage: 'mfa' });
      expect(body.data.user).to.deep.equal({ username: u.username, email: `u•••@example.test` });
      for (const res of await Promise.all(attempts(client))) await expectCode(res, 401, 'unauthenticated');
      const task = await fw.records.readOne('task', taskId, { actor: fw.systemActor });
      expect(task).to.include({ short_description: 'Seen only after sign-in', version: 1 });
    });

    it('a session at the forced password change reaches only that step', async () => {
      const u = await createUser(fw, { roles: ['agent'], mustChangePassword: true });
      const client = new TestClient(server.url);
      await client.json('POST', '/api/auth/sign-in', { username: u.username, password: u.password }, 200);
      const mfa = await client.json('POST', '/api/auth/mfa/verify', { code: await freshTotpCode(fw, u.user.id, u.secret!) }, 200);
      expect(mfa.data.stage).to.equal('change_password');
      for (const res of await Promise.all(attempts(client).filter((_, i) => i !== 12))) await expectCode(res, 401, 'unauthenticated');
      await expectCode(await client.post('/api/auth/mfa/verify', { code: '123456' }), 401, 'unauthenticated');
    });

    it('an anonymous request gets 401 unauthenticated; the health check stays public', async () => {
      const client = new TestClient(server.url);
      await expectCode(await client.get('/api/tables/task'), 401, 'unauthenticated');
      await expectCode(await client.get('/api/meta/menus'), 401, 'unauthenticated');
      await expectCode(await client.get('/api/auth/session'), 401, 'unauthenticated');
      expect((await client.get('/api/health')).status).to.equal(200);
    });

    it('a full sign-in reaches the API, records the sign-in time and resets the failure count', async () => {
      const u = await agent();
      await fw.db.knex('sys_user').where({ id: u.user.id }).update({ failed_attempts: 2 });
      const client = await signIn(fw, server.url, u);
      const res = await client.get(`/api/tables/task/${taskId}`);
      expect(res.status).to.equal(200);
      const row = await fw.db.knex('sys_user').where({ id: u.user.id }).first('failed_attempts', 'last_sign_in_at');
      expect(Number(row.failed_attempts)).to.equal(0);
      expect(row.last_sign_in_at).to.equal(clock.now().toISOString());
      const session = await client.json('GET', '/api/auth/session', undefined, 200);
      expect(session.data).to.include({ stage: 'active', idleMinutes: 15 });
      expect(session.data.user).to.include({ id: u.user.id, username: u.username });
      expect(session.data.csrfToken).to.be.a('string').with.length(43);
    });
  });

  describe('cookies and session fixation', () => {
    it('sets an HttpOnly, SameSite=Lax, Path=/ cookie of 32 random bytes, stored only as its SHA-256', async () => {
      const u = await agent();
      const res = await new TestClient(server.url).post('/api/auth/sign-in', { username: u.username, password: u.password });
      const cookie = res.headers.getSetCookie()[0]!;
      expect(cookie).to.match(/^formwork_session=[A-Za-z0-9_-]{43};/);
      expect(cookie).to.match(/; HttpOnly/i).and.match(/; SameSite=Lax/i).and.match(/; Path=\//);
      expect(cookie).not.to.match(/; Secure/i);
      const value = /^formwork_session=([^;]+)/.exec(cookie)![1]!;
      expect(await fw.db.knex('sys_session').where({ id: value }).first()).to.equal(undefined);
      expect(await fw.db.knex('sys_session').where({ id: sha256(value) }).first()).to.include({ user_id: u.user.id, stage: 'mfa' });
    });

    it('under https uses the __Host- prefix and Secure', async () => {
      fw.config.publicUrl = 'https://formwork.example';
      const u = await agent();
      const res = await new TestClient(server.url).post('/api/auth/sign-in', { username: u.username, password: u.password });
      const cookie = res.headers.getSetCookie()[0]!;
      expect(cookie).to.match(/^__Host-formwork_session=/).and.match(/; Secure/i).and.match(/; Path=\//);
      expect(cookie).not.to.match(/Domain=/i);
    });

    it('never keeps an id the client presented, and gives a new id after MFA', async () => {
      const attacker = await agent();
      const victim = await agent();
      // The attacker's own pending session id, planted in the victim's browser.
      const planted = new TestClient(server.url);
      await planted.json('POST', '/api/auth/sign-in', { username: attacker.username, password: attacker.password }, 200);
      const client = new TestClient(server.url);
      client.cookies.set('formwork_session', planted.sessionCookie!);
      await client.json('POST', '/api/auth/sign-in', { username: victim.username, password: victim.password }, 200);
      const preMfa = client.sessionCookie!;
      expect(preMfa).not.to.equal(planted.sessionCookie);
      await expectCode(await planted.get('/api/auth/session'), 401, 'unauthenticated');

      await client.json('POST', '/api/auth/mfa/verify', { code: await freshTotpCode(fw, victim.user.id, victim.secret!) }, 200);
      expect(client.sessionCookie).to.be.a('string').and.not.equal(preMfa);
      const stale = new TestClient(server.url);
      stale.cookies.set('formwork_session', preMfa);
      await expectCode(await stale.get('/api/auth/session'), 401, 'unauthenticated');
      expect((await client.get(`/api/tables/task/${taskId}`)).status).to.equal(200);
    });

    it('ignores a made-up cookie value: the sign-in issues its own', async () => {
      const u = await agent();
      const client = new TestClient(server.url);
      client.cookies.set('formwork_session', 'A'.repeat(43));
      await client.json('POST', '/api/auth/sign-in', { username: u.username, password: u.password }, 200);
      expect(client.sessionCookie).not.to.equal('A'.repeat(43));
    });
  });

  describe('expiry', () => {
    it('ends a session 15 minutes after its last activity, with 401 session_expired', async () => {
      const client = await signIn(fw, server.url, await agent());
      clock.advance(14 * MINUTE + 59_000);
      expect((await client.get('/api/tables/task')).status).to.equal(200);
      clock.advance(14 * MINUTE + 59_000);
      expect((await client.get('/api/tables/task')).status).to.equal(200);
      clock.advance(15 * MINUTE);
      const expired = await client.get('/api/tables/task');
      expect(expired.headers.getSetCookie().join()).to.match(/formwork_session=;/);
      await expectCode(expired, 401, 'session_expired');
    });

    it('expires exactly at the idle deadline the session reports, and polling the session is not activity', async () => {
      const client = await signIn(fw, server.url, await agent());
      const first = (await client.json('GET', '/api/auth/session', undefined, 200)).data;
      expect(new Date(first.idleExpiresAt).getTime() - clock.now().getTime()).to.equal(15 * MINUTE);
      clock.advance(10 * MINUTE);
      const polled = (await client.json('GET', '/api/auth/session', undefined, 200)).data;
      expect(polled.idleExpiresAt).to.equal(first.idleExpiresAt);
      clock.set(first.idleExpiresAt);
      clock.advance(-1000);
      expect((await client.get('/api/auth/session')).status).to.equal(200);
      clock.advance(1000);
      const cookie = client.sessionCookie!;
      await expectCode(await client.get('/api/auth/session'), 401, 'session_expired');
      // The cookie was cleared; a client that sends it anyway keeps hearing that it expired.
      client.cookies.set('formwork_session', cookie);
      await expectCode(await client.get('/api/tables/task'), 401, 'session_expired');
    });

    it('extends the idle deadline on request (the idle warning)', async () => {
      const client = await signIn(fw, server.url, await agent());
      clock.advance(14 * MINUTE);
      const extended = (await client.json('POST', '/api/auth/session/extend', undefined, 200)).data;
      expect(new Date(extended.idleExpiresAt).getTime()).to.equal(clock.now().getTime() + 15 * MINUTE);
      clock.advance(14 * MINUTE);
      expect((await client.get('/api/auth/session')).status).to.equal(200);
      clock.advance(MINUTE);
      await expectCode(await client.get('/api/auth/session'), 401, 'session_expired');
    });

    it('ends a session 9 hours after authentication even when it is busy', async () => {
      const u = await agent();
      const client = await signIn(fw, server.url, u);
      const signedInAt = clock.now().getTime();
      const { data } = await client.json('GET', '/api/auth/session', undefined, 200);
      expect(new Date(data.expiresAt).getTime()).to.equal(signedInAt + 9 * 60 * MINUTE);
      for (let t = 10; t < 540; t += 10) {
        clock.set(new Date(signedInAt + t * MINUTE).toISOString());
        const res = await client.get('/api/tables/task?limit=1');
        expect(res.status, `after ${t} minutes`).to.equal(200);
      }
      clock.set(new Date(signedInAt + 540 * MINUTE - 1000).toISOString());
      expect((await client.get('/api/tables/task?limit=1')).status).to.equal(200);
      clock.set(new Date(signedInAt + 540 * MINUTE).toISOString());
      await expectCode(await client.get('/api/tables/task?limit=1'), 401, 'session_expired');
      const row = await fw.db.knex('sys_session').where({ user_id: u.user.id }).whereNotNull('authenticated_at').first('revoked_reason');
      expect(row.revoked_reason).to.equal('expired');
    });

    it('a session waiting for MFA lasts one idle period', async () => {
      const u = await agent();
      const client = new TestClient(server.url);
      await client.json('POST', '/api/auth/sign-in', { username: u.username, password: u.password }, 200);
      clock.advance(15 * MINUTE);
      await expectCode(await client.post('/api/auth/mfa/verify', { code: await freshTotpCode(fw, u.user.id, u.secret!) }), 401, 'session_expired');
    });
  });

  describe('ending sessions', () => {
    it('a second sign-in of the same user ends the first (superseded)', async () => {
      const u = await agent();
      const first = await signIn(fw, server.url, u);
      const second = await signIn(fw, server.url, u);
      await expectCode(await first.get('/api/tables/task'), 401, 'unauthenticated');
      expect((await second.get('/api/tables/task')).status).to.equal(200);
      const reasons = await fw.db.knex('sys_session').where({ user_id: u.user.id }).whereNotNull('revoked_at').pluck('revoked_reason');
      expect(reasons).to.deep.equal(['superseded']);
    });

    it('with SINGLE_SESSION=false both sessions stay', async () => {
      fw.config.singleSession = false;
      const u = await agent();
      const first = await signIn(fw, server.url, u);
      const second = await signIn(fw, server.url, u);
      expect((await first.get('/api/tables/task')).status).to.equal(200);
      expect((await second.get('/api/tables/task')).status).to.equal(200);
    });

    it('signing out ends the session and clears the cookie', async () => {
      const client = await signIn(fw, server.url, await agent());
      const cookie = client.sessionCookie!;
      const res = await client.post('/api/auth/sign-out');
      expect(res.status).to.equal(204);
      expect(res.headers.getSetCookie().join()).to.match(/formwork_session=;/);
      expect(client.sessionCookie).to.equal(undefined);
      client.cookies.set('formwork_session', cookie);
      await expectCode(await client.get('/api/tables/task'), 401, 'unauthenticated');
      const row = await fw.db.knex('sys_session').where({ id: sha256(cookie) }).first('revoked_reason');
      expect(row.revoked_reason).to.equal('signed_out');
    });

    it('changing the password ends the user\'s other sessions and keeps this one', async () => {
      fw.config.singleSession = false;
      const u = await agent();
      const other = await signIn(fw, server.url, u);
      const current = await signIn(fw, server.url, u);
      await current.json('POST', '/api/auth/password', { current: u.password, new: 'a brand new passphrase' }, 200);
      await expectCode(await other.get('/api/tables/task'), 401, 'unauthenticated');
      expect((await current.get('/api/tables/task')).status).to.equal(200);
      const reasons = await fw.db.knex('sys_session').where({ user_id: u.user.id }).whereNotNull('revoked_at').pluck('revoked_reason');
      expect(reasons).to.deep.equal(['password_changed']);
      u.password = 'a brand new passphrase';
      await signIn(fw, server.url, u);
    });

    it('disabling the account ends its sessions at the next request', async () => {
      const u = await agent();
      const client = await signIn(fw, server.url, u);
      await fw.db.knex('sys_user').where({ id: u.user.id }).update({ status: 'disabled' });
      await expectCode(await client.get('/api/tables/task'), 401, 'unauthenticated');
    });
  });

  describe('CSRF', () => {
    it('refuses cookie-authenticated writes without the token or with a wrong one (403 csrf_failed)', async () => {
      const client = await signIn(fw, server.url, await agent());
      const good = client.csrfToken!;
      await expectCode(await client.post('/api/tables/task', { short_description: 'x' }, { 'x-csrf-token': '' }), 403, 'csrf_failed');
      client.csrfToken = null;
      await expectCode(await client.post('/api/tables/task', { short_description: 'x' }), 403, 'csrf_failed');
      await expectCode(await client.post('/api/tables/task', { short_description: 'x' }, { 'x-csrf-token': good.slice(0, -1) + (good.endsWith('A') ? 'B' : 'A') }), 403, 'csrf_failed');
      await expectCode(await client.post('/api/auth/sign-out'), 403, 'csrf_failed');
      expect((await client.get('/api/tables/task')).status).to.equal(200);
      client.csrfToken = good;
      expect((await client.post('/api/tables/task', { short_description: 'x' })).status).to.equal(201);
    });

    it('exempts bearer-token requests', async () => {
      const u = await agent();
      const token = await createToken(fw, u.username);
      const res = await fetch(`${server.url}/api/tables/task`, {
        method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ short_description: 'machine' }),
      });
      expect(res.status).to.equal(201);
    });

    it('with PUBLIC_URL set, refuses a sign-in from another origin', async () => {
      fw.config.publicUrl = 'http://formwork.example';
      const u = await agent();
      const body = JSON.stringify({ username: u.username, password: u.password });
      const headers = { 'content-type': 'application/json' };
      await expectCode(await fetch(`${server.url}/api/auth/sign-in`, { method: 'POST', headers: { ...headers, origin: 'http://evil.example' }, body }), 403, 'csrf_failed');
      const ok = await fetch(`${server.url}/api/auth/sign-in`, { method: 'POST', headers: { ...headers, origin: 'http://formwork.example' }, body });
      expect(ok.status).to.equal(200);
      await expectCode(await fetch(`${server.url}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body }), 415, 'unsupported_media_type');
    });
  });

  describe('failures, lockout and rate limits', () => {
    const attempt = (username: string, password: string) =>
      fetch(`${server.url}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });

    it('answers unknown user, wrong password, locked and disabled accounts identically (401 invalid_credentials)', async () => {
      const wrong = await agent();
      const locked = await agent();
      await fw.db.knex('sys_user').where({ id: locked.user.id }).update({ locked_at: clock.now().toISOString() });
      const disabled = await createUser(fw, { status: 'disabled' });
      const answers = [
        await problemOf(await attempt('nobody-at-all', 'whatever password')),
        await problemOf(await attempt(wrong.username, 'not the password')),
        await problemOf(await attempt(locked.username, locked.password)),
        await problemOf(await attempt(disabled.username, disabled.password)),
      ];
      expect(answers[0]!.status).to.equal(401);
      expect(answers[0]!.body.code).to.equal('invalid_credentials');
      for (const a of answers.slice(1)) expect(a).to.deep.equal(answers[0]);
    });

    it('spends the same password-hashing work on an unknown username as on a wrong password', async () => {
      // A cost where one scrypt verification (~16 MiB) clearly dominates a request; without the dummy hash an
      // unknown username would answer several times faster than a known one.
      fw.config.scryptLog2N = 14;
      fw.config.lockoutThreshold = 1000;
      try {
        const u = await createUser(fw);
        const time = async (username: string) => {
          const t0 = performance.now();
          await attempt(username, 'not the password');
          return performance.now() - t0;
        };
        await time('warm-up-user');
        const unknown: number[] = [];
        const known: number[] = [];
        for (let i = 0; i < 5; i += 1) {
          unknown.push(await time(`unknown-${i}`));
          known.push(await time(u.username));
        }
        const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[2]!;
        const ratio = median(unknown) / median(known);
        expect(ratio, `unknown ${median(unknown).toFixed(1)} ms vs known ${median(known).toFixed(1)} ms`).to.be.within(0.5, 2);
      } finally {
        fw.config.scryptLog2N = 10;
      }
    });

    it('locks the account after LOCKOUT_THRESHOLD consecutive failures; an administrator unlocks it', async () => {
      fw.config.lockoutThreshold = 3;
      const u = await agent();
      for (let i = 0; i < 3; i += 1) await expectCode(await attempt(u.username, 'wrong password!'), 401, 'invalid_credentials');
      const row = await fw.db.knex('sys_user').where({ id: u.user.id }).first('locked_at', 'failed_attempts');
      expect(row.locked_at).to.be.a('string');
      const unknown = await problemOf(await attempt('no-such-user-here', u.password));
      expect(await problemOf(await attempt(u.username, u.password))).to.deep.equal(unknown);
      await unlockUserByOperator(fw, u.username);
      const client = await signIn(fw, server.url, u);
      expect((await client.get('/api/tables/task')).status).to.equal(200);
    });

    it('counts failed MFA codes towards the lockout and ends the waiting session when it locks', async () => {
      fw.config.lockoutThreshold = 2;
      const u = await agent();
      const client = new TestClient(server.url);
      await client.json('POST', '/api/auth/sign-in', { username: u.username, password: u.password }, 200);
      await expectCode(await client.post('/api/auth/mfa/verify', { code: '000000' }), 401, 'mfa_failed');
      await expectCode(await client.post('/api/auth/mfa/verify', { code: '999999' }), 401, 'mfa_failed');
      await expectCode(await client.post('/api/auth/mfa/verify', { code: await freshTotpCode(fw, u.user.id, u.secret!) }), 401, 'unauthenticated');
      expect((await fw.db.knex('sys_user').where({ id: u.user.id }).first('locked_at')).locked_at).to.be.a('string');
    });

    it('rate-limits sign-in per address: 429 rate_limited with Retry-After, until the window passes', async () => {
      fw.config.signInRateLimit = 3;
      clock.set(new Date(Math.ceil(clock.now().getTime() / MINUTE) * MINUTE).toISOString());
      const u = await agent();
      for (let i = 0; i < 3; i += 1) await expectCode(await attempt(`someone-${i}`, 'wrong password'), 401, 'invalid_credentials');
      const limited = await attempt(u.username, u.password);
      expect(limited.headers.get('retry-after')).to.equal('60');
      const body = await limited.json();
      expect(limited.status).to.equal(429);
      expect(body).to.include({ code: 'rate_limited', retryAfter: 60 });
      clock.advance(MINUTE);
      expect((await attempt(u.username, u.password)).status).to.equal(200);
    });

    it('rate-limits sign-in per username across addresses', async () => {
      fw.config.signInRateLimit = 2;
      const u = await agent();
      const tries = [];
      for (const ip of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) {
        tries.push(await passwordStep(fw, { username: u.username.toUpperCase(), password: 'wrong password', ip }).then(() => 'ok', (e) => e.code));
      }
      expect(tries).to.deep.equal(['invalid_credentials', 'invalid_credentials', 'rate_limited']);
    });
  });

  describe('first sign-in: forced password change and profile', () => {
    let u: TestUser;
    let client: TestClient;

    it('takes a new user from the temporary password through MFA, a new password and the profile to active', async () => {
      u = await createUser(fw, { roles: ['agent'], mustChangePassword: true, profileConfirmed: false });
      client = new TestClient(server.url);
      await client.json('POST', '/api/auth/sign-in', { username: u.username, password: u.password }, 200);
      let body = await client.json('POST', '/api/auth/mfa/verify', { code: await freshTotpCode(fw, u.user.id, u.secret!) }, 200);
      expect(body.data.stage).to.equal('change_password');
      await expectCode(await client.post('/api/auth/profile', { first_name: 'A' }), 401, 'unauthenticated');

      const weak = await client.post('/api/auth/password', { current: u.password, new: 'short' });
      expect(weak.status).to.equal(422);
      expect((await weak.json()).errors[0]).to.include({ field: 'new', code: 'too_short' });
      const same = await client.post('/api/auth/password', { current: u.password, new: u.username });
      expect(same.status).to.equal(422);
      const wrongCurrent = await client.post('/api/auth/password', { current: 'not it at all', new: 'a perfectly good passphrase' });
      expect((await wrongCurrent.json()).errors[0]).to.include({ field: 'current', code: 'incorrect' });
      const unchanged = await client.post('/api/auth/password', { current: u.password, new: u.password });
      expect((await unchanged.json()).errors[0]).to.include({ field: 'new', code: 'unchanged' });

      body = await client.json('POST', '/api/auth/password', { current: u.password, new: 'a perfectly good passphrase' }, 200);
      expect(body.data.stage).to.equal('profile');
      await expectCode(await client.get('/api/tables/task'), 401, 'unauthenticated');

      const missing = await client.post('/api/auth/profile', { first_name: 'Ada', email: 'not an email' });
      expect(missing.status).to.equal(422);
      const fields = (await missing.json()).errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`);
      expect(fields).to.have.members(['last_name:required', 'email:pattern', 'phone:required']);

      const saved = await client.json('POST', '/api/auth/profile', { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.test', phone: '+44 20 7946 0018' }, 200);
      expect(saved.data.stage).to.equal('active');
      expect(saved.message).to.contain('Ada').and.contain('saved').and.contain('ada@example.test');
      expect(saved.profile).to.deep.equal({ first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.test', phone: '+44 20 7946 0018' });
      const row = await fw.db.knex('sys_user').where({ id: u.user.id }).first();
      expect(row).to.include({ first_name: 'Ada', last_name: 'Lovelace', display_name: 'Ada Lovelace', email: 'ada@example.test' });
      expect(Boolean(row.profile_confirmed)).to.equal(true);
      expect(Boolean(row.must_change_password)).to.equal(false);
      expect((await client.get(`/api/tables/task/${taskId}`)).status).to.equal(200);
    });

    it('the next sign-in goes straight from MFA to active, and GET /api/auth/profile shows the details', async () => {
      u.password = 'a perfectly good passphrase';
      const again = await signIn(fw, server.url, u);
      const profile = await again.json('GET', '/api/auth/profile', undefined, 200);
      expect(profile.data).to.deep.equal({ first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.test', phone: '+44 20 7946 0018', confirmed: true });
    });
  });

  describe('passwords at rest', () => {
    it('stores scrypt hashes with their parameters and rehashes at sign-in when the cost changed', async () => {
      const u = await agent();
      const before = (await fw.db.knex('sys_user').where({ id: u.user.id }).first('password_hash')).password_hash as string;
      expect(before).to.match(/^scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
      fw.config.scryptLog2N = 11;
      try {
        await new TestClient(server.url).json('POST', '/api/auth/sign-in', { username: u.username, password: u.password }, 200);
      } finally {
        fw.config.scryptLog2N = 10;
      }
      const after = (await fw.db.knex('sys_user').where({ id: u.user.id }).first('password_hash')).password_hash as string;
      expect(after).to.match(/^scrypt\$ln=11,r=8,p=1\$/);
      await new TestClient(server.url).json('POST', '/api/auth/sign-in', { username: u.username, password: u.password }, 200);
    });
  });
});
