/**
 * Exactly once across instances: engine processes (tsx child processes) sharing one database — the SQLite file or
 * the PostgreSQL schema of the run (DB=postgres) — run each fire of an every-second job once, and take over a run
 * whose instance was killed. The every-second test runs the instances' shared clock four times faster than real
 * time (the same base and factor in both), so 50+ fires take about 15 s; claims go through the real database.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, DB_KIND, PG_URL, type TestDatabase } from '../../support/db.js';
import { fixture, REPO } from '../../support/engine.js';
import { waitFor } from '../../support/wait.js';
import { runMigrations } from '../../../platform/db/index.js';

const SCRIPT = fileURLToPath(new URL('./instance.ts', import.meta.url));

interface Instance { child: ChildProcess; name: Promise<string>; exited: Promise<number | null> }

describe('jobs: two engine processes on one database', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  const children: ChildProcess[] = [];

  const start = (env: Record<string, string>): Instance => {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
      cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env, DEFINITIONS: fixture('definitions/jobs'),
        DATABASE_URL: DB_KIND === 'postgres' ? PG_URL : db.url,
        SEARCH_PATH: DB_KIND === 'postgres' ? String((db.knex.client.config as { searchPath?: string }).searchPath ?? '') : '',
        ...env,
      },
    });
    children.push(child);
    const name = new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d) => { out += String(d); const m = /ready (\S+)/.exec(out); if (m) resolve(m[1]!); });
      child.on('exit', (code) => reject(new Error(`instance exited with ${code} before it was ready`)));
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, name, exited };
  };

  before(async () => {
    db = await createTestDatabase();
    await runMigrations(db);
  });
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });
  after(async () => { await db?.dispose(); });

  const enable = (job: string) => db.knex('sys_job_override').insert({ job, enabled: true, updated_at: new Date().toISOString() });

  it('runs each fire of an every-second job exactly once over 50 fires, the two sharing the work', async () => {
    const env = { CLOCK_BASE: String(Date.now()), CLOCK_FACTOR: '4', JOB_POLL_MS: '40' };
    const a = start(env);
    const b = start(env);
    const names = await Promise.all([a.name, b.name]);
    await enable('every_second');
    await waitFor(async () => Number((await db.knex('sys_job_run').where({ job: 'every_second', status: 'succeeded' }).count('* as n'))[0]!.n) >= 55,
      { timeout: 60_000, interval: 200, message: 'fewer than 55 runs' });
    await db.knex('sys_job_override').where({ job: 'every_second' }).update({ enabled: false });
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    await Promise.all([a.exited, b.exited]);
    const runs = await db.knex('sys_job_run').where({ job: 'every_second' }).orderBy('fire_at');
    const perFire = new Map<string, number>();
    for (const r of runs) perFire.set(r.fire_at, (perFire.get(r.fire_at) ?? 0) + 1);
    expect([...perFire.values()].filter((n) => n !== 1), 'fires run more than once').to.deep.equal([]);
    // Every second between the first and last fire has its run: none lost.
    const fires = [...perFire.keys()].map(Date.parse);
    expect(fires.length).to.be.at.least(55);
    expect((fires[fires.length - 1]! - fires[0]!) / 1000 + 1).to.equal(fires.length);
    expect(runs.every((r) => r.status === 'succeeded' && r.attempt === 1)).to.equal(true);
    const byInstance = new Set(runs.map((r) => r.instance));
    expect([...byInstance].every((i) => names.includes(i))).to.equal(true);
    expect(byInstance.size, 'both instances claimed fires').to.equal(2);
  });

  it('fails the run of a killed instance when its lease runs out and retries it once on the other', async () => {
    const env = { CLOCK_FACTOR: '1', JOB_POLL_MS: '50', JOB_LEASE_MS: '1500', JOB_HEARTBEAT_MS: '200' };
    const a = start(env);
    const nameA = await a.name;
    await enable('crashy');
    const first = await waitFor(() => db.knex('sys_job_run').where({ job: 'crashy', status: 'running' }).first(), { timeout: 20_000 });
    expect(first.instance).to.equal(nameA);
    const b = start(env);
    const nameB = await b.name;
    a.child.kill('SIGKILL');
    await a.exited;
    const retry = await waitFor(() => db.knex('sys_job_run').where({ job: 'crashy', attempt: 2 }).first(), { timeout: 20_000 });
    expect(retry).to.include({ fire_at: first.fire_at, trigger: 'retry', status: 'running', instance: nameB });
    const failed = await db.knex('sys_job_run').where({ id: first.id }).first();
    expect(failed.status).to.equal('failed');
    expect(failed.error).to.match(/stopped answering/);
    // The retry still runs (this job waits until stopped): no other fire starts meanwhile, and no third attempt.
    await waitFor(async () => {
      const row = await db.knex('sys_job_run').where({ id: retry.id }).first();
      return row.heartbeat_at > retry.heartbeat_at && row;
    }, { timeout: 10_000 });
    await db.knex('sys_job_override').where({ job: 'crashy' }).update({ enabled: false });
    b.child.kill('SIGTERM');
    await b.exited;
    const runs = await db.knex('sys_job_run').where({ job: 'crashy' }).orderBy('started_at');
    expect(runs.map((r) => [r.fire_at === first.fire_at, r.attempt, r.status])).to.deep.equal([[true, 1, 'failed'], [true, 2, 'cancelled']]);
    expect(runs[1]!.error).to.equal('The server stopped during the run.');
  });
});
