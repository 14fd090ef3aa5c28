/**
 * The submit state every form shares, in the GOV.UK pattern: while a request runs the form is busy; an API refusal
 * (or the browser's own checks) becomes errors on the form's fields and general problems, listed in the error
 * summary (general problems first, then each field's error linked to its control), which takes focus; a success
 * clears them. The page title's "Error: " prefix follows through {@link ErrorStateEvent}.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ApiError } from './api/client.js';
import { ErrorStateEvent, SignedOutEvent } from './events.js';
import type { FwErrorSummary, SummaryItem } from './fw-error-summary.js';
import './fw-error-summary.js';

export interface Problems {
  fields: Map<string, string>;
  general: string[];
}

export const noProblems = (): Problems => ({ fields: new Map(), general: [] });

/** Problems on one field only (a check the browser made). */
export const fieldProblem = (field: string, message: string): Problems => ({ fields: new Map([[field, message]]), general: [] });

/**
 * An API refusal as problems: errors on `known` fields (the first for each) and the rest as general problems.
 * Anything but an {@link ApiError} (a bug) becomes `fallback`.
 */
export function problemsOf(err: unknown, known: readonly string[], fallback = 'Something went wrong. Try again.'): Problems {
  const fields = new Map<string, string>();
  const general: string[] = [];
  if (!(err instanceof ApiError)) {
    general.push(fallback);
    return { fields, general };
  }
  for (const p of err.errors) {
    // A field may come as a JSON pointer ("/name"): the form knows it by name.
    const field = p.field.replace(/^\//, '');
    if (known.includes(field) && !fields.has(field)) fields.set(field, p.message);
    else general.push(p.message);
  }
  if (!fields.size && !general.length) {
    if (err.code === 'rate_limited') {
      const wait = Number(err.headers?.get('retry-after'));
      general.push(Number.isFinite(wait) && wait > 0 ? `There have been too many attempts. Wait ${Math.ceil(wait)} seconds, then try again.` : 'There have been too many attempts. Wait a minute, then try again.');
    } else {
      general.push(err.message);
    }
  }
  return { fields, general };
}

/** The error summary's items: general problems first, then each field's error linked to `${prefix}-${field}`. */
export function summaryOf(problems: Problems, order: readonly string[], prefix: string): SummaryItem[] {
  return [
    ...problems.general.map((text) => ({ text })),
    ...order.filter((f) => problems.fields.has(f)).map((f) => ({ text: problems.fields.get(f)!, target: `${prefix}-${f}` })),
  ];
}

/**
 * When an API error says the session ended, sign out (`fw-signed-out`, reason `expired`) from `host` rather than
 * show a problem; true when it did.
 */
export function signOutIfSessionLost(host: HTMLElement, err: unknown): boolean {
  if (!(err instanceof ApiError && (err.code === 'unauthenticated' || err.code === 'session_expired'))) return false;
  host.dispatchEvent(new SignedOutEvent('expired'));
  return true;
}

export interface FormProblemsOptions {
  /**
   * The form's fields in order; the API's errors on other fields become general problems. A function for a form
   * whose fields change (a form definition's fields shown by its policies).
   */
  fields: readonly string[] | (() => readonly string[]);
  /** A field's control has the id `${prefix}-${field}`: the summary links to it. */
  prefix: string | (() => string);
  /** The summary that takes focus, as a selector within the host (default: its first `fw-error-summary`). */
  summary?: string;
  /** The general problem for a failure that is not an API error. */
  fallback?: string;
}

/**
 * Submit state for a form component (a Lit reactive controller). The host renders
 * `<fw-error-summary .items=${form.items}>`, gives each field `form.error(name)`, disables its button while
 * `form.busy`, and runs its request through {@link FormProblems.submit}.
 */
export class FormProblems implements ReactiveController {
  #problems = noProblems();
  #busy = false;

  constructor(private readonly host: ReactiveControllerHost & HTMLElement, private readonly options: FormProblemsOptions) {
    host.addController(this);
  }

  hostConnected(): void {}

  get problems(): Problems {
    return this.#problems;
  }

  /** A request runs: the form's buttons are disabled. */
  get busy(): boolean {
    return this.#busy;
  }

  /** Whether any problem is shown. */
  get shown(): boolean {
    return this.#problems.fields.size > 0 || this.#problems.general.length > 0;
  }

  /** The error summary's items. */
  get items(): SummaryItem[] {
    const { prefix } = this.options;
    return summaryOf(this.#problems, this.#fields(), typeof prefix === 'function' ? prefix() : prefix);
  }

  /** A field's inline error, or null. */
  error(field: string): string | null {
    return this.#problems.fields.get(field) ?? null;
  }

  /**
   * Show problems: render them, mark the page in error and move focus to the summary (unless `focus` is false:
   * problems found while the page loads, before the person did anything).
   */
  async show(problems: Problems, { focus = true } = {}): Promise<void> {
    this.#problems = problems;
    this.host.requestUpdate();
    this.host.dispatchEvent(new ErrorStateEvent(true));
    if (!focus) return;
    await this.host.updateComplete;
    await this.host.querySelector<FwErrorSummary>(this.options.summary ?? 'fw-error-summary')?.show();
  }

  /** Show the browser's own checks, if they found anything; true when they did (the host then stops). */
  async check(problems: Problems): Promise<boolean> {
    if (!problems.fields.size && !problems.general.length) return false;
    await this.show(problems);
    return true;
  }

  /** Forget one field's problem (it was dealt with another way), without moving focus. */
  dismiss(field: string): void {
    if (!this.#problems.fields.has(field)) return;
    const fields = new Map(this.#problems.fields);
    fields.delete(field);
    this.#problems = { fields, general: this.#problems.general };
    this.host.requestUpdate();
    if (!this.shown) this.host.dispatchEvent(new ErrorStateEvent(false));
  }

  /** Forget the problems (a success, or the form was closed). */
  clear(): void {
    const had = this.shown;
    this.#problems = noProblems();
    this.host.requestUpdate();
    if (had) this.host.dispatchEvent(new ErrorStateEvent(false));
  }

  /**
   * Run `work` (the request and what follows its success) with the form busy. A failure becomes the form's
   * problems: `recover` may turn it into others, or return null when it dealt with the failure itself.
   */
  async submit(work: () => Promise<void>, recover?: (err: unknown) => Problems | null | undefined): Promise<void> {
    this.#setBusy(true);
    try {
      await work();
    } catch (err) {
      const problems = recover ? recover(err) : undefined;
      if (problems !== null) await this.show(problems ?? problemsOf(err, this.#fields(), this.options.fallback));
    } finally {
      this.#setBusy(false);
    }
  }

  #fields(): readonly string[] {
    const { fields } = this.options;
    return typeof fields === 'function' ? fields() : fields;
  }

  #setBusy(busy: boolean): void {
    this.#busy = busy;
    this.host.requestUpdate();
  }
}
