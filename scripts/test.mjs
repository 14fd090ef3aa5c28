#!/usr/bin/env node
// `npm test`: lint, type-check, then the whole mocha suite on SQLite and, side by side, on PostgreSQL (all but the browser tests),
// then one plain line:
// "N passed, N failed, N skipped" (a failed lint or type-check counts as one failure). PostgreSQL comes from PG_URL,
// or else a throwaway cluster started here from the Debian package's binaries (/usr/lib/postgresql/*/bin) on a
// loopback port and removed afterwards.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, chownSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const totals = { passed: 0, failed: 0, skipped: 0 };
let exitCode = 0;

/**
 * One mocha run as a child process, resolving when it ends. `buffered`: its output is kept and printed when it ends
 * (two runs go side by side and only one may write to the terminal as it goes).
 */
function run(label, cmd, args, env = {}, { buffered = false } = {}) {
  const stamp = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const statsFile = join(tmpdir(), `formwork-stats-${stamp}.json`);
  const timesFile = join(tmpdir(), `formwork-times-${stamp}.txt`);
  if (!buffered) process.stdout.write(`\n=== ${label} ===\n`);
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      stdio: buffered ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      env: { ...process.env, ...env, FORMWORK_STATS_FILE: statsFile, FORMWORK_FILE_TIMES: timesFile },
    });
    const out = [];
    child.stdout?.on('data', (d) => out.push(d));
    child.stderr?.on('data', (d) => out.push(d));
    child.on('close', (code) => {
      if (buffered) process.stdout.write(`\n=== ${label} ===\n${Buffer.concat(out).toString()}`);
      if (code !== 0) exitCode = 1;
      process.stdout.write(`\n${label}: ${Math.round((Date.now() - started) / 1000)} s\n`);
      // Where the minutes went: the slowest test files of the run (the suite must stay well under 20 minutes).
      if (existsSync(timesFile)) {
        process.stdout.write(`\nSlowest files (${label}):\n${readFileSync(timesFile, 'utf8').split('\n').slice(0, 25).join('\n')}\n`);
        rmSync(timesFile);
      }
      if (existsSync(statsFile)) {
        const s = JSON.parse(readFileSync(statsFile, 'utf8'));
        totals.passed += s.passes; totals.failed += s.failures; totals.skipped += s.pending;
        rmSync(statsFile);
      } else if (code !== 0) {
        totals.failed += 1; // a test run died before reporting
      }
      resolve();
    });
  });
}

function startPostgres() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const version = readdirSync(root).sort((a, b) => Number(a) - Number(b)).pop();
  const bin = join(root, version, 'bin');
  const dir = mkdtempSync(join(tmpdir(), 'formwork-pg-'));
  const port = 56000 + Math.floor(Math.random() * 2000);
  const asRoot = process.getuid?.() === 0;
  const as = (exe, args) => asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, exe), ...args]] : [join(bin, exe), args];
  if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), Number(execFileSync('id', ['-g', 'postgres']).toString().trim()));
  const sh = (exe, args) => { const [c, a] = as(exe, args); execFileSync(c, a, { stdio: 'ignore' }); };
  sh('initdb', ['-D', join(dir, 'data'), '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  sh('pg_ctl', ['-D', join(dir, 'data'), '-l', join(dir, 'log'), '-w', '-o', `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c max_connections=200`, 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      try { sh('pg_ctl', ['-D', join(dir, 'data'), '-m', 'fast', '-w', 'stop']); } catch { /* already gone */ }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The checks that are not tests, side by side (each is one process, mostly waiting on the other's I/O or using the
 * second core), their output printed in order once all have ended; each failure counts as one.
 */
async function checks(list) {
  const results = await Promise.all(list.map(([label, cmd, args]) => new Promise((resolve) => {
    const child = spawn(cmd, args, { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('close', (code) => resolve({ label, code, out }));
  })));
  for (const r of results) {
    process.stdout.write(`\n=== ${r.label} ===\n${r.out}`);
    if (r.code !== 0) { exitCode = 1; totals.failed += 1; }
  }
  return results;
}

const [, , , build] = await checks([
  ['lint', 'npx', ['eslint', '.']],
  ['type-check', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']],
  ['type-check (browser)', 'npx', ['tsc', '-p', 'tsconfig.ui.json', '--noEmit']],
  // The compiled server, as `npm start` runs it: the CLI tests run the command from it (test/support/cli.ts), which
  // starts in a third of the time the TypeScript source through tsx takes, in each of their ~40 processes per database.
  ['build of the server', process.execPath, ['scripts/build-server.mjs', '--no-check']],
  // Built once before the two runs start side by side, so neither finds it stale and builds it under the other.
  ['build of the browser app', process.execPath, ['scripts/build-ui.mjs', '--quiet']],
]);
const built = build.code === 0 ? { FORMWORK_TEST_BUILT: '1' } : {};

// The two databases' runs go side by side: each is one Node process that mostly waits on its database, its browser
// or its child processes, so on two cores together they take little longer than the longer one alone.
let pg = null;
let pgUrl = process.env.PG_URL;
if (!pgUrl) {
  pg = startPostgres();
  pgUrl = pg?.url;
}
const runs = [run('tests on SQLite', 'npx', ['mocha'], { DB: 'sqlite', ...built })];
if (pgUrl) {
  // Browser tests check pages — words, axe, heights, keyboard paths — which are the same on either database, and
  // they are most of the suite's minutes: they run once, on SQLite, as the walk of every page does. The server
  // behaviour they rely on is tested through the API on both; the README's walks run on PostgreSQL too, as the
  // proof that the pages work on it end to end.
  runs.push(run('tests on PostgreSQL', 'npx', [
    'mocha', '--ignore', 'test/e2e/!(readme-walks).test.ts', '--ignore', 'test/packs/*/e2e/**',
  ], { DB: 'postgres', PG_URL: pgUrl, ...built }, { buffered: true }));
}
try {
  await Promise.all(runs);
} finally {
  pg?.stop();
}
if (!pgUrl) {
  process.stdout.write('\nPostgreSQL is not installed (apt-get install -y postgresql) and PG_URL is not set: the PostgreSQL run did not happen.\n');
  totals.failed += 1;
  exitCode = 1;
}

process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(exitCode);
