import { expect } from 'chai';
import { dispatchNotifications } from '../../../platform/notify/index.js';
import { uuidFloor } from '../../../platform/notify/feed.js';
import type { Actor } from '../../../platform/records/types.js';
import type { TestEngine } from '../../support/engine.js';
import { waitFor } from '../../support/wait.js';
import { actorOf, countRows, createCast, inbox, notifyEngine, type Cast } from './notify-support.js';

describe('notifications: the change feed (sys_audit)', () => {
  let fw: TestEngine;
  let cast: Cast;
  let creator: Actor;
  const position = async () => (await fw.db.knex('sys_notify_cursor').where({ name: 'audit' }).first()).position as string;

  let initial = '';
  before(async () => {
    fw = await notifyEngine();
    initial = await position();
    cast = await createCast(fw);
    creator = await actorOf(fw, cast.creator);
    await dispatchNotifications(fw);
  });
  after(async () => { await fw?.dispose(); });

  it('starts a fresh database at the beginning, and moves to now minus the look-back once caught up', async () => {
    expect(initial).to.equal('');
    const before = Date.now();
    await dispatchNotifications(fw, { lookbackMs: 60_000 });
    const now = await position();
    expect(now >= uuidFloor(before - 60_000) && now <= uuidFloor(Date.now() - 60_000), now).to.equal(true);
  });

  it('notifies a change committed late, behind rows already handled, within the look-back', async () => {
    const r = await fw.records.createOne('nt_case', { short_description: 'Late' }, { actor: creator });
    await fw.records.createOne('nt_case', { short_description: 'Early' }, { actor: creator });
    await dispatchNotifications(fw);
    const handled = (await fw.db.knex('sys_audit').where({ record_id: r.id }).first()).id as string;
    // An update whose transaction committed after later rows were read: its id sorts before them.
    const lateId = `${handled.slice(0, 14)}0${handled.slice(15, 35)}0`;
    expect(lateId < handled).to.equal(true);
    await fw.db.knex('sys_audit').insert({
      id: lateId, table_name: 'nt_case', record_id: r.id, operation: 'update', version: 2, changes: JSON.stringify({ assigned_to: [null, cast.agent.username] }),
      actor_id: cast.creator.user.id, actor_name: cast.creator.username, changed_at: fw.clock.now().toISOString(),
    });
    await dispatchNotifications(fw);
    expect((await inbox(fw, cast.agent, { notification: 'nt_case_assigned', record_id: r.id })).map((n) => n.source_id)).to.deep.equal([lateId]);
    await dispatchNotifications(fw);
    expect(await inbox(fw, cast.agent, { notification: 'nt_case_assigned', record_id: r.id })).to.have.length(1);
  });

  it('forgets handled ids behind the position, and ignores rows older than it', async () => {
    await fw.records.createOne('nt_case', { short_description: 'Pruned' }, { actor: creator });
    await dispatchNotifications(fw);
    expect(await countRows(fw.db.knex, 'sys_notify_seen')).to.be.greaterThan(0);
    // Audit ids are UUIDv7 (wall-clock milliseconds): a lookback of 0 puts them behind the position once the wall
    // clock has left the millisecond they were handled in.
    const handledBy = Date.now();
    await waitFor(() => Date.now() > handledBy, { interval: 1 });
    await dispatchNotifications(fw, { lookbackMs: 0 });
    expect(await countRows(fw.db.knex, 'sys_notify_seen')).to.equal(0);
    const old = `${uuidFloor(Date.now() - 3_600_000).slice(0, 24)}000000000001`;
    const r = await fw.records.createOne('nt_case', { short_description: 'Too late' }, { actor: creator });
    await dispatchNotifications(fw);
    await fw.db.knex('sys_audit').insert({
      id: old, table_name: 'nt_case', record_id: r.id, operation: 'update', version: 2, changes: JSON.stringify({ assigned_to: [null, cast.agent.username] }),
      actor_id: null, actor_name: 'system', changed_at: fw.clock.now().toISOString(),
    });
    await dispatchNotifications(fw);
    expect(await inbox(fw, cast.agent, { notification: 'nt_case_assigned', record_id: r.id })).to.deep.equal([]);
  });

  it('marks a change no notification matches as handled, writing nothing else', async () => {
    const before = await countRows(fw.db.knex, 'sys_notify_seen');
    await fw.records.createOne('task', { short_description: 'Core task, no assignee' }, { actor: fw.systemActor });
    await dispatchNotifications(fw, { lookbackMs: 3_600_000 });
    // The core notification task_assigned listens to task's assigned_to: a task without one produces nothing.
    expect(await countRows(fw.db.knex, 'sys_notify_seen')).to.equal(before + 1);
    expect(await countRows(fw.db.knex, 'sys_notification', { table_name: 'task' })).to.equal(0);
  });
});
