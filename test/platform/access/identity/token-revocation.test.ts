/**
 * Disabling an account revokes its API tokens, seen by two instances on one database: the instance that made the
 * change refuses the token on the very next request (its credential cache saw the write), the other one within its
 * IDENTITY_CACHE_MS, and enabling the account again revives the token on neither (new tokens work).
 */
import { expect } from 'chai';
import { CredentialCache } from '../../../../platform/access/identity/credential-cache.js';
import { createApiToken, updateAccount } from '../../../../platform/access/identity/index.js';
import { closeDatabase, openDatabase, type Database } from '../../../../platform/db/index.js';
import { createEngine, type Engine } from '../../../../platform/engine.js';
import { createLogger } from '../../../../platform/log.js';
import { createIdentityEngine, createUser, serve, type RunningServer } from '../../../support/auth.js';
import { DB_KIND } from '../../../support/db.js';
import type { TestEngine } from '../../../support/engine.js';
import { waitFor } from '../../../support/wait.js';

/** How long the second instance may serve a cached credential read in this test. */
const CACHE_MS = 200;

describe('API tokens of a disabled account, on two instances', () => {
  let a: TestEngine;
  let b: Engine;
  let bDb: Database;
  let serverA: RunningServer;
  let serverB: RunningServer;

  before(async () => {
    ({ fw: a } = await createIdentityEngine());
    // The second instance: its own connection pool and credential cache on the same database (schema).
    const schema = DB_KIND === 'postgres' ? String((await a.db.knex.raw('select current_schema() as s')).rows[0].s) : undefined;
    bDb = openDatabase(a.db.url, { searchPath: schema });
    b = await createEngine({ ...a.config, identityCacheMs: CACHE_MS }, {
      db: bDb, clock: a.clock, keys: a.keys, log: createLogger('silent'), seed: false, background: false,
    });
    serverA = await serve(a);
    serverB = await serve(b);
  });
  after(async () => {
    await serverA?.close();
    await serverB?.close();
    // Closing the engine closes its database handle.
    if (b) await b.close();
    else if (bDb) await closeDatabase(bDb);
    await a?.dispose();
  });

  const status = async (server: RunningServer, token: string) =>
    (await fetch(`${server.url}/api/tables/task`, { headers: { authorization: `Bearer ${token}` } })).status;

  it('stop at once where the account was disabled, on the other instance within its cache time, and stay revoked', async () => {
    const u = await createUser(a, { roles: ['agent'], password: null, totp: false });
    const { token } = await createApiToken(a, u.user.id, { name: 'nightly' });
    expect(await status(serverA, token)).to.equal(200);
    expect(await status(serverB, token)).to.equal(200);

    const disabledAt = performance.now();
    await updateAccount(a, a.systemActor, u.user.id, { status: 'disabled' });
    expect(await status(serverA, token)).to.equal(401);
    await waitFor(async () => (await status(serverB, token)) === 401, { timeout: 5000, message: 'the other instance still accepts the token' });
    // Within the cache time, plus the time of the requests themselves.
    expect(performance.now() - disabledAt).to.be.below(CACHE_MS + 1000);

    await updateAccount(a, a.systemActor, u.user.id, { status: 'active' });
    expect(await status(serverA, token)).to.equal(401);
    // Whatever the other instance cached, what it reads now says revoked.
    expect(b.credentials).to.be.instanceOf(CredentialCache);
    (b.credentials as CredentialCache<unknown>).clear();
    expect(await status(serverB, token)).to.equal(401);
    const fresh = await createApiToken(a, u.user.id, { name: 'after re-enabling' });
    expect(await status(serverA, fresh.token)).to.equal(200);
    expect(await status(serverB, fresh.token)).to.equal(200);
  });
});
