/**
 * Change sets against each other and against what is published (platform/studio/service.ts, layer.ts): an edit
 * begun before another publish changed the same definition is refused, a studio-created table is deleted (hidden,
 * its data kept), each edit is audited; and the structural diff (diff.ts) names every changed place by pointer.
 */
import { expect } from 'chai';
import { diffJson } from '../../../platform/studio/index.js';
import { createToken, createUser } from '../../support/auth.js';
import { expectProblem, TokenClient } from '../access/api/support.js';
import { gadgetForm, gadgetTable, gadgetTableWithDetail, publishDefinitions, put, studioFixture, type StudioFixture } from './support.js';

describe('Studio change sets', function () {
  this.timeout(120000);
  let f: StudioFixture;

  beforeEach(async () => { f = await studioFixture(); });
  afterEach(async () => { await f.close(); });

  it('refuses to publish an edit that another publish overtook, listing it', async () => {
    await publishDefinitions(f.studio, 'Gadgets', [gadgetTable, gadgetForm]);
    const late = (await f.studio.ok('POST', '/api/studio/changesets', { name: 'Late' }, 201)).data;
    const renamed = { ...gadgetTable, label: 'Gizmo' };
    expect((await put(f.studio, `/api/studio/changesets/${late.id}/definitions/table/gadget`, renamed)).status).to.equal(200);
    await publishDefinitions(f.studio, 'Early', [gadgetTableWithDetail]);

    const refused = expectProblem(await f.studio.post(`/api/studio/changesets/${late.id}/publish`, {}), 409, 'conflict');
    expect(refused.conflicts).to.deep.equal([{ kind: 'table', name: 'gadget', baseVersion: 1 }]);
    expect(f.fw.registry.current.tables.get('gadget')!.fields.has('detail')).to.equal(true);
  });

  it('deletes a studio-created table: hidden from the registry, its rows kept; every edit audited', async () => {
    await publishDefinitions(f.studio, 'Gadgets', [gadgetTable, gadgetForm]);
    const row = (await f.admin.ok('POST', '/api/tables/gadget', { title: 'Kept' }, 201)).data;
    const cs = (await f.studio.ok('POST', '/api/studio/changesets', { name: 'Retire gadgets' }, 201)).data;
    const form = await f.studio.delete(`/api/studio/changesets/${cs.id}/definitions/form/gadget`);
    expect(form.status, form.text).to.equal(200);
    expect(form.body.data).to.include({ deleted: true, revision: 1 });
    const table = await f.studio.delete(`/api/studio/changesets/${cs.id}/definitions/table/gadget`);
    expect(table.status, table.text).to.equal(200);
    const published = (await f.studio.ok('POST', `/api/studio/changesets/${cs.id}/publish`, {}, 200)).data;
    expect(published).to.include({ number: 2, definitions: 0 });

    expectProblem(await f.admin.get('/api/tables/gadget'), 404, 'table_not_found');
    expect((await f.fw.db.knex('gadget').where({ id: row.id }).first()).title).to.equal('Kept');
    const audited = await f.fw.db.knex('sys_audit').where({ table_name: 'sys_studio_change_set', record_id: cs.id }).select('changes');
    const changed = audited.flatMap((a: { changes: string }) => Object.keys(JSON.parse(a.changes)));
    expect(changed).to.include.members(['form/gadget', 'table/gadget', 'status', 'name']);
    // Reloading the files finds the hidden table left as it is, not refused as a dropped table.
    await f.fw.reloadDefinitions().then((r) => expect(r.ok, JSON.stringify(r.errors)).to.equal(true));
  });

  it('gives configurators the definition schema the editors are generated from, its descriptions the help texts', async () => {
    const schema = (await f.studio.ok('GET', '/api/studio/schema', undefined, 200)).data;
    expect(schema.$defs.table.required).to.include('fields');
    expect(schema.$defs.table.properties.label.description).to.be.a('string').and.not.equal('');
    expect(schema.$defs.definition.properties.kind.enum).to.include.members(['table', 'form', 'catalogItem']);
    const user = await createUser(f.fw, {});
    const client = new TokenClient(f.server.url, await createToken(f.fw, user.username));
    expectProblem(await client.get('/api/studio/schema'), 403, 'forbidden');
  });

  it('drops a definition new in the draft when it is deleted there', async () => {
    const cs = (await f.studio.ok('POST', '/api/studio/changesets', { name: 'Second thoughts' }, 201)).data;
    const path = `/api/studio/changesets/${cs.id}/definitions/table/gadget`;
    expect((await put(f.studio, path, gadgetTable)).status).to.equal(200);
    expect((await f.studio.delete(path)).status).to.equal(204);
    expectProblem(await f.studio.get(path), 404, 'not_found');
    expect((await f.studio.ok('GET', `/api/studio/changesets/${cs.id}`, undefined, 200)).data.definitions).to.deep.equal([]);
    expectProblem(await f.studio.post(`/api/studio/changesets/${cs.id}/publish`, {}), 409, 'invalid_state');
  });
});

describe('diffJson', () => {
  it('names added, removed and changed places by JSON pointer, arrays by position', () => {
    const before = { label: 'A', fields: { a: { type: 'string' }, 'x/y': 1 }, list: [1, 2, 3] };
    const after = { label: 'B', fields: { a: { type: 'text' }, b: { type: 'integer' } }, list: [1, 5] };
    expect(diffJson(before, after)).to.deep.equal([
      { pointer: '/label', op: 'changed', before: 'A', after: 'B' },
      { pointer: '/fields/a/type', op: 'changed', before: 'string', after: 'text' },
      { pointer: '/fields/x~1y', op: 'removed', before: 1 },
      { pointer: '/fields/b', op: 'added', after: { type: 'integer' } },
      { pointer: '/list/1', op: 'changed', before: 2, after: 5 },
      { pointer: '/list/2', op: 'removed', before: 3 },
    ]);
    expect(diffJson({ a: 1, b: 2 }, { b: 2, a: 1 })).to.deep.equal([]);
  });
});
