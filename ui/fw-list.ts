import { html, nothing } from 'lit';
import { consume } from '@lit/context';
import { Task, TaskStatus } from '@lit/task';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from './light-element.js';
import type { Condition } from '../platform/conditions/browser.js';
import { ApiError, tablePath, type ApiClient } from './api/client.js';
import type { FieldMeta, ListMeta, RecordData, TableMeta } from './api/types.js';
import { NavigateEvent, PageEvent, type Crumb, type FilterEvent } from './events.js';
import { formatRatingAverage, formatRelative, formatValue, lowerFirst } from './format.js';
import { andConditions } from './list/filter-model.js';
import type { ColumnsEvent } from './list/fw-column-chooser.js';
import './list/fw-column-chooser.js';
import './list/fw-filter-builder.js';
import './list/fw-list-views.js';
import { exportLinks } from './list/export-links.js';
import { InlineEdit, isInlineEditable } from './list/inline-edit.js';
import { columnCandidates, defaultColumns, parseCondition, parseOffset, splitLabels, splitRow, type Rows, type View } from './list/list-rows.js';
import { hasMoreRecords, totalText } from './list/total-text.js';
import { isLoading } from './page-state.js';
import { listUrl, newRecordUrl, recordUrl } from './router.js';
import type { Metadata } from './api/meta.js';
import { apiContext, metaContext } from './contexts.js';

const DEFAULT_LIMIT = 20;

/** The rows selected in a selectable list changed: `records` are those selected now, in the order shown. */
export class ListSelectionEvent extends Event {
  static readonly eventName = 'fw-list-selection' as const;
  constructor(readonly records: RecordData[]) {
    super(ListSelectionEvent.eventName, { bubbles: true, composed: true });
  }
}

/**
 * Where a list's rows come from when not GET /api/tables/:table: an API path answering the same list parameters
 * (`filter`, `sort`, `limit`, `offset`, `fields`; `meta.total`), such as a queue's items.
 */
export interface ListSource {
  /** The API path (under /api). */
  path: string;
  /** Parameters it always needs (e.g. `table`). */
  query?: Record<string, string>;
  /** The source takes `q`, a text search: the list shows a search box. */
  search?: boolean;
  /** The in-app URL of the page showing the list with `params` as its query (page mode). */
  pageUrl: (params: URLSearchParams) => string;
  /** Breadcrumbs between Home and the page (page mode). */
  crumbs?: Crumb[];
}

/**
 * A list of a table's records: columns from the table's number and display field plus a few more (or the given
 * ones), a filter builder, sorting by column header (aria-sort), paging with the total ("Showing 1–20 of 143"; past
 * 10,000 matches an estimate, "of about 200,000", which the person can ask to count exactly),
 * rows linking to their record and a button to create one.
 *
 * As a page its state lives in the URL (`filter`, `sort`, `offset`, `limit`, `columns`, `title`, and `q` with a
 * searching source), so views can be bookmarked and menu items can carry a filter. A table's list page also offers a
 * column chooser (the columns go to the URL, and so into a saved view), cells edited in place where the person may
 * write the field (ui/list/inline-edit.ts), and CSV downloads with labels or stored values. Embedded (a related list) it keeps
 * its state itself. Either way it always applies `fixedFilter`.
 *
 * With a `source` the rows come from another API path taking the list parameters (a queue's items): the page's URL
 * is the source's, and the table's own description, "New" button, saved views and CSV export are left out; `intro`
 * is shown under the heading instead. `selectable` adds a checkbox per row (and one for the whole page),
 * `rowActions` a last column of per-row controls (`extraFields` fetches what they need), and `toolbar` content just
 * above the table (bulk actions); `reload()` fetches the rows again.
 *
 * @fires fw-page - the page's title and breadcrumb (page mode)
 * @fires fw-navigate - a new sort, filter, search or page (page mode)
 * @fires fw-list-selection - the rows selected changed (`selectable`)
 */
@customElement('fw-list')
export class FwList extends LightElement {
  /** The table to list. */
  @property() accessor table = '';
  /** The page's URL query (page mode). */
  @property({ attribute: false }) accessor params = new URLSearchParams();
  /** A related list inside another page: state kept here, heading level 2, no filter builder. */
  @property({ type: Boolean }) accessor embedded = false;
  /** A condition always applied (a related list's reference to its parent). */
  @property({ attribute: false }) accessor fixedFilter: Condition | null = null;
  /** Columns to show (field names); default chosen from the table. */
  @property({ attribute: false }) accessor columns: string[] | null = null;
  /** The heading (default: the table's plural label). */
  @property() accessor heading = '';
  /** Values a new record starts with (query of the "New" link). */
  @property({ attribute: false }) accessor newParams: URLSearchParams | null = null;
  /** Rows from another API path than the table's (see {@link ListSource}). */
  @property({ attribute: false }) accessor source: ListSource | null = null;
  /** A checkbox per row; the selection is announced with fw-list-selection. */
  @property({ type: Boolean }) accessor selectable = false;
  /** Fields to fetch besides the columns (what `rowActions` looks at). */
  @property({ attribute: false }) accessor extraFields: string[] = [];
  /** Controls for one row (a last "Actions" column). */
  @property({ attribute: false }) accessor rowActions: ((record: RecordData) => unknown) | null = null;
  /** Content shown under the heading (page mode), instead of the table's description. */
  @property({ attribute: false }) accessor intro: unknown = null;
  /** Content shown above the table when it has rows (bulk actions). */
  @property({ attribute: false }) accessor toolbar: unknown = null;

  @consume({ context: apiContext }) private accessor api!: ApiClient;
  @consume({ context: metaContext, subscribe: true }) private accessor metadata!: Metadata;

  @state() private accessor ownView: View = { filter: null, sort: null, offset: 0, limit: DEFAULT_LIMIT, search: '' };
  @state() private accessor selected = new Set<string>();
  /** The filter panel was opened once: until then its builder is not rendered (most lists are never filtered). */
  @state() private accessor filterOpened = false;
  /** Count every match: the person asked for the exact total (by default large totals are estimated). */
  @state() private accessor exactTotal = false;

  /** The table's metadata and the rows of the view in force; a superseded query's late answer is dropped. */
  #rows = new Task(this, {
    args: () => [
      this.api, this.metadata, this.table, this.params, this.fixedFilter, this.columns, this.ownView, this.source, this.exactTotal,
    ] as const,
    task: ([api, metadata], { signal }) => this.#fetchRows(api, metadata, signal),
    onComplete: () => {
      this.#edit.reset();
      this.#select(new Set());
    },
    onError: () => {
      this.#edit.reset();
      this.#select(new Set());
      if (!this.embedded) this.dispatchEvent(new PageEvent('List not available', [{ label: 'Home', href: '/' }, { label: 'List not available' }]));
    },
  });

  /** The cell being edited in place, if any (see ui/list/inline-edit.ts). */
  #edit = new InlineEdit(this, {
    api: () => this.api,
    tableOf: (r) => (typeof r.class === 'string' && r.class ? r.class : this.table),
    fields: () => (this.#meta ? this.#rowFields(this.#meta) : []),
    replace: (record, fresh) => {
      const rows = this.#rows.value;
      if (!rows) return;
      const { record: values, shown } = splitRow(rows.meta, fresh);
      Object.assign(record, values);
      rows.labels.set(record, shown);
    },
  });

  /** Fetch the rows again (after an action changed them); the selection is cleared. */
  reload(): Promise<void> {
    return this.#rows.run();
  }

  /** The records selected (`selectable`), in the order shown. */
  get selectedRecords(): RecordData[] {
    return this.#records.filter((r) => this.selected.has(String(r.id)));
  }

  /** Sort, filter and page in force. */
  get #view(): View {
    if (this.embedded) return this.ownView;
    const limit = parseOffset(this.params.get('limit')) || DEFAULT_LIMIT;
    return {
      filter: parseCondition(this.params.get('filter')), sort: this.params.get('sort'), offset: parseOffset(this.params.get('offset')), limit,
      // A table's own list page reads `q` too: its search box shows when the table is searchable.
      search: (this.source ? this.source.search : !this.selectable) ? this.params.get('q')?.trim() ?? '' : '',
    };
  }

  /** The URL of this page with `params` (page mode). */
  #pageUrl(params: URLSearchParams): string {
    return this.source ? this.source.pageUrl(params) : listUrl(this.table, params);
  }

  #title(meta: TableMeta | null): string {
    if (this.heading) return this.heading;
    return (!this.embedded && this.params.get('title')) || meta?.pluralLabel || this.table;
  }

  #columnNames(meta: TableMeta): string[] {
    const known = new Map(meta.fields.map((f) => [f.name, f]));
    const given = this.columns ?? (!this.embedded ? this.params.get('columns')?.split(',') : null);
    if (given?.length) {
      const cols = given.map((c) => c.trim()).filter((c) => known.has(c));
      if (cols.length) return cols;
    }
    return defaultColumns(meta);
  }

  /** Cells are edited in place on a table's own list page (not a related list, another source, or a picking list). */
  get #editsCells(): boolean {
    return !this.embedded && !this.source && !this.selectable;
  }

  /** The fields one row is read with: the columns, and what rows, row actions and cell edits need. */
  #rowFields(meta: TableMeta): string[] {
    const fields = new Set(this.#columnNames(meta));
    for (const f of ['class', ...this.extraFields, ...(this.#editsCells ? ['version'] : [])]) if (meta.fields.some((x) => x.name === f)) fields.add(f);
    return [...fields];
  }

  /** The table's metadata and the rows of the view in force (the `signal` drops a superseded query's requests). */
  async #fetchRows(api: ApiClient, metadata: Metadata, signal: AbortSignal): Promise<Rows> {
    const meta = await metadata.table(this.table);
    signal.throwIfAborted();
    if (!this.embedded) this.dispatchEvent(new PageEvent(this.#title(meta), [{ label: 'Home', href: '/' }, ...(this.source?.crumbs ?? []), { label: this.#title(meta) }]));
    const view = this.#view;
    const fields = this.#rowFields(meta);
    const filter = andConditions(this.fixedFilter, view.filter);
    // The workflow's state field changes only by its transitions, never in a cell.
    const stateField = this.#editsCells ? await metadata.workflow(this.table).then((w) => w?.stateField ?? null, () => null) : null;
    signal.throwIfAborted();
    try {
      const res = await api.get<RecordData[]>(this.source?.path ?? tablePath(this.table), {
        query: {
          ...this.source?.query, q: view.search || undefined,
          filter: filter ? JSON.stringify(filter) : undefined, sort: view.sort ?? undefined, limit: view.limit,
          offset: view.offset || undefined, fields: fields.join(','), total: this.exactTotal ? undefined : 'estimate', display: 'all',
        },
        signal,
      });
      const page = res.body.meta as Partial<ListMeta> | undefined;
      return { meta, ...splitLabels(meta, res.data), total: page?.total ?? null, totalKind: page?.totalKind ?? null, error: '', stateField };
    } catch (e) {
      // The table is known but its rows cannot be shown: the page stays, with the problem above the (empty) table.
      if (signal.aborted) throw e;
      const error = e instanceof ApiError ? e.message : 'The list cannot be shown.';
      return { meta, records: [], labels: new Map(), total: null, totalKind: null, error, stateField };
    }
  }

  /** The rows shown: the last answer (kept while the next one loads), none after a failure. */
  get #records(): RecordData[] {
    return this.#rows.value?.records ?? [];
  }

  get #meta(): TableMeta | null {
    return this.#rows.value?.meta ?? null;
  }

  get #error(): string {
    if (this.#rows.status === TaskStatus.ERROR) return this.#rows.error instanceof ApiError ? this.#rows.error.message : 'The list cannot be shown.';
    return this.#rows.value?.error ?? '';
  }

  /** A cell's text: the server's label where it gave one, else the stored value formatted (dates: the server sends ISO 8601). */
  #text(field: FieldMeta | undefined, r: RecordData, name: string): string {
    if (field?.type === 'date' || field?.type === 'datetime') return formatValue(field, r[name]);
    const ratings = name === 'rating_average' ? this.#meta?.ratings : undefined;
    if (ratings) return formatRatingAverage(ratings.scale, r[name]);
    return this.#rows.value?.labels.get(r)?.get(name) ?? formatValue(field, r[name]);
  }

  override render() {
    const meta = this.#meta;
    const title = this.#title(meta);
    const headingId = `${this.embedded ? `related-${this.table}` : 'list'}-heading`;
    const heading = this.embedded
      ? html`<h2 class="fw-heading-m" id=${headingId}>${title}</h2>`
      : html`<h1 class="fw-heading-l" id=${headingId}>${title}</h1>`;
    if (!meta) {
      if (this.#rows.status !== TaskStatus.ERROR) return html`${heading}<p class="fw-body">Loading…</p>`;
      return html`${this.embedded ? html`<h2 class="fw-heading-m">${title}</h2>` : html`<h1 class="fw-heading-l">List not available</h1>`}
        <p class="fw-body">${this.#error}</p>`;
    }
    const view = this.#view;
    return html`<div class="fw-list-header">
        ${heading}
        ${meta.abstract || this.source ? nothing : html`<a class="fw-button fw-list-header__new" href=${newRecordUrl(this.table, this.newParams ?? undefined)}>New ${lowerFirst(meta.label)}</a>`}
      </div>
      ${this.intro ?? (!this.embedded && !this.source && meta.description ? html`<p class="fw-body fw-secondary-text">${meta.description}</p>` : nothing)}
      ${!this.embedded && (this.source ? this.source.search : meta.searchable && !this.selectable) ? this.#searchForm(meta, view) : nothing}
      ${this.embedded ? nothing : html`<details class="fw-details" ?open=${view.filter !== null}
        @toggle=${(e: Event) => { this.filterOpened ||= (e.currentTarget as HTMLDetailsElement).open; }}>
        <summary class="fw-details__summary"><span class="fw-details__summary-text">Filter ${lowerFirst(meta.pluralLabel)}</span></summary>
        <div class="fw-details__text">
          ${view.filter !== null || this.filterOpened
            ? html`<fw-filter-builder .fields=${meta.fields} .condition=${view.filter} @fw-filter=${this.#onFilter}></fw-filter-builder>` : nothing}
        </div>
      </details>`}
      ${this.embedded || this.source ? nothing : html`<fw-column-chooser .fields=${columnCandidates(meta)} .columns=${this.#columnNames(meta)}
        .defaults=${defaultColumns(meta)} @fw-columns=${this.#onColumns}></fw-column-chooser>
        <fw-list-views table=${this.table} .params=${this.params}></fw-list-views>`}
      ${this.#error ? html`<div class="fw-error-summary" role="alert"><h2 class="fw-error-summary__title">The list cannot be shown</h2><p class="fw-body">${this.#error}</p></div>` : nothing}
      <div class="fw-list__summary">
        <p class="fw-body fw-list__count" role="status">${this.#countText(meta)}</p>
        ${this.embedded || this.source || this.#error || !this.#records.length ? nothing : exportLinks(this.table, lowerFirst(this.#title(meta)), view, this.#columnNames(meta))}
      </div>
      ${this.#editsCells ? html`<p class="fw-visually-hidden" role="status">${this.#edit.status}</p>` : nothing}
      ${this.#records.length && this.toolbar ? html`<div class="fw-list__toolbar">${this.toolbar}</div>` : nothing}
      ${this.#records.length ? this.#table(meta, view, headingId) : nothing}
      ${this.#pagination(view)}`;
  }

  #countText(meta: TableMeta) {
    if (isLoading(this.#rows)) return 'Loading…';
    if (this.#error) return '';
    const plural = lowerFirst(meta.pluralLabel);
    if (!this.#records.length) return this.#view.offset > 0 ? 'There are no more records.' : `No ${plural} found.`;
    const from = this.#view.offset + 1;
    const to = this.#view.offset + this.#records.length;
    const rows = this.#rows.value;
    const total = totalText(rows?.total ?? null, rows?.totalKind ?? null);
    if (total === null) return `Showing ${from}–${to} ${plural}`;
    if (rows?.totalKind !== 'estimate' && rows?.totalKind !== 'atLeast') return `Showing ${from}–${to} of ${total} ${plural}`;
    return html`Showing ${from}–${to} of <button type="button" class="fw-link-button" @click=${() => { this.exactTotal = true; }}>${total}<span
      class="fw-visually-hidden"> (count exactly)</span></button> ${plural}`;
  }

  #table(meta: TableMeta, view: View, headingId: string) {
    const byName = new Map(meta.fields.map((f) => [f.name, f]));
    const cols = this.#columnNames(meta);
    const sortField = view.sort?.replace(/^[-+]/, '') ?? null;
    const descending = view.sort?.startsWith('-') ?? false;
    const stateField = this.#rows.value?.stateField ?? null;
    const sortLabel = sortField ? byName.get(sortField)?.label ?? sortField : null;
    return html`<div class="fw-table-wrapper" role="region" aria-labelledby=${headingId} tabindex="0">
      <table class="fw-table">
        <caption class="fw-visually-hidden">${this.#title(meta)}${sortLabel ? `, sorted by ${sortLabel} ${descending ? 'descending' : 'ascending'}` : ''}</caption>
        <thead class="fw-table__head">
          <tr class="fw-table__row">
            ${this.selectable ? this.#selectAllCell(meta) : nothing}
            ${cols.map((c) => {
              const label = byName.get(c)?.label ?? c;
              const sorted = sortField === c;
              // A field the server will not sort by (encrypted, readable record by record, or a list) is a plain header.
              const f = byName.get(c);
              if (f?.queryable === false || f?.type === 'tags' || (f?.type === 'choice' && f.multiple)) return html`<th scope="col" class="fw-table__header">${label}</th>`;
              return html`<th scope="col" class="fw-table__header" aria-sort=${sorted ? (descending ? 'descending' : 'ascending') : nothing}>
                <button type="button" class="fw-table__sort" @click=${() => this.#sortBy(c, sorted && !descending)}>${label}</button>
              </th>`;
            })}
            ${this.rowActions ? html`<th scope="col" class="fw-table__header">Actions</th>` : nothing}
          </tr>
        </thead>
        <tbody class="fw-table__body">
          ${this.#records.map((r) => html`<tr class="fw-table__row">
            ${this.selectable ? this.#selectCell(r, cols, byName) : nothing}
            ${cols.map((c, i) => {
              const text = this.#text(byName.get(c), r, c);
              if (i === 0) {
                const href = recordUrl(typeof r.class === 'string' && r.class ? r.class : this.table, String(r.id));
                return html`<th scope="row" class="fw-table__cell"><a class="fw-link" href=${href}>${text || 'Untitled record'}</a></th>`;
              }
              const field = byName.get(c);
              if (field?.type === 'datetime' && typeof r[c] === 'string' && text) {
                // Recent times read best relative ("3 hours ago"); the exact time is on hover and for screen readers.
                return html`<td class="fw-table__cell"><time datetime=${r[c] as string} title=${text}>${formatRelative(r[c] as string)}<span
                  class="fw-visually-hidden"> (${text})</span></time></td>`;
              }
              if (this.#editsCells && isInlineEditable(field, stateField)) {
                return html`<td class="fw-table__cell fw-list-edit__cell" @dblclick=${() => this.#edit.start(r, field)}>${this.#edit.cell(r, field, text,
                  this.#rowName(r, cols, byName))}</td>`;
              }
              return html`<td class="fw-table__cell">${text}</td>`;
            })}
            ${this.rowActions ? html`<td class="fw-table__cell fw-table__actions">${this.rowActions(r)}</td>` : nothing}
          </tr>`)}
        </tbody>
      </table>
    </div>`;
  }

  #pagination(view: View) {
    const hasPrev = view.offset > 0;
    const rows = this.#rows.value;
    const hasNext = hasMoreRecords(rows?.total ?? null, rows?.totalKind ?? null, view.offset, view.limit, this.#records.length);
    if (!hasPrev && !hasNext) return nothing;
    const link = (offset: number, rel: 'prev' | 'next') => {
      const text = rel === 'prev' ? 'Previous' : 'Next';
      const content = html`${text}<span class="fw-visually-hidden"> page</span>`;
      if (this.embedded) {
        return html`<button type="button" class="fw-pagination__link" @click=${() => { this.ownView = { ...this.ownView, offset }; }}>${content}</button>`;
      }
      const params = new URLSearchParams(this.params);
      if (offset) params.set('offset', String(offset));
      else params.delete('offset');
      return html`<a class="fw-pagination__link" rel=${rel} href=${this.#pageUrl(params)}>${content}</a>`;
    };
    return html`<nav class="fw-pagination" aria-label=${this.embedded ? `${this.#title(this.#meta)} pages` : 'Pagination'}>
      ${hasPrev ? html`<div class="fw-pagination__prev">${link(Math.max(0, view.offset - view.limit), 'prev')}</div>` : nothing}
      ${hasNext ? html`<div class="fw-pagination__next">${link(view.offset + view.limit, 'next')}</div>` : nothing}
    </nav>`;
  }

  #sortBy(field: string, descending: boolean) {
    const sort = `${descending ? '-' : ''}${field}`;
    if (this.embedded) {
      this.ownView = { ...this.ownView, sort, offset: 0 };
      return;
    }
    const params = new URLSearchParams(this.params);
    params.set('sort', sort);
    params.delete('offset');
    this.dispatchEvent(new NavigateEvent(this.#pageUrl(params), true));
  }

  /** The text search of a searching source (page mode): a GOV.UK search form whose text travels as `q`. */
  #searchForm(meta: TableMeta, view: View) {
    const label = `Search ${lowerFirst(this.#title(meta))}`;
    return html`<form class="fw-list__search" role="search" aria-label=${label} @submit=${this.#onSearch}>
      <div class="fw-form-group">
        <label class="fw-label" for="list-search">${label}</label>
        <div class="fw-hint" id="list-search-hint">${meta.searchable
          ? 'Finds whole words and their other forms. Put a phrase in "quotes", use -word to leave a word out and word* for words starting with it'
          : 'Finds the text in numbers, titles and other text fields'}</div>
        <div class="fw-list__search-row">
          <input class="fw-input fw-input--width-20" id="list-search" name="q" type="search" autocomplete="off" spellcheck="false"
            aria-describedby="list-search-hint" .value=${view.search}>
          <button type="submit" class="fw-button fw-button--secondary">Search</button>
          ${view.search ? html`<button type="button" class="fw-link-button" @click=${this.#clearSearch}>Clear search</button>` : nothing}
        </div>
      </div>
    </form>`;
  }

  /** A row's label for its checkbox and actions: its first column's text. */
  #rowName(r: RecordData, cols: string[], byName: Map<string, FieldMeta>): string {
    return this.#text(byName.get(cols[0]!), r, cols[0]!) || 'untitled record';
  }

  #selectAllCell(meta: TableMeta) {
    const all = this.#records.length > 0 && this.#records.every((r) => this.selected.has(String(r.id)));
    return html`<td class="fw-table__header fw-table__select">
      <div class="fw-checkboxes__item fw-checkboxes__item--small">
        <input class="fw-checkboxes__input" type="checkbox" id="list-select-all" .checked=${all}
          @change=${(e: Event) => this.#select((e.target as HTMLInputElement).checked ? new Set(this.#records.map((r) => String(r.id))) : new Set())}>
        <label class="fw-label fw-checkboxes__label" for="list-select-all"><span class="fw-visually-hidden">Select all ${lowerFirst(meta.pluralLabel)} on this page</span></label>
      </div>
    </td>`;
  }

  #selectCell(r: RecordData, cols: string[], byName: Map<string, FieldMeta>) {
    const id = String(r.id);
    const inputId = `list-select-${id}`;
    return html`<td class="fw-table__cell fw-table__select">
      <div class="fw-checkboxes__item fw-checkboxes__item--small">
        <input class="fw-checkboxes__input" type="checkbox" id=${inputId} data-select=${id} .checked=${this.selected.has(id)}
          @change=${(e: Event) => {
            const next = new Set(this.selected);
            if ((e.target as HTMLInputElement).checked) next.add(id);
            else next.delete(id);
            this.#select(next);
          }}>
        <label class="fw-label fw-checkboxes__label" for=${inputId}><span class="fw-visually-hidden">Select ${this.#rowName(r, cols, byName)}</span></label>
      </div>
    </td>`;
  }

  #select(ids: Set<string>) {
    if (!this.selectable) return;
    if (ids.size === this.selected.size && [...ids].every((id) => this.selected.has(id))) return;
    this.selected = ids;
    this.dispatchEvent(new ListSelectionEvent(this.selectedRecords));
  }

  #onSearch = (e: Event) => {
    e.preventDefault();
    const text = String(new FormData(e.target as HTMLFormElement).get('q') ?? '').trim();
    const params = new URLSearchParams(this.params);
    if (text) params.set('q', text);
    else params.delete('q');
    params.delete('offset');
    this.dispatchEvent(new NavigateEvent(this.#pageUrl(params)));
  };

  #clearSearch = () => {
    const params = new URLSearchParams(this.params);
    params.delete('q');
    params.delete('offset');
    this.dispatchEvent(new NavigateEvent(this.#pageUrl(params)));
  };

  /** The person chose columns: shown at once and kept in the URL (so a saved view keeps them); null is the default. */
  #onColumns = (e: ColumnsEvent) => {
    e.stopPropagation();
    const params = new URLSearchParams(this.params);
    if (e.columns) params.set('columns', e.columns.join(','));
    else params.delete('columns');
    params.delete('title');
    this.dispatchEvent(new NavigateEvent(this.#pageUrl(params), true));
  };

  #onFilter = (e: FilterEvent) => {
    e.stopPropagation();
    const params = new URLSearchParams(this.params);
    if (e.condition) params.set('filter', JSON.stringify(e.condition));
    else params.delete('filter');
    params.delete('offset');
    params.delete('title');
    this.dispatchEvent(new NavigateEvent(this.#pageUrl(params)));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-list': FwList;
  }
  interface HTMLElementEventMap {
    'fw-list-selection': ListSelectionEvent;
  }
}
