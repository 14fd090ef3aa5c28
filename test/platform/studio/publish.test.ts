/**
 * The studio through its API (platform/studio): a table, form and menu built in a change set and published; a field
 * and a UI policy added and enforced by the server; a rollback that hides, never drops; invalid and destructive
 * changes refused with nothing put in force; stale saves refused; versions compared.
 */
import { expect } from 'chai';
import { createToken, createUser } from '../../support/auth.js';
import { expectProblem, TokenClient } from '../access/api/support.js';
import {
  gadgetForm, gadgetFormWithPolicy, gadgetMenu, gadgetTable, gadgetTableWithDetail, publishDefinitions, put, studioFixture,
  type StudioFixture,
} from './support.js';

describe('Studio API', function () {
  this.timeout(120000);
  let f: StudioFixture;

  beforeEach(async () => { f = await studioFixture(); });
  afterEach(async () => { await f.close(); });

  it('publishes a table, form and menu from a change set, and records can be created in the table', async () => {
    const version = await publishDefinitions(f.studio, 'Gadgets', [gadgetTable, gadgetForm, gadgetMenu]);
    expect(version).to.include({ number: 1, current: true, definitions: 3 });
    expect(version.changeSet.name).to.equal('Gadgets');
    expect(f.fw.registry.current.tables.has('gadget')).to.equal(true);

    const created = await f.admin.ok('POST', '/api/tables/gadget', { title: 'Sprocket', kind: 'simple' }, 201);
    expect(created.data.title).to.equal('Sprocket');
    const form = await f.admin.ok('GET', '/api/meta/forms/gadget', undefined, 200);
    expect(JSON.stringify(form)).to.include('Gadget');
    const listed = await f.studio.ok('GET', '/api/studio/definitions?pack=studio', undefined, 200);
    expect(listed.data.map((d: { kind: string; name: string }) => `${d.kind}/${d.name}`)).to.deep.equal(['form/gadget', 'menu/gadgets', 'table/gadget']);
    const versions = await f.studio.ok('GET', '/api/studio/versions', undefined, 200);
    expect(versions.data.map((v: { number: number }) => v.number)).to.deep.equal([1]);
  });

  it('adds a field and a UI policy the server enforces, diffs the versions and rolls back without dropping data', async () => {
    await publishDefinitions(f.studio, 'Gadgets', [gadgetTable, gadgetForm, gadgetMenu]);
    await publishDefinitions(f.studio, 'Detail', [gadgetTableWithDetail, gadgetFormWithPolicy]);

    const refused = await f.admin.post('/api/tables/gadget', { title: 'Engine', kind: 'complex' });
    expectProblem(refused, 422, 'validation_failed');
    expect(JSON.stringify(refused.body.errors ?? refused.body)).to.include('detail');
    const kept = await f.admin.ok('POST', '/api/tables/gadget', { title: 'Engine', kind: 'complex', detail: 'Turns' }, 201);

    const diff = (await f.studio.ok('GET', '/api/studio/versions/1/diff?to=2', undefined, 200)).data;
    expect(diff).to.include({ from: 1, to: 2 });
    const table = diff.definitions.find((d: { kind: string }) => d.kind === 'table');
    expect(table.status).to.equal('changed');
    expect(table.changes).to.deep.include({ pointer: '/fields/detail', op: 'added', after: gadgetTableWithDetail.fields.detail });
    const form = diff.definitions.find((d: { kind: string }) => d.kind === 'form');
    expect(form.changes.map((c: { pointer: string }) => c.pointer)).to.include('/uiPolicies');

    const rolled = (await f.studio.ok('POST', '/api/studio/versions/1/rollback', { comment: 'Back to the first gadgets' }, 200)).data;
    expect(rolled).to.include({ number: 3, rollbackOf: 1, current: true });
    expectProblem(await f.admin.post('/api/tables/gadget', { title: 'Lever', detail: 'x' }), 400, 'unknown_field');
    await f.admin.ok('POST', '/api/tables/gadget', { title: 'Lever', kind: 'complex' }, 201);
    // The hidden column keeps its data.
    const row = await f.fw.db.knex('gadget').where({ id: kept.data.id }).first();
    expect(row.detail).to.equal('Turns');
    const audit = await f.fw.db.knex('sys_audit').where({ table_name: 'sys_studio_version' }).count({ n: '*' }).first();
    expect(Number(audit!.n)).to.equal(3);

    // Publishing the field again finds its column where it was.
    await publishDefinitions(f.studio, 'Detail again', [gadgetTableWithDetail]);
    const again = await f.admin.ok('GET', `/api/tables/gadget/${kept.data.id}`, undefined, 200);
    expect(again.data.detail).to.equal('Turns');
  });

  it('refuses an invalid definition with its file-equivalent name and pointer, and puts nothing in force', async () => {
    const before = f.fw.registry.current.version;
    const cs = (await f.studio.ok('POST', '/api/studio/changesets', { name: 'Broken' }, 201)).data;
    const bad = { ...gadgetTable, fields: { ...gadgetTable.fields, size: { type: 'enormous', label: 'Size' } } };
    const saved = await put(f.studio, `/api/studio/changesets/${cs.id}/definitions/table/gadget`, bad);
    expect(saved.status, saved.text).to.equal(200);
    expect(saved.body.data.errors).to.not.be.empty;
    expect(saved.body.data.errors[0]).to.include({ file: 'studio:Broken/table/gadget.json' });
    expect(saved.body.data.errors[0].pointer).to.match(/^\/fields\/size/);

    const checked = (await f.studio.ok('POST', `/api/studio/changesets/${cs.id}/validate`, {}, 200)).data;
    expect(checked.valid).to.equal(false);
    const refused = expectProblem(await f.studio.post(`/api/studio/changesets/${cs.id}/publish`, {}), 422, 'definition_invalid');
    expect(refused.definitionErrors[0].file).to.equal('studio:Broken/table/gadget.json');
    expect(f.fw.registry.current.version).to.equal(before);
    expect((await f.studio.ok('GET', '/api/studio/versions', undefined, 200)).data).to.deep.equal([]);
    expect((await f.studio.ok('GET', `/api/studio/changesets/${cs.id}`, undefined, 200)).data.status).to.equal('draft');
  });

  it('refuses a destructive change with the reason and keeps the version in force', async () => {
    await publishDefinitions(f.studio, 'Gadgets', [gadgetTable, gadgetForm]);
    const before = f.fw.registry.current.version;
    const cs = (await f.studio.ok('POST', '/api/studio/changesets', { name: 'Retype' }, 201)).data;
    const retyped = { ...gadgetTable, fields: { ...gadgetTable.fields, title: { type: 'integer', label: 'Title' } } };
    expect((await put(f.studio, `/api/studio/changesets/${cs.id}/definitions/table/gadget`, retyped)).status).to.equal(200);
    const checked = (await f.studio.ok('POST', `/api/studio/changesets/${cs.id}/validate`, {}, 200)).data;
    expect(checked.valid).to.equal(false);
    expect(checked.refused[0]).to.include('"title"');
    const refused = expectProblem(await f.studio.post(`/api/studio/changesets/${cs.id}/publish`, {}), 409, 'schema_change_refused');
    expect(refused.detail).to.include('would change type');
    expect(f.fw.registry.current.version).to.equal(before);
    expect((await f.studio.ok('GET', '/api/studio/versions', undefined, 200)).data).to.have.length(1);
  });

  it('refuses a stale save: 412 on an old If-Match, 409 without one', async () => {
    const cs = (await f.studio.ok('POST', '/api/studio/changesets', { name: 'Two browsers' }, 201)).data;
    const path = `/api/studio/changesets/${cs.id}/definitions/table/gadget`;
    const first = await put(f.studio, path, gadgetTable);
    expect(first.status, first.text).to.equal(200);
    expect(first.headers.get('etag')).to.equal('"1"');
    const second = await put(f.studio, path, gadgetTableWithDetail, '"1"');
    expect(second.status, second.text).to.equal(200);
    expect(second.body.data.revision).to.equal(2);
    const stale = await put(f.studio, path, gadgetTable, '"1"');
    expect(stale.status, stale.text).to.equal(412);
    expect(stale.body.code).to.equal('precondition_failed');
    const blind = await put(f.studio, path, gadgetTable);
    expect(blind.status, blind.text).to.equal(409);
    expect(blind.body.code).to.equal('conflict');
    expect((await f.studio.ok('GET', path, undefined, 200)).data.definition).to.deep.equal(gadgetTableWithDetail);
  });

  it('refuses what does not fit: another kind or name than the address, unknown kinds, file deletions, people without the capability', async () => {
    const cs = (await f.studio.ok('POST', '/api/studio/changesets', { name: 'Odd' }, 201)).data;
    const mismatch = await put(f.studio, `/api/studio/changesets/${cs.id}/definitions/table/widget`, gadgetTable);
    expect(mismatch.status, mismatch.text).to.equal(422);
    expect(mismatch.body.code).to.equal('validation_failed');
    expectProblem(await f.studio.get(`/api/studio/changesets/${cs.id}/definitions/gizmo/x`), 422, 'validation_failed');
    expectProblem(await f.studio.delete(`/api/studio/changesets/${cs.id}/definitions/table/task`), 422, 'validation_failed');
    expectProblem(await f.studio.get('/api/studio/changesets/nope'), 404, 'not_found');
    expectProblem(await f.studio.post('/api/studio/changesets', {}), 422, 'validation_failed');
    expectProblem(await f.studio.get('/api/studio/versions/7/diff?to=0'), 404, 'not_found');
    expectProblem(await f.studio.post('/api/studio/versions/0/rollback', {}), 409, 'invalid_state');
    const agent = await createUser(f.fw, { roles: ['agent'] });
    const outsider = new TokenClient(f.server.url, await createToken(f.fw, agent.username));
    expectProblem(await outsider.get('/api/studio/versions'), 403, 'forbidden');
  });
});
