/**
 * A person's name as others read it — display name, else username — the same in JavaScript (personName) and in SQL
 * (personNameSql), on every database: names that are set, missing, empty or only spaces, and a stored copy of the
 * username for someone whose account is gone.
 */
import { expect } from 'chai';
import { createOrg, createUser, personName, personNameSql } from '../../../../platform/access/identity/index.js';
import { createIdentityEngine } from '../../../support/auth.js';
import { CORE_DEFINITIONS, type TestEngine } from '../../../support/engine.js';

describe('identity: a person\'s name', () => {
  let fw: TestEngine;
  const cases = [
    { username: 'pn.named', display: 'Ada Lovelace', expected: 'Ada Lovelace' },
    { username: 'pn.padded', display: '  Grace Hopper ', expected: 'Grace Hopper' },
    { username: 'pn.none', display: null, expected: 'pn.none' },
    { username: 'pn.empty', display: '', expected: 'pn.empty' },
    { username: 'pn.spaces', display: '   ', expected: 'pn.spaces' },
  ];

  before(async () => {
    ({ fw } = await createIdentityEngine({ roots: [CORE_DEFINITIONS] }));
    const org = await createOrg(fw, { code: 'NAMES', name: 'Names' });
    for (const c of cases) {
      const user = await createUser(fw, { username: c.username, orgId: org.id });
      await fw.db.knex('sys_user').where({ id: user.id }).update({ display_name: c.display });
    }
  });
  after(async () => { await fw?.dispose(); });

  it('reads the display name, trimmed, else the username', () => {
    for (const c of cases) expect(personName({ username: c.username, display_name: c.display }), c.username).to.equal(c.expected);
    expect(personName({ username: 'only.username' })).to.equal('only.username');
  });

  it('selects the same name in SQL as personName gives for the same rows', async () => {
    const knex = fw.db.knex;
    const rows = await knex('sys_user as u').whereIn('u.username', cases.map((c) => c.username))
      .select('u.username', 'u.display_name', personNameSql(knex, 'u', 'name'));
    expect(rows).to.have.length(cases.length);
    for (const r of rows as { username: string; display_name: string | null; name: string }[]) {
      expect(r.name, r.username).to.equal(cases.find((c) => c.username === r.username)!.expected);
      expect(r.name, r.username).to.equal(personName(r));
    }
  });

  it('falls back on a stored username where the person is gone (a left join finds nobody)', async () => {
    const knex = fw.db.knex;
    const row = await knex.select(personNameSql(knex, 'u', 'name', 'k.kept'))
      .from(knex.raw('(select ? as kept) as k', ['former.user']))
      .leftJoin('sys_user as u', 'u.username', 'k.kept').first();
    expect(row.name).to.equal('former.user');
  });
});
