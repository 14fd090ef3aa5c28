import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { consume } from '@lit/context';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { ApiError, type ApiClient } from '../api/client.js';
import {
  cancelRun, fetchJob, fetchRun, fetchRuns, runJobNow, updateJob, type JobParameterView, type JobPatch, type JobRunView, type JobView,
} from '../api/jobs.js';
import type { FieldMeta } from '../api/types.js';
import { PageEvent, type FieldChangeEvent } from '../events.js';
import { DirtyFlag } from '../form/dirty.js';
import { radioGroup, selectInput, textInput } from '../fields/field-parts.js';
import { renderWidget } from '../fields/widget.js';
import { FormProblems, noProblems, problemsOf, type Problems } from '../form-problems.js';
import { adminCrumbs, problemBanner, successBanner, tag } from './admin-parts.js';
import { moment, runStatusText } from './job-parts.js';
import { countsText, runProgress, runsTable } from './job-runs.js';
import { apiContext } from '../contexts.js';

const LIST = { label: 'Scheduled jobs', href: '/admin/jobs' };
const RUNS_PAGE = 20;
/** How often a running run is read again (ms). */
const POLL_MS = 1000;
/** Parameter types with a widget that needs nothing beyond the parameter itself; others are typed as text. */
const WIDGET_TYPES = new Set(['string', 'text', 'integer', 'decimal', 'currency', 'boolean', 'date', 'datetime', 'email', 'url', 'json']);

interface Values { schedule: string; timeZone: string; enabled: 'yes' | 'no'; parameters: Record<string, unknown> }
type Notice = { kind: 'success' | 'problem'; text: string };

const paramField = (name: string) => `parameters.${name}`;

/** Every time zone the browser knows, and `current` in any case (the server decides what is valid). */
function timeZones(current: string): string[] {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set([current, 'UTC', ...known])].filter(Boolean).sort();
}

/**
 * Administration: one scheduled job. What it does, its schedule (in words, and as a cron expression with its time
 * zone), whether it runs on that schedule, and its settings — all changeable in one form (PATCH /api/jobs/:name;
 * refusals land on their fields and in the error summary). "Run now" starts a run at once; a running run shows a
 * live progress bar (read again every second) and can be cancelled. Below, the job's past runs, newest first.
 * The server's own background work (type `system`) is shown read-only: when it last looked for work, the times it
 * found some, and why it has no Run now and no settings here.
 *
 * @fires fw-page - title and breadcrumb
 * @fires fw-error-state - the error summary appeared or went away
 * @fires fw-dirty - edits not yet saved
 */
@customElement('fw-admin-job')
export class FwAdminJob extends LightElement {
  /** The job's name (from the URL). */
  @property() accessor name = '';

  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor job: JobView | null = null;
  @state() private accessor loadError = '';
  @state() private accessor values: Values = { schedule: '', timeZone: '', enabled: 'yes', parameters: {} };
  @state() private accessor runs: JobRunView[] = [];
  @state() private accessor moreRuns = false;
  @state() private accessor notice: Notice | null = null;
  /** What the live region says: a run started or ended. */
  @state() private accessor announcement = '';
  @state() private accessor busy = false;

  #form = new FormProblems(this, { fields: () => this.#fields(), prefix: 'job' });
  /** Problems the parameter widgets found in what was typed ("12x" in a number), by parameter name. */
  #typed = new Map<string, string>();
  #dirty = new DirtyFlag(this);
  #timer: ReturnType<typeof setTimeout> | null = null;

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.#stopPolling();
  }

  protected override willUpdate(changed: PropertyValues) {
    if (changed.has('name')) {
      this.notice = null;
      this.#stopPolling();
      void this.#load();
    }
  }

  protected override updated(changed: PropertyValues) {
    if (changed.has('notice') && this.notice) this.querySelector<HTMLElement>('.fw-notification-banner')?.focus();
  }

  #fields(): string[] {
    return ['schedule', 'timeZone', 'enabled', ...(this.job?.parameters ?? []).map((p) => paramField(p.name))];
  }

  async #load(): Promise<void> {
    try {
      const [job, runs] = await Promise.all([fetchJob(this.api, this.name), fetchRuns(this.api, this.name, { limit: RUNS_PAGE })]);
      this.#show(job);
      this.runs = runs;
      this.moreRuns = runs.length === RUNS_PAGE;
      this.loadError = '';
      this.dispatchEvent(new PageEvent(job.label, adminCrumbs(LIST, { label: job.label })));
      this.#pollIfRunning();
    } catch (e) {
      this.job = null;
      this.loadError = e instanceof ApiError && e.status === 404 ? 'There is no such scheduled job.'
        : e instanceof ApiError && e.status === 403 ? 'You do not have access to scheduled jobs.'
          : e instanceof Error ? e.message : 'The job cannot be shown.';
      this.dispatchEvent(new PageEvent('Job not found', adminCrumbs(LIST, { label: 'Job not found' })));
    }
  }

  /** Show `job` and reset the form to what is in force. */
  #show(job: JobView) {
    this.job = job;
    this.values = {
      schedule: job.schedule, timeZone: job.timeZone, enabled: job.enabled ? 'yes' : 'no',
      parameters: Object.fromEntries(job.parameters.map((p) => [p.name, p.value ?? p.default ?? null])),
    };
    this.#typed.clear();
    this.#dirty.set(false);
  }

  override render() {
    if (this.loadError) {
      return html`<h1 class="fw-heading-l">Job not found</h1><p class="fw-body">${this.loadError}</p>
        <p class="fw-body"><a class="fw-link" href="/admin/jobs">Go to the list of scheduled jobs</a></p>`;
    }
    const job = this.job;
    if (!job) return html`<p class="fw-body" role="status">Loading…</p>`;
    const running = this.runs.filter((r) => r.status === 'running');
    const system = job.type === 'system';
    return html`
      ${this.notice ? (this.notice.kind === 'success' ? successBanner(this.notice.text) : problemBanner(this.notice.text)) : nothing}
      <fw-error-summary .items=${this.#form.items}></fw-error-summary>
      <h1 class="fw-heading-l"><span class="fw-caption-l">Scheduled job</span>${job.label}</h1>
      ${job.description ? html`<p class="fw-body">${job.description}</p>` : nothing}
      ${this.#facts(job)}
      <p class="fw-visually-hidden" role="status" aria-live="polite">${this.announcement}</p>
      ${system ? this.#builtIn() : html`<section class="fw-section" aria-labelledby="job-run-heading">
        <h2 class="fw-heading-m" id="job-run-heading">Run it now</h2>
        <p class="fw-body">Starts a run at once, whether or not the job is switched on. Its scheduled runs carry on as usual.</p>
        <button type="button" class="fw-button fw-button--secondary" data-action="run" ?disabled=${this.busy} @click=${this.#runNow}>Run now</button>
        ${running.map((r) => runProgress(r, { busy: this.busy, onCancel: this.#cancel }))}
      </section>
      <section class="fw-section" aria-labelledby="job-edit-heading">
        <h2 class="fw-heading-m" id="job-edit-heading">Change the schedule and settings</h2>
        <form class="fw-form fw-form--narrow" novalidate @submit=${this.#save}>${this.#editFields(job)}
          <button type="submit" class="fw-button" ?disabled=${this.#form.busy}>Save changes</button>
        </form>
      </section>`}
      <section class="fw-section" aria-labelledby="job-runs-heading">
        <h2 class="fw-heading-m" id="job-runs-heading">Past runs</h2>
        ${system ? html`<p class="fw-body">Only the times it found work, or failed, are listed: looking and finding nothing is not
          kept. The history is kept for a limited time, set on the job "Background run history retention".</p>` : nothing}
        ${this.runs.length ? runsTable(this.runs, this.api.serverNow(), { system })
          : html`<p class="fw-body">${system ? 'It has not found any work yet.' : 'This job has not run yet.'}</p>`}
        ${this.moreRuns ? html`<button type="button" class="fw-button fw-button--secondary" ?disabled=${this.busy}
          @click=${this.#older}>Show older runs</button>` : nothing}
      </section>`;
  }

  /** Why a system job has no Run now and no settings here. */
  #builtIn() {
    return html`<section class="fw-section" aria-labelledby="job-builtin-heading">
      <h2 class="fw-heading-m" id="job-builtin-heading">Built into the server</h2>
      <p class="fw-body">The server does this work itself, every time it looks and finds something due. It cannot be run now or
        switched off here: running it by hand would only do sooner what it does within seconds, and switching it off would
        leave due work undone. How often it looks is set in the server's configuration.</p>
    </section>`;
  }

  #facts(job: JobView) {
    const row = (key: string, value: unknown) => html`<div class="fw-summary-list__row"><dt class="fw-summary-list__key">${key}</dt><dd class="fw-summary-list__value">${value}</dd></div>`;
    const now = this.api.serverNow();
    const last = job.lastRun;
    if (job.type === 'system') {
      return html`<div class="fw-section"><dl class="fw-summary-list">
        ${row('Looks for work', job.enabled ? job.scheduleText : 'Not on this server')}
        ${row('Last looked', job.lastPolledAt ? moment(job.lastPolledAt, now) : 'Not yet, on this server')}
        ${row('Last found work', last ? html`${moment(last.startedAt, now)}: it ${runStatusText(last.status)}` : 'Not yet')}
      </dl></div>`;
    }
    return html`<div class="fw-section"><dl class="fw-summary-list">
      ${row('Schedule', job.scheduleText)}
      ${row('Time zone', job.timeZone)}
      ${row('Switched on', job.enabled ? tag('On', 'green') : tag('Off', 'grey'))}
      ${row('Next run', job.enabled && job.nextRunAt ? moment(job.nextRunAt, now) : 'Not scheduled')}
      ${row('Last run', last ? html`${moment(last.startedAt, now)}: it ${runStatusText(last.status)}` : 'Never run')}
      ${job.overridden ? row('Changed by an administrator', 'Yes: the schedule, settings or switch differ from the job\'s definition') : nothing}
    </dl></div>`;
  }

  #editFields(job: JobView): TemplateResult {
    const v = this.values;
    const err = (f: string) => this.#form.error(f);
    const change = (patch: Partial<Values>) => {
      this.values = { ...this.values, ...patch };
      this.#dirty.set(true);
    };
    return html`
      ${textInput({ id: 'job-schedule', name: 'schedule', label: 'Schedule', value: v.schedule, error: err('schedule'), spellcheck: false,
        autocomplete: 'off', widthClass: 'fw-input--width-20',
        hint: 'A cron expression: minute, hour, day of the month, month and day of the week, with an optional seconds field first. '
          + 'For example, 0 2 * * * is every day at 02:00 and 30 6 * * 1-5 is weekdays at 06:30.',
        onInput: (x) => change({ schedule: x }) })}
      ${selectInput({ id: 'job-timeZone', name: 'timeZone', label: 'Time zone', value: v.timeZone, error: err('timeZone'),
        hint: 'The schedule\'s times are in this time zone, including changes to and from summer time.',
        options: timeZones(job.timeZone).map((z) => ({ value: z, label: z.replace(/_/g, ' ') })), onChange: (x) => change({ timeZone: x }) })}
      ${radioGroup({ id: 'job-enabled', name: 'enabled', legend: 'Run it on its schedule?', boldLegend: true, inline: true, value: v.enabled,
        error: err('enabled'), options: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }],
        hint: 'When it is switched off, it runs only when someone runs it now.', onChange: (x) => change({ enabled: x as Values['enabled'] }) })}
      ${job.parameters.length ? html`<fieldset class="fw-fieldset">
        <legend class="fw-fieldset__legend fw-fieldset__legend--s">Settings</legend>
        <div @fw-field-change=${this.#onParameter}>${job.parameters.map((p) => this.#parameter(p))}</div>
      </fieldset>` : nothing}`;
  }

  /** A parameter with its type's widget (as record forms have it); types needing more than the parameter are typed as text. */
  #parameter(p: JobParameterView): TemplateResult {
    const typed = WIDGET_TYPES.has(p.type);
    const field: FieldMeta = {
      name: p.name, label: p.label, type: (typed ? p.type : 'string') as FieldMeta['type'], required: false, readOnly: false, system: false,
      ...(p.help ? { help: p.help } : {}),
    };
    const value = this.values.parameters[p.name];
    return renderWidget({
      field, value: typed || value === null || value === undefined ? value : String(value), mandatory: false, readOnly: false,
      error: this.#form.error(paramField(p.name)), inputId: `job-${paramField(p.name)}`,
    });
  }

  #onParameter = (e: FieldChangeEvent) => {
    e.stopPropagation();
    if (e.problem) this.#typed.set(e.field, e.problem);
    else this.#typed.delete(e.field);
    this.values = { ...this.values, parameters: { ...this.values.parameters, [e.field]: e.value } };
    this.#dirty.set(true);
  };

  /** What differs from the job in force: only that is sent, so an untouched value stays the definition's. */
  #patch(job: JobView): JobPatch {
    const v = this.values;
    const patch: JobPatch = {};
    if (v.schedule.trim() !== job.schedule) patch.schedule = v.schedule.trim();
    if (v.timeZone !== job.timeZone) patch.timeZone = v.timeZone;
    if ((v.enabled === 'yes') !== job.enabled) patch.enabled = v.enabled === 'yes';
    const params: Record<string, unknown> = {};
    for (const p of job.parameters) {
      const now = v.parameters[p.name] ?? null;
      if (JSON.stringify(now) !== JSON.stringify(p.value ?? p.default ?? null)) params[p.name] = now;
    }
    if (Object.keys(params).length) patch.parameters = params;
    return patch;
  }

  #save = async (e: Event) => {
    e.preventDefault();
    const job = this.job!;
    this.notice = null;
    const problems = noProblems();
    if (!this.values.schedule.trim()) problems.fields.set('schedule', 'Enter a schedule, like 0 2 * * * for every day at 02:00');
    for (const [name, problem] of this.#typed) problems.fields.set(paramField(name), problem);
    if (await this.#form.check(problems)) return;
    const patch = this.#patch(job);
    if (!Object.keys(patch).length) {
      this.#form.clear();
      this.notice = { kind: 'success', text: 'There were no changes to save.' };
      return;
    }
    await this.#form.submit(async () => {
      this.#show(await updateJob(this.api, job.name, patch));
      this.#form.clear();
      this.notice = { kind: 'success', text: `The changes to ${job.label} have been saved.` };
    }, (err) => this.#problems(err));
  };

  /** The API's field names as this form's: a parameter may be named `parameters/days` or `/parameters/days`. */
  #problems(err: unknown): Problems {
    if (!(err instanceof ApiError)) return problemsOf(err, this.#fields());
    const errors = err.errors.map((p) => ({ ...p, field: p.field.replace(/^\//, '').replace(/\//g, '.') }));
    return problemsOf(new ApiError(err.status, err.code, err.message, errors, err.body, err.headers), this.#fields());
  }

  #runNow = async () => {
    const job = this.job!;
    this.notice = null;
    this.busy = true;
    try {
      const run = await runJobNow(this.api, job.name);
      this.runs = [run, ...this.runs.filter((r) => r.id !== run.id)];
      this.announcement = `${job.label} has started.`;
      this.#pollIfRunning();
    } catch (err) {
      this.notice = { kind: 'problem', text: err instanceof Error ? err.message : 'The job could not be started.' };
    } finally {
      this.busy = false;
    }
  };

  #cancel = async (run: JobRunView) => {
    const refocus = this.#focusInProgress();
    this.notice = null;
    this.busy = true;
    try {
      this.#replace(await cancelRun(this.api, run.id));
      this.announcement = 'The run has been cancelled.';
      await this.#refreshJob();
    } catch (err) {
      this.notice = { kind: 'problem', text: err instanceof Error ? err.message : 'The run could not be cancelled.' };
      await this.#refreshRun(run.id);
    } finally {
      this.busy = false;
    }
    if (refocus && !this.notice) await this.#focusRunButton();
  };

  #older = async () => {
    const last = this.runs.at(-1);
    if (!last) return;
    this.busy = true;
    try {
      const older = await fetchRuns(this.api, this.name, { limit: RUNS_PAGE, before: last.startedAt });
      const known = new Set(this.runs.map((r) => r.id));
      this.runs = [...this.runs, ...older.filter((r) => !known.has(r.id))];
      this.moreRuns = older.length === RUNS_PAGE;
    } catch (err) {
      this.notice = { kind: 'problem', text: err instanceof Error ? err.message : 'Older runs could not be shown.' };
    } finally {
      this.busy = false;
    }
  };

  #replace(run: JobRunView) {
    this.runs = this.runs.map((r) => (r.id === run.id ? run : r));
  }

  async #refreshRun(id: string) {
    try {
      this.#replace(await fetchRun(this.api, id));
    } catch {
      // The next poll, or the next visit, shows it.
    }
  }

  /** The job's facts (last and next run) again, keeping what is typed in the form. */
  async #refreshJob() {
    try {
      const job = await fetchJob(this.api, this.name);
      if (this.#dirty.value) this.job = job;
      else this.#show(job);
    } catch {
      // The facts stay as they were until the next load.
    }
  }

  /** Read each running run again every second while any runs; say when one ends. */
  #pollIfRunning() {
    if (this.#timer || !this.runs.some((r) => r.status === 'running')) return;
    this.#timer = setTimeout(() => void this.#poll(), POLL_MS);
  }

  async #poll() {
    this.#timer = null;
    if (!this.isConnected) return;
    const running = this.runs.filter((r) => r.status === 'running');
    const fresh = await Promise.all(running.map((r) => fetchRun(this.api, r.id).catch(() => r)));
    if (!this.isConnected) return;
    const refocus = this.#focusInProgress();
    let ended: JobRunView | null = null;
    for (const run of fresh) {
      this.#replace(run);
      if (run.status !== 'running') ended = run;
    }
    if (ended) {
      this.announcement = `The run ${runStatusText(ended.status)}: ${countsText(ended)}.`;
      await this.#refreshJob();
      if (refocus) await this.#focusRunButton();
    }
    this.#pollIfRunning();
  }

  /** Whether focus is in a running run's progress (its Cancel button), which goes away when the run ends. */
  #focusInProgress(): boolean {
    return !!document.activeElement?.closest('fw-admin-job [data-run]:not(tr)');
  }

  /** Focus "Run now" once the page has rendered (the control that was focused went away with its run). */
  async #focusRunButton() {
    await this.updateComplete;
    if (!document.activeElement || document.activeElement === document.body) this.querySelector<HTMLElement>('[data-action="run"]')?.focus();
  }

  #stopPolling() {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-admin-job': FwAdminJob;
  }
}
