/**
 * The mail sender: takes due rows of the outbox (sys_outbox), sends each through the mailer (SMTP) and marks it
 * sent; a failure is retried with exponential backoff and marked failed after `maxAttempts`.
 *
 * Claiming: a row is claimed by one guarded UPDATE (status pending and due, or a claim past its lease) that sets
 * status 'sending', a claim token and `claimed_until`; only the instance whose update changed the row sends it, and
 * only the holder of the token may settle it. A process that dies after claiming leaves the row 'sending'; once
 * the lease ends (default 5 minutes) any instance claims it again. So delivery is at-least-once: a process killed
 * after the SMTP server accepted a message but before marking it sent sends it again. Each message carries a stable
 * Message-ID (`<outbox id@formwork.outbox>`) so a receiving system can recognise the duplicate.
 */
import type { Knex } from 'knex';
import { v7 as uuidv7 } from 'uuid';
import type { Formwork } from '../context.js';
import type { Mailer } from './mailer.js';

export interface SendOptions {
  /** Rows claimed per run (default 20). */
  limit?: number;
  /** How long a claim holds before another instance may take the row over (default 5 minutes). */
  leaseMs?: number;
  /** Attempts before a row is marked failed (default 8). */
  maxAttempts?: number;
  /** First retry delay, doubled each attempt (default 1 minute), up to `maxBackoffMs` (default 1 hour). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** The mailer to use instead of fw.mailer. */
  mailer?: Mailer;
}

export interface SendResult {
  sent: number;
  /** Failed this time, to be retried. */
  retried: number;
  /** Failed for the last time. */
  failed: number;
}

export interface ClaimedMail {
  id: string;
  token: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  attempts: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Claim up to `limit` due rows of the outbox: pending ones whose next attempt is due, and those whose claim ran out
 * (a sender died). Each claim counts as an attempt.
 */
export async function claimMail(fw: Formwork, options: Pick<SendOptions, 'limit' | 'leaseMs'> = {}): Promise<ClaimedMail[]> {
  const knex = fw.db.knex;
  const nowMs = fw.clock.now().getTime();
  const now = iso(nowMs);
  const due = (q: Knex.QueryBuilder) => q.where((w) => w.where({ status: 'pending' }).andWhere('next_attempt_at', '<=', now))
    .orWhere((w) => w.where({ status: 'sending' }).andWhere('claimed_until', '<=', now));
  const ids: string[] = (await knex('sys_outbox').where(due).orderBy([{ column: 'next_attempt_at' }, { column: 'id' }]).limit(options.limit ?? 20).select('id'))
    .map((r: { id: string }) => r.id);
  const claimed: ClaimedMail[] = [];
  for (const id of ids) {
    const token = uuidv7();
    const n = await knex('sys_outbox').where({ id }).where(due).update({
      status: 'sending', claim_token: token, claimed_until: iso(nowMs + (options.leaseMs ?? 300_000)), attempts: knex.raw('attempts + 1'),
    });
    if (n !== 1) continue;
    const row = await knex('sys_outbox').where({ id, claim_token: token }).first();
    if (!row) continue;
    claimed.push({
      id, token, to: row.to_address, subject: row.subject, text: row.text, html: row.html ?? null, attempts: Number(row.attempts),
    });
  }
  return claimed;
}

/** Why sending failed, without the message: the SMTP server's answer or the connection error. */
function reason(e: unknown): string {
  const cause = (e as { cause?: unknown })?.cause;
  const text = (cause as Error)?.message ?? (e as Error)?.message ?? String(e);
  return text.replace(/\s+/g, ' ').slice(0, 500);
}

/** Send one claimed row and settle it. */
async function deliver(fw: Formwork, mailer: Mailer, mail: ClaimedMail, options: SendOptions): Promise<'sent' | 'retried' | 'failed'> {
  const knex = fw.db.knex;
  const mine = knex('sys_outbox').where({ id: mail.id, claim_token: mail.token });
  try {
    await mailer.send({ to: mail.to, subject: mail.subject, text: mail.text, ...(mail.html ? { html: mail.html } : {}), messageId: `<${mail.id}@formwork.outbox>` });
  } catch (e) {
    const nowMs = fw.clock.now().getTime();
    const last = mail.attempts >= (options.maxAttempts ?? 8);
    const delay = Math.min((options.backoffMs ?? 60_000) * 2 ** (mail.attempts - 1), options.maxBackoffMs ?? 3_600_000);
    await mine.clone().update({
      status: last ? 'failed' : 'pending', claim_token: null, claimed_until: null, last_error: reason(e), next_attempt_at: iso(nowMs + (last ? 0 : delay)),
    });
    if (last) fw.log.error('mail: giving up on a message', { outbox: mail.id, attempts: mail.attempts, error: reason(e) });
    return last ? 'failed' : 'retried';
  }
  await mine.clone().update({ status: 'sent', sent_at: fw.clock.now().toISOString(), claim_token: null, claimed_until: null, last_error: null });
  return 'sent';
}

/**
 * One run of the sender: claim due rows and send them one by one. Without a configured mailer nothing is claimed
 * (the rows wait for SMTP to be configured).
 */
export async function sendPendingMail(fw: Formwork, options: SendOptions = {}): Promise<SendResult> {
  const mailer = options.mailer ?? fw.mailer;
  const result: SendResult = { sent: 0, retried: 0, failed: 0 };
  if (!mailer.configured) return result;
  for (const mail of await claimMail(fw, options)) result[await deliver(fw, mailer, mail, options)] += 1;
  return result;
}
