/**
 * Field overrides on a child table (`overrides`: label, help, default, choices, required of an inherited field): the
 * child's resolved field carries them and the parent's does not, the column stays the parent's, lint refuses
 * overrides of fields that are not inherited and choices the parent's field does not allow, and writes through the
 * child get the overridden default, required and choices. On SQLite and PostgreSQL.
 */
import { expect } from 'chai';
import { buildRegistry } from '../../../platform/kinds.js';
import { createToken, createUser, serve, type RunningServer } from '../../support/auth.js';
import { createTestEngine, fixture, type TestEngine } from '../../support/engine.js';
import { expectError } from '../../support/errors.js';

type Doc = Record<string, any>;

const options = (...values: string[]) => values.map((value) => ({ value, label: value.toUpperCase() }));
const parent = (): Doc => ({
  kind: 'table', name: 'case', numberPrefix: 'CASE', fields: {
    title: { type: 'string', label: 'Title' },
    channel: { type: 'choice', choices: options('phone', 'email', 'web'), default: 'email' },
    count: { type: 'integer' },
  },
});
const child = (overrides: Doc, extra: Doc = {}): Doc => ({ kind: 'table', name: 'claim', extends: 'case', fields: { amount: { type: 'currency' } }, overrides, ...extra });

function build(...docs: Doc[]) {
  return buildRegistry(docs.map((value) => ({ file: `${String(value.kind)}-${String(value.name)}.json`, pointer: '', value })));
}

describe('definitions: field overrides on a child table', () => {
  describe('resolution', () => {
    it('gives the child\'s field the override and leaves the parent\'s and the column alone', () => {
      const { registry, errors } = build(parent(), child({
        title: { label: 'Claim summary', help: 'One line.', required: true },
        channel: { choices: [{ value: 'web', label: 'Portal' }, { value: 'phone', label: 'Phone' }], default: 'web' },
      }), { kind: 'table', name: 'big_claim', extends: 'claim', fields: {} });
      expect(errors).to.deep.equal([]);
      const own = registry!.getTable('claim').fields;
      expect(own.get('title')).to.include({ label: 'Claim summary', help: 'One line.', required: true, declaredBy: 'case', overriddenBy: 'claim' });
      expect(own.get('channel')!.choices!.map((c) => c.label)).to.deep.equal(['Portal', 'Phone']);
      expect(registry!.getTable('case').fields.get('title')).to.include({ label: 'Title' }).and.not.have.property('required');
      expect(registry!.getTable('case').fields.get('channel')!.default).to.equal('email');
      // A grandchild inherits the override; the physical column is still the parent's.
      expect(registry!.getTable('big_claim').fields.get('channel')!.default).to.equal('web');
      expect(registry!.physicalTables.get('case')!.columns.get('channel')!.default).to.equal('email');
    });
  });

  describe('lint', () => {
    it('refuses an override of a field the table declares itself or that does not exist, with the inherited names', () => {
      const { errors } = build(parent(), child({ amount: { label: 'Sum' }, titel: { label: 'x' } }));
      expect(errors.map((e) => [e.file, e.pointer])).to.have.deep.members([['table-claim.json', '/overrides/amount'], ['table-claim.json', '/overrides/titel']]);
      expect(errors.find((e) => e.pointer === '/overrides/titel')!.expected).to.match(/^one of: title/);
    });

    it('refuses overrides on a table that extends nothing', () => {
      const { errors } = build({ ...parent(), overrides: { title: { label: 'x' } } });
      expect(errors.map((e) => e.pointer)).to.deep.equal(['/overrides/title']);
    });

    it('refuses choices the parent\'s field does not allow, and choices on a field that is no choice', () => {
      const { errors } = build(parent(), child({ channel: { choices: options('phone', 'fax') }, count: { choices: options('1') } }));
      expect(errors.map((e) => e.pointer)).to.have.members(['/overrides/channel/choices/1/value', '/overrides/count/choices']);
    });

    it('refuses a default that is not one of the options in force, or that the field cannot hold', () => {
      const narrowed = build(parent(), child({ channel: { choices: options('phone', 'web') } })).errors;
      expect(narrowed.map((e) => [e.pointer, e.value])).to.deep.equal([['/overrides/channel/choices', 'email']]);
      const wrong = build(parent(), child({ channel: { default: 'fax' }, count: { default: 'many' } })).errors;
      expect(wrong.map((e) => e.pointer)).to.have.members(['/overrides/channel/default', '/overrides/count/default']);
    });

    it('refuses an empty override and an unknown property through the schema', () => {
      const { errors } = build(parent(), child({ title: {}, count: { max: 3 } }));
      expect(errors.map((e) => e.pointer)).to.have.members(['/overrides/title', '/overrides/count/max']);
    });
  });

  describe('enforced on writes through the child table', () => {
    let fw: TestEngine;
    before(async () => { fw = await createTestEngine({ roots: [fixture('packs/definition-format')] }); });
    after(async () => { await fw.dispose(); });

    it('requires the overridden field and refuses options the child dropped', async () => {
      const missing = await expectError(fw.records.createOne('df_fault', { title: 'Dead screen' }, { actor: fw.systemActor }), 'validation_failed');
      expect(missing.fieldErrors.map((x) => [x.field, x.code])).to.deep.equal([['channel', 'required']]);
      const dropped = await expectError(fw.records.createOne('df_fault', { title: 'Dead screen', channel: 'email' }, { actor: fw.systemActor }), 'validation_failed');
      expect(dropped.fieldErrors.map((x) => x.field)).to.deep.equal(['channel']);
    });

    it('applies the child\'s default, while the parent keeps its own, and lists of the parent read both', async () => {
      const fault = await fw.records.createOne('df_fault', { title: 'Dead screen', channel: 'web' }, { actor: fw.systemActor });
      expect(fault).to.include({ priority: 'high', channel: 'web', class: 'df_fault' });
      const ticket = await fw.records.createOne('df_ticket', { title: 'Question', kind: 'question', channel: 'email' }, { actor: fw.systemActor });
      expect(ticket).to.include({ priority: 'normal', channel: 'email' });
      const listed = await fw.records.query('df_ticket', { filter: { fact: 'record.id', operator: 'in', value: [fault.id, ticket.id] } }, { actor: fw.systemActor });
      expect(listed.records.map((r) => r.channel)).to.have.members(['web', 'email']);
      expect(fw.registry.current.getTable('df_fault').fields.get('title')!.label).to.equal('Fault summary');
      expect(fw.registry.current.getTable('df_ticket').fields.get('title')!.label).to.equal('Title');
    });

    describe('over HTTP', () => {
      let server: RunningServer;
      let token: string;
      const call = async (method: string, path: string, body?: unknown) => {
        const res = await fetch(server.url + path, {
          method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
          body: body ? JSON.stringify(body) : undefined,
        });
        return { status: res.status, body: await res.json() as any };
      };
      const fieldOf = (data: { fields: { name: string }[] }, name: string) => data.fields.find((f) => f.name === name) as any;

      before(async () => {
        server = await serve(fw);
        const user = await createUser(fw, { roles: ['df_clerk'] });
        token = await createToken(fw, user.username);
      });
      after(async () => { await server.close(); });

      it('describes the child\'s fields with their overrides to the browser, and the parent\'s without', async () => {
        const fault = (await call('GET', '/api/meta/tables/df_fault')).body.data;
        expect(fieldOf(fault, 'title')).to.include({ label: 'Fault summary', help: 'What stopped working.' });
        expect(fieldOf(fault, 'channel')).to.deep.include({ required: true, choices: [{ value: 'phone', label: 'Phone' }, { value: 'web', label: 'Web portal' }] });
        expect(fieldOf(fault, 'priority')).to.include({ default: 'high' });
        const ticket = (await call('GET', '/api/meta/tables/df_ticket')).body.data;
        expect(fieldOf(ticket, 'title')).to.include({ label: 'Title' });
        expect(fieldOf(ticket, 'channel')).to.include({ required: false });
      });

      it('answers 422 validation_failed when the overridden required field is missing', async () => {
        const r = await call('POST', '/api/tables/df_fault', { title: 'Dead screen', kind: 'fault' });
        expect(r.status).to.equal(422);
        expect(r.body.code).to.equal('validation_failed');
        expect(r.body.errors.map((e: { field: string }) => e.field.replace(/^\//, ''))).to.deep.equal(['channel']);
      });
    });
  });
});
