/** The form designer's model: sections, columns and entries moved as they are, unknown properties kept. */
import { expect } from 'chai';
import {
  addFormField, addSection, conditionWords, moveFormField, moveFormFieldTo, moveSection, placedFields, removeFormField, removeSection,
  sectionsOf, setColumnCount, updateSection,
} from '../../../ui/studio/editors/form-model.js';
import { choiceLabel, factLabel, pathLabel } from '../../../ui/studio/editors/designer-words.js';

const placed = { field: 'sites', visibleWhen: { fact: 'record.kind', operator: 'equal', value: 'long' } };
const form = () => ({
  kind: 'form', name: 'loan', table: 'loan', uiPolicies: [{ condition: { all: [] }, actions: [{ field: 'a', visible: true }] }],
  sections: [
    { title: 'Main', description: 'kept', columns: [['a', 'b'], ['c']] },
    { title: 'More', columns: [[placed, 'd']] },
  ],
});
const columns = (d: Record<string, unknown>) => sectionsOf(d).map((s) => s.columns);

describe('ui/studio form designer model', () => {
  it('moves a field within its column, then on into the next column and the next section', () => {
    let r = moveFormField(form(), { section: 0, column: 0, index: 0 }, 1);
    expect(columns(r.definition)[0]).to.deep.equal([['b', 'a'], ['c']]);
    expect(r.at).to.deep.equal({ section: 0, column: 0, index: 1 });
    r = moveFormField(r.definition, r.at, 1);
    expect(columns(r.definition)[0]).to.deep.equal([['b'], ['a', 'c']]);
    expect(r.at).to.deep.equal({ section: 0, column: 1, index: 0 });
    r = moveFormField(r.definition, { section: 0, column: 1, index: 1 }, 1);
    expect(columns(r.definition)).to.deep.equal([[['b'], ['a']], [['c', placed, 'd']]]);
    expect(r.at).to.deep.equal({ section: 1, column: 0, index: 0 });
    // Back up: to the end of the column before.
    const up = moveFormField(r.definition, r.at, -1);
    expect(columns(up.definition)[0]).to.deep.equal([['b'], ['a', 'c']]);
    expect(up.definition).to.have.property('uiPolicies');
    expect(sectionsOf(up.definition)[0]).to.include({ description: 'kept' });
  });

  it('leaves the first and last places as they are', () => {
    expect(moveFormField(form(), { section: 0, column: 0, index: 0 }, -1).definition).to.deep.equal(form());
    expect(moveFormField(form(), { section: 1, column: 0, index: 1 }, 1).definition).to.deep.equal(form());
  });

  it('moves an entry with its conditions to any place (a drop)', () => {
    const r = moveFormFieldTo(form(), { section: 1, column: 0, index: 0 }, { section: 0, column: 1, index: 0 });
    expect(columns(r.definition)).to.deep.equal([[['a', 'b'], [placed, 'c']], [['d']]]);
    expect(placedFields(r.definition)).to.deep.equal(['a', 'b', 'sites', 'c', 'd']);
  });

  it('adds, removes and reorders sections and fields', () => {
    let d = addSection(form(), 'Notes');
    expect(sectionsOf(d)[2]).to.deep.equal({ title: 'Notes', columns: [[]] });
    d = addFormField(d, 2, 0, 'e');
    expect(columns(d)[2]).to.deep.equal([['e']]);
    d = removeFormField(d, { section: 0, column: 0, index: 1 });
    expect(columns(d)[0]).to.deep.equal([['a'], ['c']]);
    d = moveSection(d, 2, -1);
    expect(sectionsOf(d).map((s) => s.title)).to.deep.equal(['Main', 'Notes', 'More']);
    d = removeSection(d, 0);
    expect(sectionsOf(d).map((s) => s.title)).to.deep.equal(['Notes', 'More']);
    d = updateSection(d, 0, { title: '' });
    expect(sectionsOf(d)[0]).to.not.have.property('title');
  });

  it('changes the number of columns without losing a field', () => {
    const one = setColumnCount(form(), 0, 1);
    expect(columns(one)[0]).to.deep.equal([['a', 'b', 'c']]);
    const three = setColumnCount(form(), 0, 3);
    expect(columns(three)[0]).to.deep.equal([['a', 'b'], ['c'], []]);
    expect(columns(setColumnCount(form(), 0, 9))[0]).to.have.length(3);
  });

  it('reads conditions in words, with labels for facts and choice values', () => {
    const label = (f: string) => ({ 'record.priority': 'Priority', 'record.kind': 'Kind' }[f] ?? f);
    const choice = (_f: string, v: string) => (v === '1' ? 'High' : v);
    expect(conditionWords({ fact: 'record.priority', operator: 'equal', value: '1' }, label, choice)).to.equal('Priority is High');
    expect(conditionWords({
      all: [{ fact: 'record.priority', operator: 'in', value: ['1', '2'] }, { any: [{ fact: 'record.kind', operator: 'isEmpty' }] }],
    }, label, choice)).to.equal('Priority is one of High or 2 and (Kind is empty)');
    expect(conditionWords({ not: { fact: 'record.kind', operator: 'equal', value: true } }, label)).to.equal('not (Kind is Yes)');
  });
});

describe('ui/studio designer words', () => {
  const fields = new Map<string, Record<string, unknown>>([
    ['priority', { type: 'choice', label: 'Priority', choices: [{ value: '1', label: 'High' }] }],
    ['caller', { type: 'reference', reference: 'person' }],
  ]);

  it('reads facts, paths and choice values by their labels, machine names only where there is no label', () => {
    expect(factLabel('record.priority', fields)).to.equal('Priority');
    expect(factLabel('previous.priority', fields)).to.equal('Priority before the change');
    expect(pathLabel('caller.email', fields)).to.equal('caller → email');
    expect(choiceLabel('record.priority', '1', fields)).to.equal('High');
    expect(choiceLabel('record.priority', '9', fields)).to.equal('9');
    expect(conditionWords({ fact: 'record.priority', operator: 'equal', value: '1' },
      (f) => factLabel(f, fields), (f, v) => choiceLabel(f, v, fields))).to.equal('Priority is High');
  });
});
