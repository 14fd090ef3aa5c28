/**
 * Previews of a change set (platform/studio/preview.ts, preview-try.ts): a draft form as people holding different
 * roles would get it, the published registry untouched, "try this record" naming the rules that would run and why
 * others would not, and the refusals (bad input, unknown roles, an invalid draft, someone who is not a configurator).
 */
import { expect } from 'chai';
import { createToken, createUser } from '../../support/auth.js';
import { expectProblem, TokenClient } from '../access/api/support.js';
import { gadgetFormWithPolicy, gadgetTableWithDetail, put, studioFixture, type StudioFixture } from './support.js';

const table = {
  ...gadgetTableWithDetail,
  fields: { ...gadgetTableWithDetail.fields, notes: { type: 'string', label: 'Internal notes', maxLength: 200 } },
};
const form = { ...gadgetFormWithPolicy, sections: [{ columns: [['title', 'kind'], ['detail', 'notes']] }] };
const viewer = {
  kind: 'role', name: 'gadget_viewer', label: 'Gadget viewer',
  tables: [{ table: 'gadget', operations: ['read'], scope: 'all', readFields: ['title', 'kind', 'detail'] }],
};
const editor = { kind: 'role', name: 'gadget_editor', label: 'Gadget editor', tables: [{ table: 'gadget', operations: ['create', 'read', 'update'], scope: 'all' }] };
const rules = [
  {
    kind: 'rule', name: 'gadget_complex_detail', label: 'Complex gadgets get a detail', table: 'gadget', when: 'before', operations: ['create'], order: 10,
    condition: { fact: 'record.kind', operator: 'equal', value: 'complex' }, actions: [{ type: 'set', fields: { detail: 'Explain {{record.title}}' } }],
  },
  {
    kind: 'rule', name: 'gadget_no_broken', label: 'No broken gadgets', table: 'gadget', when: 'before', operations: ['create', 'update'], order: 20,
    condition: { fact: 'record.title', operator: 'equal', value: 'Broken' }, actions: [{ type: 'abort', message: 'A broken gadget cannot be recorded.' }],
  },
  {
    kind: 'rule', name: 'gadget_renamed', label: 'Renamed gadgets', table: 'gadget', when: 'before', operations: ['update'], order: 30,
    actions: [{ type: 'set', fields: { kind: 'simple' } }],
  },
  {
    kind: 'rule', name: 'gadget_simple_kind', label: 'Simple by default', table: 'gadget', when: 'after', operations: ['create'], order: 5,
    condition: { fact: 'record.kind', operator: 'isEmpty' }, actions: [{ type: 'set', fields: { kind: 'simple' } }],
  },
];

describe('Studio previews', function () {
  this.timeout(120000);
  let f: StudioFixture;
  let cs: string;

  before(async () => {
    f = await studioFixture();
    cs = (await f.studio.ok('POST', '/api/studio/changesets', { name: 'Gadget preview' }, 201)).data.id;
    for (const d of [table, form, viewer, editor, ...rules]) {
      const r = await put(f.studio, `/api/studio/changesets/${cs}/definitions/${d.kind}/${d.name}`, d);
      expect(r.status, r.text).to.equal(200);
      expect(r.body.data.errors, r.text).to.deep.equal([]);
    }
  });
  after(async () => { await f.close(); });

  const base = () => `/api/studio/changesets/${cs}/preview`;

  it('gives the draft form as each role would get it, leaving the published registry untouched', async () => {
    const viewerReply = await f.studio.ok('GET', `${base()}/forms/gadget?role=gadget_viewer`, undefined, 200);
    expect(viewerReply.person.capabilities).to.deep.equal([]);
    expect(viewerReply.person.roles).to.deep.equal(['gadget_viewer']);
    const asViewer = viewerReply.data;
    expect(Object.keys(asViewer.fields)).to.have.members(['title', 'kind', 'detail']);
    expect(asViewer.fields.title.readOnly).to.equal(true);
    expect(asViewer.uiPolicies[0].name).to.equal('complex_needs_detail');

    const asEditor = (await f.studio.ok('GET', `${base()}/forms/gadget?role=gadget_editor`, undefined, 200)).data;
    expect(Object.keys(asEditor.fields)).to.have.members(['title', 'kind', 'detail', 'notes']);
    expect(asEditor.fields.title.readOnly).to.equal(false);
    const both = (await f.studio.ok('GET', `${base()}/forms/gadget?role=gadget_viewer&role=gadget_editor`, undefined, 200)).data;
    expect(both.fields.notes.label).to.equal('Internal notes');

    const tableMeta = (await f.studio.ok('GET', `${base()}/tables/gadget?role=gadget_viewer`, undefined, 200)).data;
    expect(tableMeta).to.include({ name: 'gadget', defaultForm: 'gadget', workflow: false });

    expect(f.fw.registry.current.tables.has('gadget')).to.equal(false);
    expectProblem(await f.admin.get('/api/meta/forms/gadget'), 404, 'not_found');
  });

  it('builds the candidate once per state of the change set', async () => {
    const holder = f.fw.registry as unknown as { prepare: (...a: unknown[]) => Promise<unknown> };
    const original = holder.prepare;
    let builds = 0;
    holder.prepare = (...a: unknown[]) => { builds += 1; return original.apply(holder, a); };
    try {
      await f.studio.ok('GET', `${base()}/forms/gadget?role=gadget_viewer`, undefined, 200);
      await f.studio.ok('GET', `${base()}/tables/gadget?role=gadget_editor`, undefined, 200);
      expect(builds).to.equal(0);
      const r = await put(f.studio, `/api/studio/changesets/${cs}/definitions/role/gadget_viewer`, { ...viewer, label: 'Gadget reader' }, '1');
      expect(r.status, r.text).to.equal(200);
      builds = 0;
      await f.studio.ok('GET', `${base()}/forms/gadget?role=gadget_viewer`, undefined, 200);
      await f.studio.ok('GET', `${base()}/forms/gadget?role=gadget_editor`, undefined, 200);
      expect(builds).to.equal(1);
    } finally {
      holder.prepare = original;
    }
  });

  it('says when the roles may not read the table, and refuses unknown roles and forms', async () => {
    const denied = expectProblem(await f.studio.get(`${base()}/forms/gadget?role=configurator`), 422, 'validation_failed');
    expect(denied.errors.map((e: { field: string; code: string }) => [e.field, e.code])).to.deep.equal([['role', 'no_access']]);
    const unknown = expectProblem(await f.studio.get(`${base()}/forms/gadget?role=nobody`), 422, 'validation_failed');
    expect(unknown.errors[0]).to.include({ field: 'role', code: 'unknown_role' });
    expectProblem(await f.studio.get(`${base()}/forms/nothing_here?role=gadget_editor`), 404, 'not_found');
    expectProblem(await f.studio.get(`${base()}/forms/gadget?colour=red`), 400, 'invalid_query');
    expectProblem(await f.studio.get('/api/studio/changesets/0190d6a4-0000-7000-8000-000000000000/preview/forms/gadget'), 404, 'not_found');
  });

  it('tries a record: the rules that run in order, the ones that do not and why, the record after the before rules', async () => {
    const body = { table: 'gadget', operation: 'create', record: { title: 'Lamp', kind: 'complex' }, form: 'gadget', role: 'gadget_editor' };
    const view = (await f.studio.ok('POST', `${base()}/try`, body, 200)).data;
    const byName = Object.fromEntries(view.rules.map((r: { name: string }) => [r.name, r]));
    expect(view.rules.map((r: { name: string }) => r.name)).to.deep.equal(['gadget_complex_detail', 'gadget_no_broken', 'gadget_renamed', 'gadget_simple_kind']);
    expect(byName.gadget_complex_detail).to.include({ runs: true, branch: 'actions', reason: null });
    expect(byName.gadget_complex_detail.actions).to.deep.equal([{ type: 'set', text: 'Set Detail to Explain Lamp' }]);
    expect(byName.gadget_no_broken).to.include({ runs: false, reason: 'condition_false', conditionHolds: false });
    expect(byName.gadget_renamed).to.include({ runs: false, reason: 'operation' });
    expect(byName.gadget_simple_kind).to.include({ runs: false, reason: 'condition_false' });
    expect(view.record).to.include({ title: 'Lamp', kind: 'complex', detail: 'Explain Lamp' });
    expect(view.changed).to.deep.equal(['detail']);
    expect(view.values.map((v: { label: string; text: string; setByRule: boolean }) => [v.label, v.text, v.setByRule])).to.deep.equal([
      ['Title', 'Lamp', false], ['Kind', 'Complex', false], ['Detail', 'Explain Lamp', true],
    ]);
    expect(view.aborted).to.equal(null);
    expect(view.policies.policies).to.deep.equal([
      { name: 'complex_needs_detail', description: 'A complex gadget says what it does.', holds: true, failed: false },
    ]);
    expect(view.policies.fields.find((x: { name: string }) => x.name === 'detail')).to.include({ label: 'Detail', mandatory: true, visible: true });
    expect(await f.fw.db.knex.schema.hasTable('gadget')).to.equal(false);
  });

  it('shows an abort and the rules it keeps from running', async () => {
    const body = { table: 'gadget', operation: 'update', previous: { title: 'Lamp', kind: 'complex' }, record: { title: 'Broken' } };
    const view = (await f.studio.ok('POST', `${base()}/try`, body, 200)).data;
    const byName = Object.fromEntries(view.rules.map((r: { name: string }) => [r.name, r]));
    expect(byName.gadget_no_broken).to.include({ runs: true, stops: 'A broken gadget cannot be recorded.' });
    expect(byName.gadget_no_broken.actions).to.deep.equal([{ type: 'abort', text: 'Abort: A broken gadget cannot be recorded.' }]);
    expect(byName.gadget_renamed).to.include({ runs: false, reason: 'stopped' });
    expect(view.aborted).to.deep.equal({ rule: 'No broken gadgets', message: 'A broken gadget cannot be recorded.' });
    expect(view.policies).to.equal(null);
  });

  it('refuses bad input to try with field errors', async () => {
    const bad = expectProblem(await f.studio.post(`${base()}/try`, { table: 'gadget', operation: 'remove', record: {} }), 422, 'validation_failed');
    expect(bad.errors.map((e: { field: string }) => e.field)).to.deep.equal(['operation']);
    expectProblem(await f.studio.post(`${base()}/try`, { table: 'gadget', operation: 'create' }), 422, 'validation_failed');
    const fields = expectProblem(await f.studio.post(`${base()}/try`, {
      table: 'gadget', operation: 'create', record: { title: 7, colour: 'red' },
    }), 422, 'validation_failed');
    expect(fields.errors.map((e: { field: string }) => e.field)).to.have.members(['record.title', 'record.colour']);
    const noTable = expectProblem(await f.studio.post(`${base()}/try`, { table: 'widget', operation: 'create', record: {}, form: 'gadget' }), 422, 'validation_failed');
    expect(noTable.errors.map((e: { field: string }) => e.field)).to.deep.equal(['table', 'form']);
    const role = expectProblem(await f.studio.post(`${base()}/try`, { table: 'gadget', operation: 'create', record: {}, role: ['nobody'] }), 422, 'validation_failed');
    expect(role.errors[0]).to.include({ field: 'role', code: 'unknown_role' });
    expectProblem(await f.studio.post(`${base()}/try`, { table: 'gadget', operation: 'create', record: {}, extra: 1 }), 400, 'invalid_payload');
  });

  it('refuses to preview a change set that is not valid, listing its errors', async () => {
    const broken = (await f.studio.ok('POST', '/api/studio/changesets', { name: 'Broken preview' }, 201)).data.id;
    const r = await put(f.studio, `/api/studio/changesets/${broken}/definitions/form/lonely`, { ...form, name: 'lonely', table: 'missing_table' });
    expect(r.status, r.text).to.equal(200);
    const refused = expectProblem(await f.studio.get(`/api/studio/changesets/${broken}/preview/forms/lonely`), 422, 'definition_invalid');
    expect(refused.definitionErrors.length).to.be.greaterThan(0);
  });

  it('is for configurators only', async () => {
    const person = await createUser(f.fw, { roles: ['agent'] });
    const client = new TokenClient(f.server.url, await createToken(f.fw, person.username));
    expectProblem(await client.get(`${base()}/forms/gadget`), 403, 'forbidden');
    expectProblem(await client.post(`${base()}/try`, { table: 'gadget', operation: 'create', record: {} }), 403, 'forbidden');
  });
});
