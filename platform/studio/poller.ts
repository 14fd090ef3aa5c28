/**
 * Every instance on a database switches to a version another instance published: a poll reads the latest version
 * number (one indexed `max()`), and when it is not the one in force, loads that version's layer, builds the
 * registry with the files exactly as a publish did, and swaps it in. The publisher has synced the schema already.
 *
 * Why a polled number rather than PostgreSQL's LISTEN/NOTIFY: it works the same on SQLite, which has no
 * notifications, and needs no connection held outside the pool with its own reconnect handling; a poll every
 * couple of seconds costs one index read. A NOTIFY could later wake the same poll early on PostgreSQL.
 *
 * The next registry is built while the one in force keeps serving, and swapped in one synchronous step, so a request
 * sees wholly the old or wholly the new definitions. When another switch here (a publish, a file reload) swapped while
 * this one was building, the candidate is built again on what is now in force rather than undo that switch.
 * Polls that found a version are listed with the engine's other pollers (platform/jobs/system-runs.ts).
 */
import type { Formwork } from '../context.js';
import type { RegistryHolder } from '../definitions/registry.js';
import { observePoll, SYSTEM_JOB_NAMES } from '../jobs/system-runs.js';
import { fetchCurrentVersion, fetchLayer } from './store.js';

/** How many times a poll builds again when other switches keep swapping under it (then the next poll tries). */
const ATTEMPTS = 3;

/** What one poll found: a new version switched to, refused here, or nothing new. */
export interface PollOutcome {
  /** The version published last, as read. */
  latest: number;
  switched: boolean;
  refused: boolean;
}

/** How often instances look for a new version, in ms (STUDIO_POLL_MS, else 2 s; 0: never, call `poll()`). */
export function studioPollMs(): number {
  const ms = Number(process.env.STUDIO_POLL_MS ?? 2000);
  return Number.isFinite(ms) && ms >= 0 ? ms : 2000;
}

/** Polls for published versions and swaps them in. */
export class LayerPoller {
  readonly #fw: Formwork;
  readonly #holder: RegistryHolder;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<boolean> | undefined;
  /** A version this instance could not build (its files differ): not rebuilt on every poll. */
  #refused = -1;

  constructor(fw: Formwork, holder: RegistryHolder) {
    this.#fw = fw;
    this.#holder = holder;
  }

  /** Look once; resolves true when a new version was swapped in. A poll already under way is joined, not doubled. */
  poll(): Promise<boolean> {
    this.#running ??= observePoll(this.#fw, SYSTEM_JOB_NAMES.studioVersions, () => this.#poll(), (o) => ({
      examined: o.switched || o.refused ? 1 : 0, changed: o.switched ? 1 : 0, failed: o.refused ? 1 : 0,
    })).then((o) => o.switched).finally(() => { this.#running = undefined; });
    return this.#running;
  }

  async #poll(): Promise<PollOutcome> {
    const { db, clock, log } = this.#fw;
    const latest = await fetchCurrentVersion(db.reader);
    const idle: PollOutcome = { latest, switched: false, refused: false };
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (latest <= (this.#holder.layer?.version ?? 0) || latest === this.#refused) return idle;
      const generation = this.#holder.generation;
      const layer = await fetchLayer(db.reader, latest);
      const built = await this.#holder.prepare(this.#fw.config.definitionRoots, layer);
      // Another switch swapped while this one built: look again at what is in force now.
      if (this.#holder.generation !== generation) continue;
      const at = clock.now().toISOString();
      if (!built.registry) {
        // Published by an instance whose files differ from ours: keep serving, and show administrators why.
        this.#refused = latest;
        this.#holder.reject(built.errors, at);
        log.error('published definitions refused here', { version: latest, errors: built.errors.length });
        return { ...idle, refused: true };
      }
      this.#holder.swap(built.registry, at, layer);
      log.info('definitions switched', { version: latest, registry: built.registry.version });
      return { ...idle, switched: true };
    }
    return idle;
  }

  /** Poll every `ms` (0: never). Calling it again restarts the timer. */
  start(ms: number): void {
    this.#stopTimer();
    if (ms <= 0) return;
    this.#timer = setInterval(() => {
      this.poll().catch((e) => this.#fw.log.error('definition poll failed', { error: (e as Error)?.message ?? String(e) }));
    }, ms);
    this.#timer.unref();
  }

  #stopTimer(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Stop polling and wait for a poll under way. */
  async stop(): Promise<void> {
    this.#stopTimer();
    await this.#running?.catch(() => undefined);
  }
}
