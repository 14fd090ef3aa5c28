/**
 * Export and import of the studio's layer through the API (platform/studio/export.ts, import.ts): an export imported
 * into a fresh database gives the same registry; a plan lists what is added, changed and removed with the schema
 * changes; a database that changed a definition itself since the export's base gets conflicts, and applying is
 * refused unless forced; importing again changes nothing; a draft change set can be discarded, audited.
 */
import { expect } from 'chai';
import { fetchLayer } from '../../../platform/studio/store.js';
import { expectProblem } from '../access/api/support.js';
import {
  gadgetForm, gadgetFormWithPolicy, gadgetMenu, gadgetTable, gadgetTableWithDetail, publishDefinitions, studioFixture,
  type StudioFixture,
} from './support.js';

const names = (items: { kind: string; name: string }[]) => items.map((i) => `${i.kind}/${i.name}`).sort();

/** The layer a database has in force, as comparable JSON. */
async function layerOf(f: StudioFixture, version: number) {
  return (await fetchLayer(f.fw.db.knex, version)).entries.map((e) => ({ kind: e.kind, name: e.name, definition: e.definition }));
}

describe('Studio export and import', function () {
  this.timeout(120000);
  let a: StudioFixture;
  let b: StudioFixture;

  beforeEach(async () => {
    a = await studioFixture();
    b = await studioFixture();
  });
  afterEach(async () => {
    await a.close();
    await b.close();
  });

  it('imports an export into a fresh database and gets the same registry; importing again changes nothing', async () => {
    await publishDefinitions(a.studio, 'Gadgets', [gadgetTable, gadgetForm, gadgetMenu]);
    const bundle = (await a.studio.ok('GET', '/api/studio/export', undefined, 200)).data;
    expect(Object.keys(bundle.files).sort()).to.deep.equal(['.formwork-export.json', 'forms/gadget.json', 'menus/gadgets.json', 'tables/gadget.json']);
    expect(bundle.files['.formwork-export.json']).to.include({ format: 1, version: 1, base: 0 });

    const plan = (await b.studio.ok('POST', '/api/studio/import?plan=true', bundle, 200)).data;
    expect(names(plan.added)).to.deep.equal(['form/gadget', 'menu/gadgets', 'table/gadget']);
    expect(plan.changed).to.deep.equal([]);
    expect(plan.conflicts).to.deep.equal([]);
    expect(plan.schemaChanges).to.deep.include({ kind: 'create_table', table: 'gadget', field: null });
    expect(b.fw.registry.current.tables.has('gadget')).to.equal(false);

    const applied = (await b.studio.ok('POST', '/api/studio/import', { ...bundle, comment: 'From the workshop' }, 200)).data;
    expect(applied.version).to.include({ number: 1, current: true, comment: 'From the workshop', definitions: 3 });
    expect(b.fw.registry.current.version).to.equal(a.fw.registry.current.version);
    expect(await layerOf(b, 1)).to.deep.equal(await layerOf(a, 1));
    await b.admin.ok('POST', '/api/tables/gadget', { title: 'Sprocket', kind: 'simple' }, 201);

    const again = (await b.studio.ok('POST', '/api/studio/import', bundle, 200)).data;
    expect(again.version).to.equal(null);
    expect(again.plan.unchanged).to.equal(3);
    expect((await b.studio.ok('GET', '/api/studio/versions', undefined, 200)).data).to.have.length(1);
  });

  it('plans the changes since a version: changed with what changed inside, removed, and the schema changes', async () => {
    await publishDefinitions(a.studio, 'Gadgets', [gadgetTable, gadgetForm, gadgetMenu]);
    await b.studio.ok('POST', '/api/studio/import', (await a.studio.ok('GET', '/api/studio/export', undefined, 200)).data, 200);

    const cs = (await a.studio.ok('POST', '/api/studio/changesets', { name: 'Detail' }, 201)).data;
    await a.studio.ok('PUT', `/api/studio/changesets/${cs.id}/definitions/table/gadget`, gadgetTableWithDetail, 200);
    await a.studio.ok('DELETE', `/api/studio/changesets/${cs.id}/definitions/menu/gadgets`, undefined, 200);
    await a.studio.ok('POST', `/api/studio/changesets/${cs.id}/publish`, {}, 200);
    const bundle = (await a.studio.ok('GET', '/api/studio/export?since=1', undefined, 200)).data;
    expect(Object.keys(bundle.files).sort()).to.deep.equal(['.formwork-export.json', 'tables/gadget.json']);
    expect(bundle.files['.formwork-export.json'].removed.map((r: { name: string }) => r.name)).to.deep.equal(['gadgets']);

    const plan = (await b.studio.ok('POST', '/api/studio/import?plan=true', bundle, 200)).data;
    expect(plan.added).to.deep.equal([]);
    expect(names(plan.changed)).to.deep.equal(['table/gadget']);
    expect(plan.changed[0].changes).to.deep.include({ pointer: '/fields/detail', op: 'added', after: gadgetTableWithDetail.fields.detail });
    expect(names(plan.removed)).to.deep.equal(['menu/gadgets']);
    expect(plan.schemaChanges).to.deep.include({ kind: 'add_column', table: 'gadget', field: 'detail' });
    expect(plan.conflicts).to.deep.equal([]);

    await b.studio.ok('POST', '/api/studio/import', bundle, 200);
    expect(b.fw.registry.current.version).to.equal(a.fw.registry.current.version);
    expect(b.fw.registry.current.menus.has('gadgets')).to.equal(false);
  });

  it('refuses an import whose plan conflicts, listing the conflicts, and applies it when forced', async () => {
    await publishDefinitions(a.studio, 'Gadgets', [gadgetTable, gadgetForm]);
    await b.studio.ok('POST', '/api/studio/import', (await a.studio.ok('GET', '/api/studio/export', undefined, 200)).data, 200);
    // Each database changes the form its own way after the first import.
    const localForm = { ...gadgetForm, label: 'Local gadget' };
    await publishDefinitions(b.studio, 'Local label', [localForm]);
    await publishDefinitions(a.studio, 'Policy', [gadgetTableWithDetail, gadgetFormWithPolicy]);
    const bundle = (await a.studio.ok('GET', '/api/studio/export?since=1', undefined, 200)).data;

    const plan = (await b.studio.ok('POST', '/api/studio/import?plan=true', bundle, 200)).data;
    expect(plan.conflicts).to.have.length(1);
    expect(plan.conflicts[0]).to.deep.include({ kind: 'form', name: 'gadget' });
    expect(plan.conflicts[0].changedIn).to.include({ version: 2 });
    expect(names(plan.changed)).to.deep.equal(['form/gadget', 'table/gadget']);

    const before = b.fw.registry.current.version;
    const refused = expectProblem(await b.studio.post('/api/studio/import', bundle), 409, 'conflict');
    expect(refused.conflicts.map((c: { kind: string; name: string }) => `${c.kind}/${c.name}`)).to.deep.equal(['form/gadget']);
    expect(b.fw.registry.current.version).to.equal(before);
    expect((await b.studio.ok('GET', '/api/studio/versions', undefined, 200)).data).to.have.length(2);

    const forced = (await b.studio.ok('POST', '/api/studio/import?force=true', bundle, 200)).data;
    expect(forced.version).to.include({ number: 3 });
    expect(forced.version.comment).to.include('forced over changes made here to form "gadget"');
    expect(b.fw.registry.current.version).to.equal(a.fw.registry.current.version);
  });

  it('refuses bundles that are not bundles and versions that do not exist', async () => {
    expectProblem(await b.studio.post('/api/studio/import?plan=true', { tables: [] }), 400, 'invalid_payload');
    const bad = expectProblem(await b.studio.post('/api/studio/import?plan=true', {
      files: { 'tables/a.json': gadgetTable, 'tables/b.json': gadgetTable, 'forms/x.json': { label: 'No kind' } },
    }), 400, 'invalid_payload');
    expect(bad.errors.map((e: { field: string }) => e.field).sort()).to.deep.equal(['forms/x.json', 'tables/b.json']);
    expectProblem(await b.studio.get('/api/studio/export?since=4'), 404, 'not_found');
    expectProblem(await b.studio.post('/api/studio/import?dry=true', { files: {} }), 400, 'invalid_query');
    const invalid = (await b.studio.ok('POST', '/api/studio/import?plan=true', { files: { 'forms/gadget.json': gadgetForm } }, 200)).data;
    expect(invalid.errors).to.not.be.empty;
    expectProblem(await b.studio.post('/api/studio/import', { files: { 'forms/gadget.json': gadgetForm } }), 422, 'definition_invalid');
    expect((await b.studio.ok('GET', '/api/studio/versions', undefined, 200)).data).to.deep.equal([]);
  });

  it('discards a draft change set, audited; a discarded change set can no longer be published', async () => {
    const cs = (await a.studio.ok('POST', '/api/studio/changesets', { name: 'Abandoned' }, 201)).data;
    await a.studio.ok('PUT', `/api/studio/changesets/${cs.id}/definitions/table/gadget`, gadgetTable, 200);
    const discarded = (await a.studio.ok('POST', `/api/studio/changesets/${cs.id}/discard`, { comment: 'Not needed' }, 200)).data;
    expect(discarded).to.include({ id: cs.id, status: 'discarded' });
    expectProblem(await a.studio.post(`/api/studio/changesets/${cs.id}/publish`, {}), 409, 'invalid_state');
    expectProblem(await a.studio.post(`/api/studio/changesets/${cs.id}/discard`, {}), 409, 'invalid_state');
    expectProblem(await a.studio.post('/api/studio/changesets/nope/discard', {}), 404, 'not_found');
    const audit = await a.fw.db.knex('sys_audit').where({ table_name: 'sys_studio_change_set', record_id: cs.id }).orderBy('id');
    expect(audit.map((r: { changes: string }) => JSON.parse(r.changes).status ?? null)).to.deep.include(['draft', 'discarded']);
    expect(a.fw.registry.current.tables.has('gadget')).to.equal(false);
  });
});
