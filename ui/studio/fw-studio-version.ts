import { html, nothing } from 'lit';
import { consume } from '@lit/context';
import { Task, TaskStatus } from '@lit/task';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { ApiError, type ApiClient } from '../api/client.js';
import { fetchDiff, fetchVersions, rollbackTo, versionsUrl, versionUrl, type DefinitionDiff, type PointerChange } from '../api/studio.js';
import { apiContext } from '../contexts.js';
import { NavigateEvent, PageEvent } from '../events.js';
import { setFlash, takeFlash } from '../flash.js';
import { loadErrorText } from '../page-state.js';
import { confirmation, problemBanner, successBanner, tag } from '../admin/admin-parts.js';
import { moment } from '../admin/job-parts.js';
import { kindTitle, machineName, pointerText, studioCrumbs, studioNav, valueText } from './studio-parts.js';
import { versionOrigin } from './fw-studio-versions.js';

const STATUS: Record<DefinitionDiff['status'], [string, string]> = { added: ['Added', 'green'], removed: ['Removed', 'red'], changed: ['Changed', 'blue'] };
const OP: Record<PointerChange['op'], string> = { added: 'Added', removed: 'Removed', changed: 'Changed' };

/**
 * One published version: who published it, when and why, and what it changed against the version before it (or
 * against any other version chosen), per definition and per place inside it (JSON pointer, before and after). A
 * version not in force can be rolled back to, after a confirmation: that publishes it again as a new version.
 *
 * @fires fw-page - title and breadcrumb
 * @fires fw-navigate - to the version a rollback made
 */
@customElement('fw-studio-version')
export class FwStudioVersion extends LightElement {
  /** The version's number. */
  @property({ type: Number }) accessor number = 0;
  /** The page's query: `against`, the version to compare with (default: the one before). */
  @property({ attribute: false }) accessor params = new URLSearchParams();

  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor flash: string | null = null;
  @state() private accessor confirming = false;
  @state() private accessor busy = false;
  @state() private accessor actionProblem = '';

  #load = new Task(this, {
    args: () => [this.api, this.number, this.#against()] as const,
    task: async ([api, n, against], { signal }) => {
      const title = `Version ${n}`;
      this.dispatchEvent(new PageEvent(`${title} – Studio`, studioCrumbs({ label: 'Versions', href: versionsUrl }, { label: title })));
      const [versions, diff] = await Promise.all([fetchVersions(api, signal), fetchDiff(api, against, n, signal)]);
      // The page stays when a rollback moves it to the new version: the message it left is taken here, per load.
      this.flash = takeFlash();
      return { versions, diff };
    },
  });

  /** The version compared with: the `against` query, else the one before. */
  #against(): number {
    const a = Number(this.params.get('against'));
    return this.params.has('against') && Number.isInteger(a) && a >= 0 ? a : Math.max(0, this.number - 1);
  }

  override render() {
    const title = `Version ${this.number}`;
    if (this.#load.status === TaskStatus.ERROR) {
      return html`<h1 class="fw-heading-l">${title}</h1>${problemBanner(loadErrorText(this.#load.error, 'The version cannot be shown.'))}`;
    }
    const loaded = this.#load.value;
    if (!loaded) return html`<p class="fw-body" role="status">Loading…</p>`;
    const v = loaded.versions.find((x) => x.number === this.number);
    const against = this.#against();
    return html`
      ${this.flash ? successBanner(this.flash) : nothing}
      ${this.actionProblem ? problemBanner(this.actionProblem) : nothing}
      <span class="fw-caption-l">Studio</span>
      <h1 class="fw-heading-l">${title}</h1>
      ${studioNav('versions')}
      ${v ? html`<dl class="fw-summary-list">
        <div class="fw-summary-list__row"><dt class="fw-summary-list__key">Published</dt>
          <dd class="fw-summary-list__value">${moment(v.createdAt, this.api.serverNow())} by ${v.authorName ?? v.author}</dd></div>
        <div class="fw-summary-list__row"><dt class="fw-summary-list__key">Comment</dt>
          <dd class="fw-summary-list__value">${v.comment ?? 'No comment'}</dd></div>
        ${versionOrigin(v) ? html`<div class="fw-summary-list__row"><dt class="fw-summary-list__key">Made from</dt>
          <dd class="fw-summary-list__value">${versionOrigin(v)}</dd></div>` : nothing}
        <div class="fw-summary-list__row"><dt class="fw-summary-list__key">Status</dt>
          <dd class="fw-summary-list__value">${v.current ? tag('In force', 'green') : tag('Not in force', 'grey')}</dd></div>
      </dl>` : nothing}
      <h2 class="fw-heading-m" id="diff-heading">Changes since version ${against}</h2>
      <form class="fw-list__toolbar" @submit=${this.#onCompare} aria-label="Compare with another version">
        <div class="fw-form-group">
          <label class="fw-label" for="compare-with">Compare with</label>
          <select class="fw-select" id="compare-with" name="against">
            <option value="0" ?selected=${against === 0}>Version 0 (the files only)</option>
            ${loaded.versions.filter((x) => x.number !== this.number).map((x) => html`<option value=${x.number} ?selected=${x.number === against}>Version ${x.number}</option>`)}
          </select>
        </div>
        <button type="submit" class="fw-button fw-button--secondary">Compare</button>
      </form>
      ${loaded.diff.definitions.length ? loaded.diff.definitions.map((d) => this.#definition(d))
        : html`<p class="fw-body">No definition differs between these versions.</p>`}
      ${v && !v.current ? this.#rollback() : nothing}`;
  }

  #definition(d: DefinitionDiff) {
    const [text, tone] = STATUS[d.status];
    const id = `diff-${d.kind}-${d.name}`;
    return html`<section class="fw-section" aria-labelledby=${id} data-diff=${`${d.kind}/${d.name}`}>
      <h3 class="fw-heading-s" id=${id}>${kindTitle(d.kind)} ${machineName(d.name)} ${tag(text, tone)}</h3>
      ${d.changes.length ? html`<div class="fw-table-wrapper" role="region" aria-labelledby=${id} tabindex="0"><table class="fw-table">
        <caption class="fw-visually-hidden">Places changed in this definition</caption>
        <thead class="fw-table__head"><tr class="fw-table__row">
          <th scope="col" class="fw-table__header">Place (JSON pointer)</th>
          <th scope="col" class="fw-table__header">Change</th>
          <th scope="col" class="fw-table__header">Before</th>
          <th scope="col" class="fw-table__header">After</th>
        </tr></thead>
        <tbody class="fw-table__body">${d.changes.map((c) => html`<tr class="fw-table__row">
          <th scope="row" class="fw-table__cell fw-table__cell--break">${pointerText(c.pointer)}</th>
          <td class="fw-table__cell">${OP[c.op]}</td>
          <td class="fw-table__cell fw-table__cell--break">${c.op === 'added' ? '' : html`<code data-code>${valueText(c.before)}</code>`}</td>
          <td class="fw-table__cell fw-table__cell--break">${c.op === 'removed' ? '' : html`<code data-code>${valueText(c.after)}</code>`}</td>
        </tr>`)}</tbody>
      </table></div>` : nothing}
    </section>`;
  }

  #rollback() {
    if (this.confirming) {
      return confirmation({
        title: `Roll back to version ${this.number}?`,
        body: `The definitions of version ${this.number} will be published again as a new version. Tables and their data are kept: `
          + 'a table the rollback takes out is hidden, not dropped.',
        confirmLabel: `Roll back to version ${this.number}`, busy: this.busy,
        onConfirm: () => void this.#onRollback(), onCancel: () => { this.confirming = false; },
      });
    }
    return html`<h2 class="fw-heading-m">Roll back</h2>
      <p class="fw-body">Publish this version's definitions again, as a new version.</p>
      <button type="button" class="fw-button fw-button--warning" id="rollback-button" @click=${this.#onAskRollback}>Roll back to version ${this.number}</button>`;
  }

  #onCompare = (e: SubmitEvent) => {
    e.preventDefault();
    const against = Number(new FormData(e.currentTarget as HTMLFormElement).get('against'));
    this.dispatchEvent(new NavigateEvent(versionUrl(this.number, against)));
  };

  #onAskRollback = async () => {
    this.confirming = true;
    await this.updateComplete;
    this.querySelector<HTMLElement>('.fw-confirm__title')?.focus();
  };

  async #onRollback() {
    this.busy = true;
    this.actionProblem = '';
    try {
      const made = await rollbackTo(this.api, this.number);
      setFlash(`Version ${this.number} has been published again as version ${made.number}.`);
      this.confirming = false;
      this.dispatchEvent(new NavigateEvent(versionUrl(made.number)));
    } catch (err) {
      this.actionProblem = err instanceof ApiError ? err.message : 'The rollback could not be made.';
      this.confirming = false;
      await this.updateComplete;
      this.querySelector<HTMLElement>('.fw-notification-banner')?.focus();
    } finally {
      this.busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-studio-version': FwStudioVersion;
  }
}
