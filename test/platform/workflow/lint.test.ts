/**
 * Workflow lint: states, transitions whose from / to exist, fields, roles and conditions that exist, approvals and
 * timers that fit their states and transitions, the queue / assignee / comment fields, one workflow per table —
 * and the repository's and the test pack's workflows are valid.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DefinitionError } from '../../../platform/definitions/index.js';
import { buildRegistry, validateDefinitions } from '../../../platform/kinds.js';
import { PACK } from './support.js';

type Doc = Record<string, any>;

const packDocs = (): Doc[] => readdirSync(PACK).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(PACK, f), 'utf8')) as Doc);
const base = (): Doc[] => packDocs().filter((d) => d.kind === 'table' || d.kind === 'role' || d.kind === 'notification');
const workflow = (): Doc => packDocs().find((d) => d.kind === 'workflow')!;

function errorsOf(...defs: Doc[]): string[] {
  const result = buildRegistry(defs.map((value, i) => ({ file: `${String(value.kind)}-${String(value.name)}.json`, pointer: '', value, i })));
  return result.errors.filter((e: DefinitionError) => e.file.startsWith('workflow-')).map((e) => `${e.pointer}: ${e.message}`);
}

describe('workflow: lint', () => {
  it('accepts the test pack and the repository\'s definitions', async () => {
    expect(errorsOf(...base(), workflow())).to.deep.equal([]);
    expect(await validateDefinitions([PACK])).to.deep.equal([]);
    expect(await validateDefinitions(['definitions'])).to.deep.equal([]);
  });

  it('reports states, transitions and fields that do not exist, and roles that are not declared', () => {
    const wf = workflow();
    wf.initialState = 'limbo';
    wf.states.snoozed = { label: 'Snoozed', category: 'pending' };
    wf.transitions[0].from = ['draft', 'nowhere'];
    wf.transitions[0].to = 'elsewhere';
    wf.transitions[2].roles = ['wf_lead', 'wizard'];
    wf.transitions[5].requiredFields = ['resolution', 'colour', 'id'];
    wf.transitions[5].actions[0].fields = { resolved_at: '{{now}}', state: 'closed', priority: '9' };
    wf.transitions[1].condition = { fact: 'record.budgett', operator: 'greaterThan', value: 1 };
    expect(errorsOf(...base(), wf)).to.have.members([
      '/states/snoozed: State "snoozed" is not a value of the choice field "state".',
      '/initialState: State "limbo" is not one of the workflow\'s states.',
      '/transitions/0/from/1: State "nowhere" is not one of the workflow\'s states.',
      '/transitions/0/to: State "elsewhere" is not one of the workflow\'s states.',
      '/transitions/2/roles/1: Role "wizard" is not declared.',
      '/transitions/5/requiredFields/1: Field "colour" is not a field of table "wf_ticket".',
      '/transitions/5/requiredFields/2: Field "id" is set by the system; nobody can fill it in.',
      '/transitions/5/actions/0/fields/state: The state field "state" changes only by the transition\'s "to".',
      '/transitions/5/actions/0/fields/priority: Priority must be one of 1, 2, 3; got "9".',
      '/transitions/1/condition/fact: Unknown field "budgett" in fact "record.budgett".',
    ]);
  });

  it('reports approvals and timers that do not fit their states and transitions', () => {
    const wf = workflow();
    wf.approvals[0].onApprove = 'submit';
    wf.approvals[0].onReject = 'nothing';
    wf.approvals[1].state = 'nowhere';
    wf.approvals[2].approvers = [{ role: 'ghost' }, { field: 'title.owner' }];
    wf.approvals[3].approvers = [{ field: 'budget' }];
    wf.approvals[0].quorum = 2;
    wf.timers[0].transition = 'submit';
    wf.timers[2].field = 'title';
    wf.timers[1].from = 'nowhere';
    const errors = errorsOf(...base(), wf);
    expect(errors).to.include.members([
      '/approvals/0/onApprove: Transition "submit" does not start from state "appr_any".',
      '/approvals/0/onReject: Transition "nothing" is not declared in the workflow.',
      '/approvals/0/quorum: A quorum applies to mode "quorum" only (this approval\'s mode is "any").',
      '/approvals/1/state: State "nowhere" is not one of the workflow\'s states.',
      '/approvals/2/approvers/0/role: Role "ghost" is not declared.',
      '/approvals/2/approvers/1/field: Field "title" of table "wf_ticket" is not a reference, so "title.owner" cannot follow it.',
      '/approvals/3/approvers/0/field: Field "budget" of table "wf_ticket" is integer: an approver field holds a username or a user id.',
      '/timers/0/transition: Transition "submit" does not start from state "waiting".',
      '/timers/1/from: State "nowhere" is not one of the workflow\'s states.',
      '/timers/2/field: Field "title" is string: a timer counts from a date or date-time field.',
    ]);
  });

  it('bounds a timer\'s wait to 100,000 units, so its due time stays a date', () => {
    const wf = workflow();
    const timer = wf.timers.findIndex((t: Doc) => t.after);
    wf.timers[timer].after = { amount: 1e17, unit: 'days' };
    expect(errorsOf(...base(), wf)).to.deep.equal([`/timers/${timer}/after/amount: must be <= 100000.`]);
  });

  it('checks the state, queue, assignee and comment fields, and queues without a queue field', () => {
    const wf = workflow();
    wf.stateField = 'budget';
    wf.queueField = 'priority';
    wf.assigneeField = 'nobody';
    wf.commentField = 'title';
    expect(errorsOf(...base(), wf)).to.include.members([
      '/stateField: Field "budget" is integer; the state field must be a single string or choice field.',
      '/queueField: Field "priority" is choice; the queue field must be a single string field.',
      '/assigneeField: Field "nobody" is not a field of table "wf_ticket".',
      '/commentField: Field "title" is string; the comment field must be a single journal field.',
    ]);
    const noQueue = workflow();
    delete noQueue.queueField;
    expect(errorsOf(...base(), noQueue)).to.have.members([
      '/states/draft/queue: A queue needs the workflow to name its "queueField" (the field that holds the queue).',
      '/states/approved/queue: A queue needs the workflow to name its "queueField" (the field that holds the queue).',
      '/transitions/5/actions/1/queue: A queue needs the workflow to name its "queueField" (the field that holds the queue).',
      '/assignmentRules/0/queue: A queue needs the workflow to name its "queueField" (the field that holds the queue).',
    ]);
  });

  it('allows one workflow per table and unique names inside it', () => {
    const wf = workflow();
    wf.transitions.push({ ...wf.transitions[0], label: 'Again' });
    wf.timers.push({ ...wf.timers[0] });
    const second = { ...workflow(), name: 'ticket_flow_two' };
    expect(errorsOf(...base(), wf, second)).to.include.members([
      '/table: Table "wf_ticket" already follows workflow "ticket_flow": a table has one workflow.',
      `/transitions/${wf.transitions.length - 1}/name: Transition "submit" is declared twice.`,
      `/timers/${wf.timers.length - 1}/name: Timer "remind" is declared twice.`,
    ]);
  });

  it('checks the tables and values of createRecord actions and assignment rule conditions', () => {
    const wf = workflow();
    wf.transitions[5].actions[2].values = { title: 'x', colour: 'red', ticket: '{{record.id}}' };
    wf.assignmentRules[0].condition = { fact: 'previous.categry', operator: 'equal', value: 'x' };
    expect(errorsOf(...base(), wf)).to.have.members([
      '/transitions/5/actions/2/values/colour: Field "colour" is not a field of table "wf_followup".',
      '/assignmentRules/0/condition/fact: Unknown field "categry" in fact "previous.categry".',
    ]);
  });
});
