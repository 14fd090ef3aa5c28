/**
 * Builders for the housekeeping jobs' tests: an engine on a fixed clock, a hand-made JobContext that records counts
 * and progress and can cancel the run after a number of batches, and times a number of days before the clock's now.
 */
import type { JobContext, PlatformJob, RunCounts } from '../../../../platform/jobs/types.js';
import { createTestEngine, steppingClock, type TestEngine } from '../../../support/engine.js';
import type { Config } from '../../../../platform/config.js';

export const NOW = '2026-12-07T02:00:00.000Z';
export const DAY = 86_400_000;
export const HOUR = 3_600_000;

export interface HousekeepingWorld {
  fw: TestEngine;
  clock: ReturnType<typeof steppingClock>;
  /** An ISO time `ms` milliseconds before now. */
  ago(ms: number): string;
}

export async function housekeepingWorld(config: Partial<Config> = {}): Promise<HousekeepingWorld> {
  const clock = steppingClock(NOW);
  const fw = await createTestEngine({ clock, config });
  return { fw, clock, ago: (ms) => new Date(clock.now().getTime() - ms).toISOString() };
}

export interface TestJobContext extends JobContext {
  counts: RunCounts;
  progressSeen: { done: number; total: number | null }[];
  controller: AbortController;
}

/**
 * A JobContext as the runner would give it, on the world's clock, acting as the job's system actor. With
 * `cancelAfter`, the run is cancelled once that many non-empty batches were counted (as a person pressing Cancel mid-run).
 */
export function jobContext(
  w: HousekeepingWorld, job: PlatformJob, parameters: Record<string, unknown> = {}, cancelAfter?: number,
): TestJobContext {
  const counts: RunCounts = { examined: 0, changed: 0, failed: 0 };
  const progressSeen: { done: number; total: number | null }[] = [];
  const controller = new AbortController();
  let batches = 0;
  return {
    fw: w.fw, actor: { ...w.fw.systemActor, username: `job:${job.name}` }, parameters, signal: controller.signal,
    runId: '018f0000-0000-7000-8000-00000000b001',
    now: () => w.clock.now(),
    progress: (done, total = null) => { progressSeen.push({ done, total }); },
    count: (delta) => {
      for (const k of Object.keys(delta) as (keyof RunCounts)[]) counts[k] += delta[k] ?? 0;
      if (delta.examined) batches += 1;
      if (cancelAfter !== undefined && batches >= cancelAfter) controller.abort();
    },
    counts, progressSeen, controller,
  };
}

/** The last progress reported. */
export const lastProgress = (ctx: TestJobContext) => ctx.progressSeen[ctx.progressSeen.length - 1];
