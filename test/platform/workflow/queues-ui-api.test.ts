/**
 * What the queue pages of the UI need of the API: the tables each queue holds records of, their open-record counts
 * (access-scoped), one queue by name, and text search over a queue's records (`q`), on the workflow test pack and
 * the core task workflow together (two tables keeping queues).
 */
import { expect } from 'chai';
import { createQueue } from '../../../platform/workflow/index.js';
import { serve, type RunningServer } from '../../support/auth.js';
import { packRoot, type TestEngine } from '../../support/engine.js';
import { apiClient, PACK, person, workflowEngine, type Call, type Person } from './support.js';

type Summary = { name: string; tables: { name: string; label: string; count?: number }[]; count?: number };

describe('workflow: queue API for the queue pages', () => {
  let fw: TestEngine;
  let server: RunningServer;
  let agent: Person;
  let ticketAgent: Person;
  let other: Person;
  let as: Record<'agent' | 'ticketAgent' | 'other', Call>;

  before(async () => {
    fw = await workflowEngine({ roots: [packRoot('core'), PACK] });
    agent = await person(fw, ['agent', 'wf_agent'], 'ORG_A');
    ticketAgent = await person(fw, ['wf_agent'], 'ORG_A');
    other = await person(fw, ['wf_agent'], 'ORG_B');
    server = await serve(fw);
    as = {
      agent: await apiClient(fw, server, agent), ticketAgent: await apiClient(fw, server, ticketAgent),
      other: await apiClient(fw, server, other),
    };
    await createQueue(fw, fw.systemActor, { name: 'desk_a', label: 'Desk A', org: 'ORG_A' });
  });
  after(async () => {
    await server?.close();
    await fw?.dispose();
  });

  const find = (list: Summary[], name: string) => list.find((q) => q.name === name)!;

  it('lists the tables each queue holds: a declared queue its workflows\' tables, an organisation queue every readable keeper', async () => {
    const r = await as.agent('GET', '/api/queues');
    expect(r.status).to.equal(200);
    const list = r.body.data as Summary[];
    expect(list[0]).to.deep.include({ name: '@me', personal: true });
    // The agent may read requested items of the service catalogue (the core agent role), which have an assignee too.
    expect(find(list, '@me').tables.map((t) => t.name)).to.deep.equal(['catalog_request_item', 'task', 'wf_ticket']);
    expect(find(list, 'service_desk').tables).to.deep.equal([{ name: 'task', label: 'Tasks' }]);
    expect(find(list, 'triage').tables.map((t) => t.name)).to.deep.equal(['wf_ticket']);
    expect(find(list, 'desk_a').tables.map((t) => t.name)).to.deep.equal(['catalog_request_item', 'task', 'wf_ticket']);
    expect(list.every((q) => q.count === undefined)).to.equal(true);
    // Tables the person cannot read are not offered.
    const theirs = (await as.ticketAgent('GET', '/api/queues')).body.data as Summary[];
    expect(find(theirs, 'desk_a').tables.map((t) => t.name)).to.deep.equal(['wf_ticket']);
    // A shared queue holding nothing they can read is not listed for them (administrators see every queue).
    expect(theirs.map((q) => q.name)).not.to.include('service_desk');
  });

  it('counts the open records of each queue and table the person can read, and answers one queue by name', async () => {
    const mine = [];
    for (const title of ['Count one', 'Count two', 'Count three']) {
      const t = await as.agent('POST', '/api/tables/wf_ticket', { title });
      expect(t.status).to.equal(201);
      mine.push(t.body.data);
    }
    await as.other('POST', '/api/tables/wf_ticket', { title: 'Count theirs' });
    await as.agent('POST', '/api/tables/incident', { short_description: 'Counted incident', category: 'hardware' });
    // One of them closed (resolved): not counted.
    await as.agent('POST', `/api/tables/wf_ticket/${mine[2].id}/transitions/submit`, {});
    const resolved = await as.agent('POST', `/api/tables/wf_ticket/${mine[2].id}/transitions/resolve`, { fields: { resolution: 'Fixed' }, comment: 'Done' });
    expect(resolved.status).to.equal(200);
    await as.agent('POST', `/api/tables/wf_ticket/${mine[0].id}/assign`, { user: '@me' });

    const list = (await as.agent('GET', '/api/queues?counts=true')).body.data as Summary[];
    expect(find(list, 'triage')).to.deep.include({ count: 2, tables: [{ name: 'wf_ticket', label: 'Ticket', count: 2 }] });
    expect(find(list, 'service_desk').count).to.equal(1);
    expect(find(list, '@me').tables).to.deep.equal([
      { name: 'catalog_request_item', label: 'Requested items', count: 0 }, { name: 'task', label: 'Tasks', count: 0 },
      { name: 'wf_ticket', label: 'Ticket', count: 1 },
    ]);
    expect(find((await as.other('GET', '/api/queues?counts=true')).body.data, 'triage').count).to.equal(1);

    const one = await as.agent('GET', '/api/queues/triage?counts=true');
    expect(one.status).to.equal(200);
    expect(one.body.data).to.deep.include({ name: 'triage', declared: true, count: 2 });
    expect((await as.agent('GET', '/api/queues/%40me')).body.data).to.deep.include({ name: '@me', personal: true });
    expect((await as.other('GET', '/api/queues/desk_a')).status).to.equal(404);
    expect((await as.agent('GET', '/api/queues/no_such_queue')).status).to.equal(404);
    expect((await as.agent('GET', '/api/queues?counts=maybe')).status).to.equal(400);
    expect((await as.agent('GET', '/api/queues?colour=red')).status).to.equal(400);
  });

  it('finds text in a queue\'s records (searchable fields, case-insensitive), with the other list parameters', async () => {
    for (const title of ['Wobbly SEARCH table', 'Search lamp', 'Nothing to see']) await as.agent('POST', '/api/tables/wf_ticket', { title, category: 'q-test' });
    const filter = encodeURIComponent(JSON.stringify({ fact: 'category', operator: 'equal', value: 'q-test' }));
    let r = await as.agent('GET', `/api/queues/triage/items?table=wf_ticket&q=search&filter=${filter}&sort=title`);
    expect(r.status).to.equal(200);
    expect(r.body.data.map((x: { title: string }) => x.title)).to.deep.equal(['Search lamp', 'Wobbly SEARCH table']);
    expect(r.body.meta.total).to.equal(2);
    // The number is searched too.
    const number = r.body.data[0].number as string;
    r = await as.agent('GET', `/api/queues/triage/items?table=wf_ticket&q=${encodeURIComponent(number.toLowerCase())}`);
    expect(r.body.data.map((x: { number: string }) => x.number)).to.deep.equal([number]);
    // Declared searchable fields of an ancestor serve a table extending it.
    await as.agent('POST', '/api/tables/incident', { short_description: 'Printer jam', description: 'Paper everywhere', category: 'hardware' });
    r = await as.agent('GET', '/api/queues/service_desk/items?table=incident&q=everywhere');
    expect(r.body.data.map((x: { short_description: string }) => x.short_description)).to.deep.equal(['Printer jam']);
    // Access still applies, and bad searches are refused.
    expect((await as.other('GET', `/api/queues/triage/items?table=wf_ticket&q=search&filter=${filter}`)).body.data).to.deep.equal([]);
    expect((await as.agent('GET', `/api/queues/triage/items?table=wf_ticket&q=${'x'.repeat(201)}`)).status).to.equal(400);
    expect((await as.ticketAgent('GET', '/api/queues/service_desk/items?table=task&q=jam')).status).to.equal(403);
  });

  it('answers a queue\'s records with display values on display=true|all, and refuses another display', async () => {
    await as.agent('POST', '/api/tables/incident', { short_description: 'Labelled jam', category: 'hardware' });
    const filter = encodeURIComponent(JSON.stringify({ fact: 'short_description', operator: 'equal', value: 'Labelled jam' }));
    const items = (display: string) => as.agent('GET', `/api/queues/service_desk/items?table=incident&filter=${filter}&display=${display}`);
    let r = await items('true');
    expect(r.status).to.equal(200);
    expect(r.body.data).to.have.length(1);
    expect(r.body.data[0]).to.include({ short_description: 'Labelled jam', state: 'New', category: 'Hardware', class: 'Incident', active: 'Yes' });
    r = await items('all');
    expect(r.body.data[0].state).to.deep.equal({ value: 'new', display: 'New' });
    r = await items('maybe');
    expect([r.status, r.body.code]).to.deep.equal([400, 'invalid_query']);
  });
});
