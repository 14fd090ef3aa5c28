/**
 * Parts of the app loaded on demand: scripts/build-ui.mjs splits every dynamic `import()` into its own chunk, so the
 * first page fetches only app.js and the heavy parts (an editor, a diagram layout) arrive when a page first shows them.
 */
import { html, type ReactiveControllerHost, type TemplateResult } from 'lit';

/**
 * One module loaded on first use. A failed load (offline, or a chunk gone after a redeploy) is not remembered: the
 * next `load()` tries again.
 */
export class LazyModule<T> {
  readonly #importer: () => Promise<T>;
  #promise: Promise<T> | null = null;
  #module: T | undefined;
  #failed = false;
  /** The hosts to update when the load under way ends. */
  readonly #waiting = new Set<ReactiveControllerHost>();

  /** @param importer the dynamic import, e.g. `() => import('./part.js')` */
  constructor(importer: () => Promise<T>) {
    this.#importer = importer;
  }

  /** The module once loaded, else undefined. */
  get module(): T | undefined {
    return this.#module;
  }

  /** Whether the last attempt to load failed (and none is under way). */
  get failed(): boolean {
    return this.#failed;
  }

  /** The module, loading it if nobody has yet. */
  load(): Promise<T> {
    this.#promise ??= this.#importer().then(
      (m) => {
        this.#module = m;
        this.#failed = false;
        return m;
      },
      (e: unknown) => {
        this.#failed = true;
        this.#promise = null;
        throw e;
      },
    );
    return this.#promise;
  }

  /**
   * Start loading, unless loaded, under way or failed, and update `host` when the load ends either way. Safe to call
   * while rendering: a failure is not retried by itself (offline, that would loop), only by {@link retry}.
   */
  loadFor(host: ReactiveControllerHost): void {
    if (this.#module !== undefined || this.#failed || this.#waiting.has(host)) return;
    this.#waiting.add(host);
    const done = () => {
      this.#waiting.delete(host);
      host.requestUpdate();
    };
    this.load().then(done, done);
  }

  /** Try a failed load again (the placeholder's button), showing "Loading…" at once. */
  retry(host: ReactiveControllerHost): void {
    this.#failed = false;
    this.loadFor(host);
    host.requestUpdate();
  }
}

/**
 * What a lazy part shows until it is there: "Loading…" (a polite status), or, when the load failed, an alert and a
 * button to try again.
 */
export function lazyPlaceholder(lazy: LazyModule<unknown>, host: ReactiveControllerHost, what: string): TemplateResult {
  if (!lazy.failed) return html`<p class="fw-body" role="status">Loading…</p>`;
  return html`<div role="alert">
    <p class="fw-body">The ${what} could not be loaded. Check your connection, then try again.</p>
    <button type="button" class="fw-button fw-button--secondary" @click=${() => lazy.retry(host)}>Try again</button>
  </div>`;
}
