/**
 * Waiting for something a test cannot await directly: a background runner's work, a row a request writes after its
 * response was sent. Tests wait for the observable outcome, never for a fixed time: the wait ends as soon as the
 * condition holds, and fails (naming what was seen) when it has not held within the timeout.
 */

export interface WaitOptions {
  /** Give up after this many milliseconds (default 5000). */
  timeout?: number;
  /** Milliseconds between two checks (default 10). */
  interval?: number;
  /** What the failure says, e.g. "2 of 3 rows arrived": a text, or a function called at the timeout (to report the last state seen). */
  message?: string | (() => string);
}

/**
 * Check `condition` at once and then every `interval` ms until it returns a truthy value, and resolve to that
 * value. An exception thrown by the condition fails the wait at once. Rejects with an Error naming `message` when
 * the condition has not held after `timeout` ms.
 */
export async function waitFor<T>(condition: () => T | Promise<T>, options: WaitOptions = {}): Promise<NonNullable<T>> {
  const timeout = options.timeout ?? 5000;
  const interval = options.interval ?? 10;
  const deadline = performance.now() + timeout;
  for (;;) {
    const value = await condition();
    if (value) return value as NonNullable<T>;
    if (performance.now() >= deadline) {
      const what = typeof options.message === 'function' ? options.message() : options.message ?? 'the condition did not hold';
      throw new Error(`${what} (waited ${timeout} ms)`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
