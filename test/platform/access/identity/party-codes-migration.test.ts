import { expect } from 'chai';
import type { Knex } from 'knex';
import { migrationSource } from '../../../../migrations/index.js';
import { createTestDatabase, type TestDatabase } from '../../../support/db.js';

const RENAME = '20261207_010_party_codes';
const at = '2026-12-07T09:00:00.000Z';
const ids = {
  org: '018f0000-0000-7000-8000-0000000000a1', partner: '018f0000-0000-7000-8000-0000000000a2',
  user: '018f0000-0000-7000-8000-0000000000b1', code: '018f0000-0000-7000-8000-0000000000c1',
  consent: '018f0000-0000-7000-8000-0000000000d1', grant: '018f0000-0000-7000-8000-0000000000e1',
};

/** The platform's migrations up to (not including) the rename, as a knex migration source. */
const beforeRename: Knex.MigrationSource<string> = {
  async getMigrations() { return (await migrationSource.getMigrations([])).filter((m) => m < RENAME); },
  getMigrationName: (m) => m,
  getMigration: (m) => migrationSource.getMigration(m),
};

describe('migration 010: party codes', () => {
  let db: TestDatabase;
  const migrate = (source: Knex.MigrationSource<string>) => db.knex.migrate.latest({ migrationSource: source, tableName: 'sys_migrations' });

  before(async () => {
    db = await createTestDatabase();
    await migrate(beforeRename);
    const k = db.knex;
    await k('sys_org').insert([{ id: ids.org, code: 'MIG-A', name: 'A', created_at: at }, { id: ids.partner, code: 'MIG-B', name: 'B', created_at: at }]);
    await k('sys_user').insert({ id: ids.user, username: 'mig.person', username_key: 'mig.person', org_id: ids.partner, created_at: at });
    await k('sys_org_user_id').insert({ id: ids.code, org_id: ids.org, code: 'MIG-CODE-1', name: 'First' });
    await k('sys_user_user_id').insert({ user_id: ids.user, org_user_id: ids.code });
    await k('sys_consent').insert({
      id: ids.consent, grantor_org_id: ids.org, grantee_org_id: ids.partner, side: 'grantor', user_ids: '["MIG-CODE-1"]',
      valid_from: at, recorded_by: 'system', recorded_at: at,
    });
    await k('sys_access_grant').insert({ id: ids.grant, consent_id: ids.consent, user_id: ids.user, org_user_id: ids.code, granted_by: 'system', granted_at: at });
    await migrate(migrationSource);
  });
  after(async () => { await db.dispose(); });

  it('keeps every row under the new table and column names', async () => {
    const k = db.knex;
    expect(await k('sys_party_code').select('id', 'org_id', 'code', 'name')).to.deep.equal([{ id: ids.code, org_id: ids.org, code: 'MIG-CODE-1', name: 'First' }]);
    expect(await k('sys_user_party_code').select('user_id', 'party_code_id')).to.deep.equal([{ user_id: ids.user, party_code_id: ids.code }]);
    expect((await k('sys_consent').first('party_codes')).party_codes).to.equal('["MIG-CODE-1"]');
    expect((await k('sys_access_grant').first('party_code_id')).party_code_id).to.equal(ids.code);
    expect(await k.schema.hasTable('sys_org_user_id')).to.equal(false);
    expect(await k.schema.hasTable('sys_user_user_id')).to.equal(false);
  });

  it('keeps the unique code and the foreign keys, under names of the new tables', async () => {
    const k = db.knex;
    let duplicate: unknown = null;
    await k('sys_party_code').insert({ id: '018f0000-0000-7000-8000-0000000000c2', org_id: ids.org, code: 'MIG-CODE-1' }).catch((e: unknown) => { duplicate = e; });
    expect(db.dialect.uniqueViolation(duplicate)?.columns).to.deep.equal(['code']);
    let dangling: unknown = null;
    await k('sys_user_party_code').insert({ user_id: ids.user, party_code_id: '018f0000-0000-7000-8000-0000000000ff' }).catch((e: unknown) => { dangling = e; });
    expect(db.dialect.foreignKeyViolation(dangling)).to.equal(true);
    const names = [...await db.dialect.indexNames(k)];
    expect(names).to.include('sys_party_code_code_unique');
    expect(names.filter((n) => /user_id_(code|pkey)|org_user_id/.test(n))).to.deep.equal([]);
  });

  it('goes back to the old names with the rows when rolled back', async () => {
    const k = db.knex;
    // By name: later migrations stay applied (they do not touch these tables).
    await k.migrate.down({ migrationSource, tableName: 'sys_migrations', name: RENAME });
    try {
      expect(await k('sys_user_user_id').select('user_id', 'org_user_id')).to.deep.equal([{ user_id: ids.user, org_user_id: ids.code }]);
      expect((await k('sys_consent').first('user_ids')).user_ids).to.equal('["MIG-CODE-1"]');
      expect((await k('sys_access_grant').first('org_user_id')).org_user_id).to.equal(ids.code);
      expect([...await db.dialect.indexNames(k)]).to.include('sys_org_user_id_code_unique');
    } finally {
      await migrate(migrationSource);
    }
    expect(await k('sys_party_code').pluck('code')).to.deep.equal(['MIG-CODE-1']);
  });
});
