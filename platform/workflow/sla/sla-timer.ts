/**
 * The clock of one SLA (one sys_sla row), as pure transitions over a business calendar:
 *
 *   start → (pause ⇄ resume)* → stop | cancel
 *
 * Invariants, whatever the sequence:
 *  - `elapsedMs` is the working time counted up to `runningSince` (while running) or up to the pause / stop;
 *    the working time elapsed at any instant t is elapsedMs + businessTimeBetween(runningSince, t) while running.
 *  - `dueAt` / `warnAt` are the instants the running clock reaches the duration / the warning point. While paused
 *    or stopped they hold the instant it *did* reach it (a past instant, kept so that the checker can still raise a
 *    warning or breach it has not raised yet) and are null when it has not. So a non-null `dueAt` at or before now
 *    always means "breached", and one in the future always means "running and not yet breached".
 *  - After a resume at t, dueAt = addBusinessTime(t, durationMs − elapsedMs): the remaining working time is exactly
 *    what it was at the pause.
 */
import type { BusinessCalendar } from './business-calendar.js';

export type SlaState = 'active' | 'paused' | 'stopped' | 'breached' | 'cancelled';

export interface SlaTimer {
  state: SlaState;
  durationMs: number;
  /** Working time at which the warning is due, or null without a warning point. */
  warningMs: number | null;
  elapsedMs: number;
  startedAt: Date;
  runningSince: Date | null;
  pausedSince: Date | null;
  /** Wall-clock time spent paused (before the current pause). */
  pausedMs: number;
  warnAt: Date | null;
  dueAt: Date | null;
  warnedAt: Date | null;
  breachedAt: Date | null;
  stoppedAt: Date | null;
  cancelledAt: Date | null;
}

export const isRunning = (s: SlaState): boolean => s === 'active' || s === 'breached';
export const isOpen = (s: SlaState): boolean => s === 'active' || s === 'breached' || s === 'paused';

/** A new SLA started at `t`: running, or paused from the start when `paused`. */
export function startTimer(cal: BusinessCalendar, t: Date, durationMs: number, warningMs: number | null, paused: boolean): SlaTimer {
  const timer: SlaTimer = {
    state: 'active', durationMs, warningMs, elapsedMs: 0, startedAt: t, runningSince: t, pausedSince: null, pausedMs: 0,
    warnAt: null, dueAt: null, warnedAt: null, breachedAt: null, stoppedAt: null, cancelledAt: null,
  };
  plan(cal, timer, t);
  return paused ? pauseTimer(cal, timer, t) : timer;
}

/** The working time elapsed at `t`. */
export function elapsedAt(cal: BusinessCalendar, timer: SlaTimer, t: Date): number {
  if (!isRunning(timer.state) || !timer.runningSince) return timer.elapsedMs;
  return timer.elapsedMs + Math.max(0, cal.businessTimeBetween(timer.runningSince, t));
}

/** Set warnAt / dueAt of a running clock from `t` for the points not reached yet. */
function plan(cal: BusinessCalendar, timer: SlaTimer, t: Date): void {
  if (timer.warningMs !== null && timer.elapsedMs < timer.warningMs) {
    timer.warnAt = cal.addBusinessTime(t, timer.warningMs - timer.elapsedMs);
  }
  if (timer.elapsedMs < timer.durationMs) timer.dueAt = cal.addBusinessTime(t, timer.durationMs - timer.elapsedMs);
}

/** Stop the running clock at `t`: count the working time since it last started; keep only points it reached. */
function halt(cal: BusinessCalendar, timer: SlaTimer, t: Date): void {
  if (!isRunning(timer.state) || !timer.runningSince) return;
  const since = timer.runningSince;
  const before = timer.elapsedMs;
  const after = before + Math.max(0, cal.businessTimeBetween(since, t));
  const reached = (point: number | null, planned: Date | null): Date | null => {
    if (point === null) return null;
    if (before >= point) return planned; // reached in an earlier run: keep the instant it was reached
    if (after >= point) return cal.addBusinessTime(since, point - before);
    return null;
  };
  timer.warnAt = reached(timer.warningMs, timer.warnAt);
  timer.dueAt = reached(timer.durationMs, timer.dueAt);
  timer.elapsedMs = after;
  timer.runningSince = null;
}

export function pauseTimer(cal: BusinessCalendar, timer: SlaTimer, t: Date): SlaTimer {
  if (!isRunning(timer.state)) return timer;
  halt(cal, timer, t);
  timer.state = 'paused';
  timer.pausedSince = t;
  return timer;
}

export function resumeTimer(cal: BusinessCalendar, timer: SlaTimer, t: Date): SlaTimer {
  if (timer.state !== 'paused') return timer;
  if (timer.pausedSince) timer.pausedMs += Math.max(0, t.getTime() - timer.pausedSince.getTime());
  timer.pausedSince = null;
  timer.runningSince = t;
  timer.state = timer.breachedAt ? 'breached' : 'active';
  plan(cal, timer, t);
  return timer;
}

/** End the clock at `t`: achieved (`stopped`) or abandoned (`cancelled`, by a reset or the record's deletion). */
export function endTimer(cal: BusinessCalendar, timer: SlaTimer, t: Date, how: 'stopped' | 'cancelled'): SlaTimer {
  if (!isOpen(timer.state)) return timer;
  if (timer.state === 'paused') {
    if (timer.pausedSince) timer.pausedMs += Math.max(0, t.getTime() - timer.pausedSince.getTime());
    timer.pausedSince = null;
  } else {
    halt(cal, timer, t);
  }
  timer.state = how;
  if (how === 'stopped') timer.stoppedAt = t; else timer.cancelledAt = t;
  return timer;
}

/** What an SLA looks like at `t`: elapsed and remaining working time, and how far through it is. */
export interface SlaProgress {
  elapsedMs: number;
  /** durationMs − elapsedMs: negative once breached (by how much it is overdue). */
  remainingMs: number;
  /** Elapsed as a percentage of the duration, to one decimal place. */
  percent: number;
  /** Wall-clock time paused, the current pause included. */
  pausedMs: number;
  breached: boolean;
}

export function progressAt(cal: BusinessCalendar, timer: SlaTimer, t: Date): SlaProgress {
  const elapsedMs = elapsedAt(cal, timer, t);
  const pausedMs = timer.pausedMs + (timer.state === 'paused' && timer.pausedSince ? Math.max(0, t.getTime() - timer.pausedSince.getTime()) : 0);
  return {
    elapsedMs,
    remainingMs: timer.durationMs - elapsedMs,
    percent: timer.durationMs > 0 ? Math.round((elapsedMs / timer.durationMs) * 1000) / 10 : 100,
    pausedMs,
    breached: timer.breachedAt !== null || elapsedMs >= timer.durationMs,
  };
}
