/**
 * What the pages of the signed-in service share around their content: announcing the page (title and breadcrumb
 * under Home), its heading with an optional caption, "Loading…" while its data is fetched and the problem when
 * it cannot be.
 */
import { TaskStatus } from '@lit/task';
import { html, nothing, type TemplateResult } from 'lit';
import { ApiError } from './api/client.js';
import { PageEvent } from './events.js';

/** Announce a page one level below Home (`fw-page`: title and breadcrumb) from `host`. */
export function announcePage(host: HTMLElement, title: string): void {
  host.dispatchEvent(new PageEvent(title, [{ label: 'Home', href: '/' }, { label: title }]));
}

/** The page's heading, with a caption above it (the section it belongs to) when given. */
export function pageHeading(title: string, caption?: string): TemplateResult {
  return html`${caption ? html`<span class="fw-caption-l">${caption}</span>` : nothing}
    <h1 class="fw-heading-l">${title}</h1>`;
}

/** "Loading…", announced politely. */
export function loadingState(): TemplateResult {
  return html`<p class="fw-body" role="status">Loading…</p>`;
}

/** Why the page's data cannot be shown: the API's message, or `fallback` for anything else. */
export function loadErrorText(err: unknown, fallback: string): string {
  return err instanceof ApiError ? err.message : fallback;
}

/** The page's data cannot be shown: a heading saying what, and why (announced at once). */
export function loadProblem(heading: string, text: string): TemplateResult | typeof nothing {
  return text ? html`<div class="fw-error-summary" role="alert"><h2 class="fw-error-summary__title">${heading}</h2><p class="fw-body">${text}</p></div>` : nothing;
}

/** Whether a task has no answer yet for its current inputs: it has not run, or it runs now. */
export function isLoading(task: { readonly status: TaskStatus }): boolean {
  return task.status === TaskStatus.INITIAL || task.status === TaskStatus.PENDING;
}
