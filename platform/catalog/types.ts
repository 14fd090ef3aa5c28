/**
 * The service catalogue's definition shapes (schema part: catalog.schema.json). Five kinds: `catalog` (a
 * storefront), `catalogCategory` (a shelf, nested by `parent`), `catalogItem` (something to order: its questions —
 * variables — and what ordering creates), `variableSet` (questions shared by several items; multi-row sets ask for a
 * list of rows) and `orderGuide` (questions that choose which items to order).
 *
 * Variables use the table field model (platform/definitions/model.ts) so answers are checked by the same code as
 * record fields; conditions over answers name them as `record.<variable>` (or bare), over the orderer as `user.*`.
 */
import type { Condition } from '../conditions/types.js';
import type { FieldDef } from '../definitions/model.js';
import type { UiPolicy, UiPolicySource } from '../forms/types.js';

/** Who may see or use something: a condition over the user's facts (`user.roles`, `user.orgId`, `user.capabilities`…). */
export type AudienceCondition = Condition;

/** Field types a variable may have: every value type of the field model (journals and files are record things). */
export const VARIABLE_TYPES = [
  'string', 'text', 'integer', 'decimal', 'boolean', 'date', 'datetime', 'choice', 'reference', 'email', 'phone', 'url',
  'postcode', 'currency',
] as const;
export type VariableType = (typeof VARIABLE_TYPES)[number];

/** A default taken from the orderer: `{ "fact": "user.email" }` (user facts: see platform/catalog/facts). */
export interface FactDefault { fact: string }

/**
 * One question of an item, set or guide: a field of the field model (minus what only stored columns have) plus
 * where it goes on the page and its own conditions (each becomes a UI policy on it, as form entries do).
 */
export interface VariableDef extends Omit<FieldDef, 'type' | 'default' | 'unique' | 'index' | 'encrypted' | 'readableWhen'
  | 'protected' | 'journalType' | 'fetchFrom' | 'accept' | 'maxSize'> {
  type: VariableType;
  /** A literal, `"$now"` for dates, or a fact of the orderer. */
  default?: unknown;
  /** Heading of the section the variable opens (variables after it belong to it until the next `section`). */
  section?: string;
  /** How wide the control is on the page (default full). */
  width?: 'full' | 'half' | 'third';
  visibleWhen?: Condition;
  mandatoryWhen?: Condition;
  readOnlyWhen?: Condition;
}

export interface CatalogDef {
  kind: 'catalog';
  name: string;
  title: string;
  description?: string;
  /** A name from the UI's icon set. */
  icon?: string;
  /** Position among catalogues (ascending; then title). */
  order?: number;
  /** Who sees the catalogue (absent: every signed-in user). */
  visibleTo?: AudienceCondition;
}

export interface CatalogCategoryDef {
  kind: 'catalogCategory';
  name: string;
  catalog: string;
  title: string;
  description?: string;
  icon?: string;
  order?: number;
  /** The category this one sits under (same catalogue). */
  parent?: string;
  /** Who sees the category and what is in it (absent: everyone who sees its catalogue and parents). */
  visibleTo?: AudienceCondition;
}

/** A display price. */
export interface Price {
  amount: number;
  /** ISO 4217 (default GBP). */
  currency?: string;
}

export interface RecurringPrice extends Price {
  period: 'week' | 'month' | 'quarter' | 'year';
}

export interface Duration {
  amount: number;
  unit: 'hours' | 'days' | 'weeks';
}

/** What may be attached when ordering. */
export interface AttachmentRule {
  /** At least one file must be attached. */
  required?: boolean;
  /** Allowed content types (`application/pdf`), families (`image/*`) or extensions (`.docx`); absent: any. */
  accept?: string[];
  /** Largest file in bytes (default FORMWORK_ATTACHMENT_MAX_SIZE). */
  maxSize?: number;
  /** Most files (default 10). */
  maxFiles?: number;
  /** What to attach, said to the orderer. */
  help?: string;
}

/** A value for a created record's field: a literal, or the answer to a variable. */
export type MappedValue = { variable: string } | string | number | boolean | null;

/** Ordering creates a requested item under a request (REQ with RITM lines), fulfilled by its table's workflow. */
export interface RequestTarget {
  /**
   * The requested-item table: the platform's requested-item table or one extending it (with a workflow of its own
   * for approvals and fulfilment). Default: the requested-item table itself.
   */
  table?: string;
  /** The work queue the requested item starts in (its queue field), when its workflow's state does not name one. */
  queue?: string;
  /** Fields of the requested-item table set from answers or literals. */
  fields?: Record<string, MappedValue>;
}

/** Ordering creates a record in any table through its normal pipeline (a record producer). */
export interface RecordTarget {
  table: string;
  /** The form whose policies apply besides the table's default form. */
  form?: string;
  /**
   * Fields set from answers or literals. Variables named like a field of the table map to it without being listed.
   */
  fields?: Record<string, MappedValue>;
}

export type ItemTarget = { request: RequestTarget } | { record: RecordTarget };

/** What items and order guides share: how they are shelved, found and offered. */
interface ShelvedDef {
  name: string;
  title: string;
  /** One line under the title in lists. */
  shortDescription?: string;
  /** The full description on its page (plain text, paragraphs separated by blank lines). */
  description?: string;
  /** Categories it is shelved in (at least one). */
  categories: string[];
  icon?: string;
  /** Words people search for that are not in its title or descriptions. */
  keywords?: string[];
  order?: number;
  /** Who may order it (absent: everyone who sees one of its categories). */
  availableFor?: AudienceCondition;
  /** Who may not (wins over availableFor). */
  notAvailableFor?: AudienceCondition;
}

export interface CatalogItemDef extends ShelvedDef {
  kind: 'catalogItem';
  /** Withdrawn: no longer listed or orderable; requests already made stay workable. */
  active?: boolean;
  /** Ask for a quantity (requests only): true (1–100) or the most that may be ordered at once. */
  quantity?: boolean | { max: number };
  price?: Price;
  recurringPrice?: RecurringPrice;
  deliveryTime?: Duration;
  attachments?: AttachmentRule;
  /** The item's own questions, in page order. */
  variables?: Record<string, VariableDef>;
  /** Variable sets whose questions follow the item's own, in this order. */
  variableSets?: string[];
  uiPolicies?: UiPolicySource[];
  /** What ordering creates. */
  creates: ItemTarget;
}

export interface VariableSetDef {
  kind: 'variableSet';
  name: string;
  title: string;
  description?: string;
  /** Ask for a list of rows (answer: an array of objects keyed by variable), shown as a table with add/remove. */
  multiRow?: boolean;
  /** Multi-row: fewest and most rows (defaults 0 and 50). */
  minRows?: number;
  maxRows?: number;
  variables: Record<string, VariableDef>;
  /** Single-row sets: policies over the set's (and, at order time, the item's) answers. */
  uiPolicies?: UiPolicySource[];
}

/** One item an order guide may choose: when its condition over the guide's answers holds (absent: always). */
export interface GuideItem {
  item: string;
  when?: Condition;
}

export interface OrderGuideDef extends ShelvedDef {
  kind: 'orderGuide';
  /** The guide's questions; answers cascade into the chosen items' variables of the same name. */
  variables: Record<string, VariableDef>;
  uiPolicies?: UiPolicySource[];
  items: GuideItem[];
}

/** A UI policy after normalisation (each action names one variable). */
export type CatalogPolicy = UiPolicy;

// The shapes of the catalogue API's answers (built in item-view.ts) live here too, so the portal imports them
// (type-only) instead of declaring them again.

/** An item or guide as lists show it. */
export interface CatalogCard {
  type: 'item' | 'guide';
  name: string;
  title: string;
  shortDescription?: string;
  icon?: string;
  categories: string[];
  price?: Price;
  recurringPrice?: RecurringPrice;
  deliveryTime?: Duration;
  /** Items: what ordering creates ('request' or 'record'). */
  creates?: 'request' | 'record';
}

/** A category as a page's breadcrumb names it. */
export interface Shelf { name: string; title: string }
