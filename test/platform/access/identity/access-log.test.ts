import { expect } from 'chai';
import { loggableUrl } from '../../../../platform/access/identity/index.js';
import {
  createIdentityEngine, createToken, createUser, freshTotpCode, serve, signIn, TestClient, type RunningServer,
} from '../../../support/auth.js';
import type { TestEngine } from '../../../support/engine.js';
import { waitFor } from '../../../support/wait.js';

interface LogRow {
  event: string; sign_in: unknown; user_id: string | null; username: string | null; org_id: string | null;
  method: string | null; url: string | null; status: number | null; description: string | null; at: string; ip: string | null;
}

describe('Access log', () => {
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

  /**
   * The rows about one user (or username), oldest first, once `ready` holds for them (at least that many rows, or a
   * predicate). A row is queued when its response has finished, and a page row only after its session was looked
   * up, so a request's row can reach the log after the client has its answer: flush (write what is queued) and
   * look again until the rows are there.
   */
  async function rowsFor(username: string, ready: number | ((rows: LogRow[]) => boolean)): Promise<LogRow[]> {
    const holds = typeof ready === 'number' ? (rows: LogRow[]) => rows.length >= ready : ready;
    let seen: LogRow[] = [];
    await waitFor(async () => {
      await fw.accessLog.flush();
      const found: LogRow[] = await fw.db.knex('sys_access_log').where({ username }).orderBy('id');
      seen = found.map((r) => ({ ...r, status: r.status === null ? null : Number(r.status) }));
      return holds(seen);
    }, { message: () => `the access log's rows about ${username} (${seen.map((r) => `${r.event} ${String(r.url)}`).join(', ')}) are not all there` });
    return seen;
  }
  const flag = (v: unknown) => v === true || v === 1;

  it('records a failed sign-in, a failed MFA code, the sign-in, API requests and the sign-out', async () => {
    clock.advance(60_000);
    const u = await createUser(fw, { roles: ['agent'] });
    const client = new TestClient(server.url);
    await client.json('POST', '/api/auth/sign-in', { username: u.username, password: 'not the password' }, 401);
    await client.json('POST', '/api/auth/sign-in', { username: u.username, password: u.password }, 200);
    await client.json('POST', '/api/auth/mfa/verify', { code: 'not-a-code' }, 401);
    await client.json('POST', '/api/auth/mfa/verify', { code: await freshTotpCode(fw, u.user.id, u.secret!) }, 200);
    await client.json('GET', '/api/tables/task?limit=1&token=abc&filter=x', undefined, 400);
    await client.json('GET', '/api/tables/task?limit=1', undefined, 200);
    await client.json('POST', '/api/auth/sign-out', undefined, 204);

    const rows = await rowsFor(u.username, 7);
    const summary = rows.map((r) => [r.event, flag(r.sign_in), r.method, r.url, r.status]);
    expect(summary).to.deep.equal([
      ['sign_in_failed', true, 'POST', '/api/auth/sign-in', 401],
      ['api', false, 'POST', '/api/auth/sign-in', 200],
      ['mfa_failed', true, 'POST', '/api/auth/mfa/verify', 401],
      ['sign_in', true, 'POST', '/api/auth/mfa/verify', 200],
      ['api', false, 'GET', '/api/tables/task?limit=1&token=***&filter=x', 400],
      ['api', false, 'GET', '/api/tables/task?limit=1', 200],
      ['sign_out', false, 'POST', '/api/auth/sign-out', 204],
    ]);
    expect(rows[0]!.user_id).to.equal(null);
    for (const r of rows.slice(1)) expect(r).to.include({ user_id: u.user.id, org_id: u.user.org_id });
    expect(rows[0]!.description).to.contain('invalid_credentials');
    expect(rows[3]!.description).to.contain('authenticator app');
    expect(rows.every((r) => r.at === clock.now().toISOString() && r.ip !== null)).to.equal(true);
  });

  it('records a session expiry once, and page requests with their user', async () => {
    clock.advance(60_000);
    const u = await createUser(fw, { roles: ['agent'] });
    const client = await signIn(fw, server.url, u);
    await client.get('/some/page?code=123456');
    await client.get('/ui/app.js'); // a static file of the page: not an access of its own
    clock.advance(15 * 60_000);
    const cookie = client.sessionCookie!;
    await client.json('GET', '/api/tables/task', undefined, 401);
    client.cookies.set('formwork_session', cookie);
    await client.json('GET', '/api/tables/task', undefined, 401);
    const rows = await rowsFor(u.username, (all) => all.some((r) => r.event === 'page') && all.some((r) => r.event === 'session_expired'));
    const events = rows.map((r) => r.event);
    expect(events.filter((e) => e === 'session_expired')).to.have.length(1);
    expect(rows.filter((r) => r.event === 'page').map((r) => r.url)).to.deep.equal(['/some/page?code=***']);
    const page = rows.find((r) => r.event === 'page')!;
    expect(page).to.include({ method: 'GET', url: '/some/page?code=***', status: 404, user_id: u.user.id });
    const expired = rows.find((r) => r.event === 'session_expired')!;
    expect(expired).to.include({ status: 401, url: '/api/tables/task', user_id: u.user.id });
    expect(expired.description).to.contain('idle');
  });

  it('records requests made with an API token, and refused anonymous ones', async () => {
    const u = await createUser(fw, { roles: ['agent'], password: null, totp: false });
    const token = await createToken(fw, u.username);
    await fetch(`${server.url}/api/meta/menus`, { headers: { authorization: `Bearer ${token}` } });
    await fetch(`${server.url}/api/meta/menus?anonymous=1`);
    const mine = await rowsFor(u.username, 1);
    expect(mine.map((r) => [r.event, r.url, r.status])).to.deep.equal([['api', '/api/meta/menus', 200]]);
    const anonymous = await waitFor(async () => {
      await fw.accessLog.flush();
      return fw.db.knex('sys_access_log').where({ url: '/api/meta/menus?anonymous=1' }).first();
    }, { message: 'the refused anonymous request is not in the access log' });
    expect(anonymous).to.include({ event: 'api', user_id: null });
    expect(Number(anonymous.status)).to.equal(401);
  });

  it('never fails or delays a request when writing the log fails', async () => {
    const u = await createUser(fw, { roles: ['agent'], password: null, totp: false });
    const token = await createToken(fw, u.username);
    const real = fw.accessLog;
    fw.accessLog = { record() { throw new Error('log store is down'); }, flush: async () => {}, close: async () => {} };
    try {
      const res = await fetch(`${server.url}/api/meta/menus`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).to.equal(200);
    } finally {
      fw.accessLog = real;
    }
  });

  it('hides the values of secret-looking query parameters', () => {
    expect(loggableUrl('/a?token=x&password=y&q=z&apiKey=k')).to.equal('/a?token=***&password=***&q=z&apiKey=***');
    expect(loggableUrl('/plain/path')).to.equal('/plain/path');
  });
});
