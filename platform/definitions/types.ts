/**
 * TypeScript shapes of the definition kinds declared in `definitions.schema.json`.
 * The schema is the source of truth; these types mirror it for the engine.
 */
import type { Condition } from '../conditions/types.js';

export type FieldType =
  | 'string' | 'text' | 'integer' | 'decimal' | 'boolean' | 'date' | 'datetime'
  | 'choice' | 'reference' | 'email' | 'phone' | 'url' | 'postcode' | 'currency'
  | 'json' | 'journal' | 'attachment';

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
  /** choice: several values allowed (stored as a JSON array). */
  multiple?: boolean;
  /**
   * choice: the field (of the same table) whose value decides which options apply — each option's `for` (see
   * platform/records/dependent-choices.ts). Enforced on every write; forms offer only the options that apply.
   */
  dependsOn?: string;
  /** reference: the target table. */
  reference?: string;
  /** string-like: maximum / minimum length in characters. */
  maxLength?: number;
  minLength?: number;
  /** integer, decimal, currency: inclusive bounds. */
  min?: number;
  max?: number;
  /** decimal: digits after the point (default 2). */
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
  searchable?: string[];
  fields: Record<string, FieldDef>;
  indexes?: IndexDef[];
  /** Marks the table abstract: records are only created in tables that extend it. */
  abstract?: boolean;
  /** The field holding the owning organisation's id, when not the system `org_id` column (row scope 'org' uses it). */
  orgField?: string;
  /**
   * A string field holding the User ID code a record belongs to: row scope 'org' also covers records whose User ID
   * the actor may act for (their own and those shared with them by consent).
   */
  userIdField?: string;
}

export interface FormSection {
  title?: string;
  description?: string;
  /** One array of field names per column. */
  columns: string[][];
}

export interface UiPolicyAction {
  field: string;
  visible?: boolean;
  mandatory?: boolean;
  readOnly?: boolean;
  value?: unknown;
}

export interface UiPolicy {
  name?: string;
  description?: string;
  condition: Condition;
  actions: UiPolicyAction[];
  /** Undo the actions when the condition becomes false again (default true). */
  reverse?: boolean;
}

export interface RelatedList {
  table: string;
  field: string;
  label?: string;
  columns?: string[];
}

/** A copy action of a form: a new record of the table prefilled with some of the viewed record's values. */
export interface FormCopy {
  name: string;
  label: string;
  fields: string[];
  /** The form the new record is created with (default: the declaring form). */
  form?: string;
  /** Offered only to holders of one of these roles (besides create access to the table). */
  roles?: string[];
}

export interface FormDef {
  kind: 'form';
  name: string;
  table: string;
  label?: string;
  sections: FormSection[];
  relatedLists?: RelatedList[];
  uiPolicies?: UiPolicy[];
  copies?: FormCopy[];
}

export interface MenuItem {
  label: string;
  /** A table list, a form, or a plain path. */
  table?: string;
  form?: string;
  path?: string;
  filter?: Condition;
  /** A shared list view: the columns shown and the sort (`-field` descending). */
  columns?: string[];
  sort?: string;
  capability?: string;
  items?: MenuItem[];
}

export interface MenuDef {
  kind: 'menu';
  name: string;
  label: string;
  order?: number;
  items: MenuItem[];
}

export type TableOperation = 'create' | 'read' | 'update' | 'delete';

/**
 * Which rows a grant covers before its `condition`: 'org' (default) — shared records (no owning organisation),
 * records of the actor's organisations, and records of a User ID the actor may act for (tables with
 * `userIdField`); 'own' — records the actor created; 'all' — every record (e.g. a central service desk).
 */
export type GrantScope = 'org' | 'own' | 'all';

export interface TableGrant {
  table: string;
  operations: TableOperation[];
  /** Row scope (default 'org'); `condition` is ANDed with it. */
  scope?: GrantScope;
  condition?: Condition;
  /** Fields readable (default all) and writable (default all readable) under this grant. */
  readFields?: string[];
  writeFields?: string[];
  deniedFields?: string[];
}

export interface RoleDef {
  kind: 'role';
  name: string;
  label?: string;
  description?: string;
  /** Roles whose grants this role also has. */
  includes?: string[];
  capabilities?: string[];
  tables?: TableGrant[];
}

/** The operations a business rule runs on (a record's insert, update or delete). */
export type RuleOperation = 'insert' | 'update' | 'delete';

/**
 * Something a rule does. String values of `fields`, `values`, `payload`, `value`, `body` and `message` are
 * Handlebars templates over `{ record, previous, user, now }` (see platform/rules/templates.ts).
 */
export type RuleAction =
  | { type: 'set'; fields: Record<string, unknown> }
  | { type: 'abort'; message: string }
  | { type: 'journal'; field: string; body: string }
  | { type: 'createRecord'; table: string; values: Record<string, unknown> }
  | { type: 'emitEvent'; event: string; payload?: Record<string, unknown> }
  | { type: 'assign'; field: string; value: unknown };

/** A business rule (kind `rule`): carried in `Registry.others` under `rule:<name>`, run by platform/rules. */
export interface RuleDef {
  kind: 'rule';
  name: string;
  label?: string;
  description?: string;
  /** The table whose operations run the rule; records of tables extending it run it too. */
  table: string;
  when: 'before' | 'after';
  operations: RuleOperation[];
  /** Lower runs first; ties are broken by name. */
  order: number;
  /** Facts `record`, `previous` (null on insert; the record itself on delete), `user`, `now`. */
  condition?: Condition;
  actions: RuleAction[];
  /** Default true. */
  active?: boolean;
}

/** What sends a notification (see `definitions.schema.json` $defs/notificationTrigger). */
export type NotificationTriggerType =
  | 'created' | 'updated' | 'transition' | 'fieldChange' | 'slaWarning' | 'slaBreach' | 'approvalRequested' | 'event';

export interface NotificationTrigger {
  type: NotificationTriggerType;
  /** type 'event': the event name. */
  event?: string;
  /** type 'transition': the workflow transition's name. */
  transition?: string;
  /** type 'fieldChange': the field whose change sends it. */
  field?: string;
}

/** Who receives a notification: exactly one of the members. */
export interface NotificationRecipient {
  /** The person named by this field of the record (user id, username or e-mail address), dot-walking references. */
  field?: string;
  /** Everyone holding this role (directly or through a role that includes it). */
  role?: string;
  /** The members of this work queue. */
  queue?: string;
  /** The organisation administrators (capability platform.org_admin) of the record's owning organisation. */
  orgAdmins?: true;
  /** A fixed e-mail address (e-mail channel only). */
  email?: string;
  /** The person (or people) named by this member of the event's payload, e.g. "approver". */
  event?: string;
}

export type NotificationChannel = 'inApp' | 'email';

/** A notification (kind `notification`): carried in `Registry.others` under `notification:<name>`, run by platform/notify. */
export interface NotificationDef {
  kind: 'notification';
  name: string;
  label?: string;
  description?: string;
  /** Required except for 'event' triggers. */
  table?: string;
  trigger: NotificationTrigger;
  /** Facts `record`, `previous`, `user` (who caused it), `now`. */
  condition?: Condition;
  recipients: NotificationRecipient[];
  channels: NotificationChannel[];
  /** Handlebars templates: `subject` and `body` are plain text (never HTML-escaped, shown and mailed as text). */
  subject: string;
  body: string;
  /** An HTML body for e-mail, a Handlebars template whose every value is HTML-escaped; sent next to the text body. */
  html?: string;
  /** Default true. */
  active?: boolean;
}

/** Kinds implemented by later issues; validated by the schema, carried opaquely by the registry. */
export interface GenericDef {
  kind: 'rule' | 'workflow' | 'sla' | 'schedule' | 'holidaySet' | 'notification' | 'report' | 'job' | 'page' | 'catalogItem';
  name: string;
  [key: string]: unknown;
}

/** A length of working time (SLA durations). `days` are 24 working hours, `weeks` 168; `workingDays` see the schema. */
export interface DurationDef {
  amount: number;
  unit: 'minutes' | 'hours' | 'days' | 'weeks' | 'workingDays';
}

/** Actions an SLA runs at its warning point or breach: a rule's, except `abort`. */
export type SlaAction = Exclude<RuleAction, { type: 'abort' }>;

/** An SLA (kind `sla`): carried in `Registry.others` under `sla:<name>`, run by platform/workflow/sla. */
export interface SlaDef {
  kind: 'sla';
  name: string;
  label?: string;
  description?: string;
  /** The table measured; records of tables extending it are measured too. */
  table: string;
  /** Conditions over `record`, `user` and `now` (never `previous`). */
  start: Condition;
  pause?: Condition;
  stop: Condition;
  reset?: Condition;
  duration: DurationDef;
  /** A schedule's name; omitted: 24×7. */
  schedule?: string;
  warningPercent?: number;
  onWarning?: SlaAction[];
  onBreach?: SlaAction[];
}

/** One working period of a day, local hh:mm; `to` may be "24:00". */
export interface WorkingPeriodDef { from: string; to: string }

/** A date off, YYYY-MM-DD local to the schedule, and its name. */
export interface HolidayDef { date: string; name: string }

/** A business-hours schedule (kind `schedule`), under `schedule:<name>` in `Registry.others`. */
export interface ScheduleDef {
  kind: 'schedule';
  name: string;
  label?: string;
  description?: string;
  /** IANA time zone, e.g. "Europe/London". */
  timezone: string;
  hours: Partial<Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun', WorkingPeriodDef[]>>;
  holidays?: HolidayDef[];
  /** Names of holidaySet definitions. */
  holidaySets?: string[];
  /** The schedule used where working time is counted without naming one (at most one). */
  default?: boolean;
}

/** A named list of public holidays (kind `holidaySet`), under `holidaySet:<name>` in `Registry.others`. */
export interface HolidaySetDef {
  kind: 'holidaySet';
  name: string;
  label?: string;
  description?: string;
  source?: string;
  holidays: HolidayDef[];
}

export type Definition = TableDef | FormDef | MenuDef | RoleDef | GenericDef;
export type DefinitionKind = Definition['kind'];

/**
 * Demo / seed data shipped in a pack's data/ folder: records of one table (`table` + `records`), and/or the
 * organisations, people and work queues of the platform's identity layer. Seeding applies, in this order,
 * organisations, queues, people (with their queue memberships), then records.
 */
export interface DataFile {
  kind: 'data';
  name: string;
  /** The table `records` go into (with `records`). */
  table?: string;
  /** Demo data: loaded only when demo data is enabled (FORMWORK_DEMO_DATA). People are demo data only. */
  demo?: boolean;
  /** Records to insert once, on first start; `key` fields identify a record already present. */
  key?: string[];
  records?: Record<string, unknown>[];
  /** Create `records` as this declared person (their organisation owns them) instead of the system. */
  as?: string;
  organisations?: DataOrganisation[];
  people?: DataPerson[];
  queues?: DataQueue[];
}

/** An organisation a data file declares (matched by code: an existing one is left alone). */
export interface DataOrganisation {
  code: string;
  name: string;
  /** Members may receive a one-time sign-in code by email instead of using an authenticator app. */
  mfaEmailFallback?: boolean;
}

/** A demo person (matched by username: an existing user is left alone). */
export interface DataPerson {
  username: string;
  displayName?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  /** Home organisation (code). */
  org: string;
  /** Further organisations (codes). */
  orgs?: string[];
  /** Role definitions held. */
  roles?: string[];
  /** Work queues (declared in data files) the person is a member of. */
  queues?: string[];
}

/** A work queue (matched by name: an existing queue is left alone). */
export interface DataQueue {
  name: string;
  label: string;
  description?: string;
  /** Owning organisation (code): only its members (and administrators) see the queue. Omitted: every organisation. */
  org?: string;
  /** Members (usernames of declared people; demo files only). */
  members?: string[];
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
export const ALWAYS_READABLE: readonly string[] = ['id', 'version', 'class', 'number'];

/** A field as the engine sees it after resolving `extends`: declared or system. */
export interface ResolvedField extends Omit<FieldDef, 'type'> {
  /** Declared type, or 'uuid' for the system id / org / actor columns. */
  type: FieldType | 'uuid';
  name: string;
  /** Physical column, or null for fields without a column (journal). */
  column: string | null;
  /** The table that declared it ('' for system fields). */
  declaredBy: string;
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
  /** The number prefix in force (own or inherited), if any. */
  numberPrefix?: string;
  numberDigits: number;
  displayField: string;
  /** The field holding the owning organisation (own or inherited `orgField`, else `org_id`). */
  orgField: string;
  /** The field holding the User ID code a record belongs to (own or inherited `userIdField`), if any. */
  userIdField?: string;
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

/**
 * An immutable snapshot of every valid definition, resolved. The running system holds one at a time and swaps
 * it atomically when definitions change; an invalid change never replaces it.
 */
export interface Registry {
  /** Content hash of the snapshot (changes whenever any definition changes). */
  readonly version: string;
  readonly tables: ReadonlyMap<string, ResolvedTable>;
  readonly physicalTables: ReadonlyMap<string, PhysicalTable>;
  readonly forms: ReadonlyMap<string, FormDef>;
  readonly menus: ReadonlyMap<string, MenuDef>;
  readonly roles: ReadonlyMap<string, RoleDef>;
  /** Kinds implemented by later issues, keyed `${kind}:${name}`. */
  readonly others: ReadonlyMap<string, GenericDef>;
  readonly data: readonly DataFile[];
  /** Where each definition came from, keyed `${kind}:${name}`. */
  readonly sources: ReadonlyMap<string, DefinitionSource>;
  /** The table, or a `table_not_found` FormworkError. */
  getTable(name: string): ResolvedTable;
  /** The form, or a `not_found` FormworkError. */
  getForm(name: string): FormDef;
}

/** A workflow state's category: "open" (being worked), "pending" (waiting on someone else), "closed" (finished). */
export type StateCategory = 'open' | 'pending' | 'closed';

export interface WorkflowStateDef {
  label: string;
  category: StateCategory;
  /** The queue owning records in this state (needs the workflow's `queueField`). */
  queue?: string;
}

/** One effect of a transition: exactly one member. String values of `set` and `createRecord.values` are templates. */
export interface WorkflowEffectDef {
  set?: Record<string, unknown>;
  queue?: string;
  notify?: string;
  createRecord?: {
    table: string;
    values: Record<string, unknown>;
    /** A reference field of the transitioned record that is set to the created record. */
    link?: string;
  };
}

export interface TransitionDef {
  name: string;
  /** A state, several, or "*" for any. */
  from: string | string[];
  to: string;
  label: string;
  description?: string;
  /** The actor must hold one of these roles (directly or through includes)… */
  roles?: string[];
  /** …and one of these capabilities, when given. */
  capabilities?: string[];
  /** Facts record (with the fields the request sets), previous (the stored record), user, now. */
  condition?: Condition;
  requiredFields?: string[];
  effects?: WorkflowEffectDef[];
  /** Default 'optional'. */
  comment?: 'none' | 'optional' | 'required';
  /** Only approvals and timers make it. */
  automatic?: boolean;
}

/** Who approves: exactly one member. */
export interface ApproverDef {
  role?: string;
  /** A group is a work queue: its members. */
  group?: string;
  queue?: string;
  /** A field (dot-walking references) holding a username or user id. */
  field?: string;
}

export interface ApprovalDef {
  name: string;
  stage: number;
  state: string;
  approvers: ApproverDef[];
  mode: 'any' | 'all' | 'quorum';
  quorum?: number;
  condition?: Condition;
  onApprove: string;
  onReject: string;
}

export interface TimerDef {
  name: string;
  from: string;
  after: { amount: number; unit: 'minutes' | 'hours' | 'days' | 'weeks'; businessHours?: boolean };
  /** The date(-time) field the wait counts from; omitted: the time the record entered the state. */
  field?: string;
  transition: string;
  condition?: Condition;
}

export interface AssignmentRuleDef {
  name?: string;
  condition: Condition;
  queue: string;
}

/** A workflow (kind `workflow`): carried in `Registry.others` under `workflow:<name>`, run by platform/workflow. */
export interface WorkflowDef {
  kind: 'workflow';
  name: string;
  /** The table; tables extending it follow it too unless they have a workflow of their own. */
  table: string;
  label?: string;
  description?: string;
  stateField: string;
  initialState: string;
  states: Record<string, WorkflowStateDef>;
  transitions: TransitionDef[];
  approvals?: ApprovalDef[];
  timers?: TimerDef[];
  queueField?: string;
  assigneeField?: string;
  commentField?: string;
  assignmentRules?: AssignmentRuleDef[];
}
