import { expect } from 'chai';
import { createTestEngine, fixture, CORE_DEFINITIONS, userActor, steppingClock, type TestEngine } from '../../support/engine.js';
import { expectError } from '../../support/errors.js';
import type { Actor, RecordData } from '../../../platform/records/types.js';
import { MAX_RULE_DEPTH } from '../../../platform/rules/chain.js';
import { pendingEvents } from '../../../platform/rules/events.js';
import { workflowService } from '../../../platform/workflow/index.js';

describe('business rules', () => {
  let fw: TestEngine;
  let user: Actor;
  const clock = steppingClock();
  const create = (data: RecordData, table = 'rt_case') => fw.records.createOne(table, data, { actor: user });
  const update = (id: unknown, patch: RecordData, table = 'rt_case') => fw.records.updateOne(table, id as string, patch, { actor: user });
  const read = (id: unknown, table = 'rt_case') => fw.records.readOne(table, id as string, { actor: fw.systemActor });
  const count = async (table: string, where: Record<string, unknown> = {}) => Number((await fw.db.knex(table).where(where).count({ n: '*' }).first())!.n);
  const audits = (id: unknown) => fw.db.knex('sys_audit').where({ record_id: id as string }).orderBy([{ column: 'version' }, { column: 'id' }]);
  const journal = (id: unknown, table = 'rt_case') => fw.records.journal(table, id as string, { actor: fw.systemActor });
  const logsFor = async (id: unknown) => (await fw.records.query('rt_log', { filter: { fact: 'case_ref', operator: 'equal', value: id } }, { actor: fw.systemActor })).records;

  before(async () => {
    fw = await createTestEngine({ roots: [CORE_DEFINITIONS, fixture('packs/rules')], clock });
    user = userActor(['rt_user'], { username: 'tester' });
  });
  after(async () => { await fw.dispose(); });

  describe('before rules', () => {
    it('set a field from a template as part of the user\'s own write', async () => {
      const r = await create({ title: 'Printer' });
      expect(r.summary).to.equal('Printer by tester');
      const [insert] = await audits(r.id);
      expect(insert).to.include({ operation: 'insert', actor_name: 'tester', actor_id: user.id });
      expect(JSON.parse(insert.changes).summary).to.deep.equal([null, 'Printer by tester']);
    });

    it('react to changesTo only when the field changes to the value, with previous.* in templates', async () => {
      const r = await create({ title: 'Resolve me' });
      expect(r.resolved_at).to.equal(null);
      clock.advance(60_000);
      const resolvedAt = clock.now().toISOString();
      const u = await update(r.id, { status: 'resolved' });
      expect(u.resolved_at).to.equal(resolvedAt);
      const notes = await journal(r.id);
      const stamp = notes.find((n) => n.body.startsWith('Resolution time stamped'))!;
      expect(stamp).to.include({ field: 'notes', entryType: 'work_note', createdBy: 'rule:rt_resolved_at for tester', body: `Resolution time stamped at ${resolvedAt} (was new).` });
      clock.advance(60_000);
      const again = await update(r.id, { detail: 'still resolved' });
      expect(again.resolved_at, 'not stamped again: the state did not change').to.equal(resolvedAt);
      // On insert there is no previous record: a record created resolved changes to resolved.
      const born = await create({ title: 'Born resolved', status: 'resolved' });
      expect(born.resolved_at).to.equal(clock.now().toISOString());
    });

    it('run in order, then by name', async () => {
      expect((await create({ title: 'order matters' })).trail).to.equal('1-a-b');
      expect((await create({ title: 'no order' })).trail).to.equal(null);
    });

    it('abort with the rendered message (422 rule_aborted) and write nothing', async () => {
      const r = await create({ title: 'Close me', status: 'active' });
      const before = { audit: await count('sys_audit'), journal: await count('sys_journal'), events: await count('sys_event') };
      const e = await expectError(update(r.id, { status: 'closed', secret_note: 'n' }), 'rule_aborted');
      expect(e.status).to.equal(422);
      expect(e.message).to.equal(`Give a detail before closing ${String(r.number)} (Close me).`);
      expect(e.extra).to.deep.equal({ rule: 'rt_close_needs_detail' });
      expect(await read(r.id)).to.include({ status: 'active', version: 1, secret_note: null });
      expect({ audit: await count('sys_audit'), journal: await count('sys_journal'), events: await count('sys_event') }).to.deep.equal(before);
      expect((await update(r.id, { status: 'closed', detail: 'done' })).status).to.equal('closed');
    });

    it('abort a delete', async () => {
      const r = await create({ title: 'Busy', status: 'active' });
      const e = await expectError(fw.records.deleteOne('rt_case', r.id as string, { actor: user }), 'rule_aborted');
      expect(e.message).to.equal(`${String(r.number)} is active and cannot be deleted.`);
      expect((await read(r.id)).id).to.equal(r.id);
    });
  });

  describe('after rules', () => {
    it('create a related record in the same transaction, as the rule acting for the user', async () => {
      const r = await create({ title: 'Logged', kind: 'outage', status: 'active', sites: 3 });
      const [log] = await logsFor(r.id);
      expect(log).to.include({ message: `Created ${String(r.number)}: Logged`, sites: 3, created_by: user.id });
      const [audit] = await audits(log!.id);
      expect(audit).to.include({ operation: 'insert', actor_id: user.id, actor_name: 'rule:rt_log_creation for tester' });
    });

    it('roll back what earlier rules did when a later rule aborts', async () => {
      const before = { cases: await count('rt_case'), audit: await count('sys_audit'), journal: await count('sys_journal') };
      const e = await expectError(create({ title: 'ROLLBACK me' }), 'rule_aborted');
      expect(e.message).to.equal('Rolled back ROLLBACK me.');
      expect(await count('rt_case'), 'neither the case nor its log record').to.equal(before.cases);
      expect((await fw.records.query('rt_log', { filter: { fact: 'message', operator: 'contains', value: 'ROLLBACK me' } }, { actor: fw.systemActor })).total).to.equal(0);
      expect(await count('sys_audit')).to.equal(before.audit);
      expect(await count('sys_journal')).to.equal(before.journal);
    });

    it('set fields through the pipeline again: a new version audited as rule:<name> for <user>', async () => {
      const r = await create({ title: 'Activate' });
      const u = await update(r.id, { status: 'active' });
      expect(u).to.include({ status: 'active', summary: 'activated by tester from new', version: 3, updated_by: user.id });
      expect(await read(r.id)).to.include({ summary: 'activated by tester from new', version: 3 });
      const rows = await audits(r.id);
      expect(rows.map((a) => [a.version, a.actor_id, a.actor_name, Object.keys(JSON.parse(a.changes))])).to.deep.equal([
        [1, user.id, 'tester', ['title', 'kind', 'status', 'summary', 'counter']],
        [2, user.id, 'tester', ['status']],
        [3, user.id, 'rule:rt_activate for tester', ['summary']],
      ]);
    });

    it('add journal entries and emit events, written only when the write commits', async () => {
      const r = await create({ title: 'Evt <b>O\'Brien</b>' });
      await update(r.id, { status: 'resolved' });
      const notes = await journal(r.id);
      expect(notes.find((n) => n.body.startsWith('Resolved by'))).to.include({
        body: 'Resolved by tester: Evt <b>O\'Brien</b>', createdBy: 'rule:rt_resolution for tester', entryType: 'work_note',
      });
      const events = await fw.db.knex('sys_event').where({ record_id: r.id as string });
      expect(events).to.have.length(1);
      expect(events[0]).to.include({ name: 'rt_case.resolved', table_name: 'rt_case', actor_id: user.id, actor_name: 'tester', source: 'rule:rt_resolution', processed_at: null });
      expect(JSON.parse(events[0].payload)).to.deep.equal({ title: 'Evt <b>O\'Brien</b>', counter: 0, by: 'tester', fixed: 1 });
      expect((await pendingEvents(fw.db.knex, 1000)).map((x) => x.recordId)).to.include(r.id);

      // A later rule aborts the same kind of update: no event, no journal entry, no change.
      const other = await create({ title: 'Evt 2' });
      const journalBefore = await count('sys_journal');
      await expectError(update(other.id, { title: 'ROLLBACK evt', status: 'resolved' }), 'rule_aborted');
      expect(await fw.db.knex('sys_event').where({ record_id: other.id as string })).to.have.length(0);
      expect(await count('sys_journal')).to.equal(journalBefore);
      expect(await read(other.id)).to.include({ title: 'Evt 2', status: 'new', version: 1, resolved_at: null });
    });

    it('run after a delete, on the deleted record', async () => {
      const r = await create({ title: 'Delete me' });
      for (const log of await logsFor(r.id)) await fw.records.deleteOne('rt_log', log.id as string, { actor: user });
      await fw.records.deleteOne('rt_case', r.id as string, { actor: user });
      const [event] = await fw.db.knex('sys_event').where({ record_id: r.id as string });
      expect(event).to.include({ name: 'rt_case.deleted' });
      expect(JSON.parse(event.payload)).to.deep.equal({ number: r.number });
    });
  });

  describe('tables extending the rule\'s table', () => {
    it('run the parent\'s rules and their own', async () => {
      const kid = await create({ title: 'Kid' }, 'rt_child');
      expect(kid).to.include({ summary: 'Kid by tester', extra: 'child rt_child Kid' });
      expect(await logsFor(kid.id)).to.have.length(1);
      // A parent record does not run the child's rules.
      expect(fw.registry.current.getTable('rt_case').fields.has('extra')).to.equal(false);
    });

    it('run the rules of the record\'s own table when it is updated through the parent', async () => {
      const kid = await create({ title: 'Kid' }, 'rt_child');
      const u = await update(kid.id, { title: 'Grown' }, 'rt_case');
      expect(u).to.not.have.property('extra');
      expect((await read(kid.id, 'rt_child')).extra).to.equal('child rt_child Grown');
    });
  });

  describe('re-entrance', () => {
    it(`fails beyond ${MAX_RULE_DEPTH} nested rule writes with rule_depth_exceeded naming the chain, writing nothing`, async () => {
      const loop = await fw.records.createOne('rt_loop', { name: 'ping-pong' }, { actor: user });
      const auditBefore = await count('sys_audit');
      const e = await expectError(update(loop.id, { flag: true }, 'rt_loop'), 'rule_depth_exceeded');
      expect(e.message).to.include('more than 8 levels deep');
      expect(e.message).to.include('rt_loop_on (after update on rt_loop) → rt_loop_off (after update on rt_loop) → rt_loop_on');
      expect(e.extra.chain as string[]).to.have.length(MAX_RULE_DEPTH + 1);
      expect(await read(loop.id, 'rt_loop')).to.include({ flag: false, version: 1 });
      expect(await count('sys_audit')).to.equal(auditBefore);
    });
  });

  describe('the core pack\'s example rules', () => {
    const admin = () => userActor(['admin'], { username: 'ada' });

    it('stamp, note and announce a resolution; clear it on reopening; keep closed tasks closed', async () => {
      // People move the state by the task workflow's transitions (platform/workflow); the rules run on those writes.
      const move = (id: unknown, transition: string, input = {}) => workflowService(fw).transition('incident', id as string, transition, input, admin()).then((t) => t.record);
      const r = await fw.records.createOne('incident', { short_description: 'Mail down', category: 'software' }, { actor: admin() });
      clock.advance(1000);
      const at = clock.now().toISOString();
      const resolved = await move(r.id, 'resolve', { fields: { close_notes: 'Restarted the mail server' } });
      expect(resolved.resolved_at).to.equal(at);
      const notes = await fw.records.journal('incident', r.id as string, { actor: fw.systemActor, field: 'work_notes' });
      // The note prints the time with the label helper: as people read it, in UTC.
      const shown = `${new Date(at).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })}, ${at.slice(11, 16)} UTC`;
      expect(notes.map((n) => [n.body, n.createdBy])).to.deep.include([`Resolved by ada at ${shown}.`, 'rule:task_resolution_note for ada']);
      const [event] = await fw.db.knex('sys_event').where({ record_id: r.id as string, name: 'task.resolved' });
      expect(JSON.parse(event.payload)).to.deep.equal({ number: r.number, resolved_by: 'ada', priority: '4' });
      expect(event.table_name).to.equal('incident');

      const reopened = await move(r.id, 'reopen', { comment: 'Mail is down again' });
      expect(reopened.resolved_at).to.equal(null);
      await move(r.id, 'resolve');
      await move(r.id, 'close');
      // No transition leaves "closed"; the rule refuses even the system's own write.
      const e = await expectError(fw.records.updateOne('incident', r.id as string, { state: 'new' }, { actor: fw.systemActor }), 'rule_aborted');
      expect(e.message).to.equal(`${String(r.number)} is closed and cannot be reopened; raise a new task instead.`);
    });

    it('do not let a user set the rule-owned resolved_at', async () => {
      const r = await fw.records.createOne('task', { short_description: 'T' }, { actor: admin() });
      await expectError(fw.records.updateOne('task', r.id as string, { resolved_at: '2026-01-01T00:00:00Z' }, { actor: admin() }), 'forbidden');
    });
  });
});
