/**
 * Field conditions on forms (`{ field, visibleWhen, mandatoryWhen, readOnlyWhen }` in a column) and UI-policy actions
 * naming several fields (`fields`): the schema and lint report bad ones at their pointer, the registry holds the
 * expanded form (plain column names, ordinary policies appended after the declared ones), and the server enforces
 * the result as data policies on writes. On SQLite and PostgreSQL.
 */
import { expect } from 'chai';
import type { DefinitionError } from '../../../platform/definitions/index.js';
import { buildRegistry } from '../../../platform/kinds.js';
import type { Actor } from '../../../platform/records/types.js';
import { createTestEngine, fixture, type TestEngine } from '../../support/engine.js';
import { expectError } from '../../support/errors.js';

type Doc = Record<string, any>;

const ORG = '018f1111-0000-7000-8000-0000000000f1';
const clerk: Actor = { kind: 'user', id: '018f2222-0000-7000-8000-0000000000f1', username: 'clerk', roles: ['df_clerk'], orgs: [ORG], orgId: ORG, userIds: [] };

const table = (): Doc => ({
  kind: 'table', name: 'job', fields: {
    title: { type: 'string' },
    kind: { type: 'choice', choices: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] },
    note: { type: 'string' },
    extra: { type: 'string' },
  },
});
const isA = { fact: 'record.kind', operator: 'equal', value: 'a' };
const form = (columns: unknown[], uiPolicies?: unknown[]): Doc => ({ kind: 'form', name: 'job', table: 'job', sections: [{ columns: [columns] }], ...(uiPolicies ? { uiPolicies } : {}) });

function build(...docs: Doc[]) {
  return buildRegistry(docs.map((value) => ({ file: `${String(value.kind)}-${String(value.name)}.json`, pointer: '', value })));
}
function errorsAt(errors: DefinitionError[]): string[] {
  return errors.map((e) => `${e.file}#${e.pointer}`);
}

describe('forms: field conditions and multi-field policy actions', () => {
  describe('schema and lint', () => {
    it('refuses an entry without a condition, or with an unknown property, at the entry', () => {
      const bare = build(table(), form(['title', { field: 'note' }])).errors;
      expect(errorsAt(bare)).to.deep.equal(['form-job.json#/sections/0/columns/0/1']);
      const typo = build(table(), form([{ field: 'note', hiddenWhen: isA }])).errors;
      expect(typo.map((e) => [e.pointer, e.message])).to.deep.include(['/sections/0/columns/0/0/hiddenWhen', 'Unknown property "hiddenWhen".']);
    });

    it('checks the conditions as UI-policy conditions, with pointers into the entry', () => {
      const { errors } = build(table(), form([
        { field: 'note', visibleWhen: { fact: 'record.kindd', operator: 'equal', value: 'a' } },
        { field: 'extra', readOnlyWhen: { fact: 'record.kind', operator: 'changesTo', value: 'a' } },
      ]));
      expect(errorsAt(errors)).to.have.members([
        'form-job.json#/sections/0/columns/0/0/visibleWhen/fact',
        'form-job.json#/sections/0/columns/0/1/readOnlyWhen/operator',
      ]);
    });

    it('reports an unknown field at the entry\'s field, and a field placed twice', () => {
      const { errors } = build(table(), form([{ field: 'nope', visibleWhen: isA }, 'note', { field: 'note', mandatoryWhen: isA }]));
      expect(errorsAt(errors)).to.have.members(['form-job.json#/sections/0/columns/0/0/field', 'form-job.json#/sections/0/columns/0/2']);
    });

    it('checks every field of a multi-field action, and refuses field and fields together', () => {
      const unknown = build(table(), form(['title'], [{ condition: isA, actions: [{ fields: ['note', 'notes'], visible: false }] }])).errors;
      expect(errorsAt(unknown)).to.deep.equal(['form-job.json#/uiPolicies/0/actions/0/fields/1']);
      const both = build(table(), form(['title'], [{ condition: isA, actions: [{ field: 'note', fields: ['extra'], visible: false }] }])).errors;
      expect(both.map((e) => e.pointer)).to.deep.equal(['/uiPolicies/0/actions/0/fields']);
      const none = build(table(), form(['title'], [{ condition: isA, actions: [{ visible: false, readOnly: true }] }])).errors;
      expect(none.map((e) => e.message)).to.include('Missing required property "field".');
    });
  });

  describe('normalise', () => {
    it('turns entries back into names and appends one reversible policy per condition, after the declared ones', () => {
      const { registry, errors } = build(table(), form(
        ['title', { field: 'note', visibleWhen: isA, mandatoryWhen: isA, readOnlyWhen: { fact: 'record.title', operator: 'isEmpty' } }],
        [{ name: 'declared', condition: isA, actions: [{ fields: ['note', 'extra'], visible: false, readOnly: true }], reverse: false }],
      ));
      expect(errors).to.deep.equal([]);
      const f = registry!.get('form', 'job');
      expect(f.sections[0]!.columns).to.deep.equal([['title', 'note']]);
      expect(f.uiPolicies).to.deep.equal([
        { name: 'declared', condition: isA, reverse: false, actions: [{ field: 'note', visible: false, readOnly: true }, { field: 'extra', visible: false, readOnly: true }] },
        { name: 'note_visible_when', condition: isA, actions: [{ field: 'note', visible: true }], reverse: true },
        { name: 'note_mandatory_when', condition: isA, actions: [{ field: 'note', mandatory: true }], reverse: true },
        { name: 'note_read_only_when', condition: { fact: 'record.title', operator: 'isEmpty' }, actions: [{ field: 'note', readOnly: true }], reverse: true },
      ]);
    });

    it('leaves a form without sugar as written (no empty policy list added)', () => {
      const { registry } = build(table(), form(['title', 'note']));
      expect(registry!.get('form', 'job')).to.not.have.property('uiPolicies');
    });
  });

  describe('enforced on writes (data policies)', () => {
    let fw: TestEngine;
    before(async () => { fw = await createTestEngine({ roots: [fixture('packs/definition-format')] }); });
    after(async () => { await fw.dispose(); });

    it('mandatoryWhen: the field is required while the condition holds', async () => {
      const e = await expectError(fw.records.createOne('df_ticket', { title: 'Need a laptop', kind: 'request' }, { actor: clerk }), 'validation_failed');
      expect(e.fieldErrors.map((x) => [x.field, x.code])).to.deep.equal([['reference', 'required']]);
      const ok = await fw.records.createOne('df_ticket', { title: 'Need a laptop', kind: 'request', reference: 'REQ-1' }, { actor: clerk });
      expect(ok.reference).to.equal('REQ-1');
    });

    it('visibleWhen: a value sent while the field is hidden is discarded', async () => {
      const r = await fw.records.createOne('df_ticket', { title: 'Printer jam', kind: 'fault', reference: 'stray' }, { actor: clerk });
      expect(r.reference).to.equal(null);
    });

    it('readOnlyWhen: the field cannot be changed while the condition holds', async () => {
      const e = await expectError(fw.records.createOne('df_ticket', { title: 'How do I?', kind: 'question', internal_note: 'x' }, { actor: clerk }), 'validation_failed');
      expect(e.fieldErrors.map((x) => [x.field, x.code])).to.deep.equal([['internal_note', 'read_only']]);
      const fault = await fw.records.createOne('df_ticket', { title: 'Fan noise', kind: 'fault', internal_note: 'x' }, { actor: clerk });
      expect(fault.internal_note).to.equal('x');
    });

    it('a multi-field action acts on each of its fields', async () => {
      const q = await fw.records.createOne('df_ticket', { title: 'Where is?', kind: 'question', impact: 2, urgency: 3 }, { actor: clerk });
      expect([q.impact, q.urgency]).to.deep.equal([null, null]);
      const f = await fw.records.createOne('df_ticket', { title: 'Smoke', kind: 'fault', impact: 2, urgency: 3 }, { actor: clerk });
      expect([f.impact, f.urgency]).to.deep.equal([2, 3]);
    });
  });
});
