/**
 * Workflow timers (issue 5 item 3): scheduled in sys_workflow_timer on entering a state (from a field or the time
 * of entry), cancelled on leaving it, moved when their field changes; the runner claims due rows atomically (one
 * instance each, even when several run at once; a dead runner's claim is taken over), skips rows whose condition
 * no longer holds, retries a failing transition and then gives up; and timers survive a restart: scheduled by one
 * engine, run by another opened later on the same database.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig, type Config } from '../../../platform/config.js';
import { openDatabase, type Database } from '../../../platform/db/connection.js';
import { createEngine, type Engine } from '../../../platform/engine.js';
import { createLogger } from '../../../platform/log.js';
import { TimerRunner, workflowService } from '../../../platform/workflow/index.js';
import { createTestDatabase, DB_KIND, type TestDatabase } from '../../support/db.js';
import { REPO, steppingClock, type TestEngine } from '../../support/engine.js';
import { waitFor } from '../../support/wait.js';
import { count, events, person, read, svc, ticket, workflowEngine, PACK, type Person } from './support.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('workflow: timers', () => {
  let fw: TestEngine;
  const clock = steppingClock('2026-11-23T10:00:00.000Z');
  let agent: Person;
  let lead: Person;

  before(async () => {
    fw = await workflowEngine({ clock });
    agent = await person(fw, ['wf_agent'], 'ORG_A');
    lead = await person(fw, ['wf_lead'], 'ORG_A');
  });
  after(async () => { await fw?.dispose(); });

  /** A ticket parked in "waiting" (timers remind +2 h, and nudge +1 h for priority 1). */
  const parked = async (values = {}) => {
    const t = await ticket(fw, agent.actor, values);
    await svc(fw).transition('wf_ticket', t.id as string, 'submit', {}, agent.actor);
    await svc(fw).transition('wf_ticket', t.id as string, 'lead_park', {}, lead.actor);
    return t.id as string;
  };
  const open = (id: string) => svc(fw).timers.ofRecord(fw.db.knex, id);
  const rows = (id: string) => fw.db.knex('sys_workflow_timer').where({ record_id: id }).orderBy('due_at');

  it('schedules the state\'s timers on entry (from the time of entry) and cancels them when the record leaves', async () => {
    const at = clock.now().getTime();
    const id = await parked();
    expect((await open(id)).map((t) => [t.timer, t.transition, t.dueAt])).to.deep.equal([
      ['nudge', 'wake', new Date(at + HOUR).toISOString()], ['remind', 'wake', new Date(at + 2 * HOUR).toISOString()],
    ]);
    await fw.records.updateOne('wf_ticket', id, { state: 'open' }, { actor: fw.systemActor });
    expect(await open(id)).to.deep.equal([]);
    expect((await rows(id)).every((r: { cancelled_at: string | null }) => r.cancelled_at === clock.now().toISOString())).to.equal(true);
    // Nothing cancelled runs.
    clock.advance(3 * HOUR);
    expect((await new TimerRunner(svc(fw)).runOnce()).claimed).to.equal(0);
    expect(await read(fw, id)).to.include({ state: 'open' });
  });

  it('runs due timers as the system: skips one whose condition fails, then makes the transition of the next', async () => {
    const id = await parked({ priority: '3' });
    const runner = new TimerRunner(svc(fw));
    expect((await runner.runOnce()).claimed).to.equal(0);
    clock.advance(HOUR);
    expect(await runner.runOnce()).to.deep.include({ claimed: 1, skipped: 1, done: 0 });
    expect(await read(fw, id)).to.include({ state: 'waiting' });
    clock.advance(HOUR);
    expect(await runner.runOnce()).to.deep.include({ claimed: 1, done: 1 });
    expect(await read(fw, id)).to.include({ state: 'open' });
    const history = await fw.records.history('wf_ticket', id, { actor: fw.systemActor });
    expect(history.find((h) => h.field === 'state' && h.newValue === 'open' && h.oldValue === 'waiting')!.changedBy).to.equal('workflow:timer.remind for system');
    expect((await rows(id)).map((r: { timer: string; outcome: string | null }) => [r.timer, r.outcome])).to.deep.equal([['nudge', 'skipped'], ['remind', 'done']]);
    const [event] = (await events(fw, id, 'workflow.transition')).filter((e) => e.payload.transition === 'wake');
    expect(event!.actor_name).to.equal('system');
  });

  it('counts from the timer\'s field and moves the timer when the field changes', async () => {
    const t = await ticket(fw, agent.actor);
    await svc(fw).transition('wf_ticket', t.id as string, 'submit', {}, agent.actor);
    const at = clock.now().getTime();
    await svc(fw).transition('wf_ticket', t.id as string, 'resolve', { fields: { resolution: 'Done' }, comment: 'Done' }, agent.actor);
    expect((await open(t.id as string)).map((x) => x.dueAt)).to.deep.equal([new Date(at + 3 * DAY).toISOString()]);
    const earlier = new Date(at - DAY).toISOString();
    await fw.records.updateOne('wf_ticket', t.id as string, { resolved_at: earlier }, { actor: fw.systemActor });
    expect((await open(t.id as string)).map((x) => x.dueAt)).to.deep.equal([new Date(at + 2 * DAY).toISOString()]);
    clock.advance(2 * DAY);
    expect(await new TimerRunner(svc(fw)).runOnce()).to.deep.include({ done: 1 });
    expect(await read(fw, t.id)).to.include({ state: 'closed' });
  });

  it('claims each due timer once when several runners poll at the same moment', async () => {
    const ids = [await parked({ priority: '1' }), await parked({ priority: '1' }), await parked({ priority: '1' })];
    clock.advance(HOUR);
    const runners = [new TimerRunner(svc(fw), { instance: 'a' }), new TimerRunner(svc(fw), { instance: 'b' }), new TimerRunner(svc(fw), { instance: 'c' })];
    const results = await Promise.all(runners.map((r) => r.runOnce()));
    expect(results.reduce((n, r) => n + r.claimed, 0)).to.equal(3);
    expect(results.reduce((n, r) => n + r.done, 0)).to.equal(3);
    for (const id of ids) {
      expect(await read(fw, id)).to.include({ state: 'open' });
      expect((await events(fw, id, 'workflow.transition')).filter((e) => e.payload.transition === 'wake')).to.have.length(1);
    }
  });

  it('takes over the claim of a runner that died, and never runs a finished timer again', async () => {
    const id = await parked({ priority: '1' });
    clock.advance(HOUR);
    const [nudge] = await rows(id);
    await fw.db.knex('sys_workflow_timer').where({ id: nudge.id }).update({ claimed_at: clock.now().toISOString(), claimed_by: 'dead', attempts: 1 });
    const runner = new TimerRunner(svc(fw));
    expect((await runner.runOnce()).claimed).to.equal(0);
    clock.advance(10 * 60_000);
    expect(await runner.runOnce()).to.deep.include({ claimed: 1, done: 1 });
    expect(await read(fw, id)).to.include({ state: 'open' });
    clock.advance(DAY);
    expect((await runner.runOnce()).claimed).to.equal(0);
  });

  it('retries a failing timed transition, then records it as failed with the error', async () => {
    const t = await ticket(fw, agent.actor, { title: 'Keep me' });
    await svc(fw).transition('wf_ticket', t.id as string, 'submit', {}, agent.actor);
    await svc(fw).transition('wf_ticket', t.id as string, 'resolve', { fields: { resolution: 'Done' }, comment: 'Done' }, agent.actor);
    clock.advance(3 * DAY);
    const runner = new TimerRunner(svc(fw));
    expect(await runner.runOnce()).to.deep.include({ claimed: 1, retried: 1 });
    expect(await runner.runOnce()).to.deep.include({ claimed: 1, retried: 1 });
    expect(await runner.runOnce()).to.deep.include({ claimed: 1, failed: 1 });
    expect(await runner.runOnce()).to.deep.include({ claimed: 0 });
    const [row] = await rows(t.id as string);
    expect(row).to.include({ outcome: 'failed', attempts: 3 });
    expect(row.error).to.equal(`${String(t.number)} must not be archived.`);
    expect(await read(fw, t.id)).to.include({ state: 'done' });
  });

  it('starts, polls and stops', async () => {
    const id = await parked({ priority: '1' });
    clock.advance(HOUR);
    const runner = new TimerRunner(svc(fw));
    runner.start(20);
    expect(runner.started).to.equal(true);
    await waitFor(async () => (await read(fw, id)).state === 'open', { message: 'the polling runner did not fire the due timer' });
    await runner.stop();
    expect(runner.started).to.equal(false);
    expect(await read(fw, id)).to.include({ state: 'open' });
  });
});

describe('workflow: timers across a restart', () => {
  let testDb: TestDatabase;
  let config: Config;
  let filesDir: string;
  const engines: Engine[] = [];

  /** Another connection to the same test database (the same file, or the same PostgreSQL schema). */
  const reopen = (): Database => {
    const searchPath = (testDb.knex.client.config as { searchPath?: string[] }).searchPath?.[0];
    return DB_KIND === 'postgres' ? openDatabase(testDb.url, { searchPath }) : openDatabase(testDb.url);
  };
  const start = async (clock: ReturnType<typeof steppingClock>, roots = [PACK]) => {
    const e = await createEngine({ ...config, definitionRoots: roots }, { db: reopen(), clock, log: createLogger('silent'), timerPollMs: 0 });
    engines.push(e);
    return e;
  };

  // A database of its own for each test.
  beforeEach(async () => {
    testDb = await createTestDatabase();
    filesDir = mkdtempSync(join(tmpdir(), 'formwork-files-'));
    config = { ...readConfig({ DATABASE_URL: testDb.url }, REPO), databaseUrl: testDb.url, demoData: false, filesDir };
  });
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.close().catch(() => {});
    await testDb?.dispose();
    rmSync(filesDir, { recursive: true, force: true });
  });

  it('runs a timer scheduled before the engine closed, once, from a new engine on the same database', async () => {
    const clock = steppingClock('2026-11-23T10:00:00.000Z');
    const first = await start(clock);
    const agent = await person(first as TestEngine, ['wf_agent'], 'ORG_A');
    const lead = await person(first as TestEngine, ['wf_lead'], 'ORG_A');
    const t = await first.records.createOne('wf_ticket', { title: 'Survives restarts' }, { actor: agent.actor });
    await workflowService(first).transition('wf_ticket', t.id as string, 'submit', {}, agent.actor);
    await workflowService(first).transition('wf_ticket', t.id as string, 'lead_park', {}, lead.actor);
    expect(await workflowService(first).timers.ofRecord(first.db.knex, t.id as string)).to.have.length(2);
    await first.close();

    // Later: two instances come up on the same database and poll at the same moment.
    const later = steppingClock('2026-11-23T12:30:00.000Z');
    const [a, b] = [await start(later), await start(later)];
    expect(a.workflow.timers.started).to.equal(false);
    const results = await Promise.all([a.workflow.timers.runOnce(), b.workflow.timers.runOnce()]);
    expect(results.reduce((n, r) => n + r.done + r.skipped, 0)).to.equal(2);
    const record = await a.records.readOne('wf_ticket', t.id as string, { actor: a.systemActor });
    expect(record).to.include({ state: 'open' });
    expect(await count(a as TestEngine, 'sys_event', { record_id: t.id, name: 'workflow.transition' })).to.equal(3);
  });

  it('closes a resolved core task after 5 working days of the default schedule, across a restart', async () => {
    // Resolved on Friday 27 November 2026 at 10:00 UK time: 5 working days later is Friday 4 December, 10:00.
    const clock = steppingClock('2026-11-27T10:00:00.000Z');
    const first = await start(clock, [`${REPO}definitions`]);
    const agent = await person(first as TestEngine, ['agent'], 'ORG_A');
    const t = await first.records.createOne('task', { short_description: 'Replace toner' }, { actor: agent.actor });
    await workflowService(first).transition('task', t.id as string, 'resolve', { fields: { close_notes: 'Toner replaced' } }, agent.actor);
    const [timer] = await workflowService(first).timers.ofRecord(first.db.knex, t.id as string);
    expect(timer).to.deep.include({ timer: 'auto_close', transition: 'close', dueAt: '2026-12-04T10:00:00.000Z' });
    await first.close();

    const early = steppingClock('2026-12-04T09:59:00.000Z');
    const second = await start(early, [`${REPO}definitions`]);
    expect((await second.workflow.timers.runOnce()).claimed).to.equal(0);
    early.advance(60_000);
    expect(await second.workflow.timers.runOnce()).to.deep.include({ claimed: 1, done: 1 });
    expect(await second.records.readOne('task', t.id as string, { actor: second.systemActor })).to.include({ state: 'closed', active: false });
  });
});
