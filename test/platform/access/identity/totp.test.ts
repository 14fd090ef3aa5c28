import { expect } from 'chai';
import * as OTPAuth from 'otpauth';
import { totpStep, verifyTotp } from '../../../../platform/access/identity/index.js';
import {
  createIdentityEngine, createUser, freshTotpCode, serve, TestClient, totpCode, type RunningServer,
} from '../../../support/auth.js';
import type { TestEngine } from '../../../support/engine.js';

/** RFC 6238 Appendix B, SHA-1 rows: the seed is the ASCII string "12345678901234567890". */
const RFC_SECRET = OTPAuth.Secret.fromLatin1('12345678901234567890').base32;
const RFC_VECTORS: [number, string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP (RFC 6238)', () => {
  let fw: TestEngine;
  let clock: Awaited<ReturnType<typeof createIdentityEngine>>['clock'];
  let server: RunningServer;

  before(async () => {
    ({ fw, clock } = await createIdentityEngine());
    server = await serve(fw);
  });
  after(async () => {
    await server?.close();
    await fw?.dispose();
  });

  /** A user whose authenticator holds `secret`. */
  async function userWithSecret(secret: string) {
    const u = await createUser(fw, { totp: false });
    await fw.db.knex('sys_user').where({ id: u.user.id }).update({ totp_secret: fw.keys.encrypt(secret), totp_enrolled_at: clock.now().toISOString() });
    return { ...u, secret };
  }

  it('reproduces the SHA-1 test vectors of RFC 6238 Appendix B with 8 digits', () => {
    for (const [seconds, expected] of RFC_VECTORS) {
      expect(totpCode(RFC_SECRET, new Date(seconds * 1000), 8), `T = ${seconds}`).to.equal(expected);
    }
  });

  it('accepts at each vector time the 6-digit code of the same HOTP value (the last six digits)', async () => {
    for (const [seconds, expected] of RFC_VECTORS.slice(0, 5)) {
      const u = await userWithSecret(RFC_SECRET);
      clock.set(new Date(seconds * 1000).toISOString());
      expect(await verifyTotp(fw, u.user.id, expected.slice(2)), `T = ${seconds}`).to.equal(true);
    }
    clock.set('2026-11-22T09:00:00.000Z');
  });

  it('accepts the previous and next step, refuses two steps away', async () => {
    const now = clock.now();
    const at = (steps: number) => new Date(now.getTime() + steps * 30_000);
    const early = await userWithSecret(new OTPAuth.Secret({ size: 20 }).base32);
    expect(await verifyTotp(fw, early.user.id, totpCode(early.secret, at(-2)))).to.equal(false);
    expect(await verifyTotp(fw, early.user.id, totpCode(early.secret, at(2)))).to.equal(false);
    expect(await verifyTotp(fw, early.user.id, totpCode(early.secret, at(-1)))).to.equal(true);
    const late = await userWithSecret(new OTPAuth.Secret({ size: 20 }).base32);
    expect(await verifyTotp(fw, late.user.id, totpCode(late.secret, at(1)))).to.equal(true);
    const row = await fw.db.knex('sys_user').where({ id: late.user.id }).first('totp_last_step');
    expect(Number(row.totp_last_step)).to.equal(totpStep(now) + 1);
  });

  it('accepts a code once: a replay, and a code of an earlier step, are refused', async () => {
    const u = await userWithSecret(new OTPAuth.Secret({ size: 20 }).base32);
    const code = totpCode(u.secret, clock.now());
    expect(await verifyTotp(fw, u.user.id, code)).to.equal(true);
    expect(await verifyTotp(fw, u.user.id, code)).to.equal(false);
    expect(await verifyTotp(fw, u.user.id, totpCode(u.secret, new Date(clock.now().getTime() - 30_000)))).to.equal(false);
    clock.advance(30_000);
    expect(await verifyTotp(fw, u.user.id, totpCode(u.secret, clock.now()))).to.equal(true);
  });

  it('refuses malformed codes and users without a secret', async () => {
    const u = await userWithSecret(new OTPAuth.Secret({ size: 20 }).base32);
    for (const bad of ['', '12345', '1234567', 'abcdef', 123456, null, ' 123456']) {
      expect(await verifyTotp(fw, u.user.id, bad), String(bad)).to.equal(false);
    }
    const none = await createUser(fw, { totp: false });
    expect(await verifyTotp(fw, none.user.id, '123456')).to.equal(false);
  });

  it('over HTTP: the same code sent by two parallel sign-ins is accepted exactly once', async () => {
    clock.advance(60_000);
    const u = await createUser(fw);
    const a = new TestClient(server.url);
    const b = new TestClient(server.url);
    await a.json('POST', '/api/auth/sign-in', { username: u.username, password: u.password }, 200);
    await b.json('POST', '/api/auth/sign-in', { username: u.username, password: u.password }, 200);
    const code = await freshTotpCode(fw, u.user.id, u.secret!);
    const [ra, rb] = await Promise.all([a.post('/api/auth/mfa/verify', { code }), b.post('/api/auth/mfa/verify', { code })]);
    expect([ra.status, rb.status].sort()).to.deep.equal([200, 401]);
    const loser = ra.status === 401 ? ra : rb;
    // Either the loser's code check saw the code already used, or (one session per user) the winner's sign-in had
    // already ended the loser's session when its request arrived.
    expect((await loser.json()).code).to.be.oneOf(['mfa_failed', 'unauthenticated']);
    // The replayed code stays refused afterwards too.
    const c = new TestClient(server.url);
    await c.json('POST', '/api/auth/sign-in', { username: u.username, password: u.password }, 200);
    expect((await c.post('/api/auth/mfa/verify', { code })).status).to.equal(401);
  });

  it('enrols an authenticator: otpauth URI and PNG QR code, the secret encrypted at rest, confirmed by the first code', async () => {
    const u = await createUser(fw, { totp: false });
    const client = new TestClient(server.url);
    const signedIn = await client.json('POST', '/api/auth/sign-in', { username: u.username, password: u.password }, 200);
    expect(signedIn.data.stage).to.equal('mfa_enrol');
    expect(signedIn.data.mfa).to.deep.equal({ totp: false, totpEnrolled: false, email: false });
    const { data } = await client.json('POST', '/api/auth/mfa/enrol', undefined, 200);
    const uri = new URL(data.otpauthUri);
    expect(uri.protocol).to.equal('otpauth:');
    expect(uri.host).to.equal('totp');
    expect(decodeURIComponent(uri.pathname)).to.equal(`/Formwork:${u.username}`);
    expect(Object.fromEntries(uri.searchParams)).to.include({ issuer: 'Formwork', algorithm: 'SHA1', digits: '6', period: '30', secret: data.secret });
    expect(data.secret).to.match(/^[A-Z2-7]{32}$/);
    expect(data.qr).to.match(/^data:image\/png;base64,/);
    const png = Buffer.from(data.qr.slice('data:image/png;base64,'.length), 'base64');
    expect(png.subarray(0, 8).toString('hex')).to.equal('89504e470d0a1a0a');

    const stored = await fw.db.knex('sys_user').where({ id: u.user.id }).first('totp_secret', 'totp_enrolled_at');
    expect(fw.keys.isEncrypted(stored.totp_secret)).to.equal(true);
    expect(stored.totp_secret).not.to.contain(data.secret);
    expect(fw.keys.decrypt(stored.totp_secret)).to.equal(data.secret);
    expect(stored.totp_enrolled_at).to.equal(null);

    const code = totpCode(data.secret, clock.now());
    const wrong = code.replace(/^./, (d: string) => String((Number(d) + 1) % 10));
    await client.json('POST', '/api/auth/mfa/verify', { code: wrong }, 401);
    const done = await client.json('POST', '/api/auth/mfa/verify', { code }, 200);
    expect(done.data.stage).to.equal('active');
    const enrolled = await fw.db.knex('sys_user').where({ id: u.user.id }).first('totp_enrolled_at', 'mfa_method');
    expect(enrolled.totp_enrolled_at).to.be.a('string');
    expect(enrolled.mfa_method).to.equal('totp');
  });

  it('refuses re-enrolment once an authenticator is enrolled (it would bypass it)', async () => {
    const u = await createUser(fw);
    const client = new TestClient(server.url);
    const body = await client.json('POST', '/api/auth/sign-in', { username: u.username, password: u.password }, 200);
    expect(body.data.stage).to.equal('mfa');
    const res = await client.post('/api/auth/mfa/enrol');
    expect(res.status).to.equal(403);
    expect((await res.json()).code).to.equal('forbidden');
  });
});
