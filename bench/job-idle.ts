/**
 * `tsx bench/job-idle.ts`: what an idle instance costs the database — 20 jobs defined (the packs' own plus plain
 * ones up to 20), none due — counted with knex's `query` event, on SQLite (or PostgreSQL with BENCH_PG_URL).
 *
 *   runner      queries per poll of the job runner (tick() called directly, 60 times, after a first poll that
 *               loads where each job stands), and so per minute at JOB_POLL_MS (default 1000)
 *   instance    every query the engine's background work makes (job runner, workflow timers, SLA checks, at
 *               their default intervals) over BENCH_IDLE_S seconds (default 30), per minute, by the table read
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readConfig } from '../platform/config.js';
import { createEngine, type Engine } from '../platform/engine.js';
import { DEFAULT_JOB_POLL_MS } from '../platform/jobs/runner.js';
import { createLogger } from '../platform/log.js';

const JOBS = 20;
const SECONDS = Number(process.env.BENCH_IDLE_S ?? 30);
const root = fileURLToPath(new URL('..', import.meta.url));
const out = (line: string) => process.stdout.write(`${line}\n`);

/** Job definitions under `dir` (recursively). */
function countJobs(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) n += countJobs(path);
    else if (e.name.endsWith('.json') && /"kind"\s*:\s*"job"/.test(readFileSync(path, 'utf8'))) n += 1;
  }
  return n;
}

/** A definitions root holding plain jobs (once a year, at new year) to make 20 with the packs'. */
function extraJobs(dir: string): number {
  const n = Math.max(0, JOBS - countJobs(join(root, 'definitions')));
  mkdirSync(join(dir, 'jobs'), { recursive: true });
  for (let i = 0; i < n; i += 1) {
    writeFileSync(join(dir, 'jobs', `idle_${i}.json`), JSON.stringify({
      kind: 'job', name: `idle_${i}`, label: `Idle ${i}`, description: 'Does nothing often enough to matter.',
      schedule: '0 0 1 1 *', platform: 'expired_sign_in_purge',
    }));
  }
  return n;
}

async function open(dir: string, background: boolean): Promise<Engine> {
  const url = process.env.BENCH_PG_URL ?? join(dir, 'idle.sqlite');
  const config = {
    ...readConfig({ DATABASE_URL: url }, root), databaseUrl: url, definitionRoots: [join(root, 'definitions'), join(dir, 'defs')], demoData: false,
  };
  return createEngine(config, { log: createLogger('silent'), background, seed: false, ...(background ? {} : { jobPollMs: 0 }) });
}

/** The table a statement reads or writes first, for grouping. */
const tableOf = (sql: string) => /\b(?:from|into|update)\s+[`"]?(\w+)/i.exec(sql)?.[1] ?? sql.slice(0, 30);

const dir = mkdtempSync(join(tmpdir(), 'formwork-bench-idle-'));
try {
  const extra = extraJobs(join(dir, 'defs'));
  let fw = await open(dir, false);
  const jobs = fw.registry.current.jobs.size;
  out(`${jobs} jobs defined (${extra} added to the packs' ${jobs - extra})`);
  await fw.jobRunner.tick();
  const seen: string[] = [];
  const listen = (q: { sql: string }) => { seen.push(q.sql); };
  fw.db.knex.on('query', listen);
  let started = 0;
  for (let i = 0; i < 60; i += 1) started += (await fw.jobRunner.tick()).started.length;
  fw.db.knex.removeListener('query', listen);
  const perPoll = seen.length / 60;
  out(`runner: ${perPoll} queries per poll (${started} runs started), ${(perPoll * 60_000 / DEFAULT_JOB_POLL_MS).toFixed(0)} a minute `
    + `at JOB_POLL_MS=${DEFAULT_JOB_POLL_MS}; tables: ${[...new Set(seen.map(tableOf))].join(', ')}`);
  await fw.close();

  fw = await open(dir, true);
  const all: string[] = [];
  const count = (q: { sql: string }) => { all.push(q.sql); };
  fw.db.knex.on('query', count);
  await new Promise((resolve) => { setTimeout(resolve, SECONDS * 1000); });
  fw.db.knex.removeListener('query', count);
  await fw.close();
  const byTable = new Map<string, number>();
  for (const sql of all) byTable.set(tableOf(sql), (byTable.get(tableOf(sql)) ?? 0) + 1);
  const perMinute = (n: number) => (n * 60 / SECONDS).toFixed(0);
  out(`instance, background at default intervals: ${perMinute(all.length)} queries a minute (${all.length} in ${SECONDS} s); by table: `
    + [...byTable].sort((a, b) => b[1] - a[1]).map(([t, n]) => `${t} ${perMinute(n)}`).join(', '));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
