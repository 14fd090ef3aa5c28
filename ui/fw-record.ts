import { html, nothing, type PropertyValues } from 'lit';
import { consume, provide } from '@lit/context';
import { Task, TaskStatus, initialState } from '@lit/task';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from './light-element.js';
import type { Condition } from '../platform/conditions/browser.js';
import { ApiError, tablePath, type ApiClient } from './api/client.js';
import type { FormCopy, FormMeta, RecordData, TableMeta } from './api/types.js';
import { PageEvent, type RecordChangedEvent } from './events.js';
import { takeFlash } from './flash.js';
import './fw-form.js';
import './fw-list.js';
import { formUrl, listUrl } from './router.js';
import './record/fw-activity.js';
import { publishedNote } from './record/fw-record-versions.js';
import type { VersionStatus } from '../platform/versions/types.js';
import './record/fw-record-links.js';
import './record/fw-record-rating.js';
import { recordView } from './api/ratings.js';
import { renderTabs } from './record/tabs.js';
import { fetchRecordDisplay, recordDisplayContext, type RecordDisplay } from './record/display-values.js';
import type { WorkflowChangedEvent, WorkflowLink } from './workflow/events.js';
import './workflow/fw-workflow-actions.js';
import type { Metadata } from './api/meta.js';
import { apiContext, metaContext } from './contexts.js';

/** What a loaded record page shows besides the record itself. */
interface Page {
  /** The table the record was read from (the page's `table` may already name the next one). */
  table: string;
  form: FormMeta;
  meta: TableMeta;
  /** The related lists' filters and "New" values, built once per record so the lists do not reload on every render. */
  related: { table: string; label: string; columns: string[] | null; filter: Condition; params: URLSearchParams }[];
  record: RecordData;
  etag: string | null;
  /** Which published version the person is shown, when the table keeps versions (GET …/versions/published). */
  versions: VersionStatus | null;
}

/** Why the record cannot be shown, as the page's heading and text. */
function problemOf(e: unknown): { title: string; text: string } {
  // A table the person's roles do not reach is named ("You do not have access to <the table's plural label>."); a record outside
  // their rows is not found, so other organisations' records are not revealed.
  if (e instanceof ApiError && e.status === 403 && e.code === 'forbidden') return { title: 'You do not have access', text: e.message };
  if (e instanceof ApiError && (e.status === 404 || e.status === 403)) {
    return { title: 'Record not found', text: 'The record does not exist, or you do not have access to it.' };
  }
  return { title: 'Sorry, there is a problem', text: e instanceof ApiError ? e.message : 'The record cannot be shown.' };
}

/**
 * A record's page, laid out to be worked in: a compact header with its number and display value as the heading, its
 * workflow actions (one line of state, queue and assignee, the transitions the person may make as buttons, and an
 * "Assignment" disclosure; approvals asked of them — only the actions the server says would succeed, GET …/actions;
 * ui/workflow) and its copy actions, kept in view on wide screens; then the form in edit mode — where a workflow's
 * state field is read-only, as only transitions change it; a long form's titled sections as tabs (form/sections.ts),
 * so the page stays within about three screens — with its one Save button; then tabs (WAI-ARIA) for the activity
 * stream and the related lists the form declares (each a list of the related table filtered by its reference to this
 * record). The form's copy actions the person may use (the server lists only those) are links to a new record
 * prefilled, through the new-record page's query, with the values of the record they can read. A workflow action's
 * success message links to the records it created. What people read for the record's stored keys (the queue, the
 * assignee, the form's `names` fields) is read once per version of the record and handed to the header and the form
 * alike (recordDisplayContext).
 *
 * @fires fw-page - the page's title and breadcrumb
 */
@customElement('fw-record')
export class FwRecord extends LightElement {
  /** The record's table. */
  @property() accessor table = '';
  /** The record's id. */
  @property() accessor recordId = '';

  @consume({ context: apiContext }) private accessor api!: ApiClient;
  @consume({ context: metaContext, subscribe: true }) private accessor metadata!: Metadata;

  /** The record as shown now: as loaded, then as saved or moved on by a transition. */
  @state() private accessor record: RecordData | null = null;
  @state() private accessor etag: string | null = null;
  @state() private accessor revision = 0;
  @state() private accessor flash: { text: string; links: WorkflowLink[] } | null = null;
  /** The tab shown under the form (activity, or a related list). */
  @state() private accessor tab = 'activity';
  /** The header stays in view while scrolling: only where it leaves most of the window to the form. */
  @state() private accessor stickyHeader = false;
  /** The record's display values for the header and the form; loading until the first read answers. */
  @provide({ context: recordDisplayContext }) private accessor display: RecordDisplay | undefined = { values: {}, loading: true };

  #headerSize = new ResizeObserver(() => this.#placeHeader());
  /** The record whose view was counted for this visit of its page. */
  #viewed = '';

  /** The page of the record the URL names; the answer for a record left meanwhile is dropped. */
  #page = new Task(this, {
    args: () => [this.api, this.metadata, this.table, this.recordId] as const,
    task: ([api, metadata, table, id], { signal }) => this.#fetchPage(api, metadata, table, id, signal),
    onComplete: ({ meta, record, etag }) => {
      // One view per visit of the record's page (the server counts at most one per person and day); a failure is not the person's concern.
      const visit = `${this.table}/${String(record.id)}`;
      if (meta.countViews && this.#viewed !== visit) void recordView(this.api, this.table, String(record.id)).catch(() => undefined);
      this.#viewed = visit;
      this.record = record;
      this.etag = etag;
      const flash = takeFlash();
      this.flash = flash ? { text: flash, links: [] } : null;
      this.#announcePage(meta);
    },
    onError: (e) => {
      const { title } = problemOf(e);
      this.dispatchEvent(new PageEvent(title, [{ label: 'Home', href: '/' }, { label: title }]));
    },
  });

  /**
   * The display values of the record shown, read again for each new version of it (a save, a transition) and only
   * then. While a new read is under way the last values stay: parts show a value's label only when it was read for
   * that same value. Without them the stored values still say what is there: a failed read is not the person's problem.
   */
  #display = new Task(this, {
    args: () => {
      // The record shown with the table it was read from: while the next page loads, the pair stays the last one's.
      const page = this.#page.status === TaskStatus.COMPLETE ? this.#page.value : undefined;
      const record = page ? this.record : null;
      return [this.api, page?.table ?? '', record ? String(record.id) : '', String(record?.version ?? '')] as const;
    },
    task: ([api, table, id], { signal }) => (table && id
      ? fetchRecordDisplay(api, table, id, signal).catch((e: unknown): RecordData => { if (signal.aborted) throw e; return {}; })
      : initialState),
  });

  protected override willUpdate() {
    // Handed on only when it changed, so the header and the form's named fields render again only then.
    const loading = this.#display.status === TaskStatus.INITIAL || this.#display.status === TaskStatus.PENDING;
    const values = this.#display.value ?? {};
    if (this.display?.loading !== loading || (this.#display.value && this.display.values !== values)) this.display = { values, loading };
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.#headerSize.disconnect();
    document.documentElement.style.removeProperty('scroll-padding-top');
  }

  protected override updated(changed: PropertyValues) {
    const header = this.querySelector<HTMLElement>('.fw-record__header');
    if (header) this.#headerSize.observe(header);
    if (changed.has('flash') && this.flash) this.querySelector<HTMLElement>('.fw-notification-banner')?.focus();
  }

  override render() {
    if (this.#page.status === TaskStatus.ERROR) {
      const { title, text } = problemOf(this.#page.error);
      return html`<h1 class="fw-heading-l">${title}</h1><p class="fw-body">${text}</p>`;
    }
    const page = this.#page.status === TaskStatus.COMPLETE ? this.#page.value : undefined;
    if (!page || !this.record) return html`<p class="fw-body">Loading…</p>`;
    const { form, meta, related } = page;
    const id = String(this.record.id);
    return html`<div class="fw-record">
      <header class="fw-record__header ${this.stickyHeader ? 'fw-record__header--sticky' : ''}">
        <h1 class="fw-heading-l fw-record__title"><span class="fw-caption-l">${this.#caption()}</span>${this.#heading()}</h1>
        <div class="fw-record__actions">
          <fw-workflow-actions class="fw-record-actions" table=${this.table} recordId=${id} .record=${this.record}
            @fw-workflow-changed=${this.#onWorkflow}></fw-workflow-actions>
          ${form.copies?.length ? html`<div class="fw-button-group fw-record-copies" role="group" aria-label="Copy into a new record">
            ${form.copies.map((c) => html`<a class="fw-button fw-button--secondary" data-copy=${c.name} href=${this.#copyUrl(c)}>${c.label}</a>`)}
          </div>` : nothing}
          ${form.links?.length ? html`<fw-record-links .links=${form.links} .record=${this.record}></fw-record-links>` : nothing}
        </div>
      </header>
      ${this.flash ? html`<div class="fw-notification-banner fw-notification-banner--success" role="alert" tabindex="-1">
        <div class="fw-notification-banner__header"><h2 class="fw-notification-banner__title">Success</h2></div>
        <div class="fw-notification-banner__content"><p class="fw-notification-banner__heading">${this.flash.text}</p>
          ${this.flash.links.length ? html`<p class="fw-body">Created ${this.flash.links.map((l, i) => html`${i ? ', ' : ''}<a class="fw-notification-banner__link" href=${l.href}>${l.text}</a>`)}.</p>` : nothing}</div>
      </div>` : nothing}
      <fw-form class="fw-record__form" .form=${form} table=${this.table} .record=${this.record} .etag=${this.etag} idPrefix="record" sectionTabs
        @fw-record-changed=${this.#onChanged} @fw-attachments-changed=${this.#onAttachments}></fw-form>
      ${publishedNote(page.versions)}
      ${meta.ratings ? html`<fw-record-rating table=${this.table} recordId=${id}></fw-record-rating>` : nothing}
      ${renderTabs([
        {
          key: 'activity', label: 'Activity',
          content: html`<section class="fw-activity" aria-labelledby="activity-heading">
            <h2 class="fw-heading-m" id="activity-heading">Activity stream</h2>
            <fw-activity table=${this.table} recordId=${id} .fields=${meta.fields} .revision=${this.revision}></fw-activity>
          </section>`,
        },
        ...(page.versions?.editor ? [{
          key: 'versions', label: 'Versions',
          content: html`<section class="fw-versions" aria-labelledby="versions-heading">
            <h2 class="fw-heading-m" id="versions-heading">Published versions</h2>
            <fw-record-versions table=${this.table} recordId=${id} .revision=${this.revision}></fw-record-versions>
          </section>`,
        }] : []),
        ...related.map((rl, i) => ({
          key: `related-${i}`, label: rl.label || rl.table,
          content: html`<section class="fw-related-list">
            <fw-list embedded table=${rl.table} heading=${rl.label} .columns=${rl.columns} .fixedFilter=${rl.filter}
              .newParams=${rl.params}></fw-list>
          </section>`,
        })),
      ], { idPrefix: 'record', label: 'Activity and related records', selected: this.tab, select: (key) => { this.tab = key; } })}
    </div>`;
  }

  /**
   * Keep the header in view on wide, tall enough windows when it takes at most a third of the height; the page then
   * scrolls focused fields clear of it (scroll-padding), so a field reached by Tab is never hidden underneath.
   */
  #placeHeader() {
    const header = this.querySelector<HTMLElement>('.fw-record__header');
    if (!header) return;
    const sticky = window.matchMedia('(min-width: 64em) and (min-height: 40em)').matches && header.offsetHeight <= window.innerHeight / 3;
    this.stickyHeader = sticky;
    const root = document.documentElement.style;
    if (sticky) root.setProperty('scroll-padding-top', `${header.offsetHeight + 16}px`);
    else root.removeProperty('scroll-padding-top');
  }

  /** The new-record page of the copy's form, with the values of the copied fields the record shows. */
  #copyUrl(copy: FormCopy): string {
    const params = new URLSearchParams();
    for (const name of copy.fields) {
      const v = this.record?.[name];
      if (v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length)) continue;
      params.set(name, Array.isArray(v) ? v.map(String).join(',') : String(v));
    }
    const q = params.toString();
    return `${formUrl(copy.form ?? this.#page.value!.form.name)}${q ? `?${q}` : ''}`;
  }

  #caption(): string {
    const number = this.record?.number;
    return `${this.#page.value?.meta.label ?? this.table}${typeof number === 'string' && number ? ` ${number}` : ''}`;
  }

  #heading(): string {
    const displayField = this.#page.value?.meta.displayField;
    const v = this.record?.[displayField ?? ''];
    if (v !== null && v !== undefined && v !== '' && displayField !== 'number') return String(v);
    const number = this.record?.number;
    return typeof number === 'string' && number ? number : 'Untitled record';
  }

  #announcePage(meta: TableMeta | undefined) {
    if (!meta) return;
    const number = typeof this.record?.number === 'string' ? this.record.number : '';
    const heading = this.#heading();
    const title = number && heading !== number ? `${number}: ${heading}` : heading;
    this.dispatchEvent(new PageEvent(title, [
      { label: 'Home', href: '/' },
      { label: meta.pluralLabel, href: listUrl(this.table) },
      { label: number || heading },
    ]));
  }

  /** The record's form (its workflow's state read-only: only transitions change it), table, related lists and the record. */
  async #fetchPage(api: ApiClient, metadata: Metadata, table: string, recordId: string, signal: AbortSignal): Promise<Page> {
    const [loadedForm, meta, res, workflow] = await Promise.all([
      metadata.formForTable(table),
      metadata.table(table),
      api.get<RecordData>(tablePath(table, recordId), { signal }),
      metadata.workflow(table),
    ]);
    const stateField = workflow ? loadedForm.fields[workflow.stateField] : undefined;
    const form = stateField
      ? { ...loadedForm, fields: { ...loadedForm.fields, [stateField.name]: { ...stateField, readOnly: true } } }
      : loadedForm;
    const id = String(res.data.id);
    const related = (form.relatedLists ?? []).map((rl) => ({
      table: rl.table, label: rl.label ?? '', columns: rl.columns ?? null,
      filter: { fact: rl.field, operator: 'equal', value: id } as Condition, params: new URLSearchParams({ [rl.field]: id }),
    }));
    const versions = meta.versions
      ? (await api.get<VersionStatus>(tablePath(table, recordId, 'versions/published'), { signal })).data : null;
    return { table, form, meta, related, record: res.data, etag: res.etag, versions };
  }

  /** A file was attached or removed: the activity stream shows the change. */
  #onAttachments = () => {
    this.revision += 1;
  };

  /** A transition, approval or assignment changed the record: show its new version and say what happened. */
  #onWorkflow = (e: WorkflowChangedEvent) => {
    if (e.record.version === undefined) {
      // Out of the person's sight now (it moved to another organisation's queue): load what they may still see.
      void this.#page.run();
      return;
    }
    this.record = e.record;
    this.etag = e.etag ?? `W/"${String(e.record.version)}"`;
    this.revision += 1;
    this.flash = { text: e.message, links: e.links };
    this.#announcePage(this.#page.value?.meta);
  };

  #onChanged = (e: RecordChangedEvent) => {
    this.record = e.record;
    this.revision += 1;
    this.flash = null;
    this.#announcePage(this.#page.value?.meta);
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-record': FwRecord;
  }
}
