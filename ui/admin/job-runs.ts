/**
 * A job's runs as its page shows them: the live progress of a running run (a native <progress> with its label and
 * counts, and a Cancel button) and the table of runs.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { JobRunView } from '../api/jobs.js';
import { formatDateTime } from '../format.js';
import { durationText, moment, progressText, runStatusTag, triggerText } from './job-parts.js';

const count = (n: number) => n.toLocaleString('en-GB');

/** "12 examined, 3 changed, 0 failed". */
export function countsText(run: JobRunView): string {
  return `${count(run.counts.examined)} examined, ${count(run.counts.changed)} changed, ${count(run.counts.failed)} failed`;
}

/**
 * The progress of a running run: its label names when it started; the bar is indeterminate while the total is not
 * known. `busy` disables Cancel while a request runs.
 */
export function runProgress(run: JobRunView, o: { busy: boolean; onCancel: (run: JobRunView) => void }): TemplateResult {
  const id = `run-progress-${run.id}`;
  const p = run.progress;
  const total = p && p.total !== null && p.total > 0 ? p.total : null;
  return html`<div class="fw-form-group" data-run=${run.id}>
    <label class="fw-label" for=${id}>Run started ${formatDateTime(run.startedAt)} (${triggerText(run)})</label>
    <progress class="fw-file-upload__progress" id=${id} aria-describedby=${`${id}-text`}
      max=${total ?? nothing} value=${total !== null ? Math.min(p!.done, total) : nothing}></progress>
    <p class="fw-body" id=${`${id}-text`}>${progressText(run) || 'Starting…'}. ${countsText(run)}.</p>
    <button type="button" class="fw-button fw-button--warning" data-cancel=${run.id} ?disabled=${o.busy}
      @click=${() => o.onCancel(run)}>Cancel this run</button>
  </div>`;
}

/**
 * The table of runs, newest first (a running one is cancelled from its progress, above the table). With `system`,
 * the runs are the server's own background work: each started when it found work, not on a schedule.
 */
export function runsTable(runs: JobRunView[], now: number, o: { system?: boolean } = {}): TemplateResult {
  const cell = (content: unknown) => html`<td class="fw-table__cell">${content}</td>`;
  const none = html`<span class="fw-secondary-text">None</span>`;
  return html`<div class="fw-table-wrapper" role="region" aria-labelledby="job-runs-heading" tabindex="0">
    <table class="fw-table">
      <caption class="fw-visually-hidden">Runs of the job, newest first</caption>
      <thead class="fw-table__head"><tr class="fw-table__row">
        <th scope="col" class="fw-table__header">Started</th>
        <th scope="col" class="fw-table__header">Finished</th>
        <th scope="col" class="fw-table__header">Took</th>
        <th scope="col" class="fw-table__header">Status</th>
        <th scope="col" class="fw-table__header">How it started</th>
        <th scope="col" class="fw-table__header fw-table__header--numeric">Examined</th>
        <th scope="col" class="fw-table__header fw-table__header--numeric">Changed</th>
        <th scope="col" class="fw-table__header fw-table__header--numeric">Failed</th>
        <th scope="col" class="fw-table__header">Problem</th>
      </tr></thead>
      <tbody class="fw-table__body">
        ${runs.map((r) => html`<tr class="fw-table__row" data-run=${r.id}>
          <th scope="row" class="fw-table__cell">${moment(r.startedAt, now)}</th>
          ${cell(r.finishedAt ? moment(r.finishedAt, now) : html`<span class="fw-secondary-text">Not yet</span>`)}
          ${cell(r.durationMs !== null ? durationText(r.durationMs) : html`<span class="fw-secondary-text">Still running</span>`)}
          ${cell(runStatusTag(r.status))}
          ${cell(o.system ? 'Found work' : triggerText(r))}
          <td class="fw-table__cell fw-table__cell--numeric">${count(r.counts.examined)}</td>
          <td class="fw-table__cell fw-table__cell--numeric">${count(r.counts.changed)}</td>
          <td class="fw-table__cell fw-table__cell--numeric">${count(r.counts.failed)}</td>
          ${cell(r.error ?? none)}
        </tr>`)}
      </tbody>
    </table>
  </div>`;
}
