/**
 * Live progress of a running run: its counts and progress are written when they change, at most once per interval
 * (default a second), between the heartbeats that keep its lease. A run reporting every record costs one UPDATE a
 * second, never one per record; a run over within its first second costs none (its end writes the counts), so the
 * many short runs add nothing to what a run costs.
 */

/** Milliseconds between two progress writes of a run, at the least. */
export const DEFAULT_PROGRESS_MS = 1000;

export class ProgressWriter {
  readonly #write: () => Promise<void>;
  readonly #intervalMs: number;
  readonly #onError: (e: unknown) => void;
  #timer: NodeJS.Timeout | null = null;
  #inflight: Promise<void> | null = null;
  #last = 0;
  #dirty = false;
  #closed = false;

  /** `write` stores the run's current counts and progress (one statement); its failures go to `onError`. */
  constructor(write: () => Promise<void>, intervalMs: number, onError: (e: unknown) => void) {
    this.#write = write;
    this.#intervalMs = intervalMs;
    this.#onError = onError;
    this.#last = Date.now();
  }

  /** The counts or progress changed: write them now, or once the interval since the last write has passed. */
  changed(): void {
    if (this.#closed) return;
    this.#dirty = true;
    // A write is due already (the timer) or running (it looks again when it ends).
    if (this.#timer || this.#inflight) return;
    const wait = this.#last + this.#intervalMs - Date.now();
    if (wait <= 0) { this.#flush(); return; }
    this.#timer = setTimeout(() => { this.#timer = null; this.#flush(); }, wait);
    this.#timer.unref?.();
  }

  #flush(): void {
    if (!this.#dirty || this.#closed) return;
    this.#dirty = false;
    this.#last = Date.now();
    this.#inflight = this.#write().catch(this.#onError).finally(() => {
      this.#inflight = null;
      if (this.#dirty) this.changed();
    });
  }

  /** Write nothing more; resolves once a write in flight has ended (the run's final row is written after it). */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#inflight;
  }
}
