/** The table designer's model: each change gives the whole new definition, unknown properties kept untouched. */
import { expect } from 'chai';
import {
  addChoice, addField, fieldEntries, machineNameFrom, moveChoice, moveField, moveFieldTo, relabelField, removeChoice, removeField,
  renameField, setFieldType, typeLabel, updateChoice, updateField, updateTable,
} from '../../../ui/studio/editors/table-model.js';

const table = () => ({
  kind: 'table', name: 'loan', label: 'Loan', displayField: 'title', searchable: ['title', 'notes'], custom: { kept: true },
  fieldSets: { raise: ['title', 'kind'] },
  fields: {
    title: { type: 'string', label: 'Title', required: true, maxLength: 100, help: 'kept' },
    kind: { type: 'choice', label: 'Kind', choices: [{ value: 'short', label: 'Short', inactive: true }, { value: 'long', label: 'Long' }] },
    notes: { type: 'text', label: 'Notes' },
    sub: { type: 'choice', label: 'Sub', dependsOn: 'kind', choices: [{ value: 'a', label: 'A' }] },
  },
});
const names = (d: Record<string, unknown>) => fieldEntries(d).map(([k]) => k);

describe('ui/studio table designer model', () => {
  it('makes machine names from labels, free of the names taken', () => {
    expect(machineNameFrom('Reference to Customer')).to.equal('reference_to_customer');
    expect(machineNameFrom('  Due date (UK) ')).to.equal('due_date_uk');
    expect(machineNameFrom('2nd line')).to.equal('field_2nd_line');
    expect(machineNameFrom('Café')).to.equal('cafe');
    expect(machineNameFrom('Title', ['title', 'title_2'])).to.equal('title_3');
    expect(machineNameFrom('x'.repeat(80))).to.have.length(63);
    expect(typeLabel('integer')).to.equal('Whole number');
    expect(typeLabel('reference')).to.equal('Reference to a record');
  });

  it('adds a field at the end named after its label, keeping every other property', () => {
    const { definition, name } = addField(table(), 'Due date', 'date');
    expect(name).to.equal('due_date');
    expect(names(definition)).to.deep.equal(['title', 'kind', 'notes', 'sub', 'due_date']);
    expect((definition.fields as Record<string, unknown>).due_date).to.deep.equal({ type: 'date', label: 'Due date' });
    expect(definition.custom).to.deep.equal({ kept: true });
    expect(addField(table(), 'Title').name).to.equal('title_2');
    expect((addField(table(), 'Size', 'choice').definition.fields as Record<string, { choices: unknown }>).size!.choices).to.deep.equal([]);
  });

  it('moves fields up, down and to a place, unchanged at either end', () => {
    expect(names(moveField(table(), 'notes', -1))).to.deep.equal(['title', 'notes', 'kind', 'sub']);
    expect(names(moveField(table(), 'title', 1))).to.deep.equal(['kind', 'title', 'notes', 'sub']);
    expect(names(moveField(table(), 'title', -1))).to.deep.equal(['title', 'kind', 'notes', 'sub']);
    expect(names(moveField(table(), 'sub', 1))).to.deep.equal(['title', 'kind', 'notes', 'sub']);
    expect(names(moveFieldTo(table(), 'sub', 0))).to.deep.equal(['sub', 'title', 'kind', 'notes']);
    expect(names(moveFieldTo(table(), 'title', 99))).to.deep.equal(['kind', 'notes', 'sub', 'title']);
  });

  it('renames a field in place, and the table\'s own mentions of it follow', () => {
    const d = renameField(table(), 'kind', 'loan_kind');
    expect(names(d)).to.deep.equal(['title', 'loan_kind', 'notes', 'sub']);
    expect((d.fieldSets as Record<string, string[]>).raise).to.deep.equal(['title', 'loan_kind']);
    expect((d.fields as Record<string, { dependsOn?: string }>).sub!.dependsOn).to.equal('loan_kind');
    const t = renameField(table(), 'title', 'name');
    expect(t.displayField).to.equal('name');
    expect(t.searchable).to.deep.equal(['name', 'notes']);
    // A name already taken changes nothing.
    expect(renameField(table(), 'title', 'notes')).to.deep.equal(table());
  });

  it('renames and removes a field inside weighted searchable items and as the summary field', () => {
    const weighted = () => ({
      ...table(), summaryField: 'notes',
      searchable: ['title', { field: 'notes', weight: 'low' }, { field: 'kind' }],
    });
    const renamed = renameField(weighted(), 'notes', 'details');
    expect(renamed.searchable).to.deep.equal(['title', { field: 'details', weight: 'low' }, { field: 'kind' }]);
    expect(renamed.summaryField).to.equal('details');
    expect(renameField(weighted(), 'kind', 'sort').searchable).to.deep.equal(['title', { field: 'notes', weight: 'low' }, { field: 'sort' }]);
    const removed = removeField(weighted(), 'notes');
    expect(removed.searchable).to.deep.equal(['title', { field: 'kind' }]);
    expect(removed).to.not.have.property('summaryField');
    const onlyWeighted = { ...table(), searchable: [{ field: 'notes', weight: 'high' }] };
    expect(removeField(onlyWeighted, 'notes')).to.not.have.property('searchable');
  });

  it('removes a field and its mentions', () => {
    const d = removeField(table(), 'title');
    expect(names(d)).to.deep.equal(['kind', 'notes', 'sub']);
    expect(d).to.not.have.property('displayField');
    expect(d.searchable).to.deep.equal(['notes']);
    const k = removeField(table(), 'kind');
    expect((k.fields as Record<string, Record<string, unknown>>).sub).to.not.have.property('dependsOn');
  });

  it('renames a new field after its label while its name is still the one made from it, never a field in force', () => {
    const added = addField(table(), 'Due', 'date');
    const relabelled = relabelField(added.definition, added.name, 'Due date', true);
    expect(relabelled.name).to.equal('due_date');
    expect(names(relabelled.definition)).to.deep.equal(['title', 'kind', 'notes', 'sub', 'due_date']);
    expect(relabelField(table(), 'title', 'Name', false)).to.deep.include({ name: 'title' });
    const named = renameField(added.definition, 'due', 'deadline');
    expect(relabelField(named, 'deadline', 'Due by', true).name).to.equal('deadline');
  });

  it('changes a field, dropping properties that do not fit a new type', () => {
    const d = updateField(table(), 'title', { maxLength: 200, required: undefined, help: '' });
    expect((d.fields as Record<string, unknown>).title).to.deep.equal({ type: 'string', label: 'Title', maxLength: 200 });
    const n = setFieldType(table(), 'title', 'integer');
    expect((n.fields as Record<string, unknown>).title).to.deep.equal({ type: 'integer', label: 'Title', required: true, help: 'kept' });
    const r = setFieldType(table(), 'kind', 'reference');
    expect((r.fields as Record<string, unknown>).kind).to.deep.equal({ type: 'reference', label: 'Kind' });
    expect(updateTable(table(), { label: 'Lending', description: '' })).to.include({ label: 'Lending' }).and.not.have.property('description');
  });

  it('adds, changes, reorders and removes choices; a value follows its label until it is named', () => {
    const choices = (d: Record<string, unknown>) => (d.fields as Record<string, { choices: unknown[] }>).kind!.choices;
    let d = addChoice(table(), 'kind', 'Very long');
    expect(choices(d)).to.deep.equal([
      { value: 'short', label: 'Short', inactive: true }, { value: 'long', label: 'Long' }, { value: 'very_long', label: 'Very long' },
    ]);
    d = updateChoice(d, 'kind', 2, { label: 'Overnight' });
    expect(choices(d)[2]).to.deep.equal({ value: 'overnight', label: 'Overnight' });
    d = updateChoice(d, 'kind', 2, { value: 'night' });
    d = updateChoice(d, 'kind', 2, { label: 'Over the night' });
    expect(choices(d)[2]).to.deep.equal({ value: 'night', label: 'Over the night' });
    d = moveChoice(d, 'kind', 2, -1);
    expect(choices(d).map((c) => (c as { value: string }).value)).to.deep.equal(['short', 'night', 'long']);
    expect(moveChoice(d, 'kind', 0, -1)).to.deep.equal(d);
    d = removeChoice(d, 'kind', 0);
    expect(choices(d)).to.deep.equal([{ value: 'night', label: 'Over the night' }, { value: 'long', label: 'Long' }]);
  });
});
