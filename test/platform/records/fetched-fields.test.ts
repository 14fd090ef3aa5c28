/**
 * Fetched fields (`fetchFrom`): a create or an update that sets a reference copies the named fields of the
 * referenced record, a cleared reference clears them, other updates leave them alone, and the lint refuses paths
 * that do not lead to a compatible field.
 */
import { expect } from 'chai';
import { type DefinitionError } from '../../../platform/definitions/index.js';
import { buildRegistry } from '../../../platform/kinds.js';
import type { Actor, RecordData } from '../../../platform/records/types.js';
import { createUser } from '../../support/auth.js';
import { createTestEngine, fixture, type TestEngine } from '../../support/engine.js';
import { loadActor } from '../../../platform/access/identity/index.js';

type Doc = Record<string, any>;

const place = (over: Doc = {}): Doc => ({
  kind: 'table', name: 'place', fields: { name: { type: 'string' }, postcode: { type: 'postcode' }, notes: { type: 'journal' }, ...over },
});
const visit = (fields: Doc): Doc => ({
  kind: 'table', name: 'visit', fields: { place: { type: 'reference', reference: 'place' }, purpose: { type: 'string' }, ...fields },
});
function lintErrors(...defs: Doc[]): string[] {
  const result = buildRegistry(defs.map((value) => ({ file: `${String(value.kind)}-${String(value.name)}.json`, pointer: '', value })));
  return result.errors.map((e: DefinitionError) => `${e.file}#${e.pointer}: ${e.message}`);
}

describe('fetched fields (fetchFrom)', () => {
  let fw: TestEngine;
  let planner: Actor;
  let north: RecordData;
  let south: RecordData;

  before(async () => {
    fw = await createTestEngine({ roots: [fixture('packs/fetch')] });
    const u = await createUser(fw, { roles: ['fx_user'], org: 'FX_ORG' });
    planner = await loadActor(fw, u.user.id);
    north = await fw.records.createOne('fx_place', { name: 'Mill House', postcode: 'ls1 4ab', region: 'north', floors: 3 }, { actor: fw.systemActor });
    south = await fw.records.createOne('fx_place', { name: 'Harbour View', postcode: 'PL1 2EF', region: 'south' }, { actor: fw.systemActor });
  });
  after(async () => { await fw?.dispose(); });

  it('copies the referenced record\'s values on create, typed as the fields hold them', async () => {
    const v = await fw.records.createOne('fx_visit', { purpose: 'Survey', place: north.id }, { actor: planner });
    expect(v).to.include({ place_postcode: 'LS1 4AB', place_region: 'north', place_floors: 3 });
    const stored = await fw.records.readOne('fx_visit', String(v.id), { actor: fw.systemActor });
    expect(stored).to.include({ place_postcode: 'LS1 4AB', place_region: 'north', place_floors: 3 });
  });

  it('replaces values the client sends for a fetched field, and leaves them empty without a reference', async () => {
    const none = await fw.records.createOne('fx_visit', { purpose: 'Nowhere yet' }, { actor: fw.systemActor });
    expect(none).to.include({ place_postcode: null, place_region: null, place_floors: null });
    const forced = await fw.records.createOne('fx_visit', { purpose: 'Sneaky', place: south.id, place_postcode: 'XX1 1XX', place_floors: 99 }, { actor: fw.systemActor });
    expect(forced).to.include({ place_postcode: 'PL1 2EF', place_region: 'south', place_floors: null });
  });

  it('copies again when an update changes the reference, clears when it is cleared, and not otherwise', async () => {
    const v = await fw.records.createOne('fx_visit', { purpose: 'Survey', place: north.id }, { actor: planner });
    const moved = await fw.records.updateOne('fx_visit', String(v.id), { place: south.id }, { actor: planner });
    expect(moved).to.include({ place_postcode: 'PL1 2EF', place_region: 'south', place_floors: null });
    // The referenced record changing later does not rewrite copies; an unrelated update does not either.
    await fw.records.updateOne('fx_place', String(south.id), { postcode: 'PL9 9ZZ' }, { actor: fw.systemActor });
    const renamed = await fw.records.updateOne('fx_visit', String(v.id), { purpose: 'Second survey' }, { actor: planner });
    expect(renamed).to.include({ place_postcode: 'PL1 2EF' });
    const cleared = await fw.records.updateOne('fx_visit', String(v.id), { place: null }, { actor: planner });
    expect(cleared).to.include({ place_postcode: null, place_region: null, place_floors: null });
    const history = await fw.records.history('fx_visit', String(v.id), { actor: planner });
    expect(history.filter((h) => h.field === 'place_postcode').map((h) => h.newValue).reverse()).to.deep.equal(['LS1 4AB', 'PL1 2EF', null]);
  });

  it('refuses a reference the writer cannot read before fetching anything', async () => {
    const err = await fw.records.createOne('fx_visit', { purpose: 'Ghost', place: '018f0000-0000-7000-8000-00000000dead' }, { actor: planner }).then(() => null, (e: unknown) => e);
    expect((err as { code?: string })?.code).to.equal('validation_failed');
  });

  it('passes fetchFrom to the UI in the field metadata', async () => {
    const { fieldMeta } = await import('../../../platform/http/routes/meta.js');
    const f = fw.registry.current.getTable('fx_visit').fields.get('place_postcode')!;
    expect(fieldMeta(f)).to.include({ fetchFrom: 'place.postcode' });
  });

  describe('lint', () => {
    it('accepts a reference field followed by a compatible field', () => {
      expect(lintErrors(place(), visit({ postcode: { type: 'string', fetchFrom: 'place.postcode' } }))).to.deep.equal([]);
    });

    it('refuses a first part that is not a reference field', () => {
      expect(lintErrors(place(), visit({ postcode: { type: 'string', fetchFrom: 'purpose.postcode' } })))
        .to.deep.equal(['table-visit.json#/fields/postcode/fetchFrom: "purpose" is not a reference field of table "visit", so field "postcode" cannot fetch from it.']);
    });

    it('refuses unknown and journal fields of the referenced table', () => {
      expect(lintErrors(place(), visit({ a: { type: 'string', fetchFrom: 'place.colour' }, b: { type: 'string', fetchFrom: 'place.notes' } })))
        .to.deep.equal([
          'table-visit.json#/fields/a/fetchFrom: "colour" is not a field of table "place" with a stored value.',
          'table-visit.json#/fields/b/fetchFrom: "notes" is not a field of table "place" with a stored value.',
        ]);
    });

    it('refuses copying between different kinds of value', () => {
      expect(lintErrors(place(), visit({ n: { type: 'integer', fetchFrom: 'place.postcode' } })))
        .to.deep.equal(['table-visit.json#/fields/n/fetchFrom: Field "n" is integer but "place.postcode" is postcode: a fetched value is copied as is, so both must hold the same kind of value.']);
    });

    it('is refused by the schema when it is not "<field>.<field>"', () => {
      const errors = lintErrors(place(), visit({ n: { type: 'string', fetchFrom: 'place' } }));
      expect(errors.some((e) => e.startsWith('table-visit.json#/fields/n/fetchFrom'))).to.equal(true);
    });
  });
});
