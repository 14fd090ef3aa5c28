/**
 * Every instance on a database switches to a version another instance published: a poll reads the latest version
 * number (one indexed `max()`), and when it is not the one in force, loads that version's layer, builds the
 * registry with the files exactly as a publish did, and swaps it in. The publisher has synced the schema already.
 *
 * Why a polled number rather than PostgreSQL's LISTEN/NOTIFY: it works the same on SQLite, which has no
 * notifications, and needs no connection held outside the pool with its own reconnect handling; a poll every
 * couple of seconds costs one index read. A NOTIFY could later wake the same poll early on PostgreSQL.
 */
import type { Formwork } from '../context.js';
import type { RegistryHolder } from '../definitions/registry.js';
import { fetchCurrentVersion, fetchLayer } from './store.js';

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
    this.#running ??= this.#poll().finally(() => { this.#running = undefined; });
    return this.#running;
  }

  async #poll(): Promise<boolean> {
    const { db, clock, log } = this.#fw;
    const latest = await fetchCurrentVersion(db.reader);
    if (latest === (this.#holder.layer?.version ?? 0) || latest === this.#refused) return false;
    const layer = await fetchLayer(db.reader, latest);
    const built = await this.#holder.prepare(this.#fw.config.definitionRoots, layer);
    const at = clock.now().toISOString();
    if (!built.registry) {
      // Published by an instance whose files differ from ours: keep serving, and show administrators why.
      this.#refused = latest;
      this.#holder.reject(built.errors, at);
      log.error('published definitions refused here', { version: latest, errors: built.errors.length });
      return false;
    }
    this.#holder.swap(built.registry, at, layer);
    log.info('definitions switched', { version: latest, registry: built.registry.version });
    return true;
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
