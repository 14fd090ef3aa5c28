/**
 * The job runner: every instance polls (JOB_POLL_MS) and, per poll, reads the overrides and the active runs (two
 * queries whatever the number of jobs), then:
 *
 *   - lease expiry: a running run whose lease passed (its instance stopped heartbeating: crashed, killed) is marked
 *     failed — cancelled if a cancel was asked — by whichever instance sees it first (a conditional UPDATE), and
 *     given a retry time when its job has tries left;
 *   - retries: a failed run whose retry time came is claimed (clearing its retry time and inserting the next attempt
 *     in one transaction);
 *   - fires: each instance keeps, per job, the last fire it knows handled (at start: the latest claimed in the
 *     database; a job never run starts from now). The next fire after it, once reached, is claimed by INSERTing its
 *     run row — unique on (job, fire_at, attempt), so exactly one instance gets it; a unique violation means another
 *     instance has it. A fire more than ON_TIME_MS late was missed (every instance down, or the job busy): only the
 *     latest missed fire runs, once (`missed: runOnce`, trigger "missed"), or none (`skip`); earlier ones are never
 *     replayed one by one.
 *   - overlap: at most one run of a job is running (a partial unique index), so a fire that comes while its job
 *     runs waits for the run to end, and fires that pile up meanwhile are coalesced as missed fires are.
 *
 * A run heartbeats every heartbeatMs (counts, progress, lease); between heartbeats its counts and progress are written
 * as they change, at most once every progressMs (progress-writer.ts). A cancel asked through the API is seen there and
 * aborts the run's signal; its time limit aborts it too (status timed_out). A run that does not stop within
 * ABORT_GRACE_MS of being aborted is recorded as stopped anyway. Closing the engine cancels the runs it is running.
 */
import type { Knex } from 'knex';
import { v7 as uuidv7 } from 'uuid';
import type { Formwork } from '../context.js';
import type { Actor } from '../records/types.js';
import { compileCron, DEFAULT_TIME_ZONE, nextFire, previousFire, type CronSchedule } from './cron.js';
import { declaredParameters, parameterValues } from './parameters.js';
import { platformJob } from './platform-jobs.js';
import { DEFAULT_PROGRESS_MS, ProgressWriter } from './progress-writer.js';
import {
  activeRuns, claimRetry, finishRun, heartbeat, insertRun, isUniqueViolation, latestFires, readOverrides, readRun, writeProgress,
  type JobOverride, type RunRow,
} from './store.js';
import { RunAborted, runSweep, type TransitionFn } from './sweep.js';
import type { JobContext, JobDef, RunCounts, RunStatus, RunTrigger } from './types.js';

export const DEFAULT_JOB_POLL_MS = 1000;
/** A fire later than this is a missed fire (see the module comment). */
export const ON_TIME_MS = 60_000;
export const DEFAULT_LEASE_MS = 30_000;
export const DEFAULT_HEARTBEAT_MS = 5000;
export const ABORT_GRACE_MS = 10_000;
export const DEFAULT_TIME_LIMIT_S = 3600;
export const DEFAULT_RETRY_DELAY_S = 60;

export interface JobRunnerOptions {
  /** Makes workflow transitions for sweeps (the engine's workflow service). */
  transition: TransitionFn;
  /** Names this instance in its runs (default a random id). */
  instance?: string;
  leaseMs?: number;
  heartbeatMs?: number;
  abortGraceMs?: number;
  /** Least milliseconds between two live-progress writes of a run (default 1000). */
  progressMs?: number;
}

/** A job as it runs now: its definition with the administrator's overrides. */
export interface EffectiveJob {
  def: JobDef;
  schedule: string;
  timeZone: string;
  enabled: boolean;
  /** Null when the schedule or zone in force does not compile (an override written before a definition changed). */
  cron: CronSchedule | null;
  parameters: Record<string, unknown>;
  override: JobOverride | null;
}

/** The job's named system actor: `job:<name>`, holding its runAs roles (or the system's full access without them). */
export function jobActor(def: JobDef): Actor {
  const username = `job:${def.name}`;
  return def.runAs
    ? { kind: 'user', id: null, username, roles: [...def.runAs.roles], orgs: [], orgId: null, via: 'system' }
    : { kind: 'system', id: null, username, roles: [], orgs: [], orgId: null, via: 'system' };
}

/** Merge a definition with its override. */
export function effectiveJob(def: JobDef, override: JobOverride | null): EffectiveJob {
  const schedule = override?.schedule ?? def.schedule;
  const timeZone = override?.timeZone ?? def.timeZone ?? DEFAULT_TIME_ZONE;
  let cron: CronSchedule | null = null;
  try { cron = compileCron(schedule, timeZone); } catch { cron = null; }
  return {
    def, schedule, timeZone, cron, override,
    enabled: override?.enabled ?? def.enabled ?? true,
    parameters: parameterValues(declaredParameters(def), override?.parameters ?? null),
  };
}

type StopReason = 'cancel' | 'timeout' | 'shutdown' | 'lost';

interface LiveRun {
  id: string;
  controller: AbortController;
  reason: StopReason | null;
  done: Promise<void>;
}

export interface TickResult { started: string[]; expired: number; retried: number }

const iso = (ms: number) => new Date(ms).toISOString();
const message = (e: unknown) => (e as Error)?.message ?? String(e);

export class JobRunner {
  readonly instance: string;
  readonly #fw: Formwork;
  readonly #opts: Required<Omit<JobRunnerOptions, 'instance'>>;
  /** Per job: the last fire known handled (ms) and the schedule it was counted in. */
  readonly #cursors = new Map<string, { at: number; key: string }>();
  #cursorsLoaded = false;
  readonly #live = new Map<string, LiveRun>();
  #timer: NodeJS.Timeout | null = null;
  #ticking: Promise<unknown> | null = null;
  #stopped = true;
  #closed = false;

  constructor(fw: Formwork, options: JobRunnerOptions) {
    this.#fw = fw;
    this.instance = options.instance ?? `${process.pid}-${uuidv7().slice(-8)}`;
    this.#opts = {
      transition: options.transition,
      leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
      heartbeatMs: options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
      abortGraceMs: options.abortGraceMs ?? ABORT_GRACE_MS,
      progressMs: options.progressMs ?? DEFAULT_PROGRESS_MS,
    };
  }

  get #knex(): Knex { return this.#fw.db.knex; }

  /** The jobs defined now, with their overrides. */
  async jobs(overrides?: Map<string, JobOverride>): Promise<EffectiveJob[]> {
    const o = overrides ?? await readOverrides(this.#knex);
    return [...this.#fw.registry.current.jobs.values()].map((def) => effectiveJob(def, o.get(def.name) ?? null));
  }

  /** Poll every `pollMs` (0: never; tests call tick()). */
  start(pollMs: number = DEFAULT_JOB_POLL_MS): void {
    if (!this.#stopped || this.#closed || !(pollMs > 0)) return;
    this.#stopped = false;
    const loop = () => {
      this.#timer = null;
      if (this.#stopped) return;
      this.#ticking = this.tick().catch((e) => {
        if (!(this.#knex.client as { pool?: unknown }).pool) { this.#stopped = true; return; }
        this.#fw.log.error('jobs: poll failed', { error: message(e) });
      }).finally(() => {
        this.#ticking = null;
        if (!this.#stopped) { this.#timer = setTimeout(loop, pollMs); this.#timer.unref?.(); }
      });
    };
    this.#timer = setTimeout(loop, pollMs);
    this.#timer.unref?.();
  }

  /** One poll at `now` (default the clock): expire lost runs, start due retries and due fires. Returns the runs started. */
  async tick(now: Date = this.#fw.clock.now()): Promise<TickResult> {
    const result: TickResult = { started: [], expired: 0, retried: 0 };
    if (this.#closed) return result;
    const at = now.toISOString();
    const overrides = await readOverrides(this.#knex);
    const jobs = new Map((await this.jobs(overrides)).map((j) => [j.def.name, j]));
    const active = await activeRuns(this.#knex, at);
    const running = new Set<string>();
    for (const r of active) {
      if (r.status !== 'running') continue;
      if (r.lease_until < at && !this.#live.has(r.id)) {
        const job = jobs.get(r.job);
        const cancelled = Boolean(r.cancel_requested);
        const retryAt = cancelled ? null : this.#retryAt(job?.def, Number(r.attempt), now);
        const error = cancelled ? 'Cancelled; the server running it stopped before it could stop the run.'
          : `The server running it (${r.instance}) stopped answering; its lease ran out at ${r.lease_until}.`;
        if (await finishRun(this.#knex, r.id, cancelled ? 'cancelled' : 'failed', at, counts(r), error, retryAt, { whereLeaseBefore: at })) {
          result.expired++;
          if (retryAt && retryAt <= at) active.push({ ...r, status: 'failed', retry_at: retryAt });
        }
        continue;
      }
      running.add(r.job);
    }
    for (const r of active) {
      if (r.status === 'running' || !r.retry_at || r.retry_at > at || running.has(r.job)) continue;
      const job = jobs.get(r.job);
      const started = await this.#claimRetry(r, job, now);
      if (started) { result.retried++; result.started.push(started); running.add(r.job); }
    }
    if (!this.#cursorsLoaded) {
      for (const [job, fire] of await latestFires(this.#knex)) this.#cursors.set(job, { at: Date.parse(fire), key: '' });
      this.#cursorsLoaded = true;
    }
    for (const job of jobs.values()) {
      const started = await this.#fire(job, now, running.has(job.def.name));
      if (started) result.started.push(started);
    }
    return result;
  }

  /** Alias of tick() at the clock's now. */
  runOnce(): Promise<TickResult> { return this.tick(); }

  /** The next fire of a job after `now`, if enabled and its schedule compiles. */
  nextRunAt(job: EffectiveJob, now: Date): string | null {
    if (!job.enabled || !job.cron) return null;
    const next = nextFire(job.cron, now.getTime());
    return next === null ? null : iso(next);
  }

  #retryAt(def: JobDef | undefined, attempt: number, now: Date): string | null {
    if (!def?.retry || attempt > def.retry.attempts) return null;
    return iso(now.getTime() + (def.retry.delaySeconds ?? DEFAULT_RETRY_DELAY_S) * 1000);
  }

  async #claimRetry(r: RunRow, job: EffectiveJob | undefined, now: Date): Promise<string | null> {
    if (!job) {
      await this.#knex('sys_job_run').where({ id: r.id }).update({ retry_at: null });
      return null;
    }
    const id = uuidv7();
    try {
      const claimed = await this.#knex.transaction(async (trx) => {
        if (!await claimRetry(trx, r.id)) return false;
        await insertRun(trx, this.#newRun(id, job, r.fire_at, 'retry', Number(r.attempt) + 1, now));
        return true;
      });
      if (!claimed) return null;
    } catch (e) {
      if (isUniqueViolation(e)) return null;
      throw e;
    }
    this.#execute(id, job, Number(r.attempt) + 1);
    return id;
  }

  async #fire(job: EffectiveJob, now: Date, busy: boolean): Promise<string | null> {
    const name = job.def.name;
    const nowMs = now.getTime();
    const key = `${job.schedule}|${job.timeZone}`;
    let cursor = this.#cursors.get(name);
    if (!job.enabled || !job.cron) { this.#cursors.set(name, { at: nowMs, key }); return null; }
    // A job never run, or whose schedule changed, counts its fires from now (or from the change).
    if (!cursor) cursor = { at: nowMs, key };
    else if (cursor.key && cursor.key !== key) cursor = { at: Math.max(cursor.at, Date.parse(job.override?.updatedAt ?? at0(now))), key };
    cursor.key = key;
    this.#cursors.set(name, cursor);
    const due = nextFire(job.cron, cursor.at);
    if (due === null || due > nowMs || busy) return null;
    let fireAt = due;
    let trigger: RunTrigger = 'schedule';
    if (nowMs - due > ON_TIME_MS) {
      fireAt = previousFire(job.cron, nowMs) ?? due;
      trigger = 'missed';
      if ((job.def.missed ?? 'runOnce') === 'skip') { cursor.at = fireAt; return null; }
    }
    const id = uuidv7();
    try {
      await insertRun(this.#knex, this.#newRun(id, job, iso(fireAt), trigger, 1, now));
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      // Another instance claimed this fire (move on), or a run of the job started meanwhile (wait for it).
      const claimed = await this.#knex('sys_job_run').where({ job: name, fire_at: iso(fireAt), attempt: 1 }).first('id');
      if (claimed) cursor.at = fireAt;
      return null;
    }
    cursor.at = fireAt;
    this.#execute(id, job, 1);
    return id;
  }

  #newRun(id: string, job: EffectiveJob, fireAt: string | null, trigger: RunTrigger, attempt: number, now: Date,
    startedBy: { id: string | null; name: string } | null = null) {
    const at = this.#fw.clock.now();
    return {
      id, job: job.def.name, fireAt, trigger, attempt, at: (trigger === 'manual' ? at : now).toISOString(),
      leaseUntil: iso(Math.max(at.getTime(), now.getTime()) + this.#opts.leaseMs), instance: this.instance, startedBy,
    };
  }

  /** Start a run by hand (allowed on a disabled job); fails with a unique violation when the job is running. */
  async startManual(job: EffectiveJob, startedBy: { id: string | null; name: string }): Promise<string> {
    const id = uuidv7();
    await insertRun(this.#knex, this.#newRun(id, job, null, 'manual', 1, this.#fw.clock.now(), startedBy));
    this.#execute(id, job, 1);
    return id;
  }

  /** Abort a run this instance is running (a cancel); false when it runs elsewhere (its heartbeat sees the request). */
  abortLocal(id: string, reason: StopReason = 'cancel'): Promise<void> | null {
    const live = this.#live.get(id);
    if (!live) return null;
    live.reason ??= reason;
    live.controller.abort();
    return live.done;
  }

  /** Wait until this instance runs nothing (tests). */
  async settled(): Promise<void> {
    while (this.#live.size) await Promise.all([...this.#live.values()].map((l) => l.done));
  }

  #execute(id: string, job: EffectiveJob, attempt: number): void {
    const controller = new AbortController();
    const live: LiveRun = { id, controller, reason: null, done: Promise.resolve() };
    this.#live.set(id, live);
    live.done = this.#run(live, job, attempt).catch((e) => {
      this.#fw.log.error('jobs: a run could not be recorded', { job: job.def.name, run: id, error: message(e) });
    }).finally(() => { this.#live.delete(id); });
  }

  async #run(live: LiveRun, job: EffectiveJob, attempt: number): Promise<void> {
    const fw = this.#fw;
    const def = job.def;
    const tally: RunCounts = { examined: 0, changed: 0, failed: 0 };
    const progress = { done: 0, total: null as number | null };
    const stop = (reason: StopReason) => { live.reason ??= reason; live.controller.abort(); };
    const beat = setInterval(() => {
      const now = fw.clock.now();
      heartbeat(this.#knex, live.id, now.toISOString(), iso(now.getTime() + this.#opts.leaseMs), tally, progress)
        .then((b) => { if (!b.running) stop('lost'); else if (b.cancelRequested) stop('cancel'); })
        .catch((e) => fw.log.warn('jobs: heartbeat failed', { run: live.id, error: message(e) }));
    }, this.#opts.heartbeatMs);
    beat.unref?.();
    const limit = setTimeout(() => stop('timeout'), (def.timeLimitSeconds ?? DEFAULT_TIME_LIMIT_S) * 1000);
    limit.unref?.();
    const writer = new ProgressWriter(() => writeProgress(this.#knex, live.id, tally, progress), this.#opts.progressMs,
      (e) => fw.log.warn('jobs: progress could not be written', { run: live.id, error: message(e) }));
    const ctx: JobContext = {
      fw, actor: jobActor(def), parameters: job.parameters, signal: live.controller.signal, runId: live.id,
      now: () => fw.clock.now(),
      progress(done, total) { progress.done = done; if (total !== undefined) progress.total = total; writer.changed(); },
      count(delta) {
        tally.examined += delta.examined ?? 0; tally.changed += delta.changed ?? 0; tally.failed += delta.failed ?? 0;
        writer.changed();
      },
    };
    let outcome: { error: string | null; threw: boolean } = { error: null, threw: false };
    const body = (async () => {
      if (def.sweep) {
        const errors = await runSweep(def.name, def.sweep, ctx, this.#opts.transition);
        return errors.length ? `${tally.failed} record(s) failed; first: ${errors.join(' | ')}` : null;
      }
      const pj = platformJob(def.platform ?? '');
      if (!pj) throw new Error(`There is no platform job "${def.platform}" on this server.`);
      await pj.run(ctx);
      return null;
    })().then(
      (error) => { outcome = { error, threw: false }; },
      (e) => { outcome = { error: message(e), threw: !(e instanceof RunAborted) }; },
    );
    // Once aborted, the body has a grace period to stop; it is recorded as stopped either way.
    const aborted = new Promise<void>((resolve) => {
      live.controller.signal.addEventListener('abort', () => { setTimeout(resolve, this.#opts.abortGraceMs).unref?.(); }, { once: true });
    });
    await Promise.race([body, aborted]);
    clearInterval(beat);
    clearTimeout(limit);
    await writer.close();
    const now = fw.clock.now();
    let status: Exclude<RunStatus, 'running'>;
    let error = outcome.error;
    switch (live.reason) {
      case 'timeout':
        status = 'timed_out';
        error = `Stopped after its time limit of ${def.timeLimitSeconds ?? DEFAULT_TIME_LIMIT_S} seconds.`;
        break;
      case 'cancel': status = 'cancelled'; error = null; break;
      case 'shutdown': status = 'cancelled'; error = 'The server stopped during the run.'; break;
      case 'lost': return;
      default: status = outcome.threw ? 'failed' : 'succeeded';
    }
    const retryAt = status === 'failed' || status === 'timed_out' ? this.#retryAt(def, attempt, now) : null;
    await finishRun(this.#knex, live.id, status, now.toISOString(), tally, error, retryAt);
  }

  /** Stop polling and cancel the runs of this instance (recorded as cancelled: the server stopped). */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#ticking;
    for (const id of [...this.#live.keys()]) void this.abortLocal(id, 'shutdown');
    await this.settled();
  }

  /** The run row (for the service). */
  read(id: string): Promise<RunRow | undefined> { return readRun(this.#knex, id); }
}

const counts = (r: RunRow): RunCounts => ({ examined: Number(r.examined), changed: Number(r.changed), failed: Number(r.failed) });
const at0 = (now: Date) => now.toISOString();
