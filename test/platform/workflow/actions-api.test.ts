/**
 * GET /api/tables/:table/:id/actions: what a person may do with a record now — transitions, assign (and whether
 * "Assign to me" would succeed), move (the queues they may route it to), edit, delete and copy — and, for each case,
 * that the action itself answers the same way (offered: it succeeds; not offered: it is refused with the reason).
 * The workflow test pack with the core pack beside it, so another pack's queues exist. On SQLite and PostgreSQL.
 */
import { expect } from 'chai';
import { createQueue, setQueueMember } from '../../../platform/workflow/index.js';
import { serve, type RunningServer } from '../../support/auth.js';
import { packRoot, steppingClock, type TestEngine } from '../../support/engine.js';
import { apiClient, PACK, person, workflowEngine, type Call } from './support.js';

describe('workflow: the actions a person may take on a record (API)', () => {
  let fw: TestEngine;
  let server: RunningServer;
  const clock = steppingClock('2026-11-23T10:00:00.000Z');
  let as: Record<'agent' | 'member' | 'viewer' | 'customer' | 'admin' | 'coreAdmin' | 'nobody', Call>;

  before(async () => {
    fw = await workflowEngine({ clock, roots: [packRoot('core'), PACK] });
    const agent = await person(fw, ['wf_agent'], 'ORG_A');
    const member = await person(fw, ['wf_agent'], 'ORG_A');
    const viewer = await person(fw, ['wf_viewer'], 'ORG_A');
    // Raises tickets in its own organisation; the desk that works them belongs to another.
    const customer = await person(fw, ['wf_agent'], 'ORG_C');
    const admin = await person(fw, ['wf_admin'], 'ORG_A');
    const coreAdmin = await person(fw, ['admin'], 'ORG_A');
    const nobody = await person(fw, ['catalog_requester'], 'ORG_A');
    const deskAgent = await person(fw, ['wf_viewer'], 'ORG_DCC');
    await person(fw, ['wf_viewer'], 'ORG_B');
    await createQueue(fw, fw.systemActor, { name: 'experts', label: 'Experts' });
    await setQueueMember(fw, fw.systemActor, 'experts', member.username, true);
    await createQueue(fw, fw.systemActor, { name: 'b_desk', label: 'Desk B', org: 'ORG_B' });
    await createQueue(fw, fw.systemActor, { name: 'dcc_desk', label: 'Central desk', org: 'ORG_DCC' });
    await setQueueMember(fw, fw.systemActor, 'dcc_desk', admin.username, true);
    await setQueueMember(fw, fw.systemActor, 'dcc_desk', deskAgent.username, true);
    server = await serve(fw);
    as = {
      agent: await apiClient(fw, server, agent), member: await apiClient(fw, server, member), viewer: await apiClient(fw, server, viewer),
      customer: await apiClient(fw, server, customer), admin: await apiClient(fw, server, admin),
      coreAdmin: await apiClient(fw, server, coreAdmin), nobody: await apiClient(fw, server, nobody),
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
  const actions = async (call: Call, id: unknown) => {
    const r = await call('GET', path(id, '/actions'));
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    return r.body.data;
  };
  const transitionNames = (a: { transitions: { name: string }[] }) => a.transitions.map((t) => t.name);

  it('offers "Assign to me" to a member of the record\'s queue, not to a non-member, and the assign API agrees', async () => {
    const t = await create(as.agent);
    await fw.records.updateOne('wf_ticket', String(t.id), { queue: 'experts' }, { actor: fw.systemActor });
    const outsider = await actions(as.agent, t.id);
    expect(outsider.queue).to.deep.equal({ name: 'experts', label: 'Experts' });
    expect(outsider.assign).to.deep.include({ toMe: false, unassign: false });
    expect(outsider.assign.toMeRefused).to.be.a('string').and.include('Experts');
    const refused = await as.agent('POST', path(t.id, '/assign'), { user: '@me' });
    expect(refused.status).to.equal(422);
    expect(refused.body.errors[0]).to.include({ field: 'user', code: 'not_member' });

    const inside = await actions(as.member, t.id);
    expect(inside.assign).to.deep.equal({ toMe: true, toMeRefused: null, unassign: false });
    const taken = await as.member('POST', path(t.id, '/assign'), { user: '@me' });
    expect(taken.status).to.equal(200);
    expect((await actions(as.member, t.id)).assign).to.deep.include({ toMe: false, unassign: true });
  });

  it('offers no assign or move to someone outside the queue\'s organisation, and the assign API refuses them', async () => {
    const t = await create(as.customer);
    await fw.records.updateOne('wf_ticket', String(t.id), { queue: 'dcc_desk' }, { actor: fw.systemActor });
    const mine = await actions(as.customer, t.id);
    expect(mine).to.deep.include({ assign: null, move: null });
    // They still see where it is, by its label.
    expect(mine.queue).to.deep.equal({ name: 'dcc_desk', label: 'Central desk' });
    expect((await as.customer('POST', path(t.id, '/assign'), { user: '@me' })).body.code).to.equal('forbidden');
    expect((await as.customer('POST', path(t.id, '/assign'), { queue: 'triage' })).status).to.equal(403);
    // The desk's administrator may.
    const desk = await actions(as.admin, t.id);
    expect(desk.assign).to.deep.include({ toMe: true });
    expect(desk.move.queues.map((q: { name: string }) => q.name)).to.include('triage');
  });

  it('lists as move targets only the queues that serve the table and that the person sees, never the current one', async () => {
    const t = await create(as.agent);
    expect(t.queue).to.equal('triage');
    const moves = (await actions(as.agent, t.id)).move.queues as { name: string; label: string }[];
    const offered = moves.map((q) => q.name);
    // The ticket workflow's queues and a queue no workflow names (it serves every table keeping queues).
    expect(offered).to.include.members(['netops', 'delivery', 'archive', 'experts']);
    // Not the current queue, not another pack's queues (the core task workflow's), not another organisation's.
    expect(offered).to.not.include.members(['triage']);
    expect(offered.filter((n) => ['service_desk', 'major_incidents', 'b_desk', 'dcc_desk', '@me'].includes(n))).to.deep.equal([]);
    expect(moves.find((q) => q.name === 'experts')!.label).to.equal('Experts');
    // The assign API refuses what is not offered, and takes what is.
    const otherPack = await as.agent('POST', path(t.id, '/assign'), { queue: 'service_desk' });
    expect(otherPack.status).to.equal(422);
    expect(otherPack.body.errors[0]).to.include({ field: 'queue', code: 'queue_not_for_table' });
    const otherOrg = await as.agent('POST', path(t.id, '/assign'), { queue: 'b_desk' });
    expect(otherOrg.status).to.equal(422);
    expect(otherOrg.body.errors[0]).to.include({ field: 'queue', code: 'unknown_queue' });
    expect((await as.agent('POST', path(t.id, '/assign'), { queue: 'netops' })).status).to.equal(200);
  });

  it('does not offer a transition whose condition fails; asking for it is refused with that reason', async () => {
    const t = await create(as.agent, { budget: 500 });
    await as.agent('POST', path(t.id, '/transitions/submit'), {});
    const small = await actions(as.agent, t.id);
    expect(small).to.deep.include({ state: 'open', stateLabel: 'Open' });
    expect(transitionNames(small)).to.include('resolve').and.not.include('big_spend');
    const refused = await as.agent('POST', path(t.id, '/transitions/big_spend'), {});
    expect(refused.status).to.equal(409);
    expect(refused.body).to.include({ code: 'invalid_transition', reason: 'condition' });
    expect(refused.body.allowed.map((a: { name: string }) => a.name)).to.deep.equal(transitionNames(small));
    // A role the person lacks: not offered, refused for that reason.
    expect(transitionNames(small)).to.not.include('lead_park');
    expect((await as.agent('POST', path(t.id, '/transitions/lead_park'), {})).body.reason).to.equal('role');

    await fw.records.updateOne('wf_ticket', String(t.id), { budget: 2000 }, { actor: fw.systemActor });
    expect(transitionNames(await actions(as.agent, t.id))).to.include('big_spend');
    expect((await as.agent('POST', path(t.id, '/transitions/big_spend'), {})).status).to.equal(200);
  });

  it('says whether the person may edit (which fields), delete and copy the record', async () => {
    const t = await create(as.agent);
    const agent = await actions(as.agent, t.id);
    expect(agent.edit.fields).to.include.members(['title', 'priority']).and.not.include.members(['state', 'secret_note']);
    expect(agent.delete).to.equal(false);
    expect(agent.copies).to.deep.equal([]);
    const viewer = await actions(as.viewer, t.id);
    expect(viewer).to.deep.include({ edit: null, delete: false, assign: null, move: null, transitions: [] });
    expect((await as.viewer('PATCH', path(t.id), { title: 'x' })).status).to.equal(403);
    expect((await actions(as.admin, t.id)).delete).to.equal(true);
  });

  it('answers like the record\'s GET: 404 outside the person\'s rows, 403 naming a table they cannot use', async () => {
    const t = await create(as.agent);
    expect((await as.customer('GET', path(t.id, '/actions'))).status).to.equal(404);
    const forbidden = await as.nobody('GET', path(t.id, '/actions'));
    expect(forbidden.status).to.equal(403);
    expect(forbidden.body.code).to.equal('forbidden');
    expect(forbidden.body.detail).to.equal('You do not have access to Ticket.');
    expect((await as.agent('GET', '/api/tables/no_such_table/018f0000-0000-7000-8000-000000000001/actions')).body.code).to.equal('table_not_found');
    expect((await as.agent('POST', path(t.id, '/actions'))).status).to.equal(405);
  });

  it('lets the core administrator reach a table another pack declares', async () => {
    const t = await create(as.agent);
    expect((await as.coreAdmin('GET', '/api/meta/tables/wf_ticket')).status).to.equal(200);
    expect((await as.coreAdmin('GET', path(t.id))).status).to.equal(200);
    const a = await actions(as.coreAdmin, t.id);
    expect(a.delete).to.equal(true);
    expect(a.edit.fields).to.include('secret_note');
    const meta = await as.nobody('GET', '/api/meta/tables/wf_ticket');
    expect(meta.status).to.equal(403);
    expect(meta.body.detail).to.equal('You do not have access to Ticket.');
  });
});
