/**
 * When a person was last active — a successful sign-in or an authenticated request (an active session or an API
 * token) — kept in sys_user.last_active_at for the inactivity jobs (platform/access/inactivity).
 *
 * The rule that keeps it cheap: the time is written only when the stored one is at least
 * {@link ACTIVITY_WRITE_INTERVAL_MS} old, so a person costs at most one write per five minutes whatever they do. The
 * stored time comes with the credential read the request makes anyway, so a request that writes nothing costs
 * nothing either. The write is guarded by the same condition, so instances racing on one person write once.
 *
 * Activity starts a new spell of inactivity: the same write clears the spell's warning and revocation marks, which
 * cancels the warnings still to come, and sets the time of its next warning: the first warning of the person's
 * group of settings, from what the last warning run worked the groups out with (sys_inactivity_schedule, read in the
 * same statement), so the warning job reads a person only when a warning is due. Before any run has worked a group
 * out, it is a day later: no later than any first warning can be (a warning comes at least a day before the end of
 * the period), and a run that finds such a time come works out the real one (inactivity/due.ts). A run that works a
 * group out again (its settings changed) also works out again the times of people active while it ran.
 *
 * Warnings already written but not yet mailed are moot too: they are written under the person's
 * {@link activityCancelKey}, and the write of activity cancels them in one more statement (only when it writes, so
 * a request that writes nothing still costs nothing). The administrators' copies go with the person's: "unless they
 * sign in" is no longer news once they have.
 */
import type { Knex } from 'knex';
import type { Formwork } from '../../context.js';
import { cancelPendingMail } from '../../notify/outbox.js';

/** The stored time is refreshed at most this often per person. */
export const ACTIVITY_WRITE_INTERVAL_MS = 5 * 60_000;

/** Whether activity at `now` should be written, given the stored time (null: never recorded). */
export function activityIsStale(lastActiveAt: string | null | undefined, now: Date): boolean {
  return !lastActiveAt || now.getTime() - new Date(lastActiveAt).getTime() >= ACTIVITY_WRITE_INTERVAL_MS;
}

/** A day: the earliest a spell's first warning can come (see the module comment). */
const FIRST_WARNING_BOUND_MS = 86_400_000;

/** The time of "no warning left in this spell" (the warning jobs' too): later than any run. */
export const NO_WARNING_AT = '9999-12-31T23:59:59.999Z';

/**
 * SQL and bindings of the next warning's time for activity at `at` in an UPDATE of sys_user: `at` plus the days to
 * the first warning of the row's group (its organisation's own settings, else everyone's), a day when no run has
 * worked the group out yet, {@link NO_WARNING_AT} when the group is never warned.
 */
function firstWarningSql(fw: Formwork, at: string): Knex.Raw {
  const plus = fw.db.dialect.name === 'postgres'
    ? `to_char((?::timestamptz at time zone 'UTC') + s.first_warning_days * interval '1 day', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
    : `strftime('%Y-%m-%dT%H:%M:%fZ', ?, '+' || s.first_warning_days || ' days')`;
  // The group's row: the organisation's when it has one, else the default group's ('*').
  return fw.db.knex.raw(`coalesce((select case when s.first_warning_days is null then ? else ${plus} end
    from sys_inactivity_schedule s
    where s.group_key = coalesce((select o.group_key from sys_inactivity_schedule o where o.group_key = sys_user.org_id), '*')), ?)`,
  [NO_WARNING_AT, at, new Date(Date.parse(at) + FIRST_WARNING_BOUND_MS).toISOString()]);
}

/** The columns a write of activity at `at` sets: the time, and a fresh spell (no warning sent, not revoked). */
export function activityColumns(fw: Formwork, at: string): Record<string, unknown> {
  return { last_active_at: at, inactivity_warned_days: null, inactivity_revoked_at: null, inactivity_warn_at: firstWarningSql(fw, at) };
}

/** The outbox cancel key of mail that activity of person `userId` makes moot (their inactivity warnings). */
export const activityCancelKey = (userId: string) => `activity:${userId}`;

/** Cancel the pending mail activity of `userId` makes moot; call it in the transaction that writes the activity. */
export async function cancelMootMail(knex: Knex | Knex.Transaction, userId: string): Promise<number> {
  return cancelPendingMail(knex, activityCancelKey(userId));
}

/**
 * Record that user `userId` was active now, when the stored time (`known`, as the request read it) is stale, and
 * cancel the mail that makes moot. Returns whether a row was written.
 */
export async function noteActivity(
  fw: Formwork, userId: string, known: string | null | undefined, trx?: Knex.Transaction,
): Promise<boolean> {
  const now = fw.clock.now();
  if (!activityIsStale(known, now)) return false;
  const before = new Date(now.getTime() - ACTIVITY_WRITE_INTERVAL_MS).toISOString();
  const write = async (t: Knex.Transaction) => {
    const n = await t('sys_user').where({ id: userId })
      .where((q) => q.whereNull('last_active_at').orWhere('last_active_at', '<=', before))
      .update(activityColumns(fw, now.toISOString()));
    // Only the instance whose guarded write won cancels: the others' activity was already recorded.
    if (n > 0) await cancelMootMail(t, userId);
    return n > 0;
  };
  return trx ? write(trx) : fw.db.knex.transaction(write);
}
