/**
 * When each person's next inactivity warning is due (sys_user.inactivity_warn_at), so the warning job reads only
 * the people due now. Without it the job read everyone inside the warning windows (about the last 14 days of
 * them with warnings 14 and 3 days before), most of whom had had the window's warning already.
 *
 * How the times stay right:
 *  - Activity (identity/activity.ts, also when an account is enabled again) sets it to the first warning of the
 *    person's group, from the days to it stored here per group (sys_inactivity_schedule.first_warning_days), in the
 *    same statement; before a run has stored them, a day ahead (no later than any first warning). A run that finds
 *    such a bound come reads the person and then works out the real time (settleWarnings). So the job reads a
 *    person only when a warning is due, and people active every day cost it nothing.
 *  - Null means "not worked out yet" (new accounts, accounts from before this column): each warning run first works those out,
 *    set-based (one UPDATE per group of people sharing settings).
 *  - A warning sent moves it to the next warning of the spell, in the same guarded UPDATE that records the warning;
 *    once the last is sent, or the account is revoked or past its period, it is {@link WARN_NONE}.
 *  - Settings change times, and they come from two places (the warning job's parameters, which an administrator
 *    may override at runtime, and organisations' own settings): rather than hooking every way of changing them,
 *    each run compares what decides warning times (period and warnings, and for the default group which
 *    organisations are left out of it) with what the times were worked out with (sys_inactivity_schedule, per
 *    group), and works a group's times out again when they differ. An organisation that gains or loses its own
 *    settings changes the default group's membership, so both groups are worked out again. Activity written while
 *    a group was worked out again may have read the days of the settings before: the times of people active in the
 *    minute before are worked out once more after it.
 */
import type { Knex } from 'knex';
import type { Formwork } from '../../context.js';
import { NO_WARNING_AT } from '../identity/activity.js';
import { DAY_MS, IN_USE, type SettingsGroup } from './selection.js';
import type { InactivitySettings } from './settings.js';

/** The time of "no warning left in this spell": later than any run. */
export const WARN_NONE = NO_WARNING_AT;
/** sys_inactivity_schedule's key of the default group. */
const DEFAULT_GROUP = '*';

const iso = (ms: number) => new Date(ms).toISOString();

/** The group's warnings that can be sent (before the end of the period), nearest revocation last. */
function warningsOf(settings: InactivitySettings): number[] {
  return [...settings.warningDays].filter((d) => d < settings.periodDays).sort((a, b) => b - a);
}

/**
 * The warning due for a person last active at `lastActive` at `nowMs`: the nearest to revocation whose time has
 * come, which stands for the earlier ones; null when none has come or the period is over (revocation's turn).
 */
export function dueWarning(settings: InactivitySettings, lastActive: string, nowMs: number): number | null {
  const last = Date.parse(lastActive);
  if (last + settings.periodDays * DAY_MS <= nowMs) return null;
  const due = warningsOf(settings).filter((d) => last + (settings.periodDays - d) * DAY_MS <= nowMs);
  return due.length ? due[due.length - 1]! : null;
}

/** The time of the next warning after warning `warnedDays` (null: none sent yet) of a spell begun at `lastActive`. */
export function nextWarnAt(settings: InactivitySettings, lastActive: string, warnedDays: number | null): string {
  const next = warningsOf(settings).find((d) => warnedDays === null || d < warnedDays);
  return next === undefined ? WARN_NONE : iso(Date.parse(lastActive) + (settings.periodDays - next) * DAY_MS);
}

/** SQL and bindings (`?`): the ISO time `days` whole days after sys_user.last_active_at, on both databases, in UTC. */
function plusDays(fw: Formwork, days: number): { sql: string; bindings: (string | number)[] } {
  return fw.db.dialect.name === 'postgres'
    ? { sql: `to_char((last_active_at::timestamptz at time zone 'UTC') + ?::integer * interval '1 day', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`, bindings: [days] }
    : { sql: `strftime('%Y-%m-%dT%H:%M:%fZ', last_active_at, ?)`, bindings: [`+${days} days`] };
}

/** SQL and bindings of {@link nextWarnAt} over the columns of `sys_user` (a CASE on the warning already sent). */
function nextWarnAtSql(fw: Formwork, settings: InactivitySettings): { sql: string; bindings: (string | number)[] } {
  const warnings = warningsOf(settings);
  if (!warnings.length) return { sql: '?', bindings: [WARN_NONE] };
  const parts: string[] = [];
  const bindings: (string | number)[] = [];
  warnings.forEach((d, i) => {
    const at = plusDays(fw, settings.periodDays - d);
    parts.push(`${i === 0 ? 'when inactivity_warned_days is null or inactivity_warned_days > ?' : 'when inactivity_warned_days > ?'} then ${at.sql}`);
    bindings.push(d, ...at.bindings);
  });
  return { sql: `case ${parts.join(' ')} else ? end`, bindings: [...bindings, WARN_NONE] };
}

/** Limit a query on `sys_user` (unaliased) to the group's people. */
export function inGroup(q: Knex.QueryBuilder, group: SettingsGroup): Knex.QueryBuilder {
  if (group.orgId) return q.where('org_id', group.orgId);
  if (group.excluded.length) q.where((w) => w.whereNull('org_id').orWhereNotIn('org_id', group.excluded));
  return q;
}

/** Days from activity to the group's first warning; null when it is never warned. */
function firstWarningDays(settings: InactivitySettings): number | null {
  const first = warningsOf(settings)[0];
  return first === undefined ? null : settings.periodDays - first;
}

/** What decides the group's warning times. */
function fingerprint(group: SettingsGroup): string {
  const { periodDays } = group.settings;
  return JSON.stringify({ periodDays, warnings: warningsOf(group.settings), excluded: group.orgId ? [] : [...group.excluded].sort() });
}

/**
 * Make every warning time of in-use accounts right for the settings in force: work a group's out again when what
 * decides them changed since they were worked out, then work out the missing ones. Returns how many were set.
 * `knex`: a transaction to run in (the benchmark's, rolled back), else the engine's connection.
 */
export async function scheduleWarnings(fw: Formwork, groups: SettingsGroup[], knex: Knex | Knex.Transaction = fw.db.knex): Promise<number> {
  const at = fw.clock.now().toISOString();
  const stored = new Map((await knex('sys_inactivity_schedule').select('group_key', 'settings', 'first_warning_days'))
    .map((r: { group_key: string; settings: string; first_warning_days: number | null }) => [r.group_key, r]));
  const keys = new Set<string>();
  for (const group of groups) {
    const key = group.orgId ?? DEFAULT_GROUP;
    keys.add(key);
    const print = fingerprint(group);
    const firstDays = firstWarningDays(group.settings);
    const was = stored.get(key);
    if (was && was.settings === print && (was.first_warning_days ?? null) === firstDays) continue;
    const next = nextWarnAtSql(fw, group.settings);
    await knex.transaction(async (trx) => {
      // Accounts not in use keep theirs: every way back into use (enabling again) clears it.
      await inGroup(trx('sys_user'), group).whereIn('status', IN_USE).update({ inactivity_warn_at: knex.raw(next.sql, next.bindings) });
      await trx('sys_inactivity_schedule').where({ group_key: key }).delete();
      await trx('sys_inactivity_schedule').insert({ group_key: key, settings: print, first_warning_days: firstDays, updated_at: at });
    });
    // Activity written meanwhile may have read the days stored before (see the module comment); by the
    // (status, last_active_at) index, which finds the few people active in the last minute.
    await inGroup(knex('sys_user'), group).whereIn('status', IN_USE).where('last_active_at', '>=', iso(Date.parse(at) - 60_000))
      .update({ inactivity_warn_at: knex.raw(next.sql, next.bindings) });
  }
  // Organisations that no longer have their own settings: their people are in the default group, worked out above.
  const gone = [...stored.keys()].filter((k) => !keys.has(k));
  if (gone.length) await knex('sys_inactivity_schedule').whereIn('group_key', gone).delete();
  let set = 0;
  for (const group of groups) {
    const next = nextWarnAtSql(fw, group.settings);
    // By the missing time, which the inactivity_warn_at index finds without reading the rest (an account without
    // last_active_at keeps a null time: startMissingClocks runs first).
    set += await inGroup(knex('sys_user'), group).whereIn('status', IN_USE).whereNull('inactivity_warn_at')
      .update({ inactivity_warn_at: knex.raw(next.sql, next.bindings) });
  }
  return set;
}

/**
 * The times that have come, worked out for real: revoked accounts and accounts past their period get
 * {@link WARN_NONE}; the others get the real time — later than now for people whose time was activity's day-ahead
 * bound (read by the run, not warned), the same for those it could not handle or never warns (a platform
 * administrator), so the next run tries again. A run calls it after acting. Reads only the accounts whose time has
 * come. `knex`: as for {@link scheduleWarnings}.
 */
export async function settleWarnings(
  fw: Formwork, group: SettingsGroup, nowMs: number, knex: Knex | Knex.Transaction = fw.db.knex,
): Promise<void> {
  const periodStart = iso(nowMs - group.settings.periodDays * DAY_MS);
  const next = nextWarnAtSql(fw, group.settings);
  const sql = `case when inactivity_revoked_at is not null or last_active_at <= ? then ? else ${next.sql} end`;
  const bindings = [periodStart, WARN_NONE, ...next.bindings];
  // Only rows whose time changes are written (a platform administrator's, say, stays as it is).
  // Status as an expression, as in selection.ts, so the warning time's index is the one read.
  await inGroup(knex('sys_user'), group).where('inactivity_warn_at', '<=', iso(nowMs))
    .whereRaw(`(status || '') in (${IN_USE.map(() => '?').join(', ')})`, [...IN_USE])
    .whereRaw(`inactivity_warn_at <> ${sql}`, bindings).update({ inactivity_warn_at: knex.raw(sql, bindings) });
}
