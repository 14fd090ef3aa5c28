/**
 * The job kind's shapes (schema part: job.schema.json) and the contract between the job runner
 * (platform/jobs/runner.ts), its API (platform/jobs/routes.ts) and the parts of the platform that contribute jobs of
 * their own ({@link PlatformJob}: inactivity warnings, revocation, purges…). Types only.
 */
import type { Condition } from '../conditions/types.js';
import type { FieldDef } from '../definitions/types.js';
import type { Formwork } from '../context.js';
import type { Actor, RecordData } from '../records/types.js';

/** What a fire missed while every instance was down does: run once at start (default), or nothing. */
export type MissedFires = 'runOnce' | 'skip';

/** One action of a record sweep on each matching record, through the record pipeline as the job's actor. */
export type SweepAction =
  | { type: 'set'; fields: Record<string, unknown> }
  | { type: 'transition'; transition: string; comment?: string }
  | { type: 'notify'; notification: string }
  | { type: 'createRecord'; table: string; fields: Record<string, unknown> };

/** A record sweep: the records of `table` matching `condition` (compiled to SQL, read in pages), each acted on. */
export interface SweepDef {
  table: string;
  condition: Condition;
  actions: SweepAction[];
  /** Records per page (default 500). */
  pageSize?: number;
}

export interface JobDef {
  kind: 'job';
  name: string;
  label?: string;
  description?: string;
  ref?: string | string[];
  /** Cron, five or six fields (node-cron 4 syntax), in `timeZone`. */
  schedule: string;
  /** IANA time zone (default Europe/London). */
  timeZone?: string;
  /** Default true. */
  enabled?: boolean;
  /** Typed with the field model; a run's values are the defaults overridden by the administrator's values. */
  parameters?: Record<string, FieldDef>;
  /** What it does: exactly one of a record sweep or a platform job (by name). */
  sweep?: SweepDef;
  platform?: string;
  /** A run longer than this is stopped and failed (default 3600). */
  timeLimitSeconds?: number;
  /** A failed run is tried again this many times (default 0), this many seconds apart (default 60). */
  retry?: { attempts: number; delaySeconds?: number };
  missed?: MissedFires;
  /** The named system actor the job acts as: its roles decide what it may read and change. */
  runAs?: { roles: string[] };
}

export type RunTrigger = 'schedule' | 'manual' | 'retry' | 'missed';
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'timed_out';

export interface RunCounts { examined: number; changed: number; failed: number }

/** One run of a job, as the API shows it. Times ISO 8601 UTC. */
export interface JobRunView {
  id: string;
  job: string;
  jobLabel: string;
  /** The scheduled fire time it ran for (null for a run started by hand). */
  fireAt: string | null;
  trigger: RunTrigger;
  /** 1 for the first try, 2… for retries. */
  attempt: number;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  counts: RunCounts;
  /** While running: how far it is (total null when unknown). */
  progress: { done: number; total: number | null } | null;
  error: string | null;
  /** The person who started it by hand, by name (null for scheduled runs). */
  startedBy: string | null;
}

/** A job's parameter as the administration page shows and edits it. */
export interface JobParameterView { name: string; label: string; type: string; help?: string; default: unknown; value: unknown }

/** A job as the API shows it: definition merged with the administrator's overrides. */
export interface JobView {
  name: string;
  label: string;
  description: string | null;
  /** 'sweep' and 'platform' come from definitions; 'system' are the engine's own pollers (timers, SLAs, mail). */
  type: 'sweep' | 'platform' | 'system';
  schedule: string;
  /** The schedule in words ("Every day at 02:00"). */
  scheduleText: string;
  timeZone: string;
  enabled: boolean;
  parameters: JobParameterView[];
  nextRunAt: string | null;
  lastRun: JobRunView | null;
  /** Whether an administrator changed the schedule, parameters or enabled flag (stored overrides). */
  overridden: boolean;
  /**
   * System jobs only: when the server answering last polled, idle or not (null before its first poll). Their runs
   * are the polls that did something or failed; idle polls are not recorded.
   */
  lastPolledAt?: string | null;
}

/** What an administrator may change at runtime (PATCH /api/jobs/:name); validated like the definition. */
export interface JobPatch { schedule?: string; timeZone?: string; enabled?: boolean; parameters?: Record<string, unknown> }

/** What a running job gets. */
export interface JobContext {
  fw: Formwork;
  /** The job's named system actor (see JobDef.runAs). */
  actor: Actor;
  /** Parameter values in force (defaults, then overrides), typed. */
  parameters: Record<string, unknown>;
  /** Aborted when the run is cancelled or passes its time limit: stop between pages. */
  signal: AbortSignal;
  /** The run's id (for audit entries that name it). */
  runId: string;
  now(): Date;
  /** Report progress (shown live) and counts (kept with the run). */
  progress(done: number, total?: number | null): void;
  count(delta: Partial<RunCounts>): void;
}

/**
 * A job a part of the platform contributes, named by a `job` definition's `platform` (or run by the engine itself):
 * its code, its parameters (typed with the field model) and what it is for.
 */
export interface PlatformJob {
  name: string;
  label: string;
  description: string;
  parameters?: Record<string, FieldDef>;
  run(ctx: JobContext): Promise<void>;
}

/** The job runner as the API uses it. Errors are FormworkErrors with stable codes (not_found, validation_failed…). */
export interface JobService {
  list(actor: Actor): Promise<JobView[]>;
  get(actor: Actor, name: string): Promise<JobView>;
  update(actor: Actor, name: string, patch: JobPatch): Promise<JobView>;
  /** Start a run now (allowed on a disabled job); resolves once it is recorded as running. */
  runNow(actor: Actor, name: string): Promise<JobRunView>;
  runs(actor: Actor, name: string, options?: { limit?: number; before?: string }): Promise<JobRunView[]>;
  run(actor: Actor, id: string): Promise<JobRunView>;
  /** Cancel a running run; a finished one is refused (409 invalid_state… see the errors table). */
  cancel(actor: Actor, id: string): Promise<JobRunView>;
}

/** A record a sweep acts on, as read (id, version and the fields its actions need). */
export type SweptRecord = RecordData;
