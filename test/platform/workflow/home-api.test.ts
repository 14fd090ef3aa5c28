/**
 * GET /api/home: the person's work for the home page — open records assigned to them, their queues with open
 * counts, approval requests waiting for them, SLAs overdue or due soon, and their bookmarks — each read with the
 * person's access (table grants, organisations), with links to the pages listing them in full.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createQueue } from '../../../platform/workflow/index.js';
import { createToken, createUser, serve, type RunningServer } from '../../support/auth.js';
import { CORE_DEFINITIONS, type TestEngine } from '../../support/engine.js';
import { expectProblem, TokenClient } from '../access/api/support.js';
import { apiClient, PACK, person, workflowEngine, type Call } from './support.js';
import { create, slaEngine, type Clock } from './sla/support.js';

type Home = Record<string, any>;

describe('API: the home page\'s work (/api/home)', () => {
  let fw: TestEngine;
  let server: RunningServer;
  let as: Record<'agent' | 'lead' | 'other' | 'otherLead', Call>;
  const ids: Record<string, { id: string; number: string }> = {};
  let otherLeadId: string;

  before(async () => {
    fw = await workflowEngine({ roots: [CORE_DEFINITIONS, PACK] });
    const agent = await person(fw, ['wf_agent'], 'ORG_A');
    const lead = await person(fw, ['wf_lead'], 'ORG_A');
    const other = await person(fw, ['wf_agent'], 'ORG_B');
    const otherLead = await person(fw, ['wf_lead'], 'ORG_B');
    otherLeadId = otherLead.user.id;
    server = await serve(fw);
    as = {
      agent: await apiClient(fw, server, agent), lead: await apiClient(fw, server, lead),
      other: await apiClient(fw, server, other), otherLead: await apiClient(fw, server, otherLead),
    };
    await createQueue(fw, fw.systemActor, { name: 'desk_a', label: 'Desk A', org: 'ORG_A' });
    await createQueue(fw, fw.systemActor, { name: 'desk_b', label: 'Desk B', org: 'ORG_B' });
    for (const [key, who, title] of [['one', 'agent', 'Home one'], ['two', 'agent', 'Home two'], ['three', 'agent', 'Home three'],
      ['theirs', 'other', 'Home theirs']] as const) {
      const r = await as[who]('POST', '/api/tables/wf_ticket', { title });
      expect(r.status).to.equal(201);
      ids[key] = { id: r.body.data.id, number: r.body.data.number };
    }
    for (const [key, who] of [['one', 'agent'], ['two', 'agent'], ['theirs', 'other']] as const) {
      expect((await as[who]('POST', `/api/tables/wf_ticket/${ids[key]!.id}/assign`, { user: '@me' })).status).to.equal(200);
    }
    // Two resolved (closed): no longer open work; three sent for a lead's approval.
    expect((await as.agent('POST', `/api/tables/wf_ticket/${ids.two!.id}/transitions/submit`, {})).status).to.equal(200);
    const resolved = await as.agent('POST', `/api/tables/wf_ticket/${ids.two!.id}/transitions/resolve`, { fields: { resolution: 'Fixed' }, comment: 'Done' });
    expect(resolved.status).to.equal(200);
    expect((await as.agent('POST', `/api/tables/wf_ticket/${ids.three!.id}/transitions/submit`, {})).status).to.equal(200);
    expect((await as.agent('POST', `/api/tables/wf_ticket/${ids.three!.id}/transitions/ask_any`, {})).status).to.equal(200);
  });
  after(async () => {
    await server?.close();
    await fw?.dispose();
  });

  const home = async (who: Call): Promise<Home> => {
    const r = await who('GET', '/api/home');
    expect(r.status).to.equal(200);
    return r.body.data;
  };

  it('counts the open records assigned to the person and lists the newest, linking to their queue page', async () => {
    const data = await home(as.agent);
    expect(data.assigned.count).to.equal(1);
    expect(data.assigned.link).to.equal('/queues/@me');
    expect(data.assigned.tables).to.have.length(1);
    const [t] = data.assigned.tables;
    expect(t).to.deep.include({ table: 'wf_ticket', label: 'Ticket', count: 1, link: '/queues/@me?table=wf_ticket' });
    expect(t.items).to.have.length(1);
    expect(t.items[0]).to.include({ id: ids.one!.id, number: ids.one!.number, display: 'Home one', link: `/tables/wf_ticket/${ids.one!.id}` });
    expect(t.items[0].at).to.be.a('string');
    // Another organisation's person sees only their own.
    const theirs = await home(as.other);
    expect(theirs.assigned.count).to.equal(1);
    expect(theirs.assigned.tables[0].items.map((i: any) => i.id)).to.deep.equal([ids.theirs!.id]);
  });

  it('lists the person\'s queues with open counts of records they can read, in their organisations only', async () => {
    const mine = (await home(as.agent)).queues;
    const byName = new Map(mine.map((q: any) => [q.name, q]));
    // One draft and one awaiting approval; the resolved one left for the archive.
    // A queue only the workflow names (no data file labels it) reads as its name in words.
    expect(byName.get('triage')).to.deep.include({ label: 'Triage', count: 2, link: '/queues/triage' });
    expect(byName.get('desk_a')).to.deep.include({ label: 'Desk A', link: '/queues/desk_a' });
    expect(byName.has('desk_b')).to.equal(false);
    expect(byName.has('@me')).to.equal(false);
    const theirs = new Map((await home(as.other)).queues.map((q: any) => [q.name, q]));
    expect((theirs.get('triage') as any).count).to.equal(1);
    expect(theirs.has('desk_a')).to.equal(false);
    expect(theirs.has('desk_b')).to.equal(true);
  });

  it('counts the approval requests waiting for the person on records they can read', async () => {
    const lead = (await home(as.lead)).approvals;
    expect(lead.count).to.equal(1);
    expect(lead.link).to.equal('/approvals');
    expect(lead.items).to.have.length(1);
    expect(lead.items[0]).to.include({
      table: 'wf_ticket', tableLabel: 'Ticket', id: ids.three!.id, number: ids.three!.number, display: 'Home three',
      approval: 'any_lead', link: `/tables/wf_ticket/${ids.three!.id}`,
    });
    // A request left for someone who cannot read the record (here: another organisation's lead) is not counted.
    const [row] = await fw.db.knex('sys_approval').where({ record_id: ids.three!.id }).select('*');
    await fw.db.knex('sys_approval').insert({ ...row, id: randomUUID(), approver_id: otherLeadId, approver_name: 'someone else' });
    expect((await home(as.otherLead)).approvals).to.deep.equal({ count: 0, items: [], link: '/approvals' });
    expect((await home(as.agent)).approvals.count).to.equal(0);
  });

  it('shows the parts the person\'s roles declare, in order, and what they changed lately', async () => {
    const agent = await home(as.agent);
    // No role of theirs declares a home: every part.
    expect(agent.parts).to.deep.equal(['assigned', 'approvals', 'slas', 'queues', 'recent', 'bookmarks']);
    // Their three tickets (and what their transitions created as them), never another's.
    const recent = agent.recent.map((i: any) => i.id);
    expect(recent).to.include.members([ids.one!.id, ids.two!.id, ids.three!.id]).and.not.include(ids.theirs!.id);
    expect(agent.recent[0]).to.include({ table: 'wf_ticket', tableLabel: 'Ticket', link: `/tables/wf_ticket/${agent.recent[0].id}` });
    const times = agent.recent.map((i: any) => i.at);
    expect(times).to.deep.equal([...times].sort().reverse());
    // The other organisation's person: their own change only.
    expect((await home(as.other)).recent.map((i: any) => i.id)).to.deep.equal([ids.theirs!.id]);
    const viewerUser = await person(fw, ['wf_viewer'], 'ORG_A');
    const viewer = await home(await apiClient(fw, server, viewerUser));
    expect(viewer.parts).to.deep.equal(['recent', 'bookmarks']);
    expect(viewer).to.deep.include({ recent: [], queues: [] });
    expect(viewer.assigned.count).to.equal(0);
  });

  it('returns the person\'s bookmarks, newest first', async () => {
    expect((await home(as.agent)).bookmarks).to.deep.equal([]);
    const r = await as.agent('POST', '/api/profile/bookmarks', { title: 'My tickets', url: '/tables/wf_ticket' });
    expect(r.status).to.equal(201);
    const marks = (await home(as.agent)).bookmarks;
    expect(marks.map((b: any) => [b.title, b.url])).to.deep.equal([['My tickets', '/tables/wf_ticket']]);
    expect((await home(as.other)).bookmarks).to.deep.equal([]);
  });

  it('refuses other methods, unknown parameters and callers without a session', async () => {
    const post = await as.agent('POST', '/api/home', {});
    expect(post.status).to.equal(405);
    expect(post.body.code).to.equal('method_not_allowed');
    const query = await as.agent('GET', '/api/home?colour=red');
    expect(query.status).to.equal(400);
    expect(query.body.code).to.equal('invalid_query');
    const anonymous = await fetch(`${server.url}/api/home`);
    expect(anonymous.status).to.equal(401);
    expect((await anonymous.json()).code).to.equal('unauthenticated');
  });
});

describe('API: SLAs on the home page (/api/home)', () => {
  let fw: TestEngine;
  let clock: Clock;
  let server: RunningServer;
  let a: TokenClient;
  let b: TokenClient;
  const ids: Record<string, string> = {};

  before(async () => {
    ({ fw, clock } = await slaEngine());
    fw.config.scryptLog2N = 10;
    server = await serve(fw);
    const ua = await createUser(fw, { roles: ['team_a'], org: 'SLA' });
    const ub = await createUser(fw, { roles: ['team_b'], org: 'SLA' });
    a = new TokenClient(server.url, await createToken(fw, ua.username));
    b = new TokenClient(server.url, await createToken(fw, ub.username));
    clock.set('2026-11-23T09:00:00.000Z'); // Monday: due 17:00
    ids.early = (await create(fw, 'ticket', { title: 'Early A', team: 'a' })).id as string;
    ids.earlyB = (await create(fw, 'ticket', { title: 'Early B', team: 'b' })).id as string;
  });
  after(async () => {
    await server?.close();
    await fw?.dispose();
  });

  it('lists SLAs due soon, then overdue, of records the person can read', async () => {
    clock.set('2026-11-23T16:00:00.000Z');
    let body = await a.ok('GET', '/api/home', undefined, 200);
    expect(body.data.slas.overdue).to.deep.equal([]);
    expect(body.data.slas.upcoming.map((s: any) => [s.id, s.display, s.at, s.label, s.link])).to.deep.equal([
      [ids.early, 'Early A', '2026-11-23T17:00:00.000Z', 'Resolve within 8 working hours', `/tables/ticket/${ids.early}`],
    ]);
    expect(body.data.slas.upcoming[0]).to.include({ tableLabel: 'Ticket', breached: false });
    expect(body.data.slas.upcoming[0].number).to.match(/^TKT\d+$/);
    expect(body.data.slas).to.include({ moreOverdue: false, moreUpcoming: false });

    clock.set('2026-11-23T18:00:00.000Z');
    body = await a.ok('GET', '/api/home', undefined, 200);
    expect(body.data.slas.upcoming).to.deep.equal([]);
    expect(body.data.slas.overdue.map((s: any) => s.id)).to.deep.equal([ids.early]);
    body = await b.ok('GET', '/api/home', undefined, 200);
    expect(body.data.slas.overdue.map((s: any) => s.id)).to.deep.equal([ids.earlyB]);
  });

  it('answers a problem for a bad request', async () => {
    expectProblem(await a.get('/api/home?limit=5'), 400, 'invalid_query');
  });
});
