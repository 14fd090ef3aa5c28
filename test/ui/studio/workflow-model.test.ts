/**
 * The workflow editor's model and layout: edits give the definition they should (unknown properties untouched),
 * removals that would leave something pointing at nothing are refused with the reason, and the packs' workflows lay
 * out with every state placed and no boxes overlapping.
 */
import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../../support/engine.js';
import type { Definition } from '../../../ui/studio/editors/contract.js';
import {
  addState, addTransition, machineNameFrom, readWorkflow, relabelState, removeState, removeTransition, WorkflowEditError,
} from '../../../ui/studio/editors/workflow-model.js';
import { ANY_STATE, layoutWorkflow } from '../../../ui/studio/editors/workflow-layout.js';
import { attachedLines, conditionInWords, whoMayText } from '../../../ui/studio/editors/workflow-words.js';

const workflow = (): Definition => ({
  kind: 'workflow', name: 'job_flow', label: 'Job flow', table: 'job', stateField: 'state', initialState: 'new',
  futureOption: { kept: true },
  states: {
    new: { label: 'New', category: 'open' },
    active: { label: 'Active', category: 'open', queue: 'desk' },
    waiting: { label: 'Waiting', category: 'pending' },
    done: { label: 'Done', category: 'closed' },
  },
  transitions: [
    { name: 'start', from: 'new', to: 'active', label: 'Start', roles: ['agent'], condition: { fact: 'record.priority', operator: 'equal', value: '1' } },
    { name: 'wait', from: ['new', 'active'], to: 'waiting', label: 'Wait', comment: 'required' },
    { name: 'finish', from: 'waiting', to: 'done', label: 'Finish', automatic: true },
  ],
  timers: [{ name: 'auto_finish', from: 'waiting', after: { amount: 2, unit: 'days' }, transition: 'finish' }],
});

/** Run `edit`, expecting a refusal naming `field`; returns the message. */
function refused(edit: () => unknown, field: string): string {
  try {
    edit();
  } catch (e) {
    expect(e).to.be.instanceOf(WorkflowEditError);
    expect((e as WorkflowEditError).field).to.equal(field);
    return (e as Error).message;
  }
  throw new Error('the edit was not refused');
}

describe('ui/studio workflow editor model', () => {
  it('reads states with start and end marks, and transitions from one, several or any state', () => {
    const view = readWorkflow({ ...workflow(), transitions: [...(workflow().transitions as unknown[]), { name: 'x', from: '*', to: 'new', label: 'Reset' }] });
    expect(view.states.map((s) => [s.value, s.initial, s.final])).to.deep.equal([
      ['new', true, false], ['active', false, false], ['waiting', false, false], ['done', false, true],
    ]);
    expect(view.transitions.map((t) => [t.from, t.anyState])).to.deep.equal([[['new'], false], [['new', 'active'], false], [['waiting'], false], [[], true]]);
    expect(view.transitions[2]!.triggers.map((t) => t.text)).to.deep.equal(['Made by a timer after 2 days in Waiting']);
  });

  it('adds a state with a value made from its label, keeping every other property as it was', () => {
    const before = workflow();
    const next = addState(before, { label: 'On hold', category: 'pending' });
    expect((next.states as Record<string, unknown>).on_hold).to.deep.equal({ label: 'On hold', category: 'pending' });
    expect(next.futureOption).to.deep.equal({ kept: true });
    expect((next.states as Record<string, unknown>).active).to.deep.equal({ label: 'Active', category: 'open', queue: 'desk' });
    expect(Object.keys(before.states as object)).to.have.length(4);
    expect(refused(() => addState(next, { label: 'Again', value: 'on_hold', category: 'open' }), 'value')).to.contain('already');
    expect(refused(() => addState(next, { label: ' ', category: 'open' }), 'label')).to.equal('Enter a label');
    expect(refused(() => addState(next, { label: 'Bad', value: 'no spaces', category: 'open' }), 'value')).to.contain('letters');
  });

  it('makes the first state of an empty workflow its initial state', () => {
    const next = addState({ kind: 'workflow', name: 'w', states: {}, transitions: [] }, { label: 'Draft', category: 'open' });
    expect(next.initialState).to.equal('draft');
  });

  it('renames a state by its label only', () => {
    const next = relabelState(workflow(), 'active', 'In progress');
    expect((next.states as Record<string, unknown>).active).to.deep.equal({ label: 'In progress', category: 'open', queue: 'desk' });
    expect(next.transitions).to.deep.equal(workflow().transitions);
    expect(refused(() => relabelState(workflow(), 'active', ''), 'label')).to.equal('Enter a label');
  });

  it('refuses to remove a state that transitions, timers or new records use, saying which', () => {
    expect(refused(() => removeState(workflow(), 'active'), 'state'))
      .to.equal('The state "Active" cannot be removed: the transitions "Start" and "Wait" use it');
    expect(refused(() => removeState(workflow(), 'new'), 'state')).to.contain('new records start in it');
    expect(refused(() => removeState(workflow(), 'waiting'), 'state')).to.contain('a timer waits in it');
    const unused = addState(workflow(), { label: 'Spare', category: 'open' });
    const next = removeState(unused, 'spare');
    expect(next).to.deep.equal(workflow());
  });

  it('adds a transition from one state as a string and from several as a list, with the roles chosen', () => {
    const one = addTransition(workflow(), { label: 'Reopen', from: ['done'], to: 'active', roles: ['agent'] });
    expect((one.transitions as unknown[]).at(-1)).to.deep.equal({ name: 'reopen', from: 'done', to: 'active', label: 'Reopen', roles: ['agent'] });
    const several = addTransition(one, { label: 'Reopen', from: ['done', 'waiting'], to: 'active', roles: [] });
    expect((several.transitions as unknown[]).at(-1)).to.deep.equal({ name: 'reopen_2', from: ['done', 'waiting'], to: 'active', label: 'Reopen' });
    const any = addTransition(workflow(), { label: 'Cancel', from: '*', to: 'done', roles: [] });
    expect((any.transitions as unknown[]).at(-1)).to.include({ from: '*' });
    expect(refused(() => addTransition(workflow(), { label: 'X', from: [], to: 'done', roles: [] }), 'from')).to.contain('Select');
    expect(refused(() => addTransition(workflow(), { label: 'X', from: ['new'], to: '', roles: [] }), 'to')).to.contain('Select');
    expect(refused(() => addTransition(workflow(), { label: 'X', from: ['nowhere'], to: 'done', roles: [] }), 'from')).to.contain('nowhere');
  });

  it('removes a transition, refusing one that a timer or an approval makes', () => {
    const next = removeTransition(workflow(), 1);
    expect((next.transitions as { name: string }[]).map((t) => t.name)).to.deep.equal(['start', 'finish']);
    expect(refused(() => removeTransition(workflow(), 2), 'transition')).to.equal('The transition "Finish" cannot be removed: a timer makes it');
  });

  it('makes machine names from labels, unique', () => {
    expect(machineNameFrom('Put on hold', new Set())).to.equal('put_on_hold');
    expect(machineNameFrom('Put on hold', new Set(['put_on_hold']))).to.equal('put_on_hold_2');
    expect(machineNameFrom('2nd line', new Set())).to.equal('s_2nd_line');
  });

  it('puts conditions and who may make a transition in words', () => {
    const view = readWorkflow(workflow());
    expect(conditionInWords({ all: [{ fact: 'record.priority', operator: 'equal', value: '1' }, { fact: 'record.state', operator: 'notEqual', value: 'done' }] }, view))
      .to.equal('Priority is 1 and State is not Done');
    expect(attachedLines(view.transitions[0]!, view)).to.deep.equal(['Shown when: Priority is 1']);
    expect(attachedLines(view.transitions[1]!, view)).to.deep.equal(['A comment is required']);
    expect(whoMayText(view.transitions[0]!, new Map([['agent', 'Service agent']]))).to.equal('Role Service agent');
    expect(whoMayText(view.transitions[1]!, new Map())).to.equal('Anyone who may change the record');
    expect(whoMayText(view.transitions[2]!, new Map())).to.equal('Nobody: it is made automatically');
  });
});

describe('ui/studio workflow diagram layout', () => {
  const files = ['definitions/core', 'definitions/ssi', 'definitions/cms', 'catalog/it'].flatMap((dir) => {
    const folder = join(REPO, dir, 'workflows');
    return readdirSync(folder).filter((f) => f.endsWith('.json')).map((f) => join(dir, 'workflows', f));
  });

  it('finds the packs\' workflows', () => {
    expect(files.length).to.be.at.least(8);
  });

  for (const file of files) {
    it(`places every state of ${file} with no boxes overlapping, one arrow per starting state`, () => {
      const view = readWorkflow(JSON.parse(readFileSync(join(REPO, file), 'utf8')) as Definition);
      const d = layoutWorkflow(view);
      const boxes = d.nodes.filter((n) => n.id !== ANY_STATE);
      expect(boxes.map((n) => n.id).sort()).to.deep.equal(view.states.map((s) => s.value).sort());
      for (const n of d.nodes) {
        expect([n.x, n.y, n.width, n.height].every(Number.isFinite)).to.equal(true);
        expect(n.x - n.width / 2).to.be.at.least(0);
        expect(n.x + n.width / 2).to.be.at.most(d.width);
        expect(n.y + n.height / 2).to.be.at.most(d.height);
      }
      for (const [i, a] of d.nodes.entries()) {
        for (const b of d.nodes.slice(i + 1)) {
          const apart = Math.abs(a.x - b.x) >= (a.width + b.width) / 2 || Math.abs(a.y - b.y) >= (a.height + b.height) / 2;
          expect(apart, `${a.id} and ${b.id} overlap`).to.equal(true);
        }
      }
      const arrows = view.transitions.reduce((n, t) => n + (t.anyState ? 1 : t.from.length), 0);
      expect(d.edges).to.have.length(arrows);
      for (const e of d.edges) expect(e.points.length).to.be.at.least(2);
    });
  }

  it('draws a self-loop and a transition from any state', () => {
    const def = { ...workflow(), transitions: [{ name: 'again', from: 'active', to: 'active', label: 'Again' }, { name: 'stop', from: '*', to: 'done', label: 'Stop' }] };
    const d = layoutWorkflow(readWorkflow(def));
    expect(d.nodes.map((n) => n.id)).to.include(ANY_STATE);
    const loop = d.edges.find((e) => e.from === 'active' && e.to === 'active')!;
    expect(loop.points.length).to.be.at.least(3);
    expect(d.edges.find((e) => e.from === ANY_STATE)?.to).to.equal('done');
  });
});
