/**
 * Data files referring to other records by a key of the target table (`"area": { "code": "LDN" }`): the lint of
 * the data kind, and seeding in dependency order with keys resolved to ids, on both databases.
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DefinitionError } from '../../../platform/definitions/index.js';
import { seed } from '../../../platform/data/seed.js';
import { buildRegistry } from '../../../platform/kinds.js';
import { createTestEngine, type TestEngine } from '../../support/engine.js';
import { expectError } from '../../support/errors.js';

type Doc = Record<string, unknown>;

const AREA: Doc = {
  kind: 'table', name: 'dr_area', label: 'Area', displayField: 'name',
  fields: { code: { type: 'string', label: 'Code', unique: true }, name: { type: 'string', label: 'Name' }, region: { type: 'string', label: 'Region' } },
};
const SITE: Doc = {
  kind: 'table', name: 'dr_site', label: 'Site', displayField: 'name',
  fields: {
    name: { type: 'string', label: 'Name' },
    area: { type: 'reference', reference: 'dr_area', label: 'Area' },
    parent_site: { type: 'reference', reference: 'dr_site', label: 'Parent site' },
  },
};
const areas = (over: Doc = {}): Doc => ({
  kind: 'data', name: 'dr_areas', table: 'dr_area', key: ['name'],
  records: [{ code: 'LDN', name: 'London', region: 'south' }, { code: 'MAN', name: 'Manchester', region: 'north' }], ...over,
});
/** Named to sort before the areas file: seeding must still create the areas first. */
const sites = (records: Doc[], over: Doc = {}): Doc => ({ kind: 'data', name: 'dr_a_sites', table: 'dr_site', key: ['name'], records, ...over });

const fileOf = (d: Doc) => `${String(d.kind)}-${String(d.name)}.json`;
function errorsOf(...docs: Doc[]): DefinitionError[] {
  return buildRegistry(docs.map((value) => ({ file: fileOf(value), pointer: '', value }))).errors;
}
function only(errors: DefinitionError[], pointer: string): DefinitionError {
  expect(errors.map((e) => `${e.file}#${e.pointer}: ${e.message}`), 'exactly one error').to.have.length(1);
  expect(errors[0]!.pointer).to.equal(pointer);
  return errors[0]!;
}

describe('data files: references by key', () => {
  describe('lint', () => {
    it('accepts keys that identify one declared record: a data file key, a unique field, the display field', () => {
      const docs = [AREA, SITE, areas(), sites([
        { name: 'Docklands', area: { code: 'LDN' } },
        { name: 'Salford', area: { name: 'Manchester' }, parent_site: { name: 'Docklands' } },
      ])];
      expect(errorsOf(...docs)).to.deep.equal([]);
    });

    it('refuses a raw id, with the key form as the expected value', () => {
      const e = only(errorsOf(AREA, SITE, areas(), sites([{ name: 'X', area: '0190a3b2-0000-7000-8000-000000000001' }])), '/records/0/area');
      expect(e.message).to.match(/cannot know its id/);
      expect(e.expected).to.match(/\{ "/);
    });

    it('refuses key fields the target does not have, system fields and fields that do not identify a record', () => {
      expect(only(errorsOf(AREA, SITE, areas(), sites([{ name: 'X', area: { cod: 'LDN' } }])), '/records/0/area/cod').expected).to.match(/code/);
      expect(only(errorsOf(AREA, SITE, areas(), sites([{ name: 'X', area: { id: 'x' } }])), '/records/0/area/id').message).to.match(/set by the system/);
      const e = only(errorsOf(AREA, SITE, areas(), sites([{ name: 'X', area: { region: 'south' } }])), '/records/0/area');
      expect(e.message).to.match(/do not identify one record/);
      expect(e.expected).to.contain('"code"').and.contain('"name"');
    });

    it('refuses a key no data file declares, suggesting the closest declared ones', () => {
      const e = only(errorsOf(AREA, SITE, areas(), sites([{ name: 'X', area: { code: 'LDX' } }])), '/records/0/area');
      expect(e.message).to.match(/No data file declares a record of table "dr_area" with code "LDX"/);
      expect(e.expected).to.match(/code "LDN"/);
    });

    it('refuses reference data that refers to a record only demo data declares', () => {
      const e = only(errorsOf(AREA, SITE, areas({ demo: true }), sites([{ name: 'X', area: { code: 'LDN' } }])), '/records/0/area');
      expect(e.message).to.match(/only in demo data/);
    });

    it('refuses a record referring to itself or to a later record of its file', () => {
      const self = errorsOf(AREA, SITE, areas(), sites([{ name: 'A', parent_site: { name: 'A' } }]));
      expect(only(self, '/records/0/parent_site').message).to.match(/refers to itself/);
      const later = errorsOf(AREA, SITE, areas(), sites([{ name: 'A', parent_site: { name: 'B' } }, { name: 'B' }]));
      expect(only(later, '/records/0/parent_site').message).to.match(/declared later/);
    });

    it('refuses data files that need each other\'s records first (a cycle)', () => {
      const AREA2 = { ...AREA, fields: { ...(AREA.fields as Doc), hub: { type: 'reference', reference: 'dr_site', label: 'Hub' } } };
      const errors = errorsOf(AREA2, SITE,
        areas({ records: [{ code: 'LDN', name: 'London', hub: { name: 'Docklands' } }] }),
        sites([{ name: 'Docklands', area: { code: 'LDN' } }]));
      const e = errors.find((x) => /each need records of the next one/.test(x.message));
      expect(e, JSON.stringify(errors)).to.not.equal(undefined);
      expect(e!.message).to.contain('"dr_a_sites"').and.contain('"dr_areas"');
    });
  });

  describe('seeding', function () {
    this.timeout(60_000);
    const dirs: string[] = [];
    const engines: TestEngine[] = [];
    const pack = (docs: Doc[]): string => {
      const dir = mkdtempSync(join(tmpdir(), 'formwork-data-refs-'));
      mkdirSync(join(dir, 'data'));
      for (const d of docs) writeFileSync(join(dir, d.kind === 'data' ? 'data' : '', `${String(d.name)}.json`), JSON.stringify(d));
      dirs.push(dir);
      return dir;
    };
    after(async () => {
      for (const fw of engines) await fw.dispose();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });

    it('creates the targets first and stores the ids the keys pick out', async () => {
      const fw = await createTestEngine({ roots: [pack([AREA, SITE, areas(), sites([
        { name: 'Docklands', area: { code: 'LDN' } },
        { name: 'Salford', area: { name: 'Manchester' }, parent_site: { name: 'Docklands' } },
      ])])] });
      engines.push(fw);
      const q = async (table: string) => (await fw.records.query(table, { limit: 10, sort: [{ field: 'name', direction: 'asc' }] }, { actor: fw.systemActor })).records;
      const [london, manchester] = await q('dr_area');
      const [docklands, salford] = await q('dr_site');
      expect(docklands).to.include({ name: 'Docklands', area: london!.id, parent_site: null });
      expect(salford).to.include({ name: 'Salford', area: manchester!.id, parent_site: docklands!.id });
    });

    it('fails with the file, the record\'s pointer and the key when no record has it, and changes nothing of the file', async () => {
      const fw = await createTestEngine({ seed: false, roots: [pack([AREA, SITE, areas(), sites([
        { name: 'Docklands' },
        { name: 'Bankside', area: { code: 'LDN' } },
      ])])] });
      engines.push(fw);
      // A London already there under another code: the data file's London (key "name") is not created, so LDN is nowhere.
      await fw.records.createOne('dr_area', { code: 'LON', name: 'London' }, { actor: fw.systemActor });
      const err = await expectError(seed(fw, { demo: false }), 'validation_failed');
      expect(err.message).to.contain('Data file "dr_a_sites"').and.contain('/records/1/area').and.contain('code "LDN"');
      expect(err.fieldErrors[0]).to.include({ field: 'area', code: 'reference_not_found' });
      expect((await fw.records.query('dr_site', {}, { actor: fw.systemActor })).records).to.deep.equal([]);
      expect(await fw.db.knex('sys_seed').where({ name: 'dr_a_sites' }).first()).to.equal(undefined);
    });

    it('names the file and the record when the record service refuses a record', async () => {
      const SHORT = { ...AREA, fields: { ...(AREA.fields as Doc), code: { type: 'string', label: 'Code', unique: true, maxLength: 5 } } };
      const fw = await createTestEngine({ seed: false, roots: [pack([SHORT, areas({ records: [{ code: 'LDN', name: 'London' }, { code: 'TOOLONG', name: 'Long' }] })])] });
      engines.push(fw);
      const err = await expectError(seed(fw, { demo: false }), 'validation_failed');
      expect(err.message).to.contain('Data file "dr_areas"').and.contain('/records/1');
      expect((await fw.records.query('dr_area', {}, { actor: fw.systemActor })).records).to.deep.equal([]);
    });
  });
});
