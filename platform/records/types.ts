import type { Knex } from 'knex';
import type { Condition } from '../conditions/types.js';

/** How a read answers reference, choice and boolean fields: as labels (`true`) or as value and label (`all`). */
export type DisplayMode = 'true' | 'all';

/** Who performs an operation. Every record operation takes one explicitly. */
export interface Actor {
  kind: 'user' | 'system';
  /** sys_user id, or null for the system actor. */
  id: string | null;
  username: string;
  /** Job-type roles held (names of role definitions); includes are expanded by the access layer. */
  roles: string[];
  /** Organisations the actor acts for: their home and member organisations, and those sharing by consent. */
  orgs: string[];
  /** The organisation new records are owned by, when the table has no value for it (the home organisation). */
  orgId?: string | null;
  /**
   * Party codes the actor may act under (sys_party_code.code): their own and those shared under a consent.
   * Row scope 'org' covers records whose table `userIdField` holds one of them (the `user.userIds` fact).
   */
  userIds?: string[];
  /**
   * Interface transactions (capabilities) granted by the roles, expanded. Informational (filled in by the identity
   * layer): access decisions use `hasCapability`, which derives them from the roles and the registry in force.
   */
  capabilities?: string[];
  /** The session or API token the request came with (for audit and revocation). */
  sessionId?: string | null;
  /** How the actor authenticated: 'session', 'token', or 'system'. */
  via?: 'session' | 'token' | 'system';
}

export type RecordData = Record<string, unknown>;

export interface OperationOptions {
  actor: Actor;
  /** Run inside an existing transaction instead of opening one. */
  trx?: Knex.Transaction;
  /**
   * Create / update: the form the client edited the record on (HTTP `?form=`). Its UI policies are enforced as data
   * policies, with those of the table's default form, which apply whether a form is named or not
   * (platform/rules/data-policy.ts). A form that does not exist or belongs to another table is `invalid_query`.
   */
  form?: string;
  /**
   * Create / update: the service adds here each value the client sent that data policies discarded (a field a UI
   * policy hides): `{ field, reason, form, message }`, the field as `<index>.<field>` when several records are
   * created. The HTTP answer carries them as `meta.discarded`.
   */
  discarded?: DiscardedValue[];
}

/** A value the client sent that was not saved, and why (see {@link OperationOptions.discarded}). */
export interface DiscardedValue {
  field: string;
  /** `hidden`: a UI policy of `form` hides the field for this record. */
  reason: 'hidden';
  form: string;
  message: string;
}

export interface UpdateOptions extends OperationOptions {
  /** The version the client read; a mismatch changes nothing and raises `conflict`. */
  expectedVersion?: number;
}

export interface SortSpec { field: string; direction: 'asc' | 'desc' }

export interface QuerySpec {
  filter?: Condition;
  sort?: SortSpec[];
  limit?: number;
  offset?: number;
  /** Fields to return (system `id` and `version` always come back). */
  fields?: string[];
  /** Full-text search text: only records matching it, best first unless `sort` is given (searchable tables only). */
  search?: string;
  /**
   * The total number of matches: true (default) counts exactly; 'estimate' counts exactly up to
   * {@link TOTAL_CAP} matches and estimates past it (see {@link TotalKind}); false computes none.
   */
  withTotal?: boolean | 'estimate';
}

/**
 * What a list's total is: 'exact' — counted; 'estimate' — the database planner's estimate (PostgreSQL) of a count
 * past the cap; 'atLeast' — a lower bound, when the database has no estimate (SQLite): more than the cap match.
 */
export type TotalKind = 'exact' | 'estimate' | 'atLeast';

export interface QueryResult {
  records: RecordData[];
  total: number | null;
  /** What `total` is; null when no total was asked for. */
  totalKind: TotalKind | null;
  limit: number;
  offset: number;
}

export interface HistoryEntry {
  id: string;
  table: string;
  recordId: string;
  field: string;
  oldValue: unknown;
  newValue: unknown;
  /** 'insert' | 'update' | 'delete' */
  operation: string;
  version: number;
  /** The actor as the audit recorded it: a username, or `rule:<rule> for <username>` and the like for automatic changes. */
  changedBy: string | null;
  /** The person the change was made by or for (sys_user id); null for the system. */
  changedById: string | null;
  /** That person's display name (else username); null for the system. */
  changedByName?: string | null;
  /** Who made the change, for people: a name, or "Workflow: Resolve for Alice Smith" (platform/records/activity-labels.ts). */
  actorLabel?: string;
  /**
   * The old and new values as people read them, for fields shown by label (choices, references, booleans, people,
   * organisation, class): see platform/records/display-values.ts. Absent for fields shown as stored.
   */
  oldDisplay?: unknown;
  newDisplay?: unknown;
  changedAt: string;
}

export interface JournalEntry {
  id: string;
  table: string;
  recordId: string;
  field: string;
  /** 'comment' (customer-visible) or 'work_note' (internal) */
  entryType: string;
  body: string;
  /** The author as recorded: a username, or `workflow:<transition> for <username>` and the like. */
  createdBy: string | null;
  /** The person who wrote it, or for whom it was written (sys_user id); null for the system. */
  createdById: string | null;
  /** That person's display name (else username); null for the system. */
  createdByName?: string | null;
  /** Who wrote it, for people (see HistoryEntry.actorLabel). */
  actorLabel?: string;
  createdAt: string;
}

/**
 * The one generic record service. Every table goes through it; `xOne` calls `xMany` so each write has one path.
 * Each method runs in one transaction (or the caller's `trx`) that also holds its history, journal and numbering.
 * Errors: table_not_found, not_found, validation_failed (fieldErrors), unknown_field, unknown_operator,
 * invalid_query, conflict (extra.currentVersion), unique_violation, forbidden.
 */
/** One tag and the number of readable records holding it (platform/records/tag-counts.ts). */
export interface TagCount { tag: string; count: number }

/** What to count: tags starting with `prefix` (compared without regard to case), at most `limit` of them. */
export interface TagCountOptions { prefix?: string; limit?: number }

export interface RecordService {
  createOne(table: string, data: RecordData, opts: OperationOptions): Promise<RecordData>;
  createMany(table: string, data: RecordData[], opts: OperationOptions): Promise<RecordData[]>;
  readOne(table: string, id: string, opts: OperationOptions & { fields?: string[] }): Promise<RecordData>;
  query(table: string, spec: QuerySpec, opts: OperationOptions): Promise<QueryResult>;
  /**
   * The tags in use in a tags field among the records the actor may read, most used first (platform/records/
   * tag-counts.ts). Errors: table_not_found, forbidden, unknown_field, invalid_query.
   */
  tagCounts(table: string, field: string, opts: OperationOptions & TagCountOptions): Promise<TagCount[]>;
  updateOne(table: string, id: string, patch: RecordData, opts: UpdateOptions): Promise<RecordData>;
  updateMany(table: string, ids: string[], patch: RecordData, opts: UpdateOptions): Promise<RecordData[]>;
  deleteOne(table: string, id: string, opts: UpdateOptions): Promise<void>;
  deleteMany(table: string, ids: string[], opts: UpdateOptions): Promise<number>;
  history(table: string, id: string, opts: OperationOptions): Promise<HistoryEntry[]>;
  journal(table: string, id: string, opts: OperationOptions & { field?: string }): Promise<JournalEntry[]>;
  /**
   * `records` read from `table` with display values as the actor may see them (`true`: labels; `all`:
   * `{ value, display, link? }`; see platform/records/display-values.ts). Errors: table_not_found, forbidden.
   */
  display(table: string, records: RecordData[], mode: DisplayMode, opts: OperationOptions): Promise<RecordData[]>;
}
