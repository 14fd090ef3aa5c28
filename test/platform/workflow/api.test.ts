/**
 * The workflow HTTP API (issue 5 items 1–4) end to end through express with API tokens: the workflow meta, the
 * allowed transitions, making one (ETag, 409 invalid_transition with `allowed`, 422 with errors), PATCH of the
 * state field refused, approvals and delegations, assignment, queues and queue views (list parameters, scoped by
 * the records' access). The core pack's task workflow is tested in test/packs/core.
 */
import { expect } from 'chai';
import { createQueue, setQueueMember } from '../../../platform/workflow/index.js';
import { serve, type RunningServer } from '../../support/auth.js';
import { steppingClock, type TestEngine } from '../../support/engine.js';
import { apiClient, person, read, workflowEngine, type Call, type Person } from './support.js';

describe('workflow: HTTP API', () => {
  let fw: TestEngine;
  let server: RunningServer;
  const clock = steppingClock('2026-11-23T10:00:00.000Z');
  let agent: Person;
  let agent2: Person;
  let lead: Person;
  let viewer: Person;
  let other: Person;
  let admin: Person;
  let as: Record<'agent' | 'agent2' | 'lead' | 'viewer' | 'other' | 'admin', Call>;

  before(async () => {
    fw = await workflowEngine({ clock });
    agent = await person(fw, ['wf_agent'], 'ORG_A');
    agent2 = await person(fw, ['wf_agent'], 'ORG_A');
    lead = await person(fw, ['wf_lead'], 'ORG_A');
    viewer = await person(fw, ['wf_viewer'], 'ORG_A');
    other = await person(fw, ['wf_agent'], 'ORG_B');
    admin = await person(fw, ['wf_admin'], 'ORG_A');
    server = await serve(fw);
    as = {
      agent: await apiClient(fw, server, agent), agent2: await apiClient(fw, server, agent2), lead: await apiClient(fw, server, lead),
      viewer: await apiClient(fw, server, viewer), other: await apiClient(fw, server, other), admin: await apiClient(fw, server, admin),
    };
  });
  after(async () => {
    await server?.close();
    await fw?.dispose();
  });

  const create = async (call: Call, values: Record<string, unknown> = {}) => {
    const r = await call('POST', '/api/tables/wf_ticket', { title: 'Broken chair', ...values });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    return r.body.data as Record<string, unknown>;
  };
  const path = (id: unknown, suffix = '') => `/api/tables/wf_ticket/${String(id)}${suffix}`;

  describe('transitions', () => {
    it('describes the table\'s workflow for the browser', async () => {
      const r = await as.agent('GET', '/api/workflows/wf_ticket');
      expect(r.status).to.equal(200);
      expect(r.body.data).to.deep.include({ name: 'ticket_flow', stateField: 'state', initialState: 'draft', queueField: 'queue', assigneeField: 'assignee', commentField: 'notes' });
      expect(r.body.data.states[0]).to.deep.equal({ value: 'draft', label: 'Draft', category: 'open', queue: 'triage' });
      expect(r.body.data.transitions.find((t: { name: string }) => t.name === 'resolve')).to.deep.equal({
        name: 'resolve', label: 'Resolve', from: ['open', 'approved'], to: 'done', requiredFields: ['resolution'], comment: 'required', automatic: false,
      });
      expect((await as.agent('GET', '/api/workflows/wf_followup')).status).to.equal(404);
      expect((await as.agent('GET', '/api/workflows/nope')).status).to.equal(404);
    });

    it('lists the allowed transitions and makes one, answering the record with its ETag', async () => {
      const t = await create(as.agent);
      expect(t).to.include({ state: 'draft', queue: 'triage' });
      const allowed = await as.agent('GET', path(t.id, '/transitions'));
      expect(allowed.status).to.equal(200);
      expect(allowed.body.data).to.deep.include({ state: 'draft', stateLabel: 'Draft' });
      expect(allowed.body.data.transitions).to.deep.equal([{ name: 'submit', label: 'Submit', to: 'open', toLabel: 'Open', category: 'open', requiredFields: [], comment: 'optional' }]);
      const made = await as.agent('POST', path(t.id, '/transitions/submit'), { comment: 'Please' });
      expect(made.status).to.equal(200);
      expect(made.body.data).to.include({ state: 'open', version: 2 });
      expect(made.body.meta).to.deep.include({ from: 'draft', to: 'open' });
      expect(made.headers.get('etag')).to.equal('W/"2"');
    });

    it('answers 409 invalid_transition with the allowed transitions in the problem document', async () => {
      const t = await create(as.agent);
      const r = await as.agent('POST', path(t.id, '/transitions/resolve'), { fields: { resolution: 'x' }, comment: 'x' });
      expect(r.status).to.equal(409);
      expect(r.headers.get('content-type')).to.match(/application\/problem\+json/);
      expect(r.body).to.deep.include({ code: 'invalid_transition', state: 'draft', transition: 'resolve' });
      expect(r.body.allowed.map((a: { name: string }) => a.name)).to.deep.equal(['submit']);
      // A viewer may not make it either; someone who cannot see the record gets 404.
      expect((await as.viewer('POST', path(t.id, '/transitions/submit'), {})).status).to.equal(409);
      expect((await as.other('POST', path(t.id, '/transitions/submit'), {})).status).to.equal(404);
      expect((await as.agent('POST', path('not-an-id', '/transitions/submit'), {})).status).to.equal(404);
      expect((await as.agent('POST', path(t.id, '/transitions/submit'), { state: 'open' })).status).to.equal(400);
    });

    it('answers 422 with an error per missing required field or comment', async () => {
      const t = await create(as.agent);
      await as.agent('POST', path(t.id, '/transitions/submit'), {});
      const r = await as.agent('POST', path(t.id, '/transitions/resolve'), {});
      expect(r.status).to.equal(422);
      expect(r.body.code).to.equal('validation_failed');
      expect(r.body.errors.map((e: { field: string }) => e.field)).to.deep.equal(['resolution', 'comment']);
      const ok = await as.agent('POST', path(t.id, '/transitions/resolve'), { fields: { resolution: 'Glued' }, comment: 'Glued the leg' });
      expect(ok.status).to.equal(200);
      expect(ok.body.data).to.include({ state: 'done', resolution: 'Glued', queue: 'archive' });
    });

    it('refuses a PATCH of the state field with 409 invalid_transition listing the allowed transitions', async () => {
      const t = await create(as.agent);
      const r = await as.agent('PATCH', path(t.id), { state: 'done' });
      expect(r.status).to.equal(409);
      expect(r.body).to.deep.include({ code: 'invalid_transition', field: 'state', state: 'draft' });
      expect(r.body.allowed.map((a: { name: string }) => a.name)).to.deep.equal(['submit']);
      expect((await read(fw, t.id)).state).to.equal('draft');
      expect((await as.agent('PATCH', path(t.id), { title: 'Broken desk' })).status).to.equal(200);
      const created = await as.agent('POST', '/api/tables/wf_ticket', { title: 'Born done', state: 'done' });
      expect(created.status).to.equal(409);
    });
  });

  describe('approvals and delegations', () => {
    it('lists a record\'s requests, lets the approver decide, and lists what a person may decide', async () => {
      const t = await create(as.agent);
      await as.agent('POST', path(t.id, '/transitions/submit'), {});
      await as.agent('POST', path(t.id, '/transitions/ask_any'), {});
      const pending = await as.lead('GET', '/api/approvals');
      expect(pending.status).to.equal(200);
      const mine = pending.body.data.find((a: { recordId: string }) => a.recordId === t.id);
      expect(mine).to.deep.include({ approval: 'any_lead', status: 'requested', number: t.number, canDecide: true });
      const list = await as.agent('GET', path(t.id, '/approvals'));
      expect(list.body.data.map((a: { approver: string }) => a.approver)).to.deep.equal([lead.username]);
      // People read the approver's name.
      const name = (await fw.db.knex('sys_user').where({ username: lead.username }).first('display_name')).display_name;
      expect(name).to.be.a('string').and.not.equal(lead.username);
      expect(list.body.data.map((a: { approverName: string }) => a.approverName)).to.deep.equal([name]);
      expect(list.body.data.every((a: { canDecide: boolean }) => !a.canDecide)).to.equal(true);
      expect((await as.agent('POST', path(t.id, `/approvals/${mine.id}/approve`), {})).status).to.equal(403);
      expect((await as.lead('POST', path(t.id, `/approvals/${mine.id}/maybe`), {})).status).to.equal(404);
      const r = await as.lead('POST', path(t.id, `/approvals/${mine.id}/reject`), { comment: 'No budget' });
      expect(r.status).to.equal(200);
      expect(r.body.data).to.deep.include({ outcome: 'rejected', transition: 'refused' });
      expect(r.body.data.record).to.include({ state: 'rejected' });
      expect((await as.lead('POST', path(t.id, `/approvals/${mine.id}/approve`), {})).status).to.equal(409);
    });

    it('creates, lists and deletes delegations', async () => {
      const r = await as.lead('POST', '/api/delegations', { delegate: agent.username, to: '2026-11-30T00:00:00Z' });
      expect(r.status).to.equal(201);
      expect(r.body.data).to.deep.include({ user: lead.username, delegate: agent.username, from: clock.now().toISOString(), to: '2026-11-30T00:00:00.000Z', active: true });
      expect((await as.agent('GET', '/api/delegations')).body.data.map((d: { id: string }) => d.id)).to.include(r.body.data.id);
      expect((await as.agent2('GET', '/api/delegations')).body.data).to.deep.equal([]);
      expect((await as.agent('DELETE', `/api/delegations/${r.body.data.id}`)).status).to.equal(404);
      expect((await as.lead('DELETE', `/api/delegations/${r.body.data.id}`)).status).to.equal(204);
      expect((await as.lead('POST', '/api/delegations', { delegate: 'nobody-here' })).status).to.equal(422);
    });
  });

  describe('queues and assignment', () => {
    before(async () => {
      await createQueue(fw, fw.systemActor, { name: 'a_desk', label: 'Desk A', org: 'ORG_A' });
      await createQueue(fw, fw.systemActor, { name: 'b_desk', label: 'Desk B', org: 'ORG_B' });
      await createQueue(fw, fw.systemActor, { name: 'experts', label: 'Experts' });
      await setQueueMember(fw, fw.systemActor, 'experts', agent2.username, true);
    });

    it('lists the queues a person sees: their own, their organisation\'s, shared and declared ones', async () => {
      const r = await as.agent('GET', '/api/queues');
      expect(r.status).to.equal(200);
      const names = r.body.data.map((q: { name: string }) => q.name);
      expect(names[0]).to.equal('@me');
      expect(names).to.include.members(['a_desk', 'experts', 'triage', 'netops', 'delivery', 'archive']).and.not.include('b_desk');
      expect(r.body.data.find((q: { name: string }) => q.name === 'a_desk')).to.deep.include({ label: 'Desk A', org: { id: r.body.data.find((q: { name: string }) => q.name === 'a_desk').org.id, code: 'ORG_A', name: 'Organisation ORG_A' }, declared: false });
      expect(r.body.data.find((q: { name: string }) => q.name === 'triage')).to.deep.include({ declared: true, org: null });
      expect((await as.other('GET', '/api/queues')).body.data.map((q: { name: string }) => q.name)).to.include('b_desk').and.not.include('a_desk');
      expect((await as.agent2('GET', '/api/queues')).body.data.find((q: { name: string }) => q.name === 'experts').member).to.equal(true);
      expect((await as.admin('GET', '/api/queues')).body.data.map((q: { name: string }) => q.name)).to.include.members(['a_desk', 'b_desk']);
      expect((await as.agent('POST', '/api/queues', { name: 'mine' })).status).to.equal(403);
      expect((await as.admin('POST', '/api/queues', { name: 'new_one', label: 'New', org: 'ORG_A' })).status).to.equal(201);
      expect((await as.admin('POST', '/api/queues', { name: 'new_one' })).status).to.equal(409);
      expect((await as.agent('GET', '/api/queues/experts/members')).body.data).to.deep.equal([agent2.username]);
    });

    it('assigns to oneself, to another agent, moves between queues, and unassigns back to the queue', async () => {
      const t = await create(as.agent);
      let r = await as.agent('POST', path(t.id, '/assign'), { user: '@me' });
      expect(r.status).to.equal(200);
      expect(r.body.data).to.include({ assignee: agent.username, queue: 'triage' });
      r = await as.agent('POST', path(t.id, '/assign'), { user: agent2.username });
      expect(r.body.data).to.include({ assignee: agent2.username });
      r = await as.agent('POST', path(t.id, '/assign'), { queue: 'experts' });
      expect(r.body.data).to.include({ queue: 'experts', assignee: null });
      // The experts queue has members: only they may hold its records.
      r = await as.agent('POST', path(t.id, '/assign'), { user: '@me' });
      expect(r.status).to.equal(422);
      expect(r.body.errors[0]).to.include({ field: 'user', code: 'not_member' });
      r = await as.agent('POST', path(t.id, '/assign'), { user: agent2.username });
      expect(r.body.data).to.include({ assignee: agent2.username, queue: 'experts' });
      r = await as.agent2('POST', path(t.id, '/assign'), { user: null });
      expect(r.body.data).to.include({ assignee: null, queue: 'experts' });
      // Without a queue, returning the record routes it as its state says.
      await fw.records.updateOne('wf_ticket', t.id as string, { queue: null, assignee: agent.username }, { actor: fw.systemActor });
      r = await as.agent('POST', path(t.id, '/assign'), { user: null });
      expect(r.body.data).to.include({ assignee: null, queue: 'triage' });
      const [event] = (await fw.db.knex('sys_event').where({ record_id: t.id, name: 'workflow.assigned' }).orderBy('created_at')).slice(0, 1);
      expect(JSON.parse(event.payload)).to.deep.include({ queue: 'triage', assignee: agent.username, previousAssignee: null });
      const history = await fw.records.history('wf_ticket', t.id as string, { actor: fw.systemActor });
      expect(history.filter((h) => h.field === 'assignee' && h.newValue === agent.username).map((h) => h.changedBy)).to.include(`workflow:assign for ${agent.username}`);
    });

    it('refuses assignments that cannot stand', async () => {
      const t = await create(as.agent);
      expect((await as.agent('POST', path(t.id, '/assign'), { queue: 'no_such_queue' })).status).to.equal(422);
      const r = await as.agent('POST', path(t.id, '/assign'), { user: viewer.username });
      expect(r.status).to.equal(422);
      expect(r.body.errors[0]).to.include({ field: 'user', code: 'not_permitted' });
      expect((await as.agent('POST', path(t.id, '/assign'), { user: other.username })).body.errors[0].code).to.equal('not_permitted');
      expect((await as.viewer('POST', path(t.id, '/assign'), { user: '@me' })).status).to.equal(403);
      expect((await as.other('POST', path(t.id, '/assign'), { user: '@me' })).status).to.equal(404);
      expect((await as.agent('POST', path(t.id, '/assign'), {})).status).to.equal(400);
      expect((await as.agent('POST', path(t.id, '/assign'), { user: 42 })).status).to.equal(400);
    });

    it('holds any write of the assignee field to the same rule: a PATCH cannot assign around the assign API', async () => {
      const t = await create(as.agent);
      const patch = (assignee: string) => as.agent('PATCH', path(t.id), { assignee });
      const unknown = await patch('nobody.here');
      expect(unknown.status).to.equal(422);
      expect(unknown.body.errors).to.deep.equal([{ field: 'assignee', code: 'unknown_user', message: 'There is no active user "nobody.here".' }]);
      expect((await patch(viewer.username)).body.errors[0]).to.include({ field: 'assignee', code: 'not_permitted' });
      expect((await patch(other.username)).body.errors[0]).to.include({ field: 'assignee', code: 'not_permitted' });
      expect((await read(fw, t.id)).assignee).to.equal(null);
      const ok = await patch(agent2.username);
      expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
      expect((await read(fw, t.id)).assignee).to.equal(agent2.username);
    });

    it('lists a queue\'s records with list filtering, sorting and paging, scoped by the records\' access', async () => {
      const mineA = [];
      for (const [i, p] of ['1', '2', '3', '1'].entries()) mineA.push(await create(as.agent, { title: `Q${i}`, priority: p, category: 'queue-test' }));
      const theirs = await create(as.other, { title: 'QB', priority: '1', category: 'queue-test' });
      const filter = encodeURIComponent(JSON.stringify({ fact: 'category', operator: 'equal', value: 'queue-test' }));
      let r = await as.agent('GET', `/api/queues/triage/items?filter=${filter}&sort=-title&limit=2&offset=1`);
      expect(r.status).to.equal(200);
      expect(r.body.meta).to.deep.equal({ total: 4, totalKind: 'exact', limit: 2, offset: 1, table: 'wf_ticket' });
      expect(r.body.data.map((x: { title: string }) => x.title)).to.deep.equal(['Q2', 'Q1']);
      r = await as.other('GET', `/api/queues/triage/items?filter=${filter}`);
      expect(r.body.data.map((x: { id: string }) => x.id)).to.deep.equal([theirs.id]);
      r = await as.admin('GET', `/api/queues/triage/items?filter=${filter}&total=true&fields=title,priority`);
      expect(r.body.meta.total).to.equal(5);
      expect(Object.keys(r.body.data[0]).sort()).to.deep.equal(['id', 'priority', 'title', 'version']);
      // Personal queue.
      await as.agent('POST', path(mineA[0]!.id, '/assign'), { user: '@me' });
      r = await as.agent('GET', '/api/queues/@me/items');
      expect(r.body.data.map((x: { id: string }) => x.id)).to.include(mineA[0]!.id);
      expect(r.body.data.every((x: { assignee: string }) => x.assignee === agent.username)).to.equal(true);
      // Queues a person does not see, and bad parameters.
      expect((await as.other('GET', '/api/queues/a_desk/items')).status).to.equal(404);
      expect((await as.agent('GET', '/api/queues/a_desk/items')).status).to.equal(200);
      expect((await as.agent('GET', '/api/queues/triage/items?colour=red')).status).to.equal(400);
      expect((await as.agent('GET', '/api/queues/triage/items?table=wf_followup')).status).to.equal(400);
      expect((await as.agent('GET', `/api/queues/triage/items?filter=${encodeURIComponent('{"fact":"colour","operator":"equal","value":1}')}`)).status).to.equal(400);
    });
  });
});
