/**
 * Several instances started at once on one empty database: all come up, each data file is applied once, the
 * demo administrator is created (and its password printed) by exactly one, and every instance reports the same
 * registry version. Each trial uses a database of its own (CREATE DATABASE on PostgreSQL, a new file on SQLite).
 *
 * Start-up cost dominates: the many trials run the instances as engines in this process, each on its own
 * database handle (its own pool and connections, so the lock is taken exactly as separate processes take it),
 * and a few trials prove the command-line path with real `formwork start` processes.
 */
import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory from 'knex';
import { readConfig, type Config } from '../../platform/config.js';
import { closeDatabase, openDatabase, type Database } from '../../platform/db/index.js';
import { createEngine, type Engine } from '../../platform/engine.js';
import { createApp } from '../../platform/http/app.js';
import { createLogger } from '../../platform/log.js';
import { DB_KIND, PG_URL } from '../support/db.js';
import { REPO } from '../support/engine.js';
import { spawnFormwork } from '../support/cli.js';

const INSTANCES = 3;
const TRIALS = DB_KIND === 'postgres' ? 20 : 5;
const PROCESS_TRIALS = DB_KIND === 'postgres' ? 2 : 1;
/** A cheaper password hash: the demo people's and the administrator's hashes are most of a first start's time. */
const SCRYPT_LOG2N = '10';

/** Platform tables that seeding and the demo administrator write (with the declared tables, what must not double). */
const SEEDED_PLATFORM_TABLES = [
  'sys_migrations', 'sys_table_schema', 'sys_sequence', 'sys_seed', 'sys_org', 'sys_user', 'sys_user_org', 'sys_user_role',
  'sys_queue', 'sys_queue_member', 'sys_audit', 'sys_journal', 'sys_event', 'sys_sla', 'sys_workflow_timer', 'sys_approval',
];

interface FreshDatabase {
  url: string;
  /** A handle of its own on the database (the caller closes it, or the engine given it does). */
  open(): Database;
  dispose(): Promise<void>;
}

/** An empty database: a new PostgreSQL database in the PG_URL cluster, or a new SQLite file. */
async function freshDatabase(): Promise<FreshDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'formwork-startup-'));
  if (DB_KIND === 'postgres') {
    const name = `fw_start_${randomBytes(6).toString('hex')}`;
    const admin = knexFactory({ client: 'pg', connection: PG_URL, pool: { min: 0, max: 1 } });
    await admin.raw('create database ??', [name]);
    await admin.destroy();
    const url = new URL(PG_URL);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      open: () => openDatabase(url.toString()),
      async dispose() {
        const a = knexFactory({ client: 'pg', connection: PG_URL, pool: { min: 0, max: 1 } });
        await a.raw('drop database if exists ?? with (force)', [name]);
        await a.destroy();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const url = join(dir, 'formwork.sqlite');
  return { url, open: () => openDatabase(url), async dispose() { rmSync(dir, { recursive: true, force: true }); } };
}

/** Rows per table that seeding writes: the declared tables and {@link SEEDED_PLATFORM_TABLES}. */
async function rowCounts(db: Database, tables: Iterable<string>): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of [...tables, ...SEEDED_PLATFORM_TABLES].sort()) {
    const [row] = await db.knex(table).count({ n: '*' });
    out[table] = Number(row!.n);
  }
  return out;
}

function engineConfig(url: string, dataDir: string): Config {
  return {
    ...readConfig({ DATABASE_URL: url, PASSWORD_SCRYPT_LOG2N: SCRYPT_LOG2N, FORMWORK_DATA_DIR: dataDir }, REPO),
    demoData: true,
  };
}

/** What one trial's instances must agree on, from a single instance's start on an empty database. */
interface Expected {
  counts: Record<string, number>;
  tables: string[];
  people: number;
  version: string;
}

async function listen(engine: Engine): Promise<{ server: Server; url: string }> {
  const server = createApp(engine).listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const address = server.address();
  return { server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
}

async function health(url: string): Promise<{ status: string; registry: string; database: string }> {
  const res = await fetch(`${url}/api/health`);
  expect(res.status).to.equal(200);
  return res.json() as Promise<{ status: string; registry: string; database: string }>;
}

describe('start-up: several instances at once on one empty database', function () {
  // Measured on a shared two-core machine: about 3.5 s a trial in-process and 10 s a trial of processes (PostgreSQL).
  this.timeout(240_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'formwork-startup-data-'));
  let expected: Expected;

  before(async () => {
    const fresh = await freshDatabase();
    try {
      const engine = await createEngine(engineConfig(fresh.url, dataDir), {
        db: fresh.open(), log: createLogger('silent'), background: false, demoAdministrator: true,
      });
      try {
        const tables = [...engine.registry.current.physicalTables.keys()];
        expect(engine.demoAdministrator?.user.username).to.equal('admin');
        expect(engine.seeded!.people.length).to.be.greaterThan(0);
        expect(engine.seeded!.records).to.be.greaterThan(0);
        expected = {
          counts: await rowCounts(engine.db, tables), tables,
          people: engine.seeded!.people.length, version: engine.registry.current.version,
        };
      } finally {
        await engine.close();
      }
    } finally {
      await fresh.dispose();
    }
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it(`${INSTANCES} engines on their own connections come up together ${TRIALS} times, seeding once`, async () => {
    for (let trial = 1; trial <= TRIALS; trial += 1) {
      const fresh = await freshDatabase();
      const engines: Engine[] = [];
      const servers: Server[] = [];
      try {
        const started = await Promise.allSettled(Array.from({ length: INSTANCES }, () => createEngine(engineConfig(fresh.url, dataDir), {
          db: fresh.open(), log: createLogger('silent'), background: false, demoAdministrator: true,
        })));
        for (const s of started) if (s.status === 'fulfilled') engines.push(s.value);
        const failures = started.flatMap((s) => (s.status === 'rejected' ? [String((s.reason as Error)?.message ?? s.reason)] : []));
        expect(failures, `trial ${trial}`).to.deep.equal([]);

        const versions: string[] = [];
        for (const engine of engines) {
          const { server, url } = await listen(engine);
          servers.push(server);
          const body = await health(url);
          expect(body.status).to.equal('ok');
          versions.push(body.registry);
        }
        expect(versions, `trial ${trial}`).to.deep.equal(Array(INSTANCES).fill(expected.version));
        expect(engines.filter((e) => e.demoAdministrator).length, `trial ${trial}: instances that created the administrator`).to.equal(1);
        const seeders = engines.filter((e) => e.seeded?.people.length);
        expect(seeders.length, `trial ${trial}: instances that created the demo people`).to.equal(1);
        expect(seeders[0]!.seeded!.people.length).to.equal(expected.people);
        expect(await rowCounts(engines[0]!.db, expected.tables), `trial ${trial}`).to.deep.equal(expected.counts);
      } finally {
        for (const server of servers) await new Promise((resolve) => server.close(resolve));
        for (const engine of engines) await engine.close();
        await fresh.dispose();
      }
    }
  });

  it(`${INSTANCES} \`formwork start\` processes come up together (${PROCESS_TRIALS} trial${PROCESS_TRIALS > 1 ? 's' : ''}), the demo password printed once`, async () => {
    for (let trial = 1; trial <= PROCESS_TRIALS; trial += 1) {
      const fresh = await freshDatabase();
      const trialData = mkdtempSync(join(tmpdir(), 'formwork-startup-data-'));
      const env: NodeJS.ProcessEnv = {
        ...process.env, DATABASE_URL: fresh.url, PORT: '0', HOST: '127.0.0.1', FORMWORK_DEMO_DATA: 'true', FORMWORK_WATCH: 'false',
        FORMWORK_DATA_DIR: trialData, PASSWORD_SCRYPT_LOG2N: SCRYPT_LOG2N, LOG_LEVEL: 'warn',
        WORKFLOW_TIMER_POLL_MS: '0', SLA_CHECK_POLL_MS: '0', NOTIFY_POLL_MS: '60000',
      };
      const instances = Array.from({ length: INSTANCES }, () => startProcess(env));
      try {
        const urls = await Promise.all(instances.map((i) => i.url));
        const versions = await Promise.all(urls.map(async (url) => (await health(url)).registry));
        expect(versions, `trial ${trial}`).to.deep.equal(Array(INSTANCES).fill(expected.version));
        const printed = (pattern: RegExp) => instances.filter((i) => pattern.test(i.stdout())).length;
        expect(printed(/Demo sign-in \(shown once\): username "admin", temporary password \S+/), `trial ${trial}`).to.equal(1);
        expect(printed(/Demo people \(shown once\): each signs in with the temporary password \S+,/), `trial ${trial}`).to.equal(1);
        const db = fresh.open();
        try {
          expect(await rowCounts(db, expected.tables), `trial ${trial}`).to.deep.equal(expected.counts);
        } finally {
          await closeDatabase(db);
        }
      } finally {
        const codes = await Promise.all(instances.map((i) => i.stop()));
        await fresh.dispose();
        rmSync(trialData, { recursive: true, force: true });
        expect(codes, `trial ${trial}: exit codes after SIGTERM`).to.deep.equal(Array(INSTANCES).fill(0));
      }
    }
  });
});

interface Instance {
  /** The URL it printed once listening; rejects if it exits first. */
  url: Promise<string>;
  stdout(): string;
  /** SIGTERM (if still running) and its exit code. */
  stop(): Promise<number | null>;
}

/** `formwork start` in a process group of its own (so stopping it stops everything it started). */
function startProcess(env: NodeJS.ProcessEnv): Instance {
  const child: ChildProcess = spawnFormwork(['start'], {
    cwd: REPO, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += d; });
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      stdout += d;
      const m = /running at (http:\/\/\S+?)\/?\s/.exec(stdout);
      if (m) resolve(m[1]!);
    });
    void exited.then((code) => reject(new Error(`exited with ${code} before listening; stdout: ${stdout}; stderr: ${stderr}`)));
  });
  url.catch(() => undefined);
  return {
    url,
    stdout: () => stdout,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM');
      return exited;
    },
  };
}
