/**
 * The SLA engine on the database: start, pause, resume, stop, reset and delete across UK office hours with exact
 * elapsed and remaining working time; the checker raising each warning and breach once (also when two checkers run
 * at the same time, and for SLAs paused or stopped after their due time); SLA rows in the write's transaction.
 */
import { expect } from 'chai';
import { runSlaCheck, slaRecordHook, startSlaChecker } from '../../../../platform/workflow/sla/index.js';
import type { TestEngine } from '../../../support/engine.js';
import { waitFor } from '../../../support/wait.js';
import { create, events, H, M, remove, slaEngine, slaOf, slasOf, update, type Clock } from './support.js';

describe('workflow/sla: SLA engine', () => {
  let fw: TestEngine;
  let clock: Clock;

  before(async () => { ({ fw, clock } = await slaEngine()); });
  after(async () => { await fw?.dispose(); });

  const at = (iso: string) => clock.set(iso);
  const ticket = async (extra: Record<string, unknown> = {}) => (await create(fw, 'ticket', { title: 'Printer on fire', team: 'a', ...extra })).id as string;

  it('starts, pauses, resumes, warns, breaches and stops with exact working time', async () => {
    at('2026-11-23T16:00:00.000Z'); // Monday, 1.5 working hours left today
    const id = await ticket();
    let s = await slaOf(fw, id, 'ticket_resolution');
    expect(s).to.include({ state: 'active', durationMs: 8 * H, elapsedMs: 0, generation: 1, schedule: 'uk_office_hours', startedAt: '2026-11-23T16:00:00.000Z' });
    expect(s.dueAt).to.equal('2026-11-24T15:30:00.000Z');
    expect(s.warnAt).to.equal('2026-11-24T13:30:00.000Z'); // 75 % = 6 working hours
    expect((await slasOf(fw, id)).map((x) => x.sla), 'the priority 1 SLA does not start').to.deep.equal(['ticket_resolution']);

    at('2026-11-24T10:00:00.000Z');
    await update(fw, 'ticket', id, { state: 'waiting' });
    s = await slaOf(fw, id, 'ticket_resolution');
    expect(s).to.include({ state: 'paused', elapsedMs: 2.5 * H, remainingMs: 5.5 * H, dueAt: null, warnAt: null, pausedSince: '2026-11-24T10:00:00.000Z' });

    at('2026-11-25T15:00:00.000Z');
    s = await slaOf(fw, id, 'ticket_resolution');
    expect(s).to.include({ state: 'paused', elapsedMs: 2.5 * H, remainingMs: 5.5 * H, pausedMs: 29 * H });

    at('2026-11-26T12:00:00.000Z'); // Thursday: 5.5 working hours left to 17:30
    await update(fw, 'ticket', id, { state: 'in_progress' });
    s = await slaOf(fw, id, 'ticket_resolution');
    expect(s).to.include({ state: 'active', elapsedMs: 2.5 * H, remainingMs: 5.5 * H, pausedMs: 50 * H, pausedSince: null });
    expect(s.dueAt).to.equal('2026-11-26T17:30:00.000Z');
    expect(s.warnAt).to.equal('2026-11-26T15:30:00.000Z');

    at('2026-11-26T13:00:00.000Z');
    expect(await slaOf(fw, id, 'ticket_resolution')).to.include({ elapsedMs: 3.5 * H, remainingMs: 4.5 * H, percent: 43.8 });

    expect(await runSlaCheck(fw, new Date('2026-11-26T15:29:59.999Z'))).to.deep.equal({ warnings: 0, breaches: 0, failedActions: 0 });
    expect(await runSlaCheck(fw, new Date('2026-11-26T15:30:00.000Z'))).to.deep.equal({ warnings: 1, breaches: 0, failedActions: 0 });
    expect(await runSlaCheck(fw, new Date('2026-11-26T16:00:00.000Z'))).to.deep.equal({ warnings: 0, breaches: 0, failedActions: 0 });
    const warnings = await events(fw, 'sla.warning', id);
    expect(warnings).to.have.length(1);
    expect(warnings[0]!.payload).to.include({ sla: 'ticket_resolution', elapsedMs: 6 * H, remainingMs: 2 * H, percent: 75, dueAt: '2026-11-26T17:30:00.000Z' });
    expect(warnings[0]).to.include({ table_name: 'ticket', source: 'sla:ticket_resolution' });
    const notes = await fw.records.journal('ticket', id, { actor: fw.systemActor, field: 'work_notes' });
    expect(notes.map((n) => n.body)).to.deep.equal(['Resolve within 8 working hours: 75% used, due 2026-11-26T17:30:00.000Z.']);

    expect(await runSlaCheck(fw, new Date('2026-11-26T17:29:59.999Z'))).to.include({ breaches: 0 });
    expect(await runSlaCheck(fw, new Date('2026-11-26T17:30:00.000Z'))).to.deep.equal({ warnings: 0, breaches: 1, failedActions: 0 });
    expect(await runSlaCheck(fw, new Date('2026-11-27T09:00:00.000Z'))).to.deep.equal({ warnings: 0, breaches: 0, failedActions: 0 });
    expect(await events(fw, 'sla.breach', id)).to.have.length(1);
    expect((await events(fw, 'ticket.escalated', id)).map((e) => e.payload)).to.deep.equal([{ sla: 'ticket_resolution', overdue_by: 0 }]);
    expect((await fw.records.readOne('ticket', id, { actor: fw.systemActor })).escalated).to.equal(true);
    at('2026-11-27T09:00:00.000Z');
    expect(await slaOf(fw, id, 'ticket_resolution')).to.include({ state: 'breached', elapsedMs: 8 * H, remainingMs: 0, breachedAt: '2026-11-26T17:30:00.000Z' });

    at('2026-11-27T10:00:00.000Z');
    await update(fw, 'ticket', id, { state: 'resolved' });
    s = await slaOf(fw, id, 'ticket_resolution');
    expect(s).to.include({ state: 'stopped', elapsedMs: 9 * H, remainingMs: -1 * H, breached: true, stoppedAt: '2026-11-27T10:00:00.000Z', dueAt: '2026-11-26T17:30:00.000Z' });
    at('2026-12-07T10:00:00.000Z');
    expect(await slaOf(fw, id, 'ticket_resolution'), 'a stopped clock stays stopped').to.include({ elapsedMs: 9 * H, remainingMs: -1 * H });
    await update(fw, 'ticket', id, { state: 'in_progress' });
    expect((await slasOf(fw, id)).map((x) => [x.sla, x.state]), 'a stopped SLA does not restart').to.deep.equal([['ticket_resolution', 'stopped']]);
  });

  it('keeps the remaining working time exact across repeated pauses, evenings and a weekend', async () => {
    at('2026-11-20T17:00:00.000Z'); // Friday, half an hour before close
    const id = await ticket();
    expect((await slaOf(fw, id, 'ticket_resolution')).dueAt).to.equal('2026-11-23T16:30:00.000Z');
    at('2026-11-23T09:15:00.000Z');
    await update(fw, 'ticket', id, { state: 'waiting' });
    expect(await slaOf(fw, id, 'ticket_resolution')).to.include({ elapsedMs: 0.75 * H, remainingMs: 7.25 * H });
    at('2026-11-23T12:00:00.000Z');
    await update(fw, 'ticket', id, { state: 'in_progress' });
    expect((await slaOf(fw, id, 'ticket_resolution')).dueAt).to.equal('2026-11-24T10:45:00.000Z');
    at('2026-11-24T10:00:00.000Z');
    await update(fw, 'ticket', id, { state: 'waiting' });
    expect(await slaOf(fw, id, 'ticket_resolution')).to.include({ elapsedMs: 7.25 * H, remainingMs: 0.75 * H });
    at('2026-11-24T18:00:00.000Z'); // resumed in the evening: the clock runs from 09:00 tomorrow
    await update(fw, 'ticket', id, { state: 'in_progress' });
    const s = await slaOf(fw, id, 'ticket_resolution');
    expect(s).to.include({ state: 'active', elapsedMs: 7.25 * H, remainingMs: 0.75 * H, dueAt: '2026-11-25T09:45:00.000Z' });
    expect(s.warnAt, 'the warning point was passed before the pause and is kept').to.equal('2026-11-23T17:15:00.000Z');
    at('2026-11-25T09:30:00.000Z');
    await update(fw, 'ticket', id, { state: 'resolved' });
    expect(await slaOf(fw, id, 'ticket_resolution')).to.include({ state: 'stopped', elapsedMs: 7.75 * H, remainingMs: 0.25 * H, breached: false, dueAt: null });
  });

  it('cancels and restarts on reset, and runs a 24×7 SLA beside the business-hours one', async () => {
    at('2026-11-30T10:00:00.000Z');
    const id = await ticket();
    at('2026-11-30T11:00:00.000Z');
    await update(fw, 'ticket', id, { priority: '1' });
    const first = await slaOf(fw, id, 'ticket_resolution', 1);
    expect(first).to.include({ state: 'cancelled', elapsedMs: H, cancelledAt: '2026-11-30T11:00:00.000Z' });
    const second = await slaOf(fw, id, 'ticket_resolution', 2);
    expect(second).to.include({ state: 'active', startedAt: '2026-11-30T11:00:00.000Z', dueAt: '2026-12-01T10:30:00.000Z', elapsedMs: 0 });
    expect(await slaOf(fw, id, 'ticket_p1_response')).to.include({ state: 'active', schedule: null, dueAt: '2026-11-30T11:30:00.000Z', warnAt: '2026-11-30T11:15:00.000Z' });

    at('2026-11-30T11:10:00.000Z');
    await update(fw, 'ticket', id, { title: 'Printer still on fire' });
    expect((await slasOf(fw, id)).filter((s) => s.sla === 'ticket_resolution'), 'priority stays 1: no new reset').to.have.length(2);
    await update(fw, 'ticket', id, { priority: '2' });
    at('2026-11-30T11:20:00.000Z');
    await update(fw, 'ticket', id, { priority: '1' });
    expect((await slasOf(fw, id)).filter((s) => s.sla === 'ticket_resolution').map((s) => [s.generation, s.state])).to.deep.equal([[1, 'cancelled'], [2, 'cancelled'], [3, 'active']]);

    at('2026-11-30T11:25:00.000Z');
    await update(fw, 'ticket', id, { state: 'in_progress' });
    expect(await slaOf(fw, id, 'ticket_p1_response')).to.include({ state: 'stopped', elapsedMs: 25 * M, remainingMs: 5 * M });
  });

  it('measures tables that extend the SLA table, with durations in working days', async () => {
    at('2026-12-18T14:00:00.000Z'); // Friday
    const id = (await create(fw, 'complaint', { title: 'Late reply', team: 'a' })).id as string;
    expect((await slasOf(fw, id)).map((s) => s.sla)).to.deep.equal(['ticket_resolution', 'ticket_working_days']);
    const s = await slaOf(fw, id, 'ticket_working_days');
    // Friday 14:00 → Tuesday 14:00: 3.5 + 8.5 + 5 working hours.
    expect(s).to.include({ dueAt: '2026-12-22T14:00:00.000Z', durationMs: 17 * H, table: 'complaint' });
  });

  it('cancels a deleted record\'s SLAs, and writes nothing for a rolled-back write', async () => {
    at('2026-12-01T09:00:00.000Z');
    const id = await ticket();
    at('2026-12-01T10:00:00.000Z');
    await remove(fw, 'ticket', id);
    expect(await slaOf(fw, id, 'ticket_resolution')).to.include({ state: 'cancelled', elapsedMs: H });
    await runSlaCheck(fw, new Date('2027-01-01T00:00:00.000Z'));
    expect(await events(fw, 'sla.warning', id)).to.have.length(0);
    expect(await events(fw, 'sla.breach', id)).to.have.length(0);

    const before = await fw.db.knex('sys_sla').count({ n: '*' }).first();
    let created: string | undefined;
    try {
      await fw.db.knex.transaction(async (trx) => {
        created = (await fw.records.createOne('ticket', { title: 'Doomed', team: 'a' }, { actor: fw.systemActor, trx })).id as string;
        const record = await fw.records.readOne('ticket', created, { actor: fw.systemActor, trx });
        const { evaluateSlas } = await import('../../../../platform/workflow/sla/index.js');
        await evaluateSlas(fw, { registry: fw.registry.current, table: 'ticket', operation: 'insert', actor: fw.systemActor, trx, now: fw.clock.now() }, record, null);
        expect(await trx('sys_sla').where({ record_id: created })).to.have.length(1);
        throw new Error('roll back');
      });
    } catch (e) {
      expect((e as Error).message).to.equal('roll back');
    }
    expect(await fw.db.knex('sys_sla').where({ record_id: created! })).to.have.length(0);
    expect(await fw.db.knex('sys_sla').count({ n: '*' }).first()).to.deep.equal(before);
  });

  it('raises a breach missed while the SLA was paused or stopped, once, without actions on finished work', async () => {
    at('2026-12-07T09:00:00.000Z'); // Monday: due 17:00, warning 15:00
    const paused = await ticket();
    const stopped = await ticket();
    at('2026-12-07T17:10:00.000Z'); // no checker ran yet
    await update(fw, 'ticket', paused, { state: 'waiting' });
    await update(fw, 'ticket', stopped, { state: 'resolved' });
    expect(await slaOf(fw, paused, 'ticket_resolution')).to.include({ state: 'paused', dueAt: '2026-12-07T17:00:00.000Z', warnAt: '2026-12-07T15:00:00.000Z', elapsedMs: 8 * H + 10 * M });
    expect(await slaOf(fw, stopped, 'ticket_resolution')).to.include({ state: 'stopped', dueAt: '2026-12-07T17:00:00.000Z', elapsedMs: 8 * H + 10 * M, remainingMs: -10 * M });

    expect(await runSlaCheck(fw, new Date('2026-12-07T17:15:00.000Z'))).to.deep.equal({ warnings: 2, breaches: 2, failedActions: 0 });
    expect(await runSlaCheck(fw, new Date('2026-12-07T17:20:00.000Z'))).to.deep.equal({ warnings: 0, breaches: 0, failedActions: 0 });
    expect(await events(fw, 'sla.warning', paused)).to.have.length(1);
    expect(await events(fw, 'sla.warning', stopped), 'finished work gets no warning').to.have.length(0);
    expect((await events(fw, 'sla.breach', stopped)).map((e) => e.payload.state)).to.deep.equal(['stopped']);
    expect((await fw.records.readOne('ticket', stopped, { actor: fw.systemActor })).escalated).to.equal(false);
    expect((await fw.records.readOne('ticket', paused, { actor: fw.systemActor })).escalated).to.equal(true);
    expect(await slaOf(fw, paused, 'ticket_resolution')).to.include({ state: 'paused', breachedAt: '2026-12-07T17:15:00.000Z' });

    at('2026-12-08T09:00:00.000Z');
    await update(fw, 'ticket', paused, { state: 'in_progress' });
    expect(await slaOf(fw, paused, 'ticket_resolution')).to.include({ state: 'breached', dueAt: '2026-12-07T17:00:00.000Z', elapsedMs: 8 * H + 10 * M, remainingMs: -10 * M });
    at('2026-12-08T10:00:00.000Z');
    expect(await slaOf(fw, paused, 'ticket_resolution')).to.include({ elapsedMs: 9 * H + 10 * M, remainingMs: -70 * M });
  });

  it('raises each warning and breach once when two checkers run at the same time', async () => {
    await fw.db.knex('sys_sla').whereNot('state', 'cancelled').update({ state: 'cancelled' });
    at('2026-12-14T09:00:00.000Z'); // Monday
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await ticket({ title: `Ticket ${i}` }));
    const when = new Date('2026-12-14T17:00:00.000Z');
    const results = await Promise.all([runSlaCheck(fw, when), runSlaCheck(fw, when), runSlaCheck(fw, when, { batch: 2 })]);
    expect(results.reduce((n, r) => n + r.warnings, 0)).to.equal(6);
    expect(results.reduce((n, r) => n + r.breaches, 0)).to.equal(6);
    for (const id of ids) {
      expect(await events(fw, 'sla.warning', id), id).to.have.length(1);
      expect(await events(fw, 'sla.breach', id), id).to.have.length(1);
      expect(await events(fw, 'ticket.escalated', id), id).to.have.length(1);
      expect(await fw.records.journal('ticket', id, { actor: fw.systemActor, field: 'work_notes' }), id).to.have.length(1);
    }
    expect(await runSlaCheck(fw, when)).to.deep.equal({ warnings: 0, breaches: 0, failedActions: 0 });
  });

  it('polls with startSlaChecker until stopped', async () => {
    at('2026-12-21T09:00:00.000Z');
    const id = await ticket();
    at('2026-12-21T17:00:00.000Z');
    const checker = startSlaChecker(fw, 10);
    try {
      await waitFor(async () => (await events(fw, 'sla.breach', id)).length > 0, { message: 'the polling checker raised no breach' });
    } finally {
      await checker.stop();
    }
    expect(await events(fw, 'sla.breach', id)).to.have.length(1);
    expect(await events(fw, 'sla.warning', id)).to.have.length(1);
  });
});

describe('workflow/sla: the record hook in the record pipeline', () => {
  let fw: TestEngine;
  let clock: Clock;

  before(async () => {
    ({ fw, clock } = await slaEngine());
    if (!fw.hooks.list().some((h) => h.name === 'sla')) fw.hooks.register(slaRecordHook);
  });
  after(async () => { await fw?.dispose(); });

  it('moves the SLA on plain record-service writes, in their transaction', async () => {
    const actor = fw.systemActor;
    clock.set('2026-11-23T16:00:00.000Z');
    const { id } = await fw.records.createOne('ticket', { title: 'Through the pipeline', team: 'a' }, { actor }) as { id: string };
    expect(await slaOf(fw, id, 'ticket_resolution')).to.include({ state: 'active', dueAt: '2026-11-24T15:30:00.000Z' });
    clock.set('2026-11-24T10:00:00.000Z');
    await fw.records.updateOne('ticket', id, { state: 'waiting' }, { actor });
    expect(await slaOf(fw, id, 'ticket_resolution')).to.include({ state: 'paused', elapsedMs: 2.5 * H });
    clock.set('2026-11-26T12:00:00.000Z');
    await fw.records.updateOne('ticket', id, { state: 'in_progress' }, { actor });
    expect(await slaOf(fw, id, 'ticket_resolution')).to.include({ state: 'active', dueAt: '2026-11-26T17:30:00.000Z' });
    expect(await runSlaCheck(fw, new Date('2026-11-26T17:30:00.000Z'))).to.deep.equal({ warnings: 1, breaches: 1, failedActions: 0 });
    expect((await fw.records.readOne('ticket', id, { actor })).escalated).to.equal(true);
    expect(await slaOf(fw, id, 'ticket_resolution')).to.include({ state: 'breached', generation: 1 });
    await expectRejected(fw.records.updateOne('ticket', id, { state: 'resolved', title: '' }, { actor }));
    expect(await slaOf(fw, id, 'ticket_resolution'), 'a refused write moves nothing').to.include({ state: 'breached' });
    clock.set('2026-11-27T09:30:00.000Z');
    await fw.records.deleteOne('ticket', id, { actor });
    expect(await slaOf(fw, id, 'ticket_resolution')).to.include({ state: 'cancelled', elapsedMs: 8.5 * H });
  });
});

async function expectRejected(p: Promise<unknown>): Promise<void> {
  try { await p; } catch { return; }
  throw new Error('expected the write to be refused');
}
