import { html, nothing } from 'lit';
import { consume } from '@lit/context';
import { Task, TaskStatus } from '@lit/task';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { ApiError, type ApiClient } from '../api/client.js';
import {
  changeSetsUrl, changeSetUrl, deleteStudioDefinition, fetchChangeSet, fetchStudioDefinition, saveStudioDefinition, type ChangeSetItemView,
  type DefinitionError,
} from '../api/studio.js';
import { apiContext } from '../contexts.js';
import { DirtyEvent, NavigateEvent, PageEvent } from '../events.js';
import { setFlash } from '../flash.js';
import { formatDateTime } from '../format.js';
import { loadErrorText } from '../page-state.js';
import { confirmation, problemBanner } from '../admin/admin-parts.js';
import { moment } from '../admin/job-parts.js';
import { definitionTemplate, errorLine, kindTitle, machineName, pointerOffset, pointerSegments, studioCrumbs } from './studio-parts.js';
import { DefinitionEditEvent, type Definition, type EditorContext, type EditorTab } from './editors/contract.js';
import { GENERATED_TAB_ID } from './editors/fw-schema-editor.js';
import { EDITOR_TABS } from './editors/registry.js';
import './fw-studio-uses.js';

const EDITOR = 'definition-json';
const JSON_TAB = 'json';

/** One line of the error summary: its text, and the pointer it is at (none for a problem of the whole text). */
interface Problem { text: ReturnType<typeof errorLine> | string; pointer?: string }

/** Someone else's save that overtook this page's copy. */
interface Overtaken { revision: number; updatedAt: string | null; updatedBy: string | null }

/**
 * One definition in a change set, in tabs: the editors of `EDITOR_TABS` that apply to its kind (the first
 * purpose-built one selected, else the generated one), then the JSON view, a labelled monospace text area. The page
 * holds one JSON text for all of them: an editor's change replaces it, and one Save sends it under the revision the
 * page loaded (If-Match). The server's errors are given to the editors and listed in an error summary; a link
 * focuses the selected editor's control for that pointer, or puts the cursor at that place in the JSON text. A save
 * another person's save overtook says when theirs was made and offers to load it. A name not yet in force starts from
 * the kind's minimal template. In a draft, a definition can be deleted after a confirmation.
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
  /** The selected tab's id ('' until the definition is loaded: then the default for its kind). */
  @state() private accessor tab = '';
  /** The server's errors of the last save, for the editors to show at their controls. */
  @state() private accessor saveErrors: DefinitionError[] = [];
  @state() private accessor confirmingDelete = false;
  @state() private accessor deleted = false;
  @state() private accessor origin: ChangeSetItemView['origin'] | null = null;

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
      this.tab = this.#defaultTab();
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
      ${this.deleted ? html`<p class="fw-inset-text">This definition is deleted in this change set. Saving it brings it back.</p>` : nothing}
      ${this.#tabs(draft)}
      <form novalidate @submit=${this.#onSave}>
        ${draft ? html`<div class="fw-button-group">
          <button type="submit" class="fw-button" ?disabled=${this.busy}>Save</button>
          <a class="fw-link" href=${changeSetUrl(this.changeSetId)}>Back to the change set</a>
        </div>` : html`<p class="fw-body">This change set is no longer a draft: its definitions cannot be changed.</p>`}
      </form>
      <p class="fw-body" role="status" id="save-status">${this.status}</p>
      ${this.isNew ? nothing : html`<fw-studio-uses kind=${this.kind} name=${this.name} subject=${label ?? this.name}></fw-studio-uses>`}
      ${draft && !this.isNew && !this.deleted && this.origin !== 'file' ? this.#deleteSection(label) : nothing}`;
  }

  /** The tabs that apply to this kind, the JSON view last. */
  #tabList(): EditorTab[] {
    return EDITOR_TABS.filter((t) => t.appliesTo(this.kind));
  }

  /** The WAI-ARIA tabs: one tab stop (the selected tab), arrow keys, Home and End move between tabs. */
  #tabs(draft: boolean) {
    const tabs = [...this.#tabList().map((t) => ({ id: t.id, label: t.label })), { id: JSON_TAB, label: 'JSON' }];
    const selected = tabs.some((t) => t.id === this.tab) ? this.tab : JSON_TAB;
    return html`<div class="fw-tabs">
      <div class="fw-tabs__list" role="tablist" aria-label="Ways to edit" @keydown=${this.#onTabKey}>
        ${tabs.map((t) => html`<button type="button" class="fw-tabs__tab" role="tab" id=${`tab-${t.id}`} data-tab=${t.id}
          aria-selected=${t.id === selected ? 'true' : 'false'} aria-controls=${`panel-${t.id}`} tabindex=${t.id === selected ? '0' : '-1'}
          @click=${() => this.#select(t.id)}>${t.label}</button>`)}
      </div>
      ${tabs.map((t) => html`<div class="fw-tabs__panel" role="tabpanel" id=${`panel-${t.id}`} aria-labelledby=${`tab-${t.id}`}
        tabindex="0" ?hidden=${t.id !== selected}>${t.id === selected ? this.#panel(t.id, draft) : nothing}</div>`)}
    </div>`;
  }

  #panel(id: string, draft: boolean) {
    if (id === JSON_TAB) {
      return html`<div class="fw-form-group ${this.problems.length ? 'fw-form-group--error' : ''}">
        <label class="fw-label" for=${EDITOR}>Definition as JSON</label>
        <div class="fw-hint" id="definition-json-hint">The whole definition, as its file would hold it. Its kind and name stay as they are.</div>
        <textarea class="fw-textarea fw-textarea--code" id=${EDITOR} rows="24" spellcheck="false" autocomplete="off"
          aria-describedby="definition-json-hint" ?readonly=${!draft} .value=${this.text} @input=${this.#onInput}></textarea>
      </div>`;
    }
    const tab = this.#tabList().find((t) => t.id === id);
    if (!tab) return nothing;
    let definition: Definition;
    try {
      const parsed: unknown = JSON.parse(this.text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('The definition must be a JSON object.');
      definition = parsed as Definition;
    } catch (err) {
      return html`<div class="fw-inset-text">
        <p class="fw-body">The JSON text cannot be read, so this tab cannot show the definition: ${(err as Error).message}</p>
        <p class="fw-body"><button type="button" class="fw-link-button" @click=${() => void this.#select(JSON_TAB, true)}>Fix it in the JSON tab</button></p>
      </div>`;
    }
    const ctx: EditorContext = {
      definition, kind: this.kind, name: this.name, changeSetId: this.changeSetId, editable: draft, errors: this.saveErrors,
    };
    return html`<div @fw-definition-edit=${this.#onEdit}>${tab.render(ctx)}</div>`;
  }

  #deleteSection(label: string | null) {
    const what = `${kindTitle(this.kind).toLowerCase()} "${label ?? this.name}"`;
    if (this.confirmingDelete) {
      return confirmation({
        title: 'Delete this definition?',
        body: `Publishing this change set removes the ${what}. Definitions and records that use it may stop working. Until then, saving it brings it back.`,
        confirmLabel: 'Yes, delete it', busy: this.busy,
        onConfirm: () => void this.#onDelete(what), onCancel: () => void this.#cancelDelete(),
      });
    }
    return html`<div class="fw-button-group fw-studio-definition__delete">
      <button type="button" class="fw-button fw-button--warning" id="delete-button" @click=${this.#askDelete}>Delete this definition</button>
    </div>`;
  }

  #label(): string | null {
    try {
      // Catalogue kinds have titles where the others have labels.
      const { label, title } = JSON.parse(this.text) as { label?: unknown; title?: unknown };
      const text = typeof label === 'string' && label ? label : title;
      return typeof text === 'string' && text ? text : null;
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

  /** The first purpose-built tab for this kind, else the generated one. */
  #defaultTab(): string {
    const tabs = this.#tabList();
    return (tabs.find((t) => t.id !== GENERATED_TAB_ID) ?? tabs[0])?.id ?? JSON_TAB;
  }

  /** Put the loaded item (or, when there is none, the kind's template) in the editor. */
  #show(item: ChangeSetItemView | null) {
    this.isNew = item === null;
    this.revision = item?.revision ?? 0;
    this.deleted = item?.deleted ?? false;
    this.origin = item?.origin ?? null;
    this.saveErrors = [];
    const definition = item && !item.deleted ? item.definition : definitionTemplate(this.kind, this.name);
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

  /** An editor's change: the definition is replaced and the JSON text written again from it. */
  #onEdit = (e: Event) => {
    if (!(e instanceof DefinitionEditEvent)) return;
    e.stopPropagation();
    this.text = JSON.stringify(e.definition, null, 2);
    this.status = '';
    this.dispatchEvent(new DirtyEvent(true));
  };

  async #select(id: string, focus = false) {
    this.tab = id;
    if (!focus) return;
    await this.updateComplete;
    this.querySelector<HTMLElement>(`#tab-${CSS.escape(id)}`)?.focus();
  }

  #onTabKey = (e: KeyboardEvent) => {
    const tabs = [...this.querySelectorAll<HTMLElement>('.fw-tabs__list [role=tab]')];
    const at = tabs.findIndex((t) => t === document.activeElement);
    if (at < 0) return;
    const next = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    const target = tabs[(next + tabs.length) % tabs.length]!;
    void this.#select(target.dataset.tab ?? JSON_TAB, true);
  };

  #onProblemClick = async (e: MouseEvent) => {
    e.preventDefault();
    const pointer = (e.currentTarget as HTMLElement).dataset.pointer ?? '';
    const control = pointer && this.tab !== JSON_TAB
      ? this.querySelector<HTMLElement>(`.fw-tabs__panel:not([hidden]) [data-pointer="${CSS.escape(pointer)}"]`) : null;
    if (control) {
      // A control in a collapsed group is shown before it takes the focus.
      for (let d = control.closest('details'); d; d = d.parentElement?.closest('details') ?? null) d.open = true;
      control.focus();
      control.scrollIntoView({ block: 'center' });
      return;
    }
    if (this.tab !== JSON_TAB) await this.#select(JSON_TAB);
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
      this.saveErrors = errors;
      this.deleted = false;
      this.origin = saved.origin;
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
      this.saveErrors = err.errors.map((x) => ({ file: '', pointer: `/${x.field}`, message: x.message }));
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
      (this.querySelector<HTMLElement>(`#${EDITOR}`) ?? this.querySelector<HTMLElement>(`#tab-${CSS.escape(this.tab)}`))?.focus();
    } catch (err) {
      this.actionProblem = loadErrorText(err, 'Their version could not be loaded.');
    }
  };

  #askDelete = async () => {
    this.confirmingDelete = true;
    await this.updateComplete;
    this.querySelector<HTMLElement>('#confirm-title')?.focus();
  };

  async #cancelDelete() {
    this.confirmingDelete = false;
    await this.updateComplete;
    this.querySelector<HTMLElement>('#delete-button')?.focus();
  }

  async #onDelete(what: string) {
    this.busy = true;
    this.actionProblem = '';
    try {
      const item = await deleteStudioDefinition(this.api, this.changeSetId, this.kind, this.name, this.revision);
      this.dispatchEvent(new DirtyEvent(false));
      const sentence = `${what.charAt(0).toUpperCase()}${what.slice(1)}`;
      setFlash(item ? `${sentence} will be deleted when this change set is published.` : `${sentence} has been taken out of this change set.`);
      this.dispatchEvent(new NavigateEvent(changeSetUrl(this.changeSetId)));
    } catch (err) {
      this.confirmingDelete = false;
      if (err instanceof ApiError && (err.code === 'precondition_failed' || err.code === 'conflict')) {
        await this.#saveFailed(err);
        return;
      }
      const fromFile = err instanceof ApiError && err.errors.some((x) => x.code === 'file_definition');
      this.actionProblem = fromFile ? 'This definition comes from a definition file: it can be changed here, but not deleted.'
        : err instanceof ApiError ? err.message : 'The definition could not be deleted.';
      await this.updateComplete;
      this.querySelector<HTMLElement>('.fw-notification-banner')?.focus();
    } finally {
      this.busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-studio-definition': FwStudioDefinition;
  }
}
