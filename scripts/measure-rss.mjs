#!/usr/bin/env node
// Measure the server's resident memory (RSS) after start and under load, run from compiled JavaScript
// (dist/, `npm run build` first) and through tsx, on a fresh SQLite database with the demo data:
//
//   node scripts/measure-rss.mjs [--only=compiled|tsx] [--path=/api/tables/task?limit=20] [--seconds=10]
//                                [--flags="--max-semi-space-size=4"]   (node flags for the server only)
//
// Per mode: start the server, wait for /api/health, read VmRSS after start (and once the process has settled for
// 2 s), create an API token for the demo administrator with the CLI, then load the list URL with autocannon
// (10 connections, its own process) while sampling VmRSS every 100 ms. Prints one line per mode.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = Object.fromEntries(process.argv.slice(2).map((a) => /^--([^=]+)=?(.*)$/.exec(a)?.slice(1) ?? [a, '']));
const SECONDS = Number(args.seconds ?? 10);
const MODES = args.only ? [args.only] : ['compiled', 'tsx'];
const run = promisify(execFile);

const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});
const rssMb = (pid) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};
const delay = (ms) => new Promise((r) => setTimeout(r, ms));

async function measure(mode) {
  if (mode === 'compiled' && !existsSync(join(ROOT, 'dist/platform/cli.js'))) throw new Error('dist/platform/cli.js is missing: run npm run build first.');
  const dir = mkdtempSync(join(tmpdir(), 'formwork-rss-'));
  const port = await freePort();
  const env = {
    ...process.env, PORT: String(port), DATABASE_URL: join(dir, 'formwork.sqlite'), FORMWORK_DATA_DIR: dir,
    FORMWORK_WATCH: 'false', NODE_ENV: 'production',
  };
  const cli = mode === 'compiled' ? ['dist/platform/cli.js'] : ['--import', 'tsx', 'platform/cli.ts'];
  const started = performance.now();
  const flags = args.flags ? args.flags.split(' ') : [];
  const server = spawn(process.execPath, [...flags, ...cli, 'start'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  server.stdout.on('data', (d) => { output += d; });
  server.stderr.on('data', (d) => { output += d; });
  try {
    for (;;) {
      if (server.exitCode !== null) throw new Error(`the server exited: ${output}`);
      const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false);
      if (ok) break;
      await delay(50);
    }
    const startMs = performance.now() - started;
    const afterStart = rssMb(server.pid);
    await delay(2000);
    const settled = rssMb(server.pid);
    const username = /username "([^"]+)"/.exec(output)?.[1];
    if (!username) throw new Error(`no demo administrator in the start output: ${output}`);
    const { stdout } = await run(process.execPath, [...cli, 'token', 'create', username, '--name', 'rss'], { cwd: ROOT, env });
    const token = stdout.trim().split('\n').pop();
    const url = `http://127.0.0.1:${port}${args.path ?? '/api/tables/task?limit=20'}`;
    const check = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    if (!check.ok) throw new Error(`${url} answered ${check.status}: ${await check.text()}`);
    const samples = [];
    const sampler = setInterval(() => samples.push(rssMb(server.pid)), 100);
    const autocannon = join(ROOT, 'node_modules/autocannon/autocannon.js');
    const load = [autocannon, '-c', '10', '-d', String(SECONDS), '-j', '-H', `authorization=Bearer ${token}`, url];
    const { stdout: report } = await run(process.execPath, load, { maxBuffer: 1 << 24 });
    clearInterval(sampler);
    const result = JSON.parse(report);
    const peak = Math.max(...samples);
    const median = [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)];
    const errors = result.errors + result.non2xx;
    return { mode, startMs, afterStart, settled, median, peak, rps: result.requests.average, p50: result.latency.p50, errors };
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => (server.exitCode !== null ? r() : server.once('exit', r)));
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const mode of MODES) {
  const m = await measure(mode);
  const mb = (v) => `${v.toFixed(0)} MB`;
  process.stdout.write(`${m.mode.padEnd(8)} start ${(m.startMs / 1000).toFixed(1)} s  RSS after start ${mb(m.afterStart)}, settled ${mb(m.settled)};`
    + ` under load median ${mb(m.median)}, peak ${mb(m.peak)}  (${m.rps.toFixed(0)} req/s, p50 ${m.p50} ms, errors ${m.errors})\n`);
}
