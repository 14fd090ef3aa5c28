/**
 * The model every kind shares: the field model (tables, and later catalogue variables and report parameters), the
 * table as declared and as resolved, and definition errors. Each kind's own type lives with
 * its runtime (see kinds.ts); the schema is the source of truth and these types mirror it.
 */
import type { Condition } from '../conditions/types.js';

export type FieldType =
  | 'string' | 'text' | 'integer' | 'decimal' | 'boolean' | 'date' | 'datetime'
  | 'choice' | 'reference' | 'email' | 'phone' | 'url' | 'postcode' | 'currency'
  | 'json' | 'journal' | 'attachment' | 'richtext' | 'tags';

export interface ChoiceOption {
  value: string;
  label: string;
  /** Hidden from pickers but still valid on existing records. */
  inactive?: boolean;
  /** With the field's `dependsOn`: the controlling field's values this option applies to (absent: always). */
  for?: string[];
}

/** One field of a table (also the field model of catalogue variables and report parameters). */
export interface FieldDef {
  type: FieldType;
  label?: string;
  help?: string;
  required?: boolean;
  default?: unknown;
  /** choice: the allowed options. */
  choices?: ChoiceOption[];
  /**
   * choice: the name of a shared choice list whose options the field offers instead of its own `choices`. Resolved
   * tables carry the list's options in `choices`, so the runtime never reads this.
   */
  choiceList?: string;
  /** choice: several values allowed (stored as a JSON array). */
  multiple?: boolean;
  /**
   * choice: the field (of the same table) whose value decides which options apply — each option's `for` (see
   * platform/records/dependent-choices.ts). Enforced on every write; forms offer only the options that apply.
   */
  dependsOn?: string;
  /** reference: the target table. */
  reference?: string;
  /**
   * string: the value is the key of a platform thing — a username, queue name, organisation code or role name — shown
   * by its label and checked to exist on write (platform/records/named-values.ts).
   */
  names?: NamedKind;
  /**
   * string-like: maximum / minimum length in characters; without maxLength, 255 (string, email, phone, url) or 100,000
   * (text, richtext — its sanitised HTML — and each journal entry) — see maxLengthOf in platform/records/field-values.ts.
   */
  maxLength?: number;
  minLength?: number;
  /** integer, decimal, currency: inclusive bounds. */
  min?: number;
  max?: number;
  /** decimal, currency: digits after the point (default 2), of the column's 18 (platform/db/storage-types.ts). */
  scale?: number;
  /** currency: ISO 4217 code (default GBP). */
  currency?: string;
  /** string-like: an ECMAScript regular expression the value must match (anchored by the author). */
  pattern?: string;
  patternMessage?: string;
  unique?: boolean;
  index?: boolean;
  /** Personal data (masked for roles without access to it, excluded from exports by default). */
  pii?: boolean;
  /**
   * Stored AES-256-GCM encrypted at rest (text-like fields and journals only); decrypted for readers allowed to read
   * it. Cannot be filtered, sorted, searched, indexed or unique.
   */
  encrypted?: boolean;
  /**
   * Only the system, rules and workflows set it: a user's create or update naming it is refused (403). System fields
   * and the owning organisation are protected anyway.
   */
  protected?: boolean;
  /**
   * Per-record read access: readers for whom this condition (facts `record`, `user`, `now`) is false on a record do
   * not get the field's value for it, and only the system may filter or sort by it (see platform/records/row-masking.ts).
   */
  readableWhen?: Condition;
  /** Read-only on forms; the server holds user actors to it too (it implies `protected`). */
  readOnly?: boolean;
  /** Not shown on forms or offered in column pickers (still stored, readable and usable by conditions). */
  hidden?: boolean;
  /**
   * `<reference field>.<field of the referenced table>`: the engine copies that value of the referenced record into
   * this field whenever a write sets the reference (creates, and updates that change it); clearing the reference
   * clears it. Forms fill it in as soon as the reference is chosen.
   */
  fetchFrom?: string;
  /**
   * attachment: allowed content types (`application/pdf`), families (`image/*`) or name extensions (`.docx`), and the
   * largest file in bytes (default FORMWORK_ATTACHMENT_MAX_SIZE); enforced on upload by platform/files.
   */
  accept?: string[];
  maxSize?: number;
  /** journal: 'comment' (visible to the requester) or 'work_note' (internal). Default 'comment'. */
  journalType?: 'comment' | 'work_note';
}

/**
 * A child table's change to an inherited field (a dictionary override): metadata only, since the column is the
 * parent's. `choices` may only narrow or relabel the parent's options, so every value the child stores stays valid
 * for the parent too.
 */
export interface FieldOverride {
  label?: string;
  help?: string;
  default?: unknown;
  choices?: ChoiceOption[];
  required?: boolean;
}

/** A shared list of options that choice fields of any table name with `choiceList` (the `choiceList` kind). */
export interface SharedChoiceList {
  name: string;
  choices: ChoiceOption[];
}

export interface IndexDef {
  /** Column names in order; a leading '-' marks descending order. */
  fields: string[];
  unique?: boolean;
  name?: string;
}

export interface TableDef {
  kind: 'table';
  name: string;
  label?: string;
  pluralLabel?: string;
  description?: string;
  extends?: string;
  /** Prefix of the human number, e.g. "INC"; the table gets a `number` column when set. */
  numberPrefix?: string;
  /** Digits of the zero-padded sequence (default 7). */
  numberDigits?: number;
  displayField?: string;
  /** Fields full-text search looks in: a name, or a name and a weight (platform/search/fields.ts). */
  searchable?: (string | { field: string; weight?: 'highest' | 'high' | 'normal' | 'low' })[];
  /** The field summarising a record in search results (default: the first searched field after the title). */
  summaryField?: string;
  fields: Record<string, FieldDef>;
  /**
   * Named lists of this table's fields, inherited by tables extending it; role grants name one as `@name` in
   * readFields / writeFields / deniedFields.
   */
  fieldSets?: Record<string, string[]>;
  /** Changes to inherited fields on this table only (label, help, default, choices, required). */
  overrides?: Record<string, FieldOverride>;
  indexes?: IndexDef[];
  /** Marks the table abstract: records are only created in tables that extend it. */
  abstract?: boolean;
  /**
   * Published versions of the content fields (platform/versions): a version is kept whenever a write leaves the record
   * with `publishedWhen` true and content unlike its last version; readers see the last published content meanwhile.
   */
  versions?: ContentVersionsDef;
  /** The field holding the owning organisation's id, when not the system `org_id` column (row scope 'org' uses it). */
  orgField?: string;
  /**
   * A string field holding the party code a record belongs to: row scope 'org' also covers records whose party code
   * the actor may act for (their own and those shared with them by consent).
   */
  userIdField?: string;
  /** People may rate records (one rating per person per record); adds the rating_count and rating_average columns. */
  ratings?: TableRatings;
  /** Count views (one per person per record per day); adds the view_count column. */
  countViews?: boolean;
}

/** A table's `ratings`: the scale, whether comments are taken, and where commented ratings go as records. */
export interface TableRatings {
  /** 'useful': yes (1) or no (0), the average being the share of yes; 'stars': 1 to 5. */
  scale: 'useful' | 'stars';
  comments?: boolean;
  feedback?: { table: string; fields: { record: string; value: string; comment: string } };
}

/** A table's `versions` option: which fields are content, and when a record counts as published. */
export interface ContentVersionsDef {
  fields: string[];
  publishedWhen: Condition;
}

/** Where a definition came from, for error messages. */
export interface DefinitionSource {
  file: string;
  pointer: string;
}

/** Names of the system columns every record table has. Declared fields may not use them. */
export const SYSTEM_FIELDS = [
  'id', 'number', 'class', 'version', 'org_id',
  'created_at', 'created_by', 'updated_at', 'updated_by',
] as const;
export type SystemField = (typeof SYSTEM_FIELDS)[number];

/** System fields every reader of a record sees (they identify it): grants cannot withhold them. */
export const ALWAYS_READABLE: readonly string[] = ['id', 'version', 'class', 'number', 'view_count', 'rating_count', 'rating_average'];

/**
 * System columns a table has only when it switches on `countViews` (view_count) or `ratings` (rating_count,
 * rating_average). The engine keeps them (platform/records/ratings/); a declared field may not use their names.
 */
export const COUNTER_FIELDS = ['view_count', 'rating_count', 'rating_average'] as const;

/** A field as the engine sees it after resolving `extends`: declared or system. */
/** What a `names` field's value is the key of. */
export type NamedKind = 'user' | 'queue' | 'org' | 'role';

export interface ResolvedField extends Omit<FieldDef, 'type'> {
  /** Declared type, or 'uuid' for the system id / org / actor columns. */
  type: FieldType | 'uuid';
  name: string;
  /** Physical column, or null for fields without a column (journal). */
  column: string | null;
  /** The table that declared it ('' for system fields). */
  declaredBy: string;
  /** The table whose `overrides` last changed this inherited field, if any. */
  overriddenBy?: string;
  system: boolean;
}

/** A table after resolving its hierarchy. */
export interface ResolvedTable {
  name: string;
  def: TableDef;
  /** The physical table holding this table's rows: the root of its `extends` chain. */
  physical: string;
  /** Ancestors from the parent up to the root (empty for a root). */
  ancestors: string[];
  /** This table and every table extending it, directly or not (the class values a query on it matches). */
  classes: string[];
  /** Every field visible on this table: system, inherited and own, in declaration order. */
  fields: Map<string, ResolvedField>;
  /** Named field sets in force: inherited and own (`fieldSets`). */
  fieldSets: Map<string, readonly string[]>;
  /** The number prefix in force (own or inherited), if any. */
  numberPrefix?: string;
  numberDigits: number;
  displayField: string;
  /** The field holding the owning organisation (own or inherited `orgField`, else `org_id`). */
  orgField: string;
  /** The field holding the party code a record belongs to (own or inherited `userIdField`), if any. */
  userIdField?: string;
  /** The ratings in force (own or inherited `ratings`), if any. */
  ratings?: TableRatings;
}

/** A physical table: the union of the columns of every table in one hierarchy. */
export interface PhysicalTable {
  name: string;
  /** Every field with a column, across the hierarchy (system fields first). */
  columns: Map<string, ResolvedField>;
  indexes: IndexDef[];
  hasNumber: boolean;
}

/** One problem found in a definition. */
export interface DefinitionError {
  file: string;
  /** JSON pointer into the file (RFC 6901), '' for the whole document. */
  pointer: string;
  message: string;
  /** What was expected, when the schema or lint knows it. */
  expected?: string;
  value?: unknown;
}

/** What every definition has. */
export interface DefinitionBase {
  kind: string;
  name: string;
}
