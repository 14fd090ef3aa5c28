import { expect } from 'chai';
import { createLogger } from '../../../platform/log.js';
import {
  claimMail, createMailer, dispatchNotifications, sendPendingMail, startNotificationRunners,
} from '../../../platform/notify/index.js';
import type { Actor } from '../../../platform/records/types.js';
import { steppingClock, type TestEngine } from '../../support/engine.js';
import { startSmtpServer, type TestSmtpServer } from '../../support/smtp.js';
import { actorOf, countRows, createCast, notifyEngine, outbox, type Cast } from './notify-support.js';

describe('notifications: mail sender (real SMTP on loopback)', () => {
  let smtp: TestSmtpServer;
  let fw: TestEngine;
  let cast: Cast;
  let creator: Actor;
  const clock = steppingClock(new Date().toISOString());
  const silent = createLogger('silent');
  /** A mailer whose server refuses connections: a port that was just closed. */
  let deadUrl = '';

  before(async () => {
    smtp = await startSmtpServer();
    const dead = await startSmtpServer();
    deadUrl = dead.url;
    await dead.close();
    fw = await notifyEngine({ clock, config: { smtpUrl: smtp.url, mailFrom: 'Formwork <formwork@example.test>' } });
    cast = await createCast(fw);
    creator = await actorOf(fw, cast.creator);
    await dispatchNotifications(fw);
    await fw.db.knex('sys_outbox').delete();
  });
  after(async () => {
    await fw?.dispose();
    await smtp?.close();
  });

  it('sends the mail of a committed write once, and marks it sent', async () => {
    const since = smtp.messages.length;
    const r = await fw.records.createOne('nt_case', { short_description: 'Boiler <leak>', assigned_to: cast.agent.username }, { actor: creator });
    await dispatchNotifications(fw);
    const result = await sendPendingMail(fw);
    expect(result).to.deep.equal({ sent: 3, retried: 0, failed: 0 });
    const assigned = await smtp.waitFor((m) => m.subject === `${String(r.number)} is assigned to you`, { since });
    expect(assigned.to).to.deep.equal([cast.agent.user.email]);
    expect(assigned.from).to.equal('formwork@example.test');
    expect(assigned.text).to.contain(`Assigned by ${cast.creator.username}.`);
    const created = await smtp.waitFor((m) => m.subject.startsWith('New case') && m.to[0] === cast.agent.user.email, { since });
    expect(created.text).to.contain('Boiler <leak>');
    expect((await outbox(fw)).map((m) => [m.status, m.attempts, m.claim_token])).to.deep.equal([['sent', 1, null], ['sent', 1, null], ['sent', 1, null]]);
    expect(await sendPendingMail(fw)).to.deep.equal({ sent: 0, retried: 0, failed: 0 });
    expect(smtp.messages.length - since).to.equal(3);
  });

  it('sends nothing for a rolled-back write', async () => {
    const since = smtp.messages.length;
    await fw.db.knex.transaction(async (trx) => {
      await fw.records.createOne('nt_case', { short_description: 'Rolled back', assigned_to: cast.agent.username }, { actor: creator, trx });
      throw new Error('roll back');
    }).catch(() => undefined);
    await dispatchNotifications(fw);
    expect(await sendPendingMail(fw)).to.deep.equal({ sent: 0, retried: 0, failed: 0 });
    expect(await countRows(fw.db.knex, 'sys_outbox', { status: 'pending' })).to.equal(0);
    // sendPendingMail resolves once its mail was accepted: sending none, it started no SMTP conversation to wait for.
    expect(smtp.messages.slice(since)).to.deep.equal([]);
  });

  it('retries with backoff when the SMTP server cannot be reached, then sends', async () => {
    await fw.db.knex('sys_outbox').delete();
    const since = smtp.messages.length;
    const r = await fw.records.createOne('nt_case', { short_description: 'Retry me', assigned_to: cast.agent.username }, { actor: creator });
    await dispatchNotifications(fw);
    await fw.db.knex('sys_outbox').whereNot({ notification: 'nt_case_assigned' }).delete();
    const dead = createMailer({ smtpUrl: deadUrl, mailFrom: 'x@example.test' }, silent);
    expect(await sendPendingMail(fw, { mailer: dead })).to.deep.equal({ sent: 0, retried: 1, failed: 0 });
    const [row] = await outbox(fw);
    expect(row).to.include({ status: 'pending', attempts: 1, claim_token: null, next_attempt_at: new Date(clock.now().getTime() + 60_000).toISOString() });
    expect(row!.last_error).to.match(/ECONNREFUSED|connect/i);
    // Not due yet.
    expect(await sendPendingMail(fw)).to.deep.equal({ sent: 0, retried: 0, failed: 0 });
    clock.advance(60_000);
    expect(await sendPendingMail(fw, { mailer: dead })).to.deep.equal({ sent: 0, retried: 1, failed: 0 });
    // The delay doubles.
    expect((await outbox(fw))[0]!.next_attempt_at).to.equal(new Date(clock.now().getTime() + 120_000).toISOString());
    clock.advance(120_000);
    expect(await sendPendingMail(fw)).to.deep.equal({ sent: 1, retried: 0, failed: 0 });
    await smtp.waitFor((m) => m.subject === `${String(r.number)} is assigned to you`, { since });
    expect((await outbox(fw))[0]).to.include({ status: 'sent', attempts: 3, last_error: null });
    dead.close();
  });

  it('marks a message failed after the last attempt', async () => {
    await fw.db.knex('sys_outbox').delete();
    await fw.records.createOne('nt_case', { short_description: 'Give up', assigned_to: cast.agent.username }, { actor: creator });
    await dispatchNotifications(fw);
    await fw.db.knex('sys_outbox').whereNot({ notification: 'nt_case_assigned' }).delete();
    const dead = createMailer({ smtpUrl: deadUrl, mailFrom: 'x@example.test' }, silent);
    expect(await sendPendingMail(fw, { mailer: dead, maxAttempts: 2 })).to.deep.equal({ sent: 0, retried: 1, failed: 0 });
    clock.advance(60_000);
    expect(await sendPendingMail(fw, { mailer: dead, maxAttempts: 2 })).to.deep.equal({ sent: 0, retried: 0, failed: 1 });
    expect((await outbox(fw))[0]).to.include({ status: 'failed', attempts: 2 });
    clock.advance(3_600_000);
    expect(await sendPendingMail(fw)).to.deep.equal({ sent: 0, retried: 0, failed: 0 });
    dead.close();
  });

  it('leaves mail waiting while SMTP is not configured', async () => {
    await fw.db.knex('sys_outbox').delete();
    await fw.records.createOne('nt_case', { short_description: 'No SMTP', assigned_to: cast.agent.username }, { actor: creator });
    await dispatchNotifications(fw);
    const none = createMailer({ smtpUrl: null, mailFrom: 'x@example.test' }, silent);
    expect(await sendPendingMail(fw, { mailer: none })).to.deep.equal({ sent: 0, retried: 0, failed: 0 });
    expect((await outbox(fw)).every((m) => m.status === 'pending' && m.attempts === 0)).to.equal(true);
    await sendPendingMail(fw);
  });

  it('claims a row once across senders, and takes over a claim whose lease ran out', async () => {
    await fw.db.knex('sys_outbox').delete();
    await fw.records.createOne('nt_case', { short_description: 'Claimed', assigned_to: cast.agent.username }, { actor: creator });
    await dispatchNotifications(fw);
    await fw.db.knex('sys_outbox').whereNot({ notification: 'nt_case_assigned' }).delete();
    const [a, b] = await Promise.all([claimMail(fw, { leaseMs: 30_000 }), claimMail(fw, { leaseMs: 30_000 })]);
    expect(a!.length + b!.length).to.equal(1);
    expect(await claimMail(fw)).to.deep.equal([]);
    clock.advance(30_000);
    const [again] = await claimMail(fw);
    expect(again).to.include({ attempts: 2 });
    // The first claim's holder can no longer settle it; the new holder sends it.
    expect((await outbox(fw))[0]!.claim_token).to.equal(again!.token);
    clock.advance(300_000);
    expect(await sendPendingMail(fw)).to.deep.equal({ sent: 1, retried: 0, failed: 0 });
  });

  it('runs in the background: dispatcher and sender started and stopped together', async () => {
    await fw.db.knex('sys_outbox').delete();
    const since = smtp.messages.length;
    const stop = startNotificationRunners(fw, { pollMs: 50 });
    try {
      const r = await fw.records.createOne('nt_case', { short_description: 'In the background', assigned_to: cast.agent.username }, { actor: creator });
      const mail = await smtp.waitFor((m) => m.subject === `${String(r.number)} is assigned to you`, { since, timeoutMs: 10_000 });
      expect(mail.to).to.deep.equal([cast.agent.user.email]);
    } finally {
      await stop();
    }
    // Stopped: no run is scheduled or in progress, and a stopped loop never schedules one again, so a later write
    // stays undispatched (no outbox row) without waiting to see whether something happens.
    expect(stop.idle()).to.equal(true);
    const count = await countRows(fw.db.knex, 'sys_outbox');
    await fw.records.createOne('nt_case', { short_description: 'After stopping' }, { actor: creator });
    expect(stop.idle()).to.equal(true);
    expect(await countRows(fw.db.knex, 'sys_outbox')).to.equal(count);
  });
});
