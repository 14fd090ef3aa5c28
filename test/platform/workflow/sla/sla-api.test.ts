/**
 * SLAs over HTTP (FR-009 alerts): a record's SLAs with elapsed and remaining working time, read-checked through the
 * record service; upcoming and overdue lists holding only SLAs of records the person may read. The router is
 * mounted here as app.ts will mount it (after the actor middleware, before the problem handler).
 */
import { expect } from 'chai';
import express from 'express';
import { actorMiddleware } from '../../../../platform/http/middleware/index.js';
import { problemHandler } from '../../../../platform/http/problem.js';
import { slaRouter } from '../../../../platform/workflow/sla/routes.js';
import { createToken, createUser, listen, type RunningServer } from '../../../support/auth.js';
import type { TestEngine } from '../../../support/engine.js';
import { expectProblem, TokenClient } from '../../access/api/support.js';
import { create, H, slaEngine, update, type Clock } from './support.js';

describe('API: SLAs (/api/tables/:t/:id/slas, /api/slas/upcoming, /api/slas/overdue)', () => {
  let fw: TestEngine;
  let clock: Clock;
  let server: RunningServer;
  let a: TokenClient;
  let b: TokenClient;
  const ids: Record<string, string> = {};

  before(async () => {
    ({ fw, clock } = await slaEngine());
    fw.config.scryptLog2N = 10;
    const app = express();
    const api = express.Router();
    api.use(actorMiddleware(fw));
    api.use(slaRouter(fw));
    app.use('/api', api);
    app.use(problemHandler(fw));
    server = await listen(app);
    const ua = await createUser(fw, { roles: ['team_a'], org: 'SLA' });
    const ub = await createUser(fw, { roles: ['team_b'], org: 'SLA' });
    a = new TokenClient(server.url, await createToken(fw, ua.username));
    b = new TokenClient(server.url, await createToken(fw, ub.username));

    clock.set('2026-11-23T09:00:00.000Z'); // Monday: due 17:00
    ids.early = (await create(fw, 'ticket', { title: 'Early A', team: 'a' })).id as string;
    ids.earlyB = (await create(fw, 'ticket', { title: 'Early B', team: 'b' })).id as string;
    clock.set('2026-11-23T13:00:00.000Z'); // due Tuesday 12:30
    ids.late = (await create(fw, 'ticket', { title: 'Late A', team: 'a' })).id as string;
    clock.set('2026-11-23T14:00:00.000Z');
    await update(fw, 'ticket', ids.late, { state: 'waiting' });
    await update(fw, 'ticket', ids.late, { state: 'in_progress' });
  });
  after(async () => {
    await server?.close();
    await fw?.dispose();
  });

  it('shows a record\'s SLAs with elapsed and remaining working time at now', async () => {
    clock.set('2026-11-23T16:00:00.000Z');
    const body = await a.ok('GET', `/api/tables/ticket/${ids.early}/slas`, undefined, 200);
    expect(body.data).to.have.length(1);
    expect(body.data[0]).to.include({
      sla: 'ticket_resolution', label: 'Resolve within 8 working hours', state: 'active', table: 'ticket', recordId: ids.early,
      elapsedMs: 7 * H, remainingMs: H, percent: 87.5, dueAt: '2026-11-23T17:00:00.000Z', schedule: 'uk_office_hours',
    });
  });

  it('answers 404 for a record the person cannot read, and 400 for unknown parameters', async () => {
    expectProblem(await b.get(`/api/tables/ticket/${ids.early}/slas`), 404, 'not_found');
    expectProblem(await a.get('/api/tables/ticket/not-an-id/slas'), 404, 'not_found');
    expectProblem(await a.get('/api/tables/nope/018f0000-0000-7000-8000-000000000001/slas'), 404, 'table_not_found');
    expectProblem(await a.get('/api/slas/upcoming?within=soon'), 400, 'invalid_query');
    expectProblem(await a.get('/api/slas/upcoming?colour=red'), 400, 'invalid_query');
    expectProblem(await a.get('/api/slas/overdue?limit=0'), 400, 'invalid_query');
  });

  it('lists upcoming SLAs due within the window, only of readable records, soonest first', async () => {
    clock.set('2026-11-23T16:00:00.000Z');
    let body = await a.ok('GET', '/api/slas/upcoming?within=PT4H', undefined, 200);
    expect(body.data.map((s: any) => [s.recordId, s.dueAt, s.display])).to.deep.equal([[ids.early, '2026-11-23T17:00:00.000Z', 'Early A']]);
    expect(body.data[0].number).to.match(/^TKT\d+$/);
    body = await a.ok('GET', '/api/slas/upcoming?within=P1D', undefined, 200);
    expect(body.data.map((s: any) => s.recordId)).to.deep.equal([ids.early, ids.late]);
    body = await b.ok('GET', '/api/slas/upcoming?within=P1D', undefined, 200);
    expect(body.data.map((s: any) => s.recordId)).to.deep.equal([ids.earlyB]);
    body = await a.ok('GET', '/api/slas/upcoming?within=PT4H&table=complaint', undefined, 200);
    expect(body.data).to.deep.equal([]);
  });

  it('lists overdue SLAs with how far over they are', async () => {
    clock.set('2026-11-24T09:30:00.000Z');
    const body = await a.ok('GET', '/api/slas/overdue', undefined, 200);
    expect(body.data.map((s: any) => [s.recordId, s.remainingMs])).to.deep.equal([[ids.early, -H]]);
    const other = await b.ok('GET', '/api/slas/overdue?limit=10', undefined, 200);
    expect(other.data.map((s: any) => s.recordId)).to.deep.equal([ids.earlyB]);
  });
});
