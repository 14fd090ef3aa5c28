/**
 * State machines (issue 5 item 1) through the workflow service, on the workflow test pack: the initial state and
 * queue, the transitions a person may make, legal and illegal transitions (409 invalid_transition with the allowed
 * ones), guards, roles and capabilities, required fields and comments, effects in one transaction and their
 * rollback, and the state field refused to client updates.
 */
import { expect } from 'chai';
import { expectError } from '../../support/errors.js';
import { steppingClock, type TestEngine } from '../../support/engine.js';
import { count, events, person, read, svc, ticket, workflowEngine, type Person } from './support.js';

describe('workflow: state machines and transitions', () => {
  let fw: TestEngine;
  const clock = steppingClock('2026-11-23T10:00:00.000Z');
  let agent: Person;
  let lead: Person;
  let viewer: Person;
  let auditor: Person;
  let outsider: Person;

  before(async () => {
    fw = await workflowEngine({ clock });
    agent = await person(fw, ['wf_agent'], 'ORG_A');
    lead = await person(fw, ['wf_lead'], 'ORG_A');
    viewer = await person(fw, ['wf_viewer'], 'ORG_A');
    auditor = await person(fw, ['wf_auditor'], 'ORG_A');
    outsider = await person(fw, ['wf_agent'], 'ORG_B');
  });
  after(async () => { await fw?.dispose(); });

  const open = async (values = {}) => {
    const t = await ticket(fw, agent.actor, values);
    await svc(fw).transition('wf_ticket', t.id as string, 'submit', {}, agent.actor);
    return read(fw, t.id);
  };
  const names = (list: { name: string }[]) => list.map((t) => t.name);

  it('starts a new record in the initial state and its queue; assignment rules route it', async () => {
    const t = await ticket(fw, agent.actor);
    expect(t).to.include({ state: 'draft', queue: 'triage', assignee: null });
    const net = await ticket(fw, agent.actor, { category: 'network' });
    expect(net).to.include({ state: 'draft', queue: 'netops' });
    // Naming the initial state is fine; any other is reached by transitions only.
    expect(await ticket(fw, agent.actor, { state: 'draft' })).to.include({ state: 'draft' });
    const e = await expectError(ticket(fw, agent.actor, { state: 'done' }), 'invalid_transition');
    expect(e.status).to.equal(409);
    expect(e.extra.allowed).to.deep.equal([]);
    // The system (imports, seeding) may create a record in any state.
    expect(await ticket(fw, fw.systemActor, { state: 'open' })).to.include({ state: 'open' });
  });

  it('lists the transitions a person may make now, by state, roles, capabilities, access and guards', async () => {
    const t = await ticket(fw, agent.actor);
    expect((await svc(fw).allowed('wf_ticket', t.id as string, agent.actor)).transitions.map((x) => x.name)).to.deep.equal(['submit']);
    const o = await open();
    const forAgent = await svc(fw).allowed('wf_ticket', o.id as string, agent.actor);
    expect(forAgent.state).to.equal('open');
    expect(forAgent.stateLabel).to.equal('Open');
    expect(names(forAgent.transitions)).to.deep.equal(['resolve', 'resolve_broken', 'ask_any', 'ask_all', 'ask_quorum', 'ask_seq']);
    expect(forAgent.transitions[0]).to.deep.include({ label: 'Resolve', to: 'done', toLabel: 'Done', category: 'closed', requiredFields: ['resolution'], comment: 'required' });
    expect(names((await svc(fw).allowed('wf_ticket', o.id as string, lead.actor)).transitions)).to.include('lead_park').and.not.include('audit_park');
    // Capabilities without update access: only the transitions naming them.
    expect(names((await svc(fw).allowed('wf_ticket', o.id as string, auditor.actor)).transitions)).to.deep.equal(['audit_park']);
    expect(names((await svc(fw).allowed('wf_ticket', o.id as string, viewer.actor)).transitions)).to.deep.equal([]);
    // The guard: offered only while the budget is big.
    await fw.records.updateOne('wf_ticket', o.id as string, { budget: 5000 }, { actor: agent.actor });
    expect(names((await svc(fw).allowed('wf_ticket', o.id as string, agent.actor)).transitions)).to.include('big_spend');
  });

  it('makes a legal transition as one audited update by the person, with the comment and a workflow.transition event', async () => {
    const t = await ticket(fw, agent.actor);
    clock.advance(60_000);
    const result = await svc(fw).transition('wf_ticket', t.id as string, 'submit', { comment: 'Ready for work' }, agent.actor);
    expect(result).to.deep.include({ from: 'draft', to: 'open' });
    expect(result.record).to.include({ state: 'open', version: 2, updated_by: agent.user.id });
    const history = await fw.records.history('wf_ticket', t.id as string, { actor: fw.systemActor });
    expect(history.filter((h) => h.version === 2).map((h) => [h.field, h.oldValue, h.newValue, h.changedBy]))
      .to.deep.equal([['state', 'draft', 'open', `workflow:submit for ${agent.username}`]]);
    const notes = await fw.records.journal('wf_ticket', t.id as string, { actor: fw.systemActor, field: 'notes' });
    expect(notes.map((n) => [n.body, n.createdBy])).to.deep.equal([['Ready for work', `workflow:submit for ${agent.username}`]]);
    const [event] = await events(fw, t.id, 'workflow.transition');
    expect(event!.payload).to.deep.equal({ table: 'wf_ticket', id: t.id, workflow: 'ticket_flow', transition: 'submit', label: 'Submit', from: 'draft', to: 'open', comment: 'Ready for work', notify: [] });
    expect(event!.actor_name).to.equal(agent.username);
  });

  it('refuses an illegal transition with invalid_transition (409) listing the allowed ones, changing nothing', async () => {
    const t = await ticket(fw, agent.actor);
    const e = await expectError(svc(fw).transition('wf_ticket', t.id as string, 'resolve', { fields: { resolution: 'x' }, comment: 'x' }, agent.actor), 'invalid_transition');
    expect(e.status).to.equal(409);
    expect(e.message).to.match(/cannot be made from state "Draft".*Allowed now: Submit\./);
    expect(e.extra).to.deep.include({ transition: 'resolve', state: 'draft', reason: 'state' });
    expect(names(e.extra.allowed as { name: string }[])).to.deep.equal(['submit']);
    const unknown = await expectError(svc(fw).transition('wf_ticket', t.id as string, 'explode', {}, agent.actor), 'invalid_transition');
    expect(unknown.message).to.match(/There is no transition "explode"/);
    expect(unknown.extra.reason).to.equal('unknown');
    // Automatic transitions are made by approvals and timers only.
    const o = await open();
    await fw.records.updateOne('wf_ticket', o.id as string, { budget: 5000 }, { actor: agent.actor });
    await svc(fw).transition('wf_ticket', o.id as string, 'big_spend', {}, agent.actor);
    await expectError(svc(fw).transition('wf_ticket', o.id as string, 'wake', {}, agent.actor), 'invalid_transition');
    expect(await read(fw, t.id)).to.include({ state: 'draft', version: 1 });
  });

  it('checks the guard condition on the stored record with the fields given', async () => {
    const o = await open({ budget: 500 });
    const e = await expectError(svc(fw).transition('wf_ticket', o.id as string, 'big_spend', {}, agent.actor), 'invalid_transition');
    expect(names(e.extra.allowed as { name: string }[])).to.not.include('big_spend');
    expect(e.extra.reason).to.equal('condition');
    // Offered only while the stored budget is big: a bigger budget in the same request does not open it.
    await expectError(svc(fw).transition('wf_ticket', o.id as string, 'big_spend', { fields: { budget: 2000 } }, agent.actor), 'invalid_transition');
    await fw.records.updateOne('wf_ticket', o.id as string, { budget: 2000 }, { actor: agent.actor });
    // …and a smaller one given with it closes it again.
    const smaller = await expectError(svc(fw).transition('wf_ticket', o.id as string, 'big_spend', { fields: { budget: 10 } }, agent.actor), 'invalid_transition');
    expect(smaller.extra.reason).to.equal('condition');
    expect(smaller.message).to.match(/condition does not hold with the values given/);
    const ok = await svc(fw).transition('wf_ticket', o.id as string, 'big_spend', { fields: { budget: 3000 } }, agent.actor);
    expect(ok.record).to.include({ state: 'waiting', budget: 3000 });
  });

  it('checks roles, capabilities and, for transitions naming neither, update access', async () => {
    const o = await open();
    const byAgent = await expectError(svc(fw).transition('wf_ticket', o.id as string, 'lead_park', {}, agent.actor), 'invalid_transition');
    expect(byAgent.extra.reason).to.equal('role');
    const byLead = await expectError(svc(fw).transition('wf_ticket', o.id as string, 'audit_park', {}, lead.actor), 'invalid_transition');
    expect(byLead.extra.reason).to.equal('capability');
    // A transition's capabilities name who does the step: a platform administrator is not one of them by being one.
    const admin = await person(fw, ['wf_admin'], 'ORG_A');
    const byAdmin = await expectError(svc(fw).transition('wf_ticket', o.id as string, 'audit_park', {}, admin.actor), 'invalid_transition');
    expect(byAdmin.extra.reason).to.equal('capability');
    const byViewer = await expectError(svc(fw).transition('wf_ticket', o.id as string, 'ask_any', {}, viewer.actor), 'invalid_transition');
    expect(byViewer.extra.reason).to.equal('access');
    expect((await svc(fw).transition('wf_ticket', o.id as string, 'audit_park', {}, auditor.actor)).to).to.equal('waiting');
    const o2 = await open();
    expect((await svc(fw).transition('wf_ticket', o2.id as string, 'lead_park', {}, lead.actor)).to).to.equal('waiting');
    // A record the person cannot see does not exist for them.
    await expectError(svc(fw).transition('wf_ticket', o2.id as string, 'lead_park', {}, outsider.actor), 'not_found');
    await expectError(svc(fw).allowed('wf_ticket', o2.id as string, outsider.actor), 'not_found');
  });

  it('requires the required fields (after applying the fields given) and a required comment: 422 naming each', async () => {
    const o = await open();
    const e = await expectError(svc(fw).transition('wf_ticket', o.id as string, 'resolve', {}, agent.actor), 'validation_failed');
    expect(e.status).to.equal(422);
    expect(e.fieldErrors.map((f) => [f.field, f.code])).to.deep.equal([['resolution', 'required'], ['comment', 'required']]);
    const e2 = await expectError(svc(fw).transition('wf_ticket', o.id as string, 'resolve', { fields: { resolution: 'Replaced the fuser' } }, agent.actor), 'validation_failed');
    expect(e2.fieldErrors.map((f) => f.field)).to.deep.equal(['comment']);
    // A value already on the record counts.
    await fw.records.updateOne('wf_ticket', o.id as string, { resolution: 'Already written' }, { actor: agent.actor });
    const done = await svc(fw).transition('wf_ticket', o.id as string, 'resolve', { comment: 'Done' }, agent.actor);
    expect(done.record).to.include({ state: 'done', resolution: 'Already written' });
  });

  it('checks the fields given as an update by the person', async () => {
    const o = await open();
    await expectError(svc(fw).transition('wf_ticket', o.id as string, 'resolve', { fields: { secret_note: 'x', resolution: 'r' }, comment: 'c' }, agent.actor), 'unknown_field');
    await expectError(svc(fw).transition('wf_ticket', o.id as string, 'resolve', { fields: { state: 'closed', resolution: 'r' }, comment: 'c' }, agent.actor), 'invalid_payload');
    const typed = await expectError(svc(fw).transition('wf_ticket', o.id as string, 'resolve', { fields: { budget: 'lots', resolution: 'r' }, comment: 'c' }, agent.actor), 'validation_failed');
    expect(typed.fieldErrors[0]!.field).to.equal('budget');
    expect(await read(fw, o.id)).to.include({ state: 'open' });
  });

  it('applies every effect in the one transaction: set, queue, related record, notify, and the next state\'s timers', async () => {
    const o = await open({ category: 'printing' });
    await svc(fw).fw.records.updateOne('wf_ticket', o.id as string, { assignee: agent.username }, { actor: agent.actor });
    clock.advance(5 * 60_000);
    const at = clock.now().toISOString();
    const result = await svc(fw).transition('wf_ticket', o.id as string, 'resolve', { fields: { resolution: 'Fixed', notes: 'internal detail' }, comment: 'All good' }, agent.actor);
    const after = await read(fw, o.id);
    expect(after).to.include({ state: 'done', resolution: 'Fixed', resolved_at: at, category: 'printing-resolved', queue: 'archive', assignee: null, version: (o.version as number) + 2 });
    expect(result.record).to.not.have.property('secret_note');
    const [followup] = (await fw.records.query('wf_followup', { filter: { fact: 'ticket', operator: 'equal', value: o.id } }, { actor: fw.systemActor })).records;
    expect(followup).to.include({ title: `Follow up ${String(o.number)}`, ticket: o.id, created_by: agent.user.id });
    const names = (await events(fw, o.id)).map((e) => e.name);
    expect(names).to.include.members(['workflow.transition', 'notification.requested']);
    const [notify] = await events(fw, o.id, 'notification.requested');
    expect(notify!.payload).to.deep.include({ notification: 'ticket_resolved', transition: 'resolve' });
    const notes = await fw.records.journal('wf_ticket', o.id as string, { actor: fw.systemActor, field: 'notes' });
    expect(notes[0]!.body).to.equal('internal detail\n\nAll good');
    const timers = await svc(fw).timers.ofRecord(fw.db.knex, o.id as string);
    expect(timers.map((t) => [t.timer, t.dueAt])).to.deep.equal([['auto_archive', new Date(Date.parse(at) + 3 * 86_400_000).toISOString()]]);
  });

  it('rolls the whole transition back when an effect fails: no state, no fields, no event, no audit, no timers', async () => {
    const o = await open();
    const audits = await count(fw, 'sys_audit');
    const evts = await count(fw, 'sys_event');
    const timers = await count(fw, 'sys_workflow_timer');
    const e = await expectError(svc(fw).transition('wf_ticket', o.id as string, 'resolve_broken', { comment: 'x' }, agent.actor), 'validation_failed');
    expect(e.fieldErrors[0]).to.include({ field: 'title', code: 'required' });
    expect(await read(fw, o.id)).to.include({ state: 'open', version: o.version, resolved_at: null });
    expect(await count(fw, 'sys_audit')).to.equal(audits);
    expect(await count(fw, 'sys_event')).to.equal(evts);
    expect(await count(fw, 'sys_workflow_timer')).to.equal(timers);
    expect(await count(fw, 'sys_journal', { record_id: o.id })).to.equal(0);
  });

  it('refuses a client update of the state field with invalid_transition and the allowed transitions; the system may', async () => {
    const o = await open();
    const e = await expectError(fw.records.updateOne('wf_ticket', o.id as string, { state: 'done', title: 'Sneaky' }, { actor: agent.actor }), 'invalid_transition');
    expect(e.status).to.equal(409);
    expect(e.extra).to.deep.include({ state: 'open', field: 'state' });
    expect(names(e.extra.allowed as { name: string }[])).to.deep.equal(['resolve', 'resolve_broken', 'ask_any', 'ask_all', 'ask_quorum', 'ask_seq']);
    expect(await read(fw, o.id)).to.include({ state: 'open', title: 'Printer on fire' });
    // Sending the unchanged state is no change.
    expect(await fw.records.updateOne('wf_ticket', o.id as string, { state: 'open', title: 'Renamed' }, { actor: agent.actor })).to.include({ title: 'Renamed' });
    // The system moves it anywhere; the new state's queue and timers follow.
    const moved = await fw.records.updateOne('wf_ticket', o.id as string, { state: 'approved' }, { actor: fw.systemActor });
    expect(moved).to.include({ state: 'approved', queue: 'delivery' });
  });

  it('answers not_found for a table without a workflow', async () => {
    const f = await fw.records.createOne('wf_followup', { title: 'x' }, { actor: fw.systemActor });
    const e = await expectError(svc(fw).allowed('wf_followup', f.id as string, fw.systemActor), 'not_found');
    expect(e.message).to.equal('Table "wf_followup" has no workflow.');
  });
});
