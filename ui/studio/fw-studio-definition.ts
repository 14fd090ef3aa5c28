import { html, nothing } from 'lit';
import { consume } from '@lit/context';
import { Task, TaskStatus } from '@lit/task';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { ApiError, type ApiClient } from '../api/client.js';
import {
  changeSetsUrl, changeSetUrl, fetchChangeSet, fetchStudioDefinition, saveStudioDefinition, type ChangeSetItemView, type DefinitionError,
} from '../api/studio.js';
import { apiContext } from '../contexts.js';
import { DirtyEvent, PageEvent } from '../events.js';
import { formatDateTime } from '../format.js';
import { loadErrorText } from '../page-state.js';
import { problemBanner } from '../admin/admin-parts.js';
import { moment } from '../admin/job-parts.js';
import { definitionTemplate, errorLine, kindTitle, machineName, pointerOffset, pointerSegments, studioCrumbs } from './studio-parts.js';

const EDITOR = 'definition-json';

/** One line of the error summary: its text, and the pointer it is at (none for a problem of the whole text). */
interface Problem { text: ReturnType<typeof errorLine> | string; pointer?: string }

/** Someone else's save that overtook this page's copy. */
interface Overtaken { revision: number; updatedAt: string | null; updatedBy: string | null }

/**
 * One definition in a change set, edited as JSON: a labelled monospace text area, saved under the revision the page
 * loaded (If-Match). The server's errors for the definition are listed in an error summary at their JSON pointers;
 * each link puts the cursor at that place in the text. A save another person's save overtook says when theirs was
 * made and offers to load it. A name not yet in force starts from the kind's minimal template. The JSON view is the
 * first tab: the purpose-built editors join it as further tabs of this page.
 *
 * @fires fw-page - title and breadcrumb
 * @fires fw-dirty - while the text has unsaved changes
 */
@customElement('fw-studio-definition')
export class FwStudioDefinition extends LightElement {
  /** The change set's id. */
  @property() accessor changeSetId = '';
  /** The definition's kind and machine name. */
  @property() accessor kind = '';
  @property() accessor name = '';

  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor text = '';
  @state() private accessor revision = 0;
  @state() private accessor isNew = false;
  @state() private accessor problems: Problem[] = [];
  @state() private accessor problemsHeading = '';
  @state() private accessor overtaken: Overtaken | null = null;
  @state() private accessor status = '';
  @state() private accessor actionProblem = '';
  @state() private accessor busy = false;

  #load = new Task(this, {
    args: () => [this.api, this.changeSetId, this.kind, this.name] as const,
    task: async ([api, cs, kind, name], { signal }) => {
      const set = await fetchChangeSet(api, cs, signal);
      const title = `${kindTitle(kind)} ${name}`;
      this.dispatchEvent(new PageEvent(title, studioCrumbs(
        { label: 'Change sets', href: changeSetsUrl }, { label: set.name, href: changeSetUrl(cs) }, { label: title },
      )));
      let item: ChangeSetItemView | null = null;
      try {
        item = await fetchStudioDefinition(api, cs, kind, name, signal);
      } catch (e) {
        if (!(e instanceof ApiError) || e.code !== 'not_found') throw e;
      }
      this.#show(item);
      return { set, item };
    },
  });

  override render() {
    if (this.#load.status === TaskStatus.ERROR) {
      return html`<h1 class="fw-heading-l">${kindTitle(this.kind)}</h1>${problemBanner(loadErrorText(this.#load.error, 'The definition cannot be shown.'))}`;
    }
    const loaded = this.#load.value;
    if (!loaded) return html`<p class="fw-body" role="status">Loading…</p>`;
    const draft = loaded.set.status === 'draft';
    const label = this.#label();
    return html`
      ${this.#summary()}
      <span class="fw-caption-l">${kindTitle(this.kind)} in change set "${loaded.set.name}"</span>
      <h1 class="fw-heading-l">${label ?? kindTitle(this.kind)}</h1>
      <p class="fw-body">${machineName(this.name, 'Machine name')}</p>
      ${this.isNew ? html`<p class="fw-inset-text">This is a new ${kindTitle(this.kind).toLowerCase()}: fill in the template below and save it.</p>` : nothing}
      ${this.overtaken ? this.#overtakenWarning(this.overtaken) : nothing}
      ${this.actionProblem ? problemBanner(this.actionProblem) : nothing}
      <div class="fw-tabs">
        <div class="fw-tabs__list" role="tablist" aria-label="Ways to edit">
          <button type="button" class="fw-tabs__tab" role="tab" id="tab-json" aria-selected="true" aria-controls="panel-json">JSON</button>
        </div>
        <div class="fw-tabs__panel" role="tabpanel" id="panel-json" aria-labelledby="tab-json">
          <form novalidate @submit=${this.#onSave}>
            <div class="fw-form-group ${this.problems.length ? 'fw-form-group--error' : ''}">
              <label class="fw-label" for=${EDITOR}>Definition as JSON</label>
              <div class="fw-hint" id="definition-json-hint">The whole definition, as its file would hold it. Its kind and name stay as they are.</div>
              <textarea class="fw-textarea fw-textarea--code" id=${EDITOR} rows="24" spellcheck="false" autocomplete="off"
                aria-describedby="definition-json-hint" ?readonly=${!draft} .value=${this.text} @input=${this.#onInput}></textarea>
            </div>
            ${draft ? html`<div class="fw-button-group">
              <button type="submit" class="fw-button" ?disabled=${this.busy}>Save</button>
              <a class="fw-link" href=${changeSetUrl(this.changeSetId)}>Back to the change set</a>
            </div>` : html`<p class="fw-body">This change set is no longer a draft: its definitions cannot be changed.</p>`}
          </form>
          <p class="fw-body" role="status" id="save-status">${this.status}</p>
        </div>
      </div>`;
  }

  #label(): string | null {
    try {
      const label = (JSON.parse(this.text) as { label?: unknown }).label;
      return typeof label === 'string' && label ? label : null;
    } catch {
      return null;
    }
  }

  /** The GOV.UK error summary, its links putting the cursor at the pointer's place in the text. */
  #summary() {
    if (!this.problems.length) return nothing;
    return html`<div class="fw-error-summary" tabindex="-1" id="definition-errors">
      <div role="alert">
        <h2 class="fw-error-summary__title">${this.problemsHeading}</h2>
        <ul class="fw-list fw-error-summary__list">
          ${this.problems.map((p) => html`<li><a href=${`#${EDITOR}`} data-pointer=${p.pointer ?? ''} @click=${this.#onProblemClick}>${p.text}</a></li>`)}
        </ul>
      </div>
    </div>`;
  }

  #overtakenWarning(o: Overtaken) {
    const when = o.updatedAt ? html` at ${formatDateTime(o.updatedAt)} (${moment(o.updatedAt, this.api.serverNow())})` : nothing;
    return html`<div class="fw-notification-banner fw-notification-banner--warning" role="alert" tabindex="-1" id="overtaken">
      <div class="fw-notification-banner__header"><h2 class="fw-notification-banner__title">Important</h2></div>
      <div class="fw-notification-banner__content">
        <p class="fw-notification-banner__heading">Someone else saved this definition${when}, after you opened it. Your changes are not saved.</p>
        <p class="fw-body">Load their version to continue from it (your changes here will be replaced), or copy your changes first.</p>
        <button type="button" class="fw-button fw-button--secondary" @click=${this.#onReload}>Load their version</button>
      </div>
    </div>`;
  }

  /** Put the loaded item (or, when there is none, the kind's template) in the editor. */
  #show(item: ChangeSetItemView | null) {
    this.isNew = item === null;
    this.revision = item?.revision ?? 0;
    const definition = item ? item.definition : definitionTemplate(this.kind, this.name);
    this.text = JSON.stringify(definition, null, 2);
    this.overtaken = null;
    this.dispatchEvent(new DirtyEvent(false));
  }

  async #showProblems(heading: string, problems: Problem[]) {
    this.problemsHeading = heading;
    this.problems = problems;
    await this.updateComplete;
    const box = this.querySelector<HTMLElement>('#definition-errors');
    box?.focus();
    box?.scrollIntoView({ block: 'start' });
  }

  #onInput = (e: Event) => {
    this.text = (e.target as HTMLTextAreaElement).value;
    this.status = '';
    this.dispatchEvent(new DirtyEvent(true));
  };

  #onProblemClick = (e: MouseEvent) => {
    e.preventDefault();
    const pointer = (e.currentTarget as HTMLElement).dataset.pointer ?? '';
    const editor = this.querySelector<HTMLTextAreaElement>(`#${EDITOR}`);
    if (!editor) return;
    const start = pointerOffset(editor.value, pointer);
    const last = pointerSegments(pointer).filter((s) => !/^\d+$/.test(s)).at(-1);
    const end = last && editor.value.startsWith(JSON.stringify(last), start) ? start + JSON.stringify(last).length : start;
    editor.focus({ preventScroll: true });
    editor.setSelectionRange(start, end);
    this.querySelector(`label[for="${EDITOR}"]`)?.scrollIntoView({ block: 'start' });
  };

  #onSave = async (e: SubmitEvent) => {
    e.preventDefault();
    let definition: unknown;
    try {
      definition = JSON.parse(this.text);
    } catch (err) {
      await this.#showProblems('There is a problem', [{ text: `The JSON cannot be read: ${(err as Error).message}` }]);
      return;
    }
    this.busy = true;
    this.actionProblem = '';
    this.status = '';
    try {
      const saved = await saveStudioDefinition(this.api, this.changeSetId, this.kind, this.name, definition, this.revision);
      this.revision = saved.revision;
      this.isNew = false;
      this.dispatchEvent(new DirtyEvent(false));
      const errors: DefinitionError[] = saved.errors ?? [];
      if (errors.length) {
        await this.#showProblems('Saved, but there is a problem', errors.map((x) => ({ text: errorLine(x), pointer: x.pointer })));
      } else {
        this.problems = [];
        this.status = 'Saved. No problems found in this definition.';
      }
    } catch (err) {
      await this.#saveFailed(err);
    } finally {
      this.busy = false;
    }
  };

  async #saveFailed(err: unknown) {
    if (err instanceof ApiError && (err.code === 'precondition_failed' || err.code === 'conflict')) {
      const current = await fetchStudioDefinition(this.api, this.changeSetId, this.kind, this.name).catch(() => null);
      this.overtaken = { revision: current?.revision ?? 0, updatedAt: current?.updatedAt ?? null, updatedBy: current?.updatedBy ?? null };
      await this.updateComplete;
      this.querySelector<HTMLElement>('#overtaken')?.focus();
      return;
    }
    if (err instanceof ApiError && err.errors.length) {
      await this.#showProblems('There is a problem', err.errors.map((x) => ({ text: x.message, pointer: `/${x.field}` })));
      return;
    }
    this.actionProblem = err instanceof ApiError ? err.message : 'The definition could not be saved.';
    await this.updateComplete;
    this.querySelector<HTMLElement>('.fw-notification-banner')?.focus();
  }

  #onReload = async () => {
    try {
      this.#show(await fetchStudioDefinition(this.api, this.changeSetId, this.kind, this.name));
      this.problems = [];
      this.status = 'Their version has been loaded.';
      await this.updateComplete;
      this.querySelector<HTMLElement>(`#${EDITOR}`)?.focus();
    } catch (err) {
      this.actionProblem = loadErrorText(err, 'Their version could not be loaded.');
    }
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-studio-definition': FwStudioDefinition;
  }
}
