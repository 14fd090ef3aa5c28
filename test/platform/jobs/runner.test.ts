import { expect } from 'chai';
import { isFormworkError } from '../../../platform/errors.js';
import { buildRegistry } from '../../../platform/kinds.js';
import { compileCron, firesBetween, nextFire, previousFire, scheduleText } from '../../../platform/jobs/cron.js';
import type { LoadedDocument } from '../../../platform/definitions/loader.js';
import type { JobRunView } from '../../../platform/jobs/types.js';
import { createTestEngine, fixture, type TestEngine } from '../../support/engine.js';
import { waitFor } from '../../support/wait.js';
import { registerTestJobs, settableClock } from './support.js';

registerTestJobs();

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

async function codeOf(p: Promise<unknown>): Promise<{ code: string; fields: string[] }> {
  try {
    await p;
  } catch (e) {
    if (isFormworkError(e)) return { code: e.code, fields: e.fieldErrors.map((f) => f.field) };
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('jobs: fire times (cron in a time zone)', () => {
  it('fires a daily 01:30 and 02:30 job in Europe/London once on both change days, as the rule says', () => {
    const day = (expr: string, from: string) => firesBetween(compileCron(expr, 'Europe/London'), Date.parse(from), Date.parse(from) + 86_400_000).map(iso);
    // 28 March 2027: 01:00 GMT jumps to 02:00 BST. 01:30 does not exist: it runs an hour later, at 02:30 BST.
    expect(day('30 1 * * *', '2027-03-27T23:00:00Z')).to.deep.equal(['2027-03-28T01:30:00.000Z']);
    expect(day('30 2 * * *', '2027-03-27T23:00:00Z')).to.deep.equal(['2027-03-28T01:30:00.000Z']);
    // 31 October 2027: 02:00 BST goes back to 01:00 GMT. 01:30 happens twice: it runs at the first (BST) pass only.
    expect(day('30 1 * * *', '2027-10-30T23:00:00Z')).to.deep.equal(['2027-10-31T00:30:00.000Z']);
    expect(day('30 2 * * *', '2027-10-30T23:00:00Z')).to.deep.equal(['2027-10-31T02:30:00.000Z']);
    // The days around run at their usual times (summer time after March, winter time after October).
    expect(day('30 1 * * *', '2027-03-28T23:00:00Z')).to.deep.equal(['2027-03-29T00:30:00.000Z']);
    expect(day('30 1 * * *', '2027-10-31T23:00:00Z')).to.deep.equal(['2027-11-01T01:30:00.000Z']);
  });

  it('runs an every-hour expression at both passes of the repeated hour and loses no real hour in spring', () => {
    const hours = (from: string) => firesBetween(compileCron('0 * * * *', 'Europe/London'), Date.parse(from), Date.parse(from) + 4 * 3_600_000).map(iso);
    expect(hours('2027-10-30T23:30:00Z')).to.deep.equal(['2027-10-31T00:00:00.000Z', '2027-10-31T01:00:00.000Z', '2027-10-31T02:00:00.000Z', '2027-10-31T03:00:00.000Z']);
    expect(hours('2027-03-27T23:30:00Z')).to.deep.equal(['2027-03-28T00:00:00.000Z', '2027-03-28T01:00:00.000Z', '2027-03-28T02:00:00.000Z', '2027-03-28T03:00:00.000Z']);
  });

  it('finds the previous fire and the next, and says a schedule in words', () => {
    const daily = compileCron('0 2 * * *', 'UTC');
    expect(iso(previousFire(daily, Date.parse('2027-06-02T02:00:00Z')))).to.equal('2027-06-02T02:00:00.000Z');
    expect(iso(previousFire(daily, Date.parse('2027-06-02T01:59:59Z')))).to.equal('2027-06-01T02:00:00.000Z');
    expect(iso(nextFire(daily, Date.parse('2027-06-02T02:00:00Z')))).to.equal('2027-06-03T02:00:00.000Z');
    expect(iso(nextFire(compileCron('0 9 * * 1-5', 'UTC'), Date.parse('2027-06-04T10:00:00Z')))).to.equal('2027-06-07T09:00:00.000Z');
    expect(['0 2 * * *', '*/5 * * * *', '* * * * * *', '0 9 * * 1-5', '0 0 L * *'].map(scheduleText))
      .to.deep.equal(['Every day at 02:00', 'Every 5 minutes', 'Every second', 'Every weekday at 09:00', 'At 0 0 L * *']);
  });
});

describe('jobs: the job kind (lint)', () => {
  const base: LoadedDocument[] = [
    { file: 't.json', pointer: '', value: { kind: 'table', name: 'chore', fields: { title: { type: 'string' }, priority: { type: 'integer' } } } },
  ];
  const job = (extra: Record<string, unknown>): LoadedDocument[] => [...base, {
    file: 'j.json', pointer: '', value: {
      kind: 'job', name: 'tidy', schedule: '0 2 * * *',
      sweep: { table: 'chore', condition: { fact: 'priority', operator: 'greaterThan', value: 3 }, actions: [{ type: 'set', fields: { title: 'x' } }] },
      ...extra,
    },
  }];
  const errorsOf = (docs: LoadedDocument[]) => buildRegistry(docs).errors.map((e) => [e.pointer, e.message]);

  it('accepts a valid sweep job and carries it in registry.jobs', () => {
    const { registry, errors } = buildRegistry(job({}));
    expect(errors).to.deep.equal([]);
    expect(registry!.jobs.get('tidy')!.schedule).to.equal('0 2 * * *');
  });

  it('refuses an invalid cron, an unknown time zone, and both or neither of sweep and platform', () => {
    expect(errorsOf(job({ schedule: '61 2 * * *' }))).to.have.length(1).and.satisfy((e: string[][]) => e[0]![0] === '/schedule');
    expect(errorsOf(job({ timeZone: 'Mars/Olympus' })).map((e) => e[0])).to.deep.equal(['/timeZone']);
    expect(errorsOf(job({ platform: 'test_quick' })).map((e) => e[1])).to.deep.equal(['A job does one thing: give "sweep" or "platform", not both.']);
    expect(errorsOf(job({ sweep: undefined })).map((e) => e[0])).to.deep.equal(['']);
  });

  it('refuses an unknown platform job, a parameter it does not take, a default of the wrong type, an unknown role', () => {
    expect(errorsOf(job({ sweep: undefined, platform: 'no_such_job' })).map((e) => e[0])).to.deep.equal(['/platform']);
    expect(errorsOf(job({ sweep: undefined, platform: 'test_quick', parameters: { days: { type: 'integer' } } })).map((e) => e[0]))
      .to.deep.equal(['/parameters/days']);
    expect(errorsOf(job({ parameters: { days: { type: 'integer', default: 'many' } } })).map((e) => e[0])).to.deep.equal(['/parameters/days/default']);
    expect(errorsOf(job({ runAs: { roles: ['nobody'] } })).map((e) => e[0])).to.deep.equal(['/runAs/roles/0']);
  });

  it('refuses a sweep naming an unknown field, an unknown parameter, a missing transition or table', () => {
    const sweep = (s: Record<string, unknown>) => job({ sweep: { table: 'chore', condition: { fact: 'priority', operator: 'greaterThan', value: 3 }, actions: [{ type: 'set', fields: { title: 'x' } }], ...s } });
    expect(errorsOf(sweep({ actions: [{ type: 'set', fields: { colour: 'red' } }] })).map((e) => e[0])).to.deep.equal(['/sweep/actions/0/fields/colour']);
    expect(errorsOf(sweep({ condition: { fact: 'colour', operator: 'equal', value: 'red' } })).map((e) => e[0])[0]).to.match(/^\/sweep\/condition/);
    expect(errorsOf(sweep({ condition: { fact: 'priority', operator: 'greaterThan', value: { param: 'days' } } })).map((e) => e[0])).to.include('/sweep/condition');
    expect(errorsOf(sweep({ actions: [{ type: 'transition', transition: 'finish' }] })).map((e) => e[0])).to.deep.equal(['/sweep/actions/0/transition']);
    expect(errorsOf(sweep({ table: 'nothing' })).map((e) => e[0])).to.include('/sweep/table');
  });
});

describe('jobs: the runner', function () {
  this.timeout(60_000);
  let fw: TestEngine;
  const clock = settableClock('2027-01-04T12:00:00.000Z');
  const admin = { kind: 'user' as const, id: null, username: 'admin', roles: [], orgs: [] };

  before(async () => {
    fw = await createTestEngine({ roots: [fixture('definitions/jobs')], clock, seed: false });
  });
  after(async () => { await fw?.dispose(); });

  const finished = (id: string): Promise<JobRunView> =>
    waitFor(async () => { const r = await fw.jobs.run(admin, id); return r.status === 'running' ? null : r; }, { timeout: 10_000 });
  const rows = (job: string) => fw.db.knex('sys_job_run').where({ job }).orderBy('started_at');

  it('sweeps matching records through the pipeline as job:<name>, audited as the job, counting what it did', async () => {
    const sys = fw.systemActor;
    const made = await fw.records.createMany('chore', [
      { title: 'Dust', priority: 3 }, { title: 'Sweep', priority: 4 }, { title: 'Mop', priority: 5 }, { title: 'Urgent', priority: 1 },
    ], { actor: sys });
    const run = await fw.jobs.runNow(admin, 'close_low');
    expect(run).to.include({ job: 'close_low', trigger: 'manual', status: 'running', fireAt: null, startedBy: 'admin' });
    const done = await finished(run.id);
    expect(done.status).to.equal('succeeded');
    expect(done.counts).to.deep.equal({ examined: 3, changed: 3, failed: 0 });
    const after = await fw.records.query('chore', { sort: [{ field: 'title', direction: 'asc' }] }, { actor: sys });
    expect(after.records.map((r) => [r.title, r.state, r.note])).to.deep.equal([
      ['Dust', 'done', 'Closed by the sweep'], ['Mop', 'done', 'Closed by the sweep'], ['Sweep', 'done', 'Closed by the sweep'], ['Urgent', 'open', null],
    ]);
    const history = await fw.records.history('chore', made[1]!.id as string, { actor: sys });
    expect(history.filter((h) => h.field === 'note').map((h) => h.changedBy)).to.deep.equal(['job:close_low']);
    expect(history.filter((h) => h.field === 'state').map((h) => h.changedBy)[0]).to.match(/job:close_low/);
    const logs = await fw.records.query('chore_log', {}, { actor: sys });
    expect(logs.records.map((r) => r.title).sort()).to.deep.equal(['Closed Dust', 'Closed Mop', 'Closed Sweep']);
  });

  it('keeps going when a record fails, counting it and keeping its error', async () => {
    await fw.records.createMany('chore', [{ title: 'Fine', priority: 4 }, { title: 'Also fine', priority: 4 }], { actor: fw.systemActor });
    // A note the parameter takes but the record's field refuses (longer than 40): each record fails alone.
    await fw.jobs.update(admin, 'close_low', { parameters: { note: 'x'.repeat(100) } });
    const run = await fw.jobs.runNow(admin, 'close_low');
    const done = await finished(run.id);
    expect(done.status).to.equal('succeeded');
    expect(done.counts).to.deep.equal({ examined: 2, changed: 0, failed: 2 });
    expect(done.error).to.match(/2 record\(s\) failed/);
    await fw.jobs.update(admin, 'close_low', { parameters: { note: 'Closed by the sweep' } });
  });

  it('validates overrides: a bad cron is validation_failed on schedule, an unknown or mistyped parameter on its name', async () => {
    expect(await codeOf(fw.jobs.update(admin, 'close_low', { schedule: 'every day' }))).to.deep.equal({ code: 'validation_failed', fields: ['schedule'] });
    expect(await codeOf(fw.jobs.update(admin, 'close_low', { timeZone: 'Nowhere/Else' }))).to.deep.equal({ code: 'validation_failed', fields: ['timeZone'] });
    expect(await codeOf(fw.jobs.update(admin, 'close_low', { parameters: { days: 3 } }))).to.deep.equal({ code: 'validation_failed', fields: ['parameters.days'] });
    expect(await codeOf(fw.jobs.update(admin, 'close_low', { parameters: { max_priority: 'high' } }))).to.deep.equal({ code: 'validation_failed', fields: ['parameters.max_priority'] });
    expect(await codeOf(fw.jobs.get(admin, 'nothing'))).to.deep.equal({ code: 'not_found', fields: [] });
    const view = await fw.jobs.update(admin, 'close_low', { schedule: '*/5 * * * *', enabled: false });
    expect(view).to.include({ schedule: '*/5 * * * *', scheduleText: 'Every 5 minutes', enabled: false, overridden: true, nextRunAt: null });
    const audit = await fw.db.knex('sys_audit').where({ table_name: 'sys_job_override' }).orderBy('changed_at');
    expect(audit.map((a) => a.actor_name)).to.include('admin');
    const back = await fw.jobs.update(admin, 'close_low', { schedule: '0 2 * * *', enabled: true });
    expect(back).to.include({ scheduleText: 'Every day at 02:00', nextRunAt: '2027-01-05T02:00:00.000Z' });
  });

  it('lists definitions and the engine\'s own pollers as system jobs, which cannot be run by hand', async () => {
    const list = await fw.jobs.list(admin);
    expect(list.filter((j) => j.type === 'system').map((j) => j.name)).to.include.members(['system_workflow_timers', 'system_sla_checks']);
    expect(list.find((j) => j.name === 'close_low')!.lastRun!.status).to.equal('succeeded');
    expect((await codeOf(fw.jobs.runNow(admin, 'system_sla_checks'))).code).to.equal('invalid_state');
  });

  it('runs a disabled job by hand, cancels it, and refuses to cancel a finished run with invalid_state', async () => {
    const run = await fw.jobs.runNow(admin, 'slow');
    expect((await codeOf(fw.jobs.runNow(admin, 'slow'))).code).to.equal('invalid_state');
    const cancelled = await fw.jobs.cancel(admin, run.id);
    expect(cancelled.status).to.equal('cancelled');
    expect((await codeOf(fw.jobs.cancel(admin, run.id))).code).to.equal('invalid_state');
    const flaky = await fw.jobs.runNow(admin, 'flaky');
    const failed = await finished(flaky.id);
    expect(failed).to.include({ status: 'failed', error: 'Nothing works today.' });
  });

  it('stops a run past its time limit and records it as timed out', async () => {
    const run = await fw.jobs.runNow(admin, 'limited');
    const done = await finished(run.id);
    expect(done.status).to.equal('timed_out');
    expect(done.error).to.match(/time limit of 1 seconds/);
  });

  it('claims each fire once, waits while the job runs, retries a failed run, and runs only the latest missed fire', async () => {
    await fw.db.knex('sys_job_run').where({ job: 'flaky' }).delete();
    await fw.db.knex('sys_job_override').insert({ job: 'flaky', enabled: true, updated_at: clock.now().toISOString() });
    await fw.jobRunner.tick(new Date('2027-01-04T12:00:01Z'));
    // The first tick counts from now: the next fire is 12:00:10.
    const first = await fw.jobRunner.tick(new Date('2027-01-04T12:00:10Z'));
    expect(first.started).to.have.length(1);
    await fw.jobRunner.settled();
    // Its retry is due 5 s after it failed (the engine's clock said 12:00:00 then); the fire is not claimed again.
    const retry = await fw.jobRunner.tick(new Date('2027-01-04T12:00:11Z'));
    expect(retry).to.include({ retried: 1 });
    expect(retry.started).to.have.length(1);
    await fw.jobRunner.settled();
    expect((await fw.jobRunner.tick(new Date('2027-01-04T12:00:12Z'))).started).to.deep.equal([]);
    const runs = await rows('flaky');
    expect(runs.map((r) => [r.fire_at, r.trigger, r.attempt, r.status])).to.deep.equal([
      ['2027-01-04T12:00:10.000Z', 'schedule', 1, 'failed'],
      ['2027-01-04T12:00:10.000Z', 'retry', 2, 'failed'],
    ]);
    // Everything down for an hour: one run, for the latest fire, marked missed.
    const late = await fw.jobRunner.tick(new Date('2027-01-04T13:00:05Z'));
    expect(late.started).to.have.length(1);
    await fw.jobRunner.settled();
    const missed = (await rows('flaky')).filter((r) => r.trigger === 'missed');
    expect(missed.map((r) => r.fire_at)).to.deep.equal(['2027-01-04T13:00:00.000Z']);
    await fw.db.knex('sys_job_override').where({ job: 'flaky' }).delete();
  });

  it('marks a run whose lease ran out (its server gone) as failed, from another instance, and retries it once', async () => {
    await fw.db.knex('sys_job_run').insert({
      id: '00000000-0000-7000-8000-000000000001', job: 'crashy', fire_at: '2027-01-04T11:00:00.000Z', trigger: 'schedule', attempt: 1,
      status: 'running', started_at: '2027-01-04T11:00:00.000Z', heartbeat_at: '2027-01-04T11:00:00.000Z',
      lease_until: '2027-01-04T11:00:30.000Z', instance: 'gone', examined: 0, changed: 0, failed: 0, cancel_requested: false,
    });
    const t = await fw.jobRunner.tick(new Date('2027-01-04T12:00:00Z'));
    expect(t.expired).to.equal(1);
    expect(t.retried).to.equal(1);
    const runs = await rows('crashy');
    expect(runs.map((r) => [r.attempt, r.trigger, r.status])).to.deep.equal([[1, 'schedule', 'failed'], [2, 'retry', 'running']]);
    expect(runs[0]!.error).to.match(/stopped answering/);
    await fw.jobs.cancel(admin, runs[1]!.id);
    expect((await fw.jobRunner.tick(new Date('2027-01-04T12:00:01Z'))).retried).to.equal(0);
  });
});
