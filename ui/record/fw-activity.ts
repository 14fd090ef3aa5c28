import { html, nothing } from 'lit';
import { consume } from '@lit/context';
import { Task, TaskStatus, initialState } from '@lit/task';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { tablePath, type ApiClient } from '../api/client.js';
import type { FieldMeta, HistoryEntry, JournalEntry, SessionInfo } from '../api/types.js';
import { formatDateTime, formatValue } from '../format.js';
import { isLoading } from '../page-state.js';
import { authorName } from '../session-state.js';
import { apiContext, sessionContext } from '../contexts.js';

type Item =
  | { kind: 'change'; at: string; by: string | null; byLabel?: string; version: number; operation: string; changes: HistoryEntry[] }
  | { kind: 'entry'; at: string; by: string | null; byLabel?: string; entry: JournalEntry };

/**
 * A record's activity stream: field history (GET …/history, one item per saved version) and journal entries
 * (GET …/journal) merged, newest first.
 */
@customElement('fw-activity')
export class FwActivity extends LightElement {
  /** The record's table. */
  @property() accessor table = '';
  /** The record's id. */
  @property() accessor recordId = '';
  /** The table's fields, for labels and value formatting. */
  @property({ attribute: false }) accessor fields: FieldMeta[] = [];
  /** Changes when the record was saved, to fetch the stream again. */
  @property({ type: Number }) accessor revision = 0;

  /** The signed-in person's session. */
  @consume({ context: sessionContext, subscribe: true }) @state() private accessor session: SessionInfo | null = null;
  @consume({ context: apiContext }) private accessor api!: ApiClient;

  /** The stream, fetched again when the record was saved (`revision`); an older fetch's late answer is dropped. */
  #activity = new Task(this, {
    args: () => [this.api, this.table, this.recordId, this.revision] as const,
    task: async ([api, table, id], { signal }) => {
      if (!table || !id) return initialState;
      const [history, journal] = await Promise.all([
        api.get<HistoryEntry[]>(tablePath(table, id, 'history'), { signal }),
        api.get<JournalEntry[]>(tablePath(table, id, 'journal'), { signal }),
      ]);
      return mergeActivity(history.data, journal.data, this.fields);
    },
  });

  override render() {
    const items = this.#activity.value ?? [];
    if (this.#activity.status === TaskStatus.ERROR) return html`<p class="fw-body">The activity cannot be shown right now.</p>`;
    if (isLoading(this.#activity) && !items.length) return html`<p class="fw-body">Loading the activity…</p>`;
    if (!items.length) return html`<p class="fw-body">No activity yet.</p>`;
    const byName = new Map(this.fields.map((f) => [f.name, f]));
    return html`<ol class="fw-timeline">
      ${items.map((item) => html`<li class="fw-timeline__item">
        <h3 class="fw-timeline__title">${this.#title(item, byName)}</h3>
        <p class="fw-timeline__meta">By ${byline(this.session, item)}, <time datetime=${item.at}>${formatDateTime(item.at)}</time></p>
        ${item.kind === 'entry'
          ? html`<p class="fw-timeline__body">${item.entry.body}</p>`
          : item.operation === 'insert' && item.changes.length
            // What a record was created with repeats the record itself: one step away, so the page stays short.
            ? html`<details class="fw-details"><summary class="fw-details__summary">Show the ${item.changes.length === 1 ? 'value' : `${item.changes.length} values`} it was created with</summary>
              ${this.#changes(item.changes, byName)}</details>`
            : this.#changes(item.changes, byName)}
      </li>`)}
    </ol>`;
  }

  #title(item: Item, byName: Map<string, FieldMeta>): string {
    if (item.kind === 'entry') {
      const label = byName.get(item.entry.field)?.label;
      return item.entry.entryType === 'work_note' ? `Work note${label ? ` (${label})` : ''}` : `Comment${label ? ` (${label})` : ''}`;
    }
    if (item.operation === 'insert') return 'Created';
    if (item.operation === 'delete') return 'Deleted';
    return `Changed ${item.changes.length} ${item.changes.length === 1 ? 'field' : 'fields'}`;
  }

  #changes(changes: HistoryEntry[], byName: Map<string, FieldMeta>) {
    if (!changes.length) return nothing;
    // The server's labels (choices, references, people) where it gives them; the value formatted here otherwise.
    const show = (f: FieldMeta | undefined, v: unknown, label: unknown) =>
      shorten((label === undefined ? formatValue(f, v) : Array.isArray(label) ? label.join(', ') : label === null ? '' : String(label)) || 'empty');
    return html`<dl class="fw-summary-list">
      ${changes.map((c) => {
        const f = byName.get(c.field);
        return html`<div class="fw-summary-list__row">
          <dt class="fw-summary-list__key">${f?.label ?? c.field}</dt>
          <dd class="fw-summary-list__value">
            ${c.operation === 'insert' ? show(f, c.newValue, c.newDisplay) : html`<span class="fw-visually-hidden">changed from </span>${show(f, c.oldValue, c.oldDisplay)}<span aria-hidden="true"> → </span><span class="fw-visually-hidden"> to </span>${show(f, c.newValue, c.newDisplay)}`}
          </dd>
        </div>`;
      })}
    </dl>`;
  }
}

/** The most of a value the stream shows: long texts (a body, a description) are read on the record itself. */
const SHOWN_LENGTH = 160;

/** `text` cut at a word to {@link SHOWN_LENGTH} characters, with an ellipsis when cut. */
function shorten(text: string): string {
  return text.length <= SHOWN_LENGTH ? text : `${text.slice(0, SHOWN_LENGTH).replace(/\s+\S*$/, '')}…`;
}

/** Who made an item: "you" for the signed-in person's own, else the server's label for people (a name, "Workflow: …"). */
function byline(session: SessionInfo | null, item: Item): string {
  if (item.by && session?.user.username === item.by) return 'you';
  return item.byLabel ?? authorName(session, item.by);
}

/** History and journal merged into the stream: one item per saved version, newest first. */
function mergeActivity(history: HistoryEntry[], journal: JournalEntry[], fields: FieldMeta[]): Item[] {
  // Journal text shows as its entries; fields kept out of forms (hidden: data for the system, not for people) not at all.
  const skipped = new Set(fields.filter((f) => f.type === 'journal' || f.hidden).map((f) => f.name));
  const versions = new Map<number, Item & { kind: 'change' }>();
  for (const h of history) {
    if (skipped.has(h.field)) continue;
    let item = versions.get(h.version);
    if (!item) {
      item = { kind: 'change', at: h.changedAt, by: h.changedBy, byLabel: h.actorLabel, version: h.version, operation: h.operation, changes: [] };
      versions.set(h.version, item);
    }
    item.changes.push(h);
  }
  const items: Item[] = [...versions.values(), ...journal.map((entry) => ({ kind: 'entry' as const, at: entry.createdAt, by: entry.createdBy, byLabel: entry.actorLabel, entry }))];
  // Newest first; at the same instant a journal entry is listed above the change saved with it.
  items.sort((a, b) => b.at.localeCompare(a.at) || (a.kind === b.kind ? 0 : a.kind === 'entry' ? -1 : 1));
  return items;
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-activity': FwActivity;
  }
}
