/** The business-rule kind's shapes (schema part: rule.schema.json). */
import type { Condition } from '../conditions/types.js';

/** The operations a business rule runs on: a record's create, update or delete (the words roles use). */
export type RuleOperation = 'create' | 'update' | 'delete';

/**
 * Something a rule, an SLA or a workflow transition does (one shape: common.schema.json `action`; each place allows
 * its own types, see {@link RULE_ACTION_TYPES}). String values of `fields`, `values`, `payload`, `value`, `body` and
 * `message` are Handlebars templates over `{ record, previous, user, now }` (see platform/rules/templates.ts).
 */
export type Action =
  | { type: 'set'; fields: Record<string, unknown> }
  | { type: 'abort'; message: string }
  | { type: 'journal'; field: string; body: string }
  | { type: 'createRecord'; table: string; values: Record<string, unknown>; /** Transitions only. */ link?: string }
  | { type: 'emitEvent'; event: string; payload?: Record<string, unknown> }
  | { type: 'assign'; field: string; value: unknown }
  | { type: 'queue'; queue: string }
  | { type: 'notify'; notification: string }
  /** A platform action (platform-actions.ts) by name, with its parameters (templates or literals). Transitions only. */
  | { type: 'platform'; action: string; with?: Record<string, unknown> };

export type ActionType = Action['type'];

/**
 * The action types each place allows (the schema's ruleAction, slaAction and transitionAction say the same). Platform
 * actions run only in transitions: a transition is gated by its roles, capabilities, condition or an approval, so
 * who sets the action off is a decision the definition names, and it runs as that person (the approver, for an
 * approval's outcome). Rules run for every write of their table by anyone, and SLAs run from a poller for nobody,
 * so neither may act on the platform.
 */
export const RULE_ACTION_TYPES: readonly ActionType[] = ['set', 'abort', 'journal', 'createRecord', 'emitEvent', 'assign'];
export const SLA_ACTION_TYPES: readonly ActionType[] = ['set', 'journal', 'createRecord', 'emitEvent', 'assign'];
export const TRANSITION_ACTION_TYPES: readonly ActionType[] = ['set', 'journal', 'createRecord', 'emitEvent', 'assign', 'queue', 'notify', 'platform'];

/** A business rule's action. */
export type RuleAction = Action;

/** A business rule (kind `rule`, `registry.rules`), run by platform/rules. */
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
  /** Run when the condition is true (or there is none). */
  actions: RuleAction[];
  /** Run when the condition is false. */
  else?: RuleAction[];
  /** Default true. */
  active?: boolean;
}
