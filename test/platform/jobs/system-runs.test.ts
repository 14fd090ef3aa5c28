/**
 * The engine's own pollers as system jobs with a run history (platform/jobs/system-runs.ts), the retention of that
 * history (run-retention.ts), and live progress of a running run between heartbeats (progress-writer.ts).
 */
import { expect } from 'chai';
import { v7 as uuidv7 } from 'uuid';
import { createApp } from '../../../platform/http/app.js';
import { observePoll } from '../../../platform/jobs/system-runs.js';
import { RUN_HISTORY_JOBS } from '../../../platform/jobs/run-retention.js';
import { registerPlatformJob } from '../../../platform/jobs/platform-jobs.js';
import type { JobRunView, JobView } from '../../../platform/jobs/types.js';
import { startNotificationRunners } from '../../../platform/notify/runners.js';
import { writeEvent } from '../../../platform/rules/events.js';
import { TimerRunner } from '../../../platform/workflow/index.js';
import { startSlaChecker } from '../../../platform/workflow/sla/index.js';
import { createToken, createUser, listen, type RunningServer } from '../../support/auth.js';
import { CORE_DEFINITIONS, createTestEngine, fixture, type TestEngine } from '../../support/engine.js';
import { expectError } from '../../support/errors.js';
import { waitFor } from '../../support/wait.js';
import { TokenClient } from '../access/api/support.js';
import { DAY, housekeepingWorld, jobContext, type HousekeepingWorld } from './housekeeping/support.js';
import { settableClock } from './support.js';

const admin = { kind: 'user' as const, id: null, username: 'admin', roles: ['admin'], orgs: [] };

describe('jobs: the engine\'s pollers keep a run history', function () {
  this.timeout(60_000);
  let fw: TestEngine;
  const clock = settableClock('2027-02-01T09:00:00.000Z');

  before(async () => { fw = await createTestEngine({ seed: false, clock }); });
  after(async () => { await fw?.dispose(); });

  const runsOf = (name: string) => fw.jobs.runs(admin, name, { limit: 200 });
  const systemView = async (name: string): Promise<JobView> => (await fw.jobs.list(admin)).find((j) => j.name === name)!;

  it('records a poll that did something or failed, and keeps only the time of an idle one', async () => {
    await fw.db.knex('sys_job_run').where({ job: 'system_sla_checks' }).delete();
    const idle = await observePoll(fw, 'system_sla_checks', async () => 'nothing', () => ({ examined: 0, changed: 0, failed: 0 }));
    expect(idle).to.equal('nothing');
    expect(await runsOf('system_sla_checks')).to.deep.equal([]);
    expect((await systemView('system_sla_checks')).lastPolledAt).to.equal(fw.clock.now().toISOString());

    await observePoll(fw, 'system_sla_checks', async () => 3, (n) => ({ examined: n, changed: 2, failed: 1 }));
    const boom = new Error('The database went away.');
    const err = await observePoll(fw, 'system_sla_checks', async () => { throw boom; }, () => ({ examined: 0, changed: 0, failed: 0 }))
      .then(() => null, (e: unknown) => e);
    expect(err, 'the poll\'s own failure reaches its loop, which logs it').to.equal(boom);

    const runs = await runsOf('system_sla_checks');
    expect(runs.map((r) => [r.status, r.counts, r.error, r.trigger, r.progress, r.jobLabel])).to.deep.equal([
      ['failed', { examined: 0, changed: 0, failed: 1 }, 'The database went away.', 'schedule', null, 'Service-level checks'],
      ['succeeded', { examined: 3, changed: 2, failed: 1 }, null, 'schedule', null, 'Service-level checks'],
    ]);
    const view = await fw.jobs.get(admin, 'system_sla_checks');
    expect(view).to.include({ type: 'system' });
    expect(view.lastRun!.status).to.equal('failed');
    // Read-only: never run by hand or changed, and a finished run is never cancelled.
    await expectError(fw.jobs.runNow(admin, 'system_sla_checks'), 'invalid_state');
    await expectError(fw.jobs.update(admin, 'system_sla_checks', { enabled: false }), 'invalid_state');
    await expectError(fw.jobs.cancel(admin, runs[0]!.id), 'invalid_state');
  });

  it('lists event dispatch and the mail sender apart, each recording the polls that handled something', async () => {
    const names = (await fw.jobs.list(admin)).filter((j) => j.type === 'system').map((j) => j.name);
    expect(names).to.have.members([
      'system_workflow_timers', 'system_sla_checks', 'system_event_dispatch', 'system_mail_sender', 'system_studio_versions',
    ]);
    await fw.db.knex.transaction((trx) => writeEvent(trx, {
      name: 'sample.happened', table: null, recordId: null, payload: {}, actorId: null, actorName: 'system', source: 'test',
      at: fw.clock.now().toISOString(),
    }));
    const stop = startNotificationRunners(fw, { pollMs: 20 });
    try {
      const [run] = await waitFor(async () => { const r = await runsOf('system_event_dispatch'); return r.length ? r : null; },
        { message: 'the dispatcher recorded no run' });
      expect(run!.status).to.equal('succeeded');
      expect(run!.counts.examined, 'the event, handled with nothing to notify').to.be.at.least(1);
      expect(run!.counts.failed).to.equal(0);
      // Polls go on, idle: their time moves, no run is added (the mail sender has had nothing to send at all).
      const seen = (await systemView('system_event_dispatch')).lastPolledAt!;
      clock.advance(1000);
      await waitFor(async () => ((await systemView('system_event_dispatch')).lastPolledAt ?? '') > seen, { message: 'no later poll' });
      expect(await runsOf('system_event_dispatch')).to.have.length(1);
      expect(await runsOf('system_mail_sender')).to.deep.equal([]);
      expect((await systemView('system_mail_sender')).lastPolledAt).to.be.a('string');
    } finally {
      await stop();
    }
  });

  it('records a workflow-timer poll that closed a due timer, and an SLA poll that found nothing only as a time', async () => {
    await fw.db.knex('sys_workflow_timer').insert({
      id: uuidv7(), table_name: 'no_such_table', record_id: uuidv7(), workflow: 'gone', timer: 'remind', state: 'open',
      transition: 'remind', due_at: '2000-01-01T00:00:00.000Z', created_at: '2000-01-01T00:00:00.000Z', attempts: 0,
    });
    const timers = new TimerRunner(fw.workflow.service);
    timers.start(20);
    const sla = startSlaChecker(fw, 20);
    try {
      const [run] = await waitFor(async () => { const r = await runsOf('system_workflow_timers'); return r.length ? r : null; },
        { message: 'the timer runner recorded no run' });
      expect(run!.counts).to.deep.equal({ examined: 1, changed: 0, failed: 0 });
      await waitFor(async () => (await systemView('system_sla_checks')).lastPolledAt, { message: 'the SLA checker did not poll' });
    } finally {
      await timers.stop();
      await sla.stop();
    }
    expect(await runsOf('system_workflow_timers')).to.have.length(1);
  });

  it('answers the history over GET /api/jobs/:name/runs', async () => {
    const user = await createUser(fw, { username: 'system.runs.admin', roles: ['admin'], org: 'SYS-RUNS' });
    const server = await listen(createApp(fw));
    try {
      const api = new TokenClient(server.url, await createToken(fw, user.username));
      const body = await api.ok('GET', '/api/jobs/system_workflow_timers/runs?limit=5', undefined, 200);
      expect(body.data.map((r: JobRunView) => [r.job, r.status])).to.deep.equal([['system_workflow_timers', 'succeeded']]);
    } finally {
      await server.close();
    }
  });
});

describe('jobs: background run history retention', function () {
  this.timeout(60_000);
  let w: HousekeepingWorld;
  const job = RUN_HISTORY_JOBS.find((j) => j.name === 'background_run_retention')!;

  before(async () => { w = await housekeepingWorld(); });
  after(async () => { await w.fw.dispose(); });

  async function run(name: string, daysAgo: number, status = 'succeeded'): Promise<string> {
    const id = uuidv7();
    const at = w.ago(daysAgo * DAY);
    await w.fw.db.knex('sys_job_run').insert({
      id, job: name, fire_at: null, trigger: 'schedule', attempt: 1, status, started_at: at, finished_at: status === 'running' ? null : at,
      heartbeat_at: at, lease_until: at, instance: 'test', examined: 1, changed: 1, failed: 0, cancel_requested: false,
    });
    return id;
  }

  it('deletes system runs older than its period, keeping scheduled jobs\' runs and recent ones', async () => {
    await run('system_sla_checks', 31);
    await run('system_mail_sender', 90, 'failed');
    const recent = await run('system_event_dispatch', 29);
    const scheduled = await run('access_log_retention', 400);
    const ctx = jobContext(w, job);
    await job.run(ctx);
    expect(ctx.counts).to.deep.equal({ examined: 2, changed: 2, failed: 0 });
    expect(await w.fw.db.knex('sys_job_run').pluck('id')).to.have.members([recent, scheduled]);
    const view = await w.fw.jobs.get(admin, 'background_run_retention');
    expect(view).to.include({ type: 'platform', schedule: '40 4 * * *' });
    expect(view.parameters.map((p) => [p.name, p.value])).to.deep.equal([['retentionDays', 30], ['batchSize', 500]]);
  });
});

/** Lets the stepped job take its next step when the test says so. */
let release: (() => void) | null = null;
const stepAllowed = () => new Promise<void>((resolve) => { release = resolve; });

registerPlatformJob({
  name: 'test_stepped', label: 'Stepped', description: 'Three steps, each when the test lets it.',
  async run(ctx) {
    for (let step = 1; step <= 3; step += 1) {
      await stepAllowed();
      ctx.count({ examined: 10, changed: 1 });
      ctx.progress(step, 3);
    }
  },
});

describe('jobs: live progress between heartbeats', function () {
  this.timeout(60_000);
  let fw: TestEngine;
  let server: RunningServer;
  let api: TokenClient;

  before(async () => {
    // Heartbeats a minute apart: whatever progress the API shows in between was written as it changed.
    const heartbeat = process.env.JOB_HEARTBEAT_MS;
    process.env.JOB_HEARTBEAT_MS = '60000';
    try {
      fw = await createTestEngine({ roots: [CORE_DEFINITIONS, fixture('packs/jobs-progress')], seed: false });
    } finally {
      if (heartbeat === undefined) delete process.env.JOB_HEARTBEAT_MS;
      else process.env.JOB_HEARTBEAT_MS = heartbeat;
    }
    const user = await createUser(fw, { username: 'progress.admin', roles: ['admin'], org: 'PROGRESS' });
    server = await listen(createApp(fw));
    api = new TokenClient(server.url, await createToken(fw, user.username));
  });
  after(async () => {
    release?.();
    await server?.close();
    await fw?.dispose();
  });

  it('shows each step\'s progress and counts through the API while the run goes on', async () => {
    const started = (await api.ok('POST', '/api/jobs/stepped_sample/run', {}, 202)).data as JobRunView;
    const seen: string[] = [];
    const read = async () => (await api.ok('GET', `/api/jobs/runs/${started.id}`, undefined, 200)).data as JobRunView;
    for (let step = 1; step <= 2; step += 1) {
      await waitFor(() => release, { message: `the job did not reach step ${step}` });
      const go = release!;
      release = null;
      go();
      const r = await waitFor(async () => { const v = await read(); return v.progress?.done === step ? v : null; },
        { timeout: 10_000, message: `progress ${step} of 3 was not shown` });
      expect(r.status).to.equal('running');
      expect(r.counts).to.deep.equal({ examined: 10 * step, changed: step, failed: 0 });
      seen.push(`${r.progress!.done}/${r.progress!.total}`);
    }
    expect(seen).to.deep.equal(['1/3', '2/3']);
    await waitFor(() => release, { message: 'the job did not reach its last step' });
    release!();
    const done = await waitFor(async () => { const v = await read(); return v.status === 'running' ? null : v; }, { timeout: 10_000 });
    expect(done).to.deep.include({ status: 'succeeded', counts: { examined: 30, changed: 3, failed: 0 }, progress: null });
  });
});
