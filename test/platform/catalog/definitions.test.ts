/**
 * The catalogue kinds as definitions: the schema refuses malformed ones at their pointer, lint follows every name
 * (categories, sets, tables, fields, variables, facts of the orderer), and model.ts resolves an item into the
 * synthetic table, form and multi-row sets the runtime checks answers with.
 */
import { expect } from 'chai';
import type { DefinitionError } from '../../../platform/definitions/index.js';
import { buildRegistry } from '../../../platform/kinds.js';
import { defaultAnswers, resolveGuide, resolveItem } from '../../../platform/catalog/model.js';
import { applyPolicies } from '../../../platform/rules/ui-policy.js';

type Doc = Record<string, any>;

const isHigh = { fact: 'record.model', operator: 'equal', value: 'pro' };
const base = (): Doc[] => [
  { kind: 'table', name: 'catalog_request', numberPrefix: 'REQ', fields: { title: { type: 'string' } } },
  {
    kind: 'table', name: 'catalog_request_item', numberPrefix: 'RITM', fields: {
      request: { type: 'reference', reference: 'catalog_request' }, note: { type: 'text' }, count: { type: 'integer' },
    },
  },
  { kind: 'table', name: 'ticket', fields: { summary: { type: 'string', required: true }, urgency: { type: 'integer' } } },
  { kind: 'catalog', name: 'it', title: 'IT services' },
  { kind: 'catalogCategory', name: 'hardware', catalog: 'it', title: 'Hardware' },
  { kind: 'catalogCategory', name: 'laptops', catalog: 'it', title: 'Laptops', parent: 'hardware' },
  { kind: 'variableSet', name: 'contact', title: 'Your contact details', variables: { email: { type: 'email', default: { fact: 'user.email' } } } },
  { kind: 'variableSet', name: 'extras', title: 'Accessories', multiRow: true, maxRows: 3, variables: { what: { type: 'string', required: true } } },
];
const item = (over: Doc = {}): Doc => ({
  kind: 'catalogItem', name: 'laptop', title: 'Laptop', categories: ['laptops'],
  variables: {
    form_factor: { type: 'choice', section: 'Choose', choices: [{ value: 'small', label: 'Small' }, { value: 'large', label: 'Large' }] },
    model: { type: 'choice', dependsOn: 'form_factor', choices: [{ value: 'basic', label: 'Basic', for: ['small'] }, { value: 'pro', label: 'Pro', for: ['large'] }] },
    why: { type: 'text', mandatoryWhen: isHigh, visibleWhen: isHigh },
  },
  variableSets: ['contact', 'extras'],
  creates: { request: { fields: { note: { variable: 'why' } } } },
  ...over,
});

function build(...docs: Doc[]) {
  return buildRegistry(docs.map((value) => ({ file: `${String(value.kind)}-${String(value.name)}.json`, pointer: '', value })));
}
const at = (errors: DefinitionError[]) => errors.map((e) => `${e.file}#${e.pointer}`);

describe('catalogue definitions', () => {
  it('accepts a catalogue, nested categories, sets and an item, and sorts by order then title', () => {
    const { errors, registry } = build(...base(), item(), { ...item({ name: 'bag', title: 'Bag', order: -1 }), variableSets: [] });
    expect(errors).to.deep.equal([]);
    expect([...registry!.catalogItems.keys()]).to.deep.equal(['bag', 'laptop']);
  });

  it('refuses unknown properties, a wrong variable type and an item in no category, at their pointers', () => {
    const { errors } = build(...base(), item({ categories: [], colour: 'red', variables: { a: { type: 'journal' } } }));
    expect(at(errors)).to.include.members([
      'catalogItem-laptop.json#/categories', 'catalogItem-laptop.json#/colour', 'catalogItem-laptop.json#/variables/a/type',
    ]);
  });

  it('follows every name: categories, sets, mapped fields and variables, policy variables, orderer facts', () => {
    const { errors } = build(...base(), item({
      categories: ['laptopz'],
      variableSets: ['contact', 'nope'],
      uiPolicies: [{ condition: { fact: 'record.ghost', operator: 'isEmpty' }, actions: [{ field: 'phantom', visible: false }] }],
      variables: { who: { type: 'string', default: { fact: 'user.shoeSize' } } },
      creates: { request: { fields: { nothing: 'x', note: { variable: 'nobody' } } } },
    }));
    const pointers = errors.map((e) => e.pointer);
    expect(pointers).to.include.members([
      '/categories/0', '/variableSets/1', '/uiPolicies/0/condition/fact', '/uiPolicies/0/actions/0/field',
      '/variables/who/default/fact', '/creates/request/fields/nothing', '/creates/request/fields/note/variable',
    ]);
    expect(errors.find((e) => e.pointer === '/categories/0')!.expected).to.contain('laptops');
  });

  it('reports dependent-choice cycles, category cycles and a requested-item table that does not extend the platform one', () => {
    const cyclic = item({
      variables: {
        a: { type: 'choice', dependsOn: 'b', choices: [{ value: 'x', label: 'X', for: ['y'] }] },
        b: { type: 'choice', dependsOn: 'a', choices: [{ value: 'y', label: 'Y', for: ['x'] }] },
      },
      variableSets: [],
      creates: { request: { table: 'ticket' } },
    });
    const docs = base().map((d) => (d.name === 'hardware' ? { ...d, parent: 'laptops' } : d));
    const { errors } = build(...docs, cyclic);
    const messages = errors.map((e) => e.message).join('\n');
    expect(messages).to.match(/Dependent choices form a cycle: a → b → a/);
    expect(messages).to.match(/Categories form a cycle/);
    expect(messages).to.match(/does not extend "catalog_request_item"/);
  });

  it('record producers: a same-named variable of another type clashes; quantity is refused; the form must be the table\'s', () => {
    const producer = item({
      variables: { summary: { type: 'string' }, urgency: { type: 'string' } }, variableSets: [], quantity: true,
      creates: { record: { table: 'ticket', form: 'other' } },
    });
    const { errors } = build(...base(), producer, { kind: 'form', name: 'other', table: 'catalog_request', sections: [{ columns: [['title']] }] });
    expect(errors.map((e) => e.pointer)).to.include.members(['/variables/urgency', '/quantity', '/creates/record/form']);
    expect(errors.map((e) => e.pointer)).not.to.include('/variables/summary');
  });

  it('items and guides share one namespace; guide answers must fit the variables they cascade into', () => {
    const guide = {
      kind: 'orderGuide', name: 'laptop', title: 'Starter', categories: ['hardware'],
      variables: { form_factor: { type: 'integer' } }, items: [{ item: 'laptop', when: { fact: 'record.form_factor', operator: 'greaterThan', value: 1 } }],
    };
    const { errors } = build(...base(), item(), guide);
    const messages = errors.map((e) => `${e.file}#${e.pointer}: ${e.message}`).join('\n');
    expect(messages).to.contain('orderGuide-laptop.json#/name');
    expect(messages).to.contain('catalogItem-laptop.json#/name');
    expect(messages).to.match(/cascade into item "laptop", whose variable "form_factor" is choice/);
  });

  it('resolves an item into a synthetic table, sections, policies and multi-row sets; defaults come from the orderer', async () => {
    const { registry, errors } = build(...base(), item());
    expect(errors).to.deep.equal([]);
    const resolved = resolveItem(registry!, 'laptop')!;
    expect(resolveItem(registry!, 'laptop')).to.equal(resolved);
    expect([...resolved.table.fields.keys()]).to.deep.equal(['form_factor', 'model', 'why', 'email']);
    expect(resolved.variableNames).to.deep.equal(['form_factor', 'model', 'why', 'email', 'extras']);
    expect(resolved.form.sections.map((s) => s.title)).to.deep.equal(['Choose', 'Your contact details']);
    expect(resolved.multiRow.map((m) => [m.name, m.minRows, m.maxRows])).to.deep.equal([['extras', 0, 3]]);
    const fields = Object.fromEntries([...resolved.table.fields].map(([n, f]) => [n, { required: f.required, readOnly: f.readOnly }]));
    const pro = await applyPolicies(resolved.form.uiPolicies ?? [], { model: 'pro' }, { fields });
    const basic = await applyPolicies(resolved.form.uiPolicies ?? [], { model: 'basic' }, { fields });
    expect([pro.visible.why, pro.mandatory.why, basic.visible.why]).to.deep.equal([true, true, false]);
    expect(defaultAnswers(resolved, { email: 'ada@example.org' }, '2026-12-07T10:00:00.000Z')).to.deep.equal({ email: 'ada@example.org' });
    expect(defaultAnswers(resolved, { email: null }, '2026-12-07T10:00:00.000Z')).to.deep.equal({});
    expect(resolveGuide(registry!, 'laptop')).to.equal(undefined);
  });
});
