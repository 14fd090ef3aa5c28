/**
 * A cross-organisation sweep through the HTTP API: people of two organisations (core `agent` role, which grants
 * task — and incident, which extends it — with the default 'org' scope; `sh_worker` on the fixture table
 * shared_case, which has a userIdField) create records; each side's records are absent from the other's lists,
 * totals and CSV exports and answer 404 on get, history and journal. Then both administrators consent and one grants
 * a person a User ID of the other organisation: its records (and only those) appear; a rescinded consent hides them
 * again on the very next request.
 */
import { expect } from 'chai';
import { createPartyCode } from '../../../../platform/access/identity/index.js';
import { createToken, createUser, ensureOrg, serve, type RunningServer, type TestUser } from '../../../support/auth.js';
import type { TestEngine } from '../../../support/engine.js';
import { apiEngine, expectProblem, parseCsv, TokenClient } from './support.js';

const MISSING = '018f0000-0000-7000-8000-00000000dead';

describe('API: cross-organisation sweep, then mutual-consent sharing', () => {
  let fw: TestEngine;
  let server: RunningServer;
  let a: TokenClient; let b: TokenClient; let adminA: TokenClient; let adminB: TokenClient;
  let nobody: TokenClient; let readerA: TokenClient;
  let personB: TestUser;
  /** Record ids by name: a* created by organisation A's person, b* by B's. */
  const ids: Record<string, string> = {};
  const tables: Record<string, string> = {};

  before(async () => {
    ({ fw } = await apiEngine());
    server = await serve(fw);
    const orgA = await ensureOrg(fw, 'SWEEP-A');
    const orgB = await ensureOrg(fw, 'SWEEP-B');
    await createPartyCode(fw, { orgId: orgA.id, code: 'SWA-UID-1', name: 'Alpha supply' });
    await createPartyCode(fw, { orgId: orgA.id, code: 'SWA-UID-2', name: 'Alpha metering' });
    await createPartyCode(fw, { orgId: orgB.id, code: 'SWB-UID-1', name: 'Beta' });
    const client = async (u: TestUser) => new TokenClient(server.url, await createToken(fw, u.username));
    const personA = await createUser(fw, { roles: ['agent', 'sh_worker'], org: 'SWEEP-A', userIds: ['SWA-UID-1', 'SWA-UID-2'], totp: false });
    personB = await createUser(fw, { roles: ['agent', 'sh_worker'], org: 'SWEEP-B', userIds: ['SWB-UID-1'], totp: false });
    a = await client(personA);
    b = await client(personB);
    adminA = await client(await createUser(fw, { roles: ['ssi_org_admin'], org: 'SWEEP-A', totp: false }));
    adminB = await client(await createUser(fw, { roles: ['ssi_org_admin'], org: 'SWEEP-B', totp: false }));
    nobody = await client(await createUser(fw, { roles: ['ssi_mi_user'], org: 'SWEEP-B', totp: false }));
    readerA = await client(await createUser(fw, { roles: ['sh_reader'], org: 'SWEEP-A', totp: false }));

    const make = async (c: TokenClient, name: string, table: string, data: Record<string, unknown>) => {
      const body = await c.ok('POST', `/api/tables/${table}`, data, 201);
      ids[name] = body.data.id;
      tables[name] = table;
      // A second version and a journal entry, so history and journal have something to show.
      await c.ok('PATCH', `/api/tables/${table}/${ids[name]}`, table === 'shared_case' ? { notes: `notes ${name}`, comments: `comment ${name}` } : { description: `about ${name}`, comments: `comment ${name}` }, 200);
    };
    for (const [c, side] of [[a, 'a'], [b, 'b']] as const) {
      await make(c, `${side}-task`, 'task', { short_description: `Sweep ${side} task` });
      await make(c, `${side}-incident`, 'incident', { short_description: `Sweep ${side} incident`, category: 'hardware' });
      await make(c, `${side}-case1`, 'shared_case', { title: `Sweep ${side} case 1`, user_id_code: side === 'a' ? 'SWA-UID-1' : 'SWB-UID-1', contact_email: `${side}@example.test` });
    }
    await make(a, 'a-case2', 'shared_case', { title: 'Sweep a case 2', user_id_code: 'SWA-UID-2' });
  });
  after(async () => {
    await server?.close();
    await fw?.dispose();
  });

  const mine = (side: 'a' | 'b') => Object.keys(ids).filter((n) => n.startsWith(`${side}-`));
  const titles = (rows: Record<string, unknown>[]) => rows.map((r) => (r.short_description ?? r.title) as string).sort();

  /** What `c` sees of `table`: titles of the list, its total, the CSV export's titles. */
  async function sweep(c: TokenClient, table: string) {
    const list = await c.ok('GET', `/api/tables/${table}?limit=100`, undefined, 200);
    const small = await c.ok('GET', `/api/tables/${table}?limit=1`, undefined, 200);
    expect(small.meta.total, 'the total does not depend on the page').to.equal(list.meta.total);
    const csv = await c.get(`/api/tables/${table}/export`);
    expect(csv.status, csv.text).to.equal(200);
    const rows = parseCsv(csv.text);
    const col = rows[0]!.indexOf(table === 'shared_case' ? 'Title' : 'Short description');
    return { titles: titles(list.data), total: list.meta.total as number, csv: rows.slice(1).map((r) => r[col]!).sort() };
  }

  it('lists, totals and exports hold only the organisation\'s own records', async () => {
    expect(await sweep(a, 'task')).to.deep.equal({ titles: ['Sweep a incident', 'Sweep a task'], total: 2, csv: ['Sweep a incident', 'Sweep a task'] });
    expect(await sweep(b, 'task')).to.deep.equal({ titles: ['Sweep b incident', 'Sweep b task'], total: 2, csv: ['Sweep b incident', 'Sweep b task'] });
    expect(await sweep(a, 'incident')).to.deep.equal({ titles: ['Sweep a incident'], total: 1, csv: ['Sweep a incident'] });
    expect(await sweep(b, 'incident')).to.deep.equal({ titles: ['Sweep b incident'], total: 1, csv: ['Sweep b incident'] });
    expect(await sweep(a, 'shared_case')).to.deep.equal({ titles: ['Sweep a case 1', 'Sweep a case 2'], total: 2, csv: ['Sweep a case 1', 'Sweep a case 2'] });
    expect(await sweep(b, 'shared_case')).to.deep.equal({ titles: ['Sweep b case 1'], total: 1, csv: ['Sweep b case 1'] });
    // A filter aimed at the other side finds and counts nothing.
    const filter = encodeURIComponent(JSON.stringify({ fact: 'short_description', operator: 'startsWith', value: 'Sweep a' }));
    const aimed = await b.ok('GET', `/api/tables/task?filter=${filter}`, undefined, 200);
    expect(aimed.data).to.deep.equal([]);
    expect(aimed.meta.total).to.equal(0);
    const exported = await b.get(`/api/tables/task/export?filter=${filter}`);
    expect(parseCsv(exported.text)).to.have.length(1);
  });

  it('get, history and journal of the other organisation\'s records answer 404 exactly like a missing id', async () => {
    const shape = async (c: TokenClient, path: string, id: string) => {
      const r = await c.get(path);
      expectProblem(r, 404, 'not_found');
      const doc = { ...r.body };
      delete doc.requestId;
      return JSON.parse(JSON.stringify(doc).split(id).join('<id>'));
    };
    for (const [c, other] of [[a, 'b'], [b, 'a']] as const) {
      for (const name of mine(other)) {
        const table = tables[name]!;
        for (const suffix of ['', '/history', '/journal']) {
          const hidden = await shape(c, `/api/tables/${table}/${ids[name]}${suffix}`, ids[name]!);
          const missing = await shape(c, `/api/tables/${table}/${MISSING}${suffix}`, MISSING);
          expect(hidden, `${name}${suffix}`).to.deep.equal(missing);
        }
        // Writes too: the record is not there for them.
        expectProblem(await c.patch(`/api/tables/${table}/${ids[name]}`, table === 'shared_case' ? { notes: 'x' } : { description: 'x' }), 404, 'not_found');
      }
      // Their own are there, with history and journal.
      for (const name of mine(other === 'a' ? 'b' : 'a')) {
        const table = tables[name]!;
        await c.ok('GET', `/api/tables/${table}/${ids[name]}`, undefined, 200);
        expect((await c.ok('GET', `/api/tables/${table}/${ids[name]}/history`, undefined, 200)).data).to.not.be.empty;
        expect((await c.ok('GET', `/api/tables/${table}/${ids[name]}/journal`, undefined, 200)).data.map((e: { body: string }) => e.body)).to.deep.equal([`comment ${name}`]);
      }
    }
  });

  it('meta: the tables are visible to those whose roles read them; others are told they have no access', async () => {
    for (const c of [a, b]) {
      for (const table of ['task', 'incident', 'shared_case']) await c.ok('GET', `/api/meta/tables/${table}`, undefined, 200);
    }
    for (const table of ['task', 'incident', 'shared_case']) {
      expectProblem(await nobody.get(`/api/meta/tables/${table}`), 403, 'forbidden');
      expectProblem(await nobody.get(`/api/tables/${table}`), 403, 'forbidden');
      expectProblem(await nobody.get(`/api/tables/${table}/export`), 403, 'forbidden');
    }
  });

  it('exports leave out personal data unless asked for, never masked fields, and label the columns', async () => {
    const csv = await a.get('/api/tables/shared_case/export');
    expect(csv.headers.get('content-type')).to.equal('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).to.match(/^attachment; filename="shared_case-\d{4}-\d{2}-\d{2}\.csv"$/);
    const header = parseCsv(csv.text)[0]!;
    expect(header).to.include.members(['Title', 'User ID', 'Stage', 'Notes']);
    expect(header).to.not.include('Contact email');
    const chosen = parseCsv((await a.get('/api/tables/shared_case/export?fields=title,contact_email&sort=title')).text);
    expect(chosen).to.deep.equal([['Title', 'Contact email'], ['Sweep a case 1', 'a@example.test'], ['Sweep a case 2', '']]);
    expectProblem(await a.get('/api/tables/shared_case/export?fields=comments'), 400, 'unknown_field');
    expectProblem(await a.get('/api/tables/shared_case/export?limit=5'), 400, 'invalid_query');
    // A reader whose role masks the notes and contact email: absent by default, unknown when asked for.
    const masked = parseCsv((await readerA.get('/api/tables/shared_case/export?sort=title')).text);
    expect(masked[0]).to.include('Title').and.not.include('Notes').and.not.include('Contact email');
    expect(masked.slice(1).map((r) => r[masked[0]!.indexOf('Title')])).to.deep.equal(['Sweep a case 1', 'Sweep a case 2']);
    expect(masked.flat().some((cell) => /notes a-case|@example\.test/.test(cell))).to.equal(false);
    for (const field of ['notes', 'contact_email']) {
      expectProblem(await readerA.get(`/api/tables/shared_case/export?fields=title,${field}`), 400, 'unknown_field');
      const filter = encodeURIComponent(JSON.stringify({ fact: field, operator: 'isNotEmpty' }));
      expectProblem(await readerA.get(`/api/tables/shared_case/export?filter=${filter}`), 400, 'unknown_field');
    }
  });

  it('mutual consent and a grant make one User ID\'s records visible; rescinding hides them again at once', async () => {
    const case1 = ids['a-case1']!;
    const case2 = ids['a-case2']!;
    // B's administrator cannot see A's User IDs, nor grant access, before A consents.
    expectProblem(await adminB.get('/api/admin/org-user-ids?org=SWEEP-A'), 403, 'forbidden');
    const grantBody = { userId: personB.user.id, userIdCode: 'SWA-UID-1' };
    expectProblem(await adminB.post('/api/admin/access-grants', grantBody), 403, 'forbidden');

    const grantor = (await adminA.ok('POST', '/api/admin/consents', { side: 'grantor', counterparty: 'SWEEP-B', userIds: ['SWA-UID-1'] }, 201)).data;
    expect(grantor).to.include({ side: 'grantor' });
    expect((await adminB.ok('GET', '/api/admin/org-user-ids?org=SWEEP-A', undefined, 200)).data.map((u: { code: string }) => u.code)).to.deep.equal(['SWA-UID-1']);
    // One side is not enough.
    expectProblem(await adminB.post('/api/admin/access-grants', grantBody), 403, 'forbidden');
    await adminB.ok('POST', '/api/admin/consents', { side: 'grantee', counterparty: 'SWEEP-A', userIds: ['SWA-UID-1'] }, 201);
    // A's administrator cannot grant B's people anything, nor for B's organisation.
    expectProblem(await adminA.post('/api/admin/access-grants', { ...grantBody, org: 'SWEEP-B' }), 403, 'forbidden');
    const grant = (await adminB.ok('POST', '/api/admin/access-grants', grantBody, 201)).data;
    expect(grant).to.include({ userId: personB.user.id, userIdCode: 'SWA-UID-1' });
    expect((await adminB.ok('GET', '/api/admin/access-grants', undefined, 200)).data.map((g: { id: string; active: boolean }) => [g.id, g.active])).to.deep.equal([[grant.id, true]]);

    // B's person now sees A's records of SWA-UID-1, and only those.
    const shared = await sweep(b, 'shared_case');
    expect(shared).to.deep.equal({ titles: ['Sweep a case 1', 'Sweep b case 1'], total: 2, csv: ['Sweep a case 1', 'Sweep b case 1'] });
    expect((await b.ok('GET', `/api/tables/shared_case/${case1}`, undefined, 200)).data.title).to.equal('Sweep a case 1');
    await b.ok('GET', `/api/tables/shared_case/${case1}/history`, undefined, 200);
    await b.ok('GET', `/api/tables/shared_case/${case1}/journal`, undefined, 200);
    expectProblem(await b.get(`/api/tables/shared_case/${case2}`), 404, 'not_found');
    // Tasks have no User ID: sharing does not reach them.
    expectProblem(await b.get(`/api/tables/task/${ids['a-task']}`), 404, 'not_found');
    expect((await sweep(b, 'task')).total).to.equal(2);
    const profile = (await b.ok('GET', '/api/profile', undefined, 200)).data;
    expect(profile.userIds.map((u: { code: string; shared: boolean }) => [u.code, u.shared])).to.deep.include.members([['SWA-UID-1', true], ['SWB-UID-1', false]]);

    // A rescinds: the very next request no longer sees the record.
    await adminA.ok('POST', `/api/admin/consents/${grantor.id}/rescind`, {}, 200);
    for (const suffix of ['', '/history', '/journal']) expectProblem(await b.get(`/api/tables/shared_case/${case1}${suffix}`), 404, 'not_found');
    expect(await sweep(b, 'shared_case')).to.deep.equal({ titles: ['Sweep b case 1'], total: 1, csv: ['Sweep b case 1'] });
    expect((await adminB.ok('GET', '/api/admin/access-grants', undefined, 200)).data[0].active).to.equal(false);
    expectProblem(await adminB.post(`/api/admin/consents/${grantor.id}/rescind`, {}), 404, 'not_found');

    // Every step is in the audit trail.
    const audited = await fw.db.knex('sys_audit').whereIn('table_name', ['sys_consent', 'sys_access_grant']).select('table_name', 'operation');
    expect(audited.filter((r: { table_name: string }) => r.table_name === 'sys_consent')).to.have.length(3);
    expect(audited.filter((r: { table_name: string }) => r.table_name === 'sys_access_grant')).to.have.length(1);
  });

  it('consent and grant requests are checked: unknown counterparty, bad side, foreign organisation, extra keys', async () => {
    expectProblem(await adminA.post('/api/admin/consents', { side: 'grantor', counterparty: 'NOPE', userIds: ['SWA-UID-1'] }), 422, 'validation_failed');
    expectProblem(await adminA.post('/api/admin/consents', { side: 'sideways', counterparty: 'SWEEP-B', userIds: ['SWA-UID-1'] }), 422, 'validation_failed');
    expectProblem(await adminA.post('/api/admin/consents', { side: 'grantor', counterparty: 'SWEEP-B', userIds: ['SWB-UID-1'] }), 422, 'validation_failed');
    expectProblem(await adminA.post('/api/admin/consents', { side: 'grantor', counterparty: 'SWEEP-B', userIds: ['SWA-UID-1'], org: 'SWEEP-B' }), 403, 'forbidden');
    expectProblem(await adminA.post('/api/admin/consents', { side: 'grantor', counterparty: 'SWEEP-B', userIds: ['SWA-UID-1'], recorded_by: 'me' }), 400, 'invalid_payload');
    expectProblem(await adminA.get('/api/admin/consents?org=SWEEP-B'), 403, 'forbidden');
    expectProblem(await adminA.delete(`/api/admin/access-grants/${MISSING}`), 404, 'not_found');
    const orgs = (await adminA.ok('GET', '/api/admin/orgs', undefined, 200)).data;
    expect(orgs.map((o: { code: string }) => o.code)).to.include.members(['SWEEP-A', 'SWEEP-B']);
    for (const o of orgs) expect(Object.keys(o).sort()).to.deep.equal(['code', 'id', 'name']);
  });
});
