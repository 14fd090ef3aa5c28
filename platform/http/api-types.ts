/**
 * The metadata shapes of the REST API (GET /api/meta/…) and the `meta` of a list, shared by the server that builds them
 * (platform/http/routes/meta.ts) and the browser that reads them (ui/api/types.ts). Type declarations only, with
 * no runtime import, so the UI bundle can use them.
 */
import type { FieldType, NamedKind } from '../definitions/types.js';
import type { TotalKind } from '../records/types.js';
import type { HomePart } from '../access/roles/types.js';

/** A field as the UI sees it. Absent properties are omitted. */
export interface FieldMeta {
  name: string;
  type: FieldType | 'uuid';
  label: string;
  help?: string;
  required: boolean;
  /** System fields are never written by clients. */
  readOnly: boolean;
  default?: unknown;
  /**
   * Every option, inactive ones flagged (still valid on existing records, hidden from pickers); with `dependsOn`,
   * `for` lists the controlling field's values an option applies to.
   */
  choices?: { value: string; label: string; inactive?: boolean; for?: string[] }[];
  multiple?: boolean;
  /** The field controlling which choices apply (platform/records/dependent-choices.ts). */
  dependsOn?: string;
  reference?: string;
  /** A string naming a person, queue, organisation or role by its key: shown by its label (display values), never typed. */
  names?: NamedKind;
  maxLength?: number;
  minLength?: number;
  min?: number;
  max?: number;
  scale?: number;
  currency?: string;
  pattern?: string;
  patternMessage?: string;
  accept?: string[];
  maxSize?: number;
  /** `<reference field>.<field>`: the form fills the field in from the record the reference names. */
  fetchFrom?: string;
  system: boolean;
  journalType?: 'comment' | 'work_note';
  /**
   * false when lists cannot filter or sort by the field: it is encrypted at rest, readable record by record
   * (`readableWhen`), or content that may be in draft for this reader (content versions), where the matching rows
   * would give its value away. Absent: it can.
   */
  queryable?: false;
  /** Kept out of generated forms and default list columns (still readable, and usable by conditions). */
  hidden?: true;
}

export interface TableMeta {
  name: string;
  label: string;
  pluralLabel: string;
  description?: string;
  extends?: string;
  ancestors: string[];
  abstract: boolean;
  numberPrefix?: string;
  displayField: string;
  fields: FieldMeta[];
  /**
   * The table's default form (GET /api/meta/tables/:t only): the form named like the table, else its only form, else
   * null — the form whose UI policies the server enforces on every write (platform/rules/data-policy.ts).
   */
  defaultForm?: string | null;
  /** Whether a workflow runs the table (GET /api/workflows/:table answers it). */
  workflow?: boolean;
  /** The table keeps published versions of its records' content (GET /api/tables/:t/:id/versions/published). */
  versions?: true;
  /** People rate its records (GET/PUT/DELETE /api/tables/:t/:id/rating): the scale and whether comments are taken. */
  ratings?: { scale: 'useful' | 'stars'; comments: boolean };
  /** Views of its records are counted (POST /api/tables/:t/:id/view, once per visit of the record page). */
  countViews?: true;
  /** Its lists take `q`, a full-text search of the fields it declares searchable (platform/search). */
  searchable?: true;
}

/** The `meta` of a record list (GET /api/tables/:t, a queue's items). */
export interface ListMeta {
  /** The number of matches, or null when `total=false`; `totalKind` says what kind of number it is. */
  total: number | null;
  /**
   * 'exact': counted. 'estimate': the database's estimate of a count past the cap (`total=estimate` on PostgreSQL).
   * 'atLeast': at least `total` records match (`total=estimate` where the database has no estimate). null: no total.
   */
  totalKind: TotalKind | null;
  limit: number;
  offset: number;
}

/** A record in a short list: what people recognise it by, and where it opens. */
export interface HomeItem {
  table: string;
  tableLabel: string;
  id: string;
  number: string | null;
  display: string | null;
  /** When it last changed (assigned items), was asked for (approvals) or is due (SLAs); ISO 8601. */
  at: string | null;
  link: string;
}

export interface HomeAssigned {
  table: string;
  label: string;
  /** Open records (state not closed) assigned to the person that they can read. */
  count: number;
  /** The most recently changed of them. */
  items: HomeItem[];
  link: string;
}

export interface HomeQueue {
  name: string;
  label: string;
  member: boolean;
  count: number;
  link: string;
}

export interface HomeSla extends HomeItem {
  sla: string;
  label: string;
  breached: boolean;
  remainingMs: number | null;
}

/** A part of the home page, as roles declare them. */
export type HomePartName = HomePart;

/**
 * The home page's answer (GET /api/home); `B`: a bookmark as the reader types it. `parts`: what the person's roles
 * put on their home page, in order; the other parts are answered empty.
 */
export interface HomeWork<B> {
  parts: HomePartName[];
  /** Records the person changed lately, newest first. */
  recent: HomeItem[];
  assigned: { count: number; tables: HomeAssigned[]; link: string };
  queues: HomeQueue[];
  approvals: { count: number; items: (HomeItem & { approval: string })[]; link: string };
  /** Overdue SLAs, then those due within the alert window; `more`: there are more than the items shown. */
  slas: { overdue: HomeSla[]; upcoming: HomeSla[]; moreOverdue: boolean; moreUpcoming: boolean };
  bookmarks: B[];
}

// Full-text search (GET /api/search, platform/search): titles, summaries and snippet parts are plain text.

/** One table among the results, with how many of its records match. */
export interface SearchGroup {
  table: string;
  label: string;
  pluralLabel: string;
  count: number;
}

/** A field a result matched in, named for people. */
export interface SearchReason {
  field: string;
  label: string;
}

/** A piece of a snippet: `match` pieces are the words the query found. */
export interface SnippetPart {
  text: string;
  match: boolean;
}

/** A short passage of one field around the words found. */
export interface SearchSnippet {
  field: string;
  label: string;
  parts: SnippetPart[];
}

/** One record found. */
export interface SearchResult {
  table: string;
  tableLabel: string;
  id: string;
  number?: string;
  title: string;
  summary: string;
  tags?: string[];
  score: number;
  reasons: SearchReason[];
  snippets: SearchSnippet[];
}

/** A page of results, with the total and the count per table. */
export interface SearchAnswer {
  query: string;
  total: number;
  groups: SearchGroup[];
  results: SearchResult[];
  meta: { limit: number; offset: number };
}
