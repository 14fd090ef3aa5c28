/**
 * Whether a form holds changes not yet saved, told to the page (fw-dirty) only when it flips, so the page's
 * "leave without saving?" guard follows every form the same way.
 */
import { DirtyEvent } from '../events.js';

/** A form's unsaved-changes flag; setting it to what it is already says nothing. */
export class DirtyFlag {
  readonly #host: EventTarget;
  #dirty = false;

  /** `host`: the form element the fw-dirty events are dispatched from. */
  constructor(host: EventTarget) {
    this.#host = host;
  }

  /** Whether there are unsaved changes. */
  get value(): boolean {
    return this.#dirty;
  }

  /** Set the flag; a change is dispatched as a DirtyEvent from the host. */
  set(dirty: boolean): void {
    if (dirty === this.#dirty) return;
    this.#dirty = dirty;
    this.#host.dispatchEvent(new DirtyEvent(dirty));
  }
}
