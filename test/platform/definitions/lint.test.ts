import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { type DefinitionError } from '../../../platform/definitions/index.js';
import { buildRegistry } from '../../../platform/kinds.js';

type Doc = Record<string, any>;

/** Each document lives in its own file, named `<kind>-<name>.json`. */
const fileOf = (d: Doc) => `${String(d.kind)}-${String(d.name)}.json`;

/** Build from the documents; the registry must be refused and its errors are returned. */
function errorsOf(...defs: Doc[]): DefinitionError[] {
  const result = buildRegistry(defs.map((value) => ({ file: fileOf(value), pointer: '', value })));
  expect(result.registry, 'an invalid set builds no registry').to.equal(undefined);
  expect(result.errors).to.not.be.empty;
  return result.errors;
}

function valid(...defs: Doc[]) {
  const result = buildRegistry(defs.map((value) => ({ file: fileOf(value), pointer: '', value })));
  expect(result.errors, JSON.stringify(result.errors, null, 1)).to.deep.equal([]);
  return result.registry!;
}

/** The single error of the set, which must be at `file#pointer` and match `message`. */
function theError(errors: DefinitionError[], file: string, pointer: string, message: RegExp | string): DefinitionError {
  expect(errors.map((e) => `${e.file}#${e.pointer}: ${e.message}`), 'exactly one error').to.have.length(1);
  return anError(errors, file, pointer, message);
}

/** One of the errors, at `file#pointer`, matching `message`. */
function anError(errors: DefinitionError[], file: string, pointer: string, message: RegExp | string): DefinitionError {
  const e = errors.find((x) => x.file === file && x.pointer === pointer);
  expect(e, `an error at ${file}#${pointer} among\n${errors.map((x) => `${x.file}#${x.pointer}: ${x.message}`).join('\n')}`).to.not.equal(undefined);
  if (typeof message === 'string') expect(e!.message).to.equal(message);
  else expect(e!.message).to.match(message);
  return e!;
}

const choices = (...values: string[]) => values.map((value) => ({ value, label: value }));

const task = (): Doc => ({
  kind: 'table', name: 'task', numberPrefix: 'TASK',
  fields: {
    title: { type: 'string' },
    state: { type: 'choice', choices: choices('new', 'active', 'closed'), default: 'new' },
    priority: { type: 'integer' },
    owner: { type: 'reference', reference: 'person' },
    comments: { type: 'journal' },
  },
});
const incident = (): Doc => ({ kind: 'table', name: 'incident', extends: 'task', fields: { category: { type: 'choice', choices: choices('hw', 'sw') } } });
const person = (): Doc => ({ kind: 'table', name: 'person', fields: { name: { type: 'string' }, email: { type: 'email' } } });
const tables = () => [task(), incident(), person()];

describe('definitions: lint', () => {
  it('accepts the base tables used below', () => {
    const registry = valid(...tables());
    expect([...registry.tables.keys()]).to.have.members(['task', 'incident', 'person']);
  });

  describe('duplicate names', () => {
    it('reports the second occurrence of a name, naming the file of the first', () => {
      const result = buildRegistry([
        { file: 'a.json', pointer: '', value: person() },
        { file: 'b.json', pointer: '/2', value: { ...person(), label: 'Again' } },
        { file: 'c.json', pointer: '', value: { ...person(), label: 'Third' } },
      ]);
      expect(result.registry).to.equal(undefined);
      expect(result.errors).to.deep.equal([
        { file: 'b.json', pointer: '/2/name', value: 'person', message: 'Duplicate table "person": already declared in a.json.', expected: 'a table name not used elsewhere' },
        { file: 'c.json', pointer: '/name', value: 'person', message: 'Duplicate table "person": already declared in a.json.', expected: 'a table name not used elsewhere' },
      ]);
    });

    it('names the first occurrence with its pointer when it sits in an array file', () => {
      const result = buildRegistry([
        { file: 'many.json', pointer: '/1', value: { kind: 'role', name: 'clerk' } },
        { file: 'other.json', pointer: '', value: { kind: 'role', name: 'clerk' } },
      ]);
      expect(result.errors.map((e) => e.message)).to.deep.equal(['Duplicate role "clerk": already declared in many.json#/1.']);
    });

    it('allows the same name in different kinds', () => {
      const registry = valid(person(), { kind: 'form', name: 'person', table: 'person', sections: [{ columns: [['name']] }] }, { kind: 'role', name: 'person' });
      expect(registry.forms.has('person')).to.equal(true);
      expect(registry.roles.has('person')).to.equal(true);
    });
  });

  describe('tables', () => {
    it('reports extends naming an unknown table, listing the declared ones', () => {
      const e = theError(errorsOf(person(), { kind: 'table', name: 'orphan', extends: 'nobody', fields: {} }), 'table-orphan.json', '/extends',
        'Table "orphan" extends "nobody", which is not declared.');
      expect(e).to.deep.include({ value: 'nobody', expected: 'one of: person, orphan' });
    });

    it('reports an unknown parent once, on the table that names it, not on its descendants', () => {
      const errors = errorsOf({ kind: 'table', name: 'child', extends: 'nobody', fields: {} }, { kind: 'table', name: 'grandchild', extends: 'child', fields: {} });
      theError(errors, 'table-child.json', '/extends', /"nobody", which is not declared/);
    });

    it('reports an extends cycle on every table in it', () => {
      const errors = errorsOf({ kind: 'table', name: 'a', extends: 'b', fields: {} }, { kind: 'table', name: 'b', extends: 'a', fields: {} });
      expect(errors).to.have.length(2);
      anError(errors, 'table-a.json', '/extends', 'Table "a" is part of an extends cycle: a → b → a.');
      anError(errors, 'table-b.json', '/extends', 'Table "b" is part of an extends cycle: b → a → b.');
    });

    it('reports a table extending itself', () => {
      theError(errorsOf({ kind: 'table', name: 'selfish', extends: 'selfish', fields: {} }), 'table-selfish.json', '/extends', /extends cycle: selfish → selfish/);
    });

    it('does not call a declared but invalid parent or reference target "not declared"', () => {
      const broken = { kind: 'table', name: 'broken', fields: { x: { type: 'nope' } } };
      const errors = errorsOf(broken,
        { kind: 'table', name: 'child', extends: 'broken', fields: {} },
        { kind: 'table', name: 'pointer', fields: { b: { type: 'reference', reference: 'broken' } } },
        { kind: 'form', name: 'child', table: 'child', sections: [{ columns: [['anything']] }] });
      theError(errors, 'table-broken.json', '/fields/x/type', /"nope" is not allowed/);
    });

    it('reports every field named like a system field', () => {
      const system = ['id', 'number', 'class', 'version', 'org_id', 'created_at', 'created_by', 'updated_at', 'updated_by'];
      const fields = Object.fromEntries(system.map((f) => [f, { type: 'string' }]));
      const errors = errorsOf({ kind: 'table', name: 'clash', fields: { ...fields, fine: { type: 'string' } } });
      expect(errors.map((e) => e.pointer)).to.deep.equal(system.map((f) => `/fields/${f}`));
      for (const e of errors) {
        expect(e.message).to.match(/is a system field and cannot be declared/);
        expect(e.expected).to.equal(`a name other than ${system.join(', ')}`);
      }
    });

    it('reports a field that a child redeclares, naming the ancestor that declared it', () => {
      const errors = errorsOf(...tables(), { kind: 'table', name: 'problem', extends: 'incident', fields: { title: { type: 'text' }, category: { type: 'string' }, own: { type: 'string' } } });
      expect(errors).to.have.length(2);
      anError(errors, 'table-problem.json', '/fields/title', 'Field "title" is already declared by "task", which "problem" extends.');
      anError(errors, 'table-problem.json', '/fields/category', 'Field "category" is already declared by "incident", which "problem" extends.');
    });

    it('reports sibling classes that store the same field differently', () => {
      const errors = errorsOf(...tables(),
        { kind: 'table', name: 'change', extends: 'task', fields: { risk: { type: 'integer' }, cost: { type: 'decimal' } } },
        { kind: 'table', name: 'problem', extends: 'task', fields: { risk: { type: 'string' }, cost: { type: 'decimal', scale: 4 } } });
      expect(errors).to.have.length(2);
      anError(errors, 'table-problem.json', '/fields/risk', 'Field "risk" is stored as text but "change" in the same hierarchy stores it as integer.');
      anError(errors, 'table-problem.json', '/fields/cost', /stored as decimal\(18,4\) but "change" .* as decimal\(18,2\)/);
    });

    it('reports a clash between classes at different depths of a hierarchy', () => {
      const errors = errorsOf(...tables(),
        { kind: 'table', name: 'problem', extends: 'task', fields: { risk: { type: 'boolean' } } },
        { kind: 'table', name: 'major_incident', extends: 'incident', fields: { risk: { type: 'date' } } });
      theError(errors, 'table-major_incident.json', '/fields/risk', /stored as date but "problem" .* as boolean/);
    });

    it('lets sibling classes share a column when they store it alike', () => {
      const registry = valid(...tables(),
        { kind: 'table', name: 'change', extends: 'task', fields: { contact: { type: 'email' }, tags: { type: 'json' } } },
        { kind: 'table', name: 'problem', extends: 'task', fields: { contact: { type: 'string' }, tags: { type: 'choice', multiple: true, choices: choices('a') } } });
      const columns = registry.physicalTables.get('task')!.columns;
      expect(columns.get('contact')!.declaredBy).to.equal('change');
      expect(columns.get('tags')!.declaredBy).to.equal('change');
      expect(registry.getTable('problem').fields.get('contact')!.type).to.equal('string');
    });

    it('reports a reference to an unknown table', () => {
      const e = theError(errorsOf(person(), { kind: 'table', name: 'asset', fields: { holder: { type: 'reference', reference: 'employee' } } }),
        'table-asset.json', '/fields/holder/reference', 'Field "holder" refers to table "employee", which is not declared.');
      expect(e).to.deep.include({ value: 'employee', expected: 'one of: person, asset' });
    });

    it('reports an unknown display field, searchable field or index field', () => {
      const errors = errorsOf({
        kind: 'table', name: 'thing', displayField: 'titel', searchable: ['name', 'nmae'],
        fields: { name: { type: 'string' } },
        indexes: [{ fields: ['name', '-colour'] }, { fields: ['sizes'], unique: true }],
      });
      expect(errors).to.have.length(4);
      anError(errors, 'table-thing.json', '/displayField', 'Display field "titel" is not a field of table "thing".');
      anError(errors, 'table-thing.json', '/searchable/1', 'Searchable field "nmae" is not a field of table "thing".');
      expect(anError(errors, 'table-thing.json', '/indexes/0/fields/1', 'Index field "colour" is not a field of table "thing".').value).to.equal('colour');
      const e = anError(errors, 'table-thing.json', '/indexes/1/fields/0', /Index field "sizes"/);
      expect(e.expected).to.match(/^one of: id, class, version, .*, name$/);
    });

    it('accepts display, searchable and index fields that are inherited or system fields', () => {
      valid(...tables(), { kind: 'table', name: 'problem', extends: 'task', displayField: 'title', searchable: ['title', 'number'], fields: {}, indexes: [{ fields: ['state', '-created_at'] }] });
    });

    it('reports an index on a journal field, which has no column', () => {
      theError(errorsOf({ ...task(), indexes: [{ fields: ['-comments'] }] }, person()), 'table-task.json', '/indexes/0/fields/0',
        'Field "comments" is a journal and has no column to index.');
    });

    it('reports a choice default that is not one of the choices, single or multiple', () => {
      const errors = errorsOf({
        kind: 'table', name: 'thing', fields: {
          colour: { type: 'choice', choices: choices('red', 'blue'), default: 'green' },
          tags: { type: 'choice', multiple: true, choices: choices('a', 'b'), default: ['a', 'z'] },
          fine: { type: 'choice', multiple: true, choices: choices('a', 'b'), default: ['a', 'b'] },
          none: { type: 'choice', choices: choices('a'), default: null },
        },
      });
      expect(errors).to.have.length(2);
      expect(anError(errors, 'table-thing.json', '/fields/colour/default', 'Default "green" of field "colour" is not one of its choices.'))
        .to.deep.include({ expected: 'one of: red, blue', value: 'green' });
      expect(anError(errors, 'table-thing.json', '/fields/tags/default', 'Default "z" of field "tags" is not one of its choices.').value).to.equal('z');
    });

    it('reports a pattern that is not a valid regular expression in unicode mode', () => {
      // `\-` is accepted by the schema's regex format but is a syntax error with the `u` flag the engine uses.
      const e = theError(errorsOf({ kind: 'table', name: 'thing', fields: { code: { type: 'string', pattern: '^\\d{3}\\-\\d{4}$' } } }),
        'table-thing.json', '/fields/code/pattern', /^Invalid regular expression: /);
      expect(e.value).to.equal('^\\d{3}\\-\\d{4}$');
    });

    it('reports bounds that exclude every value', () => {
      const errors = errorsOf({ kind: 'table', name: 'thing', fields: { n: { type: 'integer', min: 5, max: 1 }, s: { type: 'string', minLength: 10, maxLength: 5 } } });
      expect(errors).to.have.length(2);
      anError(errors, 'table-thing.json', '/fields/n/min', 'Field "n": min (5) is greater than max (1).');
      anError(errors, 'table-thing.json', '/fields/s/minLength', 'Field "s": minLength (10) is greater than maxLength (5).');
    });
  });

  describe('forms', () => {
    const form = (extra: Doc = {}): Doc => ({ kind: 'form', name: 'incident', table: 'incident', sections: [{ columns: [['title', 'state'], ['category']] }], ...extra });

    it('accepts a form with inherited and own fields, related lists and UI policies', () => {
      // A related list may go through a reference to an ancestor of the form's table.
      valid(...tables(), { kind: 'table', name: 'task_note', fields: { task: { type: 'reference', reference: 'task' }, body: { type: 'text' } } }, form({
        relatedLists: [{ table: 'task_note', field: 'task', columns: ['body'] }],
        uiPolicies: [{ condition: { all: [{ fact: 'record.state', operator: 'equal', value: 'closed' }, { fact: 'title', operator: 'matches', value: '^x' }, { fact: 'user.roles', operator: 'contains', value: 'admin' }] }, actions: [{ field: 'category', readOnly: true }] }],
      }), { kind: 'form', name: 'person', table: 'person', sections: [{ columns: [['name']] }], relatedLists: [{ table: 'incident', field: 'owner' }] });
    });

    it('reports a form on an unknown table, listing the declared tables', () => {
      const e = theError(errorsOf(...tables(), form({ table: 'incidnet' })), 'form-incident.json', '/table', 'Table "incidnet" is not declared.');
      expect(e).to.deep.include({ value: 'incidnet', expected: 'one of: incident, person, task' });
    });

    it('reports an unknown field in a section at its place', () => {
      const e = theError(errorsOf(...tables(), form({ sections: [{ columns: [['title']] }, { columns: [['state'], ['category', 'colour']] }] })),
        'form-incident.json', '/sections/1/columns/1/1', 'Field "colour" is not a field of table "incident".');
      expect(e.value).to.equal('colour');
      // Many candidates: the closest few, not all of them.
      expect(e.expected).to.match(/^one of: (\w+, ){4}\w+ \(closest of \d+\)$/);
    });

    it('reports a hidden field placed on a form, which would never show it', () => {
      const withHidden = { ...incident(), fields: { ...incident().fields, internal_code: { type: 'string', hidden: true } } };
      theError(errorsOf(task(), withHidden, person(), form({ sections: [{ columns: [['title', 'internal_code']] }] })),
        'form-incident.json', '/sections/0/columns/0/1', /Field "internal_code" is hidden/);
    });

    it('reports a field placed twice on a form, at the second place', () => {
      theError(errorsOf(...tables(), form({ sections: [{ columns: [['title', 'state']] }, { columns: [['category'], ['title']] }] })),
        'form-incident.json', '/sections/1/columns/1/0', 'Field "title" is already placed on the form at /sections/0/columns/0/0.');
    });

    it('checks related lists: table, field, that it refers to the form\'s table, and columns', () => {
      const errors = errorsOf(...tables(), form({
        relatedLists: [
          { table: 'nothing', field: 'owner' },
          { table: 'task', field: 'ownr' },
          { table: 'task', field: 'title' },
          { table: 'person', field: 'name', columns: ['name', 'age'] },
        ],
      }));
      expect(errors).to.have.length(5);
      anError(errors, 'form-incident.json', '/relatedLists/0/table', 'Table "nothing" is not declared.');
      anError(errors, 'form-incident.json', '/relatedLists/1/field', 'Field "ownr" is not a field of table "task".');
      anError(errors, 'form-incident.json', '/relatedLists/2/field', 'Field "title" of "task" does not refer to "incident".');
      expect(errors.filter((e) => e.pointer === '/relatedLists/3/field').map((e) => e.message)).to.deep.equal(['Field "name" of "person" does not refer to "incident".']);
      anError(errors, 'form-incident.json', '/relatedLists/3/columns/1', 'Field "age" is not a field of table "person".');
    });

    it('reports a UI policy condition on an unknown field, and an action on an unknown field', () => {
      const errors = errorsOf(...tables(), form({
        uiPolicies: [{ condition: { all: [{ fact: 'record.state', operator: 'equal', value: 'new' }, { fact: 'record.colour', operator: 'equal', value: 'red' }] }, actions: [{ field: 'size', visible: false }] }],
      }));
      expect(errors).to.have.length(2);
      anError(errors, 'form-incident.json', '/uiPolicies/0/condition/all/1/fact', 'Unknown field "colour" in fact "record.colour".');
      anError(errors, 'form-incident.json', '/uiPolicies/0/actions/0/field', 'Field "size" is not a field of table "incident".');
    });

    it('reports an unknown user fact and a value that refers to an unknown field', () => {
      const errors = errorsOf(...tables(), form({
        uiPolicies: [{ condition: { any: [{ fact: 'user.department', operator: 'equal', value: 'x' }, { fact: 'title', operator: 'equal', value: { fact: 'record.subject' } }] }, actions: [{ field: 'title', mandatory: true }] }],
      }));
      expect(errors).to.have.length(2);
      expect(anError(errors, 'form-incident.json', '/uiPolicies/0/condition/any/0/fact', 'Unknown user fact "user.department".').expected).to.include('user.roles');
      anError(errors, 'form-incident.json', '/uiPolicies/0/condition/any/1/value/fact', 'Unknown field "subject" in fact "record.subject".');
    });

    it('rejects previous.* and change operators in a UI policy', () => {
      const errors = errorsOf(...tables(), form({
        uiPolicies: [{ condition: { all: [{ fact: 'previous.state', operator: 'equal', value: 'new' }, { fact: 'record.state', operator: 'changesTo', value: 'closed' }] }, actions: [{ field: 'title', readOnly: true }] }],
      }));
      expect(errors).to.have.length(2);
      anError(errors, 'form-incident.json', '/uiPolicies/0/condition/all/0/fact', /"previous.state" is not available here/);
      anError(errors, 'form-incident.json', '/uiPolicies/0/condition/all/1/operator', /Operator "changesTo" compares with the previous record/);
    });

    it('reports an unknown operator in a UI policy (through the schema)', () => {
      const errors = errorsOf(...tables(), form({ uiPolicies: [{ condition: { fact: 'state', operator: 'is', value: 'new' }, actions: [{ field: 'title', visible: true }] }] }));
      expect(theError(errors, 'form-incident.json', '/uiPolicies/0/condition/operator', 'Value "is" is not allowed.').expected).to.include('"equal"');
    });

    it('does not also report "unknown table" for a form on a declared but invalid table', () => {
      const errors = errorsOf({ kind: 'table', name: 'broken', fields: { x: { type: 'choice' } } }, { kind: 'form', name: 'broken', table: 'broken', sections: [{ columns: [['x']] }] });
      theError(errors, 'table-broken.json', '/fields/x', 'Missing required property "choices".');
    });
  });

  describe('menus', () => {
    const menu = (...items: Doc[]): Doc => ({ kind: 'menu', name: 'work', label: 'Work', items });

    it('accepts items naming tables, forms and paths, with compilable filters', () => {
      valid(...tables(), { kind: 'form', name: 'incident', table: 'incident', sections: [{ columns: [['title']] }] },
        menu({ label: 'Open', table: 'incident', filter: { all: [{ fact: 'state', operator: 'in', value: ['new', 'active'] }, { fact: 'owner', operator: 'equal', value: { fact: 'user.id' } }] } },
          { label: 'More', items: [{ label: 'New', form: 'incident' }, { label: 'Help', path: '/help' }] }));
    });

    it('reports an item naming an unknown table or form, also in nested items', () => {
      const errors = errorsOf(...tables(), menu({ label: 'A', table: 'tasks' }, { label: 'B', items: [{ label: 'C', form: 'incident' }] }));
      expect(errors).to.have.length(2);
      expect(anError(errors, 'menu-work.json', '/items/0/table', 'Table "tasks" is not declared.').value).to.equal('tasks');
      expect(anError(errors, 'menu-work.json', '/items/1/items/0/form', 'Form "incident" is not declared.')).to.deep.include({ value: 'incident', expected: 'a declared name (none is declared)' });
    });

    it('rejects a filter with a memory-only operator, which cannot be compiled to a query', () => {
      theError(errorsOf(...tables(), menu({ label: 'A', table: 'incident', filter: { fact: 'title', operator: 'matches', value: '^net' } })),
        'menu-work.json', '/items/0/filter/operator', 'Operator "matches" cannot be used in a query (it is evaluated in memory only).');
    });

    it('rejects previous.* in a filter, and a nested path', () => {
      const errors = errorsOf(...tables(), menu({ label: 'A', table: 'incident', filter: { all: [{ fact: 'previous.state', operator: 'equal', value: 'x' }, { fact: 'owner.name', operator: 'equal', value: 'x' }] } }));
      expect(errors).to.have.length(2);
      anError(errors, 'menu-work.json', '/items/0/filter/all/0/fact', /"previous.state" is not available here/);
      anError(errors, 'menu-work.json', '/items/0/filter/all/1/fact', '"record.owner.name": nested paths cannot be used in a query.');
    });

    it('reports a filter on an unknown field, and a filter on an item without a table', () => {
      const errors = errorsOf(...tables(), menu(
        { label: 'A', table: 'incident', filter: { fact: 'colour', operator: 'equal', value: 'red' } },
        { label: 'B', path: '/x', filter: { fact: 'state', operator: 'equal', value: 'new' } },
      ));
      expect(errors).to.have.length(2);
      anError(errors, 'menu-work.json', '/items/0/filter/fact', 'Unknown field "colour" in fact "record.colour".');
      anError(errors, 'menu-work.json', '/items/1/filter', 'A filter needs the item to name a table.');
    });
  });

  describe('roles', () => {
    const role = (name: string, extra: Doc = {}): Doc => ({ kind: 'role', name, ...extra });

    it('accepts includes, grants with compilable conditions and field lists', () => {
      valid(...tables(), role('agent', { tables: [{ table: 'incident', operations: ['read', 'update'], condition: { fact: 'owner', operator: 'equal', value: { fact: 'user.id' } }, readFields: ['title', 'number'], writeFields: ['state'], deniedFields: ['priority'] }] }),
        role('lead', { includes: ['agent'] }), role('boss', { includes: ['lead', 'agent'] }));
    });

    it('reports an unknown included role', () => {
      const e = theError(errorsOf(role('agent'), role('lead', { includes: ['agent', 'agnet'] })), 'role-lead.json', '/includes/1', 'Role "agnet" is not declared.');
      expect(e).to.deep.include({ value: 'agnet', expected: 'one of: agent, lead' });
    });

    it('reports an include cycle on every role in it, and a role including itself', () => {
      const errors = errorsOf(role('a', { includes: ['b'] }), role('b', { includes: ['c'] }), role('c', { includes: ['a'] }), role('d', { includes: ['d'] }), role('e', { includes: ['a'] }));
      expect(errors.map((e) => `${e.file}#${e.pointer}: ${e.message}`)).to.have.members([
        'role-a.json#/includes: Role "a" includes itself: a → b → c → a.',
        'role-b.json#/includes: Role "b" includes itself: b → c → a → b.',
        'role-c.json#/includes: Role "c" includes itself: c → a → b → c.',
        'role-d.json#/includes: Role "d" includes itself: d → d.',
      ]);
    });

    it('reports a grant on an unknown table', () => {
      theError(errorsOf(...tables(), role('agent', { tables: [{ table: 'incident', operations: ['read'] }, { table: 'ticket', operations: ['read'] }] })),
        'role-agent.json', '/tables/1/table', 'Table "ticket" is not declared.');
    });

    it('reports a grant condition on an unknown field, or one that cannot be compiled', () => {
      const errors = errorsOf(...tables(), role('agent', {
        tables: [{ table: 'incident', operations: ['read'], condition: { any: [{ fact: 'record.assignee', operator: 'equal', value: { fact: 'user.id' } }, { fact: 'title', operator: 'matches', value: 'x' }, { fact: 'state', operator: 'changes' }] } }],
      }));
      expect(errors).to.have.length(4);
      anError(errors, 'role-agent.json', '/tables/0/condition/any/0/fact', 'Unknown field "assignee" in fact "record.assignee".');
      anError(errors, 'role-agent.json', '/tables/0/condition/any/1/operator', /"matches" cannot be used in a query/);
      expect(errors.filter((e) => e.pointer === '/tables/0/condition/any/2/operator').map((e) => e.message)).to.have.members([
        'Operator "changes" cannot be used in a query (it is evaluated in memory only).',
        'Operator "changes" compares with the previous record, which only rules and workflow guards have.',
      ]);
    });

    it('reports unknown read, write and denied fields', () => {
      const errors = errorsOf(...tables(), role('agent', { tables: [{ table: 'incident', operations: ['read'], readFields: ['title', 'x'], writeFields: ['y'], deniedFields: ['z'] }] }));
      expect(errors.map((e) => e.pointer)).to.deep.equal(['/tables/0/readFields/1', '/tables/0/writeFields/0', '/tables/0/deniedFields/0']);
    });
  });

  describe('data files', () => {
    const data = (extra: Doc): Doc => ({ kind: 'data', name: 'seed', table: 'person', records: [{ name: 'Ada' }], ...extra });

    it('accepts records of known fields with a known key', () => {
      const registry = valid(...tables(), data({ key: ['email'], records: [{ name: 'Ada', email: 'ada@example.org' }] }));
      expect(registry.data).to.have.length(1);
    });

    it('reports data for an unknown table', () => {
      theError(errorsOf(...tables(), data({ table: 'people' })), 'data-seed.json', '/table', 'Table "people" is not declared.');
    });

    it('reports unknown fields, listing the fields a record may set', () => {
      const e = theError(errorsOf(...tables(), data({ records: [{ name: 'Ada' }, { name: 'Brian', age: 40 }] })),
        'data-seed.json', '/records/1/age', 'Field "age" is not a field of table "person".');
      expect(e.expected).to.equal('one of: name, email');
    });

    it('reports system fields set by a record', () => {
      const errors = errorsOf(...tables(), data({ table: 'task', records: [{ title: 'x', id: 'a', number: 'TASK1', created_at: '2020-01-01' }] }));
      expect(errors.map((e) => `${e.pointer}: ${e.message}`)).to.deep.equal([
        '/records/0/id: Field "id" is set by the system.',
        '/records/0/number: Field "number" is set by the system.',
        '/records/0/created_at: Field "created_at" is set by the system.',
      ]);
    });

    it('reports an unknown key field', () => {
      theError(errorsOf(...tables(), data({ key: ['mail'] })), 'data-seed.json', '/key/0', 'Field "mail" is not a field of table "person".');
    });

    it('reports data for an abstract table', () => {
      theError(errorsOf({ ...person(), abstract: true }, data({})), 'data-seed.json', '/table', /Table "person" is abstract/);
    });
  });

  describe('rules, workflows, SLAs and notifications', () => {
    const generic = (file: string): Doc => JSON.parse(readFileSync(`test/fixtures/definitions/generic/${file}`, 'utf8'));
    const request = () => generic('request.json');
    const role = () => generic('fulfiller.json');

    it('reports a rule on an unknown table, and a rule condition on an unknown field', () => {
      const rule = { ...generic('rule.json'), condition: { fact: 'record.urgency', operator: 'equal', value: 1 } };
      theError(errorsOf(request(), role(), rule), 'rule-escalate_urgent.json', '/condition/fact', 'Unknown field "urgency" in fact "record.urgency".');
      theError(errorsOf(request(), role(), { ...rule, table: 'requests' }), 'rule-escalate_urgent.json', '/table', 'Table "requests" is not declared.');
    });

    it('lets rules, workflows and notifications use previous.* and change operators, with memory-only operators', () => {
      const cond = { all: [{ fact: 'previous.state', operator: 'notEqual', value: 'closed' }, { fact: 'state', operator: 'changesTo', value: 'closed' }, { fact: 'short_description', operator: 'matches', value: '^x' }] };
      const wf = generic('workflow.json');
      wf.transitions[0].condition = cond;
      valid(request(), role(), { ...generic('rule.json'), condition: cond }, wf, { ...generic('request_closed.json'), condition: cond });
    });

    it('reports unknown fields in workflow transition, approval and timer conditions', () => {
      const wf = generic('workflow.json');
      wf.transitions[0].condition = { fact: 'assignee', operator: 'isNotEmpty' };
      wf.approvals[0].condition = { fact: 'previous.urgnt', operator: 'equal', value: true };
      wf.timers[0].condition = { not: { fact: 'record.colour', operator: 'equal', value: 'red' } };
      const errors = errorsOf(request(), role(), generic('request_closed.json'), wf);
      expect(errors.map((e) => `${e.pointer}: ${e.message}`)).to.have.members([
        '/transitions/0/condition/fact: Unknown field "assignee" in fact "record.assignee".',
        '/approvals/0/condition/fact: Unknown field "urgnt" in fact "previous.urgnt".',
        '/timers/0/condition/not/fact: Unknown field "colour" in fact "record.colour".',
      ]);
      for (const e of errors) expect(e.file).to.equal('workflow-request_flow.json');
    });

    it('checks SLA start / pause / stop / reset conditions, without previous.*', () => {
      const sla = { ...generic('sla.json'), start: { fact: 'record.stat', operator: 'equal', value: 'new' }, reset: { fact: 'previous.priority', operator: 'equal', value: '1' } };
      const errors = errorsOf(request(), role(), sla);
      expect(errors.map((e) => `${e.pointer}: ${e.message}`)).to.have.members([
        '/start/fact: Unknown field "stat" in fact "record.stat".',
        '/reset/fact: "previous.priority" is not available here: only rules and workflow guards see the previous record.',
      ]);
      theError(errorsOf(request(), role(), { ...generic('sla.json'), table: 'req' }), 'sla-request_resolution.json', '/table', 'Table "req" is not declared.');
    });

    it('reports a notification on an unknown table, and an unknown field in its condition', () => {
      const n = generic('request_closed.json');
      const errors = errorsOf(request(), role(), { ...n, table: 'ticket', condition: { fact: 'priority', operator: 'equal', value: '1' } });
      theError(errors, 'notification-request_closed.json', '/table', 'Table "ticket" is not declared.');
      theError(errorsOf(request(), role(), { ...n, condition: { fact: 'prio', operator: 'equal', value: '1' } }), 'notification-request_closed.json', '/condition/fact', /Unknown field "prio"/);
    });

    it('checks the tables of createRecord actions', () => {
      const rule = generic('rule.json');
      rule.actions[4].table = 'followup';
      const wf = generic('workflow.json');
      wf.transitions[5].actions[0].table = 'survey';
      const errors = errorsOf(request(), role(), generic('request_closed.json'), rule, wf);
      expect(errors.map((e) => `${e.file}#${e.pointer}: ${e.message}`)).to.have.members([
        'rule-escalate_urgent.json#/actions/4/table: Table "followup" is not declared.',
        'workflow-request_flow.json#/transitions/5/actions/0/table: Table "survey" is not declared.',
      ]);
    });

    it('does not read field values or parameters named "table" or "condition" as definitions', () => {
      const rule = generic('rule.json');
      rule.actions[0].fields = { table: 'not-a-table', condition: { fact: 'nothing', operator: 'equal', value: 1 } };
      rule.actions[4].values = { table: 'x' };
      // Rules may only set fields the table has: give it fields with those names.
      const withFields = request();
      withFields.fields.table = { type: 'string' };
      withFields.fields.condition = { type: 'json' };
      valid(withFields, role(), rule);
    });
  });
});
