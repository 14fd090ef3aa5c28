/**
 * Through the HTTP API: the profile (SSI-FR-62/63) and bookmarks; the access-log analysis for an organisation
 * administrator (SSI-FR-61a) with counts and a CSV download; mass assignment of protected fields on records; and
 * CSV exports of records (paging past one page, the row cap, formula neutralisation).
 */
import { expect } from 'chai';
import { createOrg, createPartyCode } from '../../../../platform/access/identity/index.js';
import { EXPORT_LIMITS } from '../../../../platform/http/routes/records.js';
import { createToken, createUser, ensureOrg, serve, signIn, TestClient, type RunningServer } from '../../../support/auth.js';
import type { TestEngine } from '../../../support/engine.js';
import { waitFor } from '../../../support/wait.js';
import { apiEngine, expectProblem, parseCsv, reply, TokenClient } from './support.js';

describe('API: profile, bookmarks, access-log reports, mass assignment and exports', () => {
  let fw: TestEngine;
  let clock: Awaited<ReturnType<typeof apiEngine>>['clock'];
  let server: RunningServer;

  before(async () => {
    ({ fw, clock } = await apiEngine());
    server = await serve(fw);
  });
  after(async () => {
    await server?.close();
    await fw?.dispose();
  });

  const tokenFor = async (username: string) => new TokenClient(server.url, await createToken(fw, username));

  describe('profile', () => {
    it('shows identity, organisations with names, roles with labels, User IDs and every transaction with Yes/No', async () => {
      const home = await ensureOrg(fw, 'PRF-HOME');
      await ensureOrg(fw, 'PRF-EXTRA');
      await createPartyCode(fw, { orgId: home.id, code: 'PRF-UID-1', name: 'Home supply' });
      const u = await createUser(fw, { roles: ['ssi_mi_user', 'agent'], org: 'PRF-HOME', orgs: ['PRF-EXTRA'], userIds: ['PRF-UID-1'] });
      const session = await signIn(fw, server.url, u);
      const p = (await session.json('GET', '/api/profile', undefined, 200)).data;
      expect(p).to.include({ id: u.user.id, username: u.username, firstName: 'Test', lastName: u.username, email: `${u.username}@example.test`, phone: '+44 20 7946 0000' });
      expect(p.organisation).to.deep.equal({ id: home.id, code: 'PRF-HOME', name: 'Organisation PRF-HOME' });
      expect(p.organisations.map((o: { code: string; home: boolean }) => [o.code, o.home])).to.deep.equal([['PRF-HOME', true], ['PRF-EXTRA', false]]);
      expect(p.roles).to.deep.equal([{ name: 'agent', label: 'Agent' }, { name: 'ssi_mi_user', label: 'MI User' }]);
      expect(p.userIds).to.deep.equal([{ code: 'PRF-UID-1', name: 'Home supply', org: { id: home.id, code: 'PRF-HOME', name: 'Organisation PRF-HOME' }, shared: false }]);
      const tx = new Map(p.transactions.map((t: { id: string; allowed: boolean }) => [t.id, t.allowed]));
      expect(tx.get('UC_Inventory_001')).to.equal(true);
      expect(tx.get('UC_RaiseSMI_001')).to.equal(false);
      expect(tx.get('UC_OrgManager_001')).to.equal(false);
      expect([...tx.keys()].some((id) => String(id).startsWith('platform.'))).to.equal(false);
      expect(p.bookmarks).to.deep.equal([]);
      expect(JSON.stringify(p)).to.not.match(/password|totp|secret/i);
      // The same through an API token; the profile is read-only here.
      const token = await tokenFor(u.username);
      expect((await token.ok('GET', '/api/profile', undefined, 200)).data.transactions).to.deep.equal(p.transactions);
      expectProblem(await token.post('/api/profile', { email: 'x@example.test' }), 405, 'method_not_allowed');
      expectProblem(await token.get('/api/profile?user=someone-else'), 400, 'invalid_query');
      // A platform administrator's capability is not an interface transaction.
      const boss = await tokenFor((await createUser(fw, { roles: ['admin'], org: 'PRF-HOME', totp: false })).username);
      const bossTx = (await boss.ok('GET', '/api/profile', undefined, 200)).data.transactions.map((t: { id: string }) => t.id);
      expect(bossTx).to.not.include('platform.admin');
      expectProblem(await reply(await new TestClient(server.url).get('/api/profile')), 401, 'unauthenticated');
    });
  });

  describe('bookmarks', () => {
    let me: TokenClient;
    let other: TokenClient;
    let taskId: string;
    before(async () => {
      me = await tokenFor((await createUser(fw, { roles: ['agent'], org: 'BMK', totp: false })).username);
      other = await tokenFor((await createUser(fw, { roles: ['agent'], org: 'BMK', totp: false })).username);
      taskId = (await me.ok('POST', '/api/tables/task', { short_description: 'Bookmarked task' }, 201)).data.id;
    });

    it('adds bookmarks to pages and records, lists them newest first, and in the profile', async () => {
      const page = await me.call('POST', '/api/profile/bookmarks', { title: 'My open tasks', url: '/list/task?state=new' });
      expect(page.status, page.text).to.equal(201);
      expect(page.headers.get('location')).to.equal(`/api/profile/bookmarks/${page.body.data.id}`);
      expect(page.body.data).to.include({ title: 'My open tasks', url: '/list/task?state=new', table: null, recordId: null });
      clock.advance(1000);
      const rec = (await me.ok('POST', '/api/profile/bookmarks', { title: ' Bookmarked task ', url: `/record/task/${taskId}`, table: 'task', recordId: taskId }, 201)).data;
      expect(rec).to.include({ title: 'Bookmarked task', table: 'task', recordId: taskId });
      const list = (await me.ok('GET', '/api/profile/bookmarks', undefined, 200)).data;
      expect(list.map((b: { title: string }) => b.title)).to.deep.equal(['Bookmarked task', 'My open tasks']);
      expect((await me.ok('GET', '/api/profile', undefined, 200)).data.bookmarks).to.deep.equal(list);
      expect((await other.ok('GET', '/api/profile/bookmarks', undefined, 200)).data).to.deep.equal([]);
      expectProblem(await me.post('/api/profile/bookmarks', { title: 'Again', url: '/list/task?state=new' }), 409, 'unique_violation');
    });

    it('accepts only paths of this site, known readable tables and well-formed ids, and nothing else', async () => {
      for (const url of ['https://evil.example/', '//evil.example/x', '/\\evil.example', '/\\/evil.example', 'javascript:alert(1)', 'list/task', '/with space', '/line\nbreak', '', '/'.padEnd(501, 'x')]) {
        const doc = expectProblem(await me.post('/api/profile/bookmarks', { title: 'Bad', url }), 422, 'validation_failed');
        expect(doc.errors.map((e: { field: string }) => e.field), JSON.stringify(url)).to.deep.equal(['url']);
      }
      for (const [body, field] of [
        [{ title: '', url: '/a' }, 'title'],
        [{ title: 'T', url: '/b', table: 'no_such_table' }, 'table'],
        // A table the person cannot read is answered like one that does not exist.
        [{ title: 'T', url: '/c', table: 'shared_case' }, 'table'],
        [{ title: 'T', url: '/d', table: 'task', recordId: 'not-a-uuid' }, 'recordId'],
        [{ title: 'T', url: '/e', recordId: taskId }, 'table'],
      ] as const) {
        const doc = expectProblem(await me.post('/api/profile/bookmarks', body), 422, 'validation_failed');
        expect(doc.errors.map((e: { field: string }) => e.field), JSON.stringify(body)).to.deep.equal([field]);
      }
      for (const extra of [{ user_id: 'someone' }, { id: taskId }, { created_at: '2020-01-01' }]) {
        expectProblem(await me.post('/api/profile/bookmarks', { title: 'T', url: '/f', ...extra }), 400, 'invalid_payload');
      }
    });

    it('removes only one\'s own bookmarks', async () => {
      const mine = (await me.ok('GET', '/api/profile/bookmarks', undefined, 200)).data[0];
      expectProblem(await other.delete(`/api/profile/bookmarks/${mine.id}`), 404, 'not_found');
      expect((await me.ok('GET', '/api/profile/bookmarks', undefined, 200)).data.map((b: { id: string }) => b.id)).to.include(mine.id);
      expect((await me.call('DELETE', `/api/profile/bookmarks/${mine.id}`)).status).to.equal(204);
      expectProblem(await me.delete(`/api/profile/bookmarks/${mine.id}`), 404, 'not_found');
      expectProblem(await me.delete('/api/profile/bookmarks/not-an-id'), 404, 'not_found');
    });
  });

  describe('access-log analysis (SSI-FR-61a)', () => {
    let admin: TestClient;
    let u1: { username: string; id: string };
    const day = '2026-12-01';

    const nextDay = '2026-12-02';
    const PAGES = ['/work/some-page', '/work/another-page'];

    /**
     * Wait until the access log holds the rows of the page requests made in `before`. A page row is queued only once
     * the request's session is looked up, after the response was sent, so one flush alone can come too early.
     */
    async function settle(pageRows: number) {
      let seen = 0;
      await waitFor(async () => {
        await fw.accessLog.flush();
        const row = await fw.db.knex('sys_access_log').where({ event: 'page' }).whereIn('url', PAGES).whereNotNull('user_id').count({ n: '*' }).first();
        seen = Number((row as { n: unknown }).n);
        return seen >= pageRows;
      }, { message: () => `the access log holds ${seen} of ${pageRows} page rows` });
    }

    before(async () => {
      clock.set(`${day}T09:00:00.000Z`);
      // An organisation name a spreadsheet would run as a formula.
      await createOrg(fw, { code: 'LOG-ORG', name: '=HYPERLINK("http://evil.example","x")' });
      const boss = await createUser(fw, { username: 'log.boss', roles: ['ssi_org_admin'], org: 'LOG-ORG' });
      const a = await createUser(fw, { username: 'log.one', roles: ['ssi_mi_user'], org: 'LOG-ORG' });
      const b = await createUser(fw, { username: 'log.two', roles: ['ssi_mi_user'], org: 'LOG-ORG' });
      const outsider = await createUser(fw, { username: 'log.outsider', roles: ['ssi_mi_user'], org: 'LOG-OTHER' });
      u1 = { username: a.username, id: a.user.id };
      admin = await signIn(fw, server.url, boss);
      for (const person of [a, b, outsider]) {
        clock.advance(60_000);
        const c = await signIn(fw, server.url, person);
        await c.get('/work/some-page');
        await c.json('GET', '/api/profile', undefined, 200);
        if (person === a) {
          await c.get('/work/another-page');
          await c.json('POST', '/api/auth/sign-out', undefined, 204);
        }
      }
      await settle(4);
      // The administrator's own requests below are logged too: on the next day, so they never change what is counted
      // for `day` while the tests read it (rows are written in batches, in the background).
      await fw.accessLog.flush();
      clock.set(`${nextDay}T09:00:00.000Z`);
      admin = await signIn(fw, server.url, boss);
    });

    it('counts sign-ins, distinct users and page views for the organisation, per user and per day', async () => {
      const q = `from=${day}&to=${day}`;
      const byOrg = (await admin.json('GET', `/api/admin/access-log/report?${q}&groupBy=org`, undefined, 200)).data;
      expect(byOrg).to.have.length(1);
      expect(byOrg[0]).to.include({ label: '=HYPERLINK("http://evil.example","x")', signIns: 3, distinctUsers: 3, pageViews: 3, signOuts: 1 });
      const byUser = (await admin.json('GET', `/api/admin/access-log/report?${q}&groupBy=user`, undefined, 200)).data;
      const row = (name: string) => byUser.find((r: { label: string }) => r.label === name);
      expect(byUser.map((r: { label: string }) => r.label).sort()).to.deep.equal(['log.boss', 'log.one', 'log.two']);
      expect(row('log.one')).to.include({ key: u1.id, signIns: 1, pageViews: 2, signOuts: 1, distinctUsers: 1 });
      expect(row('log.two')).to.include({ signIns: 1, pageViews: 1, signOuts: 0 });
      expect(row('log.one').apiCalls).to.be.greaterThan(0);
      const byDay = (await admin.json('GET', `/api/admin/access-log/report?${q}&groupBy=day`, undefined, 200)).data;
      expect(byDay.map((r: { key: string; signIns: number }) => [r.key, r.signIns])).to.deep.equal([[day, 3]]);
      const oneUser = (await admin.json('GET', `/api/admin/access-log/report?${q}&groupBy=org&user=log.one`, undefined, 200)).data;
      expect(oneUser[0]).to.include({ signIns: 1, distinctUsers: 1, pageViews: 2 });
      expectProblem(await reply(await admin.get(`/api/admin/access-log/report?${q}&groupBy=org&org=LOG-OTHER`)), 403, 'forbidden');
      for (const bad of [`${q}&groupBy=week`, `${q}&format=xlsx`, 'from=yesterday&to=today&groupBy=org', `${q}&groupBy=org&extra=1`]) {
        expectProblem(await reply(await admin.get(`/api/admin/access-log/report?${bad}`)), 400, 'invalid_query');
      }
    });

    it('downloads the report as CSV with headers, a file name and formula cells neutralised', async () => {
      const res = await admin.get(`/api/admin/access-log/report?from=${day}&to=${day}&groupBy=org&format=csv`);
      const text = await res.text();
      expect(res.status, text).to.equal(200);
      expect(res.headers.get('content-type')).to.equal('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).to.equal(`attachment; filename="access-report-${day}-${day}.csv"`);
      const rows = parseCsv(text);
      expect(rows[0]).to.deep.equal(['Organisation', 'Organisation id', 'Sign-ins', 'Distinct users', 'Page views', 'API calls', 'Failed sign-ins', 'Sign-outs']);
      expect(rows).to.have.length(2);
      expect(rows[1]![0]).to.equal('\'=HYPERLINK("http://evil.example","x")');
      expect(rows[1]!.slice(2, 5)).to.deep.equal(['3', '3', '3']);
      expect(text.split('\r\n')[1]).to.match(/^"'=HYPERLINK\(""http/);
      const users = parseCsv(await (await admin.get(`/api/admin/access-log/report?from=${day}&to=${day}&groupBy=user&format=csv`)).text());
      expect(users[0]!.slice(0, 2)).to.deep.equal(['User', 'User id']);
      expect(users.slice(1).map((r) => r[0]).sort()).to.deep.equal(['log.boss', 'log.one', 'log.two']);
    });

    it('lists the entries of the organisation, paged: time, user, URL, description and the sign-in flag', async () => {
      const all = await admin.json('GET', `/api/admin/access-log?from=${day}&to=${day}&limit=1000`, undefined, 200);
      expect(all.meta.total).to.equal(all.data.length);
      expect(all.data.every((e: { orgId: string }) => e.orgId === all.data[0].orgId)).to.equal(true);
      expect(all.data.map((e: { username: string }) => e.username)).to.not.include('log.outsider');
      const signIns = all.data.filter((e: { event: string }) => e.event === 'sign_in');
      expect(signIns).to.have.length(3);
      for (const e of signIns) expect(e).to.include({ signIn: true, url: '/api/auth/mfa/verify' });
      const pages = all.data.filter((e: { event: string; username: string }) => e.event === 'page' && e.username === 'log.one').map((e: { url: string }) => e.url).sort();
      expect(pages).to.deep.equal(['/work/another-page', '/work/some-page']);
      const page = await admin.json('GET', `/api/admin/access-log?from=${day}&to=${day}&limit=2&offset=1`, undefined, 200);
      expect(page.data).to.have.length(2);
      expect(page.meta.total).to.equal(all.meta.total);
      expect(page.data.map((e: { id: string }) => e.id)).to.deep.equal(all.data.slice(1, 3).map((e: { id: string }) => e.id));
      const mine = await admin.json('GET', `/api/admin/access-log?from=${day}&to=${day}&user=log.one&limit=1000`, undefined, 200);
      expect(mine.data.every((e: { username: string }) => e.username === 'log.one')).to.equal(true);
    });
  });

  describe('mass assignment of protected fields on records', () => {
    let c: TokenClient;
    let otherOrg: string;
    before(async () => {
      otherOrg = (await ensureOrg(fw, 'MA-OTHER')).id;
      c = await tokenFor((await createUser(fw, { roles: ['agent', 'sh_worker'], org: 'MA-HOME', totp: false })).username);
    });

    it('refuses system fields with 400 and protected fields with 403, on create and update, changing nothing', async () => {
      for (const extra of [{ org_id: otherOrg }, { created_by: '018f0000-0000-7000-8000-000000000001' }, { version: 7 }, { id: '018f0000-0000-7000-8000-000000000002' }, { number: 'TASK9999999' }, { updated_at: '2020-01-01T00:00:00Z' }, { class: 'incident' }]) {
        expectProblem(await c.post('/api/tables/task', { short_description: 'Mass', ...extra }), 400, 'invalid_payload');
      }
      const made = (await c.ok('POST', '/api/tables/task', { short_description: 'Mass' }, 201)).data;
      for (const extra of [{ org_id: otherOrg }, { created_by: '018f0000-0000-7000-8000-000000000001' }, { version: 7 }]) {
        expectProblem(await c.patch(`/api/tables/task/${made.id}`, extra), 400, 'invalid_payload');
      }
      const stored = (await c.ok('GET', `/api/tables/task/${made.id}`, undefined, 200)).data;
      expect(stored).to.include({ version: 1, org_id: made.org_id, created_by: made.created_by });
      expect(stored.org_id).to.not.equal(otherOrg);
      // A protected field of a definition (workflow state): 403 naming it.
      const denied = expectProblem(await c.post('/api/tables/shared_case', { title: 'Case', stage: 'closed' }), 403, 'forbidden');
      expect(denied.errors).to.deep.equal([{ field: 'stage', code: 'read_only', message: denied.errors[0].message }]);
      const kase = (await c.ok('POST', '/api/tables/shared_case', { title: 'Case' }, 201)).data;
      expectProblem(await c.patch(`/api/tables/shared_case/${kase.id}`, { stage: 'closed' }), 403, 'forbidden');
      expect((await c.ok('GET', `/api/tables/shared_case/${kase.id}`, undefined, 200)).data).to.include({ stage: 'new', version: 1 });
    });
  });

  describe('CSV export of records', () => {
    let c: TokenClient;
    const ROWS = 2100;
    before(async () => {
      const org = await ensureOrg(fw, 'EXP-ORG');
      c = await tokenFor((await createUser(fw, { roles: ['agent'], org: 'EXP-ORG', totp: false })).username);
      const system = { ...fw.systemActor, orgId: org.id };
      for (let i = 0; i < ROWS; i += 700) {
        const batch = Array.from({ length: Math.min(700, ROWS - i) }, (_, j) => ({ short_description: `Bulk ${String(i + j).padStart(5, '0')}` }));
        await fw.records.createMany('task', batch, { actor: system });
      }
      await c.ok('POST', '/api/tables/task', { short_description: '=1+2', description: '@SUM(A1)', close_notes: '-2+3' }, 201);
      await c.ok('POST', '/api/tables/task', { short_description: '+cmd|\' /C calc\'!A0', description: 'plain, "quoted"\nline two' }, 201);
    });
    afterEach(() => { EXPORT_LIMITS.maxRows = 100_000; });

    it('reads every page of the rows the person may read', async () => {
      const res = await c.get('/api/tables/task/export?fields=number,short_description&sort=short_description');
      expect(res.status, res.text.slice(0, 300)).to.equal(200);
      const rows = parseCsv(res.text);
      expect(rows[0]).to.deep.equal(['Number', 'Short description']);
      expect(rows).to.have.length(ROWS + 3);
      const bulk = rows.slice(1).map((r) => r[1]!).filter((s) => s.startsWith('Bulk'));
      expect(bulk).to.have.length(ROWS);
      expect(new Set(bulk).size).to.equal(ROWS);
      expect(bulk).to.deep.equal([...bulk].sort());
    });

    it('refuses an export beyond the cap with a clear error, and a narrower filter passes', async () => {
      EXPORT_LIMITS.maxRows = 2000;
      const doc = expectProblem(await c.get('/api/tables/task/export'), 400, 'invalid_query');
      expect(doc).to.include({ total: ROWS + 2, max: 2000 });
      expect(doc.detail).to.match(/at most 2000 can be exported.*Narrow the filter/);
      const filter = encodeURIComponent(JSON.stringify({ fact: 'short_description', operator: 'startsWith', value: 'Bulk 01' }));
      const narrow = parseCsv((await c.get(`/api/tables/task/export?filter=${filter}&fields=short_description`)).text);
      expect(narrow).to.have.length(1001);
    });

    it('neutralises cells a spreadsheet would run as formulas (SSI-NFR-21)', async () => {
      const filter = encodeURIComponent(JSON.stringify({ fact: 'short_description', operator: 'doesNotContain', value: 'Bulk' }));
      const res = await c.get(`/api/tables/task/export?filter=${filter}&fields=short_description,description,close_notes&sort=short_description`);
      const rows = parseCsv(res.text);
      expect(rows).to.deep.equal([
        ['Short description', 'Description', 'Resolution notes'],
        ['\'+cmd|\' /C calc\'!A0', 'plain, "quoted"\nline two', ''],
        ['\'=1+2', '\'@SUM(A1)', '\'-2+3'],
      ]);
    });
  });

  describe('definitions in force', () => {
    it('shows a platform administrator the version in force and no refused change; others are refused', async () => {
      const admin = await tokenFor((await createUser(fw, { roles: ['admin'], org: 'DEF', totp: false })).username);
      const status = (await admin.ok('GET', '/api/admin/definitions', undefined, 200)).data;
      expect(status).to.include({ version: fw.registry.current.version, rejected: null });
      expect(Date.parse(status.since)).to.be.a('number').and.not.NaN;
      const orgAdmin = await tokenFor((await createUser(fw, { roles: ['ssi_org_admin'], org: 'DEF', totp: false })).username);
      expectProblem(await orgAdmin.get('/api/admin/definitions'), 403, 'forbidden');
      const agent = await tokenFor((await createUser(fw, { roles: ['agent'], org: 'DEF', totp: false })).username);
      expectProblem(await agent.get('/api/admin/definitions'), 403, 'forbidden');
      expectProblem(await admin.post('/api/admin/definitions', {}), 405, 'method_not_allowed');
    });
  });
});
