/**
 * `tsx bench/inactivity.ts`: the inactivity jobs' set-based selection against a hand-written
 * `UPDATE sys_user SET status = 'disabled' WHERE status = 'active' AND last_active_at < ?` on the same data, at 100k
 * and 1M users (BENCH_USERS), on SQLite (or PostgreSQL with BENCH_PG_URL), printed as ratios (target ≤ 3×).
 *
 * The data is a steady state: people's last activity is spread evenly over the past 180 days, those past 91 days
 * were revoked by earlier runs (disabled), so a daily run finds the day's worth (~1/180) newly due, plus a platform
 * administrator and organisations with their own period. Measured, each as the best of three:
 *
 *   baseline      the hand-written UPDATE (in a transaction rolled back, so every measure sees the same data)
 *   revocation    reading every due account page by page, as the revocation job does (selection.ts)
 *   warnings      the same for the warning windows (14 and 3 days before)
 *   revocation job the whole job once (per-account transactions, notices and audit entries), for reference: its cost
 *                 follows the number of accounts acted on, not the number of users
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { v7 as uuidv7 } from 'uuid';
import { INACTIVITY_JOBS, settingsFromParameters } from '../platform/access/inactivity/index.js';
import { DAY_MS, IN_USE, pagesOfDue, settingsGroups, type DueQuery } from '../platform/access/inactivity/selection.js';
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

async function fill(fw: Engine, users: number): Promise<void> {
  const knex = fw.db.knex;
  const orgs = ['B1', 'B2', 'B3', 'B4'].map((code) => ({ id: uuidv7(), code, name: `Organisation ${code}`, status: 'active', created_at: NOW.toISOString() }));
  await knex('sys_org').insert(orgs);
  await knex('sys_inactivity_setting').insert({ org_id: orgs[3]!.id, settings: JSON.stringify({ periodDays: 60 }), updated_at: NOW.toISOString() });
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
          rows.push({
            id: uuidv7(), username: `u${i}`, username_key: `u${i}`, org_id: orgs[i % 4]!.id, created_at: iso(NOW.getTime() - span),
            status: ago > (period + 1) * DAY_MS ? 'disabled' : 'active', last_active_at: iso(NOW.getTime() - ago),
            inactivity_warned_days: into(3) ? 3 : into(14) ? 14 : null,
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
async function select(fw: Engine, queries: DueQuery[]): Promise<number> {
  let n = 0;
  const signal = new AbortController().signal;
  for (const q of queries) for await (const page of pagesOfDue(fw, q, signal)) n += page.length;
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
    const groups = await settingsGroups(fw, settingsFromParameters({}));
    const now = NOW.getTime();
    const revocation: DueQuery[] = groups.flatMap((group) => IN_USE.map((status) => ({
      group, status, upTo: iso(now - group.settings.periodDays * DAY_MS), where: (q) => q.whereNull('u.inactivity_revoked_at'),
    } as DueQuery)));
    const warnings: DueQuery[] = groups.flatMap((group) => [[0, 3], [3, 14]].flatMap(([nearer, days]) => IN_USE.map((status) => ({
      group, status, upTo: iso(now - (group.settings.periodDays - days!) * DAY_MS),
      after: iso(now - (group.settings.periodDays - nearer!) * DAY_MS),
      where: (q) => q.whereNull('u.inactivity_revoked_at')
        .where((w) => w.whereNull('u.inactivity_warned_days').orWhere('u.inactivity_warned_days', '>', days!)),
    } as DueQuery))));
    let due = 0;
    let warned = 0;
    const selectMs = await best(3, async () => { due = await select(fw, revocation); });
    const warnMs = await best(3, async () => { warned = await select(fw, warnings); });
    const ctx = context(fw);
    const jobStart = performance.now();
    await INACTIVITY_JOBS.find((j) => j.name === 'inactivity_revocation')!.run(ctx);
    const jobMs = performance.now() - jobStart;
    const ratio = (ms: number) => `${(ms / baseline).toFixed(2)}×`;
    out(`  baseline UPDATE (${updated} rows)              ${baseline.toFixed(1)} ms`);
    const verdict = (ms: number) => `${ratio(ms)}  (target ≤ ${TARGET}×: ${ms / baseline <= TARGET ? 'met' : 'NOT met'})`;
    out(`  revocation selection (${due} due)              ${selectMs.toFixed(1)} ms  ${verdict(selectMs)}`);
    out(`  warning selection (${warned} due)              ${warnMs.toFixed(1)} ms  ${verdict(warnMs)}`);
    out(`  revocation job, whole (${ctx.counts.changed} revoked, ${ctx.counts.failed} failed)  ${jobMs.toFixed(1)} ms  ${ratio(jobMs)}`
      + `  (${(jobMs / Math.max(ctx.counts.changed, 1)).toFixed(2)} ms per account; per 100k users ${(jobMs / users * 100_000).toFixed(1)} ms)`);
  } finally {
    await fw.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const users of USERS) await measure(users);
