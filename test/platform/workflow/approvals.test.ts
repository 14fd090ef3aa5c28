/**
 * Approvals (issue 5 item 2) on the workflow test pack: approvers from a role, a queue (group) and a field; modes
 * any, all and quorum; sequential stages with a conditional stage; rejection; delegation while away; nobody to ask;
 * leaving the state; the outcome driving the configured transition as the person deciding.
 */
import { expect } from 'chai';
import type { ApprovalView } from '../../../platform/workflow/index.js';
import { createDelegation, createQueue, listDelegations, setQueueMember } from '../../../platform/workflow/index.js';
import { expectError } from '../../support/errors.js';
import { steppingClock, type TestEngine } from '../../support/engine.js';
import { events, person, read, svc, ticket, workflowEngine, type Person } from './support.js';

describe('workflow: approvals', () => {
  let fw: TestEngine;
  const clock = steppingClock('2026-11-23T10:00:00.000Z');
  let agent: Person;
  let leads: Person[];
  let members: Person[];
  let manager: Person;
  let admin: Person;
  let elsewhere: Person;

  before(async () => {
    fw = await workflowEngine({ clock });
    agent = await person(fw, ['wf_agent'], 'ORG_A');
    leads = [await person(fw, ['wf_lead'], 'ORG_A'), await person(fw, ['wf_lead'], 'ORG_A'), await person(fw, ['wf_lead'], 'ORG_A')];
    members = [await person(fw, ['wf_agent'], 'ORG_A'), await person(fw, ['wf_agent'], 'ORG_A')];
    manager = await person(fw, ['wf_viewer'], 'ORG_A');
    admin = await person(fw, ['wf_admin'], 'ORG_A');
    // A lead of another organisation cannot read ORG_A's tickets, so is never asked.
    elsewhere = await person(fw, ['wf_lead'], 'ORG_B');
    await createQueue(fw, fw.systemActor, { name: 'approvers_q', label: 'Approvers' });
    for (const m of members) await setQueueMember(fw, fw.systemActor, 'approvers_q', m.username, true);
  });
  after(async () => { await fw?.dispose(); });

  /** An open ticket moved into an approval state by `transition`. */
  const asking = async (transition: string, values = {}) => {
    const t = await ticket(fw, agent.actor, values);
    await svc(fw).transition('wf_ticket', t.id as string, 'submit', {}, agent.actor);
    await svc(fw).transition('wf_ticket', t.id as string, transition, {}, agent.actor);
    return t.id as string;
  };
  const requests = async (id: string, who: Person = agent): Promise<ApprovalView[]> => svc(fw).approvals.list('wf_ticket', id, who.actor);
  const mine = (list: ApprovalView[], who: Person) => list.find((a) => a.approver === who.username && a.status === 'requested')!;
  const decide = (id: string, who: Person, decision: 'approve' | 'reject', comment?: string, as: Person = who) =>
    requests(id).then((list) => svc(fw).approvals.decide('wf_ticket', id, mine(list, who).id, decision, comment, as.actor));

  it('"any": asks everyone holding the role who can read the record; the first approval decides and drives onApprove', async () => {
    const id = await asking('ask_any');
    const list = await requests(id);
    expect(list.map((a) => a.approver).sort()).to.deep.equal(leads.map((l) => l.username).sort());
    expect(list.every((a) => a.status === 'requested' && a.approval === 'any_lead' && a.stage === 1 && !a.canDecide)).to.equal(true);
    expect(list.map((a) => a.approver)).to.not.include(elsewhere.username);
    expect((await requests(id, leads[0])).filter((a) => a.canDecide).map((a) => a.approver)).to.deep.equal([leads[0]!.username]);
    const [requested] = await events(fw, id, 'approval.requested');
    expect(requested!.payload).to.deep.include({ approval: 'any_lead', stage: 1, mode: 'any' });
    expect((requested!.payload.approvers as string[]).sort()).to.deep.equal(leads.map((l) => l.username).sort());

    // Someone not asked may not decide.
    await expectError(svc(fw).approvals.decide('wf_ticket', id, mine(list, leads[0]!).id, 'approve', 'me too', agent.actor), 'forbidden');
    const d = await decide(id, leads[0]!, 'approve', 'Looks fine');
    expect(d).to.deep.include({ outcome: 'approved', transition: 'granted' });
    expect(d.approval).to.deep.include({ status: 'approved', decidedBy: leads[0]!.username, comment: 'Looks fine' });
    const after = await read(fw, id);
    expect(after).to.include({ state: 'approved', queue: 'delivery', updated_by: leads[0]!.user.id });
    expect((await requests(id)).filter((a) => a.status === 'cancelled')).to.have.length(2);
    const notes = await fw.records.journal('wf_ticket', id, { actor: fw.systemActor, field: 'notes' });
    expect(notes.map((n) => n.body)).to.include(`Approved (any_lead) by ${leads[0]!.username}: Looks fine`);
    const [transition] = await events(fw, id, 'workflow.transition').then((e) => e.filter((x) => x.payload.transition === 'granted'));
    expect(transition!.actor_name).to.equal(leads[0]!.username);
    // A decided request stays decided.
    await expectError(svc(fw).approvals.decide('wf_ticket', id, d.approval.id, 'reject', undefined, leads[0]!.actor), 'conflict');
  });

  it('"all": every member of the queue must approve', async () => {
    const id = await asking('ask_all');
    expect((await requests(id)).map((a) => a.approver).sort()).to.deep.equal(members.map((m) => m.username).sort());
    expect((await decide(id, members[0]!, 'approve')).outcome).to.equal('pending');
    expect(await read(fw, id)).to.include({ state: 'appr_all' });
    expect((await decide(id, members[1]!, 'approve')).outcome).to.equal('approved');
    expect(await read(fw, id)).to.include({ state: 'approved' });
  });

  it('"quorum": enough approvals of those asked decide; the rest are no longer needed', async () => {
    const id = await asking('ask_quorum');
    expect(await requests(id)).to.have.length(3);
    expect((await decide(id, leads[1]!, 'approve')).outcome).to.equal('pending');
    expect((await decide(id, leads[2]!, 'approve')).outcome).to.equal('approved');
    const list = await requests(id);
    expect(list.find((a) => a.approver === leads[0]!.username)!.status).to.equal('cancelled');
    expect(await read(fw, id)).to.include({ state: 'approved' });
  });

  it('one rejection rejects: the round\'s open requests are cancelled and onReject is made', async () => {
    const id = await asking('ask_quorum');
    await decide(id, leads[0]!, 'approve');
    const d = await decide(id, leads[1]!, 'reject', 'Too expensive');
    expect(d).to.deep.include({ outcome: 'rejected', transition: 'refused' });
    expect(await read(fw, id)).to.include({ state: 'rejected' });
    expect((await requests(id)).map((a) => [a.approver, a.status]).sort()).to.deep.equal([
      [leads[0]!.username, 'approved'], [leads[1]!.username, 'rejected'], [leads[2]!.username, 'cancelled'],
    ].sort());
    const notes = await fw.records.journal('wf_ticket', id, { actor: fw.systemActor, field: 'notes' });
    expect(notes[0]!.body).to.equal(`Rejected (two_leads) by ${leads[1]!.username}: Too expensive`);
  });

  it('runs stages in order: the manager named by a field, then the approvers group, then a conditional stage', async () => {
    const id = await asking('ask_seq', { manager: manager.username });
    let list = await requests(id);
    expect(list.map((a) => [a.approval, a.approver, a.stage])).to.deep.equal([['manager_ok', manager.username, 1]]);
    expect((await decide(id, manager, 'approve')).outcome).to.equal('pending');
    list = await requests(id);
    expect(list.filter((a) => a.status === 'requested').map((a) => [a.approval, a.stage])).to.deep.equal([['lead_ok', 2], ['lead_ok', 2]]);
    expect(await read(fw, id)).to.include({ state: 'appr_seq' });
    // Stage 3 applies to big budgets only: this one is granted after stage 2.
    expect((await decide(id, members[0]!, 'approve')).outcome).to.equal('approved');
    expect(await read(fw, id)).to.include({ state: 'approved' });

    const big = await asking('ask_seq', { manager: manager.username, budget: 9000 });
    await decide(big, manager, 'approve');
    expect((await decide(big, members[1]!, 'approve')).outcome).to.equal('pending');
    expect((await requests(big)).filter((a) => a.status === 'requested').map((a) => [a.approval, a.approver])).to.deep.equal([['big_spend_ok', admin.username]]);
    expect((await decide(big, admin, 'approve')).outcome).to.equal('approved');
    expect(await read(fw, big)).to.include({ state: 'approved' });
  });

  it('lets a delegate decide while the approver is away, and names both; not before or after', async () => {
    const id = await asking('ask_any');
    const from = new Date(clock.now().getTime() + 3_600_000).toISOString();
    const to = new Date(clock.now().getTime() + 3 * 3_600_000).toISOString();
    const delegation = await createDelegation(fw, leads[0]!.actor, { delegate: members[0]!.username, from, to });
    expect(delegation).to.deep.include({ user: leads[0]!.username, delegate: members[0]!.username, active: false });
    const request = mine(await requests(id), leads[0]!);
    await expectError(svc(fw).approvals.decide('wf_ticket', id, request.id, 'approve', undefined, members[0]!.actor), 'forbidden');
    clock.advance(2 * 3_600_000);
    expect((await listDelegations(fw, members[0]!.actor))[0]).to.deep.include({ active: true });
    expect((await svc(fw).approvals.pendingFor(members[0]!.actor)).map((a) => a.id)).to.include(request.id);
    expect((await requests(id, members[0])).filter((a) => a.canDecide).map((a) => a.approver)).to.deep.equal([leads[0]!.username]);
    const d = await svc(fw).approvals.decide('wf_ticket', id, request.id, 'approve', 'On behalf', members[0]!.actor);
    expect(d.approval).to.deep.include({ approver: leads[0]!.username, decidedBy: members[0]!.username, status: 'approved' });
    const notes = await fw.records.journal('wf_ticket', id, { actor: fw.systemActor, field: 'notes' });
    expect(notes.map((n) => n.body)).to.include(`Approved (any_lead) by ${members[0]!.username} for ${leads[0]!.username}: On behalf`);
    // After the delegation ends, the delegate no longer stands in.
    const later = await asking('ask_any');
    clock.advance(2 * 3_600_000);
    await expectError(svc(fw).approvals.decide('wf_ticket', later, mine(await requests(later), leads[0]!).id, 'approve', undefined, members[0]!.actor), 'forbidden');
    await expectError(createDelegation(fw, agent.actor, { delegate: members[0]!.username, user: leads[1]!.username }), 'forbidden');
    await expectError(createDelegation(fw, agent.actor, { delegate: agent.username }), 'validation_failed');
  });

  it('refuses to enter an approval state when nobody can approve, and cancels open requests when the record leaves it', async () => {
    const t = await ticket(fw, agent.actor);
    await svc(fw).transition('wf_ticket', t.id as string, 'submit', {}, agent.actor);
    const e = await expectError(svc(fw).transition('wf_ticket', t.id as string, 'ask_seq', {}, agent.actor), 'validation_failed');
    expect(e.message).to.match(/Nobody can approve "manager_ok"/);
    expect(await read(fw, t.id)).to.include({ state: 'open' });

    const id = await asking('ask_any');
    await svc(fw).transition('wf_ticket', id, 'withdraw', {}, agent.actor);
    expect((await requests(id)).every((a) => a.status === 'cancelled')).to.equal(true);
    expect(await svc(fw).approvals.pendingFor(leads[0]!.actor).then((l) => l.filter((a) => a.recordId === id))).to.deep.equal([]);
  });
});
