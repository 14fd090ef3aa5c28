/**
 * The SSI incident pack through GET …/actions: the service user who raised an incident is offered no assignment
 * and no move (the desk's queue belongs to the DCC), the desk agent in the queue is offered "Assign to me" and the
 * pack's resolver groups (never the core pack's queues), and the core administrator reaches the pack's table and
 * every organisation's incidents. A person without access to a declared table is told so. On SQLite and PostgreSQL.
 */
import { expect } from 'chai';
import { setQueueMember } from '../../../platform/workflow/index.js';
import { serve, type RunningServer } from '../../support/auth.js';
import { packRoot, type TestEngine } from '../../support/engine.js';
import { apiClient, person, workflowEngine, type Call } from '../../platform/workflow/support.js';

const TABLE = '/api/tables/ssi_incident';
const CONTACT = { requester_first_name: 'Ada', requester_last_name: 'Lovelace', requester_phone: '020 7946 0001', requester_email: 'ada@supplier-a.test' };

describe('SSI incident pack: the actions offered on an incident (API)', () => {
  let fw: TestEngine;
  let server: RunningServer;
  let as: Record<'raiser' | 'desk' | 'admin', Call>;
  let id: string;

  before(async () => {
    fw = await workflowEngine({ roots: [packRoot('core'), packRoot('ssi')] });
    const raiser = await person(fw, ['ssi_service_management_user'], 'SUPPLIER_A');
    const desk = await person(fw, ['ssi_service_desk_agent'], 'DCC');
    const admin = await person(fw, ['admin'], 'MAIN');
    for (const q of ['ssi_service_desk', 'ssi_premises_resolvers', 'ssi_comms_hub_resolvers']) {
      await setQueueMember(fw, fw.systemActor, q, desk.username, true);
    }
    server = await serve(fw);
    as = {
      raiser: await apiClient(fw, server, raiser), desk: await apiClient(fw, server, desk), admin: await apiClient(fw, server, admin),
    };
    const r = await as.raiser('POST', TABLE, { ...CONTACT, category: 'general', summary: 'Hub not responding', details: 'No response since Monday.' });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    id = r.body.data.id as string;
  });
  after(async () => {
    await server?.close();
    await fw?.dispose();
  });

  const actions = async (call: Call) => {
    const r = await call('GET', `${TABLE}/${id}/actions`);
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    return r.body.data;
  };

  it('offers the service user no assignment and no move, and the assign API refuses them', async () => {
    const mine = await actions(as.raiser);
    expect(mine).to.deep.include({ assign: null, move: null, state: 'new' });
    expect(mine.queue).to.deep.equal({ name: 'ssi_service_desk', label: 'DCC service desk' });
    expect(mine.transitions.map((t: { name: string }) => t.name)).to.not.include.members(['assign', 'resolve']);
    const refused = await as.raiser('POST', `${TABLE}/${id}/assign`, { user: '@me' });
    expect(refused.status).to.equal(403);
    expect(refused.body.code).to.equal('forbidden');
  });

  it('offers the desk agent "Assign to me" and the pack\'s resolver groups, never another pack\'s queues', async () => {
    const desk = await actions(as.desk);
    expect(desk.assign).to.deep.include({ toMe: true });
    const queues = desk.move.queues.map((q: { name: string }) => q.name);
    expect(queues).to.include.members(['ssi_premises_resolvers', 'ssi_comms_hub_resolvers']);
    expect(queues.filter((q: string) => ['ssi_service_desk', 'service_desk', 'major_incidents'].includes(q))).to.deep.equal([]);
    expect(desk.transitions.map((t: { name: string }) => t.name)).to.include('assign');
  });

  it('lets the core administrator reach the pack\'s table and every organisation\'s incidents', async () => {
    expect((await as.admin('GET', '/api/meta/tables/ssi_incident')).status).to.equal(200);
    const list = await as.admin('GET', TABLE);
    expect(list.status).to.equal(200);
    expect(list.body.data.map((r: { id: string }) => r.id)).to.include(id);
    expect((await actions(as.admin)).delete).to.equal(true);
  });

  it('tells a person without access to a declared table so, and keeps unknown tables unknown', async () => {
    const r = await as.raiser('GET', '/api/meta/tables/task');
    expect(r.status).to.equal(403);
    expect(r.body).to.include({ code: 'forbidden', detail: 'You do not have access to Tasks.' });
    expect((await as.raiser('GET', '/api/tables/task')).body.code).to.equal('forbidden');
    expect((await as.raiser('GET', '/api/meta/tables/no_such_table')).body.code).to.equal('table_not_found');
  });
});
