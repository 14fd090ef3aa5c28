/**
 * What the scheduled jobs pages share: a run's status, how it started, how long it took and what it counted, in words,
 * and a moment shown relative to now with its exact time on hover and for screen readers.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { JobRunView, RunStatus } from '../api/jobs.js';
import { formatDateTime, formatRelative } from '../format.js';
import { tag } from './admin-parts.js';

const STATUS: Record<RunStatus, { text: string; tone: string }> = {
  running: { text: 'Running', tone: 'blue' },
  succeeded: { text: 'Succeeded', tone: 'green' },
  failed: { text: 'Failed', tone: 'red' },
  cancelled: { text: 'Cancelled', tone: 'grey' },
  timed_out: { text: 'Stopped: took too long', tone: 'red' },
};

/** A run's status as a tag. */
export function runStatusTag(status: RunStatus): TemplateResult {
  const s = STATUS[status] ?? { text: 'Unknown', tone: 'grey' };
  return tag(s.text, s.tone);
}

/** A run's status in words, for sentences ("succeeded", "was cancelled"). */
export function runStatusText(status: RunStatus): string {
  switch (status) {
    case 'running': return 'is running';
    case 'succeeded': return 'succeeded';
    case 'failed': return 'failed';
    case 'cancelled': return 'was cancelled';
    case 'timed_out': return 'was stopped because it took too long';
    default: return 'ended';
  }
}

/** How a run started: "On schedule", "Run now by Alice Smith", "Retry (attempt 2)", "Catching up a missed run". */
export function triggerText(run: JobRunView): string {
  switch (run.trigger) {
    case 'manual': return run.startedBy ? `Run now by ${run.startedBy}` : 'Run now';
    case 'retry': return `Retry (attempt ${run.attempt})`;
    case 'missed': return 'Catching up a missed run';
    default: return 'On schedule';
  }
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** 850 → "less than a second", 65 000 → "1 minute 5 seconds", 3 780 000 → "1 hour 3 minutes". */
export function durationText(ms: number): string {
  if (ms < 1000) return 'less than a second';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return plural(seconds, 'second');
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return [plural(minutes, 'minute'), seconds % 60 ? plural(seconds % 60, 'second') : ''].filter(Boolean).join(' ');
  const hours = Math.floor(minutes / 60);
  return [plural(hours, 'hour'), minutes % 60 ? plural(minutes % 60, 'minute') : ''].filter(Boolean).join(' ');
}

/** A moment relative to `now` ("in 3 hours", "5 minutes ago"), the date and time on hover and for screen readers. */
export function moment(iso: string, now?: number): TemplateResult {
  const exact = formatDateTime(iso);
  const relative = formatRelative(iso, now);
  return html`<time datetime=${iso} title=${exact}>${relative}${relative === exact ? nothing : html`<span
    class="fw-visually-hidden"> (${exact})</span>`}</time>`;
}

/** How far a run is, in words: "40 of 100 done (40%)", or "40 done so far" when the total is not known. */
export function progressText(run: JobRunView): string {
  const p = run.progress;
  if (!p) return '';
  if (p.total === null || p.total <= 0) return `${p.done.toLocaleString('en-GB')} done so far`;
  const pct = Math.min(100, Math.floor((p.done / p.total) * 100));
  return `${p.done.toLocaleString('en-GB')} of ${p.total.toLocaleString('en-GB')} done (${pct}%)`;
}
