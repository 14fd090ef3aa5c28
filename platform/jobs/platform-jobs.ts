/**
 * The jobs the platform's own code contributes ({@link PlatformJob}), named by a `job` definition's `platform`, and
 * the engine's own pollers, listed as system jobs so an administrator sees everything the server does in the
 * background.
 *
 * A part of the platform registers its jobs when its module is loaded (`registerPlatformJob`): the `job` kind's lint
 * looks names up here, so the module must be imported before definitions are validated (platform/jobs/index.ts
 * imports the ones the engine ships).
 */
import type { SystemJobName } from './system-runs.js';
import type { PlatformJob } from './types.js';

const registry = new Map<string, PlatformJob>();

/** Make a platform job known by its name; registering the same name again replaces it (a module reloaded in tests). */
export function registerPlatformJob(job: PlatformJob): void {
  if (!/^[a-z][a-z0-9_]*$/.test(job.name)) throw new Error(`A platform job's name is a machine name; got "${job.name}".`);
  registry.set(job.name, job);
}

/** The platform job of that name, if registered. */
export function platformJob(name: string): PlatformJob | undefined {
  return registry.get(name);
}

/** Every registered platform job, by name. */
export function platformJobs(): PlatformJob[] {
  return [...registry.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * One of the engine's own pollers, shown read-only among the jobs: what it does and how often it runs. Its polls that
 * did something are its run history (system-runs.ts).
 */
export interface SystemJob {
  name: SystemJobName;
  label: string;
  description: string;
  /** Milliseconds between polls in this instance (0: it does not run here). */
  intervalMs: number;
}

/** A poll interval as a cron expression, when it is one (whole seconds dividing a minute, or whole minutes dividing an hour). */
export function intervalCron(ms: number): string | null {
  if (!(ms > 0) || ms % 1000) return null;
  const s = ms / 1000;
  if (s < 60 && 60 % s === 0) return s === 1 ? '* * * * * *' : `*/${s} * * * * *`;
  if (s % 60 === 0 && 60 % (s / 60) === 0) return s === 60 ? '* * * * *' : `*/${s / 60} * * * *`;
  return null;
}

/** An interval in words: "Every 30 seconds", "Every 5 minutes". */
export function intervalText(ms: number): string {
  if (!(ms > 0)) return 'Not running on this server';
  const unit = (n: number, word: string) => (n === 1 ? `Every ${word}` : `Every ${n} ${word}s`);
  if (ms % 60_000 === 0) return unit(ms / 60_000, 'minute');
  if (ms % 1000 === 0) return unit(ms / 1000, 'second');
  return unit(ms, 'millisecond');
}
