import { expect } from 'chai';
import { type DefinitionError } from '../../../platform/definitions/index.js';
import { buildRegistry } from '../../../platform/kinds.js';

type Doc = Record<string, any>;

const table = (): Doc => ({
  kind: 'table', name: 'ticket', numberPrefix: 'TKT',
  fields: {
    title: { type: 'string', required: true },
    state: { type: 'choice', choices: [{ value: 'new', label: 'New' }, { value: 'done', label: 'Done' }], default: 'new' },
    priority: { type: 'integer' },
    notes: { type: 'journal' },
  },
});
const note = (): Doc => ({ kind: 'table', name: 'note', fields: { ticket: { type: 'reference', reference: 'ticket' }, text: { type: 'string' } } });
const rule = (over: Doc = {}): Doc => ({
  kind: 'rule', name: 'r1', table: 'ticket', when: 'before', operations: ['insert', 'update'], order: 100,
  condition: { all: [{ fact: 'record.state', operator: 'changesTo', value: 'done' }, { fact: 'previous.priority', operator: 'greaterThan', value: 1 }] },
  actions: [
    { type: 'set', fields: { priority: 1, title: '{{record.title}} (done by {{user.username}})' } },
    { type: 'journal', field: 'notes', body: 'Done {{now}}' },
    { type: 'abort', message: 'No {{record.number}}' },
    { type: 'createRecord', table: 'note', values: { ticket: '{{record.id}}', text: 'x' } },
    { type: 'emitEvent', event: 'ticket.done', payload: { n: '{{record.number}}' } },
  ],
  ...over,
});

function build(...docs: Doc[]): DefinitionError[] {
  return buildRegistry(docs.map((value) => ({ file: `${value.kind}-${value.name}.json`, pointer: '', value }))).errors;
}
const lines = (errors: DefinitionError[]) => errors.map((e) => `${e.file}#${e.pointer}: ${e.message}`);

describe('definitions: lint of business rules', () => {
  it('accepts a well-formed rule using previous.* and the change operators', () => {
    expect(lines(build(table(), note(), rule()))).to.deep.equal([]);
  });

  it('reports every problem of a bad rule with its file and pointer', () => {
    const bad = rule({
      condition: { fact: 'record.colour', operator: 'changes' },
      actions: [
        { type: 'set', fields: { nope: 1, number: 'X', priority: 'high', title: '{{#if}}' } },
        { type: 'journal', field: 'title', body: '{{> footer}}' },
        { type: 'abort', message: '{{shout record.title}}' },
        { type: 'createRecord', table: 'missing', values: { a: 1 } },
        { type: 'createRecord', table: 'note', values: { txt: 'x', ticket: 'not-an-id' } },
        { type: 'emitEvent', event: 'ticket.done', payload: { n: '{{log record}}' } },
        { type: 'assign', field: 'owner', value: 'me' },
      ],
    });
    const errors = lines(build(table(), note(), bad)).map((l) => l.replace(/Parse error on line 1:.*$/, 'Parse error on line 1: …'));
    expect(errors).to.have.members([
      'rule-r1.json#/condition/fact: Unknown field "colour" in fact "record.colour".',
      'rule-r1.json#/actions/0/fields/nope: Field "nope" is not a field of table "ticket".',
      'rule-r1.json#/actions/0/fields/number: Field "number" is set by the system; a rule cannot set it.',
      'rule-r1.json#/actions/0/fields/priority: priority must be a number; got "high".',
      'rule-r1.json#/actions/0/fields/title: The template does not compile: Parse error on line 1: …',
      'rule-r1.json#/actions/1/field: Field "title" is not a journal field (it is string).',
      'rule-r1.json#/actions/1/body: The template does not compile: partials ({{> name}}) are not available in rule templates',
      'rule-r1.json#/actions/2/message: The template does not compile: "shout" is not an available helper (use if, unless, each, with, lookup or label)',
      'rule-r1.json#/actions/3/table: Table "missing" is not declared.',
      'rule-r1.json#/actions/4/values/txt: Field "txt" is not a field of table "note".',
      'rule-r1.json#/actions/4/values/ticket: ticket must be the id of a record; got "not-an-id".',
      'rule-r1.json#/actions/5/payload/n: The template does not compile: "log" is not an available helper (use if, unless, each, with, lookup or label)',
      'rule-r1.json#/actions/6/field: Field "owner" is not a field of table "ticket".',
    ]);
  });

  it('reports a rule on an unknown table once, and a set action in a rule that only runs on delete', () => {
    expect(lines(build(table(), note(), rule({ table: 'tickets' })))).to.deep.equal(['rule-r1.json#/table: Table "tickets" is not declared.']);
    const onDelete = rule({ operations: ['delete'], condition: undefined, actions: [{ type: 'set', fields: { priority: 2 } }, { type: 'abort', message: 'no' }] });
    expect(lines(build(table(), note(), onDelete))).to.deep.equal(['rule-r1.json#/actions/0/type: A "set" action has no effect in a rule that runs only on delete.']);
  });

  it('checks UI policy value actions against the field they set', () => {
    const form = {
      kind: 'form', name: 'ticket', table: 'ticket', sections: [{ columns: [['title', 'priority']] }],
      uiPolicies: [{ condition: { fact: 'record.state', operator: 'equal', value: 'done' }, actions: [{ field: 'priority', value: 'high' }, { field: 'id', value: 'x' }, { field: 'notes', value: 'x' }] }],
    };
    expect(lines(build(table(), form))).to.have.members([
      'form-ticket.json#/uiPolicies/0/actions/0/value: priority must be a number; got "high".',
      'form-ticket.json#/uiPolicies/0/actions/1/field: Field "id" is set by the system; a policy cannot give it a value.',
      'form-ticket.json#/uiPolicies/0/actions/2/value: A policy cannot give the journal field "notes" a value.',
    ]);
  });
});
