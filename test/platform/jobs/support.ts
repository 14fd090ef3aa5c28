/**
 * Platform jobs the job tests run (registered before any definitions naming them are loaded), and a clock tests move.
 */
import { registerPlatformJob } from '../../../platform/jobs/platform-jobs.js';
import type { Clock } from '../../../platform/context.js';

/** Register the test platform jobs: one that waits until stopped, one that fails, one that returns at once. */
export function registerTestJobs(): void {
  registerPlatformJob({
    name: 'test_wait_for_abort', label: 'Wait until stopped', description: 'Runs until its run is cancelled or stopped.',
    run: (ctx) => new Promise<void>((resolve) => {
      ctx.progress(1, 10);
      if (ctx.signal.aborted) resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    }),
  });
  registerPlatformJob({
    name: 'test_fail', label: 'Fail', description: 'Fails every time.',
    run: async () => { throw new Error('Nothing works today.'); },
  });
  registerPlatformJob({
    name: 'test_quick', label: 'Quick', description: 'Counts one and returns.',
    run: async (ctx) => { ctx.count({ examined: 1 }); },
  });
}

/** A clock the test sets. */
export function settableClock(start: string): Clock & { set(iso: string): void; advance(ms: number): void } {
  let now = Date.parse(start);
  return { now: () => new Date(now), set: (iso) => { now = Date.parse(iso); }, advance: (ms) => { now += ms; } };
}
