/**
 * The seed's Role × Interface Transaction matrix (test/packs/ssi/fixtures/matrix.json) checked through the API: for every
 * SSI job-type role a person holding only that role asks GET /api/profile, and every transaction's Yes/No must be
 * the matrix cell. Undeclared transactions are not offered (so denied), engine capabilities (`platform.*`) are not
 * listed as transactions, and the administration routes answer 403 to everyone without platform.org_admin.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { createToken, createUser, serve, type RunningServer } from '../../support/auth.js';
import type { TestEngine } from '../../support/engine.js';
import { apiEngine, expectProblem, TokenClient } from '../../platform/access/api/support.js';

interface Matrix {
  roles: string[];
  roleLabels: Record<string, string>;
  transactions: { id: string; label: string; grants: Record<string, boolean> }[];
}
const matrix = JSON.parse(readFileSync(new URL('./fixtures/matrix.json', import.meta.url), 'utf8')) as Matrix;

/** Administration routes, each of which needs platform.org_admin (or platform.admin). */
const ADMIN_ROUTES: [string, string, unknown?][] = [
  ['GET', '/api/admin/users'],
  ['GET', '/api/admin/users/check?username=someone'],
  ['POST', '/api/admin/users', { username: 'sneaky', firstName: 'S', lastName: 'N', email: 's@example.test', roles: [] }],
  ['GET', '/api/admin/users/018f0000-0000-7000-8000-000000000001'],
  ['PATCH', '/api/admin/users/018f0000-0000-7000-8000-000000000001', { firstName: 'X' }],
  ['DELETE', '/api/admin/users/018f0000-0000-7000-8000-000000000001'],
  ['POST', '/api/admin/users/018f0000-0000-7000-8000-000000000001/unlock'],
  ['POST', '/api/admin/users/018f0000-0000-7000-8000-000000000001/reset-password'],
  ['POST', '/api/admin/users/018f0000-0000-7000-8000-000000000001/revoke-sessions'],
  ['DELETE', `/api/admin/sessions/${'0'.repeat(64)}`],
  ['GET', '/api/admin/roles'],
  ['GET', '/api/admin/orgs'],
  ['GET', '/api/admin/org-user-ids'],
  ['GET', '/api/admin/consents'],
  ['POST', '/api/admin/consents', { side: 'grantor', counterparty: 'X', userIds: ['Y'] }],
  ['GET', '/api/admin/access-grants'],
  ['GET', '/api/admin/access-log'],
  ['GET', '/api/admin/access-log/report?from=2026-11-01&to=2026-11-30&groupBy=org'],
  ['GET', '/api/admin/anything-else'],
];

describe('API: the SSI role × interface-transaction matrix through GET /api/profile', () => {
  let fw: TestEngine;
  let server: RunningServer;
  /** A client per matrix role, for a person holding just that role. */
  const clients = new Map<string, TokenClient>();

  before(async () => {
    ({ fw } = await apiEngine());
    server = await serve(fw);
    for (const role of matrix.roles) {
      const u = await createUser(fw, { roles: [role], org: 'MATRIX', totp: false });
      clients.set(role, new TokenClient(server.url, await createToken(fw, u.username)));
    }
  });
  after(async () => {
    await server?.close();
    await fw?.dispose();
  });

  it('covers every role of the matrix, each declared with its label', () => {
    expect(matrix.roles).to.have.length.greaterThan(10);
    for (const role of matrix.roles) expect(fw.registry.current.roles.get(role)?.label, role).to.equal(matrix.roleLabels[role]);
  });

  for (const role of matrix.roles) {
    it(`${role}: every transaction's Yes/No in the profile is the matrix cell`, async () => {
      const profile = (await clients.get(role)!.ok('GET', '/api/profile', undefined, 200)).data;
      expect(profile.roles).to.deep.equal([{ name: role, label: matrix.roleLabels[role] }]);
      const listed = new Map<string, boolean>(profile.transactions.map((t: { id: string; allowed: boolean }) => [t.id, t.allowed]));
      const wrong: string[] = [];
      for (const t of matrix.transactions) {
        // A transaction no role declares is not listed, which means No.
        const allowed = listed.get(t.id) ?? false;
        if (allowed !== t.grants[role]) wrong.push(`${t.id} (${t.label}): matrix ${t.grants[role] ? 'Y' : 'N'}, profile ${allowed ? 'Yes' : 'No'}`);
      }
      expect(wrong, `cells where ${role}'s profile disagrees with the matrix`).to.deep.equal([]);
      // Every Yes of the profile is a Y of the matrix: nothing beyond it is granted.
      const yes = profile.transactions.filter((t: { allowed: boolean }) => t.allowed).map((t: { id: string }) => t.id);
      expect(yes.sort()).to.deep.equal(matrix.transactions.filter((t) => t.grants[role]).map((t) => t.id).sort());
    });
  }

  it('lists each declared transaction once, sorted, without engine capabilities; an undeclared one is absent', async () => {
    const profile = (await clients.get('ssi_org_admin')!.ok('GET', '/api/profile', undefined, 200)).data;
    const ids: string[] = profile.transactions.map((t: { id: string }) => t.id);
    expect(ids).to.deep.equal([...new Set(ids)].sort());
    expect(ids.some((id) => id.startsWith('platform.'))).to.equal(false);
    expect(ids).to.not.include('UC_Nonexistent_001');
    for (const t of matrix.transactions) {
      if (Object.values(t.grants).some(Boolean)) expect(ids, t.id).to.include(t.id);
    }
    // Each with what the menus call it where a menu entry needs it (people never read the id).
    for (const t of profile.transactions) expect(Object.keys(t).filter((k) => k !== 'label').sort()).to.deep.equal(['allowed', 'id']);
    const raise = profile.transactions.find((t: { id: string }) => t.id === 'UC_RaiseSMI_001');
    expect(raise).to.deep.include({ label: 'Raise an incident', allowed: true });
  });

  it('the administration routes answer 403 to every role without platform.org_admin, and not to the organisation administrator', async () => {
    for (const role of matrix.roles) {
      const client = clients.get(role)!;
      const holds = fw.registry.current.roles.get(role)!.capabilities?.includes('platform.org_admin') === true;
      expect(holds, role).to.equal(role === 'ssi_org_admin');
      if (holds) {
        expect((await client.get('/api/admin/users')).status).to.equal(200);
        continue;
      }
      for (const [method, path, body] of ADMIN_ROUTES) {
        expectProblem(await client.call(method, path, body), 403, 'forbidden');
      }
    }
    // Nothing was created or changed by the refused requests.
    expect(await fw.db.knex('sys_user').where({ username_key: 'sneaky' }).first()).to.equal(undefined);
  });
});
