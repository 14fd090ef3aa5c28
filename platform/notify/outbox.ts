/**
 * Withdrawing mail before it leaves. A writer of mail that a later event can make moot gives its outbox rows a
 * cancel key (sys_outbox.cancel_key, any string the writer and the cancelling party agree on); the event cancels
 * the rows still pending under that key with {@link cancelPendingMail}. Rows already claimed by a sender ('sending')
 * are left alone: the message may be on the wire, and a cancel that raced a send must not mark sent mail cancelled.
 *
 * A leaf module (no engine imports), so the identity layer can cancel mail without importing the dispatcher.
 */
import type { Knex } from 'knex';

/** The status of a row withdrawn before it was sent: the sender never claims it. */
export const CANCELLED = 'cancelled';

/**
 * Cancel the pending mail under `key`, in one statement (in the caller's transaction when given, so it commits or
 * rolls back with the event that made the mail moot). Returns how many rows were cancelled.
 */
export async function cancelPendingMail(knex: Knex | Knex.Transaction, key: string): Promise<number> {
  return knex('sys_outbox').where({ cancel_key: key, status: 'pending' }).update({ status: CANCELLED });
}
