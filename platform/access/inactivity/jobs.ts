/**
 * The platform jobs of inactivity (run by the job runner, platform/jobs, which calls them with a JobContext):
 *
 *  - `inactivity_warnings`: each warning of the schedule that is due is sent once per spell of inactivity — to the
 *    person, and their organisation's administrators are told — with an audit entry on the account. When several
 *    are due at once (the job did not run for a while) only the nearest is sent.
 *  - `inactivity_revocation`: accounts inactive for the whole period are revoked with the configured effects, the
 *    person and their organisation's administrators are told, and the account's audit trail says so.
 *
 * Accounts are found set-based, a page at a time (selection.ts; warnings by the time the next one is due, due.ts),
 * and each is acted on in a small transaction of its own whose first statement re-checks, with a guarded UPDATE,
 * that the account is still as selected — so activity racing the job wins, and two runs never act twice. Activity
 * clears the spell's marks (identity/activity.ts).
 */
import type { Formwork } from '../../context.js';
import { activityCancelKey } from '../identity/index.js';
import type { JobContext, PlatformJob } from '../../jobs/types.js';
import { writeAudit } from '../../records/audit.js';
import { compileNotice, dateInWords, noticePerson, orgAdministrators, writeNotice, type NoticePerson } from './notices.js';
import { applyRevocation } from './revoke.js';
import { dueWarning, nextWarnAt, scheduleWarnings, settleWarnings, WARN_NONE } from './due.js';
import { countDue, DAY_MS, IN_USE, pagesOfDue, settingsGroups, startMissingClocks, type DueAccount, type DueQuery } from './selection.js';
import { SETTINGS_PARAMETERS, settingsFromParameters, type InactivitySettings } from './settings.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** The administration page of an account, for administrators' notices. */
const accountPath = (id: string) => `/admin/users/${encodeURIComponent(id)}`;

/** Run `act` on every account of every selection, counting and reporting progress. */
async function sweep(
  ctx: JobContext, selections: { query: DueQuery; act: (a: DueAccount) => Promise<boolean> }[],
): Promise<void> {
  const fw = ctx.fw;
  let total = 0;
  for (const s of selections) total += await countDue(fw, s.query);
  let done = 0;
  ctx.progress(0, total);
  for (const s of selections) {
    for await (const page of pagesOfDue(fw, s.query, ctx.signal)) {
      ctx.count({ examined: page.length });
      for (const account of page) {
        try {
          if (await s.act(account)) ctx.count({ changed: 1 });
        } catch (e) {
          ctx.count({ failed: 1 });
          fw.log.warn('inactivity: an account could not be handled; the next run tries again', { user: account.id, error: (e as Error)?.message ?? String(e) });
        }
      }
      done += page.length;
      ctx.progress(done, Math.max(total, done));
    }
    if (ctx.signal.aborted) return;
  }
}

async function runWarnings(ctx: JobContext): Promise<void> {
  const fw = ctx.fw;
  const global = settingsFromParameters(ctx.parameters);
  await startMissingClocks(fw.db.knex);
  const groups = await settingsGroups(fw, global);
  await scheduleWarnings(fw, groups);
  const nowMs = ctx.now().getTime();
  const admins = new Map<string, NoticePerson[]>();
  const selections: { query: DueQuery; act: (a: DueAccount) => Promise<boolean> }[] = [];
  for (const group of groups) {
    const { settings } = group;
    const notice = compileNotice(settings.warning);
    // Only the people whose next warning is due (due.ts), less those past the period (revocation's). That bound is
    // written as an expression so that no planner reads by the last_active_at index instead of the due time's.
    const query: DueQuery = {
      group, status: IN_USE, by: 'inactivity_warn_at', upTo: iso(nowMs),
      where: (q) => q.whereNull('u.inactivity_revoked_at').whereRaw(`(u.last_active_at || '') > ?`, [iso(nowMs - settings.periodDays * DAY_MS)]),
    };
    selections.push({
      query,
      act: async (a) => {
        // The nearest warning due stands for the earlier ones; one already sent (or a nearer one) is not sent again.
        const days = dueWarning(settings, a.last_active_at, nowMs);
        if (days === null || (a.inactivity_warned_days !== null && a.inactivity_warned_days <= days)) return false;
        return warn(fw, ctx, a, days, settings, notice, admins);
      },
    });
  }
  await sweep(ctx, selections);
  for (const group of groups) await settleWarnings(fw, group, nowMs);
}

async function warn(
  fw: Formwork, ctx: JobContext, account: DueAccount, days: number, settings: InactivitySettings,
  notice: ReturnType<typeof compileNotice>, admins: Map<string, NoticePerson[]>,
): Promise<boolean> {
  const { periodDays } = settings;
  const at = ctx.now().toISOString();
  const revokeAt = new Date(new Date(account.last_active_at).getTime() + periodDays * DAY_MS);
  const daysLeft = Math.max(1, Math.ceil((revokeAt.getTime() - ctx.now().getTime()) / DAY_MS));
  const administrators = await orgAdministrators(fw, fw.db.knex, account.org_id, admins);
  return fw.db.knex.transaction(async (trx) => {
    // Still as selected (no activity since, and this warning not yet sent): else someone else got here first.
    const n = await trx('sys_user').where({ id: account.id, last_active_at: account.last_active_at }).whereNull('inactivity_revoked_at')
      .where((w) => w.whereNull('inactivity_warned_days').orWhere('inactivity_warned_days', '>', days))
      .update({ inactivity_warned_days: days, inactivity_warn_at: nextWarnAt(settings, account.last_active_at, days) });
    if (n !== 1) return false;
    const person = noticePerson(account);
    await writeNotice(trx, {
      name: 'inactivity_warning', notice, person, administrators, at, sourceId: ctx.runId, adminUrl: accountPath(account.id),
      // Activity before the mail leaves cancels it, the administrators' copies too (identity/activity.ts).
      cancelKey: activityCancelKey(account.id),
      values: { daysLeft, periodDays, lastActive: dateInWords(account.last_active_at), revokeOn: dateInWords(revokeAt) },
    });
    await writeAudit(trx, ctx.actor, at, [{
      table: 'sys_user', recordId: account.id, operation: 'update', version: 1,
      changes: { inactivity_warning: [null, `Warned ${daysLeft} days before revocation (inactive since ${dateInWords(account.last_active_at)})`] },
    }]);
    return true;
  });
}

async function runRevocation(ctx: JobContext): Promise<void> {
  const fw = ctx.fw;
  const global = settingsFromParameters(ctx.parameters);
  await startMissingClocks(fw.db.knex);
  const nowMs = ctx.now().getTime();
  const admins = new Map<string, NoticePerson[]>();
  const selections: { query: DueQuery; act: (a: DueAccount) => Promise<boolean> }[] = [];
  for (const group of await settingsGroups(fw, global)) {
    const notice = compileNotice(group.settings.revocation);
    for (const status of IN_USE) {
      const query: DueQuery = { group, status, upTo: iso(nowMs - group.settings.periodDays * DAY_MS), where: (q) => q.whereNull('u.inactivity_revoked_at') };
      selections.push({
        query,
        act: async (account) => {
          const administrators = await orgAdministrators(fw, fw.db.knex, account.org_id, admins);
          const at = ctx.now().toISOString();
          const reason = `not used for ${group.settings.periodDays} days (last active ${dateInWords(account.last_active_at)})`;
          return fw.db.knex.transaction(async (trx) => {
            const n = await trx('sys_user').where({ id: account.id, status: account.status, last_active_at: account.last_active_at })
              .whereNull('inactivity_revoked_at').update({ inactivity_revoked_at: at, inactivity_warn_at: WARN_NONE });
            if (n !== 1) return false;
            await applyRevocation(fw, trx, ctx.actor, account, group.settings.effects, `Revoked: ${reason}`);
            await writeNotice(trx, {
              name: 'account_revoked', notice, person: noticePerson(account), administrators, at, sourceId: ctx.runId,
              adminUrl: accountPath(account.id),
              values: { reason, periodDays: group.settings.periodDays, lastActive: dateInWords(account.last_active_at) },
            });
            return true;
          });
        },
      });
    }
  }
  await sweep(ctx, selections);
}

/** The inactivity jobs, for the job runner. Their parameters are the global default of the settings (settings.ts). */
export const INACTIVITY_JOBS: PlatformJob[] = [
  {
    name: 'inactivity_warnings',
    label: 'Inactivity warnings',
    description: 'Warns people who have not used their account that it will be revoked, on the days before set in the warnings, '
      + 'and tells their organisation\'s administrators. Each warning is sent once per spell of inactivity.',
    parameters: SETTINGS_PARAMETERS,
    run: runWarnings,
  },
  {
    name: 'inactivity_revocation',
    label: 'Revocation of inactive accounts',
    description: 'Revokes the accounts not used for the inactivity period (disabling them, ending their sessions, revoking their '
      + 'API tokens and removing their roles, as set), and tells the people and their organisation\'s administrators.',
    parameters: SETTINGS_PARAMETERS,
    run: runRevocation,
  },
];
