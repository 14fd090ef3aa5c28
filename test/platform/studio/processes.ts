/**
 * Servers in child processes on one database (each runs ./instance.ts), for the two-instance test and the studio
 * benchmark: start one, read what it printed when ready, stop it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./instance.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** What an instance printed when it was ready. */
export interface InstanceInfo {
  url: string;
  /** API tokens of a configurator and an administrator (when started with USERS=1). */
  studio?: string;
  admin?: string;
}

export interface InstanceProcess {
  child: ChildProcess;
  ready: Promise<InstanceInfo>;
  /** SIGTERM, and resolve once it exited (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

/** Start one instance; `env` adds to (and overrides) this process's environment. */
export function startInstance(env: Record<string, string>): InstanceProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const ready = new Promise<InstanceInfo>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      const m = /ready (\{.*\})\n/.exec(out);
      if (m) resolve(JSON.parse(m[1]!) as InstanceInfo);
    });
    child.on('exit', (code) => reject(new Error(`the instance exited with ${code} before it was ready`)));
  });
  ready.catch(() => undefined);
  return {
    child, ready,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
