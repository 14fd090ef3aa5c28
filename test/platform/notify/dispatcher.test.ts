import { expect } from 'chai';
import { dispatchNotifications, NOTIFY_EVENT } from '../../../platform/notify/index.js';
import type { Actor, RecordData } from '../../../platform/records/types.js';
import type { TestEngine } from '../../support/engine.js';
import { actorOf, countRows, createCast, emit, inbox, notifyEngine, outbox, type Cast } from './notify-support.js';

describe('notifications: dispatcher', () => {
  let fw: TestEngine;
  let cast: Cast;
  let creator: Actor;
  const dispatch = () => dispatchNotifications(fw);
  const create = (data: RecordData, table = 'nt_case') => fw.records.createOne(table, { short_description: 'A case', ...data }, { actor: creator });
  const update = (r: RecordData, patch: RecordData, actor: Actor = creator) => fw.records.updateOne('nt_case', r.id as string, patch, { actor });
  const titles = async (u: Cast[keyof Cast], notification?: string) =>
    (await inbox(fw, u, notification ? { notification } : {})).map((n) => n.title);

  before(async () => {
    fw = await notifyEngine();
    cast = await createCast(fw);
    creator = await actorOf(fw, cast.creator);
    // Whatever seeding wrote is not part of these tests.
    await dispatch();
  });
  after(async () => { await fw?.dispose(); });

  describe('record changes (from the audit trail)', () => {
    it('notifies the roles of a created record, each with their own view of it, in-app and by mail', async () => {
      const r = await create({ short_description: 'Printer <b>jam</b> & "smoke"', secret_note: 'S3cret' });
      const result = await dispatch();
      expect(result.notifications).to.equal(2);
      const subject = `New case ${String(r.number)}: Printer <b>jam</b> & "smoke"`;
      const [forAgent] = await inbox(fw, cast.agent, { notification: 'nt_case_created' });
      const [forManager] = await inbox(fw, cast.manager, { notification: 'nt_case_created' });
      expect(forAgent).to.include({ title: subject, table_name: 'nt_case', record_id: r.id, url: `/tables/nt_case/${String(r.id)}#activity`, read_at: null });
      // The agent may not read secret_note: it is absent from their notification; the manager sees it.
      expect(forAgent!.body).to.equal(`${cast.creator.username} raised ${String(r.number)} (Printer <b>jam</b> & "smoke"). Note: `);
      expect(forManager!.body).to.contain('Note: S3cret');
      // The person who made the change is not told about it; people without the role are not either.
      expect(await titles(cast.creator)).to.deep.equal([]);
      expect(await titles(cast.viewer)).to.deep.equal([]);

      const mails = await outbox(fw, { notification: 'nt_case_created', source_id: forAgent!.source_id });
      expect(mails.map((m) => m.to_address)).to.have.members([cast.agent.user.email, cast.manager.user.email]);
      const toAgent = mails.find((m) => m.to_address === cast.agent.user.email)!;
      expect(toAgent).to.include({ subject, status: 'pending', attempts: 0 });
      // Plain text is never escaped; the HTML body escapes every value and links to the record's history.
      expect(toAgent.text).to.contain('Printer <b>jam</b> & "smoke"');
      expect(toAgent.html).to.contain('Printer &lt;b&gt;jam&lt;/b&gt; &amp; &quot;smoke&quot;').and.not.contain('<b>jam');
      expect(toAgent.html).to.contain(`<a href="http://127.0.0.1:3000/tables/nt_case/${String(r.id)}#activity">`);
      expect(toAgent.html).to.contain('<p>Note: </p>');
      expect(mails.find((m) => m.to_address === cast.manager.user.email)!.html).to.contain('Note: S3cret');

      // Handled once: a second run writes nothing.
      expect(await dispatch()).to.deep.include({ notifications: 0, mails: 0 });
      expect(await inbox(fw, cast.agent, { notification: 'nt_case_created' })).to.have.length(1);
    });

    it('names the class of a record of a table extending the notification\'s table', async () => {
      const r = await create({ detail: 'x' }, 'nt_item');
      await dispatch();
      const [n] = await inbox(fw, cast.agent, { record_id: r.id });
      expect(n).to.include({ table_name: 'nt_item', url: `/tables/nt_item/${String(r.id)}#activity`, title: `New case ${String(r.number)}: A case` });
    });

    it('notifies the person a field names when it changes, if they can read the record', async () => {
      const r = await create({});
      await update(r, { assigned_to: cast.outsider.username });
      await dispatch();
      // The outsider reads no cases: not notified.
      expect(await inbox(fw, cast.outsider)).to.deep.equal([]);
      await update({ ...r, version: 2 }, { assigned_to: cast.agent.username });
      await dispatch();
      const [n] = await inbox(fw, cast.agent, { notification: 'nt_case_assigned', record_id: r.id });
      expect(n).to.include({ title: `${String(r.number)} is assigned to you` });
      // The link reads as the record's number and title: the notification itself opens the record.
      expect(n!.body).to.equal(`Assigned by ${cast.creator.username} (was ${cast.outsider.username}). ${String(r.number)}: A case`);
      expect(n).to.include({ url: `/tables/nt_case/${String(r.id)}#activity` });
      // By mail: the name with its address (plain text), and a link named so in the HTML part made from the text.
      const [mail] = await outbox(fw, { notification: 'nt_case_assigned', source_id: n!.source_id });
      const address = `http://127.0.0.1:3000/tables/nt_case/${String(r.id)}#activity`;
      expect(mail!.text).to.equal(`Assigned by ${cast.creator.username} (was ${cast.outsider.username}). ${String(r.number)}: A case <${address}>`);
      expect(mail!.html).to.equal(`<p>Assigned by ${cast.creator.username} (was ${cast.outsider.username}). <a href="${address}">${String(r.number)}: A case</a></p>`);
      // A change of another field does not send it again.
      await update({ ...r, version: 3 }, { priority: '3' });
      await dispatch();
      expect(await inbox(fw, cast.agent, { notification: 'nt_case_assigned', record_id: r.id })).to.have.length(1);
    });

    it('treats a field set on create as a change, and never tells the person who set it', async () => {
      const r = await create({ assigned_to: cast.agent.user.email });
      const mine = await create({ assigned_to: cast.creator.username });
      await dispatch();
      expect((await inbox(fw, cast.agent, { notification: 'nt_case_assigned', record_id: r.id })).map((n) => n.body)).to.deep.equal([
        `Assigned by ${cast.creator.username}. ${String(r.number)}: A case`,
      ]);
      expect(await inbox(fw, cast.creator, { record_id: mine.id })).to.deep.equal([]);
    });

    it('evaluates the condition with previous values, and filters by the row condition of the recipient\'s role', async () => {
      const r = await create({ priority: '3' });
      await update(r, { priority: '2' });
      await dispatch();
      expect(await inbox(fw, cast.viewer, { record_id: r.id })).to.deep.equal([]);
      await update({ ...r, version: 2 }, { priority: '1' });
      await dispatch();
      expect((await inbox(fw, cast.viewer, { record_id: r.id })).map((n) => [n.title, n.body])).to.deep.equal([
        [`${String(r.number)} is now critical`, 'Priority went from 2 to 1.'],
      ]);
    });
  });

  describe('events', () => {
    it('sends a transition notification to the raiser and a user named by e-mail, not to an unknown address', async () => {
      const r = await create({ contact_email: cast.manager.user.email });
      const other = await create({ contact_email: 'someone@elsewhere.test' });
      await dispatch();
      const agent = await actorOf(fw, cast.agent);
      await emit(fw, 'workflow.transition', r, { table: 'nt_case', id: r.id, transition: 'resolve', from: 'in_progress', to: 'resolved' }, agent);
      await emit(fw, 'workflow.transition', other, { table: 'nt_case', id: other.id, transition: 'resolve', from: 'new', to: 'resolved' }, agent);
      await emit(fw, 'workflow.transition', r, { table: 'nt_case', id: r.id, transition: 'reopen', from: 'resolved', to: 'in_progress' }, agent);
      const mailsBefore = await countRows(fw.db.knex, 'sys_outbox');
      await dispatch();
      expect((await inbox(fw, cast.creator, { notification: 'nt_case_resolved' })).map((n) => [n.record_id, n.body])).to.deep.equal([
        [r.id, `${String(r.number)} moved from in_progress to resolved.`],
        [other.id, `${String(other.number)} moved from new to resolved.`],
      ]);
      expect((await inbox(fw, cast.manager, { notification: 'nt_case_resolved' })).map((n) => n.record_id)).to.deep.equal([r.id]);
      const mails = await fw.db.knex('sys_outbox').orderBy('id').offset(mailsBefore);
      expect(mails.map((m) => m.to_address)).to.have.members([cast.creator.user.email, cast.creator.user.email, cast.manager.user.email]);
      expect(await countRows(fw.db.knex, 'sys_event', { processed_at: null })).to.equal(0);
    });

    it('sends SLA warnings to the organisation administrators of the record\'s organisation and a queue\'s members', async () => {
      const queue = { id: '018f0000-0000-7000-8000-0000000000d1', name: 'nt_desk', label: 'Desk', created_at: fw.clock.now().toISOString() };
      await fw.db.knex('sys_queue').insert(queue);
      await fw.db.knex('sys_queue_member').insert([cast.agent, cast.outsider].map((u) => ({ queue_id: queue.id, user_id: u.user.id, created_at: queue.created_at })));
      const r = await create({});
      await emit(fw, 'sla.warning', r, { sla: 'resolution', percent: 75 });
      await dispatch();
      expect((await inbox(fw, cast.adminA, { record_id: r.id })).map((n) => [n.title, n.body])).to.deep.equal([
        [`SLA warning on ${String(r.number)}`, '75% of the time to resolve has gone.'],
      ]);
      expect(await inbox(fw, cast.adminB, { record_id: r.id })).to.deep.equal([]);
      // Queue members who can read the case (not the outsider).
      expect((await inbox(fw, cast.agent, { record_id: r.id, notification: 'nt_case_sla_warning' })).map((n) => n.title)).to.deep.equal([`SLA warning on ${String(r.number)}`]);
      expect(await inbox(fw, cast.outsider, { record_id: r.id })).to.deep.equal([]);
    });

    it('sends SLA breaches to a role only where its row condition lets them read the record', async () => {
      const low = await create({ priority: '4' });
      const critical = await create({ priority: '1' });
      await emit(fw, 'sla.breach', low, { sla: 'resolution' });
      await emit(fw, 'sla.breach', critical, { sla: 'resolution' });
      await dispatch();
      expect((await inbox(fw, cast.viewer, { notification: 'nt_case_sla_breach' })).map((n) => n.record_id)).to.deep.equal([critical.id]);
      expect((await inbox(fw, cast.adminA, { notification: 'nt_case_sla_breach' })).map((n) => n.record_id)).to.deep.equal([low.id, critical.id]);
    });

    it('sends an approval request to the approvers and delegates the event names', async () => {
      const r = await create({});
      await emit(fw, 'approval.requested', r, { approval: 'manager_ok', approvers: [cast.manager.username, cast.outsider.username], delegates: [] });
      await dispatch();
      const [n] = await inbox(fw, cast.manager, { notification: 'nt_case_approval' });
      expect(n).to.include({ title: `Approval requested: ${String(r.number)}`, body: `Please approve ${String(r.number)}, ${cast.manager.user.display_name!}.` });
      expect(await outbox(fw, { notification: 'nt_case_approval' })).to.have.length(1);
      expect(await inbox(fw, cast.outsider, { record_id: r.id })).to.deep.equal([]);
    });

    it('mails a fixed address for a named event about no record', async () => {
      await emit(fw, 'nt.escalated', null, { reason: 'Line <down>' });
      await dispatch();
      const [m] = await outbox(fw, { notification: 'nt_escalated' });
      expect(m).to.include({ to_address: 'desk@example.test', subject: 'Escalation: Line <down>', text: 'Reason: Line <down>', html: null, user_id: null });
    });

    it('sends a notification by name when asked (a transition\'s notify effect)', async () => {
      const r = await create({ assigned_to: cast.agent.username });
      await dispatch();
      await emit(fw, NOTIFY_EVENT, r, { notification: 'nt_case_reminder' });
      await emit(fw, NOTIFY_EVENT, r, { notification: 'no_such_notification' });
      await dispatch();
      expect((await inbox(fw, cast.agent, { notification: 'nt_case_reminder' })).map((n) => n.title)).to.deep.equal([`Reminder about ${String(r.number)}`]);
    });

    it('notifies nothing about a record deleted before the event was handled', async () => {
      await emit(fw, 'sla.breach', { id: '018f0000-0000-7000-8000-00000000dead' }, {});
      const result = await dispatch();
      expect(result).to.deep.include({ notifications: 0, failed: 0 });
      expect(await countRows(fw.db.knex, 'sys_event', { processed_at: null })).to.equal(0);
    });
  });

  describe('transactions', () => {
    it('produces nothing for a rolled-back write', async () => {
      const before = { n: await countRows(fw.db.knex, 'sys_notification'), m: await countRows(fw.db.knex, 'sys_outbox') };
      let id = '';
      await fw.db.knex.transaction(async (trx) => {
        const r = await fw.records.createOne('nt_case', { short_description: 'Never was', assigned_to: cast.agent.username }, { actor: creator, trx });
        id = r.id as string;
        await trx('sys_event').insert({ id: '018f0000-0000-7000-8000-0000000000aa', name: 'sla.breach', table_name: 'nt_case', record_id: id, payload: '{}', created_at: fw.clock.now().toISOString() });
        throw new Error('roll back');
      }).catch((e: Error) => expect(e.message).to.equal('roll back'));
      expect(await dispatch()).to.deep.include({ notifications: 0, mails: 0, failed: 0 });
      expect({ n: await countRows(fw.db.knex, 'sys_notification'), m: await countRows(fw.db.knex, 'sys_outbox') }).to.deep.equal(before);
      expect(await countRows(fw.db.knex, 'sys_audit', { record_id: id })).to.equal(0);
    });

    it('writes the in-app notifications and the mail of an item in one transaction with its claim', async () => {
      const r = await create({ priority: '2' });
      await dispatch();
      const event = await emit(fw, 'approval.requested', r, { approvers: [cast.manager.user.id] });
      // The outbox cannot take the mail: the in-app notification is rolled back with it, and the event stays pending.
      await fw.db.knex.schema.renameTable('sys_outbox', 'sys_outbox_away');
      try {
        const failed = await dispatch();
        expect(failed).to.deep.include({ failed: 1, notifications: 0 });
      } finally {
        await fw.db.knex.schema.renameTable('sys_outbox_away', 'sys_outbox');
      }
      expect(await inbox(fw, cast.manager, { source_id: event })).to.deep.equal([]);
      expect((await fw.db.knex('sys_event').where({ id: event }).first()).processed_at).to.equal(null);
      // The next run succeeds, once.
      expect(await dispatch()).to.deep.include({ notifications: 1, mails: 1, failed: 0 });
      expect(await inbox(fw, cast.manager, { source_id: event })).to.have.length(1);
      expect(await outbox(fw, { source_id: event })).to.have.length(1);
    });

    it('lets concurrent dispatchers handle each item once', async () => {
      const rs = await Promise.all([1, 2, 3].map((i) => create({ short_description: `Concurrent ${i}` })));
      for (const r of rs) await emit(fw, 'sla.breach', r, {});
      const results = await Promise.all([dispatch(), dispatch(), dispatch()]);
      expect(results.reduce((n, x) => n + x.failed, 0)).to.equal(0);
      for (const r of rs) {
        expect(await inbox(fw, cast.agent, { record_id: r.id, notification: 'nt_case_created' })).to.have.length(1);
        expect(await inbox(fw, cast.adminA, { record_id: r.id, notification: 'nt_case_sla_breach' })).to.have.length(1);
        expect(await outbox(fw, { to_address: cast.agent.user.email, notification: 'nt_case_created', source_id: (await inbox(fw, cast.agent, { record_id: r.id }))[0]!.source_id })).to.have.length(1);
      }
    });
  });
});
