import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CORE_DEFINITIONS, REPO } from '../../../support/engine.js';
import { cliDatabase, runCli, spawnFormwork } from '../../../support/cli.js';

/** A fresh database (SQLite file, or a PostgreSQL schema chosen through the URL) and data folder for the CLI. */
async function workspace(): Promise<{ env: NodeJS.ProcessEnv; dispose(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'formwork-identity-cli-'));
  const db = await cliDatabase(dir);
  return {
    env: {
      ...process.env, DATABASE_URL: db.url, FORMWORK_DEFINITIONS: CORE_DEFINITIONS, FORMWORK_DATA_DIR: join(dir, 'data'),
      FORMWORK_DEMO_DATA: 'false', FORMWORK_WATCH: 'false', LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: '0',
      PASSWORD_SCRYPT_LOG2N: '12',
    },
    async dispose() {
      await db.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const cli = runCli;

/** `formwork start` in its own process group; resolves with its URL and what it printed, and a stop(). */
async function start(env: NodeJS.ProcessEnv): Promise<{ url: string; stdout: () => string; stop(): Promise<void> }> {
  const child: ChildProcess = spawnFormwork(['start'], { cwd: REPO, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += d; });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM');
    await exited;
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed; stdout: ${stdout}; stderr: ${stderr}`)), 45_000);
      child.stdout!.on('data', (d) => {
        stdout += d;
        const m = /running at (http:\/\/\S+?)\/?\s[\s\S]*try:/.exec(stdout);
        if (m) { clearTimeout(timer); resolve(m[1]!); }
      });
      void exited.then((code) => { clearTimeout(timer); reject(new Error(`exited with ${code}; stdout: ${stdout}; stderr: ${stderr}`)); });
    });
    return { url, stdout: () => stdout, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

describe('CLI: administrators and API tokens', function () {
  this.timeout(120_000);
  let ws: Awaited<ReturnType<typeof workspace>>;

  beforeEach(async () => { ws = await workspace(); });
  afterEach(async () => { await ws?.dispose(); });

  it('admin create prints a temporary password once; token create prints a token that works against the started server', async () => {
    const created = await cli(['admin', 'create', 'Alice', '--org', 'ACME', '--role', 'admin'], ws.env);
    expect(created.code, created.stderr).to.equal(0);
    expect(created.stdout).to.contain('Created user "Alice" (roles: admin)');
    const password = /Temporary password[^:]*: (\S+)/.exec(created.stdout)?.[1];
    expect(password).to.be.a('string').with.length.of.at.least(12);

    const again = await cli(['admin', 'create', 'alice'], ws.env);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.contain('unique_violation');

    const token = await cli(['token', 'create', 'alice', '--name', 'ci'], ws.env);
    expect(token.code, token.stderr).to.equal(0);
    const value = token.stdout.trim();
    expect(value).to.match(/^fw_[A-Za-z0-9_-]{43}$/);
    expect(token.stderr).to.contain('not shown again');

    const server = await start(ws.env);
    try {
      const ok = await fetch(`${server.url}/api/meta/menus`, { headers: { authorization: `Bearer ${value}` } });
      expect(ok.status, await ok.clone().text()).to.equal(200);
      const tasks = await fetch(`${server.url}/api/tables/task`, { headers: { authorization: `Bearer ${value}` } });
      expect(tasks.status).to.equal(200);
      expect((await fetch(`${server.url}/api/meta/menus`)).status).to.equal(401);
      // The temporary password reaches the MFA step and nothing else.
      const signIn = await fetch(`${server.url}/api/auth/sign-in`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alice', password }),
      });
      expect(signIn.status).to.equal(200);
      expect((await signIn.json()).data.stage).to.equal('mfa_enrol');
      expect(server.stdout()).not.to.contain('Demo sign-in');
    } finally {
      await server.stop();
    }
  });

  it('admin reset-password and admin unlock, and usage errors', async () => {
    expect((await cli(['admin', 'create', 'bob'], ws.env)).code).to.equal(0);
    const reset = await cli(['admin', 'reset-password', 'bob'], ws.env);
    expect(reset.code, reset.stderr).to.equal(0);
    expect(reset.stdout).to.match(/Temporary password[^:]*: \S{12,}/);
    const unlock = await cli(['admin', 'unlock', 'BOB'], ws.env);
    expect(unlock.code, unlock.stderr).to.equal(0);
    expect((await cli(['admin', 'unlock', 'nobody'], ws.env)).stderr).to.contain('not_found');
    expect((await cli(['admin', 'create'], ws.env)).code).to.equal(2);
    expect((await cli(['token', 'create'], ws.env)).code).to.equal(2);
    expect((await cli(['admin', 'create', 'carol', '--role', 'no_such_role'], ws.env)).stderr).to.contain('validation_failed');
  });

  it('start on a fresh database with demo data prints the demo sign-in once', async () => {
    const env = { ...ws.env, FORMWORK_DEMO_DATA: 'true' };
    const first = await start(env);
    let password: string | undefined;
    try {
      expect(first.stdout()).to.contain('Demo sign-in (shown once): username "admin"');
      password = /temporary password (\S+)/.exec(first.stdout())?.[1];
      expect(password).to.be.a('string');
      const res = await fetch(`${first.url}/api/auth/sign-in`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }),
      });
      expect(res.status).to.equal(200);
    } finally {
      await first.stop();
    }
    const second = await start(env);
    try {
      expect(second.stdout()).not.to.contain('Demo sign-in');
    } finally {
      await second.stop();
    }
  });
});
