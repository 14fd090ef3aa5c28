import { expect } from 'chai';
import { createApiToken, revokeApiToken } from '../../../../platform/access/identity/index.js';
import { CredentialCache, writesIdentity } from '../../../../platform/access/identity/credential-cache.js';
import { createIdentityEngine, createUser, serve, type RunningServer } from '../../../support/auth.js';
import type { TestEngine } from '../../../support/engine.js';

describe('credential cache', () => {
  describe('writesIdentity', () => {
    it('recognises writes to identity tables as knex and hand-written SQL spell them, on both dialects', () => {
      for (const sql of [
        'insert into `sys_user_role` (`role`, `user_id`) values (?, ?)',
        'insert into "sys_user_role" ("role", "user_id") values ($1, $2)',
        'update `sys_user` set `status` = ? where `id` = ?',
        'update "public"."sys_api_token" set "revoked_at" = $1',
        'delete from sys_access_grant where id = ?',
        'insert or replace into sys_user_org (user_id, org_id) values (?, ?)',
        'with x as (select 1) update sys_consent set status = ? where id in (select * from x)',
      ]) expect(writesIdentity(sql), sql).to.equal(true);
    });

    it('ignores reads, other tables and columns that merely look alike', () => {
      for (const sql of [
        'select * from `sys_user` where `id` = ?',
        'select `updated_at` from `sys_user_role`',
        'insert into `sys_audit` (`table_name`) values (\'sys_user\')',
        'update `task` set `updated_by` = ? where `id` = ?',
        'delete from "sys_access_log" where "at" < $1',
        'select * from sys_session for update',
      ]) expect(writesIdentity(sql), sql).to.equal(false);
    });
  });

  describe('on a real database', () => {
    let fw: TestEngine;
    before(async () => { ({ fw } = await createIdentityEngine()); });
    after(async () => { await fw?.dispose(); });

    const counting = () => {
      let n = 0;
      return { load: async () => { n += 1; return { n }; }, get count() { return n; } };
    };

    it('serves a stored read until an identity table is written, then reads again', async () => {
      const cache = new CredentialCache<{ n: number }>(60_000).watch(fw.db.knex);
      const loader = counting();
      expect(await cache.read('k', loader.load)).to.deep.equal({ n: 1 });
      expect(await cache.read('k', loader.load)).to.deep.equal({ n: 1 });
      await fw.db.knex('sys_sequence').insert({ name: 'probe', value: 0 }); // not an identity table
      expect(await cache.read('k', loader.load)).to.deep.equal({ n: 1 });
      const u = await createUser(fw, { roles: ['agent'] });
      expect(await cache.read('k', loader.load)).to.deep.equal({ n: 2 });
      await fw.db.knex('sys_user_role').where({ user_id: u.user.id }).delete();
      expect(await cache.read('k', loader.load)).to.deep.equal({ n: 3 });
      expect(loader.count).to.equal(3);
    });

    it('keeps nothing read while an identity write is uncommitted, and reads again after the commit', async () => {
      const cache = new CredentialCache<{ n: number }>(60_000).watch(fw.db.knex);
      const loader = counting();
      const u = await createUser(fw, { roles: ['agent'] });
      await cache.read('k', loader.load);
      const trx = await fw.db.knex.transaction();
      await trx('sys_user_role').where({ user_id: u.user.id }).delete();
      // In flight: served fresh every time, never stored.
      expect(await cache.read('k', loader.load)).to.deep.equal({ n: 2 });
      expect(await cache.read('k', loader.load)).to.deep.equal({ n: 3 });
      await trx.commit();
      // Fresh after the commit; stored once the connection is back in the pool (knex releases it just after).
      expect(await cache.read('k', loader.load)).to.deep.equal({ n: 4 });
      await new Promise((r) => setImmediate(r));
      const settled = await cache.read('k', loader.load);
      expect(await cache.read('k', loader.load)).to.deep.equal(settled);
      // A rolled-back write invalidates too (harmless: one more read).
      const t2 = await fw.db.knex.transaction();
      await t2('sys_user_org').insert({ user_id: u.user.id, org_id: u.user.org_id });
      await t2.rollback();
      await new Promise((r) => setImmediate(r));
      expect(await cache.read('k', loader.load)).to.deep.equal({ n: settled!.n + 1 });
    });

    it('expires entries after the time limit (changes made by other processes) and never stores a miss', async () => {
      let now = 1_000;
      const cache = new CredentialCache<{ n: number }>(30, { now: () => now }).watch(fw.db.knex);
      const loader = counting();
      await cache.read('k', loader.load);
      now += 29;
      await cache.read('k', loader.load);
      expect(loader.count, 'served from the cache just before the limit').to.equal(1);
      now += 1;
      await cache.read('k', loader.load);
      expect(loader.count, 'read again at the limit').to.equal(2);
      now += 29;
      await cache.read('k', loader.load);
      expect(loader.count, 'the fresh read was stored with its own time').to.equal(2);

      let misses = 0;
      const miss = async () => { misses += 1; return null; };
      expect(await cache.read('unknown', miss)).to.equal(null);
      expect(await cache.read('unknown', miss)).to.equal(null);
      expect(misses).to.equal(2);
    });

    it('reads every time when turned off (IDENTITY_CACHE_MS=0)', async () => {
      const cache = new CredentialCache<{ n: number }>(0).watch(fw.db.knex);
      const loader = counting();
      await cache.read('k', loader.load);
      await cache.read('k', loader.load);
      expect(loader.count).to.equal(2);
    });
  });

  describe('through the API', () => {
    let fw: TestEngine;
    let server: RunningServer;
    before(async () => {
      ({ fw } = await createIdentityEngine());
      server = await serve(fw);
    });
    after(async () => {
      await server?.close();
      await fw?.dispose();
    });

    const get = (token: string, path: string) => fetch(server.url + path, { headers: { authorization: `Bearer ${token}` } });

    it('authenticates a repeated bearer request without a database read, yet applies a role removal and a revocation to the next request', async () => {
      const u = await createUser(fw, { roles: ['agent'] });
      const { id, token } = await createApiToken(fw, u.user.id, { name: 'cache' });
      expect((await get(token, '/api/tables/task')).status).to.equal(200);
      expect((await get(token, '/api/tables/task')).status).to.equal(200); // after the last-used write settles

      const statements: string[] = [];
      const listen = (q: { sql: string }) => statements.push(q.sql);
      fw.db.knex.on('query', listen);
      expect((await get(token, '/api/profile')).status).to.equal(200);
      fw.db.knex.off('query', listen);
      expect(statements.filter((s) => /sys_api_token/.test(s)), statements.join('\n')).to.deep.equal([]);

      // Written straight to the table, as a script might: the next request no longer has the role.
      await fw.db.knex('sys_user_role').where({ user_id: u.user.id }).delete();
      expect((await get(token, '/api/tables/task')).status).to.equal(403);

      await revokeApiToken(fw, u.user.id, id);
      expect((await get(token, '/api/profile')).status).to.equal(401);
    });
  });
});
