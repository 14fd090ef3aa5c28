/**
 * The background runners of notifications in a running instance: the dispatcher (events and record changes →
 * in-app notifications and outbox rows) and the mail sender (outbox → SMTP), each polling every `pollMs`. The
 * sender is also woken as soon as a dispatch wrote mail. Every instance may run them: claims keep the work
 * exactly-once (dispatch) and at-least-once (mail). Each poll that did something is kept as a run of a system job
 * (platform/jobs/system-runs.ts), shown with the scheduled jobs.
 */
import type { Formwork } from '../context.js';
import { observePoll, SYSTEM_JOB_NAMES } from '../jobs/system-runs.js';
import { dispatchNotifications, type DispatchOptions } from './dispatcher.js';
import { sendPendingMail, type SendOptions } from './sender.js';

export interface RunnerOptions {
  /** Milliseconds between polls (default 5000). */
  pollMs?: number;
  dispatch?: DispatchOptions;
  send?: SendOptions;
}

interface Loop {
  wake(): void;
  stop(): Promise<void>;
  /** Nothing is scheduled or running (true once stopped: a stopped loop schedules nothing again). */
  idle(): boolean;
}

/** Stops the runners; resolves once a run in progress has finished. */
export interface StopRunners {
  (): Promise<void>;
  /** Whether no run is scheduled or in progress (after the stop has resolved: nothing will run again). */
  idle(): boolean;
}

function loop(fw: Formwork, name: string, pollMs: number, run: () => Promise<boolean>): Loop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let again = false;
  const schedule = (ms: number) => {
    clearTimeout(timer);
    timer = undefined;
    if (stopped) return;
    timer = setTimeout(tick, ms);
    timer.unref();
  };
  const tick = () => {
    if (stopped) return;
    if (running) { again = true; return; }
    running = (async () => {
      let more = false;
      try {
        more = await run();
      } catch (e) {
        fw.log.error(`notifications: the ${name} run failed`, { error: (e as Error)?.message ?? String(e) });
      }
      running = null;
      // A full batch or a wake-up during the run: go again at once.
      const now = more || again;
      again = false;
      schedule(now ? 0 : pollMs);
    })();
  };
  schedule(0);
  return {
    wake() { if (running) again = true; else schedule(0); },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      await running;
    },
    idle: () => timer === undefined && running === null,
  };
}

/**
 * Start the dispatcher and the mail sender. Returns a function that stops both and resolves once a run in
 * progress has finished (call it before closing the engine).
 */
export function startNotificationRunners(fw: Formwork, options: RunnerOptions = {}): StopRunners {
  const pollMs = options.pollMs ?? 5000;
  const dispatchLimit = options.dispatch?.limit ?? 100;
  const sendLimit = options.send?.limit ?? 20;
  const sender = loop(fw, 'mail sender', pollMs, async () => {
    const r = await observePoll(fw, SYSTEM_JOB_NAMES.mailSender, () => sendPendingMail(fw, options.send), (m) => ({
      examined: m.sent + m.retried + m.failed, changed: m.sent, failed: m.retried + m.failed,
    }));
    return r.sent + r.retried + r.failed >= sendLimit;
  });
  const dispatcher = loop(fw, 'dispatcher', pollMs, async () => {
    const r = await observePoll(fw, SYSTEM_JOB_NAMES.eventDispatch, () => dispatchNotifications(fw, options.dispatch), (d) => ({
      examined: d.handled + d.failed, changed: d.notifications + d.mails, failed: d.failed,
    }));
    if (r.mails) sender.wake();
    return r.handled + r.failed >= dispatchLimit;
  });
  const stop = async () => {
    await Promise.all([dispatcher.stop(), sender.stop()]);
  };
  return Object.assign(stop, { idle: () => dispatcher.idle() && sender.idle() });
}
