/**
 * The core pack's task workflow (definitions/core/workflows/task.json) on its incident table, through the HTTP API
 * with an API token: new work is routed to its queue by priority, moves through start, hold, resolve and close with
 * the fields each transition requires, and shortcuts (PATCH of the state) are refused with the allowed transitions.
 */
import { expect } from 'chai';
import { serve, type RunningServer } from '../../support/auth.js';
import { packRoot, type TestEngine } from '../../support/engine.js';
import { apiClient, person, workflowEngine, type Call } from '../../platform/workflow/support.js';

describe('core pack: the incident lifecycle over HTTP', () => {
  let fw: TestEngine;
  let server: RunningServer;
  let call: Call;

  before(async () => {
    fw = await workflowEngine({ roots: [packRoot('core')] });
    const agent = await person(fw, ['agent'], 'CORE');
    server = await serve(fw);
    call = await apiClient(fw, server, agent);
  });
  after(async () => {
    await server?.close();
    await fw?.dispose();
  });

  it('routes new work to its queue, moves it through start, hold, resolve and close, and refuses shortcuts', async () => {
    const created = await call('POST', '/api/tables/incident', { short_description: 'VPN down', category: 'connectivity' });
    expect(created.body.data).to.include({ state: 'new', assignment_group: 'service_desk', assigned_to: null });
    const p1 = await call('POST', '/api/tables/incident', { short_description: 'Site down', category: 'connectivity', priority: '1' });
    expect(p1.body.data).to.include({ assignment_group: 'major_incidents' });
    const id = created.body.data.id;
    const patch = await call('PATCH', `/api/tables/incident/${id}`, { state: 'resolved' });
    expect(patch.status).to.equal(409);
    expect(patch.body.allowed.map((a: { name: string }) => a.name)).to.deep.equal(['start', 'hold', 'resolve']);
    expect((await call('POST', `/api/tables/incident/${id}/transitions/start`, {})).body.data.state).to.equal('in_progress');
    const hold = await call('POST', `/api/tables/incident/${id}/transitions/hold`, {});
    expect(hold.status).to.equal(422);
    expect(hold.body.errors).to.deep.equal([{ field: 'comment', code: 'required', message: 'A comment is needed to make the "Put on hold" transition.' }]);
    expect((await call('POST', `/api/tables/incident/${id}/transitions/hold`, { comment: 'Waiting for the caller' })).body.data.state).to.equal('on_hold');
    expect((await call('POST', `/api/tables/incident/${id}/transitions/resume`, {})).body.data.state).to.equal('in_progress');
    const resolve = await call('POST', `/api/tables/incident/${id}/transitions/resolve`, {});
    expect(resolve.body.errors.map((e: { field: string }) => e.field)).to.deep.equal(['close_notes']);
    const resolved = await call('POST', `/api/tables/incident/${id}/transitions/resolve`, { fields: { close_notes: 'Restarted the concentrator' } });
    expect(resolved.body.data).to.include({ state: 'resolved' });
    expect(resolved.body.data.resolved_at).to.be.a('string');
    const closed = await call('POST', `/api/tables/incident/${id}/transitions/close`, {});
    expect(closed.body.data).to.include({ state: 'closed', active: false });
    const after = await call('GET', `/api/tables/incident/${id}/transitions`);
    expect(after.body.data).to.deep.equal({ state: 'closed', stateLabel: 'Closed', transitions: [] });
    const comments = await call('GET', `/api/tables/incident/${id}/journal?field=comments`);
    expect(comments.body.data.map((c: { body: string }) => c.body)).to.include('Waiting for the caller');
  });
});
