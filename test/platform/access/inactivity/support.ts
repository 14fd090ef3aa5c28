/**
 * Builders for the inactivity tests: an engine on a fixed clock with mail going to a real SMTP server on loopback,
 * people whose last activity lies a given number of days back, a hand-made JobContext that records counts and
 * progress, and look-ups of the notices and mail written.
 */
import { sendPendingMail } from '../../../../platform/notify/index.js';
import type { JobContext, RunCounts } from '../../../../platform/jobs/types.js';
import { createUser, ensureOrg, type TestUser, type TestUserOptions } from '../../../support/auth.js';
import { createTestEngine, steppingClock, type TestEngine } from '../../../support/engine.js';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from '../../../support/smtp.js';

export const T0 = '2026-12-07T02:00:00.000Z';
export const DAY = 86_400_000;

export interface InactivityWorld {
  fw: TestEngine;
  clock: ReturnType<typeof steppingClock>;
  smtp: TestSmtpServer;
  close(): Promise<void>;
}

export async function inactivityWorld(): Promise<InactivityWorld> {
  const clock = steppingClock(T0);
  const smtp = await startSmtpServer();
  const fw = await createTestEngine({ clock, config: { smtpUrl: smtp.url, mailFrom: 'Formwork <formwork@example.test>' } });
  fw.config.scryptLog2N = 10;
  fw.config.signInRateLimit = 1000;
  return {
    fw, clock, smtp,
    async close() { await fw.dispose(); await smtp.close(); },
  };
}

let n = 0;

/** A person of organisation `org` last active `days` days before the clock's now. */
export async function person(
  w: InactivityWorld, name: string, org: string, days: number, options: TestUserOptions = {},
): Promise<TestUser> {
  n += 1;
  await ensureOrg(w.fw, org);
  const u = await createUser(w.fw, { username: `${name}_${n}`, org, ...options });
  await setInactive(w, u, days);
  return u;
}

/** Move the person's last activity to `days` days before now (as activity then would: a fresh spell). */
export async function setInactive(w: InactivityWorld, u: TestUser, days: number): Promise<void> {
  const at = new Date(w.clock.now().getTime() - days * DAY).toISOString();
  await w.fw.db.knex('sys_user').where({ id: u.user.id })
    .update({ last_active_at: at, inactivity_warned_days: null, inactivity_revoked_at: null, inactivity_warn_at: null });
}

export interface TestJobContext extends JobContext {
  counts: RunCounts;
  progressSeen: { done: number; total: number | null }[];
  controller: AbortController;
}

/** A JobContext as the runner would give it, on the world's clock, acting as the system actor. */
export function jobContext(w: InactivityWorld, parameters: Record<string, unknown> = {}): TestJobContext {
  const counts: RunCounts = { examined: 0, changed: 0, failed: 0 };
  const progressSeen: { done: number; total: number | null }[] = [];
  const controller = new AbortController();
  return {
    fw: w.fw, actor: { ...w.fw.systemActor, username: 'Inactivity job' }, parameters, signal: controller.signal, runId: '018f0000-0000-7000-8000-00000000a001',
    now: () => w.clock.now(),
    progress: (done, total = null) => { progressSeen.push({ done, total }); },
    count: (delta) => { for (const k of Object.keys(delta) as (keyof RunCounts)[]) counts[k] += delta[k] ?? 0; },
    counts, progressSeen, controller,
  };
}

/** Send what is in the outbox over SMTP and return the messages that arrived for it. */
export async function deliver(w: InactivityWorld): Promise<ReceivedMail[]> {
  const since = w.smtp.messages.length;
  let sent = 0;
  for (;;) {
    const r = await sendPendingMail(w.fw, { limit: 100 });
    sent += r.sent;
    if (!r.sent && !r.retried) break;
  }
  if (sent) await w.smtp.waitFor((_m) => w.smtp.messages.length - since >= sent, { since });
  return w.smtp.messages.slice(since);
}

/** In-app notifications of a notice kind (`notification` column), by recipient username. */
export async function inAppBy(w: InactivityWorld, notification: string): Promise<Record<string, string[]>> {
  const rows = await w.fw.db.knex('sys_notification as n').join('sys_user as u', 'u.id', 'n.user_id').where('n.notification', notification)
    .select('u.username', 'n.title').orderBy(['u.username', 'n.created_at']);
  const out: Record<string, string[]> = {};
  for (const r of rows) (out[r.username] ??= []).push(r.title);
  return out;
}

/** The audit entries' changes of an account, oldest first. */
export async function auditOf(w: InactivityWorld, u: TestUser): Promise<{ actor: string; changes: Record<string, [unknown, unknown]> }[]> {
  const rows = await w.fw.db.knex('sys_audit').where({ table_name: 'sys_user', record_id: u.user.id }).orderBy('id');
  return rows.map((r: { actor_name: string; changes: string }) => ({ actor: r.actor_name, changes: JSON.parse(r.changes) }));
}

export const statusOf = async (w: InactivityWorld, u: TestUser) => (await w.fw.db.knex('sys_user').where({ id: u.user.id }).first('status')).status as string;
