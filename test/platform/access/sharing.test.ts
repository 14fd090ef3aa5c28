import { expect } from 'chai';
import { v7 as uuidv7 } from 'uuid';
import {
  grantAccess, grantedPartyCodes, listConsents, listGrants, recordConsent, rescindConsent, revokeAccess, sharedPartyCodes, ORG_ADMIN,
} from '../../../platform/access/sharing.js';
import { accessLogEntries, accessLogReport } from '../../../platform/access/access-log-report.js';
import { toCsv } from '../../../platform/reports/csv.js';
import type { Actor } from '../../../platform/records/types.js';
import { createTestEngine, steppingClock, type TestEngine } from '../../support/engine.js';
import { expectError } from '../../support/errors.js';

describe('mutual-consent sharing between organisations', () => {
  let fw: TestEngine;
  const clock = steppingClock('2026-11-23T09:00:00.000Z');
  const org = { a: uuidv7(), b: uuidv7(), c: uuidv7() };
  const user = { adminA: uuidv7(), adminB: uuidv7(), personB: uuidv7(), personA: uuidv7(), adminC: uuidv7() };
  const admin = (id: string, orgId: string): Actor => ({ kind: 'user', id, username: id.slice(0, 8), roles: [], orgs: [orgId], orgId, capabilities: [ORG_ADMIN] });
  let adminA: Actor; let adminB: Actor; let adminC: Actor;

  before(async () => {
    fw = await createTestEngine({ clock });
    const at = clock.now().toISOString();
    const k = fw.db.knex;
    await k('sys_org').insert([
      { id: org.a, code: 'ORG-A', name: 'Alpha Energy', created_at: at },
      { id: org.b, code: 'ORG-B', name: 'Beta Services', created_at: at },
      { id: org.c, code: 'ORG-C', name: 'Gamma', created_at: at },
    ]);
    await k('sys_user').insert([
      { id: user.adminA, username: 'admin.a', org_id: org.a, created_at: at },
      { id: user.adminB, username: 'admin.b', org_id: org.b, created_at: at },
      { id: user.personB, username: 'person.b', org_id: org.b, created_at: at },
      { id: user.personA, username: 'person.a', org_id: org.a, created_at: at },
      { id: user.adminC, username: 'admin.c', org_id: org.c, created_at: at },
    ]);
    await k('sys_party_code').insert([
      { id: uuidv7(), org_id: org.a, code: 'ALPHA-01', name: 'Alpha supply' },
      { id: uuidv7(), org_id: org.a, code: 'ALPHA-02', name: 'Alpha metering' },
      { id: uuidv7(), org_id: org.b, code: 'BETA-01', name: 'Beta' },
    ]);
    adminA = admin(user.adminA, org.a); adminB = admin(user.adminB, org.b); adminC = admin(user.adminC, org.c);
  });
  after(async () => { await fw.dispose(); });

  it('needs both sides before access can be granted, and only for the party codes both name', async () => {
    await recordConsent(fw, adminA, { side: 'grantor', counterpartyOrgId: org.b, userIds: ['ALPHA-01', 'ALPHA-02'] });
    expect(await sharedPartyCodes(fw.db.knex, org.a, org.b, clock.now().toISOString())).to.deep.equal([]);
    const err = await expectError(grantAccess(fw, adminB, { userId: user.personB, userIdCode: 'ALPHA-01' }), 'forbidden');
    expect(err.message).to.match(/Both organisations must consent/);
    await recordConsent(fw, adminB, { side: 'grantee', counterpartyOrgId: org.a, userIds: ['ALPHA-01'] });
    expect(await sharedPartyCodes(fw.db.knex, org.a, org.b, clock.now().toISOString())).to.deep.equal(['ALPHA-01']);
    await expectError(grantAccess(fw, adminB, { userId: user.personB, userIdCode: 'ALPHA-02' }), 'forbidden');
    const g = await grantAccess(fw, adminB, { userId: user.personB, userIdCode: 'ALPHA-01' });
    expect(g.userIdCode).to.equal('ALPHA-01');
    expect(await grantedPartyCodes(fw.db.knex, user.personB, clock.now().toISOString())).to.deep.equal(['ALPHA-01']);
    await expectError(grantAccess(fw, adminB, { userId: user.personB, userIdCode: 'ALPHA-01' }), 'conflict');
  });

  it('refuses what the actor does not administer, people of other organisations and unknown party codes', async () => {
    await expectError(grantAccess(fw, adminA, { userId: user.personB, userIdCode: 'ALPHA-01', granteeOrgId: org.b }), 'forbidden');
    await expectError(grantAccess(fw, adminB, { userId: user.personA, userIdCode: 'ALPHA-01' }), 'validation_failed');
    const bad = await expectError(recordConsent(fw, adminA, { side: 'grantor', counterpartyOrgId: org.b, userIds: ['BETA-01', 'NOPE'] }), 'validation_failed');
    expect(bad.fieldErrors.map((e) => e.message).join(' ')).to.match(/BETA-01/).and.match(/NOPE/);
    const plain: Actor = { ...adminA, capabilities: [] };
    await expectError(recordConsent(fw, plain, { side: 'grantor', counterpartyOrgId: org.b, userIds: ['ALPHA-01'] }), 'forbidden');
    await expectError(listConsents(fw, adminC, org.a), 'forbidden');
  });

  it('ends access at once when either side rescinds, and audits every step', async () => {
    const consents = await listConsents(fw, adminB, org.b);
    const granteeSide = consents.find((c) => c.side === 'grantee')!;
    expect(granteeSide.active).to.equal(true);
    await expectError(rescindConsent(fw, adminC, granteeSide.id), 'not_found');
    await rescindConsent(fw, adminB, granteeSide.id);
    expect(await grantedPartyCodes(fw.db.knex, user.personB, clock.now().toISOString())).to.deep.equal([]);
    expect((await listGrants(fw, adminB, org.b))[0]!.active).to.equal(false);
    await expectError(rescindConsent(fw, adminB, granteeSide.id), 'conflict');

    // Consent again: the grant (never revoked) is in force again; then the grantor rescinds.
    await recordConsent(fw, adminB, { side: 'grantee', counterpartyOrgId: org.a, userIds: ['ALPHA-01'] });
    expect(await grantedPartyCodes(fw.db.knex, user.personB, clock.now().toISOString())).to.deep.equal(['ALPHA-01']);
    const grantorSide = (await listConsents(fw, adminA, org.a)).find((c) => c.side === 'grantor' && !c.rescindedAt)!;
    await rescindConsent(fw, adminA, grantorSide.id);
    expect(await grantedPartyCodes(fw.db.knex, user.personB, clock.now().toISOString())).to.deep.equal([]);

    const audited = await fw.db.knex('sys_audit').whereIn('table_name', ['sys_consent', 'sys_access_grant']).select('table_name', 'operation');
    expect(audited.filter((a: { table_name: string }) => a.table_name === 'sys_consent')).to.have.length(5);
    expect(audited.filter((a: { table_name: string }) => a.table_name === 'sys_access_grant')).to.have.length(1);
  });

  it('honours validity dates and withdrawal of a single grant', async () => {
    const now = clock.now().getTime();
    const until = new Date(now + 3_600_000).toISOString();
    await recordConsent(fw, adminA, { side: 'grantor', counterpartyOrgId: org.b, userIds: ['ALPHA-02'], validTo: until });
    await recordConsent(fw, adminB, { side: 'grantee', counterpartyOrgId: org.a, userIds: ['ALPHA-02'] });
    const g = await grantAccess(fw, adminB, { userId: user.personB, userIdCode: 'ALPHA-02' });
    expect(await grantedPartyCodes(fw.db.knex, user.personB, clock.now().toISOString())).to.deep.equal(['ALPHA-02']);
    expect(await grantedPartyCodes(fw.db.knex, user.personB, until)).to.deep.equal([]);
    await revokeAccess(fw, adminB, g.id);
    expect(await grantedPartyCodes(fw.db.knex, user.personB, clock.now().toISOString())).to.deep.equal([]);
    await expectError(revokeAccess(fw, adminB, g.id), 'conflict');
    await expectError(revokeAccess(fw, adminA, g.id), 'not_found');
  });

  describe('access log analysis', () => {
    before(async () => {
      const rows = [];
      const t0 = Date.parse('2026-11-20T08:00:00.000Z');
      const events = ['sign_in', 'page', 'page', 'api', 'sign_out', 'sign_in_failed'];
      for (let i = 0; i < 24; i++) {
        const who = i % 3 === 0 ? user.personB : i % 3 === 1 ? user.adminB : user.adminA;
        rows.push({
          id: uuidv7(), at: new Date(t0 + i * 3_600_000).toISOString(), user_id: who, username: who.slice(0, 8),
          org_id: who === user.adminA ? org.a : org.b, event: events[i % events.length], sign_in: events[i % events.length]!.startsWith('sign_in'),
          method: 'GET', url: '/x', status: 200,
        });
      }
      await fw.db.knex('sys_access_log').insert(rows);
    });

    it('counts per organisation, user and day, scoped to the administrator\'s organisation', async () => {
      const mine = await accessLogReport(fw, adminB, { from: '2026-11-20', to: '2026-11-21', groupBy: 'org' });
      expect(mine).to.have.length(1);
      expect(mine[0]).to.include({ key: org.b, label: 'Beta Services', distinctUsers: 2 });
      const all = await accessLogReport(fw, fw.systemActor, { from: '2026-11-20', to: '2026-11-21', groupBy: 'org' });
      const total = (k: 'signIns' | 'pageViews' | 'apiCalls' | 'failures' | 'signOuts') => all.reduce((n, r) => n + r[k], 0);
      expect(total('signIns')).to.equal(4);
      expect(total('pageViews')).to.equal(8);
      expect(total('apiCalls') + total('failures') + total('signOuts')).to.equal(12);
      const byUser = await accessLogReport(fw, adminB, { from: '2026-11-20', to: '2026-11-21', groupBy: 'user' });
      expect(byUser.map((r) => r.label).sort()).to.deep.equal(['admin.b', 'person.b']);
      const byDay = await accessLogReport(fw, fw.systemActor, { from: '2026-11-20', to: '2026-11-21T23:59:59Z', groupBy: 'day' });
      expect(byDay.map((r) => r.key)).to.deep.equal(['2026-11-20', '2026-11-21']);
      await expectError(accessLogReport(fw, adminB, { from: '2026-11-20', to: '2026-11-21', groupBy: 'org', orgId: org.a }), 'forbidden');
      await expectError(accessLogReport(fw, adminB, { from: 'yesterday', to: '2026-11-21', groupBy: 'org' }), 'invalid_query');
      const entries = await accessLogEntries(fw, adminA, { from: '2026-11-20', to: '2026-11-21', limit: 3 });
      expect(entries.total).to.equal(8);
      expect(entries.entries).to.have.length(3);
      expect(entries.entries.every((e) => e.orgId === org.a)).to.equal(true);
    });

    it('writes CSV with formula cells neutralised', () => {
      const csv = toCsv([{ a: '=HYPERLINK("x")', b: 3 }, { a: '-1+1', b: '@SUM(A1)' }, { a: 'plain, "quoted"', b: '\tTab' }], [{ key: 'a', header: 'A' }, { key: 'b', header: 'B' }]);
      expect(csv.split('\r\n')).to.deep.equal(['A,B', '"\'=HYPERLINK(""x"")",3', "'-1+1,'@SUM(A1)", '"plain, ""quoted""",\'\tTab', '']);
    });
  });
});
