/**
 * `tsx bench/inactivity.ts`: the inactivity jobs' set-based selection against a hand-written
 * `UPDATE sys_user SET status = 'disabled' WHERE status = 'active' AND last_active_at < ?` on the same data, at 100k
 * and 1M users (BENCH_USERS), on SQLite (or PostgreSQL with BENCH_PG_URL), printed as ratios (target ≤ 3×).
 *
 * The data is a steady state: people's last activity is spread evenly over the past 180 days, those past 91 days
 * were revoked by earlier runs (disabled), so a daily run finds the day's worth (~1/180) newly due, plus a platform
 * administrator and organisations with their own period. Earlier warning runs sent the warnings due and worked
 * out everyone's next warning time (due.ts); activity since wrote the first warning of the person's group
 * (identity/activity.ts), so this run reads only the people a warning is due for. Measured, each as the best of three:
 *
 *   baseline      the hand-written UPDATE (in a transaction rolled back, so every measure sees the same data), and
 *                 for reference the same UPDATE without the warning-time indexes (dropped in that transaction)
 *   revocation    reading every due account page by page, as the revocation job does (selection.ts)
 *   warnings      what a warning run does besides acting: work out missing warning times, read every account a
 *                 warning is due for, page by page, and work out the real times of those not warned (the writes in
 *                 transactions rolled back; the warnings themselves are written, untimed, before that last step, as
 *                 the job's acting would have moved those accounts' times on)
 *   reschedule    for reference: every warning time worked out again, as after a change of settings
 *   revocation job the whole job once (per-account transactions, notices and audit entries), for reference: its cost
 *                 follows the number of accounts acted on, not the number of users
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { v7 as uuidv7 } from 'uuid';
import { INACTIVITY_JOBS, settingsFromParameters } from '../platform/access/inactivity/index.js';
import { dueWarning, nextWarnAt, scheduleWarnings, settleWarnings, WARN_NONE } from '../platform/access/inactivity/due.js';
import { DAY_MS, IN_USE, pagesOfDue, settingsGroups, type DueAccount, type DueQuery } from '../platform/access/inactivity/selection.js';
import { readConfig } from '../platform/config.js';
import { createEngine, type Engine } from '../platform/engine.js';
import type { JobContext, RunCounts } from '../platform/jobs/types.js';
import { createLogger } from '../platform/log.js';

const USERS = (process.env.BENCH_USERS ?? '100000,1000000').split(',').map(Number);
const TARGET = 3;
const root = fileURLToPath(new URL('..', import.meta.url));
const NOW = new Date('2026-12-07T02:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const out = (line: string) => process.stdout.write(`${line}\n`);

async function best(times: number, fn: () => Promise<unknown>): Promise<number> {
  let min = Infinity;
  for (let i = 0; i < times; i += 1) {
    const t = performance.now();
    await fn();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

async function open(dir: string): Promise<Engine> {
  const url = process.env.BENCH_PG_URL ?? join(dir, 'bench.sqlite');
  const config = { ...readConfig({ DATABASE_URL: url }, root), databaseUrl: url, definitionRoots: [join(root, 'definitions')], demoData: false };
  return createEngine(config, { clock: { now: () => NOW }, log: createLogger('silent'), background: false, seed: false });
}

const defaults = settingsFromParameters({});

async function fill(fw: Engine, users: number): Promise<void> {
  const knex = fw.db.knex;
  const orgs = ['B1', 'B2', 'B3', 'B4'].map((code) => ({ id: uuidv7(), code, name: `Organisation ${code}`, status: 'active', created_at: NOW.toISOString() }));
  await knex('sys_org').insert(orgs);
  await knex('sys_inactivity_setting').insert({ org_id: orgs[3]!.id, settings: JSON.stringify({ periodDays: 60 }), updated_at: NOW.toISOString() });
  // What earlier runs worked the times out with (none to work out yet: no accounts).
  await scheduleWarnings(fw, await settingsGroups(fw, defaults));
  const span = 180 * DAY_MS;
  for (let start = 0; start < users; start += 5000) {
    await knex.transaction(async (trx) => {
      for (let chunk = start; chunk < Math.min(start + 5000, users); chunk += 500) {
        const rows = [];
        for (let i = chunk; i < Math.min(chunk + 500, users); i += 1) {
          const ago = Math.floor((i * 7919) % users / users * span);
          const period = i % 4 === 3 ? 60 : 90;
          // Warnings earlier runs sent: everyone a day or more into a warning's window has had it.
          const into = (days: number) => ago > (period - days + 1) * DAY_MS;
          const warned = into(3) ? 3 : into(14) ? 14 : null;
          const disabled = ago > (period + 1) * DAY_MS;
          const lastActive = iso(NOW.getTime() - ago);
          rows.push({
            id: uuidv7(), username: `u${i}`, username_key: `u${i}`, org_id: orgs[i % 4]!.id, created_at: iso(NOW.getTime() - span),
            status: disabled ? 'disabled' : 'active', last_active_at: lastActive, inactivity_warned_days: warned,
            inactivity_warn_at: disabled ? WARN_NONE : nextWarnAt({ ...defaults, periodDays: period }, lastActive, warned),
          });
        }
        await trx('sys_user').insert(rows);
      }
    });
  }
  const admin = await knex('sys_user').where({ status: 'active' }).orderBy('last_active_at').first('id');
  await knex('sys_user_role').insert({ user_id: admin.id, role: 'admin' });
}

function context(fw: Engine): JobContext & { counts: RunCounts } {
  const counts: RunCounts = { examined: 0, changed: 0, failed: 0 };
  return {
    fw, actor: fw.systemActor, parameters: {}, signal: new AbortController().signal, runId: uuidv7(), now: () => NOW,
    progress: () => undefined, count: (d) => { for (const k of Object.keys(d) as (keyof RunCounts)[]) counts[k] += d[k] ?? 0; }, counts,
  };
}

/** Read every account of the selections, as a job does; returns how many. */
async function select(fw: Engine, queries: DueQuery[], seen?: (q: DueQuery, a: DueAccount) => void): Promise<number> {
  let n = 0;
  const signal = new AbortController().signal;
  for (const q of queries) {
    for await (const page of pagesOfDue(fw, q, signal)) {
      n += page.length;
      if (seen) for (const a of page) seen(q, a);
    }
  }
  return n;
}

async function measure(users: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'formwork-bench-inactivity-'));
  const fw = await open(dir);
  try {
    const t = performance.now();
    await fill(fw, users);
    out(`${users.toLocaleString('en-GB')} users written in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const knex = fw.db.knex;
    const cutoff = iso(NOW.getTime() - 90 * DAY_MS);
    let updated = 0;
    const baseline = await best(3, async () => {
      await knex.transaction(async (trx) => {
        updated = await trx('sys_user').where('status', 'active').where('last_active_at', '<', cutoff).update({ status: 'disabled' });
        await trx.rollback();
      }).catch(() => undefined);
    });
    // The same UPDATE on the table as it was before the warning times (without their two indexes, which hold status
    // and so make the UPDATE maintain two more entries per row): the indexes are dropped in the rolled-back
    // transaction and only the UPDATE is timed.
    let bareMs = Infinity;
    for (let i = 0; i < 3; i += 1) {
      await knex.transaction(async (trx) => {
        await trx.schema.alterTable('sys_user', (t) => {
          t.dropIndex(['org_id', 'inactivity_warn_at', 'id'], 'sys_user_org_inactivity_warn_idx');
          t.dropIndex(['inactivity_warn_at', 'id'], 'sys_user_inactivity_warn_idx');
        });
        const t0 = performance.now();
        await trx('sys_user').where('status', 'active').where('last_active_at', '<', cutoff).update({ status: 'disabled' });
        bareMs = Math.min(bareMs, performance.now() - t0);
        await trx.rollback();
      }).catch(() => undefined);
    }
    const groups = await settingsGroups(fw, defaults);
    const now = NOW.getTime();
    const revocation: DueQuery[] = groups.flatMap((group) => IN_USE.map((status) => ({
      group, status, upTo: iso(now - group.settings.periodDays * DAY_MS), where: (q) => q.whereNull('u.inactivity_revoked_at'),
    } as DueQuery)));
    // As runWarnings (jobs.ts) selects.
    const warnings: DueQuery[] = groups.map((group) => ({
      group, status: IN_USE, by: 'inactivity_warn_at', upTo: iso(now),
      where: (q) => q.whereNull('u.inactivity_revoked_at')
        .whereRaw(`(u.last_active_at || '') > ?`, [iso(now - group.settings.periodDays * DAY_MS)]),
    } as DueQuery));
    let due = 0;
    let warned = 0;
    let scheduled = 0;
    let scheduleMs = 0;
    let readMs = 0;
    const selectMs = await best(3, async () => { due = await select(fw, revocation); });
    let settleMs = 0;
    let warnMs = Infinity;
    await best(3, async () => {
      const t0 = performance.now();
      await knex.transaction(async (trx) => {
        scheduled = await scheduleWarnings(fw, groups, trx);
        await trx.rollback();
      }).catch(() => undefined);
      scheduleMs = performance.now() - t0;
      const t1 = performance.now();
      const sent: { id: string; days: number; at: string }[] = [];
      warned = await select(fw, warnings, (q, a) => {
        const days = dueWarning(q.group.settings, a.last_active_at, now);
        if (days !== null) sent.push({ id: a.id, days, at: nextWarnAt(q.group.settings, a.last_active_at, days) });
      });
      readMs = performance.now() - t1;
      await knex.transaction(async (trx) => {
        // The warnings the job would send (their cost is acting's, not timed), then the times of those not warned.
        for (const w of sent) await trx('sys_user').where({ id: w.id }).update({ inactivity_warned_days: w.days, inactivity_warn_at: w.at });
        const t2 = performance.now();
        for (const group of groups) await settleWarnings(fw, group, now, trx);
        settleMs = performance.now() - t2;
        await trx.rollback();
      }).catch(() => undefined);
      warnMs = Math.min(warnMs, scheduleMs + readMs + settleMs);
    });
    // Forget what the times were worked out with, as a change of settings would: all are worked out again.
    await knex('sys_inactivity_schedule').delete();
    const rescheduleStart = performance.now();
    await scheduleWarnings(fw, groups);
    const rescheduleMs = performance.now() - rescheduleStart;
    const ctx = context(fw);
    const jobStart = performance.now();
    await INACTIVITY_JOBS.find((j) => j.name === 'inactivity_revocation')!.run(ctx);
    const jobMs = performance.now() - jobStart;
    const ratio = (ms: number) => `${(ms / baseline).toFixed(2)}×`;
    out(`  baseline UPDATE (${updated} rows)              ${baseline.toFixed(1)} ms`);
    out(`  the same without the warning-time indexes      ${bareMs.toFixed(1)} ms (warning selection ${(warnMs / bareMs).toFixed(2)}× this)`);
    const verdict = (ms: number) => `${ratio(ms)}  (target ≤ ${TARGET}×: ${ms / baseline <= TARGET ? 'met' : 'NOT met'})`;
    out(`  revocation selection (${due} due)              ${selectMs.toFixed(1)} ms  ${verdict(selectMs)}`);
    out(`  warning selection (${scheduled} missing times, ${warned} read)  ${warnMs.toFixed(1)} ms  ${verdict(warnMs)}`
      + `  (last try: missing times ${scheduleMs.toFixed(1)} + reading ${readMs.toFixed(1)}`
      + ` + settling ${settleMs.toFixed(1)} ms)`);
    out(`  for reference: every warning time worked out again (a change of settings)  ${rescheduleMs.toFixed(1)} ms  ${ratio(rescheduleMs)}`);
    out(`  revocation job, whole (${ctx.counts.changed} revoked, ${ctx.counts.failed} failed)  ${jobMs.toFixed(1)} ms  ${ratio(jobMs)}`
      + `  (${(jobMs / Math.max(ctx.counts.changed, 1)).toFixed(2)} ms per account; per 100k users ${(jobMs / users * 100_000).toFixed(1)} ms)`);
  } finally {
    await fw.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const users of USERS) await measure(users);
