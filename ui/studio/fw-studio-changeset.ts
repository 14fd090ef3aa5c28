import { html, nothing, type TemplateResult } from 'lit';
import { consume } from '@lit/context';
import { Task, TaskStatus } from '@lit/task';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { ApiError, type ApiClient } from '../api/client.js';
import {
  changeSetsUrl, fetchChangeSet, publishChangeSet, studioDefinitionUrl, validateChangeSet, versionUrl,
  type ChangeSetItemView, type DefinitionError, type ValidationView,
} from '../api/studio.js';
import { apiContext } from '../contexts.js';
import { NavigateEvent, PageEvent } from '../events.js';
import { setFlash, takeFlash } from '../flash.js';
import type { SummaryItem } from '../fw-error-summary.js';
import { loadErrorText } from '../page-state.js';
import { problemBanner, successBanner, tag } from '../admin/admin-parts.js';
import { moment } from '../admin/job-parts.js';
import { changeSetStatus } from './fw-studio-changesets.js';
import { errorLine, kindTitle, machineName, NEW_KINDS, studioCrumbs, studioNav } from './studio-parts.js';

/** A definition's machine name: what the definition files accept. */
const NAME_PATTERN = /^[a-z][a-z0-9_]*$/;

/** The kind and name of a studio definition's file-equivalent name (`studio:<set>/<kind>/<name>.json`). */
function definitionOf(file: string): { kind: string; name: string } | null {
  const m = /^studio:.*\/([^/]+)\/([^/]+)\.json$/.exec(file);
  return m ? { kind: m[1]!, name: m[2]! } : null;
}

/**
 * One change set: the definitions it edits (each opens its editor), a way to open another one — new from a
 * template, or one in force to change it — a check of the whole set, and publishing it as one version with a comment.
 *
 * @fires fw-page - title and breadcrumb
 * @fires fw-navigate - to a definition's editor, or to the published version
 */
@customElement('fw-studio-changeset')
export class FwStudioChangeSet extends LightElement {
  /** The change set's id. */
  @property() accessor changeSetId = '';

  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor flash: string | null = null;
  @state() private accessor problems: SummaryItem[] = [];
  @state() private accessor openErrors: Record<string, string> = {};
  @state() private accessor check: ValidationView | null = null;
  @state() private accessor publishErrors: DefinitionError[] = [];
  @state() private accessor actionProblem = '';
  @state() private accessor busy = false;

  #set = new Task(this, {
    args: () => [this.api, this.changeSetId] as const,
    task: async ([api, id], { signal }) => {
      const cs = await fetchChangeSet(api, id, signal);
      this.dispatchEvent(new PageEvent(`${cs.name} – Change set`, studioCrumbs({ label: 'Change sets', href: changeSetsUrl }, { label: cs.name })));
      return cs;
    },
  });

  override connectedCallback() {
    super.connectedCallback();
    this.flash = takeFlash();
  }

  override render() {
    const cs = this.#set.value;
    if (this.#set.status === TaskStatus.ERROR) {
      return html`<h1 class="fw-heading-l">Change set</h1>${problemBanner(loadErrorText(this.#set.error, 'The change set cannot be shown.'))}`;
    }
    if (!cs) return html`<p class="fw-body" role="status">Loading…</p>`;
    const draft = cs.status === 'draft';
    return html`
      <fw-error-summary .items=${this.problems}></fw-error-summary>
      ${this.flash ? successBanner(this.flash) : nothing}
      <span class="fw-caption-l">Change set</span>
      <h1 class="fw-heading-l">${cs.name}</h1>
      ${studioNav('changesets')}
      <p class="fw-body">${changeSetStatus(cs.status)} Started by ${cs.authorName ?? cs.author}, ${moment(cs.createdAt, this.api.serverNow())}.
        ${cs.publishedVersion !== null ? html`<a class="fw-link" href=${versionUrl(cs.publishedVersion)}>Published as version ${cs.publishedVersion}</a>.` : nothing}</p>
      <h2 class="fw-heading-m" id="edits-heading">Definitions in this change set</h2>
      ${cs.definitions?.length ? this.#edits(cs.definitions, cs.id) : html`<p class="fw-body">No definition has been changed yet.</p>`}
      ${draft ? this.#openForm() : nothing}
      ${draft ? this.#checkSection() : nothing}
      ${draft ? this.#publishForm() : nothing}`;
  }

  #edits(items: ChangeSetItemView[], cs: string) {
    const now = this.api.serverNow();
    return html`<div class="fw-table-wrapper" role="region" aria-labelledby="edits-heading" tabindex="0">
      <table class="fw-table">
        <caption class="fw-visually-hidden">Definitions this change set edits</caption>
        <thead class="fw-table__head"><tr class="fw-table__row">
          <th scope="col" class="fw-table__header">Definition</th>
          <th scope="col" class="fw-table__header">Kind</th>
          <th scope="col" class="fw-table__header">Change</th>
          <th scope="col" class="fw-table__header">Saved</th>
        </tr></thead>
        <tbody class="fw-table__body">
          ${items.map((i) => {
            const label = (i.definition as { label?: unknown } | null)?.label;
            return html`<tr class="fw-table__row" data-definition=${`${i.kind}/${i.name}`}>
              <th scope="row" class="fw-table__cell"><a class="fw-link" href=${studioDefinitionUrl(cs, i.kind, i.name)}>${typeof label === 'string' && label
                ? label : `${kindTitle(i.kind)} without a label`}</a><br>${machineName(i.name)}</th>
              <td class="fw-table__cell">${kindTitle(i.kind)}</td>
              <td class="fw-table__cell">${i.deleted ? tag('Deleted', 'red') : tag('Edited', 'blue')}</td>
              <td class="fw-table__cell">${i.updatedAt ? moment(i.updatedAt, now) : nothing}</td>
            </tr>`;
          })}
        </tbody>
      </table>
    </div>`;
  }

  #field(id: string, label: string, hint: string, control: TemplateResult) {
    const error = this.openErrors[id];
    return html`<div class="fw-form-group ${error ? 'fw-form-group--error' : ''}">
      <label class="fw-label" for=${id}>${label}</label>
      ${hint ? html`<div class="fw-hint" id=${`${id}-hint`}>${hint}</div>` : nothing}
      ${error ? html`<p class="fw-error-message" id=${`${id}-error`}><span class="fw-visually-hidden">Error:</span> ${error}</p>` : nothing}
      ${control}
    </div>`;
  }

  #openForm() {
    const nameError = this.openErrors['definition-name'];
    return html`<form class="fw-form fw-form--narrow" novalidate @submit=${this.#onOpen} aria-labelledby="open-heading">
      <h2 class="fw-heading-m" id="open-heading">Add or change a definition</h2>
      <p class="fw-body">Give the kind and machine name of a definition in force to change it, or a new name to start a new
        one from a template.</p>
      ${this.#field('definition-kind', 'Kind', '', html`<select class="fw-select" id="definition-kind" name="kind">
        ${NEW_KINDS.map((k) => html`<option value=${k}>${kindTitle(k)}</option>`)}</select>`)}
      ${this.#field('definition-name', 'Machine name', 'Lower-case letters, digits and underscores, starting with a letter: how other definitions refer to it.',
        html`<input class="fw-input ${nameError ? 'fw-input--error' : ''}" id="definition-name" name="name" spellcheck="false" autocomplete="off"
          aria-describedby=${nameError ? 'definition-name-hint definition-name-error' : 'definition-name-hint'}>`)}
      <button type="submit" class="fw-button fw-button--secondary">Open definition</button>
    </form>`;
  }

  #checkSection() {
    const c = this.check;
    return html`<section aria-labelledby="check-heading">
      <h2 class="fw-heading-m" id="check-heading">Check the change set</h2>
      <p class="fw-body">Checks every definition as it would be published, and lists the changes to the database it would make.</p>
      <button type="button" class="fw-button fw-button--secondary" id="validate-button" ?disabled=${this.busy} @click=${this.#onValidate}>Check for problems</button>
      <div role="status" id="check-result">${c ? this.#checkResult(c) : nothing}</div>
    </section>`;
  }

  #checkResult(c: ValidationView) {
    if (c.errors.length) return html`<p class="fw-body">${c.errors.length === 1 ? '1 problem' : `${c.errors.length} problems`} found:</p>${this.#errorList(c.errors)}`;
    if (c.refused.length) {
      return html`<p class="fw-body">Publishing would be refused:</p>
        <ul class="fw-list">${c.refused.map((r) => html`<li>${r}</li>`)}</ul>`;
    }
    return html`<p class="fw-body">No problems found. ${c.schemaChanges.length
      ? `Publishing will make ${c.schemaChanges.length === 1 ? '1 change' : `${c.schemaChanges.length} changes`} to the database, each adding something.`
      : 'Publishing will not change the database.'}</p>`;
  }

  #errorList(errors: DefinitionError[]) {
    return html`<ul class="fw-list">${errors.map((e) => {
      const at = definitionOf(e.file);
      return html`<li>${at
        ? html`<a class="fw-link" href=${studioDefinitionUrl(this.changeSetId, at.kind, at.name)}>${kindTitle(at.kind)} ${machineName(at.name)}</a>`
        : html`File <code data-code>${e.file}</code>`}: ${errorLine(e)}</li>`;
    })}</ul>`;
  }

  #publishForm() {
    return html`<form class="fw-form fw-form--narrow" novalidate @submit=${this.#onPublish} aria-labelledby="publish-heading">
      <h2 class="fw-heading-m" id="publish-heading">Publish</h2>
      ${this.actionProblem ? problemBanner(this.actionProblem) : nothing}
      ${this.publishErrors.length ? this.#errorList(this.publishErrors) : nothing}
      <div class="fw-form-group">
        <label class="fw-label" for="publish-comment">Comment (optional)</label>
        <div class="fw-hint" id="publish-comment-hint">What the version changes, for the version history.</div>
        <textarea class="fw-textarea" id="publish-comment" name="comment" rows="3" maxlength="2000" aria-describedby="publish-comment-hint"></textarea>
      </div>
      <button type="submit" class="fw-button" ?disabled=${this.busy}>Publish change set</button>
    </form>`;
  }

  #onOpen = async (e: SubmitEvent) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const kind = String(data.get('kind') ?? '');
    const name = String(data.get('name') ?? '').trim();
    const error = !name ? 'Enter the machine name of the definition'
      : NAME_PATTERN.test(name) ? '' : 'Machine name must be lower-case letters, digits and underscores, starting with a letter';
    this.openErrors = error ? { 'definition-name': error } : {};
    this.problems = error ? [{ text: error, target: 'definition-name' }] : [];
    if (error) {
      await this.updateComplete;
      await this.querySelector('fw-error-summary')?.show();
      return;
    }
    this.dispatchEvent(new NavigateEvent(studioDefinitionUrl(this.changeSetId, kind, name)));
  };

  #onValidate = async () => {
    this.busy = true;
    try {
      this.check = await validateChangeSet(this.api, this.changeSetId);
    } catch (err) {
      this.check = null;
      this.actionProblem = err instanceof ApiError ? err.message : 'The change set could not be checked.';
    } finally {
      this.busy = false;
    }
  };

  #onPublish = async (e: SubmitEvent) => {
    e.preventDefault();
    const comment = String(new FormData(e.currentTarget as HTMLFormElement).get('comment') ?? '').trim();
    this.busy = true;
    this.actionProblem = '';
    this.publishErrors = [];
    try {
      const version = await publishChangeSet(this.api, this.changeSetId, comment || undefined);
      setFlash(`Version ${version.number} has been published.`);
      this.dispatchEvent(new NavigateEvent(versionUrl(version.number)));
    } catch (err) {
      this.actionProblem = err instanceof ApiError ? err.message : 'The change set could not be published.';
      const listed = err instanceof ApiError ? err.body.definitionErrors : undefined;
      if (Array.isArray(listed)) this.publishErrors = listed as DefinitionError[];
      await this.updateComplete;
      this.querySelector<HTMLElement>('#publish-heading + .fw-notification-banner')?.focus();
    } finally {
      this.busy = false;
    }
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-studio-changeset': FwStudioChangeSet;
  }
}
