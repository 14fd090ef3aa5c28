import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import {
  createOrg, createPartyCode, createUser, loadActor, setPassword, verifyPassword,
} from '../../../../platform/access/identity/index.js';
import { grantAccess, recordConsent, rescindConsent } from '../../../../platform/access/sharing.js';
import { createIdentityEngine } from '../../../support/auth.js';
import { CORE_DEFINITIONS, type TestEngine } from '../../../support/engine.js';
import { expectError } from '../../../support/errors.js';

const ROLES = fileURLToPath(new URL('./fixtures/', import.meta.url));

describe('Users, organisations and the actor', () => {
  let fw: TestEngine;
  let clock: Awaited<ReturnType<typeof createIdentityEngine>>['clock'];

  before(async () => {
    ({ fw, clock } = await createIdentityEngine({ roots: [CORE_DEFINITIONS, ROLES] }));
  });
  after(async () => { await fw?.dispose(); });

  describe('createUser()', () => {
    it('keeps usernames unique whatever their case', async () => {
      const org = await createOrg(fw, { code: 'UNIQ', name: 'Unique' });
      await createUser(fw, { username: 'Alice.Smith', orgId: org.id });
      const e = await expectError(createUser(fw, { username: 'alice.smith', orgId: org.id }), 'unique_violation');
      expect(e.fieldErrors[0]).to.include({ field: 'username', code: 'taken' });
      await expectError(createUser(fw, { username: 'ALICE.SMITH', orgId: org.id }), 'unique_violation');
    });

    it('refuses malformed usernames, unknown roles, unknown organisations and weak passwords', async () => {
      await expectError(createUser(fw, { username: 'has space' }), 'validation_failed');
      await expectError(createUser(fw, { username: '' }), 'validation_failed');
      await expectError(createUser(fw, { username: 'x'.repeat(101) }), 'validation_failed');
      const role = await expectError(createUser(fw, { username: 'roleless', roles: ['no_such_role'] }), 'validation_failed');
      expect(role.fieldErrors[0]).to.include({ field: 'roles', code: 'unknown_role' });
      await expectError(createUser(fw, { username: 'orgless', orgCode: 'NOPE' }), 'validation_failed');
      const weak = await expectError(createUser(fw, { username: 'weakling', password: 'short' }), 'validation_failed');
      expect(weak.fieldErrors[0]).to.include({ field: 'password', code: 'too_short' });
      await expectError(createUser(fw, { username: 'mirror-mirror', password: 'MIRROR-MIRROR' }), 'validation_failed');
      await expectError(createUser(fw, { username: 'verbose', password: 'x'.repeat(129) }), 'validation_failed');
      expect(await fw.db.knex('sys_user').whereIn('username', ['roleless', 'orgless', 'weakling']).pluck('id')).to.deep.equal([]);
    });

    it('sets a password that verifies, and can require a change at the next sign-in', async () => {
      const u = await createUser(fw, { username: 'pw-user' });
      await setPassword(fw, u.id, 'twelve chars ok', { mustChange: true });
      const row = await fw.db.knex('sys_user').where({ id: u.id }).first('password_hash', 'must_change_password');
      expect(await verifyPassword('twelve chars ok', row.password_hash)).to.equal(true);
      expect(await verifyPassword('twelve chars no', row.password_hash)).to.equal(false);
      expect(Boolean(row.must_change_password)).to.equal(true);
    });
  });

  describe('loadActor()', () => {
    it('gives roles, home and member organisations, own party codes and capabilities through includes', async () => {
      const home = await createOrg(fw, { code: 'HOME', name: 'Home' });
      const member = await createOrg(fw, { code: 'MEMBER', name: 'Member' });
      await createPartyCode(fw, { orgId: home.id, code: 'UID-HOME-1' });
      await createPartyCode(fw, { orgId: member.id, code: 'UID-MEM-1' });
      await createPartyCode(fw, { orgId: home.id, code: 'UID-HOME-2' });
      const u = await createUser(fw, {
        username: 'lead', orgId: home.id, orgs: [member.id], roles: ['id_lead', 'agent'], userIds: ['UID-HOME-1', 'UID-MEM-1'],
      });
      const actor = await loadActor(fw, u.id, { sessionId: 'sess-1', via: 'session' });
      expect(actor).to.deep.equal({
        kind: 'user', id: u.id, username: 'lead', roles: ['agent', 'id_lead'], orgs: [home.id, member.id], orgId: home.id,
        userIds: ['UID-HOME-1', 'UID-MEM-1'], capabilities: ['UC_Base_001', 'UC_Lead_001', 'UC_Shared_001'], sessionId: 'sess-1', via: 'session',
      });
    });

    it('refuses party codes of organisations the user does not belong to', async () => {
      const elsewhere = await createOrg(fw, { code: 'ELSEWHERE', name: 'Elsewhere' });
      await createPartyCode(fw, { orgId: elsewhere.id, code: 'UID-ELSE-1' });
      await expectError(createUser(fw, { username: 'intruder', orgCode: 'HOME', userIds: ['UID-ELSE-1'] }), 'validation_failed');
    });

    it('adds party codes shared under an active mutual consent, without the grantor organisation, and drops them at once when rescinded', async () => {
      const grantor = await createOrg(fw, { code: 'GRANTOR', name: 'Grantor' });
      const grantee = await createOrg(fw, { code: 'GRANTEE', name: 'Grantee' });
      await createPartyCode(fw, { orgId: grantor.id, code: 'UID-G-1' });
      await createPartyCode(fw, { orgId: grantor.id, code: 'UID-G-2' });
      const person = await createUser(fw, { username: 'borrower', orgId: grantee.id });
      const system = fw.systemActor;
      const mine = await recordConsent(fw, system, { side: 'grantor', orgId: grantor.id, counterpartyOrgId: grantee.id, userIds: ['UID-G-1', 'UID-G-2'] });
      await recordConsent(fw, system, { side: 'grantee', orgId: grantee.id, counterpartyOrgId: grantor.id, userIds: ['UID-G-1'] });
      await grantAccess(fw, system, { userId: person.id, userIdCode: 'UID-G-1', granteeOrgId: grantee.id });

      const actor = await loadActor(fw, person.id);
      expect(actor.userIds).to.deep.equal(['UID-G-1']);
      expect(actor.orgs).to.deep.equal([grantee.id]);

      clock.advance(1000);
      await rescindConsent(fw, system, mine.id);
      expect((await loadActor(fw, person.id)).userIds).to.deep.equal([]);
    });

    it('fails with not_found for an unknown user', async () => {
      await expectError(loadActor(fw, '018f0000-0000-7000-8000-00000000dead'), 'not_found');
    });
  });
});
