/** Running the `formwork` command line in a child process, as a person would, for the CLI tests. */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import knexFactory from 'knex';
import { closeDatabase, openDatabase, type Database } from '../../platform/db/index.js';
import { DB_KIND, PG_URL } from './db.js';
import { REPO } from './engine.js';

/** What a run of the command printed and how it ended. */
export interface CliRun { code: number | null; stdout: string; stderr: string }

/**
 * The command line of `formwork <args>` for spawn, run from the repository root: the compiled server
 * (dist/platform/cli.js, as `npm start` and bin/formwork.js run it) when the test run built it for this source
 * (`npm test` does, and sets FORMWORK_TEST_BUILT=1), else the TypeScript source through tsx. Either way node
 * directly: npx and tsx's own start-up would add a second or two to every one of the CLI tests' processes.
 */
export function formworkCommand(args: string[]): [string, string[]] {
  return process.env.FORMWORK_TEST_BUILT === '1'
    ? [process.execPath, ['dist/platform/cli.js', ...args]]
    : [process.execPath, ['--import', 'tsx', 'platform/cli.ts', ...args]];
}

/** Start `formwork <args>` (see formworkCommand) with spawn's `options` (give `cwd: REPO`). */
export function spawnFormwork(args: string[], options: SpawnOptions): ChildProcess {
  const [command, argv] = formworkCommand(args);
  return spawn(command, argv, options);
}

/** Run `formwork <args>` (see formworkCommand) from the repository root with `env`. */
export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const [command, argv] = formworkCommand(args);
    const child = spawn(command, argv, { cwd: REPO, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A database of its own for a command run in a child process, and how to open it here and remove it. */
export interface CliDatabase {
  /** DATABASE_URL for the child: the SQLite file, or PostgreSQL with its schema chosen through `options`. */
  url: string;
  /** Open the same database in this process (closed by dispose). */
  open(): Database;
  /** Close what open() opened and drop the PostgreSQL schema (the SQLite file goes with its folder). */
  dispose(): Promise<void>;
}

const pgAdmin = () => knexFactory({ client: 'pg', connection: PG_URL, pool: { min: 0, max: 1 } });

/** A fresh database for the CLI: a SQLite file in `dir`, or with DB=postgres a fresh schema. */
export async function cliDatabase(dir: string): Promise<CliDatabase> {
  let url = join(dir, `${randomBytes(4).toString('hex')}.sqlite`);
  let schema: string | undefined;
  if (DB_KIND === 'postgres') {
    schema = `cli_${randomBytes(6).toString('hex')}`;
    const admin = pgAdmin();
    await admin.raw('create schema ??', [schema]);
    await admin.destroy();
    url = `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  }
  const opened: Database[] = [];
  return {
    url,
    open() {
      const db = schema ? openDatabase(PG_URL, { searchPath: schema }) : openDatabase(url);
      opened.push(db);
      return db;
    },
    async dispose() {
      for (const db of opened.splice(0)) await closeDatabase(db);
      if (!schema) return;
      const admin = pgAdmin();
      await admin.raw('drop schema if exists ?? cascade', [schema]);
      await admin.destroy();
    },
  };
}
