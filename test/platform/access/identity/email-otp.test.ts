import { expect } from 'chai';
import { createMailer } from '../../../../platform/notify/mailer.js';
import { createIdentityEngine, createUser, ensureOrg, serve, TestClient, type RunningServer, type TestUser } from '../../../support/auth.js';
import type { TestEngine } from '../../../support/engine.js';
import { startSmtpServer, type TestSmtpServer } from '../../../support/smtp.js';

const MINUTE = 60_000;

describe('Emailed one-time codes (MFA fallback) through a real SMTP server', () => {
  let fw: TestEngine;
  let clock: Awaited<ReturnType<typeof createIdentityEngine>>['clock'];
  let server: RunningServer;
  let smtp: TestSmtpServer;

  before(async () => {
    ({ fw, clock } = await createIdentityEngine());
    smtp = await startSmtpServer();
    fw.mailer = createMailer({ smtpUrl: smtp.url, mailFrom: 'Formwork <formwork@example.test>' }, fw.log);
    await ensureOrg(fw, 'FALLBACK', { mfaEmailFallback: true });
    server = await serve(fw);
  });
  after(async () => {
    await server?.close();
    fw?.mailer.close();
    await smtp?.close();
    await fw?.dispose();
  });
  beforeEach(() => clock.advance(MINUTE));

  /** A user of the fallback organisation without an authenticator, at the MFA step. */
  async function atMfa(): Promise<{ u: TestUser; client: TestClient }> {
    const u = await createUser(fw, { org: 'FALLBACK', totp: false, roles: ['agent'] });
    const client = new TestClient(server.url);
    const body = await client.json('POST', '/api/auth/sign-in', { username: u.username, password: u.password }, 200);
    expect(body.data.stage).to.equal('mfa');
    expect(body.data.mfa).to.deep.equal({ totp: false, totpEnrolled: false, email: true });
    return { u, client };
  }

  /** Ask for a code and read it from the mail that arrived. */
  async function requestCode(client: TestClient, u: TestUser): Promise<string> {
    const since = smtp.messages.length;
    const body = await client.json('POST', '/api/auth/mfa/email', undefined, 202);
    expect(body.data.sentTo).to.equal('u•••@example.test');
    const mail = await smtp.waitFor((m) => m.to.includes(`${u.username}@example.test`), { since });
    expect(mail.subject).to.equal('Your sign-in code');
    expect(mail.from).to.equal('formwork@example.test');
    const code = /\b(\d{6})\b/.exec(mail.text)?.[1];
    expect(code, mail.text).to.be.a('string');
    return code!;
  }

  it('mails a 6-digit code that completes the sign-in, stored only as a hash', async () => {
    const { u, client } = await atMfa();
    const code = await requestCode(client, u);
    const row = await fw.db.knex('sys_email_otp').where({ user_id: u.user.id }).first();
    expect(row.code_hash).to.match(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.to.contain(code);
    const done = await client.json('POST', '/api/auth/mfa/email/verify', { code }, 200);
    expect(done.data.stage).to.equal('active');
    expect((await client.get('/api/tables/task')).status).to.equal(200);
  });

  it('only the latest code is valid: asking again supersedes the earlier one', async () => {
    const { u, client } = await atMfa();
    const first = await requestCode(client, u);
    let second = await requestCode(client, u);
    // Two random codes may collide (1 in a million); ask once more rather than test nothing.
    if (second === first) second = await requestCode(client, u);
    const refused = await client.post('/api/auth/mfa/email/verify', { code: first });
    expect(refused.status).to.equal(401);
    expect((await refused.json()).code).to.equal('mfa_failed');
    await client.json('POST', '/api/auth/mfa/email/verify', { code: second }, 200);
  });

  it('a code expires 10 minutes after it was sent', async () => {
    const { u, client } = await atMfa();
    const code = await requestCode(client, u);
    // The session waiting for MFA lives 15 minutes; the code only 10.
    clock.advance(10 * MINUTE);
    const late = await client.post('/api/auth/mfa/email/verify', { code });
    expect(late.status).to.equal(401);
    expect((await late.json()).code).to.equal('mfa_failed');

    const { u: other, client: second } = await atMfa();
    const fresh = await requestCode(second, other);
    clock.advance(10 * MINUTE - 1000);
    await second.json('POST', '/api/auth/mfa/email/verify', { code: fresh }, 200);
  });

  it('a code is single use', async () => {
    const { u, client } = await atMfa();
    const code = await requestCode(client, u);
    await client.json('POST', '/api/auth/mfa/email/verify', { code }, 200);
    const again = new TestClient(server.url);
    await again.json('POST', '/api/auth/sign-in', { username: u.username, password: u.password }, 200);
    expect((await again.post('/api/auth/mfa/email/verify', { code })).status).to.equal(401);
  });

  it('a code allows a limited number of attempts', async () => {
    fw.config.lockoutThreshold = 100;
    try {
      const { u, client } = await atMfa();
      const code = await requestCode(client, u);
      const wrong = code === '000000' ? '111111' : '000000';
      for (let i = 0; i < 5; i += 1) expect((await client.post('/api/auth/mfa/email/verify', { code: wrong })).status).to.equal(401);
      expect((await client.post('/api/auth/mfa/email/verify', { code })).status).to.equal(401);
    } finally {
      fw.config.lockoutThreshold = 5;
    }
  });

  it('with the fallback on offer, the password alone cannot enrol an authenticator instead (403)', async () => {
    const { client } = await atMfa();
    const res = await client.post('/api/auth/mfa/enrol');
    expect(res.status).to.equal(403);
    expect((await res.json()).code).to.equal('forbidden');
  });

  it('is refused (403) for organisations without the fallback', async () => {
    const u = await createUser(fw, { totp: false });
    const client = new TestClient(server.url);
    const body = await client.json('POST', '/api/auth/sign-in', { username: u.username, password: u.password }, 200);
    expect(body.data.stage).to.equal('mfa_enrol');
    const res = await client.post('/api/auth/mfa/email');
    expect(res.status).to.equal(403);
    expect((await res.json()).code).to.equal('forbidden');
    expect((await client.post('/api/auth/mfa/email/verify', { code: '123456' })).status).to.equal(403);
  });

  it('without SMTP_URL answers 503 mail_unavailable and logs nothing sensitive', async () => {
    const lines: string[] = [];
    const log = {
      debug() {}, info() {}, error() {},
      warn(msg: string, data?: Record<string, unknown>) { lines.push(msg + JSON.stringify(data ?? {})); },
    };
    const real = fw.mailer;
    fw.mailer = createMailer({ smtpUrl: null, mailFrom: 'x@example.test' }, log);
    try {
      const { u, client } = await atMfa();
      const res = await client.post('/api/auth/mfa/email');
      expect(res.status).to.equal(503);
      expect((await res.json()).code).to.equal('mail_unavailable');
      expect(lines).to.have.length(1);
      expect(lines[0]).to.contain('not configured').and.not.contain(u.username);
      expect(lines[0]).not.to.match(/\d{6}/);
    } finally {
      fw.mailer = real;
    }
  });
});
