/**
 * Scheduled jobs: the `job` kind (kind.ts, job.schema.json), fire times in a time zone (cron.ts), the runner that runs
 * each fire exactly once across instances (runner.ts, store.ts), record sweeps (sweep.ts), platform jobs
 * (platform-jobs.ts), the engine's pollers' run history (system-runs.ts, run-retention.ts), the service the API uses
 * (service.ts) and the API (routes.ts).
 */
import type { Formwork } from '../context.js';
import { DEFAULT_JOB_POLL_MS, JobRunner, type JobRunnerOptions } from './runner.js';
import { RunnerJobService } from './service.js';
import type { SystemJob } from './platform-jobs.js';
import { trackSystemRuns } from './system-runs.js';
import type { JobService } from './types.js';

export { JobRunner, effectiveJob, jobActor, DEFAULT_JOB_POLL_MS, ON_TIME_MS, type EffectiveJob, type TickResult } from './runner.js';
export { RunnerJobService } from './service.js';
export { registerPlatformJob, platformJob, platformJobs, type SystemJob } from './platform-jobs.js';
export { observePoll, lastPolls, SYSTEM_JOB_NAMES, type SystemJobName } from './system-runs.js';
export { compileCron, nextFire, previousFire, firesBetween, scheduleText, cronProblem, DEFAULT_TIME_ZONE } from './cron.js';

/** The runner and its service, as the engine holds them. */
export interface JobsRuntime {
  runner: JobRunner;
  service: JobService;
}

/**
 * Create the runner (not yet polling: `runner.start(pollMs)`) and its service; from now on the engine's pollers record
 * their runs (system-runs.ts) under the runner's instance.
 */
export function createJobs(fw: Formwork, options: JobRunnerOptions & { systemJobs?: () => SystemJob[] }): JobsRuntime {
  const runner = new JobRunner(fw, options);
  trackSystemRuns(fw, runner.instance);
  return { runner, service: new RunnerJobService(fw, runner, options.systemJobs) };
}

function msFromEnv(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number of milliseconds; got "${v}".`);
  return n;
}

/** The poll interval from the environment (JOB_POLL_MS; 0: never), else one second. */
export function jobPollMs(env: NodeJS.ProcessEnv = process.env): number {
  return msFromEnv('JOB_POLL_MS', DEFAULT_JOB_POLL_MS, env);
}

/** Lease and heartbeat from the environment (JOB_LEASE_MS, JOB_HEARTBEAT_MS), when set. */
export function jobTimings(env: NodeJS.ProcessEnv = process.env): { leaseMs?: number; heartbeatMs?: number } {
  const out: { leaseMs?: number; heartbeatMs?: number } = {};
  if (env.JOB_LEASE_MS) out.leaseMs = msFromEnv('JOB_LEASE_MS', 0, env);
  if (env.JOB_HEARTBEAT_MS) out.heartbeatMs = msFromEnv('JOB_HEARTBEAT_MS', 0, env);
  return out;
}
