import { expect } from 'chai';
import { sha256 } from '../../../../platform/access/crypto.js';
import { createApiToken, revokeUserApiTokens } from '../../../../platform/access/identity/index.js';
import { createIdentityEngine, createUser, serve, signIn, type RunningServer } from '../../../support/auth.js';
import type { TestEngine } from '../../../support/engine.js';

describe('API tokens', () => {
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

  const bearer = (token: string, path: string, init: RequestInit = {}) =>
    fetch(server.url + path, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } });
  const createTokenOver = async (userId: string) => (await createApiToken(fw, userId, { name: 'first' })).token;

  it('are created by a signed-in user, shown once, stored hashed, used without MFA, listed and revoked', async () => {
    const u = await createUser(fw, { roles: ['agent'] });
    const client = await signIn(fw, server.url, u);
    const created = (await client.json('POST', '/api/auth/tokens', { name: 'nightly export' }, 201)).data;
    expect(created.token).to.match(/^fw_[A-Za-z0-9_-]{43}$/);
    expect(created).to.include({ name: 'nightly export', prefix: created.token.slice(0, 11), lastUsedAt: null, revokedAt: null });
    const row = await fw.db.knex('sys_api_token').where({ id: created.id }).first();
    expect(row.token_hash).to.equal(sha256(created.token));
    expect(JSON.stringify(row)).not.to.contain(created.token);

    const used = await bearer(created.token, '/api/tables/task');
    expect(used.status).to.equal(200);
    const list = (await client.json('GET', '/api/auth/tokens', undefined, 200)).data;
    expect(list).to.have.length(1);
    expect(list[0]).not.to.have.property('token');
    expect(list[0].lastUsedAt).to.equal(clock.now().toISOString());

    const del = await client.request('DELETE', `/api/auth/tokens/${created.id}`);
    expect(del.status).to.equal(204);
    const after = await bearer(created.token, '/api/tables/task');
    expect(after.status).to.equal(401);
    expect((await after.json()).code).to.equal('unauthenticated');
  });

  it('the token itself manages tokens, but cannot drive a browser session', async () => {
    const u = await createUser(fw, { roles: ['agent'], password: null, totp: false });
    const client = await createTokenOver(u.user.id);
    const created = await bearer(client, '/api/auth/tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'second' }) });
    expect(created.status).to.equal(201);
    expect((await bearer(client, '/api/auth/tokens')).status).to.equal(200);
    for (const path of ['/api/auth/session', '/api/auth/profile']) {
      const res = await bearer(client, path);
      expect(res.status, path).to.equal(401);
    }
  });

  it('writes last_used_at at most once a minute', async () => {
    const u = await createUser(fw, { roles: ['agent'], password: null, totp: false });
    const token = await createTokenOver(u.user.id);
    await bearer(token, '/api/tables/task');
    const first = clock.now().toISOString();
    clock.advance(30_000);
    await bearer(token, '/api/tables/task');
    const lastUsed = async () => (await fw.db.knex('sys_api_token').where({ token_hash: sha256(token) }).first('last_used_at')).last_used_at;
    expect(await lastUsed()).to.equal(first);
    clock.advance(30_000);
    await bearer(token, '/api/tables/task');
    expect(await lastUsed()).to.equal(clock.now().toISOString());
  });

  it('stop working while the owner is not active, when they expire, and when malformed or unknown', async () => {
    const u = await createUser(fw, { roles: ['agent'], password: null, totp: false });
    const token = await createTokenOver(u.user.id);
    // The owner's status is checked on every use, also when the status changed by some way that revoked nothing.
    await fw.db.knex('sys_user').where({ id: u.user.id }).update({ status: 'disabled' });
    expect((await bearer(token, '/api/tables/task')).status).to.equal(401);
    await fw.db.knex('sys_user').where({ id: u.user.id }).update({ status: 'active' });
    await fw.db.knex('sys_api_token').where({ token_hash: sha256(token) }).update({ expires_at: clock.now().toISOString() });
    expect((await bearer(token, '/api/tables/task')).status).to.equal(401);
    for (const bad of ['fw_short', `fw_${'x'.repeat(43)}`, 'garbage']) {
      expect((await bearer(bad, '/api/tables/task')).status, bad).to.equal(401);
    }
    const basic = await fetch(`${server.url}/api/tables/task`, { headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } });
    expect(basic.status).to.equal(401);
  });

  it('keep working through a lockout, which is temporary and revokes nothing', async () => {
    const u = await createUser(fw, { roles: ['agent'], totp: false });
    const token = await createTokenOver(u.user.id);
    const threshold = fw.config.lockoutThreshold;
    fw.config.lockoutThreshold = 2;
    try {
      for (let i = 0; i < 2; i++) {
        const r = await fetch(`${server.url}/api/auth/sign-in`, {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: u.username, password: 'not the password at all' }),
        });
        expect(r.status).to.equal(401);
      }
    } finally {
      fw.config.lockoutThreshold = threshold;
    }
    expect((await fw.db.knex('sys_user').where({ id: u.user.id }).first('locked_at')).locked_at).to.be.a('string');
    expect((await bearer(token, '/api/tables/task')).status).to.equal(200);
    expect((await fw.db.knex('sys_api_token').where({ token_hash: sha256(token) }).first('revoked_at')).revoked_at).to.equal(null);
  });

  it('revokeUserApiTokens revokes the owner\'s live tokens only, and says how many', async () => {
    const owner = await createUser(fw, { roles: ['agent'], password: null, totp: false });
    const other = await createUser(fw, { roles: ['agent'], password: null, totp: false });
    const live = await createTokenOver(owner.user.id);
    const expired = await createApiToken(fw, owner.user.id, { name: 'expired', expiresAt: clock.now().toISOString() });
    const theirs = await createTokenOver(other.user.id);
    const at = clock.now().toISOString();
    expect(await fw.db.knex.transaction((trx) => revokeUserApiTokens(trx, owner.user.id, at))).to.equal(1);
    expect((await bearer(live, '/api/tables/task')).status).to.equal(401);
    expect((await fw.db.knex('sys_api_token').where({ id: expired.id }).first('revoked_at')).revoked_at).to.equal(null);
    expect((await bearer(theirs, '/api/tables/task')).status).to.equal(200);
    expect(await fw.db.knex.transaction((trx) => revokeUserApiTokens(trx, owner.user.id, at))).to.equal(0);
  });

  it('a user can revoke only their own tokens (another user\'s answers 404)', async () => {
    const owner = await createUser(fw, { roles: ['agent'], password: null, totp: false });
    const other = await createUser(fw, { roles: ['agent'], password: null, totp: false });
    const ownerToken = await createTokenOver(owner.user.id);
    const otherToken = await createTokenOver(other.user.id);
    const ownerTokenId = (await fw.db.knex('sys_api_token').where({ token_hash: sha256(ownerToken) }).first('id')).id;
    const res = await bearer(otherToken, `/api/auth/tokens/${ownerTokenId}`, { method: 'DELETE' });
    expect(res.status).to.equal(404);
    expect((await bearer(ownerToken, '/api/tables/task')).status).to.equal(200);
  });
});
