/**
 * Seeding: organisations' party codes and the codes their people act under (so defaults from `user.partyCode` work for
 * demo people), and record numbers handed out in order — a data file's records numbered one after the other, and the
 * records created afterwards after them.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRegistry } from '../../../platform/kinds.js';
import { createTestEngine } from '../../support/engine.js';

type Doc = Record<string, unknown>;

const TABLE: Doc = { kind: 'table', name: 'scn_item', label: 'Item', numberPrefix: 'SCN', fields: { title: { type: 'string', label: 'Title' } } };
const ORGS: Doc = {
  kind: 'data', name: 'scn_orgs', demo: true,
  organisations: [{ code: 'SCN_ORG', name: 'Seeded', partyCodes: [{ code: 'SCA', name: 'Seeded short code' }] }, { code: 'SCN_OTHER', name: 'Other' }],
};
const PEOPLE: Doc = { kind: 'data', name: 'scn_people', demo: true, people: [{ username: 'sam.seeded', org: 'SCN_ORG', partyCodes: ['SCA'] }] };
const ITEMS: Doc = { kind: 'data', name: 'scn_items', table: 'scn_item', key: ['title'], records: ['one', 'two', 'three'].map((title) => ({ title })) };

describe('seeding: party codes and record numbers', () => {
  let dir: string;
  afterEach(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it('records the organisations\' party codes and gives new people theirs; numbers records in order, before later creates', async () => {
    dir = mkdtempSync(join(tmpdir(), 'fw-scn-'));
    for (const f of [TABLE, ORGS, PEOPLE, ITEMS]) writeFileSync(join(dir, `${String(f.name)}.json`), JSON.stringify(f));
    const fw = await createTestEngine({ roots: [dir], demoData: true, config: { scryptLog2N: 10 } });
    try {
      const codes = await fw.db.knex('sys_user_party_code as up').join('sys_party_code as c', 'c.id', 'up.party_code_id')
        .join('sys_user as u', 'u.id', 'up.user_id').join('sys_org as o', 'o.id', 'c.org_id').select('u.username', 'c.code', 'c.name', 'o.code as org');
      expect(codes).to.deep.equal([{ username: 'sam.seeded', code: 'SCA', name: 'Seeded short code', org: 'SCN_ORG' }]);
      const seeded = await fw.db.knex('scn_item').orderBy('created_at').orderBy('number').select('number', 'title');
      expect(seeded.map((r: { number: string }) => r.number)).to.deep.equal(['SCN0000001', 'SCN0000002', 'SCN0000003']);
      const later = await fw.records.createOne('scn_item', { title: 'four' }, { actor: fw.systemActor });
      expect(later.number).to.equal('SCN0000004');
    } finally {
      await fw.dispose();
    }
  });

  it('lint: a person\'s party code must be declared by one of their organisations', () => {
    const people: Doc = { ...PEOPLE, people: [{ username: 'sam.seeded', org: 'SCN_OTHER', partyCodes: ['SCA', 'NONE'] }] };
    const errors = buildRegistry([ORGS, people].map((value) => ({ file: `${String(value.name)}.json`, pointer: '', value }))).errors;
    expect(errors.map((e) => e.pointer)).to.deep.equal(['/people/0/partyCodes/0', '/people/0/partyCodes/1']);
    expect(errors[0]!.message).to.equal('Party code "SCA" is not declared under the "partyCodes" of "SCN_OTHER".');
  });
});
