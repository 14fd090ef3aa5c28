/**
 * The jobs API's HTTP contract (platform/jobs/routes.ts, mounted by createApp when the engine has `jobs`): status
 * codes, bodies, `Location`, problem+json and the mapping of the service's errors (403 / 404 / 405 / 409 / 422).
 *
 * The runner is NOT under test here. The engine's `jobs` is replaced by {@link StandInJobService}, a small in-memory
 * JobService that exists only so the routes can be exercised on their own; what the real runner does (cron
 * validation, overrides, runs, cancellation) is tested against the runner itself.
 */
import { expect } from 'chai';
import type { Formwork } from '../../../platform/context.js';
import { fail } from '../../../platform/errors.js';
import { createApp } from '../../../platform/http/app.js';
import type { JobPatch, JobRunView, JobService, JobView } from '../../../platform/jobs/types.js';
import type { Actor } from '../../../platform/records/types.js';
import { createIdentityEngine, createToken, createUser, listen, type RunningServer } from '../../support/auth.js';
import type { TestEngine } from '../../support/engine.js';
import { expectProblem, TokenClient } from '../access/api/support.js';

/** A stand-in for the runner, for the HTTP contract only: fixed jobs in memory, errors as the runner raises them. */
class StandInJobService implements JobService {
  readonly calls: { method: string; actor: string; args: unknown[] }[] = [];
  #jobs = new Map<string, JobView>();
  #runs = new Map<string, JobRunView>();
  #next = 1;

  constructor() {
    this.#jobs.set('tidy_up', {
      name: 'tidy_up', label: 'Tidy up', description: 'Closes what is left open.', type: 'sweep', schedule: '0 2 * * *',
      scheduleText: 'Every day at 02:00', timeZone: 'Europe/London', enabled: true,
      parameters: [{ name: 'days', label: 'Days', type: 'integer', default: 30, value: 30 }],
      nextRunAt: '2026-12-08T02:00:00.000Z', lastRun: null, overridden: false,
    });
  }

  #log(method: string, actor: Actor, ...args: unknown[]) {
    this.calls.push({ method, actor: actor.username, args });
  }

  #job(name: string): JobView {
    return this.#jobs.get(name) ?? fail('not_found', `There is no job "${name}".`);
  }

  async list(actor: Actor) {
    this.#log('list', actor);
    return [...this.#jobs.values()];
  }

  async get(actor: Actor, name: string) {
    this.#log('get', actor, name);
    return this.#job(name);
  }

  async update(actor: Actor, name: string, patch: JobPatch) {
    this.#log('update', actor, name, patch);
    const job = this.#job(name);
    const errors = [];
    if (patch.schedule !== undefined && patch.schedule.split(' ').length < 5) {
      errors.push({ field: 'schedule', code: 'invalid', message: 'Schedule must be a cron expression of five or six fields.' });
    }
    for (const key of Object.keys(patch.parameters ?? {})) {
      if (!job.parameters.some((p) => p.name === key)) errors.push({ field: `parameters.${key}`, code: 'unknown_field', message: `There is no parameter "${key}".` });
    }
    if (errors.length) fail('validation_failed', errors.map((e) => e.message).join(' '), { fieldErrors: errors });
    const changed = { ...job, overridden: true };
    if (patch.schedule) changed.schedule = patch.schedule;
    if (patch.enabled !== undefined) changed.enabled = patch.enabled;
    this.#jobs.set(name, changed);
    return changed;
  }

  async runNow(actor: Actor, name: string) {
    this.#log('runNow', actor, name);
    const job = this.#job(name);
    const run: JobRunView = {
      id: `run-${this.#next++}`, job: name, jobLabel: job.label, fireAt: null, trigger: 'manual', attempt: 1, status: 'running',
      startedAt: '2026-12-07T10:00:00.000Z', finishedAt: null, durationMs: null, counts: { examined: 0, changed: 0, failed: 0 },
      progress: { done: 0, total: null }, error: null, startedBy: actor.username,
    };
    this.#runs.set(run.id, run);
    return run;
  }

  async runs(actor: Actor, name: string, options?: { limit?: number; before?: string }) {
    this.#log('runs', actor, name, options);
    this.#job(name);
    return [...this.#runs.values()].filter((r) => r.job === name).reverse().slice(0, options?.limit ?? 20);
  }

  async run(actor: Actor, id: string) {
    this.#log('run', actor, id);
    return this.#runs.get(id) ?? fail('not_found', `There is no run "${id}".`);
  }

  async cancel(actor: Actor, id: string) {
    this.#log('cancel', actor, id);
    const run = await this.run(actor, id);
    if (run.status !== 'running') fail('invalid_state', 'The run has finished: there is nothing to cancel.');
    const cancelled = { ...run, status: 'cancelled' as const, finishedAt: '2026-12-07T10:00:05.000Z', durationMs: 5000, progress: null };
    this.#runs.set(id, cancelled);
    return cancelled;
  }
}

describe('API: scheduled jobs (/api/jobs), HTTP contract against a stand-in service', () => {
  let fw: TestEngine;
  let server: RunningServer;
  let service: StandInJobService;
  let admin: TokenClient;
  let agent: TokenClient;

  before(async () => {
    ({ fw } = await createIdentityEngine());
    service = new StandInJobService();
    // The engine as the app sees it, with the stand-in as its job runner (whatever the engine has of its own).
    const withStandIn = Object.create(fw, { jobs: { value: service } }) as Formwork;
    server = await listen(createApp(withStandIn));
    const a = await createUser(fw, { roles: ['admin'], org: 'JOBS' });
    const g = await createUser(fw, { roles: ['agent'], org: 'JOBS' });
    admin = new TokenClient(server.url, await createToken(fw, a.username));
    agent = new TokenClient(server.url, await createToken(fw, g.username));
  });
  after(async () => {
    await server?.close();
    await fw?.dispose();
  });

  it('lists the jobs and shows one, as the service answers them, for the administrator', async () => {
    const list = await admin.ok('GET', '/api/jobs', undefined, 200);
    expect(list.data.map((j: JobView) => j.label)).to.deep.equal(['Tidy up']);
    const one = await admin.ok('GET', '/api/jobs/tidy_up', undefined, 200);
    expect(one.data).to.include({ name: 'tidy_up', scheduleText: 'Every day at 02:00', enabled: true });
    expect(service.calls.at(-1)).to.deep.include({ method: 'get', args: ['tidy_up'] });
  });

  it('refuses everyone without the jobs capability with 403 forbidden, before the service is asked', async () => {
    const before = service.calls.length;
    for (const [method, path, body] of [
      ['GET', '/api/jobs'], ['GET', '/api/jobs/tidy_up'], ['PATCH', '/api/jobs/tidy_up', { enabled: false }],
      ['POST', '/api/jobs/tidy_up/run', {}], ['GET', '/api/jobs/tidy_up/runs'], ['GET', '/api/jobs/runs/run-1'],
      ['POST', '/api/jobs/runs/run-1/cancel', {}], ['GET', '/api/jobs/no_such_job'],
    ] as const) {
      expectProblem(await agent.call(method, path, body), 403, 'forbidden');
    }
    expect(service.calls.length).to.equal(before);
  });

  it('answers 404 not_found for a job or a run that does not exist', async () => {
    expectProblem(await admin.get('/api/jobs/no_such_job'), 404, 'not_found');
    expectProblem(await admin.patch('/api/jobs/no_such_job', { enabled: false }), 404, 'not_found');
    expectProblem(await admin.post('/api/jobs/no_such_job/run'), 404, 'not_found');
    expectProblem(await admin.get('/api/jobs/no_such_job/runs'), 404, 'not_found');
    expectProblem(await admin.get('/api/jobs/runs/no-such-run'), 404, 'not_found');
    expectProblem(await admin.post('/api/jobs/runs/no-such-run/cancel'), 404, 'not_found');
  });

  it('changes the schedule, enabled flag and parameters, handing the service exactly what was sent', async () => {
    const body = { schedule: '30 3 * * 1', timeZone: 'Europe/London', enabled: false, parameters: { days: 45 } };
    const changed = await admin.ok('PATCH', '/api/jobs/tidy_up', body, 200);
    expect(changed.data).to.include({ schedule: '30 3 * * 1', enabled: false, overridden: true });
    expect(service.calls.at(-1)).to.deep.include({ method: 'update', args: ['tidy_up', body] });
  });

  it('refuses a bad PATCH body: member values 422 validation_failed per field, unknown members 400 invalid_payload', async () => {
    const before = service.calls.length;
    const typed = expectProblem(await admin.patch('/api/jobs/tidy_up', { schedule: '', enabled: 'yes', parameters: [] }), 422, 'validation_failed');
    expect(typed.errors.map((e: { field: string }) => e.field).sort()).to.deep.equal(['enabled', 'parameters', 'schedule']);
    const unknown = expectProblem(await admin.patch('/api/jobs/tidy_up', { schedule: '0 1 * * *', label: 'Mine' }), 400, 'invalid_payload');
    expect(unknown.errors).to.deep.equal([{ field: 'label', code: 'unknown_field', message: '"label" cannot be set here.' }]);
    expectProblem(await admin.call('PATCH', '/api/jobs/tidy_up', [1]), 400, 'invalid_payload');
    expect(service.calls.length, 'the service is not asked with a body of the wrong shape').to.equal(before);
  });

  it('passes on the service\'s refusals as 422 naming the field (a bad cron, an unknown parameter)', async () => {
    const bad = expectProblem(await admin.patch('/api/jobs/tidy_up', { schedule: 'every day', parameters: { nope: 1 } }), 422, 'validation_failed');
    expect(bad.errors.map((e: { field: string; code: string }) => [e.field, e.code])).to.deep.equal([['schedule', 'invalid'], ['parameters.nope', 'unknown_field']]);
  });

  it('starts a run with 202, the run and its Location; the run reads back at that address and in the job\'s history', async () => {
    const res = await admin.post('/api/jobs/tidy_up/run');
    expect(res.status, res.text).to.equal(202);
    const run = res.body.data as JobRunView;
    expect(run).to.include({ job: 'tidy_up', status: 'running', trigger: 'manual' });
    expect(res.headers.get('location')).to.equal(`/api/jobs/runs/${run.id}`);
    const again = await admin.ok('GET', res.headers.get('location')!, undefined, 200);
    expect(again.data.id).to.equal(run.id);
    const history = await admin.ok('GET', '/api/jobs/tidy_up/runs?limit=5&before=2026-12-08T00:00:00Z', undefined, 200);
    expect(history.data.map((r: JobRunView) => r.id)).to.include(run.id);
    expect(service.calls.at(-1)).to.deep.include({ method: 'runs', args: ['tidy_up', { limit: 5, before: '2026-12-08T00:00:00Z' }] });
  });

  it('refuses a bad history query with 400 invalid_query naming the parameter', async () => {
    const limit = expectProblem(await admin.get('/api/jobs/tidy_up/runs?limit=0'), 400, 'invalid_query');
    expect(limit.errors[0]).to.include({ field: 'limit', code: 'range' });
    const before = expectProblem(await admin.get('/api/jobs/tidy_up/runs?before=yesterday'), 400, 'invalid_query');
    expect(before.errors[0]).to.include({ field: 'before', code: 'invalid' });
    const unknown = expectProblem(await admin.get('/api/jobs/tidy_up/runs?status=failed'), 400, 'invalid_query');
    expect(unknown.errors[0]).to.include({ field: 'status', code: 'unknown_parameter' });
    expectProblem(await admin.get('/api/jobs?x=1'), 400, 'invalid_query');
  });

  it('cancels a running run; cancelling it again is the service\'s 409, as problem+json', async () => {
    const started = (await admin.ok('POST', '/api/jobs/tidy_up/run', {}, 202)).data as JobRunView;
    const cancelled = await admin.ok('POST', `/api/jobs/runs/${started.id}/cancel`, {}, 200);
    expect(cancelled.data).to.include({ id: started.id, status: 'cancelled' });
    expectProblem(await admin.post(`/api/jobs/runs/${started.id}/cancel`), 409, 'invalid_state');
  });

  it('answers 405 with Allow for methods a path does not serve, and 204 to OPTIONS', async () => {
    const cases: [string, string, string][] = [
      ['DELETE', '/api/jobs', 'GET, HEAD, OPTIONS'],
      ['POST', '/api/jobs/tidy_up', 'GET, PATCH, HEAD, OPTIONS'],
      ['GET', '/api/jobs/tidy_up/run', 'POST, OPTIONS'],
      ['POST', '/api/jobs/tidy_up/runs', 'GET, HEAD, OPTIONS'],
      ['DELETE', '/api/jobs/runs/run-1', 'GET, HEAD, OPTIONS'],
      ['GET', '/api/jobs/runs/run-1/cancel', 'POST, OPTIONS'],
    ];
    for (const [method, path, allow] of cases) {
      const r = await admin.call(method, path, method === 'GET' || method === 'DELETE' ? undefined : {});
      expectProblem(r, 405, 'method_not_allowed');
      expect(r.headers.get('allow'), `${method} ${path}`).to.equal(allow);
    }
    const options = await admin.call('OPTIONS', '/api/jobs/tidy_up/run');
    expect(options.status).to.equal(204);
    expect(options.headers.get('allow')).to.equal('POST, OPTIONS');
  });

  it('is not mounted on an engine without a job runner: /api/jobs is then an unknown path (404)', async () => {
    const without = Object.create(fw, { jobs: { value: undefined } }) as Formwork;
    const bare = await listen(createApp(without));
    try {
      const r = await new TokenClient(bare.url, admin.token).get('/api/jobs');
      expectProblem(r, 404, 'not_found');
    } finally {
      await bare.close();
    }
  });
});
