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
  kind: 'rule', name: 'r1', table: 'ticket', when: 'before', operations: ['create', 'update'], order: 100,
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

  it('checks else actions like actions, and refuses them without a condition', () => {
    expect(lines(build(table(), note(), rule({ else: [{ type: 'set', fields: { priority: 'high' } }] })))).to.deep.equal([
      'rule-r1.json#/else/0/fields/priority: priority must be a number; got "high".',
    ]);
    expect(lines(build(table(), note(), rule({ condition: undefined, else: [{ type: 'set', fields: { priority: 1 } }] })))).to.deep.equal([
      'rule-r1.json#/else: A rule without a condition always runs its actions: "else" actions need a "condition".',
    ]);
  });

  it('keeps each place to its own action types: no queue or notify in a rule, no link outside a transition', () => {
    const errors = build(table(), note(), rule({ actions: [{ type: 'queue', queue: 'x' }, { type: 'createRecord', table: 'note', link: 'title', values: {} }] }));
    expect(errors.map((e) => e.pointer)).to.include('/actions/0/type');
    expect(lines(build(table(), note(), rule({ actions: [{ type: 'createRecord', table: 'note', link: 'title', values: {} }] })))).to.deep.equal([
      'rule-r1.json#/actions/0/link: Only a transition\'s createRecord can link the created record; a rule cannot.',
    ]);
  });
});

describe('definitions: replaced forms of rules, workflows and notifications', () => {
  const workflow = (transition: Doc, approver: Doc = { role: 'x' }): Doc => ({
    kind: 'workflow', name: 'w', table: 'ticket', stateField: 'state', initialState: 'new',
    states: { new: { label: 'New', category: 'open' }, done: { label: 'Done', category: 'closed' } },
    transitions: [{ name: 'finish', from: 'new', to: 'done', label: 'Finish', ...transition }],
    approvals: [{ name: 'a', stage: 1, state: 'new', approvers: [approver], mode: 'any', onApprove: 'finish', onReject: 'finish' }],
  });
  const role = { kind: 'role', name: 'x', tables: [{ table: 'ticket', operations: ['read'] }] };

  it('says what replaced effects, the group approver, insert and created / updated', () => {
    const old = build(table(), note(), role,
      rule({ operations: ['insert', 'update'] }),
      workflow({ effects: [{ set: { priority: 1 } }] }, { group: 'desk' }),
      { kind: 'notification', name: 'n', table: 'ticket', trigger: { type: 'created' }, recipients: [{ role: 'x' }], channels: ['inApp'], subject: 's', body: 'b' });
    expect(old.map((e) => [e.file, e.pointer])).to.have.deep.members([
      ['rule-r1.json', '/operations/0'],
      ['workflow-w.json', '/transitions/0/effects'],
      ['workflow-w.json', '/approvals/0/approvers/0/group'],
      ['notification-n.json', '/trigger/type'],
    ]);
    const byPointer = new Map(old.map((e) => [e.pointer, e.message]));
    expect(byPointer.get('/operations/0')).to.match(/no longer accepted: write "create"/);
    expect(byPointer.get('/transitions/0/effects')).to.match(/write "actions": \[\{ "type": "set", "fields"/);
    expect(byPointer.get('/approvals/0/approvers/0/group')).to.match(/write "queue"/);
    expect(byPointer.get('/trigger/type')).to.match(/write "create"/);
  });

  it('accepts the new forms, and lints automatic transitions and transition actions', () => {
    const notification = { kind: 'notification', name: 'n', table: 'ticket', trigger: { type: 'create' }, recipients: [{ role: 'x' }], channels: ['inApp'], subject: 's', body: 'b' };
    const good = workflow({ actions: [{ type: 'set', fields: { priority: 1 } }, { type: 'notify', notification: 'n' }] }, { queue: 'desk' });
    expect(lines(build(table(), note(), role, notification, good))).to.deep.equal([]);

    const auto = workflow({ when: { fact: 'record.priority', operator: 'equal', value: 1 }, roles: ['x'], requiredFields: ['title'], condition: { fact: 'record.title', operator: 'isNotEmpty' } });
    expect(lines(build(table(), note(), role, auto)).map((l) => l.split(':')[0])).to.have.members([
      'workflow-w.json#/transitions/0/roles', 'workflow-w.json#/transitions/0/requiredFields', 'workflow-w.json#/transitions/0/condition',
    ]);
    const back = workflow({ from: ['new', 'done'], when: { fact: 'record.priority', operator: 'equal', value: 1 } });
    expect(lines(build(table(), note(), role, back))).to.deep.equal([
      'workflow-w.json#/transitions/0/to: Transition "finish" is made by itself when its "when" condition holds, so it cannot lead back to a state it starts from ("done"): it would be made again after its own write.',
    ]);
    const wrong = workflow({ actions: [{ type: 'set', fields: { state: 'done' } }, { type: 'notify', notification: 'nope' }, { type: 'queue', queue: 'q' }, { type: 'abort', message: 'x' }] });
    expect(build(table(), note(), role, wrong).map((e) => e.pointer)).to.include('/transitions/0/actions/3/type');
    expect(lines(build(table(), note(), role, workflow({ actions: [{ type: 'set', fields: { state: 'done' } }, { type: 'notify', notification: 'nope' }, { type: 'queue', queue: 'q' }] })))).to.have.members([
      'workflow-w.json#/transitions/0/actions/0/fields/state: The state field "state" changes only by the transition\'s "to".',
      'workflow-w.json#/transitions/0/actions/1/notification: Notification "nope" is not declared.',
      'workflow-w.json#/transitions/0/actions/2/queue: A queue needs the workflow to name its "queueField" (the field that holds the queue).',
    ]);
  });
});
