/**
 * Shared choice lists (the `choiceList` kind): a choice field naming one with `choiceList` offers its options, which
 * the resolved table carries as plain `choices` for lint, the API and the browser. The schema and lint report bad
 * lists and references with pointers; writes are checked against the list's options. On SQLite and PostgreSQL.
 */
import { expect } from 'chai';
import { buildRegistry } from '../../../platform/kinds.js';
import { createTestEngine, fixture, type TestEngine } from '../../support/engine.js';
import { expectError } from '../../support/errors.js';

type Doc = Record<string, any>;

const list = (extra: Doc = {}): Doc => ({
  kind: 'choiceList', name: 'urgency', label: 'Urgency',
  choices: [{ value: 'low', label: 'Low' }, { value: 'high', label: 'High' }], ...extra,
});
const table = (field: Doc, extra: Doc = {}): Doc => ({
  kind: 'table', name: 'job', fields: { area: { type: 'choice', choices: [{ value: 'hw', label: 'Hardware' }, { value: 'sw', label: 'Software' }] }, urgency: field, ...extra },
});

function build(...docs: Doc[]) {
  return buildRegistry(docs.map((value) => ({ file: `${String(value.kind)}-${String(value.name)}.json`, pointer: '', value })));
}

describe('records: shared choice lists', () => {
  describe('resolution', () => {
    it('gives every field naming the list its options as `choices`, the declared table unchanged', () => {
      const { registry, errors } = build(list(), table({ type: 'choice', choiceList: 'urgency', default: 'low' }),
        { kind: 'table', name: 'task', fields: { level: { type: 'choice', choiceList: 'urgency', multiple: true } } });
      expect(errors).to.deep.equal([]);
      const job = registry!.getTable('job').fields.get('urgency')!;
      expect(job.choices).to.deep.equal(list().choices);
      expect(registry!.getTable('task').fields.get('level')!.choices!.map((c) => c.value)).to.deep.equal(['low', 'high']);
      expect(registry!.get('choiceList', 'urgency').label).to.equal('Urgency');
      expect(registry!.getTable('job').def.fields.urgency).to.not.have.property('choices');
    });
  });

  describe('schema and lint', () => {
    it('refuses a choice field with neither choices nor choiceList, and a list without choices', () => {
      expect(build(table({ type: 'choice' })).errors.map((e) => [e.pointer, e.message])).to.deep.equal([['/fields/urgency', 'Missing required property "choices".']]);
      // A field naming the invalid list is not also told the list is undeclared.
      const invalid = build(list({ choices: [] }), table({ type: 'choice', choiceList: 'urgency' })).errors;
      expect(invalid.map((e) => [e.file, e.pointer])).to.deep.equal([['choiceList-urgency.json', '/choices']]);
    });

    it('reports an undeclared list at the field, with the closest names', () => {
      const { errors } = build(list(), table({ type: 'choice', choiceList: 'urgncy' }));
      expect(errors.map((e) => [e.file, e.pointer])).to.deep.equal([['table-job.json', '/fields/urgency/choiceList']]);
      expect(errors[0]!.expected).to.match(/^one of: urgency/);
    });

    it('refuses a list on a field that is no choice, or beside its own choices', () => {
      expect(build(list(), table({ type: 'string', choiceList: 'urgency' })).errors.map((e) => e.pointer)).to.deep.equal(['/fields/urgency/choiceList']);
      const both = build(list(), table({ type: 'choice', choiceList: 'urgency', choices: [{ value: 'x', label: 'X' }] })).errors;
      expect(both.map((e) => e.pointer)).to.deep.equal(['/fields/urgency/choiceList']);
    });

    it('checks defaults and dependent options against the list\'s options', () => {
      const badDefault = build(list(), table({ type: 'choice', choiceList: 'urgency', default: 'medium' })).errors;
      expect(badDefault.map((e) => e.pointer)).to.deep.equal(['/fields/urgency/default']);
      const dependent = list({ choices: [{ value: 'low', label: 'Low' }, { value: 'high', label: 'High', for: ['hw'] }] });
      expect(build(dependent, table({ type: 'choice', choiceList: 'urgency', dependsOn: 'area' })).errors).to.deep.equal([]);
      // Problems of the list's options are reported at the field's choiceList, the part of the table that names them.
      const noControl = build(dependent, table({ type: 'choice', choiceList: 'urgency' })).errors;
      expect(noControl.map((e) => [e.pointer, e.message])).to.deep.equal([
        ['/fields/urgency/choiceList', 'Option "high" lists the values it applies to, but field "urgency" has no dependsOn naming the field they belong to.'],
      ]);
      const badFor = build(list({ choices: [{ value: 'high', label: 'High', for: ['net'] }] }), table({ type: 'choice', choiceList: 'urgency', dependsOn: 'area' })).errors;
      expect(badFor.map((e) => e.pointer)).to.deep.equal(['/fields/urgency/choiceList']);
    });

    it('refuses two options with one value in a list', () => {
      const { errors } = build(list({ choices: [{ value: 'low', label: 'Low' }, { value: 'low', label: 'Lower' }] }));
      expect(errors.map((e) => [e.file, e.pointer])).to.deep.equal([['choiceList-urgency.json', '/choices/1/value']]);
    });
  });

  describe('enforced on writes', () => {
    let fw: TestEngine;
    before(async () => { fw = await createTestEngine({ roots: [fixture('packs/definition-format')] }); });
    after(async () => { await fw.dispose(); });

    it('accepts the list\'s values, applies a default among them and refuses others', async () => {
      const made = await fw.records.createOne('df_ticket', { title: 'Slow', kind: 'fault' }, { actor: fw.systemActor });
      expect(made.priority).to.equal('normal');
      const high = await fw.records.updateOne('df_ticket', made.id as string, { priority: 'high' }, { actor: fw.systemActor });
      expect(high.priority).to.equal('high');
      const e = await expectError(fw.records.updateOne('df_ticket', made.id as string, { priority: 'urgent' }, { actor: fw.systemActor }), 'validation_failed');
      expect(e.fieldErrors.map((x) => [x.field, x.code])).to.deep.equal([['priority', 'choice']]);
    });
  });
});
