/**
 * The job service the API uses (JobService in types.ts): jobs as administrators see them (definition and overrides
 * merged, schedule in words, next and last run), overrides validated like the definition and audited, runs by hand,
 * run history and cancellation. The engine's own pollers are listed as read-only system jobs, with the history of their
 * polls that did something (system-runs.ts) and this server's last poll.
 */
import { v5 as uuidv5 } from 'uuid';
import type { Formwork } from '../context.js';
import { fail, type FieldError } from '../errors.js';
import { writeAudit } from '../records/audit.js';
import type { Actor } from '../records/types.js';
import { cronProblem, scheduleText, timeZoneProblem } from './cron.js';
import { checkParameters, declaredParameters } from './parameters.js';
import { intervalCron, intervalText, type SystemJob } from './platform-jobs.js';
import { effectiveJob, type EffectiveJob, type JobRunner } from './runner.js';
import { lastPolls } from './system-runs.js';
import { isUniqueViolation, jobRuns, lastRuns, readOverrides, requestCancel, runView, writeOverride, type RunRow } from './store.js';
import type { JobPatch, JobRunView, JobService, JobView } from './types.js';

/** Audit entries of overrides are keyed by a UUID derived from the job's name (audit record ids are UUIDs). */
const OVERRIDE_NAMESPACE = '8f5d0a52-3c1e-4d6f-9a7b-2e4c6b8d0f13';
const CANCEL_WAIT_MS = 5000;

export class RunnerJobService implements JobService {
  readonly #fw: Formwork;
  readonly #runner: JobRunner;
  readonly #system: () => SystemJob[];

  constructor(fw: Formwork, runner: JobRunner, systemJobs: () => SystemJob[] = () => []) {
    this.#fw = fw;
    this.#runner = runner;
    this.#system = systemJobs;
  }

  #label(name: string): string {
    const def = this.#fw.registry.current.jobs.get(name);
    return def?.label ?? this.#system().find((s) => s.name === name)?.label ?? name;
  }

  #view(job: EffectiveJob, last: RunRow | undefined): JobView {
    const def = job.def;
    const declared = declaredParameters(def);
    return {
      name: def.name, label: def.label ?? def.name, description: def.description ?? null, type: def.sweep ? 'sweep' : 'platform',
      schedule: job.schedule, scheduleText: scheduleText(job.schedule), timeZone: job.timeZone, enabled: job.enabled,
      parameters: Object.entries(declared).map(([name, p]) => ({
        name, label: p.label ?? name, type: p.type, ...(p.help ? { help: p.help } : {}),
        default: p.default ?? null, value: job.parameters[name] ?? null,
      })),
      nextRunAt: this.#runner.nextRunAt(job, this.#fw.clock.now()),
      lastRun: last ? runView(last, def.label ?? def.name) : null,
      overridden: job.override !== null,
    };
  }

  #systemView(s: SystemJob, last: RunRow | undefined): JobView {
    return {
      name: s.name, label: s.label, description: s.description, type: 'system',
      schedule: intervalCron(s.intervalMs) ?? intervalText(s.intervalMs), scheduleText: intervalText(s.intervalMs),
      timeZone: 'UTC', enabled: s.intervalMs > 0, parameters: [], nextRunAt: null,
      lastRun: last ? runView(last, s.label) : null, overridden: false, lastPolledAt: lastPolls(this.#fw).get(s.name) ?? null,
    };
  }

  async #job(name: string): Promise<EffectiveJob> {
    const def = this.#fw.registry.current.jobs.get(name);
    if (!def) fail('not_found', `There is no job "${name}".`);
    const overrides = await readOverrides(this.#fw.db.knex);
    return effectiveJob(def, overrides.get(name) ?? null);
  }

  async list(_actor: Actor): Promise<JobView[]> {
    const [jobs, last] = await Promise.all([this.#runner.jobs(), lastRuns(this.#fw.db.knex)]);
    return [...jobs.map((j) => this.#view(j, last.get(j.def.name))), ...this.#system().map((s) => this.#systemView(s, last.get(s.name)))];
  }

  async get(_actor: Actor, name: string): Promise<JobView> {
    const system = this.#system().find((s) => s.name === name);
    if (system && !this.#fw.registry.current.jobs.has(name)) return this.#systemView(system, (await jobRuns(this.#fw.db.knex, name, 1))[0]);
    const job = await this.#job(name);
    return this.#view(job, (await jobRuns(this.#fw.db.knex, name, 1))[0]);
  }

  async update(actor: Actor, name: string, patch: JobPatch): Promise<JobView> {
    this.#refuseSystem(name, 'changed');
    const job = await this.#job(name);
    const errors: FieldError[] = [];
    if (patch.schedule !== undefined) {
      const problem = cronProblem(patch.schedule);
      if (problem) errors.push({ field: 'schedule', code: 'invalid', message: problem });
    }
    if (patch.timeZone !== undefined) {
      const problem = timeZoneProblem(patch.timeZone);
      if (problem) errors.push({ field: 'timeZone', code: 'invalid', message: problem });
    }
    if (patch.enabled !== undefined && typeof patch.enabled !== 'boolean') {
      errors.push({ field: 'enabled', code: 'type', message: 'Enabled must be true or false.' });
    }
    let parameters: Record<string, unknown> | undefined;
    if (patch.parameters !== undefined) {
      const checked = checkParameters(name, declaredParameters(job.def), patch.parameters ?? {});
      errors.push(...checked.errors);
      parameters = checked.values;
    }
    if (errors.length) fail('validation_failed', errors.map((e) => e.message).join(' '), { fieldErrors: errors });
    const clean: JobPatch = {
      ...(patch.schedule !== undefined ? { schedule: patch.schedule.trim() } : {}),
      ...(patch.timeZone !== undefined ? { timeZone: patch.timeZone } : {}),
      ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
      ...(parameters ? { parameters } : {}),
    };
    const at = this.#fw.clock.now().toISOString();
    await this.#fw.db.knex.transaction(async (trx) => {
      const before = job.override;
      const after = await writeOverride(trx, name, clean, actor.username, at);
      const changes: Record<string, [unknown, unknown]> = {};
      if (clean.schedule !== undefined) changes.schedule = [job.schedule, after.schedule];
      if (clean.timeZone !== undefined) changes.time_zone = [job.timeZone, after.timeZone];
      if (clean.enabled !== undefined) changes.enabled = [job.enabled, after.enabled];
      if (clean.parameters) changes.parameters = [before?.parameters ?? null, after.parameters];
      await writeAudit(trx, actor, at, [{
        table: 'sys_job_override', recordId: uuidv5(name, OVERRIDE_NAMESPACE), operation: before ? 'update' : 'insert', version: 1, changes,
      }]);
    });
    return this.get(actor, name);
  }

  async runNow(actor: Actor, name: string): Promise<JobRunView> {
    this.#refuseSystem(name, 'run by hand');
    const job = await this.#job(name);
    let id: string;
    try {
      id = await this.#runner.startManual(job, { id: actor.id, name: actor.username });
    } catch (e) {
      if (isUniqueViolation(e)) fail('invalid_state', `"${job.def.label ?? name}" is running already; wait for that run to end, or cancel it.`);
      throw e;
    }
    return this.run(actor, id);
  }

  async runs(_actor: Actor, name: string, options: { limit?: number; before?: string } = {}): Promise<JobRunView[]> {
    if (!this.#fw.registry.current.jobs.has(name) && !this.#system().some((s) => s.name === name)) fail('not_found', `There is no job "${name}".`);
    const rows = await jobRuns(this.#fw.db.knex, name, options.limit ?? 20, options.before);
    return rows.map((r) => runView(r, this.#label(name)));
  }

  async run(_actor: Actor, id: string): Promise<JobRunView> {
    const row = await this.#runner.read(id);
    if (!row) fail('not_found', `There is no run "${id}".`);
    return runView(row, this.#label(row.job));
  }

  async cancel(actor: Actor, id: string): Promise<JobRunView> {
    const row = await this.#runner.read(id);
    if (!row) fail('not_found', `There is no run "${id}".`);
    if (row.status !== 'running' || !await requestCancel(this.#fw.db.knex, id)) {
      fail('invalid_state', 'The run has finished: there is nothing to cancel.', { extra: { status: (await this.#runner.read(id))?.status } });
    }
    // Here: stop it now. Elsewhere: its instance sees the request at its next heartbeat; wait a little for it.
    const local = this.#runner.abortLocal(id);
    if (local) await local;
    else {
      const deadline = Date.now() + CANCEL_WAIT_MS;
      while (Date.now() < deadline && (await this.#runner.read(id))?.status === 'running') await new Promise((r) => setTimeout(r, 100));
    }
    return this.run(actor, id);
  }

  #refuseSystem(name: string, what: string): void {
    if (this.#system().some((s) => s.name === name) && !this.#fw.registry.current.jobs.has(name)) {
      fail('invalid_state', `"${this.#label(name)}" is run by the server itself; it cannot be ${what} here.`);
    }
  }
}
