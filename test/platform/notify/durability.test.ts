import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dispatchNotifications, sendPendingMail } from '../../../platform/notify/index.js';
import { REPO, steppingClock, type TestEngine } from '../../support/engine.js';
import { startSmtpServer, type TestSmtpServer } from '../../support/smtp.js';
import { actorOf, createCast, inbox, notifyEngine, outbox, type Cast } from './notify-support.js';

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));

/**
 * Run crash-child.ts (node with tsx) in its own process group until it prints READY, then SIGKILL the whole group:
 * nothing after its step runs, no handler, no cleanup. Returns what it printed.
 */
async function runThenKill(env: Record<string, string>): Promise<Record<string, any>> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    cwd: REPO, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the child never got ready: ${err}`)), 45_000);
      child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const line = out.split('\n').find((l) => l.startsWith('READY '));
        if (line) { clearTimeout(timer); resolve(JSON.parse(line.slice(6)) as Record<string, any>); }
      });
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the child exited (${String(code)}) before it was killed: ${err}`)); });
    });
  } finally {
    try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
    await exited;
  }
}

describe('notifications: durability across a crash (SIGKILL) and a restart', function () {
  this.timeout(120_000);
  let fw: TestEngine;
  let smtp: TestSmtpServer;
  let cast: Cast;
  const clock = steppingClock(new Date().toISOString());
  const dbEnv = () => {
    const searchPath = (fw.db.knex.client.config as { searchPath?: string[] }).searchPath?.[0];
    return { NOTIFY_DB_URL: fw.testDb.url, ...(searchPath ? { NOTIFY_SEARCH_PATH: searchPath } : {}) };
  };

  before(async () => {
    smtp = await startSmtpServer();
    fw = await notifyEngine({ clock, config: { smtpUrl: smtp.url } });
    cast = await createCast(fw);
    await dispatchNotifications(fw);
    await fw.db.knex('sys_outbox').delete();
  });
  after(async () => {
    await fw?.dispose();
    await smtp?.close();
  });

  it('notifies, in another process, what a process killed before dispatching had committed', async () => {
    const written = await runThenKill({ ...dbEnv(), NOTIFY_STEP: 'write', NOTIFY_ACTOR: cast.creator.user.id, NOTIFY_ASSIGNEE: cast.agent.username });
    expect(await fw.db.knex('sys_event').where({ record_id: written.id }).first()).to.include({ name: 'sla.breach', processed_at: null });
    const result = await dispatchNotifications(fw);
    expect(result.failed).to.equal(0);
    expect((await inbox(fw, cast.agent, { record_id: written.id })).map((n) => n.notification)).to.have.members(['nt_case_created', 'nt_case_assigned']);
    expect((await inbox(fw, cast.adminA, { record_id: written.id })).map((n) => n.notification)).to.deep.equal(['nt_case_sla_breach']);
  });

  it('sends, after the lease, a mail a process claimed and was killed before sending (at-least-once)', async () => {
    await fw.db.knex('sys_outbox').delete();
    const since = smtp.messages.length;
    const creator = await actorOf(fw, cast.creator);
    const r = await fw.records.createOne('nt_case', { short_description: 'Crash before sending', assigned_to: cast.agent.username }, { actor: creator });
    const child = await runThenKill({ ...dbEnv(), NOTIFY_STEP: 'claim', NOTIFY_SMTP_URL: smtp.url, NOTIFY_LEASE_MS: '60000' });
    expect(child.dispatched.mails).to.be.greaterThan(0);
    const rows = await outbox(fw);
    expect(rows.map((m) => m.id)).to.have.members(child.claimed);
    expect(rows.every((m) => m.status === 'sending' && m.attempts === 1)).to.equal(true);
    expect(smtp.messages.length).to.equal(since);
    // Still claimed by the dead process: not sent before the lease ends, then sent by this runner.
    expect(await sendPendingMail(fw)).to.deep.include({ sent: 0 });
    clock.set(new Date(Date.now() + 61_000).toISOString());
    expect(await sendPendingMail(fw)).to.deep.equal({ sent: rows.length, retried: 0, failed: 0 });
    const mail = await smtp.waitFor((m) => m.subject === `${String(r.number)} is assigned to you`, { since });
    expect(mail.to).to.deep.equal([cast.agent.user.email]);
    expect((await outbox(fw)).map((m) => [m.status, m.attempts])).to.deep.equal(rows.map(() => ['sent', 2]));
  });
});
