/**
 * Packs' inactivity settings in data files (an organisation's `inactivity`, or the file's for the organisations it
 * declares): the lint applies the settings API's checks at the file's pointers, and seeding applies the settings
 * once per organisation, only where it has none of its own.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DefinitionError } from '../../../platform/definitions/index.js';
import { seed } from '../../../platform/data/seed.js';
import { buildRegistry } from '../../../platform/kinds.js';
import { createOrg } from '../../../platform/access/identity/index.js';
import { createTestEngine, packRoot, type TestEngine } from '../../support/engine.js';

type Doc = Record<string, unknown>;

const orgs = (name: string, list: Doc[], extra: Doc = {}): Doc => ({ kind: 'data', name, organisations: list, ...extra });

function errorsOf(...docs: Doc[]): DefinitionError[] {
  return buildRegistry(docs.map((value) => ({ file: `data-${String(value.name)}.json`, pointer: '', value }))).errors;
}

describe('data files: organisations\' inactivity settings', () => {
  describe('lint', () => {
    it('accepts the settings API\'s members, on an organisation or for the whole file', () => {
      const settings = { periodDays: 60, warningDays: [7], effects: { removeRoles: true }, warning: { subject: 'Sign in by {{revokeOn}}' } };
      expect(errorsOf(orgs('in_a', [{ code: 'IA', name: 'A', inactivity: settings }]), orgs('in_b', [{ code: 'IB', name: 'B' }], { inactivity: {} })))
        .to.deep.equal([]);
    });

    it('names the file, the member\'s pointer and the settings API\'s message for each bad member', () => {
      const errors = errorsOf(
        orgs('in_a', [{ code: 'IA', name: 'A' }, {
          code: 'IB', name: 'B',
          inactivity: { periodDays: 0, colour: 'red', warning: { subject: 'Hi {{secret}}' }, effects: { disable: 'yes', shred: true } },
        }]),
        orgs('in_c', [{ code: 'IC', name: 'C' }], { inactivity: { periodDays: 10, warningDays: [14, 3] } }),
      );
      expect(errors.map((e) => [e.file, e.pointer])).to.deep.equal([
        ['data-in_a.json', '/organisations/1/inactivity/colour'],
        ['data-in_a.json', '/organisations/1/inactivity/periodDays'],
        ['data-in_a.json', '/organisations/1/inactivity/warning/subject'],
        ['data-in_a.json', '/organisations/1/inactivity/effects/disable'],
        ['data-in_a.json', '/organisations/1/inactivity/effects/shred'],
        ['data-in_c.json', '/inactivity/warningDays'],
      ]);
      expect(errors[0]!.message).to.equal('"colour" is not a setting; use periodDays, warningDays, warning, revocation, effects.');
      expect(errors[1]!.message).to.equal('The inactivity period must be a whole number of days from 1 to 3650; got 0.');
      expect(errors[2]!.message).to.match(/^The warning subject uses \{\{secret\}\}, which is not offered; use person, /);
      expect(errors[3]!.message).to.equal('"effects.disable" must be true or false.');
      expect(errors[5]!.message).to.equal('Each warning must come before the end of the 10-day period.');
    });

    it('checks warnings against the built-in period when the settings give none, as the API does', () => {
      const errors = errorsOf(orgs('in_a', [{ code: 'IA', name: 'A', inactivity: { warningDays: [120] } }]));
      expect(errors.map((e) => [e.pointer, e.message])).to.deep.equal([
        ['/organisations/0/inactivity/warningDays', 'Each warning must come before the end of the 90-day period.'],
      ]);
    });

    it('refuses settings that are not an object, and file settings in a file that declares no organisation', () => {
      const errors = errorsOf(
        orgs('in_a', [{ code: 'IA', name: 'A', inactivity: [90] }]),
        { kind: 'data', name: 'in_q', queues: [{ name: 'q', label: 'Q' }], inactivity: { periodDays: 30 } },
      );
      expect(errors.map((e) => e.pointer)).to.include.members(['/organisations/0/inactivity', '/inactivity']);
      expect(errors.find((e) => e.pointer === '/inactivity')!.message).to.match(/declares none/);
    });
  });

  describe('seeding', () => {
    let dir: string;
    let fw: TestEngine | undefined;
    afterEach(async () => {
      await fw?.dispose();
      fw = undefined;
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const write = (...files: Doc[]) => { for (const f of files) writeFileSync(join(dir, `${String(f.name)}.json`), JSON.stringify(f)); };
    const settingsOf = async (code: string) => {
      const row = await fw!.db.knex('sys_inactivity_setting as s').join('sys_org as o', 'o.id', 's.org_id').where('o.code', code).first('s.settings');
      return row ? JSON.parse(row.settings) : null;
    };
    const orgId = async (code: string) => (await fw!.db.knex('sys_org').where({ code }).first('id')).id as string;
    /** Seed again as after a change of the files (their marks gone), on the same database. */
    const seedAgain = async () => {
      await fw!.db.knex('sys_seed').whereNot('name', 'like', 'inactivity:%').delete();
      await seed(fw!, { demo: false });
    };

    it('gives each organisation its own settings, or the file\'s, and audits them as the system\'s', async () => {
      dir = mkdtempSync(join(tmpdir(), 'fw-inact-'));
      write(orgs('in_orgs', [{ code: 'OWN', name: 'Own', inactivity: { periodDays: 30, warningDays: [] } }, { code: 'SHARED', name: 'Shared' }], {
        inactivity: { periodDays: 60, warningDays: [10] },
      }));
      fw = await createTestEngine({ roots: [dir] });
      expect(await settingsOf('OWN')).to.deep.equal({ periodDays: 30, warningDays: [] });
      expect(await settingsOf('SHARED')).to.deep.equal({ periodDays: 60, warningDays: [10] });
      const audit = await fw.db.knex('sys_audit').where({ table_name: 'sys_org', record_id: await orgId('OWN') }).first('changes');
      expect(JSON.parse(audit.changes)).to.deep.equal({ inactivity_settings: [null, { periodDays: 30, warningDays: [] }] });
    });

    it('never overwrites settings an administrator set, nor brings back settings an administrator cleared', async () => {
      dir = mkdtempSync(join(tmpdir(), 'fw-inact-'));
      write(orgs('in_orgs', [{ code: 'BEFORE', name: 'Before' }, { code: 'KEPT', name: 'Kept' }, { code: 'CLEARED', name: 'Cleared' }], {
        inactivity: { periodDays: 60 },
      }));
      fw = await createTestEngine({ roots: [dir], seed: false });
      // An organisation with settings of its own before the pack declared any, written as PUT /api/orgs/:code/inactivity does.
      const before = await createOrg(fw, { code: 'BEFORE', name: 'Before' });
      const own = (orgId: string, settings: Doc) => fw!.db.knex('sys_inactivity_setting')
        .insert({ org_id: orgId, settings: JSON.stringify(settings), updated_at: new Date().toISOString(), updated_by: 'admin' });
      await own(before.id, { periodDays: 120 });
      await seed(fw, { demo: false });
      expect([await settingsOf('BEFORE'), await settingsOf('KEPT'), await settingsOf('CLEARED')])
        .to.deep.equal([{ periodDays: 120 }, { periodDays: 60 }, { periodDays: 60 }]);

      // An administrator changes one and clears another (PUT with {} deletes the row); then the file changes.
      await fw.db.knex('sys_inactivity_setting').where({ org_id: await orgId('KEPT') }).update({ settings: JSON.stringify({ periodDays: 45 }) });
      await fw.db.knex('sys_inactivity_setting').where({ org_id: await orgId('CLEARED') }).delete();
      await seedAgain();
      expect([await settingsOf('BEFORE'), await settingsOf('KEPT'), await settingsOf('CLEARED')])
        .to.deep.equal([{ periodDays: 120 }, { periodDays: 45 }, null]);
    });

    it('declares the packs\' settings: CMS 90 days and disable with one warning, SSI warnings 14 and 3 days before', async () => {
      fw = await createTestEngine({ roots: [packRoot('core'), packRoot('cms'), packRoot('ssi')], demoData: true, config: { scryptLog2N: 10 } });
      const cms = await settingsOf('SHIPPER_A');
      expect([cms.periodDays, cms.warningDays, cms.effects])
        .to.deep.equal([90, [7], { disable: true, endSessions: true, removeRoles: false, revokeTokens: true }]);
      expect(await settingsOf('CDSP')).to.deep.equal(cms);
      const dcc = await settingsOf('DCC');
      expect([dcc.warningDays, dcc.effects.removeRoles]).to.deep.equal([[14, 3], true]);
      expect(await settingsOf('BRIGHTWATT')).to.deep.equal(dcc);
    });
  });
});
