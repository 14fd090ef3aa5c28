import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { sessionCookieName } from '../../../platform/access/identity/index.js';
import { createApp } from '../../../platform/http/app.js';
import { closeServer } from '../../../platform/http/close-server.js';
import { createToken, createUser } from '../../support/auth.js';
import { createTestEngine, REPO, type TestEngine } from '../../support/engine.js';
import { waitFor } from '../../support/wait.js';

describe('closeServer() and the access log on shutdown', () => {
  let fw: TestEngine;
  before(async () => { fw = await createTestEngine({ roots: [join(REPO, 'bench/definitions')] }); });
  after(async () => { await fw?.dispose(); });

  it('lets requests in flight finish, and the flush that follows writes a row for each', async () => {
    const user = await createUser(fw, { roles: ['bench_user'], password: null, totp: false });
    const auth = { authorization: `Bearer ${await createToken(fw, user.username)}` };
    const server: Server = createServer(createApp(fw));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    let received = 0;
    server.on('request', () => { received += 1; });

    const marker = `shutdown-${Date.now()}`;
    const api = Array.from({ length: 20 }, (_, i) => fetch(`${base}/api/tables/bench_item?limit=1&offset=${i}`, { headers: auth }));
    // A page request with a session cookie: its row waits for the session lookup.
    const page = fetch(`${base}/${marker}`, { headers: { cookie: `${sessionCookieName(fw.config)}=unknown` } });
    await waitFor(() => received === 21);
    const closing = closeServer(server);
    const answers = await Promise.all([...api, page]);
    expect(answers.slice(0, 20).map((r) => r.status)).to.deep.equal(Array(20).fill(200));
    await Promise.all(answers.map((r) => r.arrayBuffer()));
    await closing;
    await fw.accessLog.flush();

    const rows = await fw.db.knex('sys_access_log').where('url', 'like', '/api/tables/bench_item?limit=1&offset=%').count({ n: '*' }).first();
    expect(Number(rows!.n)).to.equal(20);
    expect(await fw.db.knex('sys_access_log').where({ url: `/${marker}`, event: 'page' }).first('id')).to.not.equal(undefined);
    expect(server.listening).to.equal(false);
  });
});
