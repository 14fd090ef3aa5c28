/**
 * The pickers' candidates through the HTTP API: GET /api/tables/:table/:id/assignees?q= offers exactly the people the
 * assign API accepts (members of a queue with members, able to change the record, of the record's organisation),
 * and GET /api/delegations/candidates?q= the people a delegation may name (others of one's organisation); both
 * search names and usernames case-insensitively.
 */
import { expect } from 'chai';
import { createQueue, setQueueMember } from '../../../platform/workflow/index.js';
import { serve, type RunningServer } from '../../support/auth.js';
import type { TestEngine } from '../../support/engine.js';
import { apiClient, person, workflowEngine, type Call, type Person } from './support.js';

describe('workflow: people pickers\' candidates', () => {
  let fw: TestEngine;
  let server: RunningServer;
  let agent: Person;
  let agent2: Person;
  let viewer: Person;
  let other: Person;
  let as: Record<'agent' | 'viewer' | 'other', Call>;
  const names = (r: { body: { data: { username: string }[] } }) => r.body.data.map((c) => c.username);

  before(async () => {
    fw = await workflowEngine();
    agent = await person(fw, ['wf_agent'], 'ORG_A', 'pick_agent');
    agent2 = await person(fw, ['wf_agent'], 'ORG_A', 'Pick_Helper');
    viewer = await person(fw, ['wf_viewer'], 'ORG_A', 'pick_viewer');
    other = await person(fw, ['wf_agent'], 'ORG_B', 'pick_other');
    await fw.db.knex('sys_user').where({ id: agent2.user.id }).update({ display_name: 'Zoë Ündeŕwood' });
    server = await serve(fw);
    as = {
      agent: await apiClient(fw, server, agent), viewer: await apiClient(fw, server, viewer), other: await apiClient(fw, server, other),
    };
    await createQueue(fw, fw.systemActor, { name: 'pick_experts', label: 'Experts' });
    await setQueueMember(fw, fw.systemActor, 'pick_experts', agent2.username, true);
  });
  after(async () => {
    await server?.close();
    await fw?.dispose();
  });

  const ticket = async () => {
    const r = await as.agent('POST', '/api/tables/wf_ticket', { title: 'Wobbly desk' });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    return String(r.body.data.id);
  };
  const assignees = (call: Call, id: string, q = 'pick') => call('GET', `/api/tables/wf_ticket/${id}/assignees?q=${encodeURIComponent(q)}`);

  it('offers the people who may work on the record, with their names, and only them', async () => {
    const id = await ticket();
    const r = await assignees(as.agent, id);
    expect(r.status).to.equal(200);
    // The viewer may not change it and the other organisation's agent cannot see it.
    expect(names(r)).to.have.members([agent.username, agent2.username]);
    expect(r.body.data.find((c: { username: string }) => c.username === agent2.username).name).to.equal('Zoë Ündeŕwood');
    for (const refused of [viewer, other]) {
      const a = await as.agent('POST', `/api/tables/wf_ticket/${id}/assign`, { user: refused.username });
      expect(a.status).to.equal(422);
      expect(a.body.errors[0]).to.include({ field: 'user', code: 'not_permitted' });
    }
  });

  it('searches names and usernames case-insensitively, and treats LIKE wildcards as text', async () => {
    const id = await ticket();
    expect(names(await assignees(as.agent, id, 'ZOË'))).to.deep.equal([agent2.username]);
    expect(names(await assignees(as.agent, id, 'PICK_H'))).to.deep.equal([agent2.username]);
    expect(names(await assignees(as.agent, id, '%'))).to.deep.equal([]);
    expect((await assignees(as.agent, id, 'x'.repeat(101))).body.code).to.equal('invalid_query');
  });

  it('offers only the members of a queue with members, as the assign API allows', async () => {
    const id = await ticket();
    expect((await as.agent('POST', `/api/tables/wf_ticket/${id}/assign`, { queue: 'pick_experts' })).status).to.equal(200);
    expect(names(await assignees(as.agent, id))).to.deep.equal([agent2.username]);
    // The queue page offers "Assign to me" by the same rule: the queue list says who may hold its records.
    const queues = (await as.agent('GET', '/api/queues')).body.data as { name: string; member: boolean; membersOnly: boolean }[];
    expect(queues.find((q) => q.name === 'pick_experts')).to.deep.include({ member: false, membersOnly: true });
    expect(queues.find((q) => q.name === 'triage')).to.deep.include({ membersOnly: false });
    const a = await as.agent('POST', `/api/tables/wf_ticket/${id}/assign`, { user: agent.username });
    expect(a.status).to.equal(422);
    expect(a.body.errors[0]).to.include({ field: 'user', code: 'not_member' });
  });

  it('refuses the list to whoever may not assign the record, with the assign API\'s answer', async () => {
    const id = await ticket();
    const list = await assignees(as.viewer, id);
    const assign = await as.viewer('POST', `/api/tables/wf_ticket/${id}/assign`, { user: agent.username });
    expect(list.status).to.equal(403);
    expect(list.body.code).to.equal('forbidden');
    expect(list.body.detail).to.equal(assign.body.detail);
    expect((await assignees(as.other, id)).body.code).to.equal('not_found');
    expect((await as.agent('GET', `/api/tables/wf_ticket/${id}/assignees?colour=red`)).status).to.equal(400);
  });

  it('offers delegates of one\'s organisation but not oneself, and refuses the others with a reason', async () => {
    const r = await as.agent('GET', '/api/delegations/candidates?q=PICK');
    expect(r.status).to.equal(200);
    expect(names(r)).to.have.members([agent2.username, viewer.username]);
    expect(names(await as.agent('GET', '/api/delegations/candidates?q=zoë'))).to.deep.equal([agent2.username]);
    const refused = await as.agent('POST', '/api/delegations', { delegate: other.username });
    expect(refused.status).to.equal(422);
    expect(refused.body.errors[0]).to.include({ field: 'delegate', code: 'other_org' });
    const self = await as.agent('POST', '/api/delegations', { delegate: agent.username });
    expect(self.body.errors[0]).to.include({ field: 'delegate', code: 'self' });
    expect(names(await as.other('GET', '/api/delegations/candidates?q=pick'))).to.deep.equal([]);
  });
});
