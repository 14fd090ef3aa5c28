import { html, nothing } from 'lit';
import { consume } from '@lit/context';
import { Task } from '@lit/task';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import type { Condition } from '../../platform/conditions/browser.js';
import { deleteView, fetchViews, saveView, type SavedView } from '../api/account.js';
import type { MenuItem } from '../api/types.js';
import { NavigateEvent } from '../events.js';
import { textInput } from '../fields/field-parts.js';
import { FormProblems, fieldProblem } from '../form-problems.js';
import { listUrl, type ListMenuItem } from '../router.js';
import type { ApiClient } from '../api/client.js';
import type { Metadata } from '../api/meta.js';
import { apiContext, metaContext } from '../contexts.js';

interface ViewLink { key: string; label: string; filter: Condition | null; sort: string | null; columns: string[] | null }

/** The state a list URL shows, compared to tell which view is in force. */
function signature(filter: unknown, sort: string | null, columns: string[] | null): string {
  return JSON.stringify([filter ?? null, sort || null, columns?.length ? columns : null]);
}

function parseFilter(text: string | null): Condition | null {
  if (!text) return null;
  try {
    const c = JSON.parse(text) as unknown;
    return c && typeof c === 'object' && !Array.isArray(c) ? (c as Condition) : null;
  } catch {
    return null;
  }
}

/** Every menu item listing `table`, nested ones included: the shared views of its list. */
function sharedViews(items: MenuItem[], table: string): ViewLink[] {
  return items.flatMap((raw, i) => {
    const item = raw as ListMenuItem;
    const own: ViewLink[] = item.table === table
      ? [{ key: `shared-${i}-${item.label}`, label: item.label, filter: (item.filter as Condition | undefined) ?? null, sort: item.sort ?? null, columns: item.columns ?? null }]
      : [];
    return [...own, ...sharedViews(item.items ?? [], table)];
  });
}

/**
 * The views of a list page: shared views (menu items naming the table, with their filter, columns and sort), the
 * person's saved views (GET /api/views) with a button to delete each, and a form that saves the filter, sort and
 * columns in force as a new view (POST /api/views; the server refuses one that would not run).
 *
 * @fires fw-navigate - to a view just saved
 * @fires fw-error-state - the save form's error summary appeared or went away
 */
@customElement('fw-list-views')
export class FwListViews extends LightElement {
  /** The list's table. */
  @property() accessor table = '';
  /** The list page's URL query (filter, sort, columns, title). */
  @property({ attribute: false }) accessor params = new URLSearchParams();

  @consume({ context: apiContext }) private accessor api!: ApiClient;
  @consume({ context: metaContext, subscribe: true }) private accessor metadata!: Metadata;

  @state() private accessor saved: SavedView[] = [];
  @state() private accessor name = '';
  @state() private accessor status = '';

  #form = new FormProblems(this, { fields: ['name'], prefix: 'view' });

  /** The table's saved and shared views (either may fail alone: none are shown); a previous table's answer is dropped. */
  #views = new Task(this, {
    args: () => [this.api, this.metadata, this.table] as const,
    task: async ([api, metadata, table]) => {
      const [saved, menus] = await Promise.all([fetchViews(api, table).catch(() => []), metadata.menus().catch(() => [])]);
      return { saved, shared: menus.flatMap((m) => sharedViews(m.items, table)) };
    },
    // Saved views change here afterwards (saved, deleted): the task gives their starting point.
    onComplete: ({ saved }) => {
      this.saved = saved;
    },
  });

  get #current(): string {
    const p = this.params;
    return signature(parseFilter(p.get('filter')), p.get('sort'), p.get('columns')?.split(',').filter(Boolean) ?? null);
  }

  #url(v: { label: string; filter: Condition | null; sort: string | null; columns: string[] | null }): string {
    const params = new URLSearchParams();
    if (v.filter) params.set('filter', JSON.stringify(v.filter));
    if (v.sort) params.set('sort', v.sort);
    if (v.columns?.length) params.set('columns', v.columns.join(','));
    params.set('title', v.label);
    return listUrl(this.table, params);
  }

  override render() {
    const shared = this.#views.value?.shared ?? [];
    const current = this.#current;
    const link = (v: ViewLink | SavedView, label: string) => {
      const on = signature(v.filter, v.sort, v.columns) === current && this.params.get('title') === label;
      return html`<a class="fw-link" href=${this.#url({ ...v, label })} aria-current=${on ? 'true' : nothing}>${label}</a>${on ? html` <span class="fw-secondary-text">(shown now)</span>` : nothing}`;
    };
    const count = shared.length + this.saved.length;
    return html`<details class="fw-details fw-list-views">
      <summary class="fw-details__summary"><span class="fw-details__summary-text">Views${count ? ` (${count})` : ''}</span></summary>
      <div class="fw-details__text">
        <p class="fw-body fw-list-views__status" role="status">${this.status}</p>
        ${shared.length ? html`<h2 class="fw-heading-s" id="shared-views-heading">Shared views</h2>
          <ul class="fw-list" aria-labelledby="shared-views-heading">${shared.map((v) => html`<li>${link(v, v.label)}</li>`)}</ul>` : nothing}
        <h2 class="fw-heading-s" id="saved-views-heading">Your views</h2>
        ${this.saved.length ? html`<ul class="fw-list fw-list-views__saved" aria-labelledby="saved-views-heading">${this.saved.map((v) => html`<li class="fw-list-views__item">
            ${link(v, v.name)}
            <button type="button" class="fw-link-button fw-list-views__delete" ?disabled=${this.#form.busy} @click=${() => void this.#delete(v)}>Delete<span class="fw-visually-hidden"> the view ${v.name}</span></button>
          </li>`)}</ul>` : html`<p class="fw-body fw-secondary-text">You have not saved a view of this list.</p>`}
        <form class="fw-form fw-list-views__form" novalidate @submit=${this.#save}>
          <fw-error-summary .items=${this.#form.items}></fw-error-summary>
          ${textInput({ id: 'view-name', name: 'name', label: 'Save this view as', value: this.name, error: this.#form.error('name'),
            hint: 'Saves the filter, sort order and columns shown now, for you only.', widthClass: 'fw-input--width-20', maxlength: 100,
            onInput: (v) => { this.name = v; } })}
          <button type="submit" class="fw-button fw-button--secondary" ?disabled=${this.#form.busy}>Save view</button>
        </form>
      </div>
    </details>`;
  }

  #save = async (e: Event) => {
    e.preventDefault();
    const name = this.name.trim();
    if (!name) return this.#form.show(fieldProblem('name', 'Enter a name for the view'));
    if (this.saved.some((v) => v.name === name)) return this.#form.show(fieldProblem('name', `You already have a view called “${name}”. Choose another name.`));
    const p = this.params;
    const columns = p.get('columns')?.split(',').map((c) => c.trim()).filter(Boolean) ?? [];
    await this.#form.submit(async () => {
      const view = await saveView(this.api, {
        table: this.table, name, filter: parseFilter(p.get('filter')), sort: p.get('sort') || null, columns: columns.length ? columns : null,
      });
      this.name = '';
      this.#form.clear();
      this.saved = [...this.saved, view].sort((a, b) => a.name.localeCompare(b.name));
      this.status = `Your view “${view.name}” has been saved.`;
      this.dispatchEvent(new NavigateEvent(this.#url({ ...view, label: view.name }), true));
    });
  };

  async #delete(v: SavedView) {
    await this.#form.submit(async () => {
      await deleteView(this.api, v.id);
      this.saved = this.saved.filter((x) => x.id !== v.id);
      this.status = `Your view “${v.name}” has been deleted.`;
      await this.updateComplete;
      this.querySelector<HTMLElement>('#view-name')?.focus();
    }, (e) => {
      this.status = e instanceof Error ? e.message : 'The view could not be deleted.';
      return null;
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-list-views': FwListViews;
  }
}
